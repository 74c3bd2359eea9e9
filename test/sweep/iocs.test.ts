/** IOC lists in Loki's formats: hash lists with and without a score column, file-name regexes with false-positive filters. */
import { describe, expect, it } from 'vitest';
import { HashIndex, isHashList, matchFilename, parseFilenameIocs, parseHashIocs } from '../../src/sweep/iocs.js';
import { excerptOf, MAX_EXCERPT } from '../../src/sweep/excerpt.js';

describe('hash lists', () => {
  const text = [
    '# MD5;COMMENT',
    '',
    '0C2674C3A97C53082187D930EFB645C2;DEEP PANDA Sakula; with a semicolon',
    'bf4f41403280c1b115650d470f9b260a5c9042c04d9bcc2a6ca504a66379b2d6;55;Vulnerable Log4j library',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'nothex;bad line',
  ].join('\n');

  it('reads MD5, SHA-1 and SHA-256 lines, the optional score and comments with semicolons', () => {
    const { iocs, problems } = parseHashIocs(text, 'h.txt');
    expect(iocs.map((i) => [i.kind, i.score, i.description])).toEqual([
      ['md5', 100, 'DEEP PANDA Sakula; with a semicolon'],
      ['sha256', 55, 'Vulnerable Log4j library'],
      ['sha1', 100, ''],
    ]);
    expect(iocs[0]!.hash).toBe('0c2674c3a97c53082187d930efb645c2');
    expect(iocs[0]!.source).toBe('h.txt:3');
    expect(problems).toEqual([{ line: 6, message: expect.stringContaining("'nothex'") }]);
    expect(isHashList(text)).toBe(true);
  });

  it('finds a file by any of its digests', () => {
    const index = new HashIndex(parseHashIocs(text, 'h.txt').iocs);
    expect(index.kinds).toEqual(new Set(['md5', 'sha256', 'sha1']));
    expect(index.lookup({ sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', sha256: '00' }).map((i) => i.kind)).toEqual(['sha1']);
    expect(index.lookup({ md5: 'ffffffffffffffffffffffffffffffff' })).toEqual([]);
  });
});

describe('file-name lists', () => {
  const text = [
    '# Regin',
    '\\\\usbclass\\.sys;80',
    '# Webshell names',
    '(?i)/uploads/[^/]+\\.php$;70;/uploads/allowed/',
    '\\\\foo\\.jsp;75;(examples|/demo-base/|test\\.war)',
    'no score here',
    '([unclosed;60',
  ].join('\n');

  it('reads REGEX;SCORE[;FP], (?i) as the i flag, the comment above as description; bad lines are problems', () => {
    const { iocs, problems } = parseFilenameIocs(text, 'f.txt');
    expect(iocs.map((i) => [i.score, i.description, i.pattern.flags])).toEqual([
      [80, 'Regin', ''],
      [70, 'Webshell names', 'i'],
      [75, 'Webshell names', ''],
    ]);
    expect(problems.map((p) => p.line)).toEqual([6, 7]);
    expect(isHashList(text)).toBe(false);
  });

  it('tests Windows-style patterns against slash paths too, and honours the false-positive regex', () => {
    const { iocs } = parseFilenameIocs(text, 'f.txt');
    expect(matchFilename(iocs, 'C:\\Windows\\usbclass.sys').map((i) => i.score)).toEqual([80]);
    expect(matchFilename(iocs, '/mnt/c/Windows/usbclass.sys').map((i) => i.score)).toEqual([80]);
    expect(matchFilename(iocs, '/var/www/UPLOADS/x.PHP').map((i) => i.score)).toEqual([70]);
    expect(matchFilename(iocs, '/var/www/uploads/allowed/x.php')).toEqual([]);
    expect(matchFilename(iocs, '/srv/tomcat/webapps/examples/foo.jsp')).toEqual([]);
    expect(matchFilename(iocs, '/srv/tomcat/webapps/ROOT/foo.jsp').map((i) => i.score)).toEqual([75]);
  });
});

describe('excerpts', () => {
  it('escapes what is not printable ASCII, and the backslash', () => {
    const bytes = new TextEncoder().encode('a\x00\n\\é<?php');
    expect(excerptOf(bytes, 0, bytes.length)).toBe('a\\x00\\x0a\\x5c\\xc3\\xa9<?php');
  });

  it('stays within 80 characters, marks a cut, and clips to the file', () => {
    const bytes = new Uint8Array(500).fill(0x01);
    const e = excerptOf(bytes, 0, 500);
    expect(e.length).toBeLessThanOrEqual(MAX_EXCERPT);
    expect(e.endsWith('…')).toBe(true);
    expect(excerptOf(new TextEncoder().encode('abc'), 1, 99)).toBe('bc');
    expect(excerptOf(new TextEncoder().encode('abc'), 7, 2)).toBe('');
    expect(excerptOf(new Uint8Array(80).fill(0x41), 0, 80)).toBe('A'.repeat(80));
  });
});
