import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JWK } from 'jose';
import { SigningKeys, generateStackKeys, type StackKeys } from '../keys.js';

const KEYS_FILE = 'signing-keys.json';
const ISSUERS = ['userPools', 'identity', 'minio'] as const;

interface SavedKeys {
  version: 1;
  keys: Record<(typeof ISSUERS)[number], JWK>;
}

/**
 * The stack's signing keys under `--data-dir` (`signing-keys.json`, mode 0600): read when the folder
 * has them, else generated and written. Keeping them is what lets a token issued before a restart
 * (an ID or access token, the MinIO web-identity trust) verify after it. The file holds private
 * keys: it is written readable by its owner only, and made so again if someone widened it.
 */
export async function loadOrCreateStackKeys(dataDir: string): Promise<StackKeys> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, KEYS_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text === undefined) {
    const keys = generateStackKeys();
    const saved: SavedKeys = {
      version: 1,
      keys: {
        userPools: await keys.userPools.toPrivateJwk(),
        identity: await keys.identity.toPrivateJwk(),
        minio: await keys.minio.toPrivateJwk(),
      },
    };
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
    return keys;
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const refuse = (why: string) => new Error(`${file} ${why}; move it away to start with new keys (everyone signs in again).`);
  let parsed: Partial<SavedKeys>;
  try {
    parsed = JSON.parse(text) as Partial<SavedKeys>;
  } catch (e) {
    throw refuse(`is not valid JSON (${(e as Error).message})`);
  }
  if (parsed?.version !== 1 || typeof parsed.keys !== 'object' || parsed.keys === null) {
    throw refuse('is not an amplify-storage-emulator signing-keys file (version 1)');
  }
  const loaded: Partial<StackKeys> = {};
  for (const issuer of ISSUERS) {
    try {
      loaded[issuer] = await SigningKeys.fromPrivateJwk(parsed.keys[issuer]!);
    } catch (e) {
      throw refuse(`has no usable "${issuer}" key (${(e as Error).message})`);
    }
  }
  return loaded as StackKeys;
}
