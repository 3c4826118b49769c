/**
 * A browser case refused for CORS is explained in every human-facing report, also when it passed
 * (it expected the refusal): the refused preflight or response, the rule that did not match, and
 * Chromium's own message. The same refusal retried by the client is shown once.
 */
import { describe, expect, it } from 'vitest';
import { corsExplanation } from './format.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPretty } from './pretty.js';
import { SAMPLE_CWD, sampleCorsRunSummary } from './sample.js';

const summary = sampleCorsRunSummary();
const [listCase, uploadCase, plainCase] = summary.scenarios[0]!.cases as [typeof summary.scenarios[0]['cases'][0], typeof summary.scenarios[0]['cases'][0], typeof summary.scenarios[0]['cases'][0]];
const PREFLIGHT_GET = 'the preflight for GET https://ase-browser-wrong-origin.s3.us-east-1.amazonaws.com/?list-type=2&prefix=public%2F from origin http://localhost:5173 was refused (403): CORSResponse: This CORS request is not allowed.';
const RULE = 'rule #1: origin http://localhost:5173 is not in AllowedOrigins ["https://app.example.com"]';
const BROWSER_GET = "has been blocked by CORS policy: Response to preflight request doesn't pass access control check";
const PREFLIGHT_PUT = 'the preflight for PUT https://ase-browser-wrong-origin.s3.us-east-1.amazonaws.com/public/a.txt?x-id=PutObject';

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
/** `&` as HTML, XML and Markdown text all write it. */
const amp = (s: string) => s.replace(/&/g, '&amp;');

describe('the CORS explanation', () => {
  it('gives each distinct refusal once, the rules that did not match, and what Chromium said', () => {
    expect(corsExplanation(listCase).map((l) => l.label)).toEqual(['refused', 'rules', 'browser']);
    expect(corsExplanation(listCase)[0]!.text).toContain(PREFLIGHT_GET);
    expect(corsExplanation(listCase)[1]!.text).toBe(RULE);
    expect(corsExplanation(listCase)[2]!.text).toContain(BROWSER_GET);
    expect(corsExplanation(plainCase)).toEqual([]);
  });

  it('is in the HTML report, for the passing case as for the failing one', () => {
    const out = renderHtml(summary, { cwd: SAMPLE_CWD });
    const block = out.slice(out.indexOf('class="callout cors"'));
    expect(block).toContain('line 27: alice list public/');
    expect(block).toContain('line 32: alice upload public/a.txt');
    expect(block).toContain(amp(PREFLIGHT_GET));
    // Escaped like every other text (quotes in the rule, apostrophes in Chromium's message).
    expect(block).toContain('AllowedOrigins [&quot;https://app.example.com&quot;]');
    expect(block).toContain('doesn&#39;t pass access control check');
    expect(count(block.slice(0, block.indexOf('</div>')), 'the preflight for GET')).toBe(1);
    // The failure card says it too.
    const card = out.slice(out.indexOf('<article class="failure"'));
    expect(card).toContain('CORS refused');
    expect(card).toContain(PREFLIGHT_PUT);
  });

  it('is in the Markdown summary, for the passing case as for the failing one', () => {
    const out = renderMarkdown(summary, { cwd: SAMPLE_CWD });
    const block = out.slice(out.indexOf('**CORS**'), out.indexOf('### Failures'));
    expect(block).toContain('- line 27: alice list public/ (passed)');
    expect(block).toContain('- line 32: alice upload public/a.txt (failed)');
    expect(block).toContain('  - **rules:** rule \\#1: origin http://localhost:5173 is not in AllowedOrigins \\["https://app.example.com"\\]');
    expect(block).toContain(`  - **refused:** ${amp(PREFLIGHT_GET)}`);
    expect(count(block, 'the preflight for GET')).toBe(1);
    expect(block).toMatch(/ {2}- \*\*browser:\*\* Access to XMLHttpRequest at 'https:\/\/ase-browser-wrong-origin\.s3\.us-east-1\.amazonaws\.com\/\?list-type=2&amp;prefix=public%2F'/);
    expect(out.slice(out.indexOf('### Failures'))).toContain('- **CORS refused:** the preflight for PUT');
  });

  it('is in the JUnit report: <system-out> on the passing case, and on the failing one next to its <failure>', () => {
    const out = renderJunit(summary, { cwd: SAMPLE_CWD });
    const testcase = (name: string) => out.slice(out.indexOf(`name="${name}"`), out.indexOf('</testcase>', out.indexOf(`name="${name}"`)));
    const passed = testcase('alice list public/');
    expect(passed).not.toContain('<failure');
    expect(passed).toContain(`<system-out>CORS refused: ${amp(PREFLIGHT_GET)}`);
    expect(passed).toContain(`CORS rules: ${RULE}`);
    expect(passed).toContain(`CORS browser: Access to XMLHttpRequest at 'https://ase-browser-wrong-origin.s3.us-east-1.amazonaws.com/?list-type=2&amp;prefix=public%2F'`);
    expect(count(passed, 'CORS refused')).toBe(1);
    const failed = testcase('alice upload public/a.txt');
    expect(failed).toContain('<failure');
    expect(failed).toContain(`<system-out>CORS refused: ${PREFLIGHT_PUT}`);
    // A case without refusals stays an empty element.
    expect(out).toMatch(/<testcase [^>]*name="guest download public\/readme.txt"[^>]*\/>/);
  });

  it('is in the pretty report', () => {
    const out = renderPretty(summary, { cwd: SAMPLE_CWD });
    const block = out.slice(out.indexOf('CORS (what the browser was refused'));
    expect(block).toContain('line 27: alice list public/');
    expect(block).toContain(`rules    ${RULE}`);
    expect(block).toContain('browser  Access to XMLHttpRequest');
    expect(count(block, 'the preflight for GET')).toBe(1);
  });
});
