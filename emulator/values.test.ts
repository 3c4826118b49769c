import { describe, expect, test } from 'vitest';
import { isRecord, jsonErrorOffset, jsonSyntaxProblem } from './values.js';

describe('jsonErrorOffset: where JSON.parse stops, asked of JSON.parse itself', () => {
  test.each([
    ['a trailing comma in a list', '{\n  "a": [1,\n  ]\n}', '{\n  "a": [1,\n  '.length],
    ['a trailing comma in an object', '{"a": 1,}', '{"a": 1,'.length],
    ['text that is not JSON', 'root:x:0:0', 0],
    ['a bad literal', '{"a": tru}', '{"a": tru'.length],
    ['a missing colon', '{"a" 1}', '{"a" '.length],
    ['content after the value', '{} x', 3],
    ['a control character in a string', '["a\tb"]', 3],
  ])('%s', (_label, text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  test('a text cut short (a string, a number, an escape left open) is at its end', () => {
    for (const text of ['{"a": "b', '[1.', '[-', '["\\u00', '{"a":']) expect(jsonErrorOffset(text), text).toBe(text.length);
  });
});

describe('jsonSyntaxProblem: what is wrong and where, quoting none of the text', () => {
  const problem = (text: string) => {
    try {
      JSON.parse(text);
    } catch (error) {
      return jsonSyntaxProblem(error, text);
    }
    throw new Error('the text is JSON');
  };

  test('a truncated text ends too early, at its end', () => {
    const text = '{"id": "app",\n "clientI';
    expect(problem(text)).toStrictEqual({ detail: 'the file ends too early', endsEarly: true, offset: text.length, line: 2, column: 10 });
    expect(problem('{"a": [1,').endsEarly).toBe(true);
  });

  test('a trailing comma: the punctuation and its line and column', () => {
    const p = problem('{\n  "a": [1,\n  ]\n}');
    expect(p).toMatchObject({ endsEarly: false, line: 3, column: 3 });
    expect(p.detail).toMatch(/^unexpected token '?]'?$/);
  });

  test('a secret file: neither its quote nor its first letter', () => {
    const p = problem('root:x:0:0:root:/root:/bin/bash');
    expect(p).toMatchObject({ endsEarly: false, offset: 0, line: 1, column: 1 });
    expect(p.detail).not.toMatch(/root|"/);
  });
});

test('isRecord: a mapping, not a list or null', () => {
  expect([{}, { a: 1 }, [], null, 'x', 1].map(isRecord)).toStrictEqual([true, true, false, false, false, false]);
});
