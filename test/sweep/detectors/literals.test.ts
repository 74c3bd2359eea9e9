// The literal pre-checks (literals.ts, leads.ts) only skip or shorten searches: with them, every pattern must find
// exactly what it finds without them. Checked on the detectors' own patterns over texts made of their own words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASP_FLOW, ASP_TRAITS } from '../../../src/sweep/detectors/asp.js';
import { ASPX_FLOW, ASPX_TRAITS } from '../../../src/sweep/detectors/aspx.js';
import type { FlowSpec } from '../../../src/sweep/detectors/flow.js';
import { seeFlows } from '../../../src/sweep/detectors/flow.js';
import { JSP_FLOW, JSP_TRAITS } from '../../../src/sweep/detectors/jsp.js';
import { KIT_TRAITS } from '../../../src/sweep/detectors/kit.js';
import { LeadIndex } from '../../../src/sweep/detectors/leads.js';
import { factorsOf, leadsOf } from '../../../src/sweep/detectors/literals.js';
import { PHP_FLOW, PHP_TRAITS } from '../../../src/sweep/detectors/php.js';
import { decodeSubject } from '../../../src/sweep/detectors/text.js';
import { firstMatch, seePatterns, type PatternTrait } from '../../../src/sweep/detectors/trait.js';

const LANGS: Array<[string, readonly PatternTrait[], FlowSpec]> = [
  ['php', PHP_TRAITS, PHP_FLOW], ['asp', ASP_TRAITS, ASP_FLOW], ['aspx', ASPX_TRAITS, ASPX_FLOW], ['jsp', JSP_TRAITS, JSP_FLOW],
];

function patternsOf(traits: readonly PatternTrait[], flow: FlowSpec): RegExp[] {
  const out: RegExp[] = [flow.source, ...(flow.encoded === undefined ? [] : [flow.encoded])];
  for (const t of traits) out.push(...(t.re === undefined ? [] : [t.re]), ...(t.all ?? []), ...(t.some ?? []), ...(t.none ?? []));
  for (const s of flow.sinks) out.push(s.re, ...(s.requires === undefined ? [] : [s.requires]), ...(s.source === undefined ? [] : [s.source]));
  return out;
}

const ALL = [...new Set(LANGS.flatMap(([, traits, flow]) => patternsOf([...traits, ...KIT_TRAITS], flow)))];

/** Pieces of the patterns' own literals, so generated texts hit them (and their near misses) often. */
const PIECES = [...new Set(ALL.flatMap((re) => [...(leadsOf(re) ?? []), ...(factorsOf(re) ?? [])]))];
const piece = fc.oneof(
  fc.constantFrom(...PIECES),
  fc.constantFrom(...PIECES).map((w) => w.slice(0, Math.max(1, w.length - 1))),
  fc.constantFrom(' ', '(', ')', '"', "'", '$', '.', ';', '\n', '=', '[', ']', 'x', '_', '@', '<%', '%>', '<?php ', ',', '+'),
);
const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));

function everyMatch(re: RegExp, s: string): RegExpExecArray[] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  const out: RegExpExecArray[] = [];
  for (let m = g.exec(s); m !== null && out.length < 50; m = g.exec(s)) {
    out.push(m);
    if (m[0].length === 0) g.lastIndex++;
  }
  return out;
}

describe('literals read from a pattern', () => {
  it('reads leads and factors of the shapes the detectors write', () => {
    expect(leadsOf(/(?<![\w>:$])(?:eval|assert)\s*\(/)).toEqual(['eval', 'assert']);
    expect(leadsOf(/@?eval\s*\(/)).toEqual(['eval', '@eval']);
    expect(leadsOf(/["']read["']/)).toEqual(['"read"', '"read\'', '\'read"', "'read'"]);
    expect(leadsOf(/\w+\(/)).toBeUndefined();
    expect(leadsOf(/eval/i)).toBeUndefined();
    expect(factorsOf(/\$\w+\(\s*(?:base64_decode|gzinflate)\s*\(/)).toEqual(['base64_decode', 'gzinflate']);
    expect(factorsOf(/\$\w+\((?:base64_decode|gzinflate)\(/)).toEqual(['(base64_decode(', '(gzinflate(']);
    expect(factorsOf(/net\s+user|net\s+localgroup/)).toEqual(['user', 'localgroup']);
    expect(factorsOf(/[a-z]+\d/)).toBeUndefined();
  });

  it('every match of every detector pattern starts with a lead and holds a factor', () => {
    fc.assert(
      fc.property(text, (s) => {
        for (const re of ALL) {
          const leads = leadsOf(re);
          const factors = factorsOf(re);
          for (const m of everyMatch(re, s)) {
            if (leads !== undefined) expect(leads.some((w) => s.startsWith(w, m.index))).toBe(true);
            if (factors !== undefined) expect(factors.some((w) => m[0].includes(w))).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('LeadIndex', () => {
  it('finds the first match where a full search does, or says there is none', () => {
    const index = new LeadIndex(ALL);
    fc.assert(
      fc.property(text, (s) => {
        const leads = index.scan(s);
        for (const re of ALL) {
          const plain = new RegExp(re.source, re.flags.replace('g', '')).exec(s);
          // (sink patterns are global and searched by seeFlows itself, from leads.start)
          if (!re.global) expect(firstMatch(re, s, leads)?.[0]).toBe(plain?.[0]);
          if (!re.global) expect(firstMatch(re, s, leads)?.index).toBe(plain?.index);
          const start = leads.start(re);
          if (plain === null) continue;
          // a pattern that matches is never skipped, and no match starts before the start given
          expect(start).toBeGreaterThanOrEqual(0);
          expect(start).toBeLessThanOrEqual(plain.index);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a trait with a literal pre-check still fires when its keyword is there, and the checks really skip', () => {
    const [, traits, flow] = LANGS[0] as [string, readonly PatternTrait[], FlowSpec];
    const index = new LeadIndex(patternsOf([...traits, ...KIT_TRAITS], flow));
    const shell = decodeSubject(new TextEncoder().encode('<?php $a = $_POST["x"]; echo system($a); eval(base64_decode("ZWNobyAx")); ?>'));
    const leads = index.scan(shell.lower);
    expect(leads.start(/(?<![\w>:$])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(/)).toBe(0);
    expect(seePatterns(traits, shell, leads)).toEqual(seePatterns(traits, shell));
    expect(seeFlows(shell, flow, undefined, leads)).toEqual(seeFlows(shell, flow));
    expect(seeFlows(shell, flow).map((s) => s.id)).toContain('command-request');
    // with the keyword gone the pattern cannot match, and the index says so without a search
    const plain = decodeSubject(new TextEncoder().encode('<?php echo "hello"; ?>'));
    const none = index.scan(plain.lower);
    const command = flow.sinks.find((s) => s.id === 'command-request')?.re as RegExp;
    expect(none.start(command)).toBe(-1);
  });

  it('gives the same hits with and without the index on texts made of the patterns\' words', () => {
    for (const [, traits, flow] of LANGS) {
      const index = new LeadIndex(patternsOf([...traits, ...KIT_TRAITS], flow));
      fc.assert(
        fc.property(text, (s) => {
          const subject = decodeSubject(new TextEncoder().encode(s));
          const leads = index.scan(subject.lower);
          expect(seePatterns(traits, subject, leads)).toEqual(seePatterns(traits, subject));
          expect(seePatterns(KIT_TRAITS, subject, leads)).toEqual(seePatterns(KIT_TRAITS, subject));
          expect(seeFlows(subject, flow, undefined, leads)).toEqual(seeFlows(subject, flow));
        }),
        { numRuns: 100 },
      );
    }
  });
});
