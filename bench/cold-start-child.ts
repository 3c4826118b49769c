/**
 * One cold start, in a fresh process (spawned by cold-start.ts): start the stack, load a one-bucket
 * app with guest access, and get a guest's first credentials (GetId + GetCredentialsForIdentity
 * through the transport) — no sign-in. Prints one JSON line of milestones, in ms since this
 * process's time origin (its start), then closes the stack and exits.
 */
import { performance } from 'node:perf_hooks';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import type { AppConfig } from '../emulator/config.js';
import { Stack } from '../emulator/stack.js';
import { installNodeTransport } from '../emulator/transport/node.js';
import { identityClient, quietSdk } from './lib/clients.js';

export interface ColdStartMilestones {
  /** Every module is loaded (ESM imports evaluate before this body runs). */
  importedMs: number;
  stackReadyMs: number;
  /** Stack.start() alone. */
  stackStartMs: number;
  minioStartupMs: number;
  appLoadedMs: number;
  credentialsMs: number;
}

const importedMs = performance.now();
quietSdk();

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
  const transport = installNodeTransport(stack.transportTargets);
  try {
    const client = identityClient('transport');
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: app.identityPool.id }));
    const { Credentials } = await client.send(new GetCredentialsForIdentityCommand({ IdentityId }));
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
    client.destroy();
  } finally {
    await transport.restore();
  }
} finally {
  await stack.close();
}
