import { describe, expect, test } from 'vitest';
import { jsonErrorOffset } from './read.js';

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
