import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { setGlobalDispatcher } from 'undici';
import { createStackDispatcher } from '../emulator/transport/node.js';
import type { CaseResult } from '../harness/results.js';
import { Actor } from '../harness/runner/actor.js';
import { planScenario, runScenarios } from '../harness/runner/run.js';
import { loadScenarioFiles } from '../harness/scenario/load-many.js';
import type { Outcome } from '../harness/scenario/types.js';
import { loadBenchApp } from './lib/app.js';
import { identityClient, REGION, s3Client, userPoolClient, type Route } from './lib/clients.js';
import { scaled, type BenchContext } from './lib/context.js';
import { repoRoot } from './lib/machine.js';
import { createPool, createUser, credentialsFor, outputsFor, passwordSignIn, srpAttempt } from './lib/moto-aws.js';
import { scenarioOnMoto, type PeerCase } from './lib/moto-scenarios.js';
import { ensureMoto, startMoto, type RunningMoto } from './lib/moto.js';
import { table, type Figure } from './lib/report.js';
import { median, ms, ratio, sample, summarize, type Summary } from './lib/stats.js';
import type { OpFigures } from './operations.js';
import type { SignInFigures } from './sign-in.js';

const SECTION = 'peer: moto';
const PASSWORD = 'Bench-passw0rd!';

/** Our stack's figures to put next to moto's. */
export interface OurFigures {
  stackStartMs?: number;
  /** Fresh process → Stack.start() → app → first guest credentials (median). */
  coldStartMs?: number;
  signIn?: SignInFigures;
  operations?: Record<'upload' | 'download' | 'list' | 'remove', Record<string, OpFigures>>;
}

/**
 * moto's server mode next to our stack: start-up, sign-in, credentials and S3 latency, whether
 * the real client's SRP works, and which of the bundled scenarios' expected denials it enforces.
 */
export async function peerMoto(ctx: BenchContext, ours: OurFigures): Promise<void> {
  const { log, results, stack } = ctx;
  const venv = join(repoRoot, 'bench', '.venv');
  const availability = await ensureMoto(venv, log);
  if (!availability.available) {
    log(`moto is not available here: ${availability.reason}. Skipping the peer comparison.`);
    results.note(`moto could not be used: ${availability.reason}.`);
    results.add({ section: SECTION, name: 'moto (server mode)', value: null, unit: 'text', display: `not available: ${availability.reason}` });
    results.section('Peer: moto', `Not measured: ${availability.reason}.`);
    results.data.moto = { available: false, reason: availability.reason };
    return;
  }
  results.machine.moto = `${availability.version} (${venv})`;
  log(`moto ${availability.version} from ${venv}${availability.installedMs !== undefined ? ` (installed now in ${ms(availability.installedMs)})` : ''}`);

  const starts: number[] = [];
  const colds: number[] = [];
  let moto: RunningMoto | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      moto = await startMoto(availability.bin);
      starts.push(moto.startupMs);
      // Cold start to first credentials, as ours is measured: from spawn, set the app up (an
      // identity pool with guest access) and get a guest's GetId + GetCredentialsForIdentity.
      const answering = performance.now();
      const coldIdp = userPoolClient({ endpoint: moto.endpoint });
      const coldIdentity = identityClient({ endpoint: moto.endpoint });
      const coldPool = await createPool(coldIdp, coldIdentity, `bench-cold-${i}`, true);
      await credentialsFor(coldIdentity, coldPool, undefined);
      colds.push(moto.startupMs + (performance.now() - answering));
      coldIdp.destroy();
      coldIdentity.destroy();
      if (i < 2) await moto.stop();
    }
    log(`moto_server start-up (spawn → first HTTP answer): ${starts.map(ms).join(', ')}; median ${ms(median(starts))}`);
    log(`moto cold start to first guest credentials (spawn → pools → GetId + GetCredentialsForIdentity): ${colds.map(ms).join(', ')}; median ${ms(median(colds))}`);
    const m = moto!;
    const route: Route = { endpoint: m.endpoint };
    const idp = userPoolClient(route);
    const identity = identityClient(route);
    const n = scaled(ctx, 200, 10);
    const warmup = 10;
    const rows: Array<{ what: string; moto: string; stack: string; ratio: string }> = [];
    const compare = (what: string, motoValue: number, stackValue: number | undefined) => {
      rows.push({ what, moto: ms(motoValue), stack: stackValue !== undefined ? ms(stackValue) : 'n/a', ratio: stackValue !== undefined ? ratio(motoValue / stackValue) : 'n/a' });
      log(`  ${what}: moto ${ms(motoValue)} · stack ${stackValue !== undefined ? ms(stackValue) : 'n/a'}${stackValue !== undefined ? ` (moto/stack ${ratio(motoValue / stackValue)})` : ''}`);
      return stackValue;
    };
    const figures: Figure[] = [];
    const addCompared = (name: string, motoValue: number, stackValue: number | undefined) => {
      figures.push({ section: SECTION, name, value: motoValue, unit: 'ms', display: `${ms(motoValue)} (stack ${stackValue !== undefined ? ms(stackValue) : 'n/a'}${stackValue !== undefined ? `, moto/stack ${ratio(motoValue / stackValue)}` : ''})` });
    };
    compare('start-up, median of 3 (stack: Stack.start() in-process)', median(starts), ours.stackStartMs);
    addCompared('moto start-up, median of 3', median(starts), ours.stackStartMs);
    compare('cold start to first guest credentials, median (stack: fresh process, median of 5)', median(colds), ours.coldStartMs);
    // The issue's goals, each against moto's figure from this same run.
    const vsMoto = (value: number | undefined, moto: number) => value !== undefined ? `${ms(value)} (moto ${ms(moto)}, stack/moto ×${(value / moto).toFixed(2)})` : 'not measured';
    figures.push({ section: SECTION, name: "Goal: Stack.start() ≤ moto's start-up (same run)", value: ours.stackStartMs ?? null, unit: 'ms', target: { below: median(starts), orEqual: true }, display: vsMoto(ours.stackStartMs, median(starts)) });
    figures.push({ section: SECTION, name: "Goal: cold start to first credentials ≤ 1.2 × moto's (same run)", value: ours.coldStartMs ?? null, unit: 'ms', target: { below: 1.2 * median(colds), orEqual: true }, display: vsMoto(ours.coldStartMs, median(colds)) });

    // Sign-in.
    const pool = await createPool(idp, identity, 'bench-peer', true);
    await createUser(idp, pool.poolId, 'alice', PASSWORD);
    let idToken = '';
    const pw = summarize(await sample(n, async () => { idToken = await passwordSignIn(idp, pool.clientId, 'alice', PASSWORD); }, warmup));
    compare('USER_PASSWORD_AUTH p50', pw.p50, ours.signIn?.passwordAuth.p50);
    addCompared('moto USER_PASSWORD_AUTH p50', pw.p50, ours.signIn?.passwordAuth.p50);

    // The real client's SRP against moto, through a transport pointed at moto (AWS host names kept).
    const toMoto = createStackDispatcher({ emulatorPort: m.port, s3Port: m.port });
    setGlobalDispatcher(toMoto);
    let amplifySrp: string;
    try {
      const actor = new Actor('alice', Actor.configFrom(outputsFor(pool, 'ase-bench-peer')), { username: 'alice', password: PASSWORD });
      const started = performance.now();
      await actor.ensureSignedIn();
      amplifySrp = `works (${ms(performance.now() - started)})`;
    } catch (e) {
      amplifySrp = `fails: ${(e as Error).name}: ${(e as Error).message}`;
    } finally {
      setGlobalDispatcher(ctx.timing);
      await toMoto.close().catch(() => undefined);
    }
    const srpAsAmplify = await srpAttempt(idp, pool.poolId, pool.clientId, 'alice', PASSWORD, true);
    const srpWrongPassword = await srpAttempt(idp, pool.poolId, pool.clientId, 'alice', 'Wrong-passw0rd!', false);
    const ourApp = await loadBenchApp(stack, 'bench-peer', 'ase-bench-peer', ['alice']);
    let ourWrongPassword: string;
    try {
      const stackIdp = userPoolClient('transport');
      ourWrongPassword = await srpAttempt(stackIdp, ourApp.config.userPool.id, ourApp.config.userPool.clientIds[0]!, 'alice', 'Wrong-passw0rd!', true);
      stackIdp.destroy();
    } finally {
      await stack.unload(ourApp.config.id);
    }
    log(`  aws-amplify signIn (SRP) against moto: ${amplifySrp}`);
    log(`  SRP answered with USER_ID_FOR_SRP as the client does (native client, right password): moto ${srpAsAmplify}`);
    log(`  SRP with a WRONG password (native client): moto ${srpWrongPassword}; stack ${ourWrongPassword}`);
    figures.push({ section: SECTION, name: 'aws-amplify signIn (SRP) on moto', value: null, unit: 'text', display: amplifySrp.slice(0, 140) });
    figures.push({ section: SECTION, name: 'SRP with a wrong password', value: null, unit: 'text', display: `moto: ${srpWrongPassword}; stack: ${ourWrongPassword}` });

    // Credentials.
    const logins = { [`cognito-idp.${REGION}.amazonaws.com/${pool.poolId}`]: idToken };
    const getId: number[] = [];
    const getCreds: number[] = [];
    let motoKey = '';
    for (let i = -warmup; i < n; i++) {
      let started = performance.now();
      const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: logins }));
      const a = performance.now() - started;
      started = performance.now();
      const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
      const b = performance.now() - started;
      motoKey = Credentials?.AccessKeyId ?? '';
      if (i < 0) continue;
      getId.push(a);
      getCreds.push(b);
    }
    const pair: Summary = summarize(getId.map((g, i) => g + getCreds[i]!));
    compare('GetId + GetCredentialsForIdentity p50', pair.p50, ours.signIn?.pair.p50);
    addCompared('moto GetId + GetCredentialsForIdentity p50', pair.p50, ours.signIn?.pair.p50);

    // S3, with the credentials moto vended (path-style, endpoint = moto; as the direct path to MinIO).
    const guest = await credentialsFor(identity, pool, undefined);
    const sameKeyForGuest = guest.creds.accessKeyId === motoKey;
    const s3 = s3Client(route, { accessKeyId: motoKey, secretAccessKey: 'unused-by-moto' });
    await s3.send(new CreateBucketCommand({ Bucket: 'ase-bench-peer' }));
    const body = 'x'.repeat(1024);
    for (let i = 0; i < 10; i++) await s3.send(new PutObjectCommand({ Bucket: 'ase-bench-peer', Key: `public/list/obj-${i}.txt`, Body: body }));
    const key = (i: number) => `public/ops/${i < 0 ? `w${-i}` : i}.txt`;
    const s3Figures = {
      upload: summarize(await sample(n, (i) => s3.send(new PutObjectCommand({ Bucket: 'ase-bench-peer', Key: key(i), Body: body })), warmup)),
      download: summarize(await sample(n, async (i) => (await s3.send(new GetObjectCommand({ Bucket: 'ase-bench-peer', Key: key(i) }))).Body?.transformToString(), warmup)),
      list: summarize(await sample(n, () => s3.send(new ListObjectsV2Command({ Bucket: 'ase-bench-peer', Prefix: 'public/list/' })), warmup)),
      remove: summarize(await sample(n, (i) => s3.send(new DeleteObjectCommand({ Bucket: 'ase-bench-peer', Key: key(i) })), warmup)),
    };
    s3.destroy();
    for (const op of ['upload', 'download', 'list', 'remove'] as const) {
      const direct = ours.operations?.[op]?.direct?.p50;
      compare(`S3 ${op} p50 (stack: direct @aws-sdk → MinIO)`, s3Figures[op].p50, direct);
      addCompared(`moto S3 ${op} p50 (vs direct @aws-sdk → MinIO)`, s3Figures[op].p50, direct);
    }
    log(`  moto vended access key ${motoKey} to alice${sameKeyForGuest ? ' and the very same key to a guest' : `, and ${guest.creds.accessKeyId} to a guest`}`);
    idp.destroy();
    identity.destroy();

    // The bundled scenarios' expectations.
    const dirs = ['docs-examples', 'pitfalls'].map((d) => join(repoRoot, 'scenarios', d));
    const files = (await Promise.all(dirs.map(async (d) => (await readdir(d)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(d, f))))).flat();
    const loaded = await loadScenarioFiles(files);
    log(`Bundled scenarios (${loaded.scenarios.length} files in scenarios/docs-examples and scenarios/pitfalls) against moto, each actor with the credentials moto vends it (USER_PASSWORD_AUTH, GetId, GetCredentialsForIdentity), and against the stack:`);
    const stackRun = await runScenarios(loaded.scenarios, { stack });
    const stackOutcome = new Map<string, Outcome>(stackRun.scenarios.flatMap((s) => s.cases.map((c: CaseResult) => [`${s.file}#${c.index}`, c.observed.outcome] as [string, Outcome])));
    const peerCases: PeerCase[] = [];
    let seq = 0;
    for (const scenario of loaded.scenarios) {
      const cases = await scenarioOnMoto(m, scenario, seq++);
      const plan = planScenario(scenario);
      cases.forEach((c, i) => {
        const stackObserved = stackOutcome.get(`${scenario.file}#${plan.cases[i]!.index}`);
        if (stackObserved) c.stack = stackObserved;
      });
      peerCases.push(...cases);
    }
    const denials = peerCases.filter((c) => c.expected === 'deny');
    const motoEnforced = denials.filter((c) => c.moto === 'deny');
    const stackEnforced = denials.filter((c) => c.stack === 'deny');
    const notEnforced = denials.filter((c) => c.moto !== 'deny');
    const rel = (file: string) => file.startsWith(repoRoot) ? file.slice(repoRoot.length + 1) : file;
    log(`  expected denials: ${denials.length}; the stack enforced ${stackEnforced.length}, moto ${motoEnforced.length}`);
    log('  expected denials moto does NOT enforce:');
    for (const c of notEnforced) log(`    ${rel(c.file)}: ${c.title} → moto: ${c.moto} (stack: ${c.stack ?? 'n/a'})`);
    figures.push({ section: SECTION, name: 'Bundled scenarios: expected denials enforced', value: motoEnforced.length, unit: 'count', display: `moto ${motoEnforced.length} of ${denials.length}; stack ${stackEnforced.length} of ${denials.length}` });
    for (const f of figures) results.add(f);

    results.data.moto = {
      available: true, version: availability.version, startupMs: starts, passwordAuth: pw, getId: summarize(getId), getCredentials: summarize(getCreds), pair,
      s3: s3Figures, amplifySrp, srpAsAmplify, srpWrongPassword, stackSrpWrongPassword: ourWrongPassword, vendedAccessKey: motoKey, sameKeyForGuest,
      scenarios: peerCases.map((c) => ({ ...c, file: rel(c.file) })),
    };
    const byFile = [...new Set(peerCases.map((c) => c.file))].map((file) => {
      const cs = peerCases.filter((c) => c.file === file);
      const d = cs.filter((c) => c.expected === 'deny');
      return [rel(file), String(cs.length), String(d.length), String(d.filter((c) => c.stack === 'deny').length), String(d.filter((c) => c.moto === 'deny').length),
        String(cs.filter((c) => c.stack === c.expected).length), String(cs.filter((c) => c.moto === c.expected).length)];
    });
    results.section('Peer: moto', [
      `moto ${availability.version} in server mode (\`moto_server -H 127.0.0.1 -p <port>\`, one process for every service), driven with the same @aws-sdk clients (endpoint = moto; S3 path-style with the credentials moto vended). Stack figures are from the sections above.`,
      '',
      table(['what', 'moto', 'stack', 'moto/stack'], rows.map((r) => [r.what, r.moto, r.stack, r.ratio])),
      '',
      `- aws-amplify signIn (SRP, through a transport pointed at moto): ${amplifySrp}`,
      `- SRP answered with USER_ID_FOR_SRP, as every client does (native client, right password): moto ${srpAsAmplify}`,
      `- SRP with a wrong password: moto ${srpWrongPassword}; stack ${ourWrongPassword}`,
      `- moto vended access key \`${motoKey}\` to a signed-in user${sameKeyForGuest ? ' and the same key to a guest' : `, \`${guest.creds.accessKeyId}\` to a guest`}: no role behind it, so no policy to enforce.`,
      '',
      `Bundled scenarios (docs-examples and pitfalls): ${denials.length} expected denials; the stack enforced ${stackEnforced.length}, moto ${motoEnforced.length}.`,
      '',
      table(['file', 'cases', 'expected denials', 'enforced by stack', 'enforced by moto', 'cases as expected: stack', 'cases as expected: moto'], byFile),
      '',
      'Expected denials moto does not enforce:',
      '',
      table(['file', 'case', 'moto', 'stack'], notEnforced.map((c) => [rel(c.file), c.title, c.moto, c.stack ?? 'n/a'])),
    ].join('\n'));
  } finally {
    await moto?.stop();
  }
}
