import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BrowserRun } from '../harness/runner/browser/browser-client.js';
import { locateChromium } from '../harness/runner/browser/chromium.js';
import { planScenario } from '../harness/runner/run.js';
import { runScenario } from '../harness/runner/run-scenario.js';
import { loadScenarioFile } from '../harness/scenario/load.js';
import { scenarioYaml } from './lib/app.js';
import type { BenchContext } from './lib/context.js';
import { table } from './lib/report.js';
import { ms } from './lib/stats.js';

const SECTION = 'browser client';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Ten cases, two users: the owner writes, reads, lists and deletes its own file; the other is refused. */
function tenCases(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let k = 0; out.length < 10; k++) {
    const [owner, other] = k % 2 === 0 ? ['user0', 'user1'] : ['user1', 'user0'];
    const file = `private/{identity}/f${k}.txt`;
    out.push(
      { as: owner, op: 'upload', path: file, body: `body ${k}`, expect: 'allow' },
      { as: owner, op: 'download', path: file, expect: { outcome: 'allow', body: `body ${k}` } },
      { as: other, op: 'download', path: `private/{identity:${owner}}/f${k}.txt`, expect: 'deny' },
      { as: owner, op: 'list', path: 'private/{identity}/', expect: 'allow' },
      { as: owner, op: 'remove', path: file, expect: 'allow' },
    );
  }
  return out;
}

/** Proportional set size (PSS, KiB) of every Chromium process started with this run's front-door key. */
function chromiumPssKiB(marker: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
      total += Number(pss ?? 0);
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/**
 * The browser client against the Node client on the same 10-case scenario, Chromium's launch, the
 * cost of an actor's context (context, page, the bundled client loaded) and memory per actor.
 */
export async function browserVersusNode(ctx: BenchContext): Promise<void> {
  const { log, results, stack } = ctx;
  const chromium = locateChromium();
  if (!chromium) {
    log('No Chromium found (ASE_CHROMIUM or the usual paths): browser figures skipped.');
    results.note('Browser client figures were not measured: no Chromium on this machine.');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'ase-bench-browser-'));
  const rounds = Math.max(2, Math.round(3 * ctx.scale));
  try {
    const file = join(dir, 'ten.yaml');
    await writeFile(file, scenarioYaml({ name: 'bench browser vs node', bucketName: 'ase-bench-browser', users: ['user0', 'user1'], cases: tenCases() }));
    const plan = planScenario(await loadScenarioFile(file));

    const launches: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const run = await BrowserRun.launch({ frontDoor: stack.frontDoor });
      launches.push(run.launchMs);
      await run.close();
    }
    log(`Chromium launch (headless, ${chromium.path}): ${launches.map(ms).join(', ')}`);

    const browser = await BrowserRun.launch({ frontDoor: stack.frontDoor });
    try {
      const nodeMs: number[] = [];
      const browserMs: number[] = [];
      let failed = 0;
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        const inNode = await runScenario({ ...plan }, stack, `bn${i}`);
        nodeMs.push(performance.now() - started);
        const startedB = performance.now();
        const inBrowser = await runScenario({ ...plan, client: 'browser' }, stack, `bb${i}`, {}, browser.clientHalf());
        browserMs.push(performance.now() - startedB);
        failed += [...inNode.cases, ...inBrowser.cases].filter((c) => c.status !== 'pass').length + (inNode.error ? 1 : 0) + (inBrowser.error ? 1 : 0);
      }
      const ratio = median(browserMs) / median(nodeMs);
      log(`10-case scenario, 2 users (set-up, sign-ins, cases, tear-down): Node ${nodeMs.map(ms).join(', ')} · browser ${browserMs.map(ms).join(', ')} → ×${ratio.toFixed(2)}${failed ? ` (${failed} cases failed!)` : ''}`);

      const before = chromiumPssKiB(stack.frontDoor.certificate.spkiSha256);
      const actors = 4;
      const pages = await browser.openPages(actors);
      const after = chromiumPssKiB(stack.frontDoor.certificate.spkiSha256);
      await pages.close();
      const perActorMiB = (after - before) / actors / 1024;
      log(`Actor context (new context + page + bundled client loaded): ${pages.ms.map(ms).join(', ')}`);
      log(`Memory (PSS of Chromium's processes): ${(before / 1024).toFixed(0)} MiB with no actor, ${(after / 1024).toFixed(0)} MiB with ${actors} → ${perActorMiB.toFixed(0)} MiB per actor`);

      results.add({ section: SECTION, name: '10-case scenario: browser client / Node client (median of rounds)', value: ratio, unit: 'ratio', target: { below: 2.5, orEqual: true }, display: `×${ratio.toFixed(2)} (${ms(median(browserMs))} vs ${ms(median(nodeMs))})` });
      results.add({ section: SECTION, name: 'Chromium launch (headless)', value: median(launches), unit: 'ms' });
      results.add({ section: SECTION, name: 'Actor context: new context + page + client loaded', value: median(pages.ms), unit: 'ms' });
      results.add({ section: SECTION, name: 'Memory per actor (Chromium PSS)', value: perActorMiB, unit: 'count', display: `${perActorMiB.toFixed(0)} MiB (browser alone ${(before / 1024).toFixed(0)} MiB)` });
      results.data.browser = { launches, nodeMs, browserMs, pageMs: pages.ms, pssKiB: { before, after, actors }, failed };
      results.section('Browser client', [
        'The same generated 10-case scenario (2 users; the owner writes, reads, lists and deletes its own file, the other user is refused) run by the Node client and by the browser client (the bundled aws-amplify browser build in headless Chromium, through the TLS front door), one after the other on the same stack; times include the scenario\'s set-up, both SRP sign-ins and tear-down. Chromium is launched once per run.',
        '',
        table(['figure', 'value'], [
          ['10-case scenario, Node client', nodeMs.map(ms).join(', ')],
          ['10-case scenario, browser client', browserMs.map(ms).join(', ')],
          ['ratio (medians)', `×${ratio.toFixed(2)} (target ≤ ×2.5)`],
          ['Chromium launch', launches.map(ms).join(', ')],
          ['actor context (context + page + client)', pages.ms.map(ms).join(', ')],
          ['memory', `${(before / 1024).toFixed(0)} MiB browser + ${perActorMiB.toFixed(0)} MiB per actor (PSS)`],
        ]),
      ].join('\n'));
    } finally {
      await browser.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
