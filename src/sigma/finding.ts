/**
 * Sigma matches as Findings (docs/findings.md), so `hunt` turns engine output into its public contract in one call:
 * the rule with its author (DRL 1.1), ATT&CK ids from the tags, the event's time, host, record, channel and event id,
 * and as evidence the fields that made the rule match plus the rule's own `fields:` list.
 */
import type { FieldValue } from '../events/event.js';
import { tacticsFromTags, techniquesFromTags } from '../findings/attack.js';
import { evidenceValue as shared, pickEvidence, summarise } from '../findings/evidence.js';
import type { EvidenceValue, Finding } from '../findings/finding.js';
import type { CorrelationMatch } from './correlation.js';
import type { RuleMatch } from './ruleset.js';

export interface FindingContext {
  /** The evidence file. */
  source: string;
  command: string;
  version: string;
}

/** Evidence values longer than this are cut (with an ellipsis): a finding is read by people. */
const MAX_VALUE = 1024;
const SUMMARY_VALUE = 160;

function evidenceValue(v: FieldValue): EvidenceValue {
  return shared(v) ?? null;
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/**
 * A rule match (one event) as a `sigma` Finding. Evidence: the fields that made the rule match (by the rule's names),
 * the rule's own `fields:` list, then the well-known fields the event has; the summary says in plain words what the
 * event shows (`w3wp.exe started cmd.exe: cmd /c whoami`).
 */
export function matchFinding(m: RuleMatch, ctx: FindingContext): Finding {
  const ev = m.event;
  const ref = m.rule.ref;
  const evidence: Record<string, EvidenceValue> = {};
  for (const f of m.fields) evidence[f.field] = evidenceValue(f.value);
  for (const f of m.rule.rule.meta.fields) if (!(f in evidence)) {
    const v = m.value(f);
    if (v !== undefined) evidence[f] = evidenceValue(v);
  }
  for (const [k, v] of Object.entries(pickEvidence(ev))) if (!(k in evidence)) evidence[k] = v;
  const finding: Finding = {
    kind: 'sigma',
    time: ev.time ?? null,
    host: ev.host ?? null,
    source: ctx.source,
    level: ref.level,
    rule: ref,
    attack: techniquesFromTags(ref.tags),
    tactics: tacticsFromTags(ref.tags),
    summary: summarise(ev, ref.title, evidence),
    evidence,
    origin: { engine: 'sigma', command: ctx.command, version: ctx.version },
  };
  if (ev.recordId !== undefined) finding.record = ev.recordId;
  if (ev.channel !== undefined) finding.channel = ev.channel;
  if (ev.eventId !== undefined) finding.event_id = ev.eventId;
  return finding;
}

/** A correlation match (a group of events) as a `correlation` Finding. */
export function correlationFinding(c: CorrelationMatch, ctx: FindingContext): Finding {
  const ref = c.rule;
  const corr = c.correlation.correlation;
  const evidence: Record<string, EvidenceValue> = {};
  for (const [k, v] of Object.entries(c.group)) evidence[k] = evidenceValue(v);
  evidence['correlation'] = corr.type;
  evidence['value'] = Number.isInteger(c.value) ? c.value : Number(c.value.toFixed(3));
  if (c.fieldValue !== undefined) evidence[corr.field[0] ?? 'field'] = clip(c.fieldValue, MAX_VALUE);
  evidence['events'] = c.events;
  evidence['first'] = c.first;
  evidence['timespan'] = corr.timespanText;
  const records = c.samples.map((s) => s.recordId).filter((r): r is number => r !== undefined);
  if (records.length) evidence['records'] = records.join(',');
  const group = Object.entries(c.group)
    .map(([k, v]) => `${k}=${clip(String(evidenceValue(v)), SUMMARY_VALUE)}`)
    .join(', ');
  const what: Record<string, string> = {
    event_count: `${c.value} events`,
    value_count: `${c.value} distinct ${corr.field.join('+')}`,
    value_sum: `${corr.field[0]} sum ${evidence['value']}`,
    value_avg: `${corr.field[0]} average ${evidence['value']}`,
    value_percentile: `${corr.field[0]} ${c.fieldValue ?? ''} in ${evidence['value']}% of events`,
    temporal: `${c.value} rules`,
    temporal_ordered: `${c.value} rules in order`,
  };
  const sample = c.samples[c.samples.length - 1];
  return {
    kind: 'correlation',
    time: c.time,
    host: c.host ?? null,
    source: sample?.tag ?? ctx.source,
    level: ref.level,
    rule: ref,
    attack: techniquesFromTags(ref.tags),
    tactics: tacticsFromTags(ref.tags),
    summary: `${ref.title}: ${what[corr.type]} within ${corr.timespanText}${group ? ` (${group})` : ''}`,
    evidence,
    origin: { engine: 'sigma', command: ctx.command, version: ctx.version },
  };
}
