import { describe, expect, it } from 'vitest';
import { listUsers, parseUserFilter } from './list-users.js';
import { TEST_PASSWORD, TEST_POOL_ID, createTestDeps, testContext, testPoolConfig } from '../../test/helpers/cognito-idp.js';

const users = ['carl', 'cara', 'dan', 'eve', 'bert'].map((username) => ({ username, password: TEST_PASSWORD, email: `${username}@example.com` }));

describe('ListUsers', () => {
  it('lists users ordered by username', async () => {
    const deps = await createTestDeps([testPoolConfig({ users })]);
    const out = await listUsers(deps)({ UserPoolId: TEST_POOL_ID }, testContext);
    expect(out.Users?.map((u) => u.Username)).toEqual(['bert', 'cara', 'carl', 'dan', 'eve']);
    expect(out.Users?.[0]).toMatchObject({ UserStatus: 'CONFIRMED', Enabled: true, UserCreateDate: expect.any(Date) });
    expect(out.PaginationToken).toBeUndefined();
  });

  it('filters with = and ^=', async () => {
    const deps = await createTestDeps([testPoolConfig({ users })]);
    const names = async (Filter: string) => (await listUsers(deps)({ UserPoolId: TEST_POOL_ID, Filter }, testContext)).Users?.map((u) => u.Username);
    expect(await names('email = "dan@example.com"')).toEqual(['dan']);
    expect(await names('username ^= "car"')).toEqual(['cara', 'carl']);
    expect(await names('"username" ^= "CAR"')).toEqual(['cara', 'carl']);
    expect(await names('cognito:user_status = "CONFIRMED"')).toHaveLength(5);
    expect(await names('status = "Enabled"')).toHaveLength(5);
    expect(await names('email = "nobody@example.com"')).toEqual([]);
    const sub = deps.store.getUser(TEST_POOL_ID, 'eve').sub;
    expect(await names(`sub = "${sub}"`)).toEqual(['eve']);
  });

  it('rejects malformed filters and unsearchable attributes', () => {
    expect(() => parseUserFilter('email == "x"')).toThrow(expect.objectContaining({ type: 'InvalidParameterException', message: 'Error while parsing filter.' }));
    expect(() => parseUserFilter('custom:team = "x"')).toThrow(expect.objectContaining({ type: 'InvalidParameterException' }));
    expect(parseUserFilter('name = "say \\"hi\\""')).toEqual({ attribute: 'name', operator: '=', value: 'say "hi"' });
    expect(parseUserFilter('  ')).toBeUndefined();
  });

  it('paginates with Limit and PaginationToken', async () => {
    const deps = await createTestDeps([testPoolConfig({ users })]);
    const op = listUsers(deps);
    const first = await op({ UserPoolId: TEST_POOL_ID, Limit: 2 }, testContext);
    expect(first.Users?.map((u) => u.Username)).toEqual(['bert', 'cara']);
    const second = await op({ UserPoolId: TEST_POOL_ID, Limit: 2, PaginationToken: first.PaginationToken }, testContext);
    expect(second.Users?.map((u) => u.Username)).toEqual(['carl', 'dan']);
    const third = await op({ UserPoolId: TEST_POOL_ID, Limit: 2, PaginationToken: second.PaginationToken }, testContext);
    expect(third.Users?.map((u) => u.Username)).toEqual(['eve']);
    expect(third.PaginationToken).toBeUndefined();
    await expect(op({ UserPoolId: TEST_POOL_ID, Limit: 61 }, testContext)).rejects.toMatchObject({ type: 'InvalidParameterException' });
    await expect(op({ UserPoolId: TEST_POOL_ID, PaginationToken: '!!' }, testContext)).rejects.toMatchObject({ type: 'InvalidParameterException' });
  });

  it('returns only AttributesToGet', async () => {
    const deps = await createTestDeps([testPoolConfig({ users })]);
    const out = await listUsers(deps)({ UserPoolId: TEST_POOL_ID, AttributesToGet: ['email'], Limit: 1 }, testContext);
    expect(out.Users?.[0]?.Attributes).toEqual([{ Name: 'email', Value: 'bert@example.com' }]);
  });
});
