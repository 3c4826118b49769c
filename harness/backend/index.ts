/** Read what an app's backend really deploys: synthesize its amplify/ folder offline, read the cloud assembly. */
export { BackendError, type BackendErrorCode } from './errors.js';
export { locateBackend, resolveAppPackages, REQUIRED_PACKAGES, type BackendLocation, type ResolvedPackage } from './locate.js';
export {
  synthesizeBackend, synthesizeBackends, defaultBackendCacheDir,
  type BackendContext, type SynthesizeOptions, type SynthesizedBackend, type SynthesizeManyResult,
} from './synthesize.js';
export { backendCacheKey, findLockfile } from './cache-key.js';
export { readAssembly, type AssemblyStack, type LoadedAssembly, type ReadAssemblyOptions } from './assembly.js';
export { resolveValue, resolveString, IntrinsicError, type StackScope, type Template, type TemplateResource } from './intrinsics.js';
export {
  readBackendApp, type BackendApp, type BackendRole, type BackendGroup, type BackendBucket, type CorsRule, type SourcedPolicy,
} from './read-app.js';
export { backendOutputs, type BackendOutputs } from './outputs.js';
