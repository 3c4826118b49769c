import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeFrontDoorCertificate } from './certificate.js';

describe('makeFrontDoorCertificate', () => {
  const made = makeFrontDoorCertificate();
  const x509 = new X509Certificate(made.certPem);

  it('is a valid self-signed certificate for the AWS host names the stack serves', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    for (const host of ['cognito-idp.us-east-1.amazonaws.com', 'cognito-identity.eu-west-1.amazonaws.com', 'sts.amazonaws.com',
      'my-bucket.s3.us-east-1.amazonaws.com', 's3.ap-southeast-2.amazonaws.com', 'my-bucket.s3.amazonaws.com']) {
      expect(x509.checkHost(host), host).toBeTruthy();
    }
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now() + 7 * 24 * 3600 * 1000);
  });

  it('names its key by the SPKI hash Chromium trusts, and the key matches the certificate', () => {
    const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
    expect(made.spkiSha256).toBe(createHash('sha256').update(spki).digest('base64'));
    expect(x509.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
  });

  it('encodes any serial number as DER requires, so OpenSSL accepts every certificate it makes', () => {
    // A random serial whose first byte is 0 (1 in 256 before the fix) was written with a
    // redundant leading zero, and `ase up` died with "asn1 encoding routines::illegal padding".
    for (const hex of ['00' + '11'.repeat(15), '0000' + '80'.repeat(14), 'ff'.repeat(16), '00'.repeat(16)]) {
      const cert = makeFrontDoorCertificate({ serial: Buffer.from(hex, 'hex') });
      expect(() => createSecureContext({ cert: cert.certPem, key: cert.keyPem }), hex).not.toThrow();
      expect(new X509Certificate(cert.certPem).serialNumber.replace(/^0+(?=.)/, '')).toBe(hex.replace(/^0+(?=.)/, '').toUpperCase());
    }
  });

  it('makes a new key every time', () => {
    expect(makeFrontDoorCertificate().spkiSha256).not.toBe(made.spkiSha256);
  });
});
