// Each command's module is loaded when it runs, so `ase doctor` or `ase --help` never loads the
// stack, the harness or aws-amplify.

const HELP = `amplify-storage-emulator (ase): test Amplify Storage access rules locally, against a real S3 server

Usage:
  ase test [files, folders or globs...]   run scenario files (default: scenarios/)
      --reporter <name>    pretty (default), json, junit, html, markdown; repeatable
      --out <dir|file>     where file reporters write (default: reports/)
      --filter <text>      only cases whose title, scenario or file contains text (or /regex/)
      --derive             add the cases implied by each bucket's paths map (drift check)
      --concurrency <n>    scenarios at once (default: number of cores)
      --shard <i/n>        run shard i of n (files balanced by case count, the same split on every machine)
      --backend <dir>      read roles, policies and buckets from the app's amplify/ folder (synthesized
                           offline) for files that name no backend: or template: of their own
      --template <path>    the same from a cdk.out folder or a CloudFormation template .json
  ase merge-reports <folders or results.json...>   join the json results of shards into one run's reports
      --reporter <name>    as for ase test (default pretty); --out <dir|file> as for ase test
  ase up <scenario.yaml | stack.json>     start the stack for local development (Ctrl-C stops it)
      --port <n>           emulator port (default 0: a free one)
      --host <addr>        also serve on this interface (default 127.0.0.1 only; others get a warning)
      --outputs <file>     where to write the app's amplify_outputs.json (default: amplify_outputs.emulator.json)
      --minio-endpoint <url>  use a MinIO the emulator does not start (root credentials from
                           MINIO_ROOT_USER / MINIO_ROOT_PASSWORD; see docker/README.md)
      --advertise-url <url>   the emulator's URL as that MinIO reaches it (default http://127.0.0.1:<port>)
      --state-dir <dir>    where the admin credentials are written, mode 0600 (default: .ase)
      --backend <dir> / --template <path>   as for ase test
      --data-dir <dir>     keep users, passwords, groups, identity IDs and objects across restarts
                           (default: none, all state is temporary)
  ase policies <scenario.yaml>            print the role policies the stack enforces, as given or generated,
                                          and as compiled for MinIO with the compiler's warnings
  ase policies --backend <dir> [scenario]  the same, read from the app's backend, each policy with its
                                          stack/logical ID (--template <cdk.out | template.json> likewise)
  ase doctor                              say what is installed (Go, MinIO, Docker) and what is missing
  ase setup                               find or build the MinIO server (go install, once)

Exit status: 0 when every case passed; 1 when a case failed or a file was rejected; 2 on usage errors.
Schema for editors: node_modules/amplify-storage-emulator/harness/scenario/scenario-v1.schema.json`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'test':
        return await (await import('./commands/test.js')).runTest(rest);
      case 'merge-reports':
        return await (await import('./commands/merge-reports.js')).runMergeReports(rest);
      case 'up':
        return await (await import('./commands/up.js')).runUp(rest);
      case 'policies':
        return await (await import('./commands/policies.js')).runPolicies(rest);
      case 'doctor':
        return await (await import('./commands/doctor.js')).runDoctor(rest);
      case 'setup':
        return await (await import('./commands/setup.js')).runSetup(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v': {
        const { readFile } = await import('node:fs/promises');
        const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
        process.stdout.write(`${pkg.version}\n`);
        return 0;
      }
      default:
        process.stderr.write(`ase: unknown command '${command}'. Run 'ase --help' for the commands.\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ase ${command}: ${e.message}\nRun 'ase --help' for usage.\n`);
      return 2;
    }
    const known = userFacingMessage(e);
    if (known) {
      process.stderr.write(`ase ${command}: ${known}\n`);
      return 1;
    }
    throw e;
  }
}

export class UsageError extends Error {}

/**
 * Failures a user can act on, whose messages already say what and how to fix: printed without a
 * stack trace. Anything else is a bug and is reported as one (cli/bin.ts).
 */
const USER_FACING = new Set([
  'MinioNotFoundError', 'MinioBuildError', 'MinioStartError', 'PolicyValidationError', 'InvalidStoragePathsError',
  'StackConfigError', 'ExternalMinioError',
]);

export function userFacingMessage(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  if (USER_FACING.has(e.name) || USER_FACING.has(e.constructor.name)) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `${e.message}: another program uses that port; choose another with --port, or 0 for a free one.`;
  if (code === 'EADDRNOTAVAIL') return `${e.message}: this machine has no such address; use --host 127.0.0.1.`;
  return undefined;
}

/** Runs a parse (e.g. node:util parseArgs) and turns what it throws into a {@link UsageError}. */
export function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
