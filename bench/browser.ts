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
import { treePssKiB } from './lib/processes.js';
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
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
  try {
    const file = join(dir, 'ten.yaml');
    await writeFile(file, scenarioYaml({ name: 'bench browser vs node', bucketName: 'ase-bench-browser', users: ['user0', 'user1'], cases: tenCases() }));
    const plan = planScenario(await loadScenarioFile(file));

    const launches: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const run = await BrowserRun.launch({ frontDoor: stack.frontDoor, warmPages: 0 });
      launches.push(run.launchMs);
      await run.close();
    }
    log(`Chromium launch (headless, ${chromium.path}): ${launches.map(ms).join(', ')}`);

    // Memory: every process of one Chromium (the browser and all it started: zygotes, renderers,
    // GPU, network and storage services), PSS summed, with no actor context and then with four.
    const actors = 4;
    const bare = await BrowserRun.launch({ frontDoor: stack.frontDoor, warmPages: 0 });
    let memory: { before: number; after: number; processes: [number, number] } | undefined;
    let pageMs: number[] = [];
    try {
      const pid = await bare.browserPid();
      await settle();
      const before = pid ? treePssKiB(pid) : undefined;
      const pages = await bare.openPages(actors);
      pageMs = pages.ms;
      await settle();
      const after = pid ? treePssKiB(pid) : undefined;
      await pages.close();
      if (before && after) memory = { before: before.kib, after: after.kib, processes: [before.processes, after.processes] };
    } finally {
      await bare.close();
    }
    log(`Actor context (new context + page + bundled client loaded), one after the other: ${pageMs.map(ms).join(', ')}`);
    const perActorMiB = memory ? (memory.after - memory.before) / actors / 1024 : Number.NaN;
    if (memory) {
      log(`Memory (PSS of all of Chromium's processes): ${(memory.before / 1024).toFixed(0)} MiB in ${memory.processes[0]} processes with no actor, ${(memory.after / 1024).toFixed(0)} MiB in ${memory.processes[1]} with ${actors} → ${perActorMiB.toFixed(0)} MiB per actor`);
    } else {
      log('Memory: Chromium did not report its process ID, so its processes were not measured.');
    }

    // The ratio: pages opened ahead (the browser client's default) and opened on demand.
    const browser = await BrowserRun.launch({ frontDoor: stack.frontDoor });
    const cold = await BrowserRun.launch({ frontDoor: stack.frontDoor, warmPages: 0 });
    try {
      const nodeMs: number[] = [];
      const browserMs: number[] = [];
      const coldMs: number[] = [];
      let failed = 0;
      const timed = async (run: () => ReturnType<typeof runScenario>, into: number[]) => {
        // Every run starts from rest: no pages still opening from the previous one.
        await browser.settled();
        await settle();
        const started = performance.now();
        const result = await run();
        into.push(performance.now() - started);
        failed += result.cases.filter((c) => c.status !== 'pass').length + (result.error ? 1 : 0);
      };
      for (let i = 0; i < rounds; i++) {
        await timed(() => runScenario({ ...plan }, stack, `bn${i}`), nodeMs);
        await timed(() => runScenario({ ...plan, client: 'browser' }, stack, `bb${i}`, {}, browser.clientHalf()), browserMs);
        await timed(() => runScenario({ ...plan, client: 'browser' }, stack, `bc${i}`, {}, cold.clientHalf()), coldMs);
      }
      const ratio = median(browserMs) / median(nodeMs);
      const coldRatio = median(coldMs) / median(nodeMs);
      log(`10-case scenario, 2 users (set-up, sign-ins, cases, tear-down): Node ${nodeMs.map(ms).join(', ')} · browser ${browserMs.map(ms).join(', ')} → ×${ratio.toFixed(2)}${failed ? ` (${failed} cases failed!)` : ''}`);
      log(`  the same with every page opened on demand (no pages opened ahead): ${coldMs.map(ms).join(', ')} → ×${coldRatio.toFixed(2)}`);

      results.add({ section: SECTION, name: '10-case scenario: browser client / Node client (median of rounds)', value: ratio, unit: 'ratio', target: { below: 2.5, orEqual: true }, display: `×${ratio.toFixed(2)} (${ms(median(browserMs))} vs ${ms(median(nodeMs))})` });
      results.add({ section: SECTION, name: '10-case scenario: browser client with pages opened on demand / Node client', value: coldRatio, unit: 'ratio', display: `×${coldRatio.toFixed(2)} (${ms(median(coldMs))})` });
      results.add({ section: SECTION, name: 'Chromium launch (headless)', value: median(launches), unit: 'ms' });
      results.add({ section: SECTION, name: 'Actor context: new context + page + client loaded', value: median(pageMs), unit: 'ms' });
      if (memory) results.add({ section: SECTION, name: 'Memory per actor (PSS of all Chromium processes)', value: perActorMiB, unit: 'count', display: `${perActorMiB.toFixed(0)} MiB (browser alone ${(memory.before / 1024).toFixed(0)} MiB)` });
      results.data.browser = { launches, nodeMs, browserMs, coldMs, pageMs, ...(memory ? { pssKiB: { ...memory, actors } } : {}), failed };
      results.section('Browser client', [
        'The same generated 10-case scenario (2 users; the owner writes, reads, lists and deletes its own file, the other user is refused) run by the Node client and by the browser client (the bundled aws-amplify browser build in headless Chromium, through the TLS front door), one after the other on the same stack, each run starting from rest; times include the scenario\'s set-up, both SRP sign-ins (done once, by the sign-in service; the browser pages start from those sessions) and tear-down. Chromium is launched once per run. The browser client keeps two fresh pages (a context each) opened ahead between scenarios, so an actor finds its page ready; the "on demand" row opens every page inside the scenario, and the actor-context row is what opening one costs.',
        '',
        'Memory is the proportional set size (PSS) of every process of one Chromium (the browser and every process under it: zygotes, renderers, GPU, network and storage services), with no actor context and with four; per actor = the difference / 4.',
        '',
        table(['figure', 'value'], [
          ['10-case scenario, Node client', nodeMs.map(ms).join(', ')],
          ['10-case scenario, browser client', browserMs.map(ms).join(', ')],
          ['ratio (medians)', `×${ratio.toFixed(2)} (target ≤ ×2.5)`],
          ['10-case scenario, browser client, pages opened on demand', `${coldMs.map(ms).join(', ')} (×${coldRatio.toFixed(2)})`],
          ['Chromium launch', launches.map(ms).join(', ')],
          ['actor context (context + page + client)', pageMs.map(ms).join(', ')],
          ['memory', memory ? `${(memory.before / 1024).toFixed(0)} MiB browser + ${perActorMiB.toFixed(0)} MiB per actor (PSS)` : 'not measured'],
        ]),
      ].join('\n'));
    } finally {
      await Promise.allSettled([browser.close(), cold.close()]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
