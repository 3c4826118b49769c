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
 * client's default flow (SRP); guests just ask for credentials.
 */
export class Actor {
  readonly context: AmplifyContext;
  private signedIn = false;

  constructor(
    readonly name: string,
    config: ResourcesConfig,
    private readonly credentials?: { username: string; password: string },
  ) {
    const auth = config.Auth!;
    const storage = new MemoryKeyValueStorage();
    this.context = createAmplifyContext(config, {
      Auth: {
        tokenProvider: createUserPoolsTokenProvider(auth, storage),
        credentialsProvider: createAWSCredentialsAndIdentityIdProvider(auth, storage),
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

  /** The identity ID and access key the client currently holds (credentials fetched on demand). */
  async identity(): Promise<ActorIdentity> {
    const session = await fetchAuthSession(this.context);
    const sub = session.tokens?.idToken?.payload.sub;
    return {
      ...(session.identityId ? { identityId: session.identityId } : {}),
      ...(session.credentials?.accessKeyId ? { accessKeyId: session.credentials.accessKeyId } : {}),
      ...(typeof sub === 'string' ? { sub } : {}),
    };
  }
}
