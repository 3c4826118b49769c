import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadOrCreateStackKeys } from './keys-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ase-test-keys-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('keeps the three keys: a token signed before the restart verifies with the keys read after it', async () => {
  const first = await loadOrCreateStackKeys(dir);
  expect((await stat(path.join(dir, 'signing-keys.json'))).mode & 0o777).toBe(0o600);
  const now = Math.floor(Date.now() / 1000);
  const token = await first.userPools.sign({ sub: 'u', iat: now, exp: now + 60 });
  const second = await loadOrCreateStackKeys(dir);
  for (const issuer of ['userPools', 'identity', 'minio'] as const) {
    expect(await second[issuer].jwks()).toEqual(await first[issuer].jwks());
    expect(second[issuer].alg).toBe(first[issuer].alg);
  }
  expect((await second.userPools.verify(token)).payload.sub).toBe('u');
  expect((await second.userPools.jwks()).keys[0]).not.toHaveProperty('d');
  const minioToken = await second.minio.sign({ sub: 'm', iat: now, exp: now + 60 });
  expect((await first.minio.verify(minioToken)).payload.sub).toBe('m');
});

it('makes a widened keys file readable by its owner only again', async () => {
  await loadOrCreateStackKeys(dir);
  const file = path.join(dir, 'signing-keys.json');
  await chmod(file, 0o644);
  await loadOrCreateStackKeys(dir);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
});

it('refuses a file that is not one, naming it and the way out', async () => {
  const file = path.join(dir, 'signing-keys.json');
  await writeFile(file, '{"version": 1, "keys": {"userPools": {"kty": "oct"}}}', { mode: 0o600 });
  await expect(loadOrCreateStackKeys(dir)).rejects.toThrow(
    `${file} has no usable "userPools" key (not a private RS256 or ES256 signing key with a kid); move it away to start with new keys (everyone signs in again).`,
  );
  await writeFile(file, 'nope');
  await expect(loadOrCreateStackKeys(dir)).rejects.toThrow(/is not valid JSON/);
});
