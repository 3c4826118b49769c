import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { addressFor, routeFor, unsupportedHostMessage, type TransportTargets } from '../transport/routes.js';
import { BucketCorsStore } from '../s3-cors/store.js';
import { makeFrontDoorCertificate, type FrontDoorCertificate } from './certificate.js';
import { readHead, replaying, sniffingServer } from './connection.js';
import { forward } from './forward.js';
import { handleS3, type CorsRefusal } from './s3.js';

export interface FrontDoorOptions {
  targets: TransportTargets;
  /** Buckets' CORS rules (the stack's); a fresh empty store when absent. */
  cors?: BucketCorsStore;
  /** Loopback unless told otherwise. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Made at start when absent. */
  certificate?: FrontDoorCertificate;
  now?: () => number;
}

/**
 * The stack's TLS front door: one loopback port that serves the AWS host names the stack
 * emulates, for browsers (and anything else that cannot take a Node dispatcher). It answers TLS
 * directly (point a resolver at it: Chromium's `--host-resolver-rules`) and HTTP CONNECT (use it
 * as a proxy); the first byte of a connection tells which. Requests go on to the emulator or
 * MinIO with URL, Host and signature unchanged, by the routing table the Node transport uses;
 * other AWS hosts get 421 and never leave the machine. S3 requests get the bucket's CORS rules
 * (see s3.ts); the emulator answers CORS itself.
 */
export class FrontDoor {
  private readonly listeners = new Set<(refusal: CorsRefusal) => void>();

  private constructor(
    private readonly server: net.Server,
    private readonly sockets: Set<net.Socket>,
    private readonly agent: http.Agent,
    readonly host: string,
    readonly port: number,
    readonly certificate: FrontDoorCertificate,
    readonly cors: BucketCorsStore,
  ) {}

  static async start(options: FrontDoorOptions): Promise<FrontDoor> {
    const certificate = options.certificate ?? makeFrontDoorCertificate();
    const cors = options.cors ?? new BucketCorsStore();
    const now = options.now ?? Date.now;
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000 });
    let door: FrontDoor | undefined;

    const tls = https.createServer({ key: certificate.keyPem, cert: certificate.certPem, ALPNProtocols: ['http/1.1'] }, (req, res) => {
      const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
      const address = addressFor(hostname, options.targets);
      if (address === undefined || address === 'unsupported-aws') {
        req.resume();
        res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`${address === undefined ? `amplify-storage-emulator front door serves AWS host names only, not ${hostname || '(no Host header)'}.` : unsupportedHostMessage(hostname)}\n`);
        return;
      }
      if (address.target === 'emulator') return forward(req, res, address, agent);
      handleS3(req, res, hostname, address, agent, { cors, now, onCorsRefusal: (r) => door?.emitRefusal(r) });
    });
    tls.keepAliveTimeout = 10_000;

    const { server, sockets } = sniffingServer(tls, (socket, first) => void connectTunnel(socket, first, tls));
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => { server.off('error', reject); resolve(); });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    door = new FrontDoor(server, sockets, agent, host, port, certificate, cors);
    return door;
  }

  /** `host:port`, for a resolver rule or a proxy setting (loopback when bound to every interface). */
  get address(): string {
    const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host;
    return `${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /** Chromium flags that send the AWS host names here and trust this front door's certificate (by its key). */
  chromiumArgs(): string[] {
    return [
      `--host-resolver-rules=MAP *.amazonaws.com ${this.address}, MAP amazonaws.com ${this.address}`,
      `--ignore-certificate-errors-spki-list=${this.certificate.spkiSha256}`,
    ];
  }

  /** Calls `listener` with every CORS request refused (preflight) or answered without CORS headers. */
  onCorsRefusal(listener: (refusal: CorsRefusal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitRefusal(refusal: CorsRefusal): void {
    for (const listener of this.listeners) listener(refusal);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    this.agent.destroy();
  }
}

export type { CorsRefusal } from './s3.js';

/**
 * The proxy side: `CONNECT <aws-host>:443` opens a tunnel into the TLS side of this same port;
 * any other host is refused (loopback and other hosts must bypass the proxy), and anything but
 * CONNECT in plain HTTP gets a 400 that says how to use the front door.
 */
async function connectTunnel(socket: net.Socket, first: Buffer, tls: https.Server): Promise<void> {
  const read = await readHead(socket, first);
  const requestLine = read?.head.split('\r\n')[0] ?? '';
  const connect = /^CONNECT (\[[^\]]+\]|[^\s:]+):(\d+) HTTP\/1\.[01]$/.exec(requestLine);
  const refuse = (status: string, message: string) =>
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
  if (!read || !connect) {
    refuse('400 Bad Request', 'amplify-storage-emulator front door speaks HTTPS (point the AWS host names at it) or HTTP CONNECT (use it as a proxy).\n');
    return;
  }
  const hostname = connect[1]!.replace(/^\[|\]$/g, '');
  if (routeFor(hostname) === undefined) {
    refuse('403 Forbidden', `amplify-storage-emulator front door carries AWS host names only, not ${hostname}; let loopback and other hosts bypass the proxy.\n`);
    return;
  }
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  tls.emit('connection', replaying(socket, read.rest));
}
