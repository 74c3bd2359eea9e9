/**
 * The hunt of one task: a file's events (EVTX, JSON, XML, web and Exchange logs, recognised by content) through the
 * compiled rule set, out as batches of findings and correlation inputs. The same code runs in the main thread and in
 * worker threads; it talks to its caller only through `post`, so it never knows which.
 */
import { Diagnostics } from '../core/diagnostics.js';
import type { EventRecord } from '../events/event.js';
import type { Finding } from '../findings/finding.js';
import { levelRank } from '../findings/level.js';
import { CorrelationEngine, type CorrelationEvent } from '../sigma/correlation.js';
import { matchFinding } from '../sigma/finding.js';
import { loadRuleFiles, type FileResult } from '../sigma/load.js';
import type { Mapping } from '../sigma/mapping.js';
import { compileRuleSet, type RuleSet } from '../sigma/ruleset.js';
import { evtxFileEvents } from '../sources/evtx-file.js';
import { readEvents } from '../sources/read.js';
import type { HuntMessage, HuntSettings, HuntTask, StoredEvent } from './protocol.js';
import { selectRules, type SelectionCounts } from './rules.js';

/** Findings and correlation inputs are sent in batches of this many (fewer messages, bounded memory). */
const BATCH = 512;
/** Distinct hosts remembered per task (a forwarded-events log names many; the case needs them, not unboundedly). */
const MAX_HOSTS = 10_000;

export interface CompiledRules {
  ruleSet: RuleSet;
  files: FileResult[];
  selection: SelectionCounts;
}

/** Load, select and compile the settings' rules against the mapping: identically in every thread. */
export function compileHuntRules(settings: HuntSettings, mapping: Mapping): CompiledRules {
  const loaded = loadRuleFiles(settings.rules, { placeholders: mapping.placeholders });
  const { files, counts } = selectRules(loaded, { minLevel: settings.minLevel, statuses: settings.statuses });
  const compiled = compileRuleSet(files, { mapping });
  return { ruleSet: compiled.ruleSet, files: compiled.files, selection: counts };
}

export class HuntEngine {
  private readonly correlations: CorrelationEngine | undefined;
  private readonly minRank: number;

  constructor(
    private readonly settings: HuntSettings,
    private readonly ruleSet: RuleSet,
  ) {
    this.correlations = ruleSet.correlations.length ? new CorrelationEngine(ruleSet) : undefined;
    this.minRank = levelRank(settings.minLevel);
  }

  /** Hunt one task; everything it finds or warns about goes to `post`, ending with one `done` message. */
  run(task: HuntTask, post: (m: HuntMessage) => void): void {
    const diagnostics = new Diagnostics(0);
    diagnostics.onWarning((w) => post({ t: 'warning', code: w.code, message: w.message, file: w.file }));
    const { fromMs, toMs, storeEvents, version } = this.settings;
    const source = task.path;
    const ctx = { source, command: 'hunt', version };
    let findings: Finding[] = [];
    let corr: CorrelationEvent[] = [];
    let stored: StoredEvent[] = [];
    const hosts = new Map<string, string | null>();
    let events = 0;
    const flush = () => {
      if (findings.length) post({ t: 'findings', findings });
      if (corr.length) post({ t: 'correlation', events: corr });
      if (stored.length) post({ t: 'events', source, events: stored });
      findings = [];
      corr = [];
      stored = [];
    };
    for (const ev of this.events(task, diagnostics)) {
      events++;
      if (fromMs !== undefined || toMs !== undefined) {
        const t = ev.time === undefined ? NaN : Date.parse(ev.time);
        if (Number.isFinite(t) && ((fromMs !== undefined && t < fromMs) || (toMs !== undefined && t >= toMs))) continue;
      }
      if (ev.host !== undefined && !hosts.has(ev.host) && hosts.size < MAX_HOSTS) hosts.set(ev.host, ev.time ?? null);
      if (storeEvents) stored.push(toStored(ev));
      for (const m of this.ruleSet.match(ev)) {
        if (m.rule.report && levelRank(m.rule.ref.level) >= this.minRank) findings.push(matchFinding(m, ctx));
        if (this.correlations && m.rule.correlations.length) {
          const e = this.correlations.toEvent(m, source);
          if (e) corr.push(e);
        }
      }
      if (findings.length >= BATCH || corr.length >= BATCH || stored.length >= BATCH) flush();
    }
    flush();
    post({ t: 'done', events, read: true, hosts: [...hosts] });
  }

  private events(task: HuntTask, diagnostics: Diagnostics): Iterable<EventRecord> {
    if (task.firstChunk !== undefined) {
      return evtxFileEvents(task.path, { diagnostics, firstChunk: task.firstChunk, endChunk: task.endChunk ?? Infinity });
    }
    return readEvents({ path: task.path, size: task.size, mtimeMs: task.mtimeMs }, diagnostics, {
      evtx: (file, d) => evtxFileEvents(file.path, { diagnostics: d }),
    });
  }
}

/** An event's flat fields as plain data, for the case store. */
function toStored(ev: EventRecord): StoredEvent {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of ev.entries()) fields[k] = v;
  // The metadata the store indexes by, under the names ObjectEvent reads them from.
  if (ev.channel !== undefined) fields['Channel'] ??= ev.channel;
  if (ev.eventId !== undefined) fields['EventID'] ??= ev.eventId;
  if (ev.provider !== undefined) fields['Provider_Name'] ??= ev.provider;
  if (ev.host !== undefined) fields['Computer'] ??= ev.host;
  if (ev.time !== undefined) fields['TimeCreated_SystemTime'] ??= ev.time;
  if (ev.recordId !== undefined) fields['EventRecordID'] ??= ev.recordId;
  return ev.logsource ? { fields, logsource: { ...ev.logsource } } : { fields };
}
