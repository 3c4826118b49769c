/**
 * AWS-shaped errors. Every emulated service throws subclasses of {@link AwsServiceError};
 * the protocol layer (json-protocol.ts, sts query protocol) is the only place that turns
 * them into bytes on the wire, so handlers never build error bodies themselves.
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
export class UnknownOperationError extends AwsServiceError {
  constructor(target: string) {
    super('UnknownOperationException', `Unknown operation ${target}`, 400);
  }
}

export class SerializationError extends AwsServiceError {
  constructor(detail: string) {
    super('SerializationException', `Could not parse request body into json: ${detail}`, 400);
  }
}

export class InternalFailure extends AwsServiceError {
  constructor(message = 'An internal error occurred in the emulator') {
    super('InternalErrorException', message, 500, false);
  }
}
