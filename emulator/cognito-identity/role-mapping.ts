import type { IdentityPool } from './store.js';

/**
 * Cognito's token-based role mapping with `AmbiguousRoleResolution: AuthenticatedRole`, which is
 * what Amplify Gen2 configures: the ID token's `cognito:preferred_role` (set by the user pool to the
 * role of the user's group with the lowest precedence) when the pool knows that role, else the
 * authenticated role. A group member therefore holds the group's role ONLY, never also the
 * authenticated role's policy. Guests get the unauthenticated role.
 */
export function chooseRole(pool: IdentityPool, claims: Record<string, unknown> | undefined): string {
  if (!claims) return pool.guestRoleArn;
  const preferred = claims['cognito:preferred_role'];
  if (typeof preferred === 'string' && pool.roles.has(preferred)) return preferred;
  return pool.authenticatedRoleArn;
}
