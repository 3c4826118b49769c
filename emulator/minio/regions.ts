/**
 * Commercial AWS regions (partition `aws`), as listed by the partition table that ships with
 * @aws-sdk/core 3.11xx. Used for MinIO's default `MINIO_DOMAIN`: one virtual-host domain
 * `s3.<region>.amazonaws.com` per region, so `<bucket>.s3.<region>.amazonaws.com` resolves in any
 * of them. None of these domains is a suffix of another, which MinIO would refuse.
 */
export const AWS_COMMERCIAL_REGIONS = [
  'af-south-1',
  'ap-east-1', 'ap-east-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1',
  'me-central-1', 'me-south-1', 'me-west-1',
  'mx-central-1',
  'sa-east-1', 'sa-west-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
] as const;

export type AwsCommercialRegion = (typeof AWS_COMMERCIAL_REGIONS)[number];

/** The S3 regional endpoint domain for `region`: `s3.<region>.amazonaws.com`. */
export function s3Domain(region: string): string {
  return `s3.${region}.amazonaws.com`;
}

/** `s3.<region>.amazonaws.com` for every commercial region: MinIO's default `MINIO_DOMAIN`. */
export const DEFAULT_S3_DOMAINS: readonly string[] = AWS_COMMERCIAL_REGIONS.map(s3Domain);
