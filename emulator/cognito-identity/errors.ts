import { AwsServiceError } from '../aws/errors.js';

export class NotAuthorizedError extends AwsServiceError {
  constructor(message: string) {
    super('NotAuthorizedException', message, 400);
  }
}

export class ResourceNotFoundError extends AwsServiceError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 400);
  }
}

export class InvalidParameterError extends AwsServiceError {
  constructor(message: string) {
    super('InvalidParameterException', message, 400);
  }
}

export class InvalidIdentityPoolConfigurationError extends AwsServiceError {
  constructor(message: string) {
    super('InvalidIdentityPoolConfigurationException', message, 400);
  }
}

/** Assuming the role failed on the S3 side (MinIO refused the web identity). */
export class ExternalServiceError extends AwsServiceError {
  constructor(message: string) {
    super('ExternalServiceException', message, 400);
  }
}
