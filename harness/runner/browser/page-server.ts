import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * The page the browser client's actors load: a blank document and the bundled aws-amplify page
 * script, served on loopback. Its origin is the page's origin unless a scenario names another
 * (then Chromium maps that origin's host and port here).
 */
export class PageServer {
  private constructor(private readonly server: http.Server, readonly port: number) {}

  static async start(): Promise<PageServer> {
    const bundlePath = pageBundlePath();
    const bundle = await readFile(bundlePath).catch(() => {
      throw new Error(`the browser build of the client is missing (${bundlePath}); run \`npm run build\``);
    });
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/amplify-page.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' });
        res.end(bundle);
      } else if (path === '/' || path === '/index.html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(PAGE);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    return new PageServer(server, typeof address === 'object' && address ? address.port : 0);
  }

  /** The default page origin. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
