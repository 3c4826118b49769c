import { createRequire } from 'node:module';
import type { ResourcesConfig } from 'aws-amplify';

// aws-amplify costs a quarter of a second of module loading, so the package index (which exports
// this) loads it on the first call: synchronously, through aws-amplify's CommonJS build (its
// `require` export). parseAmplifyConfig is a pure function of the outputs, so which build of it
// runs does not matter; the Amplify instance the app configures is untouched.
const require = createRequire(import.meta.url);
type AmplifyUtils = typeof import('aws-amplify/utils');

/**
 * For those who prefer explicit endpoints to the transport: the Amplify config for an
 * amplify_outputs.json with `userPoolEndpoint` and `identityPoolEndpoint` pointing at the
 * emulator. S3 still needs the transport (the client has no working S3 endpoint override in
 * aws-amplify ≥ 6.9), so this is for auth-only use or browsers with a proxy.
 */
export function amplifyConfigWithEndpoints(outputs: Record<string, unknown>, emulatorUrl: string): ResourcesConfig {
  const { parseAmplifyConfig } = require('aws-amplify/utils') as AmplifyUtils;
  const config = parseAmplifyConfig(outputs as Parameters<typeof parseAmplifyConfig>[0]);
  const cognito = config.Auth?.Cognito;
  if (!cognito) throw new Error('amplify_outputs.json has no `auth` section: nothing to point at the emulator.');
  return {
    ...config,
    Auth: { ...config.Auth, Cognito: { ...cognito, userPoolEndpoint: emulatorUrl, identityPoolEndpoint: emulatorUrl } },
  } as ResourcesConfig;
}
