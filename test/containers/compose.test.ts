/**
 * docker/compose.yaml as a web developer uses it: `up` with the app's scenario mounted, the real
 * aws-amplify client on the host against the published loopback ports (sign-in, upload, list, a
 * denial), and through the TLS front door as a browser reaches it, with the trust settings the
 * emulator wrote to the mounted folder; a bucket CORS change; then `down` and `up` again: the named
 * volumes keep the user, the object, the sign-in, the CORS and the front door's certificate.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import tls from 'node:tls';
import { PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { list, StorageError, uploadData, downloadData } from 'aws-amplify/storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installNodeTransport } from '../../emulator/transport/node.js';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';
import { GlobalFetchHandler } from '../helpers/fetch-http-handler.js';
import { composeCommand, containersNamed, freePort, sh } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker/compose.yaml');
const APP_DIR = path.join(ROOT, 'test/fixtures/containers');
const PROJECT = `ase-test-compose-${process.pid}`;

let compose: string[];
let out: string;
let env: Record<string, string>;

async function composeUp(): Promise<{ outputs: AmplifyOutputs; seconds: number }> {
  const outputsFile = path.join(out, 'amplify_outputs.json');
  await rm(outputsFile, { force: true });
  const started = Date.now();
  await sh([...compose, '-f', COMPOSE_FILE, '-p', PROJECT, 'up', '-d'], env);
  // Ready when the emulator has loaded the app and written its outputs (after MinIO came up).
  for (;;) {
    const ready = await stat(outputsFile).then((s) => s.size > 0, () => false);
    if (ready) break;
    if (Date.now() - started > 180_000) {
      const logs = await sh([...compose, '-f', COMPOSE_FILE, '-p', PROJECT, 'logs', '--no-color'], env).catch((e: Error) => ({ stdout: e.message }));
      throw new Error(`compose up: no amplify_outputs.json after 180 s. Logs:\n${logs.stdout}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 100)); // the write is a single writeFile; let it finish
  return { outputs: JSON.parse(await readFile(outputsFile, 'utf8')) as AmplifyOutputs, seconds: (Date.now() - started) / 1000 };
}

beforeAll(async () => {
  compose = await composeCommand();
  out = await mkdtemp(path.join(tmpdir(), 'ase-test-compose-out-'));
  await mkdir(out, { recursive: true });
  await chmod(out, 0o777); // the emulator runs as uid 10001 and writes here
  env = {
    ASE_APP_DIR: APP_DIR,
    ASE_APP: '/app/storage.yaml',
    ASE_OUT_DIR: out,
    ASE_EMULATOR_PORT: String(await freePort()),
    ASE_S3_PORT: String(await freePort()),
    ASE_FRONT_DOOR_PORT: String(await freePort()),
  };
});

afterAll(async () => {
  await sh([...compose, '-f', COMPOSE_FILE, '-p', PROJECT, 'down', '-v', '--timeout', '5'], env).catch(() => undefined);
  expect(await containersNamed(PROJECT)).toEqual([]);
  await rm(out, { recursive: true, force: true });
});

interface FrontDoorTrust {
  address: string;
  spkiSha256: string;
  certificate: string;
  chromiumArgs: string[];
}

/** The front door's trust settings, as the emulator wrote them to the mounted folder. */
async function frontDoorTrust(): Promise<FrontDoorTrust & { certPem: string }> {
  const trust = JSON.parse(await readFile(path.join(out, '.ase', 'front-door.json'), 'utf8')) as FrontDoorTrust;
  return { ...trust, certPem: await readFile(path.join(out, '.ase', trust.certificate), 'utf8') };
}

/** Runs `fn` with every fetch going to the front door (what Chromium's --host-resolver-rules does), trusting only its certificate. */
async function throughFrontDoor<T>(trust: { address: string; certPem: string }, fn: () => Promise<T>): Promise<T> {
  const [host, port] = [trust.address.slice(0, trust.address.lastIndexOf(':')), Number(trust.address.slice(trust.address.lastIndexOf(':') + 1))];
  const agent = new Agent({
    connect: (options, callback) => {
      const socket = tls.connect({ host, port, servername: options.hostname, ca: trust.certPem, ALPNProtocols: ['http/1.1'] });
      socket.once('secureConnect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
  const previous = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  try {
    return await fn();
  } finally {
    setGlobalDispatcher(previous);
    await agent.close();
  }
}

const BUCKET_HOST = 'https://ase-test-containers.s3.us-east-1.amazonaws.com';
const preflight = (origin: string) => fetch(`${BUCKET_HOST}/public/x.txt`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT' } }).then((r) => r.status);

it('compose up: the real client signs in, uploads, lists and is refused; down and up again keep the user and the object', async () => {
  const first = await composeUp();
  console.log(`compose up to written outputs: ${first.seconds.toFixed(1)} s (${compose.join(' ')})`);
  const targets = { emulatorPort: Number(env.ASE_EMULATOR_PORT), s3Port: Number(env.ASE_S3_PORT) };
  let transport = installNodeTransport(targets);
  let aliceId: string;
  try {
    const alice = clientUser(first.outputs, 'alice', 'Alice-Container-1!');
    await alice.signIn();
    aliceId = await alice.identityId();
    await uploadData(alice.context, { path: `protected/${aliceId}/kept.txt`, data: 'from the host' }).result;
    const listed = await list(alice.context, { path: `protected/${aliceId}/` });
    expect(listed.items.map((i) => i.path)).toEqual([`protected/${aliceId}/kept.txt`]);
    const bob = clientUser(first.outputs, 'bob', 'Bobby-Container-2!');
    await bob.signIn();
    const denied = await thrown(uploadData(bob.context, { path: `protected/${aliceId}/bob.txt`, data: 'not yours' }).result);
    expect(denied).toBeInstanceOf(StorageError);
    expect(denied.name).toBe('AccessDenied');
  } finally {
    await transport.restore();
  }

  // Published on loopback only.
  const { stdout: ports } = await sh(['docker', 'ps', '--filter', `name=${PROJECT}`, '--format', '{{.Ports}}']);
  for (const line of ports.split('\n').filter(Boolean)) {
    for (const port of line.split(', ')) expect(port).toMatch(/^127\.0\.0\.1:\d+->/);
  }

  // The browser's way in: the front door's trust settings in the mounted folder, the host's address.
  const trust = await frontDoorTrust();
  expect(trust.address).toBe(`127.0.0.1:${env.ASE_FRONT_DOOR_PORT}`);
  expect(trust.chromiumArgs).toContain(`--ignore-certificate-errors-spki-list=${trust.spkiSha256}`);
  // Carol is a browser: she signs in and uploads through the front door, which sends S3 to the
  // MinIO service; the bucket's CORS (the Amplify docs' default: any origin) answers her preflight.
  const carolUpload = await throughFrontDoor(trust, async () => {
    const alice = clientUser(first.outputs, 'alice', 'Alice-Container-1!');
    await alice.signIn();
    await uploadData(alice.context, { path: 'public/through-the-front-door.txt', data: 'tls' }).result;
    // The bucket's owner narrows its CORS to one origin (PutBucketCors, signed with MinIO's root credentials).
    const root = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'ase-root', secretAccessKey: 'ase-root-password' }, requestHandler: new GlobalFetchHandler() as never });
    await root.send(new PutBucketCorsCommand({ Bucket: 'ase-test-containers', CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'] }] } }));
    root.destroy();
    return { app: await preflight('https://app.example'), other: await preflight('https://other.example') };
  });
  expect(carolUpload).toEqual({ app: 200, other: 403 });

  await sh([...compose, '-f', COMPOSE_FILE, '-p', PROJECT, 'down', '--timeout', '5'], env);
  expect(await containersNamed(PROJECT)).toEqual([]);
  const second = await composeUp();
  expect(second.outputs).toEqual(first.outputs);
  transport = installNodeTransport(targets);
  try {
    const alice = clientUser(second.outputs, 'alice', 'Alice-Container-1!');
    await alice.signIn();
    expect(await alice.identityId()).toBe(aliceId!);
    const listed = await list(alice.context, { path: `protected/${aliceId!}/` });
    expect(listed.items.map((i) => i.path)).toEqual([`protected/${aliceId!}/kept.txt`]);
    const { body } = await downloadData(alice.context, { path: `protected/${aliceId!}/kept.txt` }).result;
    expect(await body.text()).toBe('from the host');
  } finally {
    await transport.restore();
  }
  // The same certificate (a browser that trusts it still does) and the CORS the owner put.
  const again = await frontDoorTrust();
  expect(again.spkiSha256).toBe(trust.spkiSha256);
  expect(await throughFrontDoor(again, async () => ({ app: await preflight('https://app.example'), other: await preflight('https://other.example') })))
    .toEqual({ app: 200, other: 403 });
});
