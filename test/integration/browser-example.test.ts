/**
 * `ase up --browser` with the example web app (examples/browser-app): the app, bundled as a
 * developer would and served from its own origin with an unchanged amplify_outputs.json, runs in
 * a Chromium started with exactly the flags `ase up` printed, and signs in, uploads, lists,
 * downloads and is refused through the stack's front door.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium as playwright } from 'playwright-core';
import { expect, it } from 'vitest';
import { locateChromium } from '../../harness/runner/browser/chromium.js';
import { assertBuilt, CLI, REPO_ROOT } from '../helpers/cli.js';

const APP = path.join(REPO_ROOT, 'examples', 'browser-app');
const chromium = locateChromium();

it.skipIf(!chromium)('the example app signs in, uploads, lists, downloads and is refused, in the Chromium ase up --browser prints', async () => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-example-'));
  const site = path.join(dir, 'site');
  await build({ entryPoints: [path.join(APP, 'main.js')], bundle: true, format: 'esm', platform: 'browser', outfile: path.join(site, 'app.js'), logLevel: 'warning' });
  copyFileSync(path.join(APP, 'index.html'), path.join(site, 'index.html'));
  const server = http.createServer((req, res) => {
    const file = path.join(site, path.normalize((req.url ?? '/').split('?')[0]!).replace(/^\/$/, '/index.html'));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.json') ? 'application/json' : 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

  const child = spawn(process.execPath, [CLI, 'up', path.join(APP, 'scenario.yaml'), '--browser', '--outputs', path.join(site, 'amplify_outputs.json')], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let context: Awaited<ReturnType<typeof playwright.launchPersistentContext>> | undefined;
  try {
    await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toContain('Press Ctrl-C to stop.');
    // The printed command line, as a developer would copy it.
    const commandLine = stdout.split('\n').find((l) => l.includes('--host-resolver-rules='))!;
    expect(commandLine, stdout).toBeDefined();
    const rules = /'--host-resolver-rules=([^']+)'/.exec(commandLine)?.[1];
    const spki = /--ignore-certificate-errors-spki-list=(\S+)/.exec(commandLine)?.[1];
    expect(rules).toMatch(/^MAP \*\.amazonaws\.com 127\.0\.0\.1:\d+/);
    expect(spki).toMatch(/^[A-Za-z0-9+/]+=*$/);

    context = await playwright.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: chromium!.path, headless: true,
      args: [`--host-resolver-rules=${rules}`, `--ignore-certificate-errors-spki-list=${spki}`, '--disable-background-networking'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(appUrl);
    const log = page.locator('#log');
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain('ready');
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'Alice-Example-1!');
    await page.click('#sign-in button');
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain('sign in: signed in');
    for (const [button, line] of [
      ['#upload', 'upload: uploaded public/hello.txt'],
      ['#list', 'list: public/hello.txt'],
      ['#download', 'download: hello from the browser'],
      ['#admin', 'admin upload: AccessDenied'],
    ] as const) {
      await page.click(button);
      await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain(line);
    }
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
  } finally {
    await context?.close();
    child.kill('SIGKILL');
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
