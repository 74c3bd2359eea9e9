/**
 * The `cidr` modifier: IPv4 (`10.0.0.0/8`) and IPv6 (`fe80::/10`, `::ffff:10.0.0.0/104`) networks. Addresses are
 * compared as 128-bit numbers (IPv4 as its own 32 bits), so a test is two bigint operations.
 * Event values are read as Windows and web logs write them: dotted quads, RFC 4291/5952 IPv6 with or without
 * brackets and zone (`fe80::1%12`), and IPv4-mapped IPv6 (`::ffff:192.0.2.1`) also matches the IPv4 network.
 */

export interface CidrNet {
  v6: boolean;
  /** Network address with the host bits cleared. */
  base: bigint;
  /** Mask of the network bits. */
  mask: bigint;
  text: string;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIPv4(s: string): bigint | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part[0] === '0') return undefined; // leading zeros are ambiguous (octal in some parsers)
    const v = Number(part);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

export function parseIPv6(s: string): bigint | undefined {
  let t = s;
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) return undefined;
  let tail4: bigint | undefined;
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(t.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    t = t.slice(0, lastColon + 1) + '0:0';
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = head.length + tail.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  const all = [...head, ...new Array<string>(8 - groups).fill('0'), ...tail];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) n = (n & ~0xffffffffn) | tail4;
  return n;
}

/** Parse a network; a bare address is a /32 or /128. Undefined when it is not one. */
export function parseCidr(text: string): CidrNet | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const bitsText = slash < 0 ? undefined : s.slice(slash + 1);
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const v4 = parseIPv4(addr);
  const v6 = v4 === undefined ? parseIPv6(addr) : undefined;
  if (v4 === undefined && v6 === undefined) return undefined;
  const width = v4 !== undefined ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (bits > width) return undefined;
  const full = (1n << BigInt(width)) - 1n;
  const mask = bits === 0 ? 0n : (full >> BigInt(width - bits)) << BigInt(width - bits);
  return { v6: v4 === undefined, base: (v4 ?? v6!) & mask, mask, text: s };
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Whether `value` (an address as text) lies in any of `nets`. */
export function inCidr(value: string, nets: readonly CidrNet[]): boolean {
  const v = value.trim();
  let a4 = parseIPv4(v);
  let a6: bigint | undefined;
  if (a4 === undefined) {
    a6 = parseIPv6(v);
    if (a6 === undefined) return false;
    if (a6 >> 32n === MAPPED_PREFIX >> 32n) a4 = a6 & 0xffffffffn;
  }
  for (const n of nets) {
    if (n.v6) {
      if (a6 !== undefined && (a6 & n.mask) === n.base) return true;
    } else if (a4 !== undefined && (a4 & n.mask) === n.base) return true;
  }
  return false;
}
