import { AwsServiceError } from '../aws/errors.js';

/**
 * The STS errors the emulator throws, one class each, named exactly as the `<Code>` STS answers
 * (STS's codes mostly carry no `Exception` suffix: `AccessDenied`, `InvalidIdentityToken`).
 */

export class InvalidIdentityToken extends AwsServiceError {
  constructor(message: string) {
    super('InvalidIdentityToken', message, 400);
  }
}

export class ExpiredTokenException extends AwsServiceError {
  constructor(message = 'Token is expired') {
    super('ExpiredTokenException', message, 400);
  }
}

export class AccessDenied extends AwsServiceError {
  constructor(message: string) {
    super('AccessDenied', message, 403);
  }
}

export class InvalidClientTokenId extends AwsServiceError {
  constructor() {
    super('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
}

export class InvalidAction extends AwsServiceError {
  constructor(action: string) {
    super('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
  }
}

export class ValidationError extends AwsServiceError {
  constructor(message: string) {
    super('ValidationError', message, 400);
  }
}
