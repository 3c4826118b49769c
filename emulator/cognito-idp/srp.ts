import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of Cognito's SRP-6a ("USER_SRP_AUTH"), byte-compatible with the client in
 * @aws-amplify/auth (providers/cognito/utils/srp/).
 *
 * Conventions the client fixes and this file mirrors:
 * - Numbers travel as hex. `H(hex)` hashes the BYTES the hex denotes (SHA-256), and values
 *   are first encoded with {@link padHex} (Java BigInteger.toByteArray style: even length, a
 *   leading `00` when the top bit is set). Getting this padding wrong fails ~half of sign-ins.
 * - x = H(pad(salt) | H(utf8(poolName + userIdForSrp + ":" + password))), v = g^x mod N.
 * - k = H(pad(N) | pad(g)), u = H(pad(A) | pad(B)), B = (k·v + g^b) mod N,
 *   S = (A · v^u)^b mod N, key = HKDF-SHA256(ikm = pad(S), salt = pad(u),
 *   info = "Caldera Derived Key", 16 bytes). (The client appends the `\x01` to the info by
 *   hand: it is HKDF's first block counter, which hkdfSync adds itself.)
 * - PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, utf8(poolName) | utf8(userIdForSrp) |
 *   base64decode(SECRET_BLOCK) | utf8(TIMESTAMP))).
 *
 * Passwords are never stored: a user keeps only `{ salt, verifier }` ({@link PasswordVerifier}),
 * which serves both SRP and USER_PASSWORD_AUTH (by recomputing g^x and comparing).
 *
 * The server's secret exponent b is 256 random bits (the client uses 1024). That keeps a full
 * server-side exchange near 10 ms with plain BigInt arithmetic and is ample for an emulator.
 */

/** RFC 5054 / RFC 3526 3072-bit group, the modulus Cognito and Amplify use. */
export const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;

const HKDF_INFO = 'Caldera Derived Key';
const SERVER_SECRET_BYTES = 32;
const SALT_BYTES = 16;

/** `ddd MMM D HH:mm:ss UTC YYYY`, the TIMESTAMP format the client sends. */
export const SRP_TIMESTAMP_PATTERN =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;

/** Hex of a non-negative integer as Java's BigInteger.toByteArray() would give it. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('padHex expects a non-negative integer');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

/** SHA-256 of the bytes a hex string denotes, as a 64-character hex string. */
export function hashHex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

const hexToBigInt = (hex: string): bigint => BigInt(`0x${hex}`);

/** base^exponent mod modulus, left-to-right with a fixed 4-bit window. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  const b = ((base % modulus) + modulus) % modulus;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push((table[i - 1]! * b) % modulus);
  let result = 1n;
  for (const nibble of exponent.toString(16)) {
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    const digit = parseInt(nibble, 16);
    if (digit !== 0) result = (result * table[digit]!) % modulus;
  }
  return result;
}

/** k = H(pad(N) | pad(g)) */
export const k = hexToBigInt(hashHex(padHex(N) + padHex(g)));

/** What a user keeps instead of a password. `salt` is already in padded-hex form (sent as SALT). */
export interface PasswordVerifier {
  readonly salt: string;
  readonly verifier: bigint;
}

/** x = H(pad(salt) | H(poolName + userIdForSrp + ":" + password)) */
function privateKey(salt: string, poolName: string, userIdForSrp: string, password: string): bigint {
  const identityHash = createHash('sha256').update(`${poolName}${userIdForSrp}:${password}`, 'utf8').digest('hex');
  return hexToBigInt(hashHex(padHex(hexToBigInt(salt)) + identityHash));
}

/** A fresh random salt and v = g^x mod N for the given password. */
export function createPasswordVerifier(poolName: string, userIdForSrp: string, password: string): PasswordVerifier {
  const salt = padHex(hexToBigInt(randomBytes(SALT_BYTES).toString('hex')) || 1n);
  return { salt, verifier: modPow(g, privateKey(salt, poolName, userIdForSrp, password), N) };
}

const fixedWidth = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(768, '0'), 'hex');

/** USER_PASSWORD_AUTH: does `password` produce the stored verifier? Constant-time compare. */
export function passwordMatches(stored: PasswordVerifier, poolName: string, userIdForSrp: string, password: string): boolean {
  const candidate = modPow(g, privateKey(stored.salt, poolName, userIdForSrp, password), N);
  return timingSafeEqual(fixedWidth(candidate), fixedWidth(stored.verifier));
}

/** The client's public value A, or undefined when it is not hex or A mod N = 0 (SRP-6a abort). */
export function parseClientPublicValue(srpA: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,1024}$/.test(srpA)) return undefined;
  const A = hexToBigInt(srpA);
  return A % N === 0n ? undefined : A;
}

export interface ServerEphemeral {
  /** Secret; never leaves the server. */
  readonly b: bigint;
  /** Public; sent as SRP_B (hex). */
  readonly B: bigint;
}

/** B = (k·v + g^b) mod N with a fresh random b. */
export function createServerEphemeral(verifier: bigint): ServerEphemeral {
  for (;;) {
    const b = hexToBigInt(randomBytes(SERVER_SECRET_BYTES).toString('hex'));
    const B = (k * verifier + modPow(g, b, N)) % N;
    if (B !== 0n) return { b, B };
  }
}

export interface KeyInputs {
  A: bigint;
  B: bigint;
  b: bigint;
  verifier: bigint;
}

/** The 16-byte HKDF key both sides derive; undefined when u = 0 (the exchange must abort). */
export function passwordAuthenticationKey({ A, B, b, verifier }: KeyInputs): Buffer | undefined {
  const u = hexToBigInt(hashHex(padHex(A) + padHex(B)));
  if (u === 0n) return undefined;
  const S = modPow((A * modPow(verifier, u, N)) % N, b, N);
  const key = hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), HKDF_INFO, 16);
  return Buffer.from(key);
}

export interface ClaimInputs {
  key: Buffer;
  poolName: string;
  userIdForSrp: string;
  /** base64, exactly as sent in SECRET_BLOCK */
  secretBlock: string;
  timestamp: string;
}

/** base64(HMAC-SHA256(key, poolName | userIdForSrp | secretBlockBytes | timestamp)) */
export function passwordClaimSignature({ key, poolName, userIdForSrp, secretBlock, timestamp }: ClaimInputs): string {
  return createHmac('sha256', key)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userIdForSrp, 'utf8'))
    .update(Buffer.from(secretBlock, 'base64'))
    .update(Buffer.from(timestamp, 'utf8'))
    .digest('base64');
}

/** Checks the client's PASSWORD_CLAIM_SIGNATURE in constant time. */
export function verifyPasswordClaim(inputs: ClaimInputs & { signature: string }): boolean {
  const expected = Buffer.from(passwordClaimSignature(inputs), 'base64');
  const given = Buffer.from(inputs.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The opaque SECRET_BLOCK handed to the client; the server keys its SRP session by it. */
export function createSecretBlock(): string {
  return randomBytes(64).toString('base64');
}
