import { ensureMinio } from '../../emulator/minio/build.js';
import { progressToStderr } from './progress.js';

/** `ase setup`: find or build the MinIO server once, so the first test run does not have to. */
export async function runSetup(_args: string[]): Promise<number> {
  try {
    const location = await ensureMinio({ onProgress: progressToStderr });
    process.stdout.write(`MinIO server: ${location.path} (from ${location.source})\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`ase setup: ${(e as Error).message}\n`);
    return 1;
  }
}
