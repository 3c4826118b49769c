import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The per-user cache of this tool: `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator`.
 * The MinIO build and synthesized backends live under it, each in its own folder.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
    ? env.XDG_CACHE_HOME
    : join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'amplify-storage-emulator');
}
