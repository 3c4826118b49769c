import { AwsServiceError } from '../aws/errors.js';

export class InvalidIdentityTokenError extends AwsServiceError {
  constructor(message: string) {
    super('InvalidIdentityToken', message, 400);
  }
}

export class ExpiredTokenError extends AwsServiceError {
  constructor(message = 'Token is expired') {
    super('ExpiredTokenException', message, 400);
  }
}

export class AccessDeniedError extends AwsServiceError {
  constructor(message: string) {
    super('AccessDenied', message, 403);
  }
}

export class InvalidClientTokenIdError extends AwsServiceError {
  constructor() {
    super('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
}

export class InvalidActionError extends AwsServiceError {
  constructor(action: string) {
    super('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
  }
}

export class ValidationError extends AwsServiceError {
  constructor(message: string) {
    super('ValidationError', message, 400);
  }
}
