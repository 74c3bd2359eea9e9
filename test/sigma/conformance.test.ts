/** The conformance suite (test/sigma/cases.ts, written from the specification) through the compiled rule set. */
import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { emptyMapping, hintEvent, ruleAround, ruleSetOf } from './helpers.js';

describe('Sigma conformance', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const rs = ruleSetOf([ruleAround(c.detection, c.name)], emptyMapping(c.placeholders));
      for (const ev of c.match) expect(rs.match(hintEvent(ev)).length, `should match ${JSON.stringify(ev)}`).toBe(1);
      for (const ev of c.noMatch) expect(rs.match(hintEvent(ev)).length, `should not match ${JSON.stringify(ev)}`).toBe(0);
    });
  }
});
