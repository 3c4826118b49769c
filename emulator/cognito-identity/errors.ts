import { AwsServiceError } from '../aws/errors.js';
import { CredentialVendingError, type CredentialVendor, type VendRequest, type VendedCredentials } from '../credentials/vendor.js';

/**
 * The Cognito identity-pool exceptions the emulator throws, one class each, named exactly as
 * AWS names them (`__type`); every one is a 400 client fault.
 */

export class NotAuthorizedException extends AwsServiceError {
  constructor(message: string) {
    super('NotAuthorizedException', message, 400);
  }
}

export class ResourceNotFoundException extends AwsServiceError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 400);
  }
}

export class InvalidParameterException extends AwsServiceError {
  constructor(message: string) {
    super('InvalidParameterException', message, 400);
  }
}

export class InvalidIdentityPoolConfigurationException extends AwsServiceError {
  constructor(message: string) {
    super('InvalidIdentityPoolConfigurationException', message, 400);
  }
}

/** Assuming the role failed on the S3 side (MinIO refused the web identity). */
export class ExternalServiceException extends AwsServiceError {
  constructor(message: string) {
    super('ExternalServiceException', message, 400);
  }
}

/**
 * Vends through `vendor`, reporting its failure ({@link CredentialVendingError}) as Cognito reports
 * a role it could not assume: ExternalServiceException, with the vendor's message.
 */
export async function vendOrExternalServiceException(vendor: CredentialVendor, request: VendRequest): Promise<VendedCredentials> {
  try {
    return await vendor.vend(request);
  } catch (e) {
    if (e instanceof CredentialVendingError) throw new ExternalServiceException(e.message);
    throw e;
  }
}
