import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSecretFile } from '../state-dir.js';
import type { FrontDoor } from '../../emulator/front-door/server.js';
import { locateChromium } from '../../harness/runner/browser/chromium.js';

/**
 * The Chromium command line for `ase up --browser`: the AWS host names go to the stack's TLS front
 * door and its certificate is trusted by key, in a profile of its own (Chromium honours the SPKI
 * list only with --user-data-dir), so the developer's app runs unchanged against the stack.
 */
export function chromiumCommandLine(door: FrontDoor, options: { chromium?: string; profileDir: string; url?: string }): string[] {
  return [
    options.chromium ?? locateChromium()?.path ?? 'chromium',
    `--user-data-dir=${options.profileDir}`,
    ...door.chromiumArgs(),
    '--no-first-run', '--no-default-browser-check', '--disable-background-networking',
    ...(options.url ? [options.url] : []),
  ];
}

/** A command line as a POSIX shell would take it. */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** `--open <url>`: that Chromium, with a throwaway profile removed when it (or the stack) stops. */
export function openChromium(door: FrontDoor, url: string): { child: ChildProcess; argv: string[]; stop: () => void } {
  const profileDir = mkdtempSync(join(tmpdir(), 'ase-chromium-'));
  const argv = chromiumCommandLine(door, { profileDir, url });
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  const cleanup = () => rmSync(profileDir, { recursive: true, force: true });
  child.once('exit', cleanup);
  child.once('error', cleanup);
  return {
    child, argv,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      else cleanup();
    },
  };
}

/**
 * The front door's trust settings in the state folder, for whoever sets up the browser (in compose,
 * the host's side of the mounted folder): `front-door-certificate.pem` (the certificate alone, to
 * trust as a CA, e.g. `NODE_EXTRA_CA_CERTS`) and `front-door.json` (its address, SPKI hash, the
 * certificate's file name, next to it, and the Chromium flags).
 */
export async function writeFrontDoorTrust(stateDir: string, door: FrontDoor): Promise<{ settings: string; certificate: string }> {
  const certificate = join(stateDir, 'front-door-certificate.pem');
  const settings = join(stateDir, 'front-door.json');
  await writeFile(certificate, door.certificate.certPem);
  await writeSecretFile(settings, `${JSON.stringify({
    address: door.address,
    spkiSha256: door.certificate.spkiSha256,
    certificate: 'front-door-certificate.pem',
    chromiumArgs: door.chromiumArgs(),
  }, null, 2)}\n`);
  return { settings, certificate };
}
