import { describe, expect, it } from 'vitest';
import { validateCorsConfiguration } from './validate.js';
import { corsFromXml, corsToXml } from './xml.js';
import { AMPLIFY_DOCS_CORS } from './rules.js';

const rule = (extra: Record<string, unknown>) => ({ CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], ...extra }] });

describe('validateCorsConfiguration (as PutBucketCors validates)', () => {
  it.each([
    ['the docs rule', AMPLIFY_DOCS_CORS],
    ['a minimal rule', rule({})],
    ['one wildcard in an origin and in a header', rule({ AllowedOrigins: ['https://*.example.com'], AllowedHeaders: ['x-amz-*'] })],
  ])('accepts %s', (_label, value) => {
    expect(validateCorsConfiguration(value)).toEqual([]);
  });

  it.each([
    ['a bare list of rules', AMPLIFY_DOCS_CORS.CORSRules, [], 'MalformedXML', /wrap it in CORSRules/],
    ['no rules', { CORSRules: [] }, ['CORSRules'], 'MalformedXML', /1 to 100 rules/],
    ['an unknown key', rule({ AllowedOrigin: ['*'] }), ['CORSRules', 0, 'AllowedOrigin'], 'MalformedXML', /unknown key `AllowedOrigin`/],
    ['no AllowedMethods', { CORSRules: [{ AllowedOrigins: ['*'] }] }, ['CORSRules', 0, 'AllowedMethods'], 'MalformedXML', /needs AllowedMethods/],
    ['no AllowedOrigins', { CORSRules: [{ AllowedMethods: ['GET'] }] }, ['CORSRules', 0, 'AllowedOrigins'], 'MalformedXML', /needs AllowedOrigins/],
    ['a method S3 does not know', rule({ AllowedMethods: ['PATCH'] }), ['CORSRules', 0, 'AllowedMethods', 0], 'InvalidRequest', /^Found unsupported HTTP method in CORS config. Unsupported method is PATCH$/],
    ['a method in lower case', rule({ AllowedMethods: ['get'] }), ['CORSRules', 0, 'AllowedMethods', 0], 'InvalidRequest', /Unsupported method is get \(write GET/],
    ['two wildcards in an origin', rule({ AllowedOrigins: ['http://*.*.com'] }), ['CORSRules', 0, 'AllowedOrigins', 0], 'InvalidRequest', /^AllowedOrigin "http:\/\/\*\.\*\.com" can not have more than one wildcard.$/],
    ['two wildcards in a header', rule({ AllowedHeaders: ['x-*-*'] }), ['CORSRules', 0, 'AllowedHeaders', 0], 'InvalidRequest', /AllowedHeader "x-\*-\*" can not have more than one wildcard./],
    ['a fractional MaxAgeSeconds', rule({ MaxAgeSeconds: 1.5 }), ['CORSRules', 0, 'MaxAgeSeconds'], 'MalformedXML', /whole number/],
    ['an ID over 255 characters', rule({ ID: 'x'.repeat(256) }), ['CORSRules', 0, 'ID'], 'InvalidArgument', /ID length should not exceed allowed limit of 255/],
  ])('refuses %s', (_label, value, path, code, message) => {
    const problems = validateCorsConfiguration(value);
    expect(problems[0]).toMatchObject({ path, code });
    expect(problems[0]!.message).toMatch(message);
  });

  it('refuses more than 100 rules', () => {
    const many = { CORSRules: Array.from({ length: 101 }, () => ({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] })) };
    expect(validateCorsConfiguration(many)[0]).toMatchObject({ code: 'InvalidRequest', path: ['CORSRules'] });
  });
});

describe('CORS XML', () => {
  it('reads what it writes, in the JSON shape', () => {
    expect(corsFromXml(corsToXml(AMPLIFY_DOCS_CORS))).toEqual(AMPLIFY_DOCS_CORS);
  });

  it('reads a PutBucketCors body as the SDK writes it', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><ID>r1</ID><AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://a.example</AllowedOrigin><MaxAgeSeconds>10</MaxAgeSeconds></CORSRule></CORSConfiguration>';
    expect(corsFromXml(xml)).toEqual({ CORSRules: [{ ID: 'r1', AllowedMethods: ['GET'], AllowedOrigins: ['https://a.example'], MaxAgeSeconds: 10 }] });
    expect(corsFromXml('<NotCors/>')).toBeUndefined();
  });
});
