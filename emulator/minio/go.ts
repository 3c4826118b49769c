/** Finding the Go toolchain that builds MinIO, and judging its version. */
import { tmpdir } from 'node:os';
import { findOnPath } from './locate.js';
import { run } from './run.js';
import { MINIO_MIN_GO } from './version.js';

export interface GoInfo {
  path: string;
  /** e.g. `go1.26.8` */
  version: string;
}

const GO_FALLBACK_DIRS = ['/usr/local/go/bin', '/usr/lib/go/bin', '/opt/homebrew/bin', '/usr/local/bin'];

/** Finds `go` (PATH, then common install dirs) and asks it its version. */
export async function findGo(env: NodeJS.ProcessEnv = process.env, goCommand?: string): Promise<GoInfo | undefined> {
  const path = goCommand ?? (await findOnPath('go', env, GO_FALLBACK_DIRS));
  if (!path) return undefined;
  const result = await run(path, ['env', 'GOVERSION'], { env, cwd: tmpdir(), timeoutMs: 20_000 });
  if (result.code !== 0) return undefined;
  return { path, version: result.stdout.trim() || 'unknown' };
}

/** `go1.22.3` → [1, 22]; undefined when it cannot be parsed (e.g. a devel toolchain). */
function goMinor(version: string): [number, number] | undefined {
  const m = /^go(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether Go `version` (`go1.26.8`) is at least `wanted` (`1.24`); undefined when it cannot tell. */
export function goAtLeast(version: string, wanted: string): boolean | undefined {
  const have = goMinor(version);
  const want = goMinor(`go${wanted}`);
  if (!have || !want) return undefined;
  return have[0] > want[0] || (have[0] === want[0] && have[1] >= want[1]);
}

/** Go ≥1.21 fetches the toolchain a module asks for by itself (GOTOOLCHAIN=auto), so it can build MinIO. */
export const GO_CAN_BUILD = '1.21';

export const INSTALL_GO_HINT =
  `install Go ≥${MINIO_MIN_GO}: apt-get install golang (Debian/Ubuntu, if new enough), brew install go (macOS), ` +
  `or a release from https://go.dev/dl/`;
