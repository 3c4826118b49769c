import { describe, expect, test } from 'vitest';
import { findPlaceholders, PlaceholderError, resolvePlaceholders } from './placeholders.js';

const values = {
  identity: 'us-east-1:actor',
  identityOf: (user: string) => `us-east-1:${user}`,
  subOf: (user: string) => `sub-${user}`,
};

describe('findPlaceholders', () => {
  test('finds the three forms with their offsets', () => {
    expect(findPlaceholders('a/{identity}/b/{identity:alice}/{sub:bob}.txt')).toStrictEqual([
      { kind: 'identity', text: '{identity}', offset: 2 },
      { kind: 'identityOf', user: 'alice', text: '{identity:alice}', offset: 15 },
      { kind: 'subOf', user: 'bob', text: '{sub:bob}', offset: 32 },
    ]);
    expect(findPlaceholders('public/readme.txt')).toStrictEqual([]);
  });

  test('reports malformed placeholders with a fix', () => {
    const problems = (text: string) => findPlaceholders(text).map((p) => (p.kind === 'invalid' ? [p.text, p.problem] : p.kind));
    expect(problems('a/{identiy}/b')).toStrictEqual([
      ['{identiy}', 'unknown placeholder `{identiy}`; expected {identity}, {identity:<user>} or {sub:<user>} (did you mean `{identity}`?)'],
    ]);
    expect(problems('a/{owner}/b')).toStrictEqual([
      ['{owner}', 'unknown placeholder `{owner}`; expected {identity}, {identity:<user>} or {sub:<user>}'],
    ]);
    expect(problems('a/{identity:}/b')).toStrictEqual([
      ['{identity:}', '`{identity:}` names no user; write {identity:<user>} with a user from auth.users'],
    ]);
    expect(problems('a/{sub: bob}/b')).toStrictEqual([['{sub: bob}', '`{sub: bob}` has a space; write {sub:bob}']]);
    expect(problems('a/{sub}/b')).toStrictEqual([['{sub}', "`{sub}` needs a user; write {sub:<user>} (that user's user-pool sub)"]]);
    expect(problems('p/{entity_id}/x')).toStrictEqual([
      [
        '{entity_id}',
        "`{entity_id}` is the owner token of `paths` keys, not a placeholder; write {identity} for the actor's identity ID, or {identity:<user>}",
      ],
    ]);
    expect(problems('p/${cognito-identity.amazonaws.com:sub}/x')).toStrictEqual([
      [
        '${cognito-identity.amazonaws.com:sub}',
        "`${cognito-identity.amazonaws.com:sub}` is an IAM policy variable, not a scenario placeholder; write {identity} for the actor's identity ID, or {identity:<user>}",
      ],
    ]);
    expect(problems('a/{identity/b')).toStrictEqual([
      ['{identity/b', '`{identity/b` opens a `{` that is not closed; placeholders are written {identity}, {identity:<user>} or {sub:<user>}'],
    ]);
    expect(problems('a/{x{identity}')).toStrictEqual([
      ['{x', '`{x` opens a `{` that is not closed; placeholders are written {identity}, {identity:<user>} or {sub:<user>}'],
      'identity',
    ]);
  });
});

describe('resolvePlaceholders', () => {
  test('replaces every placeholder', () => {
    expect(resolvePlaceholders('protected/{identity}/a-{identity:alice}-{sub:bob}.txt', values)).toBe(
      'protected/us-east-1:actor/a-us-east-1:alice-sub-bob.txt',
    );
    expect(resolvePlaceholders('no placeholders } here', values)).toBe('no placeholders } here');
  });

  test('throws a clear error for an unknown placeholder', () => {
    expect(() => resolvePlaceholders('a/{owner}/b', values)).toThrow(PlaceholderError);
    expect(() => resolvePlaceholders('a/{owner}/b', values)).toThrow(
      'in `a/{owner}/b`: unknown placeholder `{owner}`; expected {identity}, {identity:<user>} or {sub:<user>}',
    );
  });

  test('throws when {identity} has no actor', () => {
    const { identity: _, ...noActor } = values;
    expect(() => resolvePlaceholders('a/{identity}/b', noActor)).toThrow(
      "in `a/{identity}/b`: `{identity}` means the actor's identity ID, and no one acts here; write {identity:<user>}",
    );
    expect(resolvePlaceholders('a/{identity:alice}/b', noActor)).toBe('a/us-east-1:alice/b');
  });

  test('errors from the value functions pass through', () => {
    const failing = { ...values, identityOf: (user: string) => {
      throw new Error(`no identity ID for user ${user}`);
    } };
    expect(() => resolvePlaceholders('{identity:zed}', failing)).toThrow('no identity ID for user zed');
  });
});
