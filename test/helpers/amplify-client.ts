/**
 * The real aws-amplify v6 client as an app would use it in Node, one isolated context per person:
 * `createAmplifyContext` with that person's own token and credential providers over private
 * in-memory storage (what one browser profile's localStorage would be). Built from the public
 * aws-amplify API only, so it does not depend on the harness's internals.
 */
import { createAmplifyContext, type AmplifyContext, type ResourcesConfig } from 'aws-amplify';
import { createAWSCredentialsAndIdentityIdProvider, createUserPoolsTokenProvider } from 'aws-amplify/adapter-core';
import { fetchAuthSession, signIn, type AuthSession } from 'aws-amplify/auth';
import { parseAmplifyConfig, type KeyValueStorageInterface } from 'aws-amplify/utils';

export class MemoryStorage implements KeyValueStorageInterface {
  private readonly items = new Map<string, string>();
  async setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value);
  }
  async getItem(key: string): Promise<string | null> {
    return this.items.get(key) ?? null;
  }
  async removeItem(key: string): Promise<void> {
    this.items.delete(key);
  }
  async clear(): Promise<void> {
    this.items.clear();
  }
}

export interface ClientUser {
  name: string;
  context: AmplifyContext;
  /** Signs in with the client's default flow (no authFlowType given). */
  signIn(password?: string): Promise<void>;
  session(): Promise<AuthSession>;
  /** The identity-pool identity ID (fetching credentials if needed). */
  identityId(): Promise<string>;
}

/** The ResourcesConfig for an amplify_outputs.json object, as `Amplify.configure(outputs)` would build it. */
export function configFromOutputs(outputs: object): ResourcesConfig {
  return parseAmplifyConfig(outputs as Parameters<typeof parseAmplifyConfig>[0]);
}

/** One person (or the guest when `password` is undefined) with a context of their own. */
export function clientUser(outputs: object, name: string, password?: string): ClientUser {
  const config = configFromOutputs(outputs);
  const auth = config.Auth!;
  const storage = new MemoryStorage();
  const context = createAmplifyContext(config, {
    Auth: {
      tokenProvider: createUserPoolsTokenProvider(auth, storage),
      credentialsProvider: createAWSCredentialsAndIdentityIdProvider(auth, storage),
    },
  });
  return {
    name,
    context,
    async signIn(given = password) {
      if (given === undefined) throw new Error(`${name} is a guest and does not sign in`);
      const result = await signIn(context, { username: name, password: given });
      if (!result.isSignedIn) throw new Error(`sign-in of ${name} stopped at ${result.nextStep.signInStep}`);
    },
    session: () => fetchAuthSession(context),
    async identityId() {
      const { identityId } = await fetchAuthSession(context);
      if (!identityId) throw new Error(`${name} has no identity ID`);
      return identityId;
    },
  };
}

/** What a call threw (fails the test if it did not throw). */
export async function thrown(promise: PromiseLike<unknown>): Promise<Error> {
  const outcome = await Promise.resolve(promise).then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error('expected the call to be refused, but it succeeded');
  if (!(outcome.error instanceof Error)) throw new Error(`expected an Error, got ${String(outcome.error)}`);
  return outcome.error;
}

/** A JSON request a client sent to a Cognito (or other AWS JSON) endpoint. */
export interface CapturedAwsCall {
  url: string;
  /** The operation, from `x-amz-target` (e.g. `InitiateAuth`). */
  operation: string;
  body: Record<string, unknown>;
}

/**
 * Records every AWS JSON-protocol request the global `fetch` sends while `fn` runs (the aws-amplify
 * client calls the global fetch for Cognito), then puts fetch back.
 */
export async function captureAwsJsonCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CapturedAwsCall[] }> {
  const original = globalThis.fetch;
  const calls: CapturedAwsCall[] = [];
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const target = headers.get('x-amz-target');
    if (target && typeof init?.body === 'string') {
      calls.push({
        url: input instanceof Request ? input.url : String(input),
        operation: target.split('.').pop()!,
        body: JSON.parse(init.body) as Record<string, unknown>,
      });
    }
    return original(input, init);
  }) as typeof fetch;
  try {
    return { result: await fn(), calls };
  } finally {
    globalThis.fetch = original;
  }
}
