/**
 * A case as a STIX 2.1 bundle for NCSC, the FBI and CISA, written as it streams (findings arrive grouped: same rule,
 * host and summary together, see FindingQuery `group`), so a large case never sits in memory as objects.
 *
 * What it holds:
 * - an `identity` for the reporting organisation (created_by_ref of everything) and one per host (`system`);
 * - the TLP `marking-definition` chosen, on every object;
 * - per group of identical findings, an `observed-data` with its cyber observables (file and hashes, process and
 *   command line, addresses and ports, registry key) and a `sighting` of what was seen, with the count, first and
 *   last seen, the host as where it was sighted, and the rule (and its author) in the description;
 * - what was sighted: an `indicator` with a STIX pattern for an IOC that matched, else the ATT&CK `attack-pattern`
 *   of each technique (with its mitre-attack external reference and kill-chain phases), else an `attack-pattern`
 *   standing for the rule itself;
 * - `relationship`s: indicator `indicates` attack-pattern, attack-pattern `targets` host, sub-technique
 *   `subtechnique-of` technique;
 * - a `report` that refers to all of it.
 */
import { randomUUID } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Finding } from '../../findings/finding.js';
import type { TextSink } from '../../sinks/output.js';
import { canonicalTechnique, techniqueInfo, techniqueUrl } from '../attack.js';
import { sdoId, stixMillis, stixTimestamp } from './ids.js';
import { observablesOf } from './observables.js';
import { tlpMarking, type Tlp } from './tlp.js';

export interface StixOptions {
  /** The reporting organisation. */
  org: string;
  contact?: string | undefined;
  tlp: Tlp;
  /** The export's time: created/modified of the objects and the report's published. */
  now: Date;
  caseId?: string | undefined;
}

export interface StixCounts {
  objects: number;
  sightings: number;
  observedData: number;
  indicators: number;
  attackPatterns: number;
}

type Obj = Record<string, unknown> & { id: string };

const MAX_COUNT = 999_999_999;

/** A value inside a STIX pattern's single-quoted string literal (backslash and quote escaped, per STIX patterning). */
export function patternString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const HASH_BY_LENGTH: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };

/** The STIX pattern of the indicator an IOC finding matched, when its evidence says what it was. */
export function iocPattern(f: Finding): string | undefined {
  if (f.kind !== 'ioc') return undefined;
  const values: string[] = [];
  if (f.sha256) values.push(f.sha256);
  for (const k of ['indicator', 'ioc', 'hash', 'sha256', 'sha1', 'md5', 'value', 'ip', 'domain', 'url']) {
    const v = f.evidence[k];
    if (typeof v === 'string' && v.trim()) values.push(v.trim());
  }
  for (const v of values) {
    const hash = HASH_BY_LENGTH[v.length];
    if (hash && /^[0-9a-f]+$/i.test(v)) return `[file:hashes.'${hash}' = ${patternString(v.toLowerCase())}]`;
    if (isIPv4(v)) return `[ipv4-addr:value = ${patternString(v)}]`;
    if (isIPv6(v)) return `[ipv6-addr:value = ${patternString(v)}]`;
    if (/^https?:\/\//i.test(v)) return `[url:value = ${patternString(v)}]`;
    if (/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/i.test(v) && !/\.(php|aspx?|jsp|exe|dll|txt)$/i.test(v)) return `[domain-name:value = ${patternString(v.toLowerCase())}]`;
  }
  const name = f.evidence['filename'] ?? f.evidence['name'];
  if (typeof name === 'string' && name) return `[file:name = ${patternString(name)}]`;
  return undefined;
}

export class StixBundleWriter {
  private first = true;
  private readonly emitted = new Set<string>();
  private readonly refs: string[] = [];
  private readonly common: Record<string, unknown>;
  private readonly orgId: string;
  private readonly marking: string;
  private readonly counts: StixCounts = { objects: 0, sightings: 0, observedData: 0, indicators: 0, attackPatterns: 0 };
  private group: { key: string; f: Finding; count: number; first: string | undefined; last: string | undefined } | undefined;
  private hosts = new Set<string>();
  private findings = 0;

  constructor(
    private readonly out: TextSink,
    private readonly options: StixOptions,
  ) {
    const marking = tlpMarking(options.tlp);
    this.marking = marking['id'] as string;
    this.orgId = sdoId('identity', `organisation:${options.org}`);
    const now = stixMillis(options.now);
    this.common = { spec_version: '2.1', created_by_ref: this.orgId, created: now, modified: now, object_marking_refs: [this.marking] };
    out.write(`{"type":"bundle","id":"bundle--${randomUUID()}","objects":[`);
    this.emit(marking as Obj, false);
    this.emit({
      type: 'identity',
      id: this.orgId,
      spec_version: '2.1',
      created: now,
      modified: now,
      name: options.org,
      identity_class: 'organization',
      roles: ['reporter'],
      ...(options.contact ? { contact_information: options.contact } : {}),
      object_marking_refs: [this.marking],
    });
  }

  private emit(o: Obj, inReport = true): void {
    if (this.emitted.has(o.id)) return;
    this.emitted.add(o.id);
    this.out.write((this.first ? '\n' : ',\n') + JSON.stringify(o));
    this.first = false;
    this.counts.objects++;
    if (inReport) this.refs.push(o.id);
  }

  private sdo(type: string, id: string, props: Record<string, unknown>): Obj {
    return { type, id, ...this.common, ...props };
  }

  add(f: Finding): void {
    this.findings++;
    const key = JSON.stringify([f.rule.id, f.host, f.summary]);
    const t = stixTimestamp(f.time);
    const g = this.group;
    if (g && g.key === key) {
      g.count += f.count ?? 1;
      if (t && (!g.first || t < g.first)) g.first = t;
      if (t && (!g.last || t > g.last)) g.last = t;
      return;
    }
    if (g) this.writeGroup(g);
    this.group = { key, f, count: f.count ?? 1, first: t, last: t };
  }

  private hostIdentity(host: string): string {
    const id = sdoId('identity', `host:${host}`);
    if (!this.hosts.has(host)) {
      this.hosts.add(host);
      this.emit(this.sdo('identity', id, { name: host, identity_class: 'system', description: 'A computer whose evidence hardnut examined' }));
    }
    return id;
  }

  private attackPattern(technique: string): string {
    const info = techniqueInfo(technique);
    const id = sdoId('attack-pattern', `mitre-attack:${info.id}`);
    if (!this.emitted.has(id)) {
      this.counts.attackPatterns++;
      this.emit(
        this.sdo('attack-pattern', id, {
          name: info.name ?? info.id,
          external_references: [{ source_name: 'mitre-attack', external_id: info.id, url: techniqueUrl(info.id) }],
          ...(info.tactics.length ? { kill_chain_phases: info.tactics.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name })) } : {}),
        }),
      );
      const parent = info.id.includes('.') ? info.id.split('.')[0]! : undefined;
      if (parent) {
        const parentId = this.attackPattern(parent);
        this.relationship(id, 'subtechnique-of', parentId);
      }
    }
    return id;
  }

  private ruleAttackPattern(f: Finding): string {
    const id = sdoId('attack-pattern', `rule:${f.rule.id}`);
    if (!this.emitted.has(id)) {
      this.counts.attackPatterns++;
      this.emit(
        this.sdo('attack-pattern', id, {
          name: f.rule.title,
          description: `${f.rule.description ?? 'The behaviour detected by this rule.'} (rule ${f.rule.id}${f.rule.author ? ` by ${f.rule.author}` : ''})`,
          external_references: [
            { source_name: 'detection-rule', external_id: f.rule.id, description: `${f.rule.title}${f.rule.author ? `, by ${f.rule.author}` : ''}` },
            ...f.rule.references.filter((u) => /^https?:\/\//i.test(u)).slice(0, 10).map((url) => ({ source_name: 'rule reference', url })),
          ],
        }),
      );
    }
    return id;
  }

  private relationship(source: string, type: string, target: string): void {
    this.emit(this.sdo('relationship', sdoId('relationship', `${source}|${type}|${target}`), { relationship_type: type, source_ref: source, target_ref: target }));
  }

  private indicator(f: Finding, pattern: string, validFrom: string, techniques: string[]): string {
    const id = sdoId('indicator', pattern);
    if (!this.emitted.has(id)) {
      this.counts.indicators++;
      this.emit(
        this.sdo('indicator', id, {
          name: f.rule.title,
          description: `${f.rule.description ?? f.summary} (indicator list: ${f.rule.id}${f.rule.author ? `, by ${f.rule.author}` : ''})`,
          indicator_types: ['malicious-activity'],
          pattern,
          pattern_type: 'stix',
          pattern_version: '2.1',
          valid_from: validFrom,
          ...(f.tactics.length ? { kill_chain_phases: f.tactics.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name })) } : {}),
        }),
      );
      for (const t of techniques) this.relationship(id, 'indicates', this.attackPattern(t));
    }
    return id;
  }

  private writeGroup(g: NonNullable<StixBundleWriter['group']>): void {
    const f = g.f;
    const now = stixMillis(this.options.now);
    const first = g.first ?? now;
    const last = g.last ?? first;
    const count = Math.min(MAX_COUNT, Math.max(1, g.count));
    const obs = observablesOf(f, g.key);
    for (const o of obs.objects) this.emit(o, false);
    const od = this.sdo('observed-data', sdoId('observed-data', g.key), {
      first_observed: first,
      last_observed: last,
      number_observed: count,
      object_refs: obs.roots,
    });
    this.emit(od);
    this.counts.observedData++;

    const where = f.host ? this.hostIdentity(f.host) : this.orgId;
    const techniques = [...new Set(f.attack.map(canonicalTechnique).filter((t) => /^T\d{4}(\.\d{3})?$/.test(t)))];
    const pattern = iocPattern(f);
    const targets = pattern
      ? [this.indicator(f, pattern, first, techniques)]
      : techniques.length
        ? techniques.map((t) => this.attackPattern(t))
        : [this.ruleAttackPattern(f)];
    if (f.host) for (const t of techniques) this.relationship(this.attackPattern(t), 'targets', where);
    const description =
      `${f.summary.slice(0, 2000)} — ${f.level} finding of rule “${f.rule.title}” (${f.rule.id})` +
      `${f.rule.author ? ` by ${f.rule.author}` : ''}, on ${f.host ?? 'an unnamed host'}, from ${f.source}.`;
    for (const target of targets) {
      this.emit(
        this.sdo('sighting', sdoId('sighting', `${g.key}|${target}`), {
          description,
          first_seen: first,
          last_seen: last,
          count,
          sighting_of_ref: target,
          observed_data_refs: [od.id],
          where_sighted_refs: [where],
        }),
      );
      this.counts.sightings++;
    }
  }

  /** Write the last group and the report, close the bundle. */
  end(): StixCounts {
    if (this.group) this.writeGroup(this.group);
    this.group = undefined;
    const refs = this.refs.length ? this.refs : [this.orgId];
    this.emit(
      this.sdo('report', sdoId('report', `case:${this.options.caseId ?? this.options.org}:${stixMillis(this.options.now)}`), {
        name: `hardnut case report for ${this.options.org}`,
        description:
          `${this.findings} findings (${this.counts.sightings} sightings) on ${this.hosts.size} hosts, exported by hardnut` +
          `${this.options.caseId ? ` from case ${this.options.caseId}` : ''}. Rule authors are credited in each sighting.`,
        report_types: ['threat-report'],
        published: stixMillis(this.options.now),
        object_refs: refs,
      }),
      false,
    );
    this.out.write('\n]}\n');
    this.out.flush();
    return this.counts;
  }
}

/** Export findings (streamed in `group` order) as one STIX 2.1 bundle. */
export async function writeStixBundle(findings: AsyncIterable<Finding[]>, out: TextSink, options: StixOptions): Promise<StixCounts> {
  const w = new StixBundleWriter(out, options);
  for await (const batch of findings) for (const f of batch) w.add(f);
  return w.end();
}
