/**
 * AWS partitions: ARNs, service principals and upstream policy files differ per partition.
 * Source: AWS General Reference, "ARN format" (partition) and the region name prefixes.
 */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** The AWS partition of a region. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
