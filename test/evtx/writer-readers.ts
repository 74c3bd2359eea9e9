/**
 * The readers the writer's round-trip tests run against, and what each can read. THE PLACE TO PLUG A SECOND READER:
 * `READERS` below. When our parser lands, add one line there, e.g.
 *
 *   { name: 'hardnut', unavailable: () => undefined, profile: FULL, read: (file) => readXml(renderXml(file)) },
 *
 * where `renderXml` is the parser's XML rendering of a whole file (`evtx dump --format xml`), and every round-trip
 * test (writer-evtxexport, writer-property) runs against it too. A reader that cannot read some construct says so in
 * its `features`; the generators then leave that construct out for it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scalarText, type ArrayItemType, type RenderedElement, type ScalarValue } from '../../src/evtx/writer/index.js';
import { walkFile } from './structure-walk.js';
import { parseXmlDump } from './xml-dump.js';

export interface Features {
  /** Character references (`&#38;`). */
  charRefs: boolean;
  /** CDATA sections. */
  cdata: boolean;
  /** Text and child elements in one element. */
  mixedContent: boolean;
  /** Element content made of several parts (text then a substitution, values of different types). */
  multiPartContent: boolean;
  /** Attribute values of several parts. */
  multiPartAttributes: boolean;
  /** Empty attribute values and empty PI data. */
  emptyStrings: boolean;
  /** `"`, `<` and `&` in attribute values (a reader that does not escape them prints invalid XML). */
  attributeSpecials: boolean;
  /** Entity references standing alone (not after text), and names outside lt/gt/amp/quot/apos. */
  looseEntities: boolean;
  /** EvtHandle, EvtXml and unknown type codes. */
  opaqueTypes: boolean;
  /** A normal substitution whose value is null. */
  nullNormalSubstitutions: boolean;
  /** Item types arrays may have. */
  arrays: ReadonlySet<ArrayItemType>;
  emptyArrays: boolean;
  /** Empty strings in string arrays (libevtx fails on them after a non-empty one). */
  awkwardArrayStrings: boolean;
  /** "<", ">" and "&" in ANSI strings (libevtx does not escape ANSI strings). */
  ansiSpecials: boolean;
  /** Characters outside the BMP (surrogate pairs) and C0/C1 controls other than tab, LF, CR. */
  exoticCharacters: boolean;
  /** Raw (non-template) elements without dependency identifiers, as real forwarded-event logs have them. */
  rawWithoutDependencyIds: boolean;
  /** Element content that is exactly "\n" (libevtx prints it empty, as Event Viewer shows it). */
  newlineContent: boolean;
  /** Element content that is exactly "<", ">" or "&" (libevtx fails to escape a one-character string). */
  lonelySpecials: boolean;
  /** Text that starts with U+FEFF (libevtx takes it for a byte-order mark and drops it). */
  leadingByteOrderMark: boolean;
  /** Real numbers beyond 1e±200 and exact ties at the 7th digit (printf rounding differs between C runtimes). */
  extremeReals: boolean;
}

export interface ReaderProfile {
  /** The reader's text for a value. */
  text(value: ScalarValue): string;
  features: Features;
}

export interface ReadResult {
  records: RenderedElement[];
  /** Error lines and skipped records the reader reported. */
  problems: string[];
  ok: boolean;
}

export interface RecordReader {
  name: string;
  /** Why this reader cannot run here, or undefined. */
  unavailable(): string | undefined;
  read(file: Uint8Array, hints: { rawDependencyIds: boolean }): ReadResult;
  profile: ReaderProfile;
}

const ALL_ARRAYS: ReadonlySet<ArrayItemType> = new Set<ArrayItemType>([
  'string', 'ansi', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'real32', 'real64',
  'bool', 'guid', 'sizet', 'filetime', 'systemtime', 'sid', 'hex32', 'hex64',
]);

/** Everything the format can express. */
export const FULL: ReaderProfile = {
  text: scalarText,
  features: {
    charRefs: true,
    cdata: true,
    mixedContent: true,
    multiPartContent: true,
    multiPartAttributes: true,
    emptyStrings: true,
    attributeSpecials: true,
    looseEntities: true,
    opaqueTypes: true,
    nullNormalSubstitutions: true,
    arrays: ALL_ARRAYS,
    emptyArrays: true,
    awkwardArrayStrings: true,
    ansiSpecials: true,
    exoticCharacters: true,
    rawWithoutDependencyIds: true,
    newlineContent: true,
    lonelySpecials: true,
    extremeReals: true,
    leadingByteOrderMark: true,
  },
};

/** libevtx prints negative integers in sign-magnitude: int8 −1 as −127, −5 as −123; the minimum stays right. */
function signMagnitude(x: bigint, bits: number): string {
  const u = BigInt.asUintN(bits, x);
  const m = u & ((1n << BigInt(bits - 1)) - 1n);
  return m === 0n ? String(-(1n << BigInt(bits - 1))) : '-' + String(m);
}

const INT_BITS: Partial<Record<ScalarValue['type'], number>> = { int8: 8, int16: 16, int32: 32, int64: 64 };

/** evtxexport 20181227 (Debian libevtx-utils): what it reads, and how it spells values. */
export const LIBEVTX: ReaderProfile = {
  text(value) {
    const bits = INT_BITS[value.type];
    if (bits && (value.type === 'int64' ? (value.value as bigint) < 0n : (value.value as number) < 0)) return signMagnitude(BigInt(value.value as number | bigint), bits);
    if ((value.type === 'real32' || value.type === 'real64') && value.value === -Infinity) return 'Inf';
    return scalarText(value);
  },
  features: {
    charRefs: false, // "unsupported type: 0x08"
    cdata: false, // replaces the element that holds it
    mixedContent: false, // drops the child elements
    multiPartContent: false, // drops the text before a substitution; "value type mismatch" across types
    multiPartAttributes: false,
    emptyStrings: false, // "Unable to export record"
    attributeSpecials: false, // printed unescaped
    looseEntities: false,
    opaqueTypes: false, // "unsupported value type: 0x20 / 0x23"
    nullNormalSubstitutions: false, // "unable to substitute template value"
    arrays: new Set([...ALL_ARRAYS].filter((t) => t !== 'bool' && t !== 'sizet' && t !== 'sid')),
    emptyArrays: false,
    awkwardArrayStrings: false,
    ansiSpecials: false,
    exoticCharacters: false, // surrogate pairs come out as other characters
    rawWithoutDependencyIds: false, // reads raw elements as if they had one (the issue_201 sample fails the same way)
    newlineContent: false,
    lonelySpecials: false,
    extremeReals: false,
    leadingByteOrderMark: false, // found by the property test: a string "\ufeff" comes out empty
  },
};

export function haveEvtxexport(): boolean {
  return spawnSync('sh', ['-c', 'command -v evtxexport'], { stdio: 'ignore' }).status === 0;
}

/** Run evtxexport -f xml on the bytes (through a temporary file). */
export function evtxexportXml(file: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hardnut-evtxw-'));
  try {
    const path = join(dir, 'test.evtx');
    writeFileSync(path, file);
    const p = spawnSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return { status: p.status, stdout: p.stdout, stderr: p.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const evtxexport: RecordReader = {
  name: 'evtxexport',
  unavailable: () => (haveEvtxexport() ? undefined : 'evtxexport is not installed (Debian package libevtx-utils)'),
  profile: LIBEVTX,
  read(file) {
    const p = evtxexportXml(file);
    const dump = parseXmlDump(p.stdout);
    const problems = [...dump.other.filter((l) => !/^evtxexport \d+$/.test(l)), ...p.stderr.split('\n').filter(Boolean)];
    return { records: dump.events, problems, ok: p.status === 0 };
  },
};

// Windows-1252 0x80–0x9F (the WHATWG table); Node's TextDecoder treats the label as Latin-1.
const CP1252 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Test-side decoding of a value's bytes, for the structural walker. */
export function decodedText(type: number, d: Uint8Array): string {
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const s = (x: ScalarValue) => scalarText(x);
  switch (type) {
    case 0x00:
      return '';
    case 0x01: {
      let str = '';
      for (let i = 0; i + 1 < d.length; i += 2) str += String.fromCharCode(dv.getUint16(i, true));
      return str.replace(/\0$/, '');
    }
    case 0x02: {
      let str = '';
      for (const b of d) str += b >= 0x80 && b < 0xa0 ? CP1252[b - 0x80]! : String.fromCharCode(b);
      return str.replace(/\0$/, '');
    }
    case 0x03:
      return s({ type: 'int8', value: dv.getInt8(0) });
    case 0x04:
      return s({ type: 'uint8', value: dv.getUint8(0) });
    case 0x05:
      return s({ type: 'int16', value: dv.getInt16(0, true) });
    case 0x06:
      return s({ type: 'uint16', value: dv.getUint16(0, true) });
    case 0x07:
      return s({ type: 'int32', value: dv.getInt32(0, true) });
    case 0x08:
      return s({ type: 'uint32', value: dv.getUint32(0, true) });
    case 0x09:
      return s({ type: 'int64', value: dv.getBigInt64(0, true) });
    case 0x0a:
      return s({ type: 'uint64', value: dv.getBigUint64(0, true) });
    case 0x0b:
      return s({ type: 'real32', value: dv.getFloat32(0, true) });
    case 0x0c:
      return s({ type: 'real64', value: dv.getFloat64(0, true) });
    case 0x0d:
      return dv.getUint32(0, true) ? 'true' : 'false';
    case 0x0f: {
      const h = (a: number, b: number) => [...d.subarray(a, b)].map((x) => x.toString(16).padStart(2, '0')).join('');
      const g = `${dv.getUint32(0, true).toString(16).padStart(8, '0')}-${dv.getUint16(4, true).toString(16).padStart(4, '0')}-${dv.getUint16(6, true).toString(16).padStart(4, '0')}-${h(8, 10)}-${h(10, 16)}`;
      return s({ type: 'guid', value: g });
    }
    case 0x10:
      return s({ type: 'sizet', value: d.length === 4 ? BigInt(dv.getUint32(0, true)) : dv.getBigUint64(0, true), width: d.length === 4 ? 4 : 8 });
    case 0x11:
      return s({ type: 'filetime', value: dv.getBigUint64(0, true) });
    case 0x12: {
      const u = (i: number) => dv.getUint16(2 * i, true);
      return s({ type: 'systemtime', value: { year: u(0), month: u(1), dayOfWeek: u(2), day: u(3), hour: u(4), minute: u(5), second: u(6), milliseconds: u(7) } });
    }
    case 0x13: {
      let auth = 0n;
      for (let i = 2; i < 8; i++) auth = (auth << 8n) | BigInt(d[i]!);
      let sid = `S-${d[0]}-${auth}`;
      for (let i = 0; i < d[1]!; i++) sid += '-' + dv.getUint32(8 + 4 * i, true);
      return s({ type: 'sid', value: sid });
    }
    case 0x14:
      return s({ type: 'hex32', value: dv.getUint32(0, true) });
    case 0x15:
      return s({ type: 'hex64', value: dv.getBigUint64(0, true) });
    default:
      return s({ type: 'binary', value: d });
  }
}

const walker: RecordReader = {
  name: 'structure walker',
  unavailable: () => undefined,
  profile: FULL,
  read(file, hints) {
    const w = walkFile(file, { text: decodedText, rawDependencyIds: hints.rawDependencyIds });
    return { records: w.records.map((r) => r.tree), problems: [], ok: true };
  },
};

/** Every reader the round-trip tests run against. Add our parser here when it lands (see the comment at the top). */
export const READERS: readonly RecordReader[] = [evtxexport, walker];
