import { isIP } from 'node:net';
import net from 'node:net';
import type { Server as HttpServer } from 'node:http';

/**
 * Serving the stack on an interface other than loopback (`ase up --host <LAN address>`). The
 * stack itself always listens on loopback, where MinIO fetches the emulator's OpenID documents and
 * the Node transport connects; an extra listener on the requested address hands its connections to
 * the same servers. MinIO, which binds loopback only, is reached there through a TCP forwarder
 * (raw bytes, so the Host header and SigV4 signatures arrive unchanged).
 */

/** 127.0.0.0/8, ::1, `localhost`: addresses other machines cannot reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/** 0.0.0.0 and :: listen on every interface, loopback included. */
export function isWildcardHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::';
}

export interface Listener {
  /** The port it listens on. */
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
}

/** Accepts connections on host:port and serves them with an existing HTTP server (the emulator). */
export async function bridgeToHttpServer(target: HttpServer, host: string, port: number): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    target.emit('connection', socket);
  });
  const bound = await listen(server, host, port);
  return { port: bound, close: closer(server, sockets) };
}

/** Forwards every connection on host:port to 127.0.0.1:targetPort, byte for byte. */
export async function forwardTcp(host: string, port: number, targetPort: number): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    track(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.once('error', end);
    upstream.once('error', end);
    client.once('close', end);
    upstream.once('close', end);
  });
  const bound = await listen(server, host, port);
  return { port: bound, close: closer(server, sockets) };
}

/** The loud start-up notice for a stack reachable from other machines. */
export function exposureWarning(host: string, urls: { emulator: string; s3: string }): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!! WARNING: listening on ${host}, which is NOT loopback: other machines can reach this stack.`,
    `!!   Cognito, identity pools, STS  ${urls.emulator}`,
    `!!   S3 (MinIO)                    ${urls.s3}`,
    '!! Anyone who reaches it can sign up, sign in with the printed passwords, and use guest',
    '!! access; the user-pool admin API needs the administrator credentials (SigV4). Traffic is',
    '!! plain HTTP. Use the default (127.0.0.1) unless another machine must connect.',
    line,
    '',
  ].join('\n');
}
