/**
 * STIX 2.1 identifiers (spec §2.9): `type--UUID`. Cyber-observable objects get the deterministic UUIDv5 the
 * specification defines (namespace 00abedb4-aa42-466c-9c01-fed23315a9b7, name = the JSON Canonicalization Scheme
 * (RFC 8785) text of the object's ID-contributing properties), so the same file or address has the same id in every
 * bundle. Other objects get UUIDv5 ids in hardnut's own namespace, from what they stand for, so exporting the same
 * case twice gives the same objects.
 */
import { createHash } from 'node:crypto';

export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** hardnut's namespace for the ids of the domain and relationship objects it writes (a fixed, random UUID). */
export const HARDNUT_NAMESPACE = '5d6e1c3a-8f4b-4f0e-9a57-2b8c4e71d3f9';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function format(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** RFC 9562 UUID version 5 (SHA-1 of namespace and name). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return format(b);
}

/** JSON Canonicalization Scheme (RFC 8785) for the plain values STIX objects hold: keys sorted by UTF-16 code units. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** ID-contributing properties of the SCO types we write (STIX 2.1, section 6, "ID Contributing Properties"). */
const CONTRIBUTING: Record<string, readonly string[]> = {
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  directory: ['path'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'domain-name': ['value'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
};

/** The deterministic id of a cyber-observable object; `fallback` names it when its type has no contributing properties. */
export function scoId(type: string, props: Record<string, unknown>, fallback: string): string {
  const keys = CONTRIBUTING[type];
  if (!keys) return `${type}--${uuidV5(HARDNUT_NAMESPACE, `${type}:${fallback}`)}`;
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (props[k] !== undefined) picked[k] = props[k];
  return `${type}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(picked))}`;
}

/** The id of a domain or relationship object standing for `what`. */
export function sdoId(type: string, what: string): string {
  return `${type}--${uuidV5(HARDNUT_NAMESPACE, `${type}:${what}`)}`;
}

const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;

/** A finding's time as a STIX timestamp (RFC 3339, UTC, `Z`), or undefined when it is not one. */
export function stixTimestamp(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  if (TIMESTAMP.test(iso)) return iso;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** `created`/`modified` need millisecond precision exactly as the schema's timestamp_millis pattern reads it. */
export function stixMillis(d: Date): string {
  return d.toISOString();
}
