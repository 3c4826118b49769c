import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
// The SDK's fetch-based handler (what it uses in browsers; a dependency of every @aws-sdk client):
// requests go through Node's fetch and so through the global undici dispatcher, the stack's
// transport, exactly as the aws-amplify client's requests do.
import { FetchHttpHandler } from '@smithy/fetch-http-handler';

export const REGION = 'us-east-1';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** For unsigned calls (InitiateAuth, GetId, ...): keeps the SDK from searching for credentials. */
export const UNUSED_CREDS: Creds = { accessKeyId: 'bench-unused', secretAccessKey: 'bench-unused' };

/**
 * Where an @aws-sdk client sends its requests:
 * - `transport`: to the AWS host names (virtual-host S3), through the global dispatcher (the
 *   stack's transport, which connects them to the local servers);
 * - `{ endpoint }`: straight to a local URL with the SDK's default Node handler (path-style S3).
 */
export type Route = 'transport' | { endpoint: string };

function routeConfig(route: Route) {
  return route === 'transport'
    ? { requestHandler: new FetchHttpHandler() }
    : { endpoint: route.endpoint };
}

export function s3Client(route: Route, credentials: Creds): S3Client {
  return new S3Client({
    region: REGION,
    credentials,
    maxAttempts: 1,
    ...routeConfig(route),
    ...(route === 'transport' ? {} : { forcePathStyle: true }),
  });
}

export function identityClient(route: Route): CognitoIdentityClient {
  return new CognitoIdentityClient({ region: REGION, credentials: UNUSED_CREDS, maxAttempts: 1, ...routeConfig(route) });
}

export function userPoolClient(route: Route, credentials: Creds = UNUSED_CREDS): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ region: REGION, credentials, maxAttempts: 1, ...routeConfig(route) });
}

/** The SRP TIMESTAMP format Cognito expects: `ddd MMM D HH:mm:ss UTC YYYY`. */
export function srpTimestamp(date = new Date()): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** The SDK warns once per process that Node 20 support ends in 2027; not news for a benchmark. */
export function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
