export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** The AWS partition of a region: ARNs, policy files and service principals differ per partition. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
