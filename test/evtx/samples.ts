/** Where the third-party EVTX samples are, and small readers for them and their reference outputs (tests only). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DATA } from '../helpers.js';

export const REGRESSION = join(DATA, 'sigma', 'regression_data');
export const ATTACK = join(DATA, 'evtx', 'attack-samples');
export const PARSER = join(DATA, 'evtx', 'parser-samples');
export const REFERENCE = join(DATA, '..', 'tools', 'acceptance', 'reference');

/** Every *.evtx under `root`, sorted. */
export function evtxFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.toLowerCase().endsWith('.evtx')) out.push(p);
    }
  };
  walk(root);
  return out;
}

export function bytesOf(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** evtx_dump writes pretty-printed JSON objects one after another: split them at top-level braces. */
export function concatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

export interface RefRecord {
  rid?: string | undefined;
  eid?: string | null;
  time?: string | null;
  channel?: string | null;
  computer?: string | null;
  provider?: string | null;
  data?: Record<string, string>;
}

/** evtxexport's records per file (made by the acceptance tools' evtxexport_ref.py), keyed by path under the set. */
export function evtxexportReference(set: 'attack' | 'parser'): Record<string, { ok: boolean; records: RefRecord[] }> | undefined {
  try {
    return JSON.parse(gunzipSync(readFileSync(join(REFERENCE, `evtxexport-${set}-samples.json.gz`))).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The Rust parser's record counts for the damaged samples (parser-samples/tests/test_full_samples.rs). */
export const RUST_COUNTS: Record<string, number> = {
  'sample-with-irregular-bool-values.evtx': 3028,
  '2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx': 1910,
  '2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx': 1774,
  '2-vss_7-System.evtx': 1160,
  'sample_with_a_bad_chunk_magic.evtx': 270,
  'Microsoft-Windows-HelloForBusiness%4Operational.evtx': 6,
  'Microsoft-Windows-LanguagePackSetup%4Operational.evtx': 17,
  'E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx': 1146,
  'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 340,
  'E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 459,
  'Application_no_crc32.evtx': 17,
  'post-Security.evtx': 126,
  'sample-with-zero-data-size-event.evtx': 335,
};
