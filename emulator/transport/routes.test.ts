import { describe, expect, it } from 'vitest';
import { routeFor } from './routes.js';

describe('routeFor', () => {
  it.each([
    ['cognito-idp.us-east-1.amazonaws.com', 'emulator'],
    ['cognito-identity.eu-west-1.amazonaws.com', 'emulator'],
    ['sts.amazonaws.com', 'emulator'],
    ['sts.ap-southeast-2.amazonaws.com', 'emulator'],
    ['my-bucket.s3.us-east-1.amazonaws.com', 's3'],
    ['my.dotted.bucket.s3.eu-central-1.amazonaws.com', 's3'],
    ['s3.us-east-1.amazonaws.com', 's3'],
    ['bucket.s3.dualstack.us-west-2.amazonaws.com', 's3'],
    ['bucket.s3-us-gov-west-1.amazonaws.com', 's3'],
    ['bucket.s3.amazonaws.com', 's3'],
    ['dynamodb.us-east-1.amazonaws.com', 'unsupported-aws'],
    ['example.com', undefined],
    ['registry.npmjs.org', undefined],
  ])('%s → %s', (host, target) => {
    expect(routeFor(host)).toBe(target);
  });
});
