import { describe, expect, it } from 'vitest';
import type { AppConfig } from './config.js';
import { amplifyOutputsFor } from './outputs.js';

const app = (buckets: AppConfig['buckets']): AppConfig => ({
  id: 'a', region: 'us-east-1', accountId: '123456789012',
  userPool: { id: 'us-east-1_Out', clientIds: ['c'], groups: [], users: [] },
  identityPool: { id: 'us-east-1:00000000-0000-4000-8000-000000000000', allowGuestAccess: false },
  roles: { guest: { arn: 'arn:aws:iam::123456789012:role/g', policies: [] }, authenticated: { arn: 'arn:aws:iam::123456789012:role/a', policies: [] }, groups: {} },
  buckets,
});

describe('amplifyOutputsFor', () => {
  it("names the default bucket and its region in storage (not simply the first bucket)", () => {
    const outputs = amplifyOutputsFor(app([
      { name: 'first', bucketName: 'b-first', region: 'us-east-1' },
      { name: 'chosen', bucketName: 'b-chosen', region: 'eu-central-1', default: true },
    ]));
    expect(outputs.storage).toMatchObject({ bucket_name: 'b-chosen', aws_region: 'eu-central-1' });
  });

  it('falls back to the first bucket when none is marked default', () => {
    const outputs = amplifyOutputsFor(app([{ name: 'only', bucketName: 'b-only', region: 'ap-south-1' }]));
    expect(outputs.storage).toMatchObject({ bucket_name: 'b-only', aws_region: 'ap-south-1' });
  });
});

describe('amplifyOutputsFor: storage paths as Amplify writes them', () => {
  it('get and list, never read; a path only functions reach kept as {}; the owner token substituted', () => {
    const outputs = amplifyOutputsFor(app([{ name: 'media', bucketName: 'media-bucket-1', region: 'us-east-1', paths: {
      'media/*': { guest: ['read'], authenticated: ['read', 'write'] },
      'media/thumbs/*': {},
      'own/{entity_id}/*': { authenticated: ['read'], entityidentity: ['read', 'delete'] },
    } }]));
    const [bucket] = outputs.storage['buckets'] as Array<{ paths: unknown }>;
    expect(bucket?.paths).toStrictEqual({
      'media/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write'] },
      'media/thumbs/*': {},
      'own/*': { authenticated: ['get', 'list'] },
      'own/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'delete'] },
    });
  });
});
