import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrontDoorCertificate } from '../../../emulator/front-door/certificate.js';
import { replaying, sniffingServer } from '../../../emulator/front-door/connection.js';

/** The bundled browser build of the page side (page-entry.ts), in the package's dist/. */
export function pageBundlePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'dist', 'browser', 'amplify-page.js');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'package.json'))) break;
    dir = dirname(dir);
  }
  // Running compiled: dist/harness/runner/browser → dist/browser.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'browser', 'amplify-page.js');
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>amplify-storage-emulator browser client</title></head>
<body><script src="/amplify-page.js"></script></body></html>
`;

interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The page's two files (the document and the bundled client); anything else is 404. */
function pageContent(bundle: Buffer): (path: string) => PageResponse {
  return (path): PageResponse => {
    if (path === '/amplify-page.js') return { status: 200, headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' }, body: bundle };
    if (path === '/' || path === '/index.html') return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: PAGE };
    return { status: 404, headers: {}, body: '' };
  };
}

/**
 * The page the browser client's actors load: a blank document and the bundled aws-amplify page
 * script, on one loopback port that speaks both HTTP and HTTPS (the first byte of a connection
 * tells which, as at the front door; HTTPS with the front door's certificate, which the browser
 * trusts by key whatever the host name). The browser sends every host name that is not AWS's
 * here, so a scenario's `origin` can be any http or https origin, and the page, like the S3 and
 * Cognito endpoints, is on loopback: Chromium's local-network checks see no request from a
 * public page to a private address, as none happens against AWS either.
 */
export class PageServer {
  private constructor(
    private readonly server: net.Server,
    private readonly sockets: Set<net.Socket>,
    readonly port: number,
  ) {}

  static async start(certificate: Pick<FrontDoorCertificate, 'keyPem' | 'certPem'>): Promise<PageServer> {
    const bundlePath = pageBundlePath();
    const bundle = await readFile(bundlePath).catch(() => {
      throw new Error(`the browser build of the client is missing (${bundlePath}); run \`npm run build\``);
    });
    const content = pageContent(bundle);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      req.resume();
      const { status, headers, body } = content((req.url ?? '/').split('?')[0]!);
      res.writeHead(status, headers);
      res.end(body);
    };
    const plain = http.createServer(handler);
    const tls = https.createServer({ key: certificate.keyPem, cert: certificate.certPem, ALPNProtocols: ['http/1.1'] }, handler);
    const { server, sockets } = sniffingServer(tls, (socket, first) => plain.emit('connection', replaying(socket, first)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    return new PageServer(server, sockets, typeof address === 'object' && address ? address.port : 0);
  }

  /** The default page origin. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
