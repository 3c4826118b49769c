import { fetchAuthSession } from 'aws-amplify/auth';
import { downloadData, getProperties } from 'aws-amplify/storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppConfig } from '../../emulator/config.js';
import { Stack } from '../../emulator/stack.js';
import { installNodeTransport, type InstalledTransport } from '../../emulator/transport/node.js';
import { Actor } from '../../harness/runner/actor.js';

// Credentials live 5 s here; Cognito's live an hour. The client keeps using cached credentials
// (it refreshes on its own 50-minute clock), so its next request reaches S3 with an expired session.
let stack: Stack;
let transport: InstalledTransport;
const app: AppConfig = {
  id: 'expiry', region: 'us-east-1', accountId: '123456789012',
  userPool: { id: 'us-east-1_Expiry001', clientIds: ['expiryclient000000000000001'], groups: [], users: [] },
  identityPool: { id: 'us-east-1:0e0e0e0e-0000-4000-8000-00000000e001', allowGuestAccess: true },
  roles: {
    guest: { arn: 'arn:aws:iam::123456789012:role/guest', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ase-test-expiry/*'] }] }] },
    authenticated: { arn: 'arn:aws:iam::123456789012:role/auth', policies: [] },
    groups: {},
  },
  buckets: [{ name: 'main', bucketName: 'ase-test-expiry', region: 'us-east-1', paths: {} }],
};

beforeAll(async () => {
  stack = await Stack.start({ credentialsTtlSeconds: 5 });
  transport = installNodeTransport(stack.transportTargets);
});
afterAll(async () => {
  await transport?.restore();
  await stack?.close();
});

it('answers a request made with expired credentials as AWS does: ExpiredToken, not AccessDenied', async () => {
  const loaded = await stack.load(app);
  await stack.admin.putObject('ase-test-expiry', 'hello.txt', 'hi');
  const guest = new Actor('guest', Actor.configFrom(loaded.outputs));
  const first = await downloadData(guest.context, { path: 'hello.txt' }).result;
  expect(await first.body.text()).toBe('hi');

  // Wait for the session's own expiry (not a fixed time: the machine may be slow), then a second.
  const { credentials } = await fetchAuthSession(guest.context);
  const expiresIn = (credentials?.expiration?.getTime() ?? Date.now()) - Date.now();
  await new Promise((r) => setTimeout(r, Math.max(0, expiresIn) + 1_000));
  const error = await downloadData(guest.context, { path: 'hello.txt' }).result.catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe('ExpiredToken');
  // HEAD has no body: the status alone says it (400, as AWS answers ExpiredToken).
  const head = await getProperties(guest.context, { path: 'hello.txt' }).catch((e: Error) => e);
  expect(head).toBeInstanceOf(Error);
  expect((head as { metadata?: { httpStatusCode?: number } }).metadata?.httpStatusCode).toBe(400);
});
