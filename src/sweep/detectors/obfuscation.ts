/**
 * Signs that a script hides what it does (ATT&CK T1027): long encoded blobs, very long lines, text with the entropy
 * of compressed or encrypted data, code built from character codes, and odd encodings (UTF-16, GBK). Legitimate
 * applications do some of this too (minified assets, embedded images, Chinese-language apps), so each sign is weak
 * alone; they add to the language traits of the same file. All scans here are single linear passes, no regex.
 */
import { TAG, type Seen } from './trait.js';
import type { SubjectText } from './text.js';

const OBF = [TAG.defenseEvasion, TAG.obfuscation] as const;

/** Base64 alphabet (and URL-safe variant) as a lookup table. */
const B64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-') B64[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

export interface TextShape {
  /** Longest run of base64 characters, and where it starts. */
  blob: number;
  blobAt: number;
  /** Longest run of hex digits. */
  hexRun: number;
  hexAt: number;
  /** Longest line, and where it starts. */
  line: number;
  lineAt: number;
  /** Count of `\xNN` escapes. */
  hexEscapes: number;
  /** Shannon entropy in bits per character (characters above 255 folded). */
  entropy: number;
}

/** Per ASCII character: 1 if base64 (B64), 2 more if also a hex digit (hex digits are all base64 characters). */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) CLASS[c] = (B64[c] as number) | ((HEX[c] as number) << 1);

/** One pass over the text measuring the runs and entropy; lines and \xNN escapes are found with indexOf. */
export function measureShape(raw: string): TextShape {
  const counts = new Uint32Array(256);
  let blob = 0, blobAt = 0, run = 0;
  let hexRun = 0, hexAt = 0, hrun = 0;
  const n = raw.length;
  // Branch-free per character: in code, base64 and other characters alternate unpredictably, and a branch on the
  // class mispredicted often enough to make this loop the detectors' costliest. A run grows by one or drops to 0
  // through a mask, and the longest is tracked as it grows: the first run to reach the longest length is kept, as
  // when runs were scored where they end.
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    counts[c & 0xff] = (counts[c & 0xff] as number) + 1;
    const k = c < 128 ? (CLASS[c] as number) : 0;
    run = (run + 1) & -(k & 1);
    hrun = (hrun + 1) & -(k >> 1);
    if (run > blob) {
      blob = run;
      blobAt = i + 1 - run;
    }
    if (hrun > hexRun) {
      hexRun = hrun;
      hexAt = i + 1 - hrun;
    }
  }
  let line = 0, lineAt = 0, lineStart = 0;
  for (let nl = raw.indexOf('\n'); nl >= 0; nl = raw.indexOf('\n', nl + 1)) {
    if (nl - lineStart > line) {
      line = nl - lineStart;
      lineAt = lineStart;
    }
    lineStart = nl + 1;
  }
  if (n - lineStart > line) {
    line = n - lineStart;
    lineAt = lineStart;
  }
  let hexEscapes = 0;
  // the digit test folds the character to 7 bits, as it always has (so a high byte such as 0xB0 reads as '0')
  for (let e = raw.indexOf('\\x'); e >= 0; e = raw.indexOf('\\x', e + 2)) if (HEX[raw.charCodeAt(e + 2) & 127] === 1) hexEscapes++;
  let entropy = 0;
  for (const k of counts) {
    if (k === 0) continue;
    const p = k / n;
    entropy -= p * Math.log2(p);
  }
  return { blob, blobAt, hexRun, hexAt, line, lineAt, hexEscapes, entropy };
}

/** The obfuscation and encoding signs of one script file. */
export function seeObfuscation(text: SubjectText, shape: TextShape): Seen[] {
  const out: Seen[] = [];
  if (shape.blob >= 2000) {
    out.push({
      id: 'encoded-blob', title: 'Long encoded blob', score: shape.blob >= 20000 ? 30 : 20, tags: OBF, offset: shape.blobAt, length: 64,
      why: `A run of ${shape.blob} base64 characters is embedded in the script; webshells carry their real code this way to hide it from readers and signatures.`,
    });
  }
  if (shape.hexRun >= 2000) {
    out.push({
      id: 'hex-blob', title: 'Long hex blob', score: 20, tags: OBF, offset: shape.hexAt, length: 64,
      why: `A run of ${shape.hexRun} hex digits is embedded in the script, a common way to carry hidden code or a binary.`,
    });
  }
  if (shape.hexEscapes >= 40) {
    out.push({
      id: 'hex-escapes', title: 'Strings spelled in \\x escapes', score: 20, tags: OBF, offset: 0, length: 0,
      why: `${shape.hexEscapes} \\xNN escapes spell text out byte by byte, which hides function names such as eval or system from a reader.`,
    });
  }
  if (shape.line >= 5000 && text.raw.length >= 5000) {
    out.push({
      id: 'long-line', title: 'Very long line', score: 10, tags: OBF, offset: shape.lineAt, length: 64,
      why: `One line is ${shape.line} characters long; packed or obfuscated scripts put everything on one line.`,
    });
  }
  if (shape.entropy >= 5.6 && text.raw.length >= 1024) {
    out.push({
      id: 'high-entropy', title: 'High-entropy text', score: 15, tags: OBF, offset: 0, length: 0,
      why: `The text has ${shape.entropy.toFixed(2)} bits of entropy per character, as compressed or encrypted payloads do; readable code has about 4.5 to 5.`,
    });
  }
  if (text.encoding !== 'latin1') {
    out.push({
      id: 'utf-16', title: 'Script saved as UTF-16', score: 20, tags: OBF, offset: 0, length: 0,
      why: `The script is saved as ${text.encoding.toUpperCase()}, which web servers run but byte-pattern signatures written for ASCII miss.`,
    });
  }
  if (text.gbk) {
    out.push({
      id: 'gbk', title: 'GBK-encoded text', score: 5, tags: [], offset: 0, length: 0,
      why: 'The text is encoded in GBK (Chinese), as many webshell kits are; legitimate Chinese applications use it too, so it only adds weight.',
    });
  }
  return out;
}
