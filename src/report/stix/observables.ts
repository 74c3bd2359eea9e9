/**
 * A finding's evidence as STIX 2.1 cyber-observable objects: the file (with its hashes) a sweep found, the process and
 * command line (with its image, parent and user) an event recorded, the addresses, ports and names of a connection,
 * the registry key written. Field names are those of Sysmon, the Security log, IIS/W3C and Exchange logs; anything not
 * recognised stays out (the sighting's description carries the summary). Values are checked before they become
 * observables (an "IP address" that is not one is dropped), because evidence is attacker-controlled text.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { EvidenceValue, Finding } from '../../findings/finding.js';
import { scoId, stixTimestamp } from './ids.js';

export type Sco = Record<string, unknown> & { type: string; id: string };

const FIELDS = {
  commandLine: ['CommandLine', 'ProcessCommandLine', 'process.command_line', 'cmdline'],
  image: ['Image', 'NewProcessName', 'process.executable', 'ProcessName'],
  pid: ['ProcessId', 'NewProcessId', 'process.pid'],
  parentImage: ['ParentImage', 'ParentProcessName', 'process.parent.executable'],
  parentCommandLine: ['ParentCommandLine', 'process.parent.command_line'],
  user: ['User', 'SubjectUserName', 'user.name'],
  hashes: ['Hashes'],
  targetFile: ['TargetFilename', 'file.path'],
  srcIp: ['SourceIp', 'SourceAddress', 'c-ip', 'ClientIpAddress', 'IpAddress', 'source.ip'],
  dstIp: ['DestinationIp', 'DestAddress', 'DestinationAddress', 's-ip', 'destination.ip'],
  srcPort: ['SourcePort', 'source.port'],
  dstPort: ['DestinationPort', 's-port', 'destination.port'],
  dstHost: ['DestinationHostname', 'QueryName', 'dns.question.name'],
  registryKey: ['TargetObject', 'registry.path'],
  registryValue: ['Details', 'registry.data.strings'],
  url: ['Url', 'url.full', 'c-uri'],
} as const;

function pick(ev: Record<string, EvidenceValue>, names: readonly string[]): EvidenceValue | undefined {
  for (const n of names) if (ev[n] !== undefined && ev[n] !== null && ev[n] !== '') return ev[n];
  const lower = new Map(Object.keys(ev).map((k) => [k.toLowerCase(), k]));
  for (const n of names) {
    const k = lower.get(n.toLowerCase());
    if (k !== undefined && ev[k] !== null && ev[k] !== '') return ev[k];
  }
  return undefined;
}

const str = (v: EvidenceValue | undefined) => (v === undefined || v === null ? undefined : String(v));

function int(v: EvidenceValue | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

function dirname(p: string): string | undefined {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i) : undefined;
}

const HASH_NAMES: Record<string, string> = { MD5: 'MD5', SHA1: 'SHA-1', SHA256: 'SHA-256', 'SHA-256': 'SHA-256', 'SHA-1': 'SHA-1', SHA512: 'SHA-512' };
const HASH_LENGTHS: Record<string, number> = { MD5: 32, 'SHA-1': 40, 'SHA-256': 64, 'SHA-512': 128 };

/** Sysmon's `SHA256=AB…,MD5=CD…` as STIX hashes (only well-formed hex kept, lower-cased). */
export function parseHashes(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    const name = HASH_NAMES[(k ?? '').trim().toUpperCase()];
    const hex = (v ?? '').trim().toLowerCase();
    if (name && new RegExp(`^[0-9a-f]{${HASH_LENGTHS[name]}}$`).test(hex)) out[name] = hex;
  }
  return Object.keys(out).length ? out : undefined;
}

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})*\.?$/i;

const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKU: 'HKEY_USERS',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

/** Collects the observables of one finding, each SCO once, with the roots that observed-data refers to. */
export class ObservableSet {
  readonly objects: Sco[] = [];
  readonly roots: string[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly key: string) {}

  add(type: string, props: Record<string, unknown>, root: boolean, role = type): string {
    const clean = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    const id = scoId(type, clean, `${this.key}:${role}`);
    if (!this.ids.has(id)) {
      this.ids.add(id);
      this.objects.push({ type, spec_version: '2.1', id, ...clean });
    }
    if (root && !this.roots.includes(id)) this.roots.push(id);
    return id;
  }

  file(path: string, extra: Record<string, unknown> = {}, root = false): string {
    const dir = dirname(path);
    const parent = dir ? this.add('directory', { path: dir }, false) : undefined;
    return this.add('file', { name: basename(path), parent_directory_ref: parent, ...extra }, root, `file:${path}`);
  }

  address(value: string, root = false): string | undefined {
    const v = value.trim();
    if (isIPv4(v)) return this.add('ipv4-addr', { value: v }, root);
    if (isIPv6(v)) return this.add('ipv6-addr', { value: v }, root);
    return undefined;
  }
}

/** The observables of a finding; never empty (at worst, the evidence file it came from). */
export function observablesOf(f: Finding, key: string): ObservableSet {
  const o = new ObservableSet(key);
  const ev = f.evidence;

  if (f.path !== undefined || f.sha256 !== undefined) {
    const hashes = f.sha256 && /^[0-9a-f]{64}$/i.test(f.sha256) ? { 'SHA-256': f.sha256.toLowerCase() } : undefined;
    o.file(f.path ?? f.source, { hashes, size: f.size !== undefined && Number.isSafeInteger(f.size) && f.size >= 0 ? f.size : undefined }, true);
  }

  const cmd = str(pick(ev, FIELDS.commandLine));
  const image = str(pick(ev, FIELDS.image));
  if (cmd !== undefined || image !== undefined) {
    const hashText = str(pick(ev, FIELDS.hashes));
    const imageRef = image ? o.file(image, { hashes: hashText ? parseHashes(hashText) : undefined }) : undefined;
    const parentImage = str(pick(ev, FIELDS.parentImage));
    const parentCmd = str(pick(ev, FIELDS.parentCommandLine));
    const parentRef =
      parentImage || parentCmd
        ? o.add('process', { command_line: parentCmd, image_ref: parentImage ? o.file(parentImage) : undefined }, false, 'parent')
        : undefined;
    const user = str(pick(ev, FIELDS.user));
    const userRef = user ? o.add('user-account', { account_login: user }, false) : undefined;
    o.add('process', { pid: int(pick(ev, FIELDS.pid)), command_line: cmd, image_ref: imageRef, parent_ref: parentRef, creator_user_ref: userRef }, true, 'process');
  }

  const target = str(pick(ev, FIELDS.targetFile));
  if (target) o.file(target, {}, true);

  const src = str(pick(ev, FIELDS.srcIp));
  const dst = str(pick(ev, FIELDS.dstIp));
  const srcRef = src ? o.address(src) : undefined;
  const dstRef = dst ? o.address(dst) : undefined;
  if (srcRef || dstRef) {
    const v6 = [srcRef, dstRef].some((r) => r?.startsWith('ipv6'));
    const srcPort = int(pick(ev, FIELDS.srcPort));
    const dstPort = int(pick(ev, FIELDS.dstPort));
    o.add(
      'network-traffic',
      {
        src_ref: srcRef,
        dst_ref: dstRef,
        src_port: srcPort !== undefined && srcPort <= 65535 ? srcPort : undefined,
        dst_port: dstPort !== undefined && dstPort <= 65535 ? dstPort : undefined,
        protocols: [v6 ? 'ipv6' : 'ipv4', 'tcp'],
        start: stixTimestamp(f.time),
      },
      true,
    );
  }

  const host = str(pick(ev, FIELDS.dstHost));
  if (host && HOSTNAME.test(host)) o.add('domain-name', { value: host.toLowerCase().replace(/\.$/, '') }, true);

  const url = str(pick(ev, FIELDS.url));
  if (url && /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(url)) o.add('url', { value: url }, true);

  const regKey = str(pick(ev, FIELDS.registryKey));
  if (regKey) {
    const [hive, ...rest] = regKey.split('\\');
    const path = [HIVES[(hive ?? '').toUpperCase()] ?? hive, ...rest];
    const value = str(pick(ev, FIELDS.registryValue));
    // Sysmon names the value at the end of TargetObject: the key is the path above it.
    const props =
      value !== undefined && path.length > 1
        ? { key: path.slice(0, -1).join('\\'), values: [{ name: path[path.length - 1]!, data: value }] }
        : { key: path.join('\\') };
    o.add('windows-registry-key', props, true);
  }

  if (o.roots.length === 0) o.file(f.source, {}, true);
  return o;
}
