import type { AttributeType, CodeDeliveryDetailsType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { InvalidParameterException } from './errors.js';
import type { StoredUser } from './store.js';

/** Converting users and attributes between the store and Cognito's wire shapes. */

/** A user's attributes as Cognito lists them; `only` restricts the list (ListUsers AttributesToGet). */
export function attributeList(user: StoredUser, only?: readonly string[]): AttributeType[] {
  return [...user.attributes]
    .filter(([name]) => !only || only.includes(name))
    .map(([Name, Value]) => ({ Name, Value }));
}

/** The UserType of AdminCreateUser and ListUsers. */
export function userType(user: StoredUser, only?: readonly string[]): UserType {
  return {
    Username: user.username,
    Attributes: attributeList(user, only),
    UserCreateDate: user.createdAt,
    UserLastModifiedDate: user.updatedAt,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** The attributes every Cognito user pool has (OpenID Connect standard claims plus Cognito's own). */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale',
  'middle_name', 'name', 'nickname', 'phone_number', 'phone_number_verified', 'picture',
  'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo',
]);

/** `custom:<name>`: Cognito's custom attributes (names of 1 to 20 characters). */
const CUSTOM_ATTRIBUTE = /^custom:[\w-]{1,20}$/;

/**
 * Why Cognito would refuse an attribute name, worded as Cognito words it; undefined when it is a
 * standard attribute or a `custom:` one. Only these names reach a user, and so an ID token: no
 * attribute can add a claim such as `policy` or `azp`.
 * The emulator's pools declare no schema: every well-formed `custom:` name is accepted.
 */
export function attributeNameProblem(name: string): string | undefined {
  if (name === 'sub') return 'sub: Attribute cannot be updated.';
  if (STANDARD_ATTRIBUTES.has(name) || CUSTOM_ATTRIBUTE.test(name)) return undefined;
  return `${name}: Attribute does not exist in the schema.`;
}

/**
 * Validates client-supplied attributes as Cognito does: a name is required, `sub` is immutable,
 * and only standard and `custom:` attributes exist.
 */
export function attributeEntries(attributes: readonly AttributeType[] | undefined): Array<[string, string]> {
  const entries = (attributes ?? []).map(({ Name, Value }): [string, string] => {
    if (!Name) throw new InvalidParameterException('Attribute name is required.');
    return [Name, Value ?? ''];
  });
  const problems = entries.map(([name]) => attributeNameProblem(name)).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new InvalidParameterException(`Attributes did not conform to the schema: ${problems.join('\n')}`);
  return entries;
}

/** Where a confirmation code "went": Cognito masks the destination (`a***@e***`). */
export function codeDeliveryDetails(user: StoredUser): CodeDeliveryDetailsType | undefined {
  const email = user.attributes.get('email');
  if (email) {
    const [local = '', domain = ''] = email.split('@');
    return { Destination: `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`, DeliveryMedium: 'EMAIL', AttributeName: 'email' };
  }
  const phone = user.attributes.get('phone_number');
  if (phone) {
    return { Destination: `+*******${phone.slice(-4)}`, DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  return undefined;
}
