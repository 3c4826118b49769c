import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINIO_VERSION } from '../../emulator/minio/version.js';
import type { Machine } from './report.js';

const require = createRequire(import.meta.url);

function findUp(start: string, accept: (dir: string) => boolean): string | undefined {
  let dir = start;
  for (;;) {
    if (accept(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** The project's root (where its package.json is), from sources or from dist/. */
export const repoRoot: string = findUp(dirname(fileURLToPath(import.meta.url)), (dir) => {
  const pkg = join(dir, 'package.json');
  return existsSync(pkg) && readJson(pkg).name === 'amplify-storage-emulator';
}) ?? process.cwd();

/** The installed version of a package, read from its own package.json. */
export function packageVersion(name: string): string {
  try {
    const entry = require.resolve(name);
    const dir = findUp(dirname(entry), (d) => existsSync(join(d, 'package.json')) && readJson(join(d, 'package.json')).name === name);
    return dir ? String(readJson(join(dir, 'package.json')).version) : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(minioBinary?: string): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}/${process.arch}`,
    node: process.version,
    minio: `${MINIO_VERSION} (module version, emulator/minio/version.ts)`,
    ...(minioBinary ? { minioBinary } : {}),
    awsAmplify: packageVersion('aws-amplify'),
    awsSdkS3: packageVersion('@aws-sdk/client-s3'),
    loadAverage: { start: loadavg() },
  };
}
