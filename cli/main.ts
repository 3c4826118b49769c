// Each command's module is loaded when it runs, so `ase doctor` or `ase --help` never loads the
// stack, the harness or aws-amplify.
import { DEFAULT_EMULATOR_PORT } from './defaults.js';
import { EXIT } from './exit-codes.js';

const TEST_HELP = `ase test [files, folders or globs...]   run scenario files (default: scenarios/)
      --reporter <name>    pretty (default), json, junit, html, markdown; repeatable
      --out <dir|file>     where file reporters write (default: reports/)
      --filter <text>      only cases whose title, scenario or file contains text (or /regex/)
      --derive             add the cases implied by each bucket's paths map (drift check)
      --concurrency <n>    scenarios at once (default: number of cores)
      --client <c>         node, browser (headless Chromium) or both; default: each file's \`client:\`
      --shard <i/n>        run shard i of n (files balanced by case count, the same split on every machine)
      --watch              keep the stack warm and re-run files (or the scenarios using a file) as they are
                           saved; unchanged users stay signed in between runs; Ctrl-C stops
      --backend <dir>      read roles, policies and buckets from the app's amplify/ folder (synthesized
                           offline) for files that name no backend: or template: of their own
      --template <path>    the same from a cdk.out folder or a CloudFormation template .json`;

const MERGE_HELP = `ase merge-reports <folders or results.json...>   join the json results of shards into one run's reports
      --reporter <name>    as for ase test (default pretty); --out <dir|file> as for ase test`;

const UP_HELP = `ase up <scenario.yaml | stack.json>     start the stack for local development (Ctrl-C stops it)
ase up --backend <amplify/ dir>         the stack as your backend.ts deploys it (synthesized offline; no
                                        scenario file): roles, policies, groups, buckets, CORS; users from
                                        --user, else \`user\` and one \`user-<group>\` per group (--template likewise)
ase up --outputs <amplify_outputs.json> serve your app's own amplify_outputs.json unchanged: its pool,
                                        client and identity pool IDs, region, sign-in attributes and buckets
      --user <name[:groups]>  with --outputs or --backend alone: a user to create (e.g. alice@example.com:ADMINS); repeatable
      --port <n>           emulator port (default ${DEFAULT_EMULATOR_PORT}, the next free one if taken; 0: any free port)
      --host <addr>        also serve on this interface (default 127.0.0.1 only; others get a warning)
      --outputs <file>     with a scenario or stack config: where to write the app's amplify_outputs.json
                           (default: amplify_outputs.emulator.json)
      --state-dir <dir>    admin credentials, endpoints.json, kept passwords, sign-up codes (default: .ase/ here)
      --minio-endpoint <url>  use a MinIO the emulator does not start (root credentials from
                           MINIO_ROOT_USER / MINIO_ROOT_PASSWORD; see docker/README.md)
      --advertise-url <url>   the emulator's URL as that MinIO reaches it (default http://127.0.0.1:<port>)
      --browser            print the Chromium command line that sends the AWS host names to the
                           stack's TLS front door and trusts its certificate
      --open <url>         also launch that Chromium (not headless) on your app's URL
      --front-door-port <n> / --front-door-host <addr>   where the TLS front door listens (default: a free
                           port on 127.0.0.1); its trust settings go to front-door.json in the state folder
      --backend <dir> / --template <path>   with a scenario: as for ase test
      --data-dir <dir>     keep users, passwords, groups, identity IDs, sign-ins, signing keys, the front
                           door's certificate, bucket CORS and objects across restarts
                           (default: none, all state is temporary)`;

const POLICIES_HELP = `ase policies <scenario.yaml>            print the role policies the stack enforces, as given or generated,
                                        and as compiled for MinIO with the compiler's warnings
ase policies --backend <dir> [scenario]  the same, read from the app's backend, each policy with its
                                        stack/logical ID (--template <cdk.out | template.json> likewise)
      --json               the same as JSON`;

const DOCTOR_HELP = 'ase doctor                              say what is installed (Go, MinIO, Chromium, Docker) and what is missing';
const SETUP_HELP = 'ase setup                               find or build the MinIO server (from source with Go, once)';

const EXIT_HELP = `Exit status: 0 every case passed (or the command did its job); 1 a case failed or a file was rejected;
2 usage error; 3 the stack broke (MinIO missing, failed to start, or died mid-run: results are
incomplete and say nothing about your policies); 130/143 interrupted by SIGINT/SIGTERM.`;

const HELP = `amplify-storage-emulator (ase): test Amplify Storage access rules locally, against a real S3 server

Usage:
  ${[TEST_HELP, MERGE_HELP, UP_HELP, POLICIES_HELP, DOCTOR_HELP, SETUP_HELP].join('\n').split('\n').join('\n  ')}

${EXIT_HELP}
Schema for editors: node_modules/amplify-storage-emulator/harness/scenario/scenario-v1.schema.json`;

/** `ase <command> --help`. */
const COMMAND_HELP: Record<string, string> = {
  test: TEST_HELP, 'merge-reports': MERGE_HELP, up: UP_HELP, policies: POLICIES_HELP, doctor: DOCTOR_HELP, setup: SETUP_HELP,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && COMMAND_HELP[command] && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`Usage:\n  ${COMMAND_HELP[command].split('\n').join('\n  ')}\n\n${EXIT_HELP}\n`);
    return EXIT.ok;
  }
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
      process.stderr.write(`ase ${command}: ${e.message}\nRun 'ase ${command} --help' for usage.\n`);
      return EXIT.usage;
    }
    const known = userFacingMessage(e);
    if (known) {
      process.stderr.write(`ase ${command}: ${known}\n`);
      return INFRASTRUCTURE.has(e instanceof Error ? e.name : '') ? EXIT.infrastructure : EXIT.failed;
    }
    throw e;
  }
}

export class UsageError extends Error {}

/**
 * Failures a user can act on, whose messages already say what and how to fix: printed without a
 * stack trace. Anything else is a bug and is reported as one (cli/bin.ts).
 */
/** Of those, the ones where the stack, not the user's files, is what broke: exit 3. */
const INFRASTRUCTURE = new Set(['MinioNotFoundError', 'MinioBuildError', 'MinioStartError']);

const USER_FACING = new Set([
  'MinioNotFoundError', 'MinioBuildError', 'MinioStartError', 'PolicyValidationError', 'InvalidStoragePathsError',
  'StackConfigError', 'ExternalMinioError', 'ChromiumMissingError',
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
