import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A self-signed ECDSA P-256 certificate for the front door, made in memory at start with
 * node:crypto alone (a few milliseconds; nothing is written to disk). Browsers are told to trust
 * it by its key (`--ignore-certificate-errors-spki-list=<spkiSha256>`), which also covers host
 * names the certificate does not list; Node clients pass `certPem` as their CA.
 */
export interface FrontDoorCertificate {
  certPem: string;
  keyPem: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants it. */
  spkiSha256: string;
  dnsNames: string[];
}

/** AWS regions whose S3 and Cognito host names the certificate lists (others still work by SPKI trust). */
const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'sa-east-1', 'mx-central-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-east-1', 'me-south-1', 'me-central-1', 'il-central-1',
  'af-south-1', 'us-gov-west-1', 'us-gov-east-1',
];

/** The names served: global service hosts and, per region, the regional service hosts and S3's virtual-hosted names. */
export function frontDoorDnsNames(regions: string[] = REGIONS): string[] {
  return [
    '*.amazonaws.com', 's3.amazonaws.com', '*.s3.amazonaws.com',
    ...regions.flatMap((r) => [`*.${r}.amazonaws.com`, `*.s3.${r}.amazonaws.com`, `*.s3.dualstack.${r}.amazonaws.com`]),
  ];
}

export function makeFrontDoorCertificate(
  options: { dnsNames?: string[]; days?: number; now?: Date; /** fixed serial number (tests); random by default */ serial?: Buffer } = {},
): FrontDoorCertificate {
  const dnsNames = options.dnsNames ?? frontDoorDnsNames();
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000); // an hour of slack for skewed clocks
  const notAfter = new Date(now.getTime() + (options.days ?? 30) * 24 * 60 * 60 * 1000);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });

  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), utf8('amplify-storage-emulator front door'))));
  const serial = options.serial ?? randomBytes(16);
  const subjectAltName = seq(...dnsNames.map((n) => tlv(0x82, Buffer.from(n, 'ascii'))));
  const extensions = explicit(3, seq(
    seq(oid('2.5.29.17'), octets(subjectAltName)),
    seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), octets(seq())), // basicConstraints, critical, cA false
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))), // extKeyUsage: serverAuth
  ));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certificate = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    certPem: pem('CERTIFICATE', certificate),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    dnsNames,
  };
}

// --- a minimal DER writer: just what a certificate needs ---------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (content: Buffer) => tlv(0x04, content);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, content: Buffer) => tlv(0xa0 | n, content);

/**
 * A non-negative INTEGER from unsigned big-endian bytes, in DER's minimal form: no redundant
 * leading zero bytes (OpenSSL refuses those as "illegal padding"), and one zero byte in front
 * when the top bit is set, so the number stays positive.
 */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  return tlv(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const part of rest) {
    const groups: number[] = [];
    for (let v = part; ; v = Math.floor(v / 128)) {
      groups.unshift(v % 128);
      if (v < 128) break;
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
