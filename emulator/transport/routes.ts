/**
 * Which local server answers an AWS host name. The real client addresses AWS by its public host
 * names; the transport sends those requests to loopback with URL and Host intact so SigV4
 * signatures (which cover `host`) stay valid.
 */
export type RouteTarget = 'emulator' | 's3';

const REGION = '[a-z]{2}(?:-gov)?-[a-z]+-\\d';
const EMULATOR_HOSTS = [
  new RegExp(`^cognito-idp\\.${REGION}\\.amazonaws\\.com$`),
  new RegExp(`^cognito-identity\\.${REGION}\\.amazonaws\\.com$`),
  new RegExp(`^sts(?:\\.${REGION})?\\.amazonaws\\.com$`),
];
const S3_HOSTS = [
  // virtual-host style (bucket.s3.region...), path style (s3.region...), global and dualstack forms
  new RegExp(`^(?:[a-z0-9.-]+\\.)?s3(?:\\.dualstack)?\\.${REGION}\\.amazonaws\\.com$`),
  new RegExp(`^(?:[a-z0-9.-]+\\.)?s3-${REGION}\\.amazonaws\\.com$`),
  /^(?:[a-z0-9.-]+\.)?s3\.amazonaws\.com$/,
];

export function routeFor(hostname: string): RouteTarget | 'unsupported-aws' | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (EMULATOR_HOSTS.some((re) => re.test(host))) return 'emulator';
  if (S3_HOSTS.some((re) => re.test(host))) return 's3';
  if (host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn')) return 'unsupported-aws';
  return undefined;
}
