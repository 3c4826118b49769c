import { createHash, randomUUID } from 'node:crypto';
import type { VendedRole } from '../credentials/vendor.js';
import type { IamPolicyDocument } from '../policy/types.js';
import { ResourceNotFoundException } from './errors.js';

/**
 * A role the pool may hand out: how its credentials are made (the vendor's {@link VendedRole}:
 * which MinIO canned policy, an optional session policy) and who may assume it.
 */
export interface RoleBinding extends VendedRole {
  /** The role's trust policy: which web identities may assume it (checked in both flows). */
  trustPolicy: IamPolicyDocument;
}

export interface IdentityPool {
  id: string;
  region: string;
  accountId: string;
  allowGuestAccess: boolean;
  /** AllowClassicFlow: GetOpenIdToken (the basic flow) is refused unless set. */
  allowClassicFlow: boolean;
  /** Cognito user pool providers: `cognito-idp.<region>.amazonaws.com/<poolId>` → allowed client IDs. */
  providers: Map<string, string[]>;
  guestRoleArn: string;
  authenticatedRoleArn: string;
  /** Every role the pool may hand out, by ARN. */
  roles: Map<string, RoleBinding>;
}

export interface Identity {
  id: string;
  poolId: string;
  /** provider name → the user pool `sub` it was created for; empty for guests. */
  logins: Map<string, string>;
}

/** Name of the RFC 4122 namespace for deterministic identity IDs (any fixed UUID works). */
const IDENTITY_NAMESPACE = 'b5bd4bd6-4bd1-4f2a-9f37-0c5c3a0f4e41';

/** UUID v5 (SHA-1, name-based): the same pool + provider + sub always give the same identity. */
export function uuidV5(name: string, namespace = IDENTITY_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class IdentityPoolStore {
  private readonly pools = new Map<string, IdentityPool>();
  private readonly identities = new Map<string, Identity>();

  loadPool(pool: IdentityPool): void {
    this.pools.set(pool.id, pool);
  }

  removePool(id: string): void {
    this.pools.delete(id);
    for (const [key, identity] of this.identities) if (identity.poolId === id) this.identities.delete(key);
  }

  getPool(id: string | undefined): IdentityPool {
    const pool = id ? this.pools.get(id) : undefined;
    if (!pool) throw new ResourceNotFoundException(`IdentityPool '${id ?? ''}' not found.`);
    return pool;
  }

  findPool(id: string): IdentityPool | undefined {
    return this.pools.get(id);
  }

  /** Every identity of one pool (for `--data-dir`). */
  listIdentities(poolId: string): Identity[] {
    return [...this.identities.values()].filter((i) => i.poolId === poolId);
  }

  /** Puts back an identity saved by an earlier run. */
  restoreIdentity(identity: Identity): void {
    this.identities.set(identity.id, identity);
  }

  getIdentity(id: string | undefined): Identity | undefined {
    return id ? this.identities.get(id) : undefined;
  }

  /** The identity of an authenticated user: stable for (pool, provider, sub), as Cognito keeps it. */
  identityForLogin(pool: IdentityPool, provider: string, sub: string): Identity {
    const id = `${poolRegion(pool)}:${uuidV5(`${pool.id}|${provider}|${sub}`)}`;
    let identity = this.identities.get(id);
    if (!identity) {
      identity = { id, poolId: pool.id, logins: new Map([[provider, sub]]) };
      this.identities.set(id, identity);
    }
    return identity;
  }

  /** A new unauthenticated identity (the client stores and reuses it). */
  newGuestIdentity(pool: IdentityPool): Identity {
    const identity: Identity = { id: `${poolRegion(pool)}:${randomUUID()}`, poolId: pool.id, logins: new Map() };
    this.identities.set(identity.id, identity);
    return identity;
  }
}

/** The region an identity pool lives in: the part of its ID before ":" (`eu-west-1:<uuid>`), as on AWS. */
function poolRegion(pool: IdentityPool): string {
  const prefix = pool.id.slice(0, Math.max(0, pool.id.indexOf(':')));
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(prefix) ? prefix : pool.region;
}
