import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Stack } from '../../emulator/stack.js';
import { sample } from './stats.js';
import { REGION } from './clients.js';

/**
 * MinIO minting temporary credentials on its own: STS AssumeRole with the root credentials,
 * straight to MinIO. What GetCredentialsForIdentity pays MinIO for (it asks MinIO's
 * AssumeRoleWithWebIdentity), without the emulator, the token or Cognito's API around it.
 */
export async function minioAssumeRoleSamples(stack: Stack, n: number, warmup = 10): Promise<number[]> {
  const sts = new STSClient({
    region: REGION,
    endpoint: stack.minio.endpoint,
    credentials: { accessKeyId: stack.minio.rootUser, secretAccessKey: stack.minio.rootPassword },
    maxAttempts: 1,
  });
  try {
    return await sample(n, () => sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/bench', RoleSessionName: 'bench', DurationSeconds: 3600 })), warmup);
  } finally {
    sts.destroy();
  }
}
