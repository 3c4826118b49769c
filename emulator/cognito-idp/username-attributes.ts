/** Cognito's username attributes: which attribute a sign-in name stands for in a pool that has them. */
export type UsernameAttribute = 'email' | 'phone_number';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+[0-9]{4,15}$/;

/**
 * In a pool whose `usernameAttributes` are set, the attribute a sign-in name stands for (an email,
 * or a phone number in E.164 form), or undefined when the name is neither of the allowed kinds.
 */
export function signInAttributeFor(usernameAttributes: readonly UsernameAttribute[], signInName: string): UsernameAttribute | undefined {
  if (usernameAttributes.includes('email') && EMAIL.test(signInName)) return 'email';
  if (usernameAttributes.includes('phone_number') && PHONE.test(signInName)) return 'phone_number';
  return undefined;
}
