import { describe, expect, it } from 'vitest';
import { amplifyConfigWithEndpoints } from './amplify-config.js';

const outputs = {
  version: '1.4',
  auth: {
    aws_region: 'us-east-1', user_pool_id: 'us-east-1_abc123DEF', user_pool_client_id: 'client1',
    identity_pool_id: 'us-east-1:00000000-0000-4000-8000-000000000000', unauthenticated_identities_enabled: true,
  },
  storage: { aws_region: 'us-east-1', bucket_name: 'my-bucket' },
};

describe('amplifyConfigWithEndpoints', () => {
  it('points Cognito user pools and identity pools at the emulator, leaving the rest as parsed', () => {
    const config = amplifyConfigWithEndpoints(outputs, 'http://127.0.0.1:4566');
    expect(config.Auth?.Cognito).toMatchObject({
      userPoolId: 'us-east-1_abc123DEF',
      userPoolClientId: 'client1',
      identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
      allowGuestAccess: true,
      userPoolEndpoint: 'http://127.0.0.1:4566',
      identityPoolEndpoint: 'http://127.0.0.1:4566',
    });
    expect(config.Storage?.S3).toMatchObject({ bucket: 'my-bucket', region: 'us-east-1' });
  });

  it('says what is wrong when the outputs have no auth section', () => {
    expect(() => amplifyConfigWithEndpoints({ version: '1.4', storage: outputs.storage }, 'http://127.0.0.1:1'))
      .toThrow(/no `auth` section/);
  });
});
