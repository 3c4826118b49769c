/**
 * Reading a file a user named (a scenario, an amplify_outputs.json, a policy, a stack config):
 * checked before its content is read, so a hostile or mistaken path gets one line, not a hang
 * or a crash. A FIFO would block forever, /dev/urandom never ends, a 50 MB file costs gigabytes
 * once parsed, and binary bytes make hundreds of parser errors.
 *
 * Messages name the file and what is wrong with it, never its content.
 */
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** The largest file read (4 MiB): a scenario of thousands of cases is a few hundred KB. */
export const MAX_USER_FILE_BYTES = 4 * 1024 * 1024;

export class UserFileError extends Error {
  override name = 'UserFileError';
  constructor(
    message: string,
    /** ENOENT, EISDIR, EACCES, ... or NOT_REGULAR, TOO_LARGE, BINARY. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface ReadUserFileOptions {
  /** What the file is, for messages: "scenario file", "outputs file". */
  kind: string;
  /** How to name it in messages (default: the path given). */
  label?: string;
  maxBytes?: number;
}

/** The file's text (UTF-8, BOM removed). Throws {@link UserFileError} with a one-line reason. */
export async function readUserTextFile(file: string, options: ReadUserFileOptions): Promise<string> {
  const { kind } = options;
  const label = options.label ?? file;
  const max = options.maxBytes ?? MAX_USER_FILE_BYTES;
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked right after.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new UserFileError(openMessage(kind, label, error as NodeJS.ErrnoException), (error as NodeJS.ErrnoException).code ?? 'EIO');
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new UserFileError(`${label} is a directory, not a ${kind}; give the path of a file`, 'EISDIR');
    if (!stats.isFile()) {
      throw new UserFileError(`${label} is ${describeType(stats)}, not a regular file; ${article(kind)} ${kind} must be a regular file`, 'NOT_REGULAR');
    }
    if (stats.size > max) {
      throw new UserFileError(`${label} is ${formatBytes(stats.size)}, over the ${formatBytes(max)} limit for ${article(kind)} ${kind}; split it into several files`, 'TOO_LARGE');
    }
    // Read at most max + 1 bytes, in case it grows while being read.
    const buffer = Buffer.alloc(Math.min(max, stats.size) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length >= buffer.length) {
        throw new UserFileError(`${label} grew past the ${formatBytes(max)} limit for ${article(kind)} ${kind} while being read`, 'TOO_LARGE');
      }
    }
    return decodeText(buffer.subarray(0, length), kind, label);
  } finally {
    await handle.close();
  }
}

/** UTF-8 text, or one line saying the bytes are not text. */
export function decodeText(bytes: Uint8Array, kind: string, label: string): string {
  const nul = bytes.indexOf(0);
  let text: string | undefined;
  if (nul === -1) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = undefined;
    }
  }
  if (text === undefined) {
    throw new UserFileError(`${label} is binary, not text (${nul !== -1 ? `a NUL byte at offset ${nul}` : 'bytes that are not UTF-8'}); ${article(kind)} ${kind} is UTF-8 text`, 'BINARY');
  }
  return text.replace(/^\uFEFF/, '');
}

function openMessage(kind: string, label: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `${label} does not exist; check the path of the ${kind}`;
    case 'EACCES':
    case 'EPERM':
      return `${label} cannot be read (permission denied); ${article(kind)} ${kind} must be readable by you`;
    case 'EISDIR':
      return `${label} is a directory, not a ${kind}; give the path of a file`;
    case 'ENOTDIR':
      return `${label}: a part of the path is not a directory; check the path of the ${kind}`;
    case 'ELOOP':
      return `${label}: too many symbolic links; check the path of the ${kind}`;
    default:
      return `${label} cannot be read (${error.code ?? error.message}); check the path of the ${kind}`;
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function describeType(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} bytes`;
}
