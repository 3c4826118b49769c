import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JunitReporter, renderJunit } from './junit.js';
import { SAMPLE_CWD, sampleRunSummary } from './sample.js';

describe('junit reporter', () => {
  const xml = renderJunit(sampleRunSummary(), { cwd: SAMPLE_CWD });
  const root = parseXml(xml);

  it('is well-formed XML: testsuites → testsuite per scenario → testcase per case', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(root.children.map((c) => c.name)).toEqual(['testsuite', 'testsuite', 'testsuite']);
    expect(root.attrs).toMatchObject({ tests: '26', failures: '4', errors: '1', skipped: '0', time: '7.342', timestamp: '2025-06-03T09:14:07' });
  });

  it('gives each suite its file and the right counts, and each case classname, name, file, line and time in seconds', () => {
    const [owners, drift, cross] = findAll(root, 'testsuite');
    expect(owners!.attrs).toMatchObject({
      name: 'Owners manage their own protected folder', file: 'scenarios/owner-protected.yaml', tests: '9', failures: '2', errors: '0', time: '2.314',
    });
    expect(drift!.attrs).toMatchObject({ tests: '16', failures: '2', errors: '0' });
    expect(cross!.attrs).toMatchObject({ name: 'Cross-account bucket policy', tests: '1', failures: '0', errors: '1' });
    const cases = findAll(owners!, 'testcase');
    expect(cases).toHaveLength(9);
    expect(cases[4]!.attrs).toEqual({
      classname: 'Owners manage their own protected folder',
      name: "bob cannot delete alice's photo",
      file: 'scenarios/owner-protected.yaml',
      line: '47',
      time: '0.052',
    });
    // Derived cases have no line.
    expect(findAll(drift!, 'testcase')[2]!.attrs.line).toBeUndefined();
    // Counts agree with the elements.
    for (const suite of findAll(root, 'testsuite')) {
      expect(findAll(suite, 'testcase')).toHaveLength(Number(suite.attrs.tests));
      expect(findAll(suite, 'failure')).toHaveLength(Number(suite.attrs.failures));
      expect(findAll(suite, 'error')).toHaveLength(Number(suite.attrs.errors));
    }
  });

  it('puts the details of a failure in <failure message type>', () => {
    const failure = findAll(root, 'failure')[0]!;
    expect(failure.attrs.type).toBe('OutcomeMismatch');
    expect(failure.attrs.message).toBe(
      'expected deny, got allow — DELETE https://media-bucket-7f3a.s3.us-east-1.amazonaws.com/protected/us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71/photo.jpg?x-id=DeleteObject → 204',
    );
    expect(failure.text).toContain('at        scenarios/owner-protected.yaml:47');
    expect(failure.text).toContain('role      arn:aws:iam::123456789012:role/amplify-photoapp-main-authRole');
    expect(failure.text).toContain('why       expected the request to be denied (403 AccessDenied)');
    const derived = findAll(root, 'failure')[3]!;
    expect(derived.text).toContain('derived   paths["public/*"].groupsadmin has delete');
    expect(derived.text).toContain("erin is in group admin, so holds the admin role only");
  });

  it('reports a setup error as an <error> on a (setup) test case', () => {
    const cross = findAll(root, 'testsuite')[2]!;
    const [setup] = findAll(cross, 'testcase');
    expect(setup!.attrs.name).toBe('(setup)');
    const error = findAll(setup!, 'error')[0]!;
    expect(error.attrs.type).toBe('SetupError');
    expect(error.attrs.message).toContain('Scenario could not be set up: MinIO rejected the bucket policy');
    expect(error.text).toContain('Every Resource must name the bucket "partner-bucket-1234".');
  });

  it('escapes <, &, quotes and line breaks, and drops characters XML cannot hold', () => {
    expect(xml).toContain('name="carol reads &quot;drafts &amp; notes&quot; &lt;beta&gt;"');
    const summary = sampleRunSummary();
    const c = summary.scenarios[0]!.cases[4]!;
    c.title = 'a <b> & "c" \'d\'\u0001';
    c.reasons = ['line one\nline two </failure><script>'];
    summary.scenarios[0]!.warnings.push('multi\nline "warning" & <more>');
    const doc = parseXml(renderJunit(summary, { cwd: SAMPLE_CWD }));
    const tc = findAll(doc, 'testcase').find((t) => t.attrs.line === '47')!;
    expect(tc.attrs.name).toBe('a <b> & "c" \'d\'\ufffd');
    expect(findAll(tc, 'failure')[0]!.text).toContain('line one\nline two </failure><script>');
    expect(findAll(doc, 'property')[0]!.attrs.value).toBe('policy compiler: the s3:prefix condition "protected/${cognito-identity.amazonaws.com:sub}/*" on s3:ListBucket was kept as written; MinIO evaluates it per request.');
    expect(findAll(doc, 'property')[1]!.attrs.value).toBe('multi\nline "warning" & <more>');
  });

  it('numbers repeated case titles so CI parsers keep them apart', () => {
    const summary = sampleRunSummary();
    const s = summary.scenarios[0]!;
    s.cases = [s.cases[0]!, { ...s.cases[0]!, index: 1 }];
    const names = findAll(parseXml(renderJunit(summary, { cwd: SAMPLE_CWD })), 'testcase').slice(0, 2).map((t) => t.attrs.name);
    expect(names).toEqual(['guest download public/readme.txt (1)', 'guest download public/readme.txt (2)']);
  });

  it('(the reader used here rejects what an XML parser rejects)', () => {
    expect(() => parseXml('<a>&</a>')).toThrow(/bare '&'/);
    expect(() => parseXml('<a b="<"/>')).toThrow(/raw '<'|bad attribute/);
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<a b=c/>')).toThrow(/bad attribute/);
    expect(() => parseXml('<a/><b/>')).toThrow(/more than one root/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/not allowed/);
  });

  it('writes junit.xml into an out directory and returns its path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-junit-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const paths = await new JunitReporter({ out: `${dir}/reports/`, cwd: SAMPLE_CWD }).onRunEnd(sampleRunSummary());
    expect(paths).toEqual([path.join(dir, 'reports', 'junit.xml')]);
    expect(parseXml(await readFile(paths[0]!, 'utf8')).name).toBe('testsuites');
  });
});

/* A strict reader for the XML the reporter writes (no dependency): rejects a raw '<' or bare '&'
   in text or attributes, unquoted or duplicate attributes, mismatched tags and more than one root. */
interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function decode(raw: string, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '<') throw new Error(`raw '<' in ${where}`);
    if (ch === '&') {
      const m = ENTITY.exec(raw.slice(i));
      if (!m) throw new Error(`bare '&' in ${where}: ${raw.slice(i, i + 12)}`);
      const e = m[0];
      out += e === '&amp;' ? '&' : e === '&lt;' ? '<' : e === '&gt;' ? '>' : e === '&quot;' ? '"' : e === '&apos;' ? "'"
        : String.fromCodePoint(e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10));
      i += e.length - 1;
    } else {
      out += ch;
    }
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(out)) throw new Error(`character not allowed in XML in ${where}`);
  return out;
}

/** Parses the subset of XML reporters write (declaration, elements, attributes, text). Throws when malformed. */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml [^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      const name = xml.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      i = end + 1;
    } else if (xml[i] === '<') {
      const m = NAME.exec(xml.slice(i + 1));
      if (!m) throw new Error(`bad tag at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(i))![0];
        i += ws.length;
        if (xml.startsWith('/>', i)) {
          i += 2;
          break;
        }
        if (xml[i] === '>') {
          i += 1;
          stack.push(el);
          break;
        }
        if (!ws) throw new Error(`attributes need whitespace before them in <${el.name}>`);
        const a = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(xml.slice(i));
        if (!a) throw new Error(`bad attribute in <${el.name}>: ${xml.slice(i, i + 30)}`);
        if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} in <${el.name}>`);
        el.attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]} of <${el.name}>`);
        i += a[0].length;
      }
      const parent = stack.at(el === stack.at(-1) ? -2 : -1);
      if (parent) parent.children.push(el);
      else if (root) throw new Error('more than one root element');
      else root = el;
    } else {
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next === -1 ? xml.length : next);
      const top = stack.at(-1);
      if (!top) {
        if (raw.trim()) throw new Error('text outside the root element');
      } else {
        top.text += decode(raw, `text of <${top.name}>`);
      }
      i = next === -1 ? xml.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}
