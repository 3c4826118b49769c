import { AwsServiceError } from '../aws/errors.js';

/**
 * The Cognito user-pool exceptions the emulator throws, one class each, named exactly as
 * AWS names them (`__type`). Cognito answers every client fault with HTTP 400; default
 * messages are the ones Cognito itself uses for the most common cause.
 */

export class NotAuthorizedException extends AwsServiceError {
  constructor(message = 'Incorrect username or password.') {
    super('NotAuthorizedException', message, 400);
  }
}

export class UserNotFoundException extends AwsServiceError {
  constructor(message = 'User does not exist.') {
    super('UserNotFoundException', message, 400);
  }
}

export class UsernameExistsException extends AwsServiceError {
  constructor(message = 'User already exists') {
    super('UsernameExistsException', message, 400);
  }
}

export class InvalidPasswordException extends AwsServiceError {
  constructor(message: string) {
    super('InvalidPasswordException', message, 400);
  }
}

export class InvalidParameterException extends AwsServiceError {
  constructor(message: string) {
    super('InvalidParameterException', message, 400);
  }
}

export class CodeMismatchException extends AwsServiceError {
  constructor(message = 'Invalid verification code provided, please try again.') {
    super('CodeMismatchException', message, 400);
  }
}

export class ExpiredCodeException extends AwsServiceError {
  constructor(message = 'Invalid code provided, please request a code again.') {
    super('ExpiredCodeException', message, 400);
  }
}

export class ResourceNotFoundException extends AwsServiceError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 400);
  }
}

export class UserNotConfirmedException extends AwsServiceError {
  constructor(message = 'User is not confirmed.') {
    super('UserNotConfirmedException', message, 400);
  }
}

export class GroupExistsException extends AwsServiceError {
  constructor(groupName: string) {
    super('GroupExistsException', `A group with the name ${groupName} already exists.`, 400);
  }
}

export class PasswordResetRequiredException extends AwsServiceError {
  constructor(message = 'Password reset required for the user') {
    super('PasswordResetRequiredException', message, 400);
  }
}

/** AWS's generic "a required member is missing" validation error, worded as AWS words it. */
export function missingMember(member: string): InvalidParameterException {
  return new InvalidParameterException(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

/** An IAM principal without the permission (a vended identity-pool session calling an admin operation). */
export class AccessDeniedException extends AwsServiceError {
  constructor(message: string) {
    super('AccessDeniedException', message, 400);
  }
}

export class UnsupportedUserStateException extends AwsServiceError {
  constructor(message: string) {
    super('UnsupportedUserStateException', message, 400);
  }
}
