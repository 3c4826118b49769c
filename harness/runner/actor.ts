import { createAmplifyContext, type AmplifyContext, type ResourcesConfig } from 'aws-amplify';
import { createAWSCredentialsAndIdentityIdProvider, createUserPoolsTokenProvider } from 'aws-amplify/adapter-core';
import { fetchAuthSession, signIn } from 'aws-amplify/auth';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { MemoryKeyValueStorage } from './memory-storage.js';

export interface ActorIdentity {
  identityId?: string;
  accessKeyId?: string;
  /** The user-pool `sub` from the ID token (users only). */
  sub?: string;
}

/**
 * One person using the app: their own AmplifyContext with their own token and credential
 * providers over private storage, so no session leaks between actors. Users sign in with the
 * client's default flow (SRP); guests just ask for credentials. An actor can also start from a
 * session signed in elsewhere (`storage`: what the client stored then), as an app reloaded in a
 * browser tab finds its user signed in: the client reads the tokens and identity ID from storage.
 */
export class Actor {
  readonly context: AmplifyContext;
  private signedIn = false;
  private readonly storage: MemoryKeyValueStorage;

  constructor(
    readonly name: string,
    config: ResourcesConfig,
    private readonly credentials?: { username: string; password: string },
    storage?: Record<string, string>,
  ) {
    const auth = config.Auth!;
    this.storage = new MemoryKeyValueStorage(storage);
    this.signedIn = storage !== undefined && credentials !== undefined;
    const storageForClient = this.storage;
    this.context = createAmplifyContext(config, {
      Auth: {
        tokenProvider: createUserPoolsTokenProvider(auth, storageForClient),
        credentialsProvider: createAWSCredentialsAndIdentityIdProvider(auth, storageForClient),
      },
    });
  }

  static configFrom(outputs: AmplifyOutputs): ResourcesConfig {
    return parseAmplifyConfig(outputs as unknown as Parameters<typeof parseAmplifyConfig>[0]);
  }

  get isGuest(): boolean {
    return !this.credentials;
  }

  /** Signs in once (SRP, the client's default). Throws the client's AuthError on failure. */
  async ensureSignedIn(): Promise<void> {
    if (this.signedIn || !this.credentials) return;
    const result = await signIn(this.context, { username: this.credentials.username, password: this.credentials.password });
    if (!result.isSignedIn) {
      throw new Error(`Sign-in of ${this.name} stopped at step ${result.nextStep.signInStep}; scenario users are created confirmed with a permanent password, so this is an emulator bug.`);
    }
    this.signedIn = true;
  }

  /** What the client has stored for this actor (tokens, identity ID): its session, as plain data. */
  storedSession(): Record<string, string> {
    return this.storage.snapshot();
  }

  /**
   * The identity ID and access key the client currently holds (credentials fetched on demand;
   * `forceRefresh`: new ones, as an app asks after S3 answered ExpiredToken).
   */
  async identity(options: { forceRefresh?: boolean } = {}): Promise<ActorIdentity> {
    const session = await fetchAuthSession(this.context, options.forceRefresh ? { forceRefresh: true } : undefined);
    const sub = session.tokens?.idToken?.payload.sub;
    return {
      ...(session.identityId ? { identityId: session.identityId } : {}),
      ...(session.credentials?.accessKeyId ? { accessKeyId: session.credentials.accessKeyId } : {}),
      ...(typeof sub === 'string' ? { sub } : {}),
    };
  }
}
