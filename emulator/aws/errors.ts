/**
 * AWS-shaped errors. Every emulated service throws subclasses of {@link AwsServiceError};
 * the protocol layer (json-protocol.ts, sts query protocol) is the only place that turns
 * them into bytes on the wire, so handlers never build error bodies themselves.
 *
 * The naming rule, in every service's `errors.ts`: a class is named exactly as the AWS error code
 * it produces (`__type` / `x-amzn-errortype` / `<Code>`), `Exception` suffix or not as AWS has it
 * (Cognito `NotAuthorizedException`, STS `AccessDenied`). errors.test.ts checks the rule.
 */
export class AwsServiceError extends Error {
  constructor(
    /** The exception name AWS puts in `__type` / `x-amzn-errortype` / `<Code>`. */
    readonly type: string,
    message: string,
    /** HTTP status AWS answers with for this error. */
    readonly statusCode = 400,
    /** true when the caller is at fault (AWS's "Sender" fault). */
    readonly senderFault = true,
  ) {
    super(message);
    this.name = type;
  }
}

/** The JSON 1.1 protocol's own errors, shared by every JSON service. */
export class UnknownOperationException extends AwsServiceError {
  constructor(target: string) {
    super('UnknownOperationException', `Unknown operation ${target}`, 400);
  }
}

export class SerializationException extends AwsServiceError {
  constructor(detail: string) {
    super('SerializationException', `Could not parse request body into json: ${detail}`, 400);
  }
}

export class InternalErrorException extends AwsServiceError {
  constructor(message = 'An internal error occurred in the emulator') {
    super('InternalErrorException', message, 500, false);
  }
}
