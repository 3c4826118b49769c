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

/**
 * Validates client-supplied attributes. `sub` is immutable, so Cognito refuses it, as it
 * refuses an attribute without a name.
 */
export function attributeEntries(attributes: readonly AttributeType[] | undefined): Array<[string, string]> {
  return (attributes ?? []).map(({ Name, Value }) => {
    if (!Name) throw new InvalidParameterException('Attribute name is required.');
    if (Name === 'sub') throw new InvalidParameterException('Attributes did not conform to the schema: sub: Attribute cannot be updated.');
    return [Name, Value ?? ''];
  });
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
