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

/** Where a stack's services listen: the routing table's targets. */
export interface TransportTargets {
  /** Port of the emulator (Cognito user pools, identity pools, STS) on 127.0.0.1. */
  emulatorPort: number;
  /** Port of MinIO on 127.0.0.1. */
  s3Port: number;
  host?: string;
  /** Where MinIO is when it is not on `host` (a MinIO the stack did not start, e.g. compose's). */
  s3Host?: string;
}

/**
 * The one routing table the Node transport and the TLS front door share: the loopback address
 * that answers an AWS host name, `unsupported-aws` for an AWS service the stack does not emulate
 * (refused, never sent to AWS), undefined for a host that is not AWS's.
 */
export function addressFor(hostname: string, targets: TransportTargets): { target: RouteTarget; host: string; port: number } | 'unsupported-aws' | undefined {
  const route = routeFor(hostname);
  if (route === undefined || route === 'unsupported-aws') return route;
  const host = targets.host ?? '127.0.0.1';
  return route === 'emulator' ? { target: route, host, port: targets.emulatorPort } : { target: route, host: targets.s3Host ?? host, port: targets.s3Port };
}

/** What a client is told when it addresses an AWS service the stack does not serve. */
export function unsupportedHostMessage(hostname: string): string {
  return `amplify-storage-emulator does not emulate ${hostname}; only Cognito user pools, Cognito identity, STS and S3 are served locally.`;
}
