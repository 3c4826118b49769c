import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRoleWithWebIdentity, MinioStsError } from './sts.js';

// MinIO's answers as Go's encoding/xml writes them (default namespace, &#34; for quotes).
const OK = `<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><AssumedRoleUser><Arn></Arn><AssumeRoleId></AssumeRoleId></AssumedRoleUser><Credentials><AccessKeyId>KEY1</AccessKeyId><SecretAccessKey>s&amp;cret</SecretAccessKey><SessionToken>eyJ.tok</SessionToken><Expiration>2026-12-02T03:00:00Z</Expiration></Credentials><SubjectFromWebIdentityToken>sub-1</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>R1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;
const REFUSED = `<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type></Type><Code>InvalidParameterValue</Code><Message>Token has &#34;expired&#34; &lt;now&gt;</Message></Error><RequestId>18C</RequestId></ErrorResponse>`;

let answer: { status: number; body: string } = { status: 200, body: OK };
const server = createServer((_req, res) => res.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body));
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('assumeRoleWithWebIdentity reads MinIO STS XML', () => {
  it('takes the credentials from the answer, entities decoded', async () => {
    answer = { status: 200, body: OK };
    expect(await assumeRoleWithWebIdentity({ endpoint, token: 't' })).toStrictEqual({
      accessKeyId: 'KEY1', secretAccessKey: 's&cret', sessionToken: 'eyJ.tok', expiration: new Date('2026-12-02T03:00:00Z'), subjectFromWebIdentityToken: 'sub-1',
    });
  });

  it('a refusal carries MinIO’s code, message and request ID', async () => {
    answer = { status: 400, body: REFUSED };
    const error = await assumeRoleWithWebIdentity({ endpoint, token: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MinioStsError);
    expect(error).toMatchObject({
      code: 'InvalidParameterValue', status: 400, requestId: '18C',
      message: 'MinIO STS AssumeRoleWithWebIdentity failed (HTTP 400 InvalidParameterValue): Token has "expired" <now>',
    });
  });

  it('a body that is not XML is quoted as it is; a 200 without credentials is an error', async () => {
    answer = { status: 502, body: 'Bad Gateway' };
    await expect(assumeRoleWithWebIdentity({ endpoint, token: 't' })).rejects.toThrow('MinIO STS AssumeRoleWithWebIdentity failed (HTTP 502): Bad Gateway');
    answer = { status: 200, body: '<AssumeRoleWithWebIdentityResponse/>' };
    await expect(assumeRoleWithWebIdentity({ endpoint, token: 't' })).rejects.toThrow('MinIO STS answered 200 without credentials');
  });
});
