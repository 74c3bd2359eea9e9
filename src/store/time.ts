/**
 * Timestamps in the case store are microseconds since the Unix epoch, UTC (DuckDB's TIMESTAMP, ClickHouse's
 * DateTime64(6)). Findings carry ISO 8601 text; these convert between the two without going through `Date`, which
 * would drop the microseconds.
 */

const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d(?::?\d\d)?)?$/i;

let lastText = '';
let lastMicros: bigint | null = null;

/** `2021-03-03T04:05:06.123456Z` → 1614744306123456n; null when the text is not an ISO 8601 date-time. */
export function isoToMicros(text: string): bigint | null {
  // The store asks twice in a row for the same text (the column, then whether it round-trips).
  if (text === lastText) return lastMicros;
  lastMicros = parseIso(text);
  lastText = text;
  return lastMicros;
}

function parseIso(text: string): bigint | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which reads years 0–99 as 1900–1999
  date.setUTCHours(h, mi, s, 0);
  let ms = date.getTime();
  if (!Number.isFinite(ms) || date.getUTCDate() !== d) return null;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  const frac = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(ms) * 1000n + BigInt(frac);
}

/** 1614744306123456n → `2021-03-03T04:05:06.123456Z`; milliseconds only (`.123Z`) when the microseconds are zero. */
export function microsToIso(us: bigint): string {
  let ms = us / 1000n;
  let rest = us % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const base = new Date(Number(ms)).toISOString(); // …06.123Z
  return rest === 0n ? base : base.slice(0, -1) + rest.toString().padStart(3, '0') + 'Z';
}

/** Whether ISO text survives isoToMicros → microsToIso unchanged (otherwise the store keeps the text too). */
export function roundTrips(text: string): boolean {
  const us = isoToMicros(text);
  return us !== null && microsToIso(us) === text;
}
