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
import { codeView } from './lexer.js';
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

/** One decode per subject, shared by every detector that looks at it. */
const decoded = new WeakMap<Uint8Array, SubjectText>();
function textOf(subject: SweepSubject): SubjectText {
  let t = decoded.get(subject.bytes);
  if (t === undefined) {
    t = decodeSubject(subject.bytes);
    decoded.set(subject.bytes, t);
  }
  return t;
}

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
export const detectScriptTraits: Detector = (subject) => {
  const text = textOf(subject);
  const langs = languagesOf(subject.path, text);
  if (langs.length === 0) return [];
  const obfuscation = capObfuscation(seeObfuscation(text, measureShape(text.raw)));
  const hits: DetectorHit[] = [];
  for (const lang of langs) {
    const spec = LANGUAGES[lang];
    // comments blanked (and PHP's non-shell backticks), offsets unchanged
    const code: SubjectText = { ...text, lower: codeView(text.lower, lang) };
    const calls = lang === 'php' ? codeView(text.lower, lang, true) : undefined;
    const seen = [...seeFlows(code, spec.flow, calls), ...seePatterns(spec.traits, code), ...seePatterns(KIT_TRAITS, code)];
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

/** Scripts where none belong: upload and image folders, Exchange's aspnet_client, owa/auth and ecp/auth. */
export const detectPlacement: Detector = (subject) => seePlacement(subject, textOf(subject));

/** The HAFNIUM OAB virtual directory implant (script in ExternalUrl). */
export const detectOabConfig: Detector = (subject) => seeOabConfig(textOf(subject));

/** LSASS dumps in C:\root or %WINDIR%\temp, archives staged in ProgramData. */
export const detectArtefacts: Detector = (subject) => seeArtefacts(subject);

export const builtinDetectors: Detector[] = [detectScriptTraits, detectPlacement, detectOabConfig, detectArtefacts];

/** Placement raises its score when the file itself also shows webshell traits. */
const PLACEMENT_WITH_TRAITS_BONUS = 40;

/**
 * Run every built-in detector on one file. A detector that throws is skipped, so one failure cannot hide the other
 * detectors' hits; `onSkip` hears about it (the pipeline counts and reports skipped checks).
 */
export function runDetectors(subject: SweepSubject, onSkip?: (detector: string, error: unknown) => void): DetectorHit[] {
  const hits: DetectorHit[] = [];
  for (const detector of builtinDetectors) {
    try {
      hits.push(...detector(subject));
    } catch (error) {
      onSkip?.(detector.name || 'detector', error);
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
