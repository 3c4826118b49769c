/**
 * Choosing MinIO's S3 port so that no two servers ever share it.
 *
 * MinIO binds with SO_REUSEPORT, so a second MinIO (same user) that binds a port the first one
 * holds does not fail: the kernel accepts both and spreads connections between them. A free-port
 * probe is only a snapshot, and MinIO's own "port already in use" check is one too, so two stacks
 * started in the same instant could both see a port free and both bind it. Two defences:
 *
 * - {@link claimPort}: a claim across processes, held from before the probe until our MinIO has
 *   bound the port (the abstract Unix socket `\0amplify-storage-emulator/tcp/127.0.0.1:PORT`:
 *   binding it is atomic, and the kernel releases it when the holder exits, however it exits;
 *   nothing is left on disk). Every stack of this package claims before it probes, so two of them
 *   never race for one port.
 * - {@link foreignListeners}: after MinIO is ready, every socket listening on the port (from
 *   /proc/net/tcp and tcp6) must belong to our MinIO (its /proc/<pid>/fd). This catches a server
 *   that does not take claims (another tool's MinIO) bound in the same instant.
 *
 * Both need Linux (abstract sockets, procfs); elsewhere only the probe and MinIO's own check remain.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';

const HOST = '127.0.0.1';
const SUPPORTED = process.platform === 'linux';

/** A port this process has claimed; other stacks treat it as taken until {@link release}. */
export interface PortClaim {
  readonly port: number;
  release(): Promise<void>;
}

/**
 * Claims `port` (on 127.0.0.1) for this process, or returns undefined when another stack holds the
 * claim. Where claims are not supported, every claim succeeds and means nothing.
 */
export function claimPort(port: number): Promise<PortClaim | undefined> {
  if (!SUPPORTED) return Promise.resolve({ port, release: async () => {} });
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(undefined);
      else reject(err);
    });
    server.listen({ path: claimName(port), exclusive: true }, () => {
      server.unref(); // a claim never keeps the process alive
      resolve({ port, release: () => close(server) });
    });
  });
}

function claimName(port: number): string {
  return `\0amplify-storage-emulator/tcp/${HOST}:${port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

/** Ports the OS considers free on 127.0.0.1 right now (nothing holds them afterwards). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<Server>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, HOST, () => resolve(srv));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map(close));
  return ports;
}

/**
 * Claims `port` if it is free and no other stack claims it (claim first, then probe: a stack that
 * claimed it before us has bound it by the time it lets go). Undefined when it is not available.
 */
export async function claimIfFree(port: number): Promise<PortClaim | undefined> {
  const claim = await claimPort(port);
  if (!claim) return undefined;
  if (await portIsFree(port)) return claim;
  await claim.release();
  return undefined;
}

/** A free port, claimed, other than those in `avoid`. */
export async function claimFreePort(avoid: readonly number[] = []): Promise<PortClaim> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [port] = await freePorts(1);
    if (port === undefined || avoid.includes(port)) continue;
    const claim = await claimIfFree(port);
    if (claim) return claim;
  }
  throw new Error(`could not find a free port on ${HOST} that no other stack is claiming`);
}

// /proc/net/tcp{,6} local addresses (hex, each 32-bit word in host order) on which a listener
// receives connections to 127.0.0.1 or [::1]: the loopback addresses and the wildcards.
const LOOPBACK_COVERING = new Map<string, string>([
  ['0100007F', '127.0.0.1'],
  ['00000000', '0.0.0.0'],
  ['00000000000000000000000001000000', '[::1]'],
  ['00000000000000000000000000000000', '[::]'],
  ['0000000000000000FFFF00000100007F', '[::ffff:127.0.0.1]'],
]);
const TCP_LISTEN = '0A';

/**
 * The addresses of sockets listening on `port` (where connections to loopback arrive) that do not
 * belong to process `pid`; empty when `pid` is the only listener. Undefined when this cannot be
 * known here (no procfs, or `pid`'s descriptors cannot be read).
 */
export async function foreignListeners(port: number, pid: number): Promise<string[] | undefined> {
  if (!SUPPORTED) return undefined;
  // The kernel walks its whole connection hash table for each table (about 5 ms on a machine with
  // much memory, however few sockets there are): both at once, off the event loop.
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((table) => readFile(table, 'utf8').catch(() => ''))); // '': no IPv6
  const listeners: Array<{ address: string; inode: string }> = [];
  for (const text of tables) {
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== TCP_LISTEN) continue;
      const [addressHex = '', portHex = ''] = fields[1]!.split(':');
      if (Number.parseInt(portHex, 16) !== port) continue;
      const address = LOOPBACK_COVERING.get(addressHex.toUpperCase());
      if (address) listeners.push({ address: `${address}:${port}`, inode: fields[9]! });
    }
  }
  const own = socketInodesOf(pid);
  if (!own) return undefined;
  return listeners.filter((l) => !own.has(l.inode)).map((l) => l.address);
}

/**
 * The inodes of the sockets process `pid` has open, or undefined when they cannot be read.
 * Read synchronously: a few dozen procfs entries cost microseconds each, where a round trip
 * through libuv's thread pool for each would add milliseconds.
 */
function socketInodesOf(pid: number): Set<string> | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      /* closed meanwhile */
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  return inodes;
}
