/** Read what an app's backend really deploys: synthesize its amplify/ folder offline, read the cloud assembly. */
export { BackendError, type BackendErrorCode } from './errors.js';
export { locateBackend, resolveAppPackages, REQUIRED_PACKAGES, type BackendLocation, type ResolvedPackage } from './locate.js';
export {
  synthesizeBackend, synthesizeBackends, defaultBackendCacheDir,
  type BackendContext, type SynthesizeOptions, type SynthesizedBackend, type SynthesizeManyResult,
} from './synthesize.js';
export { backendCacheKey, findLockfile } from './cache-key.js';
