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

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
}

export interface BrowserRunOptions {
  frontDoor: FrontDoor;
  /**
   * How many fresh pages (a context each, the client loaded, at the default origin) to keep
   * opened ahead, so that a scenario's actors find their page ready instead of waiting the
   * second or so a new context, renderer and page take. Default 2; 0 opens every page on demand.
   */
  warmPages?: number;
}

/** A fresh browser context with the client's page loaded, not yet given to an actor. */
interface OpenedPage {
  context: BrowserContext;
  page: Page;
}

/**
 * One headless Chromium for a whole run, with the AWS host names sent to the stack's front door
 * (whose certificate it trusts by key). Each actor of a scenario gets its own browser context
 * (own storage, own preflight cache), closed when the scenario ends. Its page loads from the
 * scenario's `origin` (http or https, any host), which the page server answers.
 */
export class BrowserRun {
  /** How long launching Chromium took, in milliseconds. */
  launchMs = 0;

  /** Pages opened ahead at the default origin, each taken by one actor and never reused. */
  private warm: Array<Promise<OpenedPage>> = [];
  private closed = false;

  private constructor(
    private readonly browser: Browser,
    private readonly pages: PageServer,
    private readonly frontDoor: FrontDoor,
    private readonly warmPages: number,
  ) {}

  static async launch(options: BrowserRunOptions): Promise<BrowserRun> {
    const chromium = locateChromium();
    if (!chromium) throw new ChromiumMissingError(chromiumMissingMessage());
    const pages = await PageServer.start(options.frontDoor.certificate);
    try {
      const { chromium: playwright } = await import('playwright-core');
      const door = options.frontDoor.address;
      const started = performance.now();
      const browser = await playwright.launch({
        executablePath: chromium.path,
        headless: true,
        // Playwright's own switches already make Chromium quiet (no background networking,
        // updates, sync, first-run UI; its --disable-features list, HttpsUpgrades among them,
        // which a second --disable-features here would replace).
        args: [
          // AWS's names to the front door; every other name (the page's origin, whatever it is)
          // to the page server. The first rule that matches wins; nothing leaves loopback.
          `--host-resolver-rules=MAP *.amazonaws.com ${door}, MAP amazonaws.com ${door}, MAP * 127.0.0.1:${pages.port}`,
          `--ignore-certificate-errors-spki-list=${options.frontDoor.certificate.spkiSha256}`,
        ],
      });
      const run = new BrowserRun(browser, pages, options.frontDoor, Math.max(0, options.warmPages ?? 2));
      run.launchMs = performance.now() - started;
      run.topUp();
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

  /** A new context with the client's page loaded from `origin` (the page server answers every origin). */
  private async openPage(origin: string): Promise<OpenedPage> {
    const context = await this.browser.newContext();
    try {
      const page = await context.newPage();
      // The page's only script runs before its load event, so `ase` is there once goto resolves.
      await page.goto(`${origin}/`);
      return { context, page };
    } catch (e) {
      await context.close().catch(() => undefined);
      throw e;
    }
  }

  /** Opens pages ahead until {@link BrowserRunOptions.warmPages} are ready or opening. */
  private topUp(): void {
    while (!this.closed && this.warm.length < this.warmPages) {
      const page = this.openPage(this.pages.origin);
      page.catch(() => undefined); // a failure surfaces when an actor takes it
      this.warm.push(page);
    }
  }

  /** A fresh page at `origin`: one opened ahead when there is one, else a new one (opening now). */
  private takePage(origin: string): Promise<OpenedPage> {
    const page = origin === this.pages.origin ? this.warm.shift() : undefined;
    if (page) return page;
    const opening = this.openPage(origin);
    opening.catch(() => undefined);
    return opening;
  }

  /** Resolves once the pages being opened ahead are ready (for measurements that start from rest). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.warm);
  }

  /** A client half that runs scenarios in this browser (one at a time per half; halves may run concurrently). */
  clientHalf(): ClientHalf {
    let client: ScenarioClient | undefined;
    let actors: BrowserActor[] = [];
    // Pages taken while the users sign in, one per acting person, handed to the actors in turn.
    let opening: Array<Promise<OpenedPage>> = [];
    const pageFor = (origin: string) => () => opening.shift() ?? this.takePage(origin);
    return {
      prepare: (plan) => {
        const origin = this.originFor(plan);
        opening = [...new Set(plan.cases.map((c) => c.as))].map(() => this.takePage(origin));
      },
      start: async (plan, outputs, sessions) => {
        const origin = this.originFor(plan);
        const buckets = new Set(plan.scenario.buckets.map((b) => b.bucketName));
        actors = [];
        // Each user's page starts from the session the sign-in service made (the tokens and
        // identity ID the client stores), as a returning user's tab finds them, so no user signs
        // in twice. Without a session the page signs in itself (SRP over fetch, Cognito's CORS).
        client = new ScenarioClient(plan, outputs, sessions, (name, credentials, storage) => {
          const actor = new BrowserActor(pageFor(origin), this.frontDoor, origin, outputs, buckets, name, credentials, storage);
          actors.push(actor);
          return actor;
        });
        // Every person with a case gets their page now, all at once.
        const acting = new Set(plan.cases.map((c) => c.as));
        await Promise.all(actors.filter((a) => acting.has(a.name)).map((a) => a.ready()));
        return client.signInAll();
      },
      runCase: (c) => client!.runCase(c),
      end: async () => {
        const unused = opening;
        opening = [];
        await Promise.allSettled([
          ...actors.map((a) => a.close()),
          ...unused.map((p) => p.then((o) => o.context.close())),
        ]);
        actors = [];
        client = undefined;
        // Between scenarios: open the next scenario's pages ahead.
        this.topUp();
      },
    };
  }

  /**
   * Opens `count` actor pages (context, page, the bundled client loaded) one after the other, as
   * an actor's first case would, for measurement and tests; resolves with the time each took, the
   * pages (`window.ase` is the page API) and a function that closes them.
   */
  async openPages(count: number, origin = this.pages.origin): Promise<{ ms: number[]; pages: Page[]; close: () => Promise<void> }> {
    const opened: OpenedPage[] = [];
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      opened.push(await this.openPage(origin));
      times.push(performance.now() - started);
    }
    return { ms: times, pages: opened.map((o) => o.page), close: async () => { await Promise.allSettled(opened.map((o) => o.context.close())); } };
  }

  /** The browser process's ID, as Chromium reports it (its renderers and helpers descend from it). */
  async browserPid(): Promise<number | undefined> {
    const cdp = await this.browser.newBrowserCDPSession();
    try {
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
      return processInfo.find((p) => p.type === 'browser')?.id;
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.warm = [];
    await Promise.allSettled([this.browser.close(), this.pages.close()]);
  }
}

/** One person in a browser context of their own, driving the bundled aws-amplify page through `window.ase`. */
export class BrowserActor implements CaseActor {
  private opening: Promise<Page> | undefined;
  private context: BrowserContext | undefined;
  private recording: { requests: DecidingRequest[]; pending: Array<Promise<void>>; messages: Set<string> } | undefined;

  constructor(
    private readonly openPage: () => Promise<OpenedPage>,
    private readonly frontDoor: FrontDoor,
    private readonly origin: string,
    private readonly outputs: AmplifyOutputs,
    private readonly buckets: Set<string>,
    readonly name: string,
    private readonly credentials?: { username: string; password: string },
    private readonly storage?: Record<string, string>,
  ) {}

  /** Opens the actor's page (context, page, client loaded) ahead of its first case. */
  async ready(): Promise<void> {
    await this.page();
  }

  get isGuest(): boolean {
    return !this.credentials;
  }

  private page(): Promise<Page> {
    this.opening ??= this.open();
    return this.opening;
  }

  private async open(): Promise<Page> {
    const { context, page } = await this.openPage();
    this.context = context;
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
    page.on('console', (message) => {
      // Chromium's own words for a blocked request ("… has been blocked by CORS policy: …").
      if (this.recording && message.type() === 'error' && message.text().includes('CORS policy')) this.recording.messages.add(message.text());
    });
    page.on('requestfailed', (request) => {
      if (this.recording && isS3(request.url())) this.recording.requests.push({ method: request.method(), url: request.url(), status: 0 });
    });
    await page.evaluate(([outputs, name, credentials, storage]) => (globalThis as unknown as { ase: PageApi }).ase.start(outputs, name, credentials ?? undefined, storage ?? undefined),
      [this.outputs, this.name, this.credentials ?? null, this.storage ?? null] as const);
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
    const recording = { requests: [] as DecidingRequest[], pending: [] as Array<Promise<void>>, messages: new Set<string>() };
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
    const base = {
      requests: recording.requests,
      ...(cors.length > 0 ? { cors } : {}),
      ...(recording.messages.size > 0 ? { browserMessages: [...recording.messages] } : {}),
    };
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
