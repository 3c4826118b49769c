import { describe, expect, it } from 'vitest';
import { accessTokenClaims, idTokenClaims, issuerFor, parseIssuer, preferredRoleArn, verifyAccessToken, type TokenSubject } from './tokens.js';
import { TEST_POOL_ID, createTestDeps, decodeJwt, signInWithPassword } from '../../test/helpers/cognito-idp.js';

const ADMIN = 'arn:aws:iam::123456789012:role/admin';
const EDITORS = 'arn:aws:iam::123456789012:role/editors';

describe('issuer', () => {
  it('is the Cognito issuer URL and parses back', () => {
    expect(issuerFor('eu-west-1', 'eu-west-1_Abc')).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc');
    expect(parseIssuer('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc')).toEqual({ region: 'eu-west-1', poolId: 'eu-west-1_Abc' });
    expect(parseIssuer('https://example.com/eu-west-1_Abc')).toBeUndefined();
  });
});

describe('preferredRoleArn', () => {
  it('picks the role of the lowest precedence', () => {
    expect(preferredRoleArn([{ name: 'e', precedence: 5, roleArn: EDITORS }, { name: 'a', precedence: 1, roleArn: ADMIN }])).toBe(ADMIN);
  });
  it('ranks groups without precedence after groups with one', () => {
    expect(preferredRoleArn([{ name: 'a', roleArn: ADMIN }, { name: 'e', precedence: 99, roleArn: EDITORS }])).toBe(EDITORS);
  });
  it('ignores groups without a role', () => {
    expect(preferredRoleArn([{ name: 'x', precedence: 0 }, { name: 'e', precedence: 3, roleArn: EDITORS }])).toBe(EDITORS);
  });
  it('omits the role when the lowest precedence is tied between different roles', () => {
    expect(preferredRoleArn([{ name: 'a', precedence: 1, roleArn: ADMIN }, { name: 'e', precedence: 1, roleArn: EDITORS }])).toBeUndefined();
    expect(preferredRoleArn([{ name: 'a', roleArn: ADMIN }, { name: 'e', roleArn: EDITORS }])).toBeUndefined();
  });
  it('keeps a role shared by the tied groups', () => {
    expect(preferredRoleArn([{ name: 'a', precedence: 1, roleArn: ADMIN }, { name: 'b', precedence: 1, roleArn: ADMIN }])).toBe(ADMIN);
  });
  it('has none without groups or roles', () => {
    expect(preferredRoleArn([])).toBeUndefined();
    expect(preferredRoleArn([{ name: 'x', precedence: 0 }])).toBeUndefined();
  });
});

describe('claims', () => {
  const subject: TokenSubject = {
    region: 'us-east-1', poolId: TEST_POOL_ID, clientId: 'client', username: 'alice', sub: 'sub-1',
    attributes: new Map([['sub', 'sub-1'], ['email', 'a@example.com'], ['email_verified', 'true'], ['custom:team', 'blue']]),
    groups: [{ name: 'admin', precedence: 0, roleArn: ADMIN }, { name: 'editors', precedence: 1, roleArn: EDITORS }, { name: 'readers' }],
    originJti: 'origin', eventId: 'event', authTime: new Date('2026-01-01T00:00:00Z'), issuedAt: new Date('2026-01-01T00:10:00Z'),
  };

  it('shapes the ID token like Cognito', () => {
    const claims = idTokenClaims(subject);
    expect(claims).toEqual({
      sub: 'sub-1', email: 'a@example.com', email_verified: true, 'custom:team': 'blue',
      'cognito:groups': ['admin', 'editors', 'readers'],
      'cognito:preferred_role': ADMIN,
      'cognito:roles': [ADMIN, EDITORS],
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`,
      'cognito:username': 'alice', origin_jti: 'origin', aud: 'client', event_id: 'event', token_use: 'id',
      auth_time: 1767225600, iat: 1767226200, exp: 1767229800, jti: expect.any(String),
    });
  });

  it('shapes the access token like Cognito', () => {
    expect(accessTokenClaims(subject)).toEqual({
      sub: 'sub-1', 'cognito:groups': ['admin', 'editors', 'readers'],
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`,
      client_id: 'client', origin_jti: 'origin', event_id: 'event', token_use: 'access',
      scope: 'aws.cognito.signin.user.admin', auth_time: 1767225600, iat: 1767226200, exp: 1767229800,
      jti: expect.any(String), username: 'alice',
    });
  });

  it('leaves group claims out for users without groups', () => {
    const none = { ...subject, groups: [] };
    for (const claims of [idTokenClaims(none), accessTokenClaims(none)]) {
      expect(claims).not.toHaveProperty('cognito:groups');
      expect(claims).not.toHaveProperty('cognito:roles');
      expect(claims).not.toHaveProperty('cognito:preferred_role');
    }
  });
});

describe('verifyAccessToken', () => {
  it('accepts a fresh access token and names its user', async () => {
    const deps = await createTestDeps();
    const { AccessToken } = await signInWithPassword(deps, 'alice');
    const caller = await verifyAccessToken(deps, AccessToken);
    expect(caller.user.username).toBe('alice');
    expect(caller.pool.id).toBe(TEST_POOL_ID);
    expect(caller.originJti).toBe(decodeJwt(AccessToken).origin_jti);
  });

  it('rejects expired, revoked, ID and foreign tokens with Cognito messages', async () => {
    const deps = await createTestDeps();
    const { AccessToken, IdToken } = await signInWithPassword(deps, 'alice');
    await expect(verifyAccessToken(deps, IdToken)).rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Invalid Access Token' });
    await expect(verifyAccessToken(deps, 'not.a.jwt')).rejects.toMatchObject({ message: 'Invalid Access Token' });
    const [h, p] = AccessToken.split('.');
    await expect(verifyAccessToken(deps, `${h}.${p}.AAAA`)).rejects.toMatchObject({ message: 'Invalid Access Token' });

    deps.store.revokeUserTokens(TEST_POOL_ID, deps.store.getUser(TEST_POOL_ID, 'alice').sub);
    await expect(verifyAccessToken(deps, AccessToken)).rejects.toMatchObject({ message: 'Access Token has been revoked' });

    const second = await signInWithPassword(deps, 'bob');
    deps.clock.advance(3601_000);
    await expect(verifyAccessToken(deps, second.AccessToken)).rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Access Token has expired' });
  });

  it('rejects tokens of deleted users', async () => {
    const deps = await createTestDeps();
    const { AccessToken } = await signInWithPassword(deps, 'bob');
    const pool = deps.store.requirePool(TEST_POOL_ID);
    pool.deleteUser(pool.requireUser('bob'));
    await expect(verifyAccessToken(deps, AccessToken)).rejects.toMatchObject({ type: 'UserNotFoundException' });
  });
});
