/**
 * The one change this project makes to MinIO's source before building it (build.ts applies it to
 * a copy of the pinned module; the module cache is never touched).
 *
 * MinIO computes an MD5 of its own executable in a package-level initialiser
 * (`var binaryChecksum = getBinaryChecksum()`, cmd/bootstrap-peer-server.go): every start reads and
 * hashes the whole 112 MB binary before `main` runs, about 140 ms of the 270 ms a bare MinIO takes
 * to answer here. The checksum is used for one thing: servers of a distributed setup compare it
 * with their peers' (getServerSystemCfg, only called for peers). A single-node server, which is
 * what the emulator runs, never reads it. The patch computes it on first use instead
 * (`sync.OnceValue`), so a distributed MinIO built this way still sends the same value, and a
 * single-node one does the same work minus the hash. No request is handled differently.
 *
 * Each edit names text that must occur exactly once in the pinned source: a new pin whose source
 * differs fails the build with a message saying which edit no longer applies, rather than building
 * something else.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SourceEdit {
  /** Relative to the module's root. */
  file: string;
  find: string;
  replace: string;
}

export const MINIO_SOURCE_PATCH: readonly SourceEdit[] = [
  {
    file: 'cmd/bootstrap-peer-server.go',
    find: 'var binaryChecksum = getBinaryChecksum()',
    replace: 'var binaryChecksum = sync.OnceValue(getBinaryChecksum)',
  },
  {
    file: 'cmd/bootstrap-peer-server.go',
    find: 'Checksum: binaryChecksum}',
    replace: 'Checksum: binaryChecksum()}',
  },
];

/** The patch does not fit the source it is applied to. */
export class SourcePatchError extends Error {
  override name = 'SourcePatchError';
}

/** Applies `edits` in place under `root` (a writable copy of the module). */
export async function patchMinioSource(root: string, edits: readonly SourceEdit[] = MINIO_SOURCE_PATCH): Promise<void> {
  const files = new Map<string, string>();
  for (const edit of edits) {
    const path = join(root, edit.file);
    let text = files.get(path);
    if (text === undefined) {
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new SourcePatchError(`MinIO's source has no ${edit.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): the start-up patch (emulator/minio/source-patch.ts) does not fit this version`);
      }
    }
    const count = text.split(edit.find).length - 1;
    if (count !== 1) {
      throw new SourcePatchError(
        `MinIO's ${edit.file} holds \`${edit.find}\` ${count === 0 ? 'nowhere' : `${count} times`}, where the start-up patch ` +
          '(emulator/minio/source-patch.ts) expects it once: update the patch for this version, or drop it',
      );
    }
    files.set(path, text.replace(edit.find, () => edit.replace));
  }
  for (const [path, text] of files) await writeFile(path, text);
}
