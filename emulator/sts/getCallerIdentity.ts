import type { GetCallerIdentityCommandInput, GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import type { Operation, Wire } from '../aws/types.js';
import { COGNITO_SESSION_NAME, assumedRoleArn } from '../credentials/vendor.js';
import type { StsDeps } from './index.js';
import { InvalidClientTokenIdError } from './errors.js';
import { roleIdFor } from './role-id.js';

/** GetCallerIdentity: who holds the access key the request was signed with. */
export const GetCallerIdentity = ({ sessions }: Pick<StsDeps, 'sessions'>):
Operation<GetCallerIdentityCommandInput, Wire<GetCallerIdentityCommandOutput>> => async (_input, ctx) => {
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(ctx.authorization ?? '')?.[1];
  const session = accessKeyId ? sessions.lookup(accessKeyId) : undefined;
  if (!session) throw new InvalidClientTokenIdError();
  return {
    Account: session.accountId,
    Arn: assumedRoleArn(session.roleArn, COGNITO_SESSION_NAME),
    UserId: `${roleIdFor(session.roleArn)}:${COGNITO_SESSION_NAME}`,
  };
};
