/**
 * The stack on a MinIO it did not start (`Stack.start({ minio: { endpoint, rootUser, rootPassword } })`),
 * as in compose or on a team's shared MinIO. This test starts that MinIO itself, as its operator
 * would: its own process, port and data dir, configured to trust the emulator's OpenID provider
 * at a port chosen up front. The real aws-amplify client then signs in, uploads, lists and is
 * refused through it; what the stack did not create in MinIO survives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { list, StorageError, uploadData } from 'aws-amplify/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNodeTransport, Stack, type AppConfig, type InstalledTransport } from '../../index.js';
import { MinioAdmin } from '../../emulator/minio/admin.js';
import { ensureMinio } from '../../emulator/minio/build.js';
import { MinioServer, type StartedMinio } from '../../emulator/minio/server.js';
import { minioSettingsForEmulator } from '../../emulator/minio/trust.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';
import { exited } from '../helpers/processes.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BUCKET = 'ase-test-external-minio';
const SHARED_BUCKET = 'ase-test-external-theirs';
const ROOT = { user: 'external-root', password: 'external-root-password' };
const SUB = '${cognito-identity.amazonaws.com:sub}';

function app(): AppConfig {
  const B = `arn:aws:s3:::${BUCKET}`;
  const S = `arn:aws:s3:::${SHARED_BUCKET}`;
  return {
    id: 'external-minio',
    region: REGION,
    accountId: ACCOUNT,
    userPool: {
      id: `${REGION}_ExternalA`,
      clientIds: ['externalminioclientaaaaaaa'],
      groups: [],
      users: [{ username: 'dana', password: 'Dana-Pass-1!' }],
    },
    identityPool: { id: `${REGION}:0b0b0b0b-1111-4222-8333-444455556666`, allowGuestAccess: false },
    roles: {
      guest: { arn: `arn:aws:iam::${ACCOUNT}:role/ext-unauth`, policies: [] },
      authenticated: {
        arn: `arn:aws:iam::${ACCOUNT}:role/ext-auth`,
        policies: [{
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`${B}/private/${SUB}/*`] },
            { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [B], Condition: { StringLike: { 's3:prefix': [`private/${SUB}/`, `private/${SUB}/*`] } } },
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${S}/*`] },
          ],
        }],
      },
      groups: {},
    },
    buckets: [
      { name: 'media', bucketName: BUCKET, region: REGION, paths: { [`private/${SUB}/*`]: { entityidentity: ['get', 'list', 'write'] } } },
      { name: 'theirs', bucketName: SHARED_BUCKET, region: REGION },
    ],
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** MinIO run the way an operator runs it: its own process and data dir, its own settings. */
async function operatorMinio(env: Record<string, string>): Promise<{ endpoint: string; proc: ChildProcess; dir: string }> {
  const binary = (await ensureMinio()).path;
  const dir = await mkdtemp(path.join(tmpdir(), 'ase-test-external-'));
  const port = await freePort();
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MINIO_')) clean[k] = v;
  const proc = spawn(binary, ['server', '--address', `127.0.0.1:${port}`, '--certs-dir', path.join(dir, 'certs'), path.join(dir, 'data')], {
    env: { ...clean, MINIO_ROOT_USER: ROOT.user, MINIO_ROOT_PASSWORD: ROOT.password, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off', ...env },
    stdio: 'ignore',
  });
  return { endpoint: `http://127.0.0.1:${port}`, proc, dir };
}

async function stopOperatorMinio(m: { proc: ChildProcess; dir: string } | undefined): Promise<void> {
  if (!m) return;
  if (m.proc.exitCode === null && m.proc.signalCode === null) {
    const gone = new Promise((r) => m.proc.once('exit', r));
    m.proc.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
    if (m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill('SIGKILL');
  }
  await rm(m.dir, { recursive: true, force: true });
}

describe('a MinIO the stack did not start', () => {
  let emulatorPort: number;
  let minio: Awaited<ReturnType<typeof operatorMinio>>;
  let rootAdmin: MinioAdmin;
  let stack: Stack | undefined;
  let transport: InstalledTransport | undefined;

  beforeAll(async () => {
    emulatorPort = await freePort();
    // The operator points MinIO at the emulator's OpenID provider, at the address it will have.
    minio = await operatorMinio(minioSettingsForEmulator(`http://127.0.0.1:${emulatorPort}`));
    rootAdmin = new MinioAdmin({ endpoint: minio.endpoint, accessKey: ROOT.user, secretKey: ROOT.password });
  });

  afterAll(async () => {
    await transport?.restore();
    await stack?.close();
    await stopOperatorMinio(minio);
  });

  it('waits for MinIO, checks it trusts the emulator, then serves the real client: sign-in, upload, list, a denial', async () => {
    // A bucket that belongs to someone else on the shared MinIO, with their object in it.
    const startPromise = Stack.start({ port: emulatorPort, minio: { endpoint: minio.endpoint, rootUser: ROOT.user, rootPassword: ROOT.password } });
    stack = await startPromise;
    expect(stack.minio.endpoint).toBe(minio.endpoint);
    await rootAdmin.ensureBucket(SHARED_BUCKET);
    await rootAdmin.putObject(SHARED_BUCKET, 'report.txt', 'theirs');

    const loaded = await stack.load(app());
    expect(loaded.warnings.join('\n')).toContain(`Bucket ${SHARED_BUCKET} existed in MinIO before the emulator used it`);
    transport = installNodeTransport(stack.transportTargets);
    const dana = clientUser(loaded.outputs, 'dana', 'Dana-Pass-1!');
    await dana.signIn();
    const id = await dana.identityId();
    await uploadData(dana.context, { path: `private/${id}/notes.txt`, data: 'mine' }).result;
    const { items } = await list(dana.context, { path: `private/${id}/` });
    expect(items.map((i) => i.path)).toEqual([`private/${id}/notes.txt`]);
    const denied = await thrown(uploadData(dana.context, { path: 'private/someone-else/notes.txt', data: 'x' }).result);
    expect(denied).toBeInstanceOf(StorageError);
    expect(denied.name).toBe('AccessDenied');

    // The emulator's canned policies are in MinIO while it runs.
    expect(Object.keys(await rootAdmin.listCannedPolicies()).filter((n) => n.startsWith('ase-external-minio-'))).not.toEqual([]);
  });

  it('never deletes what it did not create: the other bucket keeps its object through load, unload and close; MinIO keeps running', async () => {
    expect(await rootAdmin.listKeys(SHARED_BUCKET)).toEqual(['report.txt']);
    await stack!.unload('external-minio');
    expect(await rootAdmin.listKeys(SHARED_BUCKET)).toEqual(['report.txt']);
    // The bucket it created is its own: emptied on unload.
    expect(await rootAdmin.listKeys(BUCKET)).toEqual([]);
    await stack!.load(app());
    await transport?.restore();
    transport = undefined;
    await stack!.close();
    stack = undefined;
    expect(minio.proc.exitCode).toBeNull();
    expect(await rootAdmin.listKeys(SHARED_BUCKET)).toEqual(['report.txt']);
    // Its canned policies (and its trust probe) are gone from MinIO again.
    expect(Object.keys(await rootAdmin.listCannedPolicies()).filter((n) => n.startsWith('ase-'))).toEqual([]);
  });
});

describe('a MinIO that does not trust the emulator is refused before anything is provisioned, naming the setting', () => {
  let untrusting: StartedMinio | undefined;
  let wrongClient: Awaited<ReturnType<typeof operatorMinio>> | undefined;
  afterAll(async () => {
    await untrusting?.stop();
    await stopOperatorMinio(wrongClient);
  });

  it('no OpenID provider: names MINIO_IDENTITY_OPENID_CONFIG_URL with the value to give it', async () => {
    untrusting = await new MinioServer(await ensureMinio()).withRootCredentials(ROOT.user, ROOT.password).start();
    const error = await thrown(Stack.start({ minio: { endpoint: untrusting.endpoint, rootUser: ROOT.user, rootPassword: ROOT.password } }));
    expect(error.name).toBe('ExternalMinioError');
    expect(error.message).toContain(`MinIO at ${untrusting.endpoint} does not trust this emulator: it has no OpenID provider configured; set MINIO_IDENTITY_OPENID_CONFIG_URL=http://127.0.0.1:`);
    const admin = new MinioAdmin(untrusting);
    expect(Object.keys(await admin.listCannedPolicies()).filter((n) => n.startsWith('ase-'))).toEqual([]);
    expect(await admin.client.listBuckets()).toEqual([]);
  });

  it('wrong root password: says to give MinIO\'s root credentials', async () => {
    const error = await thrown(Stack.start({ minio: { endpoint: untrusting!.endpoint, rootUser: ROOT.user, rootPassword: 'not-the-password' } }));
    expect(error.name).toBe('ExternalMinioError');
    expect(error.message).toContain('MINIO_ROOT_USER / MINIO_ROOT_PASSWORD');
  });

  it('another client ID: names MINIO_IDENTITY_OPENID_CLIENT_ID', async () => {
    const port = await freePort();
    wrongClient = await operatorMinio({ ...minioSettingsForEmulator(`http://127.0.0.1:${port}`), MINIO_IDENTITY_OPENID_CLIENT_ID: 'someone-else' });
    const error = await thrown(Stack.start({ port, minio: { endpoint: wrongClient.endpoint, rootUser: ROOT.user, rootPassword: ROOT.password } }));
    expect(error.message).toContain('its MINIO_IDENTITY_OPENID_CLIENT_ID is not amplify-storage-emulator');
  });

  it('no MINIO_DOMAIN: load refuses, naming the setting the Amplify client\'s virtual-host addressing needs', async () => {
    const port = await freePort();
    const { MINIO_DOMAIN: _omitted, ...trustOnly } = minioSettingsForEmulator(`http://127.0.0.1:${port}`);
    const noDomain = await operatorMinio(trustOnly);
    try {
      const s = await Stack.start({ port, minio: { endpoint: noDomain.endpoint, rootUser: ROOT.user, rootPassword: ROOT.password } });
      try {
        const error = await thrown(s.load(app()));
        expect(error.message).toContain(`does not serve bucket ${BUCKET} at ${BUCKET}.s3.us-east-1.amazonaws.com, where the Amplify client addresses it: set MINIO_DOMAIN to include s3.us-east-1.amazonaws.com`);
      } finally {
        await s.close();
      }
    } finally {
      await stopOperatorMinio(noDomain);
    }
  });

  it('an endpoint that never answers: a bounded wait, then what was tried', async () => {
    const port = await freePort();
    const error = await thrown(Stack.start({ minio: { endpoint: `http://127.0.0.1:${port}`, rootUser: ROOT.user, rootPassword: ROOT.password, readyTimeoutMs: 1_000 } }));
    expect(error.message).toMatch(new RegExp(`MinIO at http://127.0.0.1:${port} was not ready within 1 s: .*ECONNREFUSED`));
  });
});

it('the operator MinIO processes are gone after the tests (no orphan)', async () => {
  // Checked per process in the hooks above; this guards the helper itself.
  const m = await operatorMinio({});
  await stopOperatorMinio(m);
  expect(await exited(m.proc.pid!, 5_000)).toBe(true);
});
