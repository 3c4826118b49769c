import type { Clock } from '../clock.js';
import type { IdentityPoolStore } from '../cognito-identity/store.js';
import type { CallerAuthenticator } from '../credentials/callers.js';
import type { CredentialVendor } from '../credentials/vendor.js';
import type { SigningKeys } from '../keys.js';

/** Everything the STS actions may depend on; each takes only the part it needs. */
export interface StsDeps {
  clock: Clock;
  identityPools: IdentityPoolStore;
  vendor: CredentialVendor;
  callers: CallerAuthenticator;
  /** Signs the classic flow's web-identity tokens (GetOpenIdToken); STS verifies with it. */
  identityKeys: SigningKeys;
}
