import type { OperationTable } from '../aws/types.js';
import type { Clock } from '../clock.js';
import type { IdentityPoolStore } from '../cognito-identity/store.js';
import type { CredentialVendor, SessionRegistry } from '../credentials/vendor.js';
import type { SigningKeys } from '../keys.js';
import { AssumeRoleWithWebIdentity } from './assumeRoleWithWebIdentity.js';
import { GetCallerIdentity } from './getCallerIdentity.js';

export interface StsDeps {
  clock: Clock;
  keys: SigningKeys;
  identityPools: IdentityPoolStore;
  vendor: CredentialVendor;
  sessions: SessionRegistry;
}

export const stsOperations = { AssumeRoleWithWebIdentity, GetCallerIdentity } as const;

export function stsService(deps: StsDeps): OperationTable {
  return Object.fromEntries(Object.entries(stsOperations).map(([name, factory]) => [name, factory(deps)]));
}
