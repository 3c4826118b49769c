import { describe, expect, it } from 'vitest';
import { attrLines, html, trusted } from './html-template.js';

describe('html``: escaping by default', () => {
  it('escapes every interpolated string and number, in content and attributes', () => {
    const name = `<img src=x onerror="alert('1')">&`;
    expect(html`<td title="${name}">${name}</td>`.markup).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</td>',
    );
  });

  it('passes markup built by html`` or marked trusted, joins lists, and leaves nothing for undefined, null and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${undefined}${null}${false}${0}`.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(html`<style>${trusted('a>b{}')}</style>`.markup).toBe('<style>a>b{}</style>');
  });

  it('keeps line breaks of a tooltip as character references', () => {
    expect(html`<span title="${attrLines('one <1>\ntwo')}"></span>`.markup).toBe('<span title="one &lt;1&gt;&#10;two"></span>');
  });
});
