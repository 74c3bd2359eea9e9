/**
 * fast-check generators of records for the writer's property tests: random XML trees with every kind of node and
 * every value type, limited to what a given reader can read (its `Features`), plus builder events with random fields
 * so templates get reused across records and chunks.
 */
import fc from 'fast-check';
import {
  cdata,
  charRef,
  el,
  entityRef,
  opt,
  pi,
  security4624,
  security4688,
  sub,
  sysmon1,
  sysmon3,
  text,
  v,
  type ArrayItemType,
  type AttributeContent,
  type EvtxRecord,
  type ScalarValue,
  type Value,
  type XmlContent,
  type XmlElement,
} from '../../src/evtx/writer/index.js';
import type { Features } from './writer-readers.js';

const NAME = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/);

/** Characters every reader prints as they are: printable BMP, tab, LF, CR; no surrogates, no C0/C1 controls. */
const SAFE_CHAR = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constantFrom(0x09, 0x0a, 0x0d) },
  { weight: 2, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }) },
).map((c) => String.fromCharCode(c));
// Any UTF-16 code unit but NUL, which ends a string (and separates array items) for every reader.
const ANY_UNIT = fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c));
const CP1252 = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ'),
);

function str(f: Features, where: 'content' | 'attribute', unit: fc.Arbitrary<string> = SAFE_CHAR): fc.Arbitrary<string> {
  // Strings in attributes must survive readers that neither escape them nor print empty attributes.
  const chars = f.exoticCharacters && unit === SAFE_CHAR ? fc.oneof({ weight: 4, arbitrary: SAFE_CHAR }, { weight: 1, arbitrary: ANY_UNIT }) : unit;
  const safe = where === 'attribute' && !f.attributeSpecials ? chars.filter((c) => c !== '"' && c !== '<' && c !== '&') : chars;
  const minLength = where === 'attribute' && !f.emptyStrings ? 1 : 0;
  const joined = fc.array(safe, { minLength, maxLength: 24 }).map((a) => a.join(''));
  const strings = f.leadingByteOrderMark ? joined : joined.filter((x) => x.charCodeAt(0) !== 0xfeff);
  if (where === 'attribute') return strings;
  return strings.filter((x) => (f.newlineContent || x !== '\n') && (f.lonelySpecials || !['<', '>', '&'].includes(x)));
}

/** Reals whose 7-digit rounding is not a near-tie (C runtimes round ties differently) and exponents within ±200. */
function tame(x: number): boolean {
  if (!Number.isFinite(x) || x === 0) return true;
  const a = Math.abs(x);
  if (a < 1e-200 || a > 1e200) return false;
  const digits = a.toExponential(10).replace(/e.*$/, '').replace('.', '');
  const tail = Number(digits.slice(7, 10));
  return tail < 450 || tail > 550;
}

function real(f: Features, single: boolean): fc.Arbitrary<number> {
  const base = fc.oneof(
    fc.double({ noDefaultInfinity: false }),
    fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1024),
    fc.constantFrom(0, -0, 1, -1, 0.1, 1e-7, 123456.789, Infinity, -Infinity, NaN),
  );
  const r = single ? base.map(Math.fround) : base;
  return f.extremeReals ? r : r.filter(tame);
}

const GUID = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});

const SID = fc
  .tuple(fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }))
  .map(([auth, subs]) => ['S-1', String(auth), ...subs.map(String)].join('-'));

const SYSTEMTIME = fc
  .record({
    year: fc.integer({ min: 1601, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    milliseconds: fc.integer({ min: 0, max: 999 }),
  });

function scalar(type: ArrayItemType | 'binary', f: Features, where: 'content' | 'attribute'): fc.Arbitrary<ScalarValue> {
  switch (type) {
    case 'string':
      return str(f, where).map((s) => v.string(s));
    case 'ansi':
      return str(f, where, f.ansiSpecials ? CP1252 : CP1252.filter((c) => !'<>&'.includes(c))).map((s) => v.ansi(s));
    case 'int8':
      return fc.integer({ min: -128, max: 127 }).map(v.int8);
    case 'uint8':
      return fc.integer({ min: 0, max: 255 }).map(v.uint8);
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 }).map(v.int16);
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 }).map(v.uint16);
    case 'int32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff }).map(v.int32);
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff }).map(v.uint32);
    case 'hex32':
      return fc.integer({ min: 0, max: 0xffffffff }).map(v.hex32);
    case 'int64':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(v.int64);
    case 'uint64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(v.uint64);
    case 'hex64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(v.hex64);
    case 'real32':
      return real(f, true).map(v.real32);
    case 'real64':
      return real(f, false).map(v.real64);
    case 'bool':
      return fc.oneof(fc.boolean().map((b) => v.bool(b)), fc.integer({ min: 2, max: 0xffffffff }).map((raw) => v.bool(true, raw)));
    case 'binary':
      return fc.uint8Array({ minLength: where === 'attribute' && !f.emptyStrings ? 1 : 0, maxLength: 32 }).map(v.binary);
    case 'guid':
      return GUID.map(v.guid);
    case 'sizet':
      return fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map((n) => v.sizet(n, 4)), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => v.sizet(n, 8)));
    case 'filetime':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(v.filetime);
    case 'systemtime':
      return SYSTEMTIME.map((t) => v.systemtime(t));
    case 'sid':
      return SID.map(v.sid);
  }
}

const SCALAR_TYPES: readonly (ArrayItemType | 'binary')[] = [
  'string', 'ansi', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'real32', 'real64', 'bool',
  'binary', 'guid', 'sizet', 'filetime', 'systemtime', 'sid', 'hex32', 'hex64',
];
const UNKNOWN_CODES = [0x16, 0x17, 0x18, 0x1f, 0x22, 0x24, 0x30, 0x7f];

/** Any value the reader can show in `where` (null only where it may appear). */
export function value(f: Features, where: 'content' | 'attribute'): fc.Arbitrary<Value> {
  const scalars = fc.constantFrom(...SCALAR_TYPES).chain((t) => scalar(t, f, where) as fc.Arbitrary<Value>);
  // Array items are told apart by their width: a size_t array is all 8-byte items, as on 64-bit Windows.
  const item = (t: ArrayItemType): fc.Arbitrary<ScalarValue> => {
    if (t === 'sizet') return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => v.sizet(n, 8));
    if ((t === 'string' || t === 'ansi') && !f.awkwardArrayStrings) {
      return scalar(t, f, where).filter((x) => x.type === t && x.value !== '');
    }
    return scalar(t, f, where);
  };
  const arrays = fc.constantFrom(...f.arrays).chain((t) =>
    fc.array(item(t), { minLength: f.emptyArrays ? 0 : 1, maxLength: 4 }).map((items) => v.array(t, items) as Value),
  );
  const opaque = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => v.evthandle(b) as Value),
    fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b) => v.evtxml(b) as Value),
    fc.tuple(fc.constantFrom(...UNKNOWN_CODES), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([c, b]) => v.raw(c, b) as Value),
  );
  const kinds: fc.WeightedArbitrary<Value>[] = [
    { weight: 8, arbitrary: scalars },
    { weight: 2, arbitrary: arrays },
  ];
  if (f.opaqueTypes) kinds.push({ weight: 1, arbitrary: opaque });
  return fc.oneof(...kinds);
}

/** A substitution; `alone` when it is the whole content or attribute value (arrays only make sense there). */
function substitution(f: Features, where: 'content' | 'attribute', alone = true): fc.Arbitrary<AttributeContent> {
  const val = alone ? value(f, where) : value(f, where).filter((x) => x.type !== 'array');
  return fc.oneof(
    { weight: 3, arbitrary: val.map((x) => sub(x)) },
    { weight: 3, arbitrary: val.map((x) => opt(x)) },
    { weight: 1, arbitrary: fc.constantFrom('uint16', 'string', 'guid').map((t) => opt(v.null(), { declared: t })) },
    ...(f.nullNormalSubstitutions ? [{ weight: 1, arbitrary: fc.constant(sub(v.null(), { declared: 'string' })) }] : []),
  );
}

function attributes(f: Features): fc.Arbitrary<Record<string, AttributeContent[]>> {
  const part = fc.oneof(
    { weight: 2, arbitrary: str(f, 'attribute').map((s): AttributeContent[] => [text(s)]) },
    { weight: 3, arbitrary: substitution(f, 'attribute').map((p) => [p]) },
    ...(f.multiPartAttributes
      ? [{ weight: 1, arbitrary: fc.array(fc.oneof(str(f, 'attribute').map((s) => text(s) as AttributeContent), fc.integer({ min: 0x21, max: 0xd7ff }).map((c) => charRef(c) as AttributeContent), substitution(f, 'attribute', false)), { minLength: 1, maxLength: 3 }) }]
      : []),
  );
  return fc.uniqueArray(fc.tuple(NAME, part), { maxLength: 3, selector: ([n]) => n }).map((pairs) => Object.fromEntries(pairs));
}

/** Character data: text pieces and entity references (after text, or anywhere for readers that allow it). */
function textContent(f: Features): fc.Arbitrary<XmlContent[]> {
  // libevtx fails on an empty value token after another one.
  const more = f.emptyStrings ? str(f, 'content') : str(f, 'content').filter((x) => x !== '');
  return fc
    .tuple(str(f, 'content'), fc.array(fc.oneof(more.map((s) => text(s) as XmlContent), fc.constantFrom('lt', 'gt', 'amp', 'quot', 'apos').map((n) => entityRef(n) as XmlContent)), { maxLength: 3 }))
    .map(([first, rest]) => [text(first || 'x'), ...rest]);
}

function element(f: Features, depth: number): fc.Arbitrary<XmlElement> {
  const leaf: fc.WeightedArbitrary<XmlContent[]>[] = [
    { weight: 3, arbitrary: textContent(f) },
    { weight: 6, arbitrary: substitution(f, 'content').map((s) => [s]) },
    { weight: 1, arbitrary: fc.constant([]) },
  ];
  if (f.multiPartContent) leaf.push({ weight: 2, arbitrary: fc.array(fc.oneof(substitution(f, 'content', false) as fc.Arbitrary<XmlContent>, textContent(f).map((t) => t[0]!)), { minLength: 2, maxLength: 4 }) });
  if (f.charRefs) leaf.push({ weight: 1, arbitrary: fc.array(fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => charRef(c) as XmlContent), { minLength: 1, maxLength: 3 }) });
  if (f.cdata) leaf.push({ weight: 1, arbitrary: str(f, 'content').map((s) => [cdata(s.replace(/]]>/g, ''))]) });
  if (f.looseEntities) leaf.push({ weight: 1, arbitrary: fc.constantFrom('amp', 'nbsp', 'copy').map((n) => [entityRef(n)]) });
  const kinds: fc.WeightedArbitrary<XmlContent[]>[] = [...leaf];
  if (depth > 0) {
    const child = element(f, depth - 1);
    const piData = str(f, 'content').map((s) => s.replace(/\?>/g, '').replace(/^\s+/, ''));
    const piNode = fc.tuple(NAME, f.emptyStrings ? piData : piData.filter((d) => d !== '')).map(([t, d]) => pi(t, d) as XmlContent);
    kinds.push({ weight: 4, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: child as fc.Arbitrary<XmlContent> }, { weight: 1, arbitrary: piNode }), { minLength: 1, maxLength: 4 }) });
    kinds.push({ weight: 1, arbitrary: fc.tuple(child, fc.boolean()).map(([c, optional]) => [optional ? opt(v.binxml(c)) : sub(v.binxml(c))]) });
    if (f.mixedContent) kinds.push({ weight: 1, arbitrary: fc.tuple(textContent(f), child).map(([t, c]) => [...t, c]) });
  }
  return fc.tuple(NAME, attributes(f), fc.oneof(...kinds)).map(([name, attrs, children]) => el(name, attrs, ...children));
}

/**
 * In a raw record a null value is written as empty text; where the reader cannot show an empty attribute, such an
 * attribute gets a literal instead.
 */
function rawSafe(e: XmlElement, f: Features): XmlElement {
  const empty = (p: AttributeContent) => p.kind === 'sub' && (p.value.type === 'null' || (p.value.type === 'array' && !p.value.items.length));
  return {
    ...e,
    attributes: e.attributes.map((a) => (!f.emptyStrings && a.value.length === 1 && empty(a.value[0]!) ? { name: a.name, value: [text('x')] } : a)),
    children: e.children.map((c) => (c.kind === 'element' ? rawSafe(c, f) : c.kind === 'sub' && c.value.type === 'binxml' ? { ...c, value: { ...c.value, value: rawSafe(c.value.value, f) } } : c)),
  };
}

/** A random event: an `Event` root with random children, as a template instance or raw. */
export function randomRecord(f: Features): fc.Arbitrary<EvtxRecord> {
  return fc.tuple(fc.array(element(f, 2), { minLength: 1, maxLength: 4 }), fc.constantFrom<'template' | 'raw'>('template', 'template', 'template', 'raw')).map(([children, encoding]) => {
    const event = el('Event', { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, ...children);
    return { event: encoding === 'raw' ? rawSafe(event, f) : event, encoding, dependencyIds: !f.rawWithoutDependencyIds };
  });
}

/** A builder event with random field values: the same template shapes again and again, as in real logs. */
export function builderRecord(f: Features): fc.Arbitrary<EvtxRecord> {
  const s = str(f, 'content');
  return fc.oneof(
    fc.record({ CommandLine: s, Image: s, ProcessId: fc.integer({ min: 0, max: 0xffffffff }), LogonId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }).map((x) => sysmon1(x)),
    fc.record({ DestinationIp: s, DestinationPort: fc.integer({ min: 0, max: 65535 }), Initiated: fc.boolean() }).map((x) => sysmon3(x)),
    fc.record({ TargetUserName: s, LogonType: fc.integer({ min: 0, max: 13 }), IpAddress: s }).map((x) => security4624(x)),
    fc.record({ CommandLine: s, NewProcessId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), computer: fc.constantFrom('A', 'B', 'WS1.corp.example') }).map((x) => security4688(x)),
  );
}
