/**
 * amplify-storage-emulator: a local emulator and contract-test harness for Amplify Storage with
 * your own S3 bucket. See README.md.
 */
export { Stack, type StackOptions, type StackEndpoints, type LoadedApp, type LoadedRole } from './emulator/stack.js';
export { userPoolAdminClient, type AdminEndpoint } from './emulator/admin-client.js';
export type { AdminCredentials } from './emulator/credentials/admin.js';
export type * from './emulator/config.js';
export { loadStackConfigFile, StackConfigError } from './emulator/config-file.js';
export { amplifyOutputsFor, type AmplifyOutputs } from './emulator/outputs.js';
export { installNodeTransport, createStackDispatcher, type TransportTargets, type InstalledTransport } from './emulator/transport/node.js';
export { amplifyConfigWithEndpoints } from './emulator/transport/amplify-config.js';
export { FrontDoor, type FrontDoorOptions, type CorsRefusal } from './emulator/front-door/server.js';
export { makeFrontDoorCertificate, type FrontDoorCertificate } from './emulator/front-door/certificate.js';
export { AMPLIFY_DOCS_CORS, type BucketCors } from './emulator/s3-cors/rules.js';
export { validateCorsConfiguration, type CorsProblem } from './emulator/s3-cors/validate.js';
export { buildEmulator, type EmulatorServices } from './emulator/app.js';
export { runScenarios, planScenario, type RunOptions } from './harness/runner/run.js';
export { ScenarioSession } from './harness/runner/run-scenario.js';
export { loadScenarioFile } from './harness/scenario/load.js';
export type * from './harness/scenario/types.js';
export type * from './harness/results.js';
export type { Reporter } from './harness/reporters/types.js';
export { findResultsFiles, mergeRunSummaries, readRunResults, replayRun, MergeError } from './harness/reporters/merge.js';
export { ExternalMinioError, type ExternalMinioOptions } from './emulator/minio/external.js';
export { minioSettingsForEmulator } from './emulator/minio/trust.js';
