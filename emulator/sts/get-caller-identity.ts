import type { GetCallerIdentityCommandInput, GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import type { Operation, Wire } from '../aws/types.js';
import { ADMIN_ACCOUNT_ID, ADMIN_USER_ARN } from '../credentials/admin.js';
import type { Caller } from '../credentials/callers.js';
import { COGNITO_SESSION_NAME, assumedRoleArn } from '../credentials/vendor.js';
import { InvalidClientTokenId } from './errors.js';
import { roleIdFor } from './role-id.js';

/**
 * GetCallerIdentity: who signed the request. The signature has been verified (sts/index.ts)
 * against the stack's administrator key or a vended session's secret and token.
 */
export const getCallerIdentity = (): Operation<GetCallerIdentityCommandInput, Wire<GetCallerIdentityCommandOutput>, Caller> => async (_input, ctx) => {
  const caller = ctx.caller;
  if (!caller) throw new InvalidClientTokenId();
  if (caller.kind === 'admin') {
    // An IAM user: UserId is its unique ID (AIDA…), derived here from the access key.
    return { Account: ADMIN_ACCOUNT_ID, Arn: ADMIN_USER_ARN, UserId: `AIDA${caller.accessKeyId.slice(4)}` };
  }
  const { session } = caller;
  return {
    Account: session.accountId,
    Arn: assumedRoleArn(session.roleArn, COGNITO_SESSION_NAME),
    UserId: `${roleIdFor(session.roleArn)}:${COGNITO_SESSION_NAME}`,
  };
};
