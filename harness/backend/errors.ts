/** Why a backend could not be synthesized or read; `message` says what, where and how to fix it. */
export type BackendErrorCode =
  /** No backend.ts (or .js/.mjs/.mts) where the user pointed. */
  | 'backend-not-found'
  /** @aws-amplify/backend, aws-cdk-lib or constructs is not installed for the app. */
  | 'missing-package'
  /** The backend program threw, or exited without writing a cloud assembly. */
  | 'synth-failed'
  /** The backend program ran longer than the time allowed. */
  | 'synth-timeout'
  /** The cloud assembly or template cannot be read (missing file, bad JSON, unresolvable intrinsic). */
  | 'template-invalid';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(readonly code: BackendErrorCode, message: string) {
    super(message);
  }
}
