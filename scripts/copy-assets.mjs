// Copies the files the compiled code reads beside itself (not TypeScript, so tsc leaves them):
// `node scripts/copy-assets.mjs <outDir>` after `tsc` (npm run build: dist; npm run fuzz: .fuzz).
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const ASSETS = [
  'emulator/minio/watchdog.cjs', // the MinIO supervisor's watchdog process
  'emulator/minio/proc-stat.cjs', // a process's /proc/<pid>/stat, read by the supervisor and the watchdog
  'harness/reporters/assets', // the HTML report's stylesheet and script
];

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/copy-assets.mjs <outDir>');
  process.exit(2);
}
for (const asset of ASSETS) cpSync(asset, join(out, asset), { recursive: true });
