/** Sweep findings: detector hits and YARA matches as Findings, their levels, and excerpts that never carry raw bytes. */
import { describe, expect, it } from 'vitest';
import type { RuleMatch } from '@litko/yara-x';
import { detectorFinding, metaScore, yaraFinding, yaraLevel, type FileFacts } from '../../src/sweep/findings.js';
import type { DetectorHit } from '../../src/sweep/detectors/types.js';

const facts: FileFacts = { path: '/var/www/up/x.php', sha256: 'ab'.repeat(32), size: 40, mtime: '2021-03-03T04:05:06.000Z' };
const bytes = new TextEncoder().encode('<?php\x00\x1b[31m eval(base64_decode($_GET["c"])); ?>');

describe('detector hits', () => {
  it('become heuristic findings levelled by Loki bands, with escaped excerpts of their traits', () => {
    const hit: DetectorHit = {
      id: 'hardnut.webshell.php.eval-request',
      title: 'PHP evaluates request input',
      description: 'eval of decoded request data',
      author: 'hardnut',
      references: ['https://attack.mitre.org/techniques/T1505/003/'],
      tags: ['attack.persistence', 'attack.t1505.003'],
      score: 120,
      matches: [{ identifier: 'eval', offset: 5, length: 10 }],
    };
    const f = detectorFinding(hit, bytes, facts, '0.1.0');
    expect(f).toMatchObject({ kind: 'heuristic', level: 'high', score: 120, path: facts.path, sha256: facts.sha256, attack: ['T1505.003'], tactics: ['persistence'] });
    expect(f.rule).toMatchObject({ id: hit.id, level: 'high', author: 'hardnut' });
    expect(f.matches).toEqual([{ identifier: 'eval', offset: 5, length: 10, excerpt: '\\x00\\x1b[31m eva' }]);
    expect(detectorFinding({ ...hit, score: 45 }, bytes, facts, '0.1.0').level).toBe('low');
  });
});

describe('YARA matches', () => {
  it('take the meta score (75 without one), a level never below medium, and the rule namespaced by file', () => {
    expect(metaScore({ score: 40 })).toBe(40);
    expect(metaScore({ score: '85' })).toBe(85);
    expect(metaScore({})).toBe(75);
    expect([40, 60, 75, 100, 150].map(yaraLevel)).toEqual(['medium', 'medium', 'medium', 'high', 'critical']);
    const m: RuleMatch = {
      ruleIdentifier: 'WEBSHELL_PHP_Test',
      namespace: 'default',
      meta: { author: 'A. Author', description: 'test rule', reference: 'https://example.org', score: 100 },
      tags: ['attack.t1505.003'],
      matches: [{ identifier: '$a', offset: 0, length: 5, data: '<?php' }],
    };
    const f = yaraFinding(m, 'gen_test', bytes, facts, '0.1.0');
    expect(f.rule).toMatchObject({ id: 'gen_test:WEBSHELL_PHP_Test', title: 'WEBSHELL_PHP_Test', level: 'high', author: 'A. Author', description: 'test rule', references: ['https://example.org'] });
    expect(f).toMatchObject({ kind: 'yara', level: 'high', score: 100, attack: ['T1505.003'], time: facts.mtime });
    expect(f.matches).toEqual([{ identifier: '$a', offset: 0, length: 5, excerpt: '<?php' }]);
  });
});
