/**
 * `dataDir` (`ase up --data-dir`): a stack stopped and started again on the same folder finds its
 * users (seeded and signed up at run time, with their passwords and groups), identity IDs and
 * objects as they were. The real aws-amplify client does everything a user would; nothing reaches
 * into the stores. Without a data dir, state is temporary: the control case at the end.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { confirmSignUp, signUp } from 'aws-amplify/auth';
import { downloadData, list, uploadData } from 'aws-amplify/storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installNodeTransport, Stack, type AppConfig, type InstalledTransport } from '../../index.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';

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
