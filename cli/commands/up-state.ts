/**
 * What `ase up` keeps in its state folder (cli/state-dir.ts): the passwords it generated, so
 * they stay valid across restarts (random, never derived from anything a reader could know),
 * where the stack listens, and the sign-up confirmation codes it issued.
 */
import path from 'node:path';
import { generatePassword } from '../../harness/scenario/password.js';
import { readStateJson, removeStateFile, writeSecretFile } from '../state-dir.js';

interface UsersFile {
  /** Per source (`scenario:<file>`, `outputs:<file>`): passwords by user, or in generation order. */
  sources: Record<string, { byUser?: Record<string, string>; sequence?: string[] }>;
}

export class KeptPasswords {
  private changed = false;

  private constructor(private readonly file: string, private readonly data: UsersFile) {}

  static async load(stateDir: string): Promise<KeptPasswords> {
    const file = path.join(stateDir, 'users.json');
    const data = await readStateJson<UsersFile>(file, { sources: {} });
    return new KeptPasswords(file, typeof data === 'object' && data && typeof data.sources === 'object' ? data : { sources: {} });
  }

  get path(): string {
    return this.file;
  }

  /** The password kept for `user`, or a new random one (kept from now on). */
  forUser(source: string, user: string): string {
    const entry = (this.data.sources[source] ??= {});
    const byUser = (entry.byUser ??= {});
    if (!byUser[user]) {
      byUser[user] = generatePassword();
      this.changed = true;
    }
    return byUser[user];
  }

  /** A generator handing out the kept passwords in order, then new random ones (for a scenario's users). */
  sequence(source: string): () => string {
    const entry = (this.data.sources[source] ??= {});
    const list = (entry.sequence ??= []);
    let next = 0;
    return () => {
      if (next >= list.length) {
        list.push(generatePassword());
        this.changed = true;
      }
      return list[next++]!;
    };
  }

  async save(): Promise<void> {
    if (this.changed) await writeSecretFile(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
    this.changed = false;
  }
}

export interface Endpoints {
  emulator: string;
  s3: string;
  emulatorPort: number;
  s3Port: number;
  region: string;
  /** The amplify_outputs.json the app uses. */
  outputs: string;
  pid: number;
  startedAt: string;
}

/** Writes endpoints.json; returns a function that removes it (a stopped stack has no endpoints). */
export async function writeEndpoints(stateDir: string, endpoints: Endpoints): Promise<{ file: string; remove: () => Promise<void> }> {
  const file = path.join(stateDir, 'endpoints.json');
  await writeSecretFile(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  return { file, remove: () => removeStateFile(file) };
}

export interface IssuedCode {
  userPoolId: string;
  username: string;
  code: string;
  expiresAt: string;
}

/** Appends sign-up confirmation codes to confirmation-codes.json (newest last). */
export class ConfirmationCodes {
  private codes: IssuedCode[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  static async load(stateDir: string): Promise<ConfirmationCodes> {
    const codes = new ConfirmationCodes(path.join(stateDir, 'confirmation-codes.json'));
    const kept = await readStateJson<{ codes?: IssuedCode[] }>(codes.file, {});
    codes.codes = Array.isArray(kept.codes) ? kept.codes.slice(-100) : [];
    return codes;
  }

  add(code: IssuedCode): Promise<void> {
    this.codes.push(code);
    if (this.codes.length > 100) this.codes.shift();
    const text = `${JSON.stringify({ codes: this.codes }, null, 2)}\n`;
    this.writing = this.writing.then(() => writeSecretFile(this.file, text)).catch(() => undefined);
    return this.writing;
  }
}
