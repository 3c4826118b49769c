/**
 * The real aws-amplify v6 client in Node against a real Stack (emulator + MinIO), through the
 * public API only: `Stack.start()`, `stack.load(appConfig)`, `installNodeTransport`. The app is
 * the docs' "owners" setup written by hand as an AppConfig, plus an admin group:
 *
 * - guest role: read public/ and protected/
 * - authenticated role: read public/ and protected/, write public/, write and delete its own
 *   protected/${cognito-identity.amazonaws.com:sub}/
 * - admin group role: manage admin/, read public/ (and nothing else: group members hold only it)
 *
 * Each person has an AmplifyContext of their own (no shared singleton), as a server would.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { copy, downloadData, getProperties, getUrl, list, remove, StorageError, uploadData } from 'aws-amplify/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNodeTransport, Stack, type AppConfig, type InstalledTransport } from '../../index.js';
import { captureAwsJsonCalls, clientUser, thrown, type ClientUser } from '../helpers/amplify-client.js';
import { GlobalFetchHandler } from '../helpers/fetch-http-handler.js';
import { exited, isAlive } from '../helpers/processes.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BUCKET = 'ase-test-stack-amplify';
const B = `arn:aws:s3:::${BUCKET}`;
const SUB = '${cognito-identity.amazonaws.com:sub}';
const ROLE = {
  guest: `arn:aws:iam::${ACCOUNT}:role/ase-test-stack-unauth`,
  authenticated: `arn:aws:iam::${ACCOUNT}:role/ase-test-stack-auth`,
  admin: `arn:aws:iam::${ACCOUNT}:role/ase-test-stack-admin`,
};
const PASSWORD = { alice: 'Alice-Pass-1!', bob: 'Bobby-Pass-2!', carol: 'Carol-Pass-3!' };
const listPrefixes = (...folders: string[]) => ({
  Effect: 'Allow' as const,
  Action: ['s3:ListBucket'],
  Resource: [B],
  Condition: { StringLike: { 's3:prefix': folders.flatMap((f) => [`${f}/`, `${f}/*`]) } },
});

/** The owners-style app, written by hand. `id` and pool IDs are per app. */
function ownersApp(): AppConfig {
  return {
    id: 'stack-amplify',
    region: REGION,
    accountId: ACCOUNT,
    userPool: {
      id: `${REGION}_StackAmpA`,
      clientIds: ['stackamplifyclientaaaaaaaa'],
      groups: [{ name: 'admin', precedence: 0, roleArn: ROLE.admin }],
      users: [
        { username: 'alice', password: PASSWORD.alice, groups: ['admin'] },
        { username: 'bob', password: PASSWORD.bob },
        { username: 'carol', password: PASSWORD.carol },
      ],
    },
    identityPool: { id: `${REGION}:0a0a0a0a-1111-4222-8333-444455556666`, allowGuestAccess: true },
    roles: {
      guest: {
        arn: ROLE.guest,
        policies: [{
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${B}/public/*`, `${B}/protected/*`] },
            listPrefixes('public', 'protected'),
          ],
        }],
      },
      authenticated: {
        arn: ROLE.authenticated,
        policies: [{
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${B}/public/*`, `${B}/protected/*`] },
            { Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${B}/public/*`, `${B}/protected/${SUB}/*`] },
            { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: [`${B}/protected/${SUB}/*`] },
            listPrefixes('public', 'protected'),
          ],
        }],
      },
      groups: {
        admin: {
          arn: ROLE.admin,
          policies: [{
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${B}/admin/*`] },
              { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${B}/public/*`] },
              listPrefixes('admin', 'public'),
            ],
          }],
        },
      },
    },
    buckets: [{
      name: 'media',
      bucketName: BUCKET,
      region: REGION,
      paths: {
        'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write'], groupsadmin: ['get', 'list'] },
        'protected/*': { guest: ['get', 'list'], authenticated: ['get', 'list'] },
        [`protected/${SUB}/*`]: { entityidentity: ['get', 'list', 'write', 'delete'] },
        'admin/*': { groupsadmin: ['get', 'list', 'write', 'delete'] },
      },
    }],
  };
}

let stack: Stack;
let transport: InstalledTransport;
let minioPid: number;
let outputs: object;
let guest: ClientUser;
let alice: ClientUser;
let bob: ClientUser;
let carol: ClientUser;
let bobId: string;

const text = async (path: string, who: ClientUser) => {
  const { body } = await downloadData(who.context, { path }).result;
  return body.text();
};
const keysUnder = async (path: string, who: ClientUser) =>
  (await list(who.context, { path, options: { listAll: true } })).items.map((i) => i.path).sort();
const upload = (path: string, who: ClientUser, data = `${who.name} was here`) => uploadData(who.context, { path, data }).result;

/** A refusal the way an app sees it: StorageError named AccessDenied, from a 403. */
async function expectAccessDenied(promise: PromiseLike<unknown>): Promise<void> {
  const error = await thrown(promise);
  expect(error).toBeInstanceOf(StorageError);
  expect(error.name).toBe('AccessDenied');
  expect((error as StorageError).metadata?.httpStatusCode).toBe(403);
}

beforeAll(async () => {
  stack = await Stack.start();
  minioPid = stack.minio.pid;
  transport = installNodeTransport(stack.transportTargets);
  const loaded = await stack.load(ownersApp());
  outputs = loaded.outputs;
  await stack.admin.putObject(BUCKET, 'public/readme.txt', 'hello from public');
  await stack.admin.putObject(BUCKET, 'admin/report.txt', 'quarterly report');
  guest = clientUser(outputs, 'guest');
  alice = clientUser(outputs, 'alice', PASSWORD.alice);
  bob = clientUser(outputs, 'bob', PASSWORD.bob);
  carol = clientUser(outputs, 'carol', PASSWORD.carol);
  // One sign-in at a time: the client keeps an in-progress SRP sign-in in module-wide state.
  for (const user of [alice, bob, carol]) await user.signIn();
  bobId = await bob.identityId();
});

afterAll(async () => {
  await transport?.restore();
  if (!stack) return;
  const pid = stack.minio.pid;
  await stack.close();
  // Nothing left behind: MinIO is gone once close() resolves.
  expect(await exited(pid, 5_000), `MinIO (pid ${pid}) still runs after stack.close()`).toBe(true);
});

describe('signing in: the client\'s default flow is SRP, and the emulator speaks it', () => {
  it('sends InitiateAuth with AuthFlow USER_SRP_AUTH (no password on the wire) and answers the PASSWORD_VERIFIER challenge', async () => {
    const fresh = clientUser(outputs, 'bob', PASSWORD.bob);
    const { calls } = await captureAwsJsonCalls(() => fresh.signIn());
    const userPoolCalls = calls.filter((c) => c.url.includes('cognito-idp.'));
    expect(userPoolCalls.map((c) => c.operation)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    const [initiate, respond] = userPoolCalls as [typeof calls[0], typeof calls[0]];
    expect(initiate.body.AuthFlow).toBe('USER_SRP_AUTH');
    const params = initiate.body.AuthParameters as Record<string, string>;
    expect(params.USERNAME).toBe('bob');
    expect(params.SRP_A).toMatch(/^[0-9a-f]+$/);
    expect(JSON.stringify(initiate.body)).not.toContain(PASSWORD.bob);
    expect(respond.body.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(respond.body.ChallengeResponses as object)).toEqual(
      expect.arrayContaining(['PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']),
    );
    expect(JSON.stringify(respond.body)).not.toContain(PASSWORD.bob);
  });

  it('gives Cognito-shaped tokens: sub and username of the user, issuer of the pool, groups and preferred role for a group member', async () => {
    const poolId = ownersApp().userPool.id;
    const { tokens } = await bob.session();
    expect(tokens?.idToken?.payload).toMatchObject({
      sub: stack.userPools.getUser(poolId, 'bob').sub,
      'cognito:username': 'bob',
      iss: `https://cognito-idp.${REGION}.amazonaws.com/${poolId}`,
      aud: 'stackamplifyclientaaaaaaaa',
      token_use: 'id',
    });
    expect(tokens?.accessToken.payload).toMatchObject({ token_use: 'access', client_id: 'stackamplifyclientaaaaaaaa' });
    expect(tokens?.accessToken.payload['cognito:groups']).toBeUndefined();

    const aliceTokens = (await alice.session()).tokens!;
    expect(aliceTokens.accessToken.payload['cognito:groups']).toEqual(['admin']);
    expect(aliceTokens.idToken?.payload['cognito:preferred_role']).toBe(ROLE.admin);
  });

  it('refuses a wrong password with NotAuthorizedException', async () => {
    const wrong = clientUser(outputs, 'carol', 'Not-Her-Pass-9!');
    const error = await thrown(wrong.signIn());
    expect(error.name).toBe('NotAuthorizedException');
    const unknown = clientUser(outputs, 'mallory', 'Whatever-Pass-1!');
    // Cognito answers UserNotFoundException, or NotAuthorizedException with user-existence errors prevented.
    expect((await thrown(unknown.signIn())).name).toMatch(/^(NotAuthorizedException|UserNotFoundException)$/);
  });

  it('gives every person an identity ID of their own, and the guest one too', async () => {
    const ids = await Promise.all([guest, alice, bob, carol].map((u) => u.identityId()));
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
  });
});

describe('a guest', () => {
  it('downloads and lists public/', async () => {
    expect(await text('public/readme.txt', guest)).toBe('hello from public');
    expect(await keysUnder('public/', guest)).toContain('public/readme.txt');
  });

  it('reads public/ through getProperties and a fetched getUrl', async () => {
    const props = await getProperties(guest.context, { path: 'public/readme.txt' });
    expect(props.size).toBe('hello from public'.length);
    expect(props.path).toBe('public/readme.txt');
    const { url } = await getUrl(guest.context, { path: 'public/readme.txt' });
    expect(url.hostname).toBe(`${BUCKET}.s3.${REGION}.amazonaws.com`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello from public');
  });

  it('may not upload (StorageError AccessDenied), and nothing is written', async () => {
    await expectAccessDenied(upload('public/guest.txt', guest));
    expect(await stack.admin.listKeys(BUCKET, 'public/')).not.toContain('public/guest.txt');
  });

  it('gets a URL for admin/ but fetching it is refused with 403 AccessDenied', async () => {
    const { url } = await getUrl(guest.context, { path: 'admin/report.txt' });
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });
});

describe('an owner (bob) and another signed-in user (carol) on protected/<identity id>/', () => {
  it('bob uploads, lists, inspects, copies into and removes from his own folder', async () => {
    const folder = `protected/${bobId}/`;
    await upload(`${folder}notes.txt`, bob, 'bob notes');
    expect(await keysUnder(folder, bob)).toEqual([`${folder}notes.txt`]);
    expect((await getProperties(bob.context, { path: `${folder}notes.txt` })).size).toBe('bob notes'.length);
    await copy(bob.context, { source: { path: 'public/readme.txt' }, destination: { path: `${folder}copy.txt` } });
    expect(await text(`${folder}copy.txt`, bob)).toBe('hello from public');
    await remove(bob.context, { path: `${folder}copy.txt` });
    expect(await keysUnder(folder, bob)).toEqual([`${folder}notes.txt`]);
  });

  it('carol may read bob\'s folder but not write, overwrite, copy into or delete from it', async () => {
    const folder = `protected/${bobId}/`;
    expect(await text(`${folder}notes.txt`, carol)).toBe('bob notes');
    expect(await keysUnder(folder, carol)).toEqual([`${folder}notes.txt`]);
    await expectAccessDenied(upload(`${folder}from-carol.txt`, carol));
    await expectAccessDenied(upload(`${folder}notes.txt`, carol, 'overwritten'));
    await expectAccessDenied(copy(carol.context, { source: { path: 'public/readme.txt' }, destination: { path: `${folder}copied.txt` } }));
    await expectAccessDenied(remove(carol.context, { path: `${folder}notes.txt` }));
    expect(await stack.admin.listKeys(BUCKET, folder)).toEqual([`${folder}notes.txt`]);
    expect(await text(`${folder}notes.txt`, bob)).toBe('bob notes');
  });

  it('carol may copy bob\'s file into her own folder (read there, write here)', async () => {
    const mine = `protected/${await carol.identityId()}/`;
    await copy(carol.context, { source: { path: `protected/${bobId}/notes.txt` }, destination: { path: `${mine}bob-notes.txt` } });
    expect(await text(`${mine}bob-notes.txt`, carol)).toBe('bob notes');
  });

  it('bob may not touch admin/', async () => {
    await expectAccessDenied(text('admin/report.txt', bob));
    await expectAccessDenied(upload('admin/forged.txt', bob));
  });
});

describe('a member of the admin group (alice) holds the admin role only', () => {
  it('manages admin/: upload, list, download, remove', async () => {
    await upload('admin/new.txt', alice, 'new report');
    expect(await keysUnder('admin/', alice)).toEqual(['admin/new.txt', 'admin/report.txt']);
    expect(await text('admin/report.txt', alice)).toBe('quarterly report');
    await remove(alice.context, { path: 'admin/new.txt' });
    expect(await keysUnder('admin/', alice)).toEqual(['admin/report.txt']);
  });

  it('reads public/ (the admin role grants it) but may not write there, although every signed-in user in no group may', async () => {
    expect(await text('public/readme.txt', alice)).toBe('hello from public');
    await expectAccessDenied(upload('public/alice.txt', alice));
    await upload('public/bob.txt', bob);
    expect(await stack.admin.listKeys(BUCKET, 'public/')).toEqual(['public/bob.txt', 'public/readme.txt']);
  });

  it('has no owner folder: the authenticated role\'s protected/${sub}/ grant does not apply to her', async () => {
    await expectAccessDenied(upload(`protected/${await alice.identityId()}/mine.txt`, alice));
  });
});

describe('credentials are scoped to one role', () => {
  it('STS GetCallerIdentity with each person\'s credentials names the role Cognito chose (the group role for a group member)', async () => {
    const callerArn = async (who: ClientUser) => {
      const { credentials } = await who.session();
      if (!credentials) throw new Error(`${who.name} has no credentials`);
      const sts = new STSClient({ region: REGION, credentials, requestHandler: new GlobalFetchHandler(), maxAttempts: 1 });
      try {
        return await sts.send(new GetCallerIdentityCommand({}));
      } finally {
        sts.destroy();
      }
    };
    const assumed = (role: string) => role.replace(/^arn:aws:iam::(\d+):role\/(.+)$/, 'arn:aws:sts::$1:assumed-role/$2/CognitoIdentityCredentials');
    const aliceCaller = await callerArn(alice);
    expect(aliceCaller.Arn).toBe(assumed(ROLE.admin));
    expect(aliceCaller.Account).toBe(ACCOUNT);
    expect((await callerArn(bob)).Arn).toBe(assumed(ROLE.authenticated));
    expect((await callerArn(carol)).Arn).toBe(assumed(ROLE.authenticated));
    expect((await callerArn(guest)).Arn).toBe(assumed(ROLE.guest));
  });

  it('two users in the same role never hold the same credentials', async () => {
    const [b, c] = await Promise.all([bob.session(), carol.session()]);
    expect(b.credentials?.accessKeyId).toBeTruthy();
    expect(b.credentials?.accessKeyId).not.toBe(c.credentials?.accessKeyId);
    expect(b.credentials?.sessionToken).not.toBe(c.credentials?.sessionToken);
  });
});

describe('swapping apps on a running stack (MinIO keeps running)', () => {
  /** App B: same id and bucket, other pools and users, and other policies: guests may write public/ but not read it. */
  const appB = (): AppConfig => ({
    ...ownersApp(),
    userPool: {
      id: `${REGION}_StackAmpB`,
      clientIds: ['stackamplifyclientbbbbbbbb'],
      groups: [],
      users: [{ username: 'dave', password: 'Daveo-Pass-4!' }],
    },
    identityPool: { id: `${REGION}:0b0b0b0b-1111-4222-8333-444455556666`, allowGuestAccess: true },
    roles: {
      guest: {
        arn: ROLE.guest,
        policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${B}/public/*`] }, listPrefixes('public')] }],
      },
      authenticated: {
        arn: ROLE.authenticated,
        policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${B}/public/*`] }, listPrefixes('public')] }],
      },
      groups: {},
    },
  });

  it('loading app B over app A applies B\'s policies to an empty bucket, with the same MinIO process', async () => {
    expect((await stack.admin.listKeys(BUCKET)).length).toBeGreaterThan(0); // A left objects behind
    const loaded = await stack.load(appB());
    expect(stack.minio.pid).toBe(minioPid);
    expect(isAlive(minioPid)).toBe(true);
    expect(await stack.admin.listKeys(BUCKET)).toEqual([]);

    const guestB = clientUser(loaded.outputs, 'guest');
    const dave = clientUser(loaded.outputs, 'dave', 'Daveo-Pass-4!');
    await dave.signIn();
    expect(await keysUnder('public/', guestB)).toEqual([]);
    await upload('public/from-guest.txt', guestB, 'guest wrote this'); // denied under A
    await expectAccessDenied(text('public/from-guest.txt', guestB)); // allowed under A
    expect(await text('public/from-guest.txt', dave)).toBe('guest wrote this');
    await expectAccessDenied(upload('public/dave.txt', dave)); // allowed under A
  });

  it('A\'s pools are gone with A: its app client is unknown, so bob can no longer sign in', async () => {
    const staleBob = clientUser(outputs, 'bob', PASSWORD.bob);
    const error = await thrown(staleBob.signIn());
    // As Cognito answers for an app client that no longer exists.
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('a second app may not take a bucket that a loaded app holds, and may once it is unloaded', async () => {
    const other: AppConfig = { ...appB(), id: 'stack-amplify-other', userPool: { ...appB().userPool, id: `${REGION}_StackAmpC` } };
    await expect(stack.load(other)).rejects.toThrow(/ase-test-stack-amplify is in use by app stack-amplify/);
    await stack.unload('stack-amplify');
    await stack.load(other);
    expect(await stack.admin.listKeys(BUCKET)).toEqual([]);
    expect(stack.minio.pid).toBe(minioPid);
  });
});
