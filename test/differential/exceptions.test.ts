import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXCEPTIONS } from './exceptions.js';
import { DOC_END, DOC_START, exceptionsTable } from './exceptions-doc.js';

describe('the exception list', () => {
  it("docs/how-it-works.md's exception table is the list the differential test uses", () => {
    const doc = readFileSync(new URL('../../docs/how-it-works.md', import.meta.url), 'utf8');
    const block = doc.slice(doc.indexOf(DOC_START), doc.indexOf(DOC_END) + DOC_END.length);
    expect(block, 'paste this table into docs/how-it-works.md').toBe(exceptionsTable(EXCEPTIONS));
  });

  it('each entry cites AWS documentation and names a test on a running MinIO that exists', () => {
    for (const e of EXCEPTIONS) {
      expect(e.awsDoc, e.id).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      const [file, name] = e.provenBy.split(' › ');
      const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(source, e.id).toContain(`it('${name}`);
    }
  });
});
