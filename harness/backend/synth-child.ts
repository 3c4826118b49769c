/**
 * Runs in the child process that synthesizes one backend: imports the app's backend program
 * (`argv[2]`, CDK_OUTDIR and CDK_CONTEXT_JSON already set), asks an Amplify backend to synthesize
 * as ampx's toolkit does (the `amplifySynth` message), and writes any error as JSON to `argv[3]`
 * so the parent can show the synthesizer's own message instead of a stack trace.
 * Plain CDK apps synthesize on exit by themselves (CDK_OUTDIR makes aws-cdk-lib's App auto-synth).
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [backendFile, errorFile] = process.argv.slice(2) as [string, string];

interface ChildError { name: string; message: string; resolution?: string; stack?: string }

function report(error: unknown): never {
  const e = error instanceof Error ? error : new Error(String(error));
  const resolution = (e as { resolution?: unknown }).resolution;
  const out: ChildError = {
    name: (e as { code?: unknown }).code && e.name === 'Error' ? String((e as { code?: unknown }).code) : e.name,
    message: e.message,
    ...(typeof resolution === 'string' ? { resolution } : {}),
    ...(e.stack ? { stack: e.stack } : {}),
  };
  try {
    writeFileSync(errorFile, JSON.stringify(out));
  } finally {
    process.exit(1);
  }
}

process.on('uncaughtException', report);
process.on('unhandledRejection', report);

try {
  await import(pathToFileURL(backendFile).href);
  (process as NodeJS.EventEmitter).emit('message', 'amplifySynth');
} catch (error) {
  report(error);
}
