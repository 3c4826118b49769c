import type { Clock } from '../clock.js';
import type { CallerAuthenticator } from '../credentials/callers.js';
import type { SigningKeys } from '../keys.js';
import type { UserPoolStore } from './store.js';

/** Everything the user-pool operations may depend on; each takes only the part it needs. */
export interface CognitoIdpDeps {
  clock: Clock;
  /** The key that signs user-pool tokens (and nothing else). */
  keys: SigningKeys;
  store: UserPoolStore;
  /** Verifies the SigV4 signatures of IAM-authorised operations. */
  callers: CallerAuthenticator;
}
