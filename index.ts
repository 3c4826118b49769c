/**
 * amplify-storage-emulator: a local emulator and contract-test harness for Amplify Storage with
 * your own S3 bucket. See README.md ("What the package exports").
 *
 * What users import, and no more: the stack and its config, the Node transport, the admin client,
 * what an external MinIO needs, and the types of what the stack and `ase test` return. Scenario
 * tests run through `amplify-storage-emulator/vitest` or `ase test`; the runner, the emulator's
 * routes and the reporters are internals (the CLI and tests import them from their modules).
 *
 * Importing this module must stay cheap (tens of milliseconds; test/integration/cli-lazy-loading
 * checks it): nothing here may statically import the harness, the emulator's app (Fastify and the
 * routes), the AWS SDK or aws-amplify. `Stack.start()` imports its heavy modules itself;
 * `userPoolAdminClient` and `amplifyConfigWithEndpoints` load their package on the first call.
 */
export { Stack, type StackOptions, type StackEndpoints, type StackFailure, type LoadedApp, type LoadedRole } from './emulator/stack.js';
export type { AdminCredentials } from './emulator/credentials/admin.js';
export type * from './emulator/config.js';
export { loadStackConfigFile, StackConfigError } from './emulator/config-file.js';
export { amplifyOutputsFor, type AmplifyOutputs } from './emulator/outputs.js';
export { installNodeTransport, createStackDispatcher, type TransportTargets, type InstalledTransport } from './emulator/transport/node.js';
export type { FrontDoor, CorsRefusal } from './emulator/front-door/server.js';
export type { FrontDoorCertificate } from './emulator/front-door/certificate.js';
export { AMPLIFY_DOCS_CORS, type BucketCors } from './emulator/s3-cors/rules.js';
export { ExternalMinioError, type ExternalMinioOptions } from './emulator/minio/external.js';
export { minioSettingsForEmulator } from './emulator/minio/settings.js';
export type * from './harness/scenario/types.js';
export type * from './harness/results.js';
export { userPoolAdminClient, type AdminEndpoint } from './emulator/admin-client.js';
export { amplifyConfigWithEndpoints } from './emulator/transport/amplify-config.js';
