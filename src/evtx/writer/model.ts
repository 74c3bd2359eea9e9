/**
 * The record model: an XML tree whose leaves are literal text, typed values (template substitutions), character
 * and entity references, CDATA sections and processing instructions — every node BinXml can express. The writer
 * turns the tree into a template (its shape: names, literals, substitution slots) plus the instance's values, so
 * records of the same shape share one template definition per chunk, as Windows does.
 */
import { TYPE_CODE, type TypeName, type Value } from './values.js';

export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlContent[];
}

export interface XmlAttribute {
  readonly name: string;
  /** Usually one part; several parts (text, then a character reference…) are written as several tokens. */
  readonly value: readonly AttributeContent[];
}

/** Literal character data, part of the template (a Value token holding a string). */
export interface XmlText {
  readonly kind: 'text';
  readonly text: string;
}

/**
 * A typed value. In a template it is a substitution: normal, or optional (an optional one whose value is null makes
 * the reader drop the element or attribute around it). In a raw record it is written as its text.
 */
export interface XmlSubstitution {
  readonly kind: 'sub';
  readonly value: Value;
  readonly optional: boolean;
  /** Substitution index; by default the next free one in document order. Windows numbers System fields its own way. */
  readonly id?: number;
  /** Type code in the substitution token; by default the value's. A null value in a typed slot keeps the slot's type. */
  readonly declared?: number;
}

export interface XmlCharRef {
  readonly kind: 'charref';
  readonly code: number;
}

export interface XmlEntityRef {
  readonly kind: 'entityref';
  readonly name: string;
}

export interface XmlCData {
  readonly kind: 'cdata';
  readonly text: string;
}

export interface XmlPI {
  readonly kind: 'pi';
  readonly target: string;
  readonly data: string;
}

export type AttributeContent = XmlText | XmlSubstitution | XmlCharRef | XmlEntityRef;
export type XmlContent = XmlElement | AttributeContent | XmlCData | XmlPI;
export type XmlNode = XmlContent;

/** One event record to write. */
export interface EvtxRecord {
  /** Event record identifier; by default one more than the previous record's. */
  readonly id?: bigint | number;
  /** The record header's written time (FILETIME ticks, Date or ISO string); by default that of the previous record. */
  readonly written?: bigint | Date | string;
  readonly event: XmlElement;
  /** 'template' (default, as Windows writes) or 'raw': elements inline, values as text, no template. */
  readonly encoding?: 'template' | 'raw';
  /**
   * Whether raw elements carry the 2-byte dependency identifier. Real raw records (forwarded events) do not, and
   * libevtx 20181227 cannot read them; set true to write what libevtx expects. Template definitions always have it.
   */
  readonly dependencyIds?: boolean;
}

type AttributeInput = string | Value | AttributeContent | readonly AttributeInput[];
/** Children: a string is literal text, a Value a normal substitution; null and undefined are skipped. */
export type ContentInput = string | Value | XmlContent | null | undefined | false;

function isNode(x: object): x is XmlContent {
  return 'kind' in x;
}

function attributeParts(input: AttributeInput): AttributeContent[] {
  if (typeof input === 'string') return [text(input)];
  if (Array.isArray(input)) return (input as readonly AttributeInput[]).flatMap(attributeParts);
  const x = input as Value | AttributeContent;
  if (isNode(x)) return [x];
  return [sub(x)];
}

/** `el('Data', { Name: 'CommandLine' }, v.string('cmd.exe'))` */
export function el(name: string, attributes?: Record<string, AttributeInput | null | undefined> | null, ...children: ContentInput[]): XmlElement {
  const attrs: XmlAttribute[] = [];
  if (attributes) {
    for (const k in attributes) {
      const a = attributes[k];
      if (a === null || a === undefined) continue;
      // The common cases without the general flattening: one literal, one value, one node.
      const value = typeof a === 'string' ? [text(a)] : Array.isArray(a) ? attributeParts(a) : isNode(a as object) ? [a as AttributeContent] : [sub(a as Value)];
      attrs.push({ name: k, value });
    }
  }
  const kids: XmlContent[] = [];
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (typeof c === 'string') kids.push(text(c));
    else if (isNode(c)) kids.push(c);
    else kids.push(sub(c));
  }
  return { kind: 'element', name, attributes: attrs, children: kids };
}

export function text(s: string): XmlText {
  return { kind: 'text', text: s };
}

function declaredCode(declared: TypeName | number | undefined): number | undefined {
  return declared === undefined ? undefined : typeof declared === 'number' ? declared : TYPE_CODE[declared];
}

interface SubOptions {
  id?: number;
  declared?: TypeName | number;
}

function makeSub(value: Value, optional: boolean, o: SubOptions): XmlSubstitution {
  // Plain object literals, not spreads: builders make tens of these per record.
  const declared = declaredCode(o.declared);
  if (o.id === undefined && declared === undefined) return { kind: 'sub', value, optional };
  if (declared === undefined) return { kind: 'sub', value, optional, id: o.id! };
  if (o.id === undefined) return { kind: 'sub', value, optional, declared };
  return { kind: 'sub', value, optional, id: o.id, declared };
}

const NO_OPTIONS: SubOptions = {};

/** A normal substitution. */
export function sub(value: Value, options: SubOptions = NO_OPTIONS): XmlSubstitution {
  return makeSub(value, false, options);
}

/** An optional substitution: with a null value the reader drops the element (or attribute) that holds it. */
export function opt(value: Value, options: SubOptions = NO_OPTIONS): XmlSubstitution {
  return makeSub(value, true, options);
}

export function charRef(code: number): XmlCharRef {
  return { kind: 'charref', code };
}

export function entityRef(name: string): XmlEntityRef {
  return { kind: 'entityref', name };
}

export function cdata(s: string): XmlCData {
  return { kind: 'cdata', text: s };
}

export function pi(target: string, data: string): XmlPI {
  return { kind: 'pi', target, data };
}
