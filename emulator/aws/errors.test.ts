import { describe, expect, it } from 'vitest';
import * as awsErrors from './errors.js';
import * as cognitoIdentityErrors from '../cognito-identity/errors.js';
import * as cognitoIdpErrors from '../cognito-idp/errors.js';
import * as stsErrors from '../sts/errors.js';

const { AwsServiceError } = awsErrors;
const modules = { aws: awsErrors, 'cognito-idp': cognitoIdpErrors, 'cognito-identity': cognitoIdentityErrors, sts: stsErrors };

describe('error classes', () => {
  const classes = Object.entries(modules).flatMap(([module, exports]) =>
    Object.values(exports)
      .filter((value): value is new (message: string) => InstanceType<typeof AwsServiceError> =>
        typeof value === 'function' && value !== AwsServiceError && value.prototype instanceof AwsServiceError)
      .map((errorClass) => [`${module}: ${errorClass.name}`, errorClass] as const));

  it('every service has some', () => {
    expect(new Set(classes.map(([name]) => name.split(':')[0]))).toEqual(new Set(Object.keys(modules)));
  });

  it.each(classes)('%s is named exactly as the AWS error code it produces', (_, errorClass) => {
    const error = new errorClass('a message');
    expect(error.type).toBe(errorClass.name);
    expect(error.name).toBe(errorClass.name);
  });
});
