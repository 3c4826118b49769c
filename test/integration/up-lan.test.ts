/**
 * `ase up --host <LAN address>`: it used to fail after 30 s (the emulator listened on the LAN
 * address only, while MinIO fetched its OpenID documents from loopback). The test makes a LAN
 * address of its own: a network namespace with a veth pair (10.213.0.1/24), so no traffic leaves
 * the machine, runs `ase up` inside it, and uses the stack from inside it over that address.
 * Needs root (CAP_NET_ADMIN) and `unshare`/`nsenter`; skipped, saying so, where they are missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { assertBuilt, CLI, fixture, REPO_ROOT } from '../helpers/cli.js';
import { minioLeftUnder } from '../helpers/processes.js';

const LAN = '10.213.0.1';
const netnsProblem = (() => {
  const probe = spawnSync('unshare', ['--net', 'sh', '-c', 'ip link add ase0 type veth peer name ase1 && ip link del ase0'], { encoding: 'utf8' });
  if (probe.error) return `unshare is missing (${probe.error.message})`;
  return probe.status === 0 ? undefined : `cannot create a network namespace with a veth pair here: ${probe.stderr.trim()}`;
})();
if (netnsProblem) console.warn(`[up-lan] skipped: ${netnsProblem}`);

/** Runs inside the namespace: the stack over the LAN address, with real clients. */
const PROBE = `
const [emulator, s3] = process.argv.slice(-2);
const json = async (target, body) => {
  const r = await fetch(emulator, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: JSON.stringify(body) });
  return r.json();
};
const outputs = JSON.parse(require('node:fs').readFileSync(process.env.OUTPUTS, 'utf8'));
const auth = await json('AWSCognitoIdentityProviderService.InitiateAuth', {
  AuthFlow: 'USER_PASSWORD_AUTH', ClientId: outputs.auth.user_pool_client_id, AuthParameters: { USERNAME: 'erin', PASSWORD: 'Erin-Passw0rd!' } });
const logins = { ['cognito-idp.' + outputs.auth.aws_region + '.amazonaws.com/' + outputs.auth.user_pool_id]: auth.AuthenticationResult.IdToken };
const { IdentityId } = await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: outputs.auth.identity_pool_id, Logins: logins });
const { Credentials } = await json('AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId, Logins: logins });
const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
const client = new S3Client({ region: outputs.storage.aws_region, endpoint: s3, forcePathStyle: true, maxAttempts: 1,
  credentials: { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretKey, sessionToken: Credentials.SessionToken } });
const put = (Key) => client.send(new PutObjectCommand({ Bucket: outputs.storage.bucket_name, Key, Body: 'x' })).then(() => 'allowed', (e) => e.name);
console.log(JSON.stringify({ drafts: await put('drafts/lan.md'), pub: await put('public/lan.md') }));
client.destroy();
`;

async function upOnHost(host: string): Promise<void> {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-lan-'));
  const outputs = path.join(dir, 'amplify_outputs.json');
  const setup = [
    'ip link set lo up', 'ip link add ase0 type veth peer name ase1', `ip addr add ${LAN}/24 dev ase0`,
    'ip link set ase0 up', 'ip link set ase1 up',
  ].join(' && ');
  const up = spawn('unshare', ['--net', 'sh', '-c', `${setup} && exec "$0" "$@"`, process.execPath, CLI, 'up', fixture('harness/up-stack.json'),
    '--host', host, '--outputs', outputs, '--state-dir', path.join(dir, '.ase')], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  up.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  up.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => up.once('close', (code) => resolve(code)));
  try {
    await expect.poll(() => stdout + stderr, { timeout: 60_000, interval: 200 }).toMatch(/Press Ctrl-C to stop\.|Error|error/);
    expect(stdout, stderr).toContain('Press Ctrl-C to stop.');
    expect(stderr).toContain(`WARNING: listening on ${host}, which is NOT loopback`);
    const shown = host.replace(/\./g, '\\.');
    const emulatorPort = new RegExp(`Cognito user pools, identity pools, STS\\s+http://${shown}:(\\d+)`).exec(stdout)?.[1];
    const s3Port = new RegExp(`S3 \\(MinIO, enforcing the role policies\\)\\s+http://${shown}:(\\d+)`).exec(stdout)?.[1];
    expect([emulatorPort, s3Port], stdout).not.toContain(undefined);
    // Reached over the namespace's LAN address, as another machine on that network would.
    const emulator = `http://${LAN}:${emulatorPort}`;
    const s3 = `http://${LAN}:${s3Port}`;

    const probe = spawnSync('nsenter', [`--net=/proc/${up.pid}/ns/net`, process.execPath, '--input-type=module', '-e',
      `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(`${REPO_ROOT}/`)}); ${PROBE}`, emulator, s3], {
      cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, OUTPUTS: outputs, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 60_000,
    });
    expect(probe.status, probe.stderr).toBe(0);
    // erin (group editors) may write drafts/ and not public/: MinIO decided, reached over the LAN address.
    expect(JSON.parse(probe.stdout.trim().split('\n').at(-1)!)).toEqual({ drafts: 'allowed', pub: 'AccessDenied' });

    up.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await minioLeftUnder(dir)).toEqual([]);
  } finally {
    up.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

it.skipIf(netnsProblem !== undefined)('serves a LAN address: the stack starts, warns loudly, and works over that address', () => upOnHost(LAN), 150_000);

it.skipIf(netnsProblem !== undefined)('serves every interface with --host 0.0.0.0 (MinIO forwarded on a port of its own), with the same warning', () => upOnHost('0.0.0.0'), 150_000);
