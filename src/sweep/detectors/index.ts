/**
 * hardnut's own detectors, shipped in the package: webshell traits per server-side language (PHP, classic ASP,
 * ASP.NET, JSP), obfuscation, and the placement and Exchange artefacts the HAFNIUM advisories name.
 *
 *   const hits = runDetectors({ path: 'inetpub/wwwroot/aspnet_client/x.aspx', bytes });
 */
import { ASP_FLOW, ASP_TRAITS } from './asp.js';
import { ASPX_FLOW, ASPX_TRAITS } from './aspx.js';
import { seeArtefacts, seeOabConfig, seePlacement } from './context.js';
import { seeFlows, type FlowSpec } from './flow.js';
import { seeHiddenNames } from './hidden-names.js';
import { KIT_TRAITS } from './kit.js';
import { JSP_FLOW, JSP_TRAITS } from './jsp.js';
import { languagesOf, type ScriptLang } from './lang.js';
import { LeadIndex } from './leads.js';
import { codeView, codeViewBytes } from './lexer.js';
import { measureShape, seeObfuscation } from './obfuscation.js';
import { PHP_FLOW, PHP_TRAITS } from './php.js';
import { decodeSubject, type SubjectText } from './text.js';
import { hitOf, REFS, seePatterns, type PatternTrait, type Seen } from './trait.js';
import type { Detector, DetectorHit, SweepSubject } from './types.js';

export type { Detector, DetectorHit, SweepSubject } from './types.js';
export { levelOfScore } from './types.js';

/** Obfuscation signs add at most this much, so packed but harmless code stays below a warning on them alone. */
const OBFUSCATION_CAP = 50;

const LANGUAGES: Record<ScriptLang, { name: string; traits: readonly PatternTrait[]; flow: FlowSpec }> = {
  php: { name: 'PHP', traits: PHP_TRAITS, flow: PHP_FLOW },
  asp: { name: 'classic ASP', traits: ASP_TRAITS, flow: ASP_FLOW },
  aspx: { name: 'ASP.NET', traits: ASPX_TRAITS, flow: ASPX_FLOW },
  jsp: { name: 'JSP', traits: JSP_TRAITS, flow: JSP_FLOW },
};

const REFERENCES = [REFS.webShell, REFS.nsaWebShells, REFS.chinaChopper];

/** Every pattern a language's traits, the kit traits and the language's flows search the whole code view with. */
function patternsOf(traits: readonly PatternTrait[], flow: FlowSpec): RegExp[] {
  const out: RegExp[] = [flow.source];
  if (flow.encoded !== undefined) out.push(flow.encoded);
  for (const t of traits) {
    if (t.re !== undefined) out.push(t.re);
    out.push(...(t.all ?? []), ...(t.some ?? []), ...(t.none ?? []));
  }
  for (const sink of flow.sinks) {
    out.push(sink.re);
    if (sink.requires !== undefined) out.push(sink.requires);
    if (sink.source !== undefined) out.push(sink.source);
  }
  return out;
}

/** The literal lists (`needs`) of the same traits and sinks. */
function needsOf(traits: readonly PatternTrait[], flow: FlowSpec): Array<readonly string[]> {
  const out: Array<readonly string[]> = [];
  for (const t of [...traits, ...flow.sinks]) if (t.needs !== undefined) out.push(t.needs);
  return out;
}

/** Per language, the opening literals of its patterns, looked up once per code view (speed only, see leads.ts). */
const LEAD_INDEXES = new Map<ScriptLang, LeadIndex>();
function leadIndexOf(lang: ScriptLang): LeadIndex {
  let index = LEAD_INDEXES.get(lang);
  if (index === undefined) {
    const spec = LANGUAGES[lang];
    const traits = [...spec.traits, ...KIT_TRAITS];
    index = new LeadIndex(patternsOf(traits, spec.flow), needsOf(traits, spec.flow));
    LEAD_INDEXES.set(lang, index);
  }
  return index;
}

/** A check over one file and its decoded text; runDetectors decodes once for all of them. */
type TextDetector = (subject: SweepSubject, text: SubjectText) => DetectorHit[];

/** Cap the summed score of obfuscation signs, trimming the weakest first. */
function capObfuscation(seen: Seen[]): Seen[] {
  const out: Seen[] = [];
  let total = 0;
  for (const s of [...seen].sort((a, b) => b.score - a.score)) {
    if (total >= OBFUSCATION_CAP) break;
    const score = Math.min(s.score, OBFUSCATION_CAP - total);
    total += score;
    out.push({ ...s, score });
  }
  return out;
}

/** Webshell traits of each language the file can run as, one Loki-style summed hit per language. */
const scriptTraits: TextDetector = (subject, text) => {
  const langs = languagesOf(subject.path, text);
  if (langs.length === 0) return [];
  const obfuscation = capObfuscation(seeObfuscation(text, measureShape(text.raw)));
  const hits: DetectorHit[] = [];
  // latin1 decoding gives one character per byte, so the code views can be built on bytes
  const oneByte = text.encoding === 'latin1';
  for (const lang of langs) {
    const spec = LANGUAGES[lang];
    // comments blanked (and PHP's non-shell backticks), offsets unchanged
    const view = codeViewBytes(text.lower, lang, false, oneByte);
    const code: SubjectText = { ...text, lower: view.text };
    // built only if seeFlows needs it (a file with request-tainted variables): most files never do
    const calls = lang === 'php' ? (): string => codeView(text.lower, lang, true, oneByte) : undefined;
    const leads = leadIndexOf(lang).scan(view.text, view.bytes);
    const seen = [...seeFlows(code, spec.flow, calls, leads), ...seePatterns(spec.traits, code, leads), ...seePatterns(KIT_TRAITS, code, leads)];
    if (lang === 'php') seen.push(...seeHiddenNames(text.raw));
    if (seen.length === 0 && obfuscation.length === 0) continue;
    const hit = hitOf(`hardnut.webshell.${lang}`, [...seen, ...obfuscation], text, REFERENCES);
    if (hit !== undefined) {
      hit.description = `${spec.name} script. ${hit.description}`;
      hits.push(hit);
    }
  }
  return hits;
};

const CHECKS: Array<[string, TextDetector]> = [
  // webshell traits of each language the file can run as
  ['scriptTraits', scriptTraits],
  // scripts where none belong: upload and image folders, Exchange's aspnet_client, owa/auth and ecp/auth
  ['placement', (subject, text) => seePlacement(subject, text)],
  // the HAFNIUM OAB virtual directory implant (script in ExternalUrl)
  ['oabConfig', (_subject, text) => seeOabConfig(text)],
  // LSASS dumps in C:\root or %WINDIR%\temp, archives staged in ProgramData
  ['artefacts', (subject) => seeArtefacts(subject)],
];

/** Each check on its own (it decodes the bytes itself), named after what it looks for. */
export const builtinDetectors: Detector[] = CHECKS.map(([name, check]) => {
  const detector: Detector = (subject) => check(subject, decodeSubject(subject.bytes));
  Object.defineProperty(detector, 'name', { value: name });
  return detector;
});

/** Placement raises its score when the file itself also shows webshell traits. */
const PLACEMENT_WITH_TRAITS_BONUS = 40;

/**
 * Run every built-in detector on one file. A detector that throws is skipped, so one failure cannot hide the other
 * detectors' hits; `onSkip` hears about it (the pipeline counts and reports skipped checks).
 */
export function runDetectors(subject: SweepSubject, onSkip?: (detector: string, error: unknown) => void): DetectorHit[] {
  const hits: DetectorHit[] = [];
  // decoded here, once per call: a cache keyed by the bytes would go stale if the caller reuses its read buffer
  let text: SubjectText | undefined;
  for (const [name, check] of CHECKS) {
    try {
      text ??= decodeSubject(subject.bytes);
      hits.push(...check(subject, text));
    } catch (error) {
      onSkip?.(name, error);
    }
  }
  const traits = hits.some((h) => h.id.startsWith('hardnut.webshell.') && h.score >= 40);
  if (traits) {
    for (const h of hits) {
      if (!h.id.startsWith('hardnut.context.script-in') && !h.id.startsWith('hardnut.context.aspx-in')) continue;
      h.score += PLACEMENT_WITH_TRAITS_BONUS;
      h.description += ' The file itself also shows webshell traits (see the other finding on it).';
    }
  }
  return hits;
}
