import { CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, type CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand,
  CreateUserPoolCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { TestSrpClient } from '../../test/helpers/cognito-idp.js';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { REGION, srpTimestamp, type Creds } from './clients.js';

// Setting moto up the way the stack is set up: a user pool and client, an identity pool trusting it, users.

export interface MotoPool {
  poolId: string;
  clientId: string;
  identityPoolId: string;
}

export async function createPool(idp: CognitoIdentityProviderClient, identity: CognitoIdentityClient, name: string, guestAccess: boolean): Promise<MotoPool> {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: name }));
  const poolId = UserPool!.Id!;
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: `${name}-client`,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }));
  const clientId = UserPoolClient!.ClientId!;
  const { IdentityPoolId } = await identity.send(new CreateIdentityPoolCommand({
    IdentityPoolName: name.replace(/[^\w ]/g, '_'),
    AllowUnauthenticatedIdentities: guestAccess,
    CognitoIdentityProviders: [{ ProviderName: `cognito-idp.${REGION}.amazonaws.com/${poolId}`, ClientId: clientId }],
  }));
  return { poolId, clientId, identityPoolId: IdentityPoolId! };
}

export async function createUser(idp: CognitoIdentityProviderClient, poolId: string, username: string, password: string, groups: string[] = [], email?: string): Promise<void> {
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId, Username: username, TemporaryPassword: password, MessageAction: 'SUPPRESS',
    ...(email ? { UserAttributes: [{ Name: 'email', Value: email }] } : {}),
  }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
  for (const group of groups) await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }));
}

export async function passwordSignIn(idp: CognitoIdentityProviderClient, clientId: string, username: string, password: string): Promise<string> {
  const { AuthenticationResult } = await idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
  if (!AuthenticationResult?.IdToken) throw new Error(`no tokens for ${username}`);
  return AuthenticationResult.IdToken;
}

export async function credentialsFor(identity: CognitoIdentityClient, pool: MotoPool, idToken: string | undefined): Promise<{ identityId: string; creds: Creds }> {
  const Logins = idToken ? { [`cognito-idp.${REGION}.amazonaws.com/${pool.poolId}`]: idToken } : undefined;
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, ...(Logins ? { Logins } : {}) }));
  const { Credentials: c } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, ...(Logins ? { Logins } : {}) }));
  return { identityId: IdentityId!, creds: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretKey!, ...(c!.SessionToken ? { sessionToken: c!.SessionToken } : {}) } };
}

export const subOf = (idToken: string): string => (JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: string }).sub;

/** One SRP exchange with a native client; `userIdFromChallenge` false answers with the user name instead of USER_ID_FOR_SRP. */
export async function srpAttempt(idp: CognitoIdentityProviderClient, poolId: string, clientId: string, username: string, password: string, userIdFromChallenge: boolean): Promise<string> {
  try {
    const srp = new TestSrpClient(poolId.split('_')[1]!);
    const init = await idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, SRP_A: srp.srpA } }));
    const challenge = { ...(init.ChallengeParameters ?? {}) };
    if (!userIdFromChallenge) challenge.USER_ID_FOR_SRP = username;
    const done = await idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: srp.respond(challenge, password, srpTimestamp()) }));
    return done.AuthenticationResult?.IdToken ? 'signed in' : `no tokens (${done.ChallengeName ?? 'no challenge'})`;
  } catch (e) {
    return `refused: ${(e as Error).name}`;
  }
}

export function outputsFor(pool: MotoPool, bucketName: string): AmplifyOutputs {
  return {
    version: '1.4',
    auth: {
      aws_region: REGION, user_pool_id: pool.poolId, user_pool_client_id: pool.clientId, identity_pool_id: pool.identityPoolId,
      unauthenticated_identities_enabled: true, username_attributes: [], standard_required_attributes: [], user_verification_types: ['email'],
      mfa_configuration: 'NONE',
      password_policy: { min_length: 8, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true },
      groups: [],
    },
    storage: { aws_region: REGION, bucket_name: bucketName, buckets: [{ name: 'bench', bucket_name: bucketName, aws_region: REGION }] },
  };
}
