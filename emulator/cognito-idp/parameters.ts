import { InvalidParameterException } from './errors.js';

/**
 * An entry of AuthParameters / ChallengeResponses (string maps whose keys the API model does
 * not type). Missing or empty entries fail with Cognito's wording.
 */
export function authParameter(parameters: Record<string, string> | undefined, name: string): string {
  const value = parameters?.[name];
  if (!value) throw new InvalidParameterException(`Missing required parameter ${name}`);
  return value;
}
