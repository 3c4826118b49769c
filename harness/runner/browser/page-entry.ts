/**
 * The page side of the browser client, bundled for the browser at `npm run build`
 * (dist/browser/amplify-page.js): the real aws-amplify browser build (S3 over XMLHttpRequest,
 * Cognito over fetch) driving the same Actor and operations as the Node client. One page is one
 * actor; the harness calls `window.ase` through Playwright.
 */
import type { AmplifyOutputs } from '../../../emulator/outputs.js';
import { Actor, type ActorIdentity } from '../actor.js';
import { runOperation, type OpResult, type ResolvedCase } from '../operations.js';

export type PageOutcome = { ok: true; result: OpResult } | { ok: false; name: string; message: string };

export interface PageApi {
  /** `storage`: a session signed in elsewhere (what the client stored), as a returning user's tab has it. */
  start(outputs: AmplifyOutputs, name: string, credentials?: { username: string; password: string }, storage?: Record<string, string>): void;
  signIn(): Promise<ActorIdentity>;
  /** `forceRefresh`: fetch new credentials (what an app does after S3 answered ExpiredToken). */
  identity(forceRefresh?: boolean): Promise<ActorIdentity>;
  run(c: ResolvedCase): Promise<PageOutcome>;
}

let actor: Actor | undefined;
const current = (): Actor => {
  if (!actor) throw new Error('no actor started on this page');
  return actor;
};

const api: PageApi = {
  start(outputs, name, credentials, storage) {
    actor = new Actor(name, Actor.configFrom(outputs), credentials, storage);
  },
  async signIn() {
    await current().ensureSignedIn();
    return current().identity();
  },
  identity: (forceRefresh) => current().identity({ forceRefresh: forceRefresh === true }),
  async run(c) {
    try {
      return { ok: true, result: await runOperation(current(), c) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      return { ok: false, name: error.name, message: error.message };
    }
  },
};

(globalThis as unknown as { ase: PageApi }).ase = api;
