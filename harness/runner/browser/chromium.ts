import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Where a system Chromium usually is (Debian's package first). Playwright's own download is never used. */
export const CHROMIUM_PATHS = [
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export interface ChromiumLocation {
  path: string;
  from: 'ASE_CHROMIUM' | 'system';
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium to drive: `ASE_CHROMIUM` when set (and then only it), else the first usual path that exists. */
export function locateChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLocation | undefined {
  const given = env['ASE_CHROMIUM'];
  if (given) return executable(given) ? { path: given, from: 'ASE_CHROMIUM' } : undefined;
  const found = CHROMIUM_PATHS.find(executable);
  return found ? { path: found, from: 'system' } : undefined;
}

/** What to tell a person when no Chromium is found. */
export function chromiumMissingMessage(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['ASE_CHROMIUM'];
  return given
    ? `ASE_CHROMIUM is ${given}, which is not an executable file; point it at a Chromium or Chrome binary`
    : `no Chromium found (looked at ASE_CHROMIUM and ${CHROMIUM_PATHS.join(', ')}); install one (Debian/Ubuntu: apt-get install chromium) or set ASE_CHROMIUM`;
}

/** `Chromium 156.0.8078.114`, or the reason it would not say. */
export function chromiumVersion(path: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 10_000 }, (error, stdout) => {
      resolve(error ? `failed to run: ${error.message.split('\n')[0]}` : stdout.trim());
    });
  });
}
