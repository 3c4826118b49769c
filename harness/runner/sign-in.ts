import type { AmplifyOutputs } from '../../emulator/outputs.js';
import type { ScenarioUser } from '../scenario/types.js';
import { Actor } from './actor.js';

/**
 * A user signed in by the real client (SRP), as plain data: what the client stored (tokens,
 * identity ID) and who it turned out to be. The scenario's own actor starts from this storage,
 * in whichever thread runs the cases, so each user signs in once for all of its cases.
 */
export interface SignedInSession {
  user: string;
  storage: Record<string, string>;
  identityId?: string;
  sub?: string;
}

/** Signs one user in; where it runs (this thread, a client worker) is up to the caller. */
export type SignInService = (outputs: AmplifyOutputs, user: Pick<ScenarioUser, 'name' | 'password' | 'signInName'>) => Promise<SignedInSession>;

/** Sign-ins go one at a time per thread: the client keeps in-progress sign-in state in one module-wide store. */
let signInQueue: Promise<unknown> = Promise.resolve();
export function serialSignIn(actor: Pick<Actor, 'ensureSignedIn'>): Promise<void> {
  const next = signInQueue.then(() => actor.ensureSignedIn());
  signInQueue = next.catch(() => undefined);
  return next;
}

/** Signs a user in with the client's default flow (SRP) and fetches its identity, in this thread. */
export const signInHere: SignInService = async (outputs, user) => {
  const actor = new Actor(user.name, Actor.configFrom(outputs), { username: user.signInName ?? user.name, password: user.password });
  await serialSignIn(actor);
  const { identityId, sub } = await actor.identity();
  return {
    user: user.name,
    storage: actor.storedSession(),
    ...(identityId ? { identityId } : {}),
    ...(sub ? { sub } : {}),
  };
};
