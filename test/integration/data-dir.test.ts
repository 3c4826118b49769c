/**
 * `dataDir` (`ase up --data-dir`): a stack stopped and started again on the same folder finds its
 * users (seeded and signed up at run time, with their passwords and groups), identity IDs and
 * objects as they were. The real aws-amplify client does everything a user would; nothing reaches
 * into the stores. Without a data dir, state is temporary: the control case at the end.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { confirmSignUp, fetchAuthSession, fetchUserAttributes, signUp } from 'aws-amplify/auth';
import { downloadData, list, uploadData } from 'aws-amplify/storage';
import { PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installNodeTransport, Stack, type AppConfig, type InstalledTransport } from '../../index.js';
import { captureAwsJsonCalls, clientUser, thrown } from '../helpers/amplify-client.js';
import { GlobalFetchHandler } from '../helpers/fetch-http-handler.js';
import { resolverDispatcher } from '../helpers/front-door-dispatcher.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BUCKET = 'ase-test-data-dir';
const SUB = '${cognito-identity.amazonaws.com:sub}';
const B = `arn:aws:s3:::${BUCKET}`;

function app(): AppConfig {
  return {
    id: 'data-dir',
    region: REGION,
    accountId: ACCOUNT,
    userPool: {
      id: `${REGION}_DataDirA`,
      clientIds: ['datadirclientaaaaaaaaaaaaa'],
      groups: [{ name: 'editors', precedence: 1 }],
      users: [{ username: 'erin', password: 'Erin-Pass-1!', groups: ['editors'] }],
    },
    identityPool: { id: `${REGION}:0c0c0c0c-1111-4222-8333-444455556666`, allowGuestAccess: true },
    roles: {
      guest: { arn: `arn:aws:iam::${ACCOUNT}:role/dd-unauth`, policies: [] },
      authenticated: {
        arn: `arn:aws:iam::${ACCOUNT}:role/dd-auth`,
        policies: [{
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`${B}/private/${SUB}/*`] },
            { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [B], Condition: { StringLike: { 's3:prefix': [`private/${SUB}/`, `private/${SUB}/*`] } } },
          ],
        }],
      },
      groups: {},
    },
    buckets: [{ name: 'media', bucketName: BUCKET, region: REGION, paths: { [`private/${SUB}/*`]: { entityidentity: ['get', 'list', 'write'] } } }],
  };
}

let dir: string;
const running: Array<{ stack: Stack; transport: InstalledTransport }> = [];

async function start(dataDir?: string) {
  const stack = await Stack.start(dataDir ? { dataDir } : {});
  const transport = installNodeTransport(stack.transportTargets);
  running.push({ stack, transport });
  const loaded = await stack.load(app());
  return { stack, outputs: loaded.outputs, async stop() {
    running.splice(running.findIndex((r) => r.stack === stack), 1);
    await transport.restore();
    await stack.close();
  } };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ase-test-data-dir-'));
});

afterAll(async () => {
  for (const r of running.splice(0)) {
    await r.transport.restore();
    await r.stack.close();
  }
  await rm(dir, { recursive: true, force: true });
});

it('keeps users (seeded and signed up), passwords, groups, identity IDs and objects across a restart', async () => {
  const first = await start(dir);
  // A user who signs up at run time: only the data dir can bring them back.
  const newcomer = clientUser(first.outputs, 'frank', 'Frank-Pass-2!');
  await signUp(newcomer.context, { username: 'frank', password: 'Frank-Pass-2!' });
  const code = first.stack.userPools.getConfirmationCode(app().userPool.id, 'frank')!;
  await confirmSignUp(newcomer.context, { username: 'frank', confirmationCode: code });
  await newcomer.signIn();
  const frankId = await newcomer.identityId();
  await uploadData(newcomer.context, { path: `private/${frankId}/kept.txt`, data: 'still here' }).result;
  const erin = clientUser(first.outputs, 'erin', 'Erin-Pass-1!');
  await erin.signIn();
  const erinId = await erin.identityId();
  const erinSub = first.stack.userPools.getUser(app().userPool.id, 'erin').sub;
  const guest = clientUser(first.outputs, 'guest');
  const guestId = (await guest.session()).identityId!;
  await first.stop();

  const state = JSON.parse(await readFile(path.join(dir, 'emulator-state.json'), 'utf8')) as object;
  expect(JSON.stringify(state)).not.toContain('Frank-Pass-2!'); // verifiers only, never passwords

  const second = await start(dir);
  const again = clientUser(second.outputs, 'frank', 'Frank-Pass-2!');
  await again.signIn();
  expect(await again.identityId()).toBe(frankId);
  const { items } = await list(again.context, { path: `private/${frankId}/` });
  expect(items.map((i) => i.path)).toEqual([`private/${frankId}/kept.txt`]);
  const { body } = await downloadData(again.context, { path: `private/${frankId}/kept.txt` }).result;
  expect(await body.text()).toBe('still here');

  const erinAgain = clientUser(second.outputs, 'erin', 'Erin-Pass-1!');
  await erinAgain.signIn();
  expect(await erinAgain.identityId()).toBe(erinId);
  expect(second.stack.userPools.getUser(app().userPool.id, 'erin')).toMatchObject({ sub: erinSub, groups: ['editors'] });
  // The guest identity the client stored is still known (GetCredentialsForIdentity accepts it).
  expect(second.stack.identityPools.getIdentity(guestId)?.id).toBe(guestId);
  expect((await thrown(clientUser(second.outputs, 'frank', 'Wrong-Pass-9!').signIn())).name).toBe('NotAuthorizedException');
  await second.stop();
}, 120_000); // two stack starts and three sign-ins: generous on a loaded machine

it('a client signed in before a restart stays signed in after it: its access token verifies, its refresh token mints new tokens; the front door keeps its certificate', async () => {
  const keep = await mkdtemp(path.join(tmpdir(), 'ase-test-data-dir-tokens-'));
  try {
    const first = await start(keep);
    const erin = clientUser(first.outputs, 'erin', 'Erin-Pass-1!');
    await erin.signIn();
    const erinId = await erin.identityId();
    const before = (await fetchAuthSession(erin.context)).tokens!;
    const spki = first.stack.frontDoor.certificate.spkiSha256;
    await first.stop();
    // The private keys and the refresh tokens are secrets: readable by their owner only.
    for (const file of ['signing-keys.json', 'emulator-state.json', 'front-door-certificate.json']) {
      expect((await stat(path.join(keep, file))).mode & 0o777, file).toBe(0o600);
    }

    const second = await start(keep);
    // A browser told to trust the front door's certificate (by its key) still does.
    expect(second.stack.frontDoor.certificate.spkiSha256).toBe(spki);
    // The same client, with the tokens it had: no new sign-in.
    expect((await fetchUserAttributes(erin.context)).sub).toBe(before.idToken!.payload.sub);
    const { result: after, calls } = await captureAwsJsonCalls(() => fetchAuthSession(erin.context, { forceRefresh: true }));
    const refreshes = calls.filter((c) => c.operation === 'GetTokensFromRefreshToken'
      || (c.operation === 'InitiateAuth' && c.body.AuthFlow === 'REFRESH_TOKEN_AUTH'));
    expect(refreshes).toHaveLength(1);
    expect(after.tokens!.accessToken.toString()).not.toBe(before.accessToken.toString());
    expect(after.tokens!.accessToken.payload.origin_jti).toBe(before.accessToken.payload.origin_jti);
    expect(after.identityId).toBe(erinId);
    await uploadData(erin.context, { path: `private/${erinId}/after-restart.txt`, data: 'refreshed' }).result;
    const { items } = await list(erin.context, { path: `private/${erinId}/` });
    expect(items.map((i) => i.path)).toContain(`private/${erinId}/after-restart.txt`);
  } finally {
    for (const r of running.splice(0)) {
      await r.transport.restore();
      await r.stack.close();
    }
    await rm(keep, { recursive: true, force: true });
  }
}, 120_000);

it("keeps a bucket's CORS set by PutBucketCors across a restart, unless the app's file changed its cors since", async () => {
  const keep = await mkdtemp(path.join(tmpdir(), 'ase-test-data-dir-cors-'));
  const withCors = (allowed: string): AppConfig => {
    const base = app();
    base.roles.groups = { editors: { arn: `arn:aws:iam::${ACCOUNT}:role/dd-editors`, policies: [{
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutBucketCORS', 's3:GetBucketCORS'], Resource: [B] }],
    }] } };
    base.userPool.groups = [{ name: 'editors', precedence: 1, roleArn: `arn:aws:iam::${ACCOUNT}:role/dd-editors` }];
    base.buckets[0]!.cors = { CORSRules: [{ AllowedOrigins: [allowed], AllowedMethods: ['GET'] }] };
    return base;
  };
  const previous = getGlobalDispatcher();
  const startWith = async (config: AppConfig) => {
    const stack = await Stack.start({ dataDir: keep });
    const transport = installNodeTransport(stack.transportTargets);
    running.push({ stack, transport });
    const { outputs } = await stack.load(config);
    const resolver = resolverDispatcher(stack.frontDoor);
    setGlobalDispatcher(resolver);
    return { stack, outputs, resolver };
  };
  const preflight = (origin: string) => fetch(`https://${BUCKET}.s3.${REGION}.amazonaws.com/private/x.txt`, {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' },
  }).then((r) => r.status);
  const stopAll = async () => {
    setGlobalDispatcher(previous);
    for (const r of running.splice(0)) {
      await r.transport.restore();
      await r.stack.close();
    }
  };
  try {
    const first = await startWith(withCors('https://file.example'));
    const erin = clientUser(first.outputs, 'erin', 'Erin-Pass-1!');
    await erin.signIn();
    const { credentials } = await erin.session();
    const s3 = new S3Client({ region: REGION, credentials: credentials!, requestHandler: new GlobalFetchHandler() as never });
    const rules = [{ AllowedOrigins: ['https://put.example'], AllowedMethods: ['GET'] }];
    await s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: rules } }));
    expect(await preflight('https://put.example')).toBe(200);
    await first.resolver.close();
    await stopAll();

    const second = await startWith(withCors('https://file.example'));
    expect(await preflight('https://put.example')).toBe(200);
    expect(await preflight('https://file.example')).toBe(403);
    await second.resolver.close();
    await stopAll();

    // The file now says something else: it wins, as a fresh load would have it.
    const third = await startWith(withCors('https://edited.example'));
    expect(await preflight('https://edited.example')).toBe(200);
    expect(await preflight('https://put.example')).toBe(403);
    await third.resolver.close();
  } finally {
    await stopAll();
    await rm(keep, { recursive: true, force: true });
  }
}, 180_000);

it('without a data dir, state is temporary: the next stack has neither the user nor the object', async () => {
  const first = await start();
  const newcomer = clientUser(first.outputs, 'gina', 'Gina-Pass-3!');
  await signUp(newcomer.context, { username: 'gina', password: 'Gina-Pass-3!' });
  await first.stop();
  const second = await start();
  expect((await thrown(clientUser(second.outputs, 'gina', 'Gina-Pass-3!').signIn())).name).toBe('UserNotFoundException');
  expect(await second.stack.admin.listKeys(BUCKET)).toEqual([]);
  await second.stop();
}, 120_000);

it('a state file that is not one is refused with the file and the way out', async () => {
  const bad = await mkdtemp(path.join(tmpdir(), 'ase-test-data-dir-bad-'));
  try {
    await (await import('node:fs/promises')).writeFile(path.join(bad, 'emulator-state.json'), '{"version": 7}');
    const error = await thrown(Stack.start({ dataDir: bad }));
    expect(error.message).toBe(`${path.join(bad, 'emulator-state.json')} is not an amplify-storage-emulator state file (version 1); move it away to start with fresh state.`);
  } finally {
    await rm(bad, { recursive: true, force: true });
  }
});
