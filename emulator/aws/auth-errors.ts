import { AwsServiceError } from './errors.js';
import type { SignatureFailure } from './sigv4-verify.js';

/**
 * How AWS answers a request it cannot authenticate. The JSON protocols (Cognito user pools) and
 * the query protocol (STS) name the same failures differently, with different statuses.
 */

/** Cognito user pools (JSON 1.1): every authentication failure is a 400 client error. */
export function jsonAuthError(failure: SignatureFailure): AwsServiceError {
  switch (failure.kind) {
    case 'missing': return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    case 'incomplete': return new AwsServiceError('IncompleteSignatureException', failure.message, 400);
    case 'unknown-key': return new AwsServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    case 'expired-token': return new AwsServiceError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    case 'mismatch':
    case 'skew':
    case 'scope': return new AwsServiceError('InvalidSignatureException', failure.message, 400);
  }
}

/** STS (query protocol): 403 for every failure except a malformed header. */
export function queryAuthError(failure: SignatureFailure): AwsServiceError {
  switch (failure.kind) {
    case 'missing': return new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'incomplete': return new AwsServiceError('IncompleteSignature', failure.message, 400);
    case 'unknown-key': return new AwsServiceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'expired-token': return new AwsServiceError('ExpiredToken', 'The security token included in the request is expired', 403);
    case 'mismatch':
    case 'skew':
    case 'scope': return new AwsServiceError('SignatureDoesNotMatch', failure.message, 403);
  }
}
