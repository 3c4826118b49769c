import { describeMinio, type MinioDiagnosis } from './doctor-minio.js';
import { chromiumMissingMessage, chromiumVersion, locateChromium } from '../../harness/runner/browser/chromium.js';

/** The browser client's Chromium, as `ase doctor` reports it. */
export interface ChromiumDiagnosis {
  path?: string;
  from?: string;
  version?: string;
  missing?: string;
}

export async function diagnoseChromium(): Promise<ChromiumDiagnosis> {
  const found = locateChromium();
  if (!found) return { missing: chromiumMissingMessage() };
  return { path: found.path, from: found.from, version: await chromiumVersion(found.path) };
}

/** `ase doctor`: what is present, what is missing, and the fix for each. Exit 0 when `ase test` can run. */
export async function runDoctor(_args: string[]): Promise<number> {
  const [diagnosis, chromium] = await Promise.all([describeMinio(), diagnoseChromium()]);
  const { text, ok } = formatDoctorReport(diagnosis, chromium);
  process.stdout.write(`${text}\n`);
  return ok ? 0 : 1;
}

export function formatDoctorReport(d: MinioDiagnosis, chromium?: ChromiumDiagnosis): { text: string; ok: boolean } {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const lines: string[] = [];
  const item = (ok: boolean | undefined, label: string, detail: string, fix?: string) => {
    lines.push(`${ok === undefined ? '·' : ok ? '✓' : '✗'} ${label.padEnd(8)} ${detail}`);
    if (fix && ok === false) lines.push(`  ${''.padEnd(8)} fix: ${fix}`);
  };
  item(nodeMajor >= 20, 'Node.js', process.version, 'install Node.js 20 or later');
  const minioOk = d.binary !== undefined && !d.binary.versionOutput.startsWith('failed');
  if (d.binary) {
    const pin = d.binary.builtHere ? ' (the pinned version, built here with the start-up patch)'
      : d.binary.isPinned === undefined ? '' : d.binary.isPinned ? ' (the pinned version)' : ` (module ${d.binary.moduleVersion}, not the pinned ${d.pinnedVersion})`;
    item(minioOk, 'MinIO', `${d.binary.path} [from ${d.source}]${pin}\n           ${d.binary.versionOutput}`,
      'set MINIO_BINARY to a working minio binary, or delete it and run `ase setup`');
  } else {
    item(false, 'MinIO', `not found${d.locateError ? `: ${d.locateError}` : ''} (looked at MINIO_BINARY, PATH, ${d.cachePath})`,
      d.go.present ? 'run `ase setup` (or `npm run setup`): it builds the pinned MinIO from source with Go, once' : 'install Go ≥ 1.24, then run `ase setup`');
  }
  if (d.go.present) {
    item(d.go.canBuild !== false, 'Go', `${d.go.version} at ${d.go.path}${minioOk ? '' : ' (used to build MinIO)'}`, 'install Go ≥ 1.24 (https://go.dev/dl or your package manager)');
  } else {
    item(minioOk ? undefined : false, 'Go', minioOk ? 'not found (not needed: MinIO is present)' : 'not found', 'install Go ≥ 1.24 (e.g. apt-get install golang), needed once to build MinIO');
  }
  if (chromium) {
    if (chromium.path) {
      const works = chromium.version !== undefined && !chromium.version.startsWith('failed');
      item(works, 'Chromium', `${chromium.path} [from ${chromium.from === 'ASE_CHROMIUM' ? 'ASE_CHROMIUM' : 'system'}]\n           ${chromium.version ?? ''}`,
        'set ASE_CHROMIUM to a working Chromium, or reinstall it (apt-get install chromium)');
    } else {
      item(undefined, 'Chromium', `not found (only the browser client needs it: \`client: browser\`, --client browser, ase up --browser): ${chromium.missing ?? ''}`);
    }
  }
  item(undefined, 'Docker', d.docker.reachable ? `engine at ${d.docker.endpoint} (not needed)` : 'no engine (not needed: MinIO runs as a local process)');
  const ok = nodeMajor >= 20 && minioOk;
  lines.push('', ok ? 'Ready: `ase test` can run.' : 'Not ready: apply the fixes above, then run `ase doctor` again.');
  return { text: lines.join('\n'), ok };
}
