/** What `ase doctor` finds out about MinIO, the Go that builds it, and Docker (formatted in doctor.ts). */
import { findGo, GO_CAN_BUILD, goAtLeast } from '../../emulator/minio/go.js';
import { cachedMinioPath, locateMinio, type LocateOptions, type MinioSource } from '../../emulator/minio/locate.js';
import { run } from '../../emulator/minio/run.js';
import { MINIO_MIN_GO, MINIO_MODULE, MINIO_VERSION } from '../../emulator/minio/version.js';
import { probeDocker, type DockerProbe } from './doctor-docker.js';

export interface MinioDiagnosis {
  /** The pinned module version. */
  pinnedVersion: string;
  /** Where the cached build lives (or would live). */
  cachePath: string;
  source: MinioSource | 'none';
  binary?: {
    path: string;
    /** First lines of `minio --version`, or why it could not run. */
    versionOutput: string;
    /**
     * The module version: the pinned one for a binary built here; for another, what `go version -m`
     * records, when go can tell (not for a build of a source folder, `(devel)`).
     */
    moduleVersion?: string;
    /** Whether {@link moduleVersion} is the pinned one. */
    isPinned?: boolean;
    /** Built here by `ase setup` from the pinned source, with the start-up patch (emulator/minio/source-patch.ts). */
    builtHere?: boolean;
  };
  /** Set when locating failed outright (e.g. a bad MINIO_BINARY). */
  locateError?: string;
  go:
    | { present: false }
    | {
        present: true;
        path: string;
        version: string;
        /** At least the Go that MinIO's go.mod asks for. */
        meetsMinimum: boolean | undefined;
        /** Able to build it: new enough, or ≥1.21, which fetches the needed toolchain itself (GOTOOLCHAIN=auto). */
        canBuild: boolean | undefined;
      };
  docker: DockerProbe;
}

export async function describeMinio(options: LocateOptions & { go?: string } = {}): Promise<MinioDiagnosis> {
  const env = options.env ?? process.env;
  const pinnedVersion = options.version ?? MINIO_VERSION;
  const [located, go, docker] = await Promise.all([
    locateMinio(options).then(
      (loc) => ({ loc, error: undefined as string | undefined }),
      (err: Error) => ({ loc: undefined, error: err.message }),
    ),
    findGo(env, options.go),
    probeDocker(env),
  ]);
  const diagnosis: MinioDiagnosis = {
    pinnedVersion,
    cachePath: cachedMinioPath(options),
    source: located.loc?.source ?? 'none',
    go: go
      ? {
          present: true,
          path: go.path,
          version: go.version,
          meetsMinimum: goAtLeast(go.version, MINIO_MIN_GO),
          canBuild: goAtLeast(go.version, GO_CAN_BUILD),
        }
      : { present: false },
    docker,
  };
  if (located.error) diagnosis.locateError = located.error;
  if (located.loc) {
    const v = await run(located.loc.path, ['--version'], { env, timeoutMs: 10_000 });
    const versionOutput = v.code === 0
      ? v.stdout.split('\n').slice(0, 2).join(' | ').trim()
      : `failed to run (${v.signal ?? v.code}): ${(v.stderr || v.stdout).trim().slice(0, 300)}`;
    const binary: NonNullable<MinioDiagnosis['binary']> = { path: located.loc.path, versionOutput };
    if (located.loc.source === 'cache') {
      // Built here by ensureMinio, into the folder named for the pinned version and the way it is
      // built: its buildinfo says `(devel)` (a patched copy of the source is built as the main
      // module), so the folder is the record.
      binary.moduleVersion = pinnedVersion;
      binary.isPinned = true;
      binary.builtHere = true;
    } else if (go) {
      const m = await run(go.path, ['version', '-m', located.loc.path], { env, timeoutMs: 10_000 });
      const mod = /^\s*mod\s+(\S+)\s+(\S+)/m.exec(m.stdout);
      if (mod && mod[1] === MINIO_MODULE && mod[2] && mod[2] !== '(devel)') {
        binary.moduleVersion = mod[2];
        binary.isPinned = mod[2] === pinnedVersion;
      }
    }
    diagnosis.binary = binary;
  }
  return diagnosis;
}
