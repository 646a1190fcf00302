/**
 * AWS partitions: ARNs, service principals and upstream policy files differ per partition.
 * Source: AWS General Reference, "ARN format" (partition) and the region name prefixes.
 */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * The regions this version knows (AWS General Reference, "Service endpoints": the regions of the
 * aws, aws-cn and aws-us-gov partitions, late 2025). A region AWS opens later is well formed but
 * not listed: the configuration is warned, not refused.
 */
export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
];

/**
 * The partitions upstream ships a controller policy for (docs/install/iam_policy_iso*.json from
 * v2.13.0, iam_policy_eusc.json from v2.16.0, both at v3.5.0) that this project does not emit:
 * their service principals, DNS suffixes, ELB log delivery and which EKS features they offer
 * (Pod Identity, the add-ons) are not in the catalog, and commercial ARNs or principals there would
 * not work. Each by the region names of its AWS SDK `regionRegex` (aws-sdk-js-v3
 * packages/util-endpoints/src/lib/aws/partitions.json).
 */
export const UNSUPPORTED_PARTITIONS: readonly {
  readonly partition: string;
  readonly regions: RegExp;
}[] = [
  { partition: 'aws-iso', regions: /^us-iso-\w+-\d+$/ },
  { partition: 'aws-iso-b', regions: /^us-isob-\w+-\d+$/ },
  { partition: 'aws-iso-e', regions: /^eu-isoe-\w+-\d+$/ },
  { partition: 'aws-iso-f', regions: /^us-isof-\w+-\d+$/ },
  { partition: 'aws-eusc', regions: /^eusc-de-\w+-\d+$/ },
];

/** Why a region cannot be used, if it is in a partition this project does not emit. */
export function unsupportedPartitionProblem(region: string): string | undefined {
  const found = UNSUPPORTED_PARTITIONS.find(({ regions }) => regions.test(region));
  return (
    found &&
    `is in the ${found.partition} partition, which this version does not support: its service principals, ELB log delivery and EKS features are not in the catalog, and it would emit commercial ARNs there; supported: aws, aws-cn, aws-us-gov`
  );
}

/** The AWS partition of a region. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
