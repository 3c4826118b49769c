import type { AppConfig } from './config.js';
import { parseStoragePaths } from './policy/paths.js';

/** amplify_outputs.json (schema 1.x) as the stack writes it for an app. */
export interface AmplifyOutputs {
  version: string;
  auth: Record<string, unknown>;
  storage: Record<string, unknown>;
}

/**
 * The amplify_outputs.json an app would get from `npx ampx generate outputs` for this config:
 * same shape, pointing at AWS host names that the transport sends to the local stack.
 */
export function amplifyOutputsFor(app: AppConfig): AmplifyOutputs {
  const defaultBucket = app.buckets.find((b) => b.default) ?? app.buckets[0];
  const pool = app.userPool;
  return {
    version: '1.4',
    auth: {
      aws_region: app.region,
      user_pool_id: pool.id,
      user_pool_client_id: pool.clientIds[0],
      identity_pool_id: app.identityPool.id,
      unauthenticated_identities_enabled: app.identityPool.allowGuestAccess,
      username_attributes: pool.usernameAttributes ?? [],
      standard_required_attributes: [],
      user_verification_types: ['email'],
      mfa_configuration: 'NONE',
      password_policy: {
        min_length: pool.passwordPolicy?.minimumLength ?? 8,
        require_lowercase: pool.passwordPolicy?.requireLowercase ?? true,
        require_uppercase: pool.passwordPolicy?.requireUppercase ?? true,
        require_numbers: pool.passwordPolicy?.requireNumbers ?? true,
        require_symbols: pool.passwordPolicy?.requireSymbols ?? true,
      },
      groups: pool.groups.map((g) => ({ [g.name]: { precedence: g.precedence ?? 0 } })),
    },
    storage: {
      aws_region: defaultBucket?.region ?? app.region,
      bucket_name: defaultBucket?.bucketName ?? '',
      buckets: app.buckets.map((b) => ({
        name: b.name,
        bucket_name: b.bucketName,
        aws_region: b.region,
        // As Amplify writes them: get and list for read, `{}` kept for paths only functions reach.
        ...(b.paths ? { paths: parseStoragePaths(b.paths).outputs } : {}),
      })),
    },
  };
}
