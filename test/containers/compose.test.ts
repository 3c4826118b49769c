/**
 * docker/compose.yaml as a web developer uses it: `up` with the app's scenario mounted, the real
 * aws-amplify client on the host against the published loopback ports (sign-in, upload, list, a
 * denial), then `down` and `up` again: the named volumes keep the user and the object.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { list, StorageError, uploadData, downloadData } from 'aws-amplify/storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installNodeTransport } from '../../emulator/transport/node.js';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';
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
  };
});

afterAll(async () => {
  await sh([...compose, '-f', COMPOSE_FILE, '-p', PROJECT, 'down', '-v', '--timeout', '5'], env).catch(() => undefined);
  expect(await containersNamed(PROJECT)).toEqual([]);
  await rm(out, { recursive: true, force: true });
});

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
  for (const line of ports.split('\n').filter(Boolean)) expect(line).toMatch(/^127\.0\.0\.1:\d+->/);

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
});
