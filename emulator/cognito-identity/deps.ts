import type { Clock } from '../clock.js';
import type { CredentialVendor } from '../credentials/vendor.js';
import type { SigningKeys } from '../keys.js';
import type { IdentityPoolStore } from './store.js';

/** Everything the identity-pool operations may depend on; each takes only the part it needs. */
export interface CognitoIdentityDeps {
  clock: Clock;
  /** Verifies the user-pool ID tokens in `Logins`. */
  keys: SigningKeys;
  /** Signs the classic flow's OpenID tokens (GetOpenIdToken). */
  identityKeys: SigningKeys;
  store: IdentityPoolStore;
  vendor: CredentialVendor;
}
