import { describe, expect, it } from 'vitest';
import { adminAddUserToGroup } from './admin-add-user-to-group.js';
import { createGroup } from './create-group.js';
import { TEST_POOL_ID, createTestDeps, decodeJwt, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

const ROLE = 'arn:aws:iam::123456789012:role/vip';

describe('CreateGroup', () => {
  it('creates a group whose role and precedence decide the preferred role', async () => {
    const deps = await createTestDeps();
    const out = await createGroup(deps)({ UserPoolId: TEST_POOL_ID, GroupName: 'vip', RoleArn: ROLE, Precedence: 1, Description: 'VIPs' }, testContext);
    expect(out.Group).toEqual({
      GroupName: 'vip', UserPoolId: TEST_POOL_ID, Description: 'VIPs', RoleArn: ROLE, Precedence: 1,
      LastModifiedDate: deps.clock.now(), CreationDate: deps.clock.now(),
    });
    // alice: admin (0), editors (1) → admin; bob: vip (1) only → vip
    await adminAddUserToGroup(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob', GroupName: 'vip' }, testContext);
    expect(decodeJwt((await signInWithPassword(deps, 'bob')).IdToken)['cognito:preferred_role']).toBe(ROLE);

    // a precedence tie between different roles leaves preferred_role out
    await adminAddUserToGroup(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob', GroupName: 'editors' }, testContext);
    const claims = decodeJwt((await signInWithPassword(deps, 'bob')).IdToken);
    expect(claims).not.toHaveProperty('cognito:preferred_role');
    expect(claims['cognito:roles']).toEqual(expect.arrayContaining([ROLE, 'arn:aws:iam::123456789012:role/editors']));
  });

  it('rejects duplicate names and negative precedence', async () => {
    const deps = await createTestDeps();
    await expect(createGroup(deps)({ UserPoolId: TEST_POOL_ID, GroupName: 'admin' }, testContext))
      .rejects.toMatchObject({ type: 'GroupExistsException', message: 'A group with the name admin already exists.' });
    await expect(createGroup(deps)({ UserPoolId: TEST_POOL_ID, GroupName: 'x', Precedence: -1 }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException' });
  });
});
