/**
 * Timestamps of text logs → ISO 8601 UTC (`2021-03-03T06:49:42.162Z`, always milliseconds, so times of every source
 * sort together as strings). Each function returns undefined for text that is not a valid time: a bad time never
 * throws and never becomes a wrong date.
 */

/** Milliseconds since the epoch → ISO UTC, or undefined when out of the representable range. */
export function isoFromMs(ms: number): string | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return undefined;
  return d.toISOString();
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 31 February over into March: reject what does not round-trip.
  const back = new Date(t);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return undefined;
  return t;
}

/** Fractional seconds text ("162", "1620000") → milliseconds, truncated. */
function fracMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + '00').slice(0, 3));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/;

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48,
    b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The last date checked by the fast path: a log has one date for thousands of lines. */
let lastDate = '';
let lastDateOk = false;

/** W3C `date` (YYYY-MM-DD) and `time` (HH:MM:SS[.s]), which the W3C format records in UTC. */
export function isoFromDateAndTime(date: string | undefined, time: string | undefined): string | undefined {
  if (date === undefined) return undefined;
  // Fast path for the usual `2021-03-03` `06:49:42`: no regex, no Date, the date checked once per distinct value.
  if (date.length === 10 && time !== undefined && time.length === 8 && time.charCodeAt(2) === 58 && time.charCodeAt(5) === 58) {
    if (date !== lastDate) {
      lastDate = date;
      lastDateOk = isoFromDateAndTime(date, undefined) !== undefined;
    }
    const h = two(time, 0),
      m = two(time, 3),
      sec = two(time, 6);
    if (lastDateOk && h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60) return `${date}T${time}.000Z`;
  }
  const dm = DATE_RE.exec(date);
  if (!dm) return undefined;
  let h = 0,
    mi = 0,
    s = 0,
    ms = 0;
  if (time !== undefined) {
    const tm = TIME_RE.exec(time);
    if (!tm) return undefined;
    h = Number(tm[1]);
    mi = Number(tm[2]);
    s = Number(tm[3]);
    ms = fracMs(tm[4]);
  }
  const t = utc(Number(dm[1]), Number(dm[2]), Number(dm[3]), h, mi, s, ms);
  return t === undefined ? undefined : isoFromMs(t);
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * ISO 8601 date-time with `Z`, an offset, or no zone (taken as UTC, which is what Exchange, evtx_dump and ECS
 * write). `2021-03-03T06:49:42.1620000Z` → `2021-03-03T06:49:42.162Z`.
 */
export function isoFromIso(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = ISO_RE.exec(text.trim());
  if (!m) return undefined;
  let t = utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), fracMs(m[7]));
  if (t === undefined) return undefined;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    t -= sign * offMin * 60_000;
  }
  return isoFromMs(t);
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const CLF_RE = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*([+-]\d{4})?$/;

/** The Common Log Format time, `10/Oct/2000:13:55:36 -0700` (without the brackets). */
export function isoFromClf(text: string): string | undefined {
  const m = CLF_RE.exec(text);
  if (!m) return undefined;
  const mo = MONTHS[m[2]!.toLowerCase()];
  if (mo === undefined) return undefined;
  let t = utc(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), fracMs(m[7]));
  if (t === undefined) return undefined;
  const zone = m[8];
  if (zone) {
    const sign = zone[0] === '-' ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return isoFromMs(t);
}

const US_DATE_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;

/** The IIS (native) log format's `MM/DD/YY` and `H:MM:SS`, in the server's local time, which the log does not name. */
export function isoFromUsDate(date: string, time: string): string | undefined {
  const dm = US_DATE_RE.exec(date.trim());
  const tm = TIME_RE.exec(time.trim());
  if (!dm || !tm) return undefined;
  let y = Number(dm[3]);
  if (dm[3]!.length === 2) y += y < 70 ? 2000 : 1900;
  const t = utc(y, Number(dm[1]), Number(dm[2]), Number(tm[1]), Number(tm[2]), Number(tm[3]), fracMs(tm[4]));
  return t === undefined ? undefined : isoFromMs(t);
}

/** A time of unknown spelling (generic JSON/CSV): ISO text, or epoch seconds/milliseconds as numbers. */
export function isoFromAny(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const iso = isoFromIso(v);
    if (iso) return iso;
    if (/^\d{10}(\.\d+)?$/.test(v)) return isoFromMs(Number(v) * 1000);
    if (/^\d{13}$/.test(v)) return isoFromMs(Number(v));
    return undefined;
  }
  if (typeof v === 'number') {
    // Epoch seconds until the year 5138, milliseconds after: no log has times that far out either way.
    return isoFromMs(v < 1e11 ? v * 1000 : v);
  }
  return undefined;
}
