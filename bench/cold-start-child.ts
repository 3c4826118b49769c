/**
 * One cold start, in a fresh process (spawned by cold-start.ts): start the stack, load a one-bucket
 * app with guest access, and get a guest's first credentials (GetId + GetCredentialsForIdentity
 * through the transport) — no sign-in. Prints one JSON line of milestones, in ms since this
 * process's time origin (its start), then closes the stack and exits.
 *
 * The two calls are sent with fetch, as the SDK sends them, without loading an SDK client: moto's
 * figure beside this one (peer-moto.ts) is taken with its SDK clients loaded already, in the bench
 * process, so neither side counts a client library's loading.
 */
import { performance } from 'node:perf_hooks';
import type { GetCredentialsForIdentityResponse, GetIdResponse } from '@aws-sdk/client-cognito-identity';
import type { AppConfig } from '../emulator/config.js';
import { Stack } from '../emulator/stack.js';

/** One unsigned AWS JSON 1.1 call to Cognito identity pools, to the AWS host name (the transport routes it). */
async function cognitoIdentity<T>(operation: string, input: object): Promise<T> {
  const response = await fetch('https://cognito-identity.us-east-1.amazonaws.com/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${operation}` },
    body: JSON.stringify(input),
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${operation}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body as T;
}

export interface ColdStartMilestones {
  /** Every statically imported module is loaded (ESM imports evaluate before this body runs). */
  importedMs: number;
  stackReadyMs: number;
  /** Stack.start() alone. */
  stackStartMs: number;
  minioStartupMs: number;
  appLoadedMs: number;
  credentialsMs: number;
}

const importedMs = performance.now();

const app: AppConfig = {
  id: 'cold',
  region: 'us-east-1',
  accountId: '123456789012',
  userPool: { id: 'us-east-1_ColdStart1', clientIds: ['coldstartclient0123456789a'], groups: [], users: [] },
  identityPool: { id: 'us-east-1:00000000-0000-4000-a000-00000000c01d', allowGuestAccess: true },
  roles: {
    guest: {
      arn: 'arn:aws:iam::123456789012:role/bench-guest',
      policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ase-bench-cold/public/*'] }] }],
    },
    authenticated: { arn: 'arn:aws:iam::123456789012:role/bench-auth', policies: [] },
    groups: {},
  },
  buckets: [{ name: 'bench', bucketName: 'ase-bench-cold', region: 'us-east-1' }],
};

const started = performance.now();
const stack = await Stack.start();
const stackReadyMs = performance.now();
try {
  await stack.load(app);
  const appLoadedMs = performance.now();
  // Imported here, on the clock: by now the stack has loaded undici (most of its cost) while MinIO booted.
  const { installNodeTransport } = await import('../emulator/transport/node.js');
  const transport = installNodeTransport(stack.transportTargets);
  try {
    const { IdentityId } = await cognitoIdentity<GetIdResponse>('GetId', { IdentityPoolId: app.identityPool.id });
    const { Credentials } = await cognitoIdentity<GetCredentialsForIdentityResponse>('GetCredentialsForIdentity', { IdentityId });
    if (!Credentials?.AccessKeyId) throw new Error('no credentials vended');
    const credentialsMs = performance.now();
    const milestones: ColdStartMilestones = {
      importedMs,
      stackReadyMs,
      stackStartMs: stackReadyMs - started,
      minioStartupMs: stack.minio.startupMs,
      appLoadedMs,
      credentialsMs,
    };
    process.stdout.write(`${JSON.stringify(milestones)}\n`);
  } finally {
    await transport.restore();
  }
} finally {
  await stack.close();
}
