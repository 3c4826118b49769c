import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FrontDoor } from '../../../emulator/front-door/server.js';
import type { AmplifyOutputs } from '../../../emulator/outputs.js';
import { routeFor } from '../../../emulator/transport/routes.js';
import type { CorsFinding, DecidingRequest } from '../../results.js';
import type { ActorIdentity } from '../actor.js';
import type { ResolvedCase } from '../operations.js';
import type { ScenarioPlan } from '../plan.js';
import type { ClientHalf } from '../run-scenario.js';
import { ScenarioClient, type ActorRun, type CaseActor } from '../scenario-client.js';
import { chromiumMissingMessage, locateChromium } from './chromium.js';
import { PageServer } from './page-server.js';
import type { PageApi, PageOutcome } from './page-entry.js';

/** Chromium flags for a quiet, headless, throwaway browser (no sandbox when root, as containers run). */
const QUIET_FLAGS = [
  '--disable-background-networking', '--disable-component-update', '--disable-default-apps', '--disable-sync',
  '--disable-extensions', '--no-first-run', '--no-default-browser-check', '--metrics-recording-only',
  '--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
  '--disable-dev-shm-usage', '--mute-audio',
];

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
}

export interface BrowserRunOptions {
  frontDoor: FrontDoor;
  /** Page origins other than the default loopback one that scenarios of this run use. */
  origins?: string[];
}

/**
 * One headless Chromium for a whole run, with the AWS host names sent to the stack's front door
 * (whose certificate it trusts by key) and any scenario origins mapped to the page server. Each
 * actor of a scenario gets its own browser context (own storage, own preflight cache), opened on
 * first use and closed when the scenario ends.
 */
export class BrowserRun {
  /** How long launching Chromium took, in milliseconds. */
  launchMs = 0;

  private constructor(
    private readonly browser: Browser,
    private readonly pages: PageServer,
    private readonly frontDoor: FrontDoor,
  ) {}

  static async launch(options: BrowserRunOptions): Promise<BrowserRun> {
    const chromium = locateChromium();
    if (!chromium) throw new ChromiumMissingError(chromiumMissingMessage());
    const pages = await PageServer.start();
    try {
      const { chromium: playwright } = await import('playwright-core');
      const door = options.frontDoor.address;
      const originRules = [...new Set(options.origins ?? [])].map((origin) => {
        const url = new URL(origin);
        return `MAP ${url.hostname}:${url.port || '80'} 127.0.0.1:${pages.port}`;
      });
      const started = performance.now();
      const browser = await playwright.launch({
        executablePath: chromium.path,
        headless: true,
        args: [
          ...QUIET_FLAGS,
          `--host-resolver-rules=${[`MAP *.amazonaws.com ${door}`, `MAP amazonaws.com ${door}`, ...originRules].join(', ')}`,
          `--ignore-certificate-errors-spki-list=${options.frontDoor.certificate.spkiSha256}`,
        ],
      });
      const run = new BrowserRun(browser, pages, options.frontDoor);
      run.launchMs = performance.now() - started;
      return run;
    } catch (e) {
      await pages.close();
      throw e;
    }
  }

  /** The origin a scenario's page loads from. */
  originFor(plan: ScenarioPlan): string {
    return plan.scenario.origin ?? this.pages.origin;
  }

  /** A client half that runs scenarios in this browser (one at a time per half; halves may run concurrently). */
  clientHalf(): ClientHalf {
    let client: ScenarioClient | undefined;
    let actors: BrowserActor[] = [];
    return {
      signsInItself: true,
      start: async (plan, outputs) => {
        const origin = this.originFor(plan);
        const buckets = new Set(plan.scenario.buckets.map((b) => b.bucketName));
        actors = [];
        // The browser signs its users in itself (SRP in page code, Cognito over fetch with CORS):
        // sessions signed in elsewhere are not handed to it.
        client = new ScenarioClient(plan, outputs, [], (name, credentials) => {
          const actor = new BrowserActor(this.browser, this.frontDoor, origin, outputs, buckets, name, credentials);
          actors.push(actor);
          return actor;
        });
        return client.signInAll();
      },
      runCase: (c) => client!.runCase(c),
      end: async () => {
        await Promise.allSettled(actors.map((a) => a.close()));
        actors = [];
        client = undefined;
      },
    };
  }

  /**
   * Opens `count` actor pages (context, page, the bundled client loaded) as a scenario would, for
   * measurement; resolves with the time each took and a function that closes them.
   */
  async openPages(count: number, origin = this.pages.origin): Promise<{ ms: number[]; close: () => Promise<void> }> {
    const contexts: BrowserContext[] = [];
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const context = await this.browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => 'ase' in globalThis);
      times.push(performance.now() - started);
    }
    return { ms: times, close: async () => { await Promise.allSettled(contexts.map((c) => c.close())); } };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.browser.close(), this.pages.close()]);
  }
}

/** One person in a browser context of their own, driving the bundled aws-amplify page through `window.ase`. */
export class BrowserActor implements CaseActor {
  private opening: Promise<Page> | undefined;
  private context: BrowserContext | undefined;
  private recording: { requests: DecidingRequest[]; pending: Array<Promise<void>> } | undefined;

  constructor(
    private readonly browser: Browser,
    private readonly frontDoor: FrontDoor,
    private readonly origin: string,
    private readonly outputs: AmplifyOutputs,
    private readonly buckets: Set<string>,
    readonly name: string,
    private readonly credentials?: { username: string; password: string },
  ) {}

  get isGuest(): boolean {
    return !this.credentials;
  }

  private page(): Promise<Page> {
    this.opening ??= this.open();
    return this.opening;
  }

  private async open(): Promise<Page> {
    this.context = await this.browser.newContext();
    const page = await this.context.newPage();
    page.on('response', (response) => {
      const recording = this.recording;
      const request = response.request();
      if (!recording || !isS3(request.url()) || request.method() === 'OPTIONS') return;
      const entry: DecidingRequest = { method: request.method(), url: request.url(), status: response.status() };
      recording.requests.push(entry);
      if (entry.status >= 400 && entry.method !== 'HEAD') {
        recording.pending.push(response.text().then((text) => {
          const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
          if (code) entry.code = code;
        }, () => undefined));
      }
    });
    page.on('requestfailed', (request) => {
      if (this.recording && isS3(request.url())) this.recording.requests.push({ method: request.method(), url: request.url(), status: 0 });
    });
    await page.goto(`${this.origin}/`);
    await page.waitForFunction(() => 'ase' in globalThis);
    await page.evaluate(([outputs, name, credentials]) => (globalThis as unknown as { ase: PageApi }).ase.start(outputs, name, credentials ?? undefined),
      [this.outputs, this.name, this.credentials ?? null] as const);
    return page;
  }

  async ensureSignedIn(): Promise<void> {
    if (!this.credentials) return;
    const page = await this.page();
    await page.evaluate(() => (globalThis as unknown as { ase: PageApi }).ase.signIn());
  }

  async identity(): Promise<ActorIdentity> {
    const page = await this.page();
    return page.evaluate(() => (globalThis as unknown as { ase: PageApi }).ase.identity());
  }

  async run(c: ResolvedCase): Promise<ActorRun> {
    const page = await this.page();
    const recording = { requests: [] as DecidingRequest[], pending: [] as Array<Promise<void>> };
    const cors: CorsFinding[] = [];
    const stop = this.frontDoor.onCorsRefusal((refusal) => {
      if (this.buckets.has(refusal.bucket) && refusal.origin === this.origin) cors.push(refusal);
    });
    this.recording = recording;
    let outcome: PageOutcome;
    try {
      outcome = await page.evaluate((resolved) => (globalThis as unknown as { ase: PageApi }).ase.run(resolved), c);
      await Promise.all(recording.pending);
    } finally {
      this.recording = undefined;
      stop();
    }
    const base = { requests: recording.requests, ...(cors.length > 0 ? { cors } : {}) };
    if (outcome.ok) return { ...base, output: outcome.result };
    return { ...base, error: Object.assign(new Error(outcome.message), { name: outcome.name }) };
  }

  async close(): Promise<void> {
    await this.context?.close();
  }
}

const isS3 = (url: string): boolean => {
  try {
    return routeFor(new URL(url).hostname) === 's3';
  } catch {
    return false;
  }
};
