import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFrontDoorCertificate, type FrontDoorCertificate } from '../front-door/certificate.js';

const CERTIFICATE_FILE = 'front-door-certificate.json';
/** A certificate this close to its end is replaced at start, not served until it expires mid-session. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

/**
 * The front door's certificate under `--data-dir` (`front-door-certificate.json`, mode 0600: it
 * holds the private key): kept across restarts so that a browser told to trust it (by its SPKI
 * hash) keeps trusting it; made anew when absent, unreadable or within a day of its end.
 */
export async function loadOrCreateFrontDoorCertificate(dataDir: string, now: Date): Promise<FrontDoorCertificate> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, CERTIFICATE_FILE);
  const kept = await readFile(file, 'utf8').then((text) => usable(text, now), (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (kept) {
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return kept;
  }
  const made = makeFrontDoorCertificate({ now });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return made;
}

function usable(text: string, now: Date): FrontDoorCertificate | undefined {
  try {
    const saved = JSON.parse(text) as FrontDoorCertificate;
    if (typeof saved.keyPem !== 'string' || typeof saved.spkiSha256 !== 'string' || !Array.isArray(saved.dnsNames)) return undefined;
    const x509 = new X509Certificate(saved.certPem);
    if (new Date(x509.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS) return undefined;
    return saved;
  } catch {
    return undefined;
  }
}
