/**
 * Request input flowing into a dangerous sink, the one trait every webshell shares: the attacker's bytes arrive in a
 * request and are run as code, as a command, or loaded as a class. The check is deliberately shallow (no parser):
 * a sink's argument text, up to the end of the statement, either reads the request itself or names a variable that
 * was assigned from the request (directly, or through one more assignment such as `$b = base64_decode($a)`).
 */
import type { Leads } from './leads.js';
import { firstMatch, mayMatch, TAG, type Seen } from './trait.js';
import type { SubjectText } from './text.js';

export interface Sink {
  id: string;
  title: string;
  /** What the sink does, completing "request input ... ": e.g. "is run as PHP code by eval()". */
  does: string;
  /** Score when the request is read inside the sink's argument; a variable carrying it scores less (viaVariable). */
  score: number;
  tags: readonly string[];
  /** Global regex matching the sink up to where its argument starts. */
  re: RegExp;
  /** Score when the argument is decoded from hidden text (base64_decode and the like); absent: not counted. */
  hidden?: number;
  /** Only request input read inside the argument counts, not a variable carrying it. */
  direct?: boolean;
  /** Request reads that count for this sink, instead of the language's (e.g. without uploaded files' own names). */
  source?: RegExp;
  /** Weigh less when the argument starts with a string literal (a template around the input). */
  template?: boolean;
  /** Ends the argument earlier than the language's statement end (`,` to look at a callback's first argument only). */
  stop?: RegExp;
  /** The sink only counts in a file that also matches this (e.g. `.Run` only where WScript.Shell is created). */
  requires?: RegExp;
  /** Speed only: literals of which every match of `re` holds one (see PatternTrait.needs). */
  needs?: readonly string[];
}

export interface FlowSpec {
  /** Reads request input (non-global). */
  source: RegExp;
  /** How an identifier is written (`\$[a-z_]\w*` for PHP). */
  ident: string;
  /** Characters that end a statement. */
  stop: RegExp;
  sinks: readonly Sink[];
  /** Calls whose callee is a variable (`$f(...)`, group 1 the variable): the request choosing the function. Looked
   * for in the `calls` view given to seeFlows (string contents blanked) when there is one; it may be given as a
   * function, called only when a file has request-tainted variables, since most files never need the view. */
  callee?: RegExp;
  /** Sources that are not the request but hide code (decoders); a sink fed by them scores its `hidden`. */
  encoded?: RegExp;
}

const WINDOW = 200;
const TEMPLATE_PENALTY = 70;
const LOCALITY = 3000;
const MAX_SINKS = 400;
const MAX_TAINTED = 64;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Identifiers assigned from an expression matching `from` (the statement up to 160 characters). */
/** What carrying the input through a variable costs: 20 points, or a quarter of a weak sink's score. */
export function viaVariable(score: number): number {
  return Math.min(20, Math.round(score / 4));
}

/** Variable name → offsets where it was assigned from the request. */
export type Taint = Map<string, number[]>;

/** Identifiers assigned from an expression matching `from` (the statement up to 160 characters), with where. */
function assignedFrom(s: string, ident: string, from: string, into: Taint, strict = false): void {
  // `x = `, `$x[k] = `, `$x .= `, `var x:String =` (JScript.NET), the value possibly on the next line; strict: the
  // value is the request read itself, perhaps through one function (`$f = base64_decode($_GET['f'])`)
  const value = strict ? '@?(?:[a-z_]\\w{0,20}\\s*\\(\\s*@?)?' : '[^;\\n]{0,160}?';
  const re = new RegExp(`(?<![\\w$])(${ident})\\s*(?:\\[[^\\]\\n]{0,40}\\]\\s*|:\\s*[a-z_][\\w.]{0,30}\\s*)?\\.?=(?![=>])\\s{0,8}${value}(?:${from})`, 'g');
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(s)) !== null && into.size < MAX_TAINTED && n++ < 2000) {
    const name = m[1] as string;
    const at = into.get(name);
    if (at === undefined) into.set(name, [m.index]);
    else if (at.length < 64) at.push(m.index);
  }
}

/** `re` as the assignment patterns embed it (same source, no flags), for a quick look before building one. */
const bareCache = new WeakMap<RegExp, RegExp>();
function occursIn(re: RegExp, s: string): boolean {
  let bare = bareCache.get(re);
  if (bare === undefined) {
    bare = new RegExp(re.source);
    bareCache.set(re, bare);
  }
  return bare.test(s);
}

/** assignedFrom for a source pattern: an assignment from it needs the pattern somewhere in the text, and one scan
 * for the pattern alone is far cheaper than the assignment regex (a look-behind tried at every position). */
function assignedFromPattern(s: string, ident: string, from: RegExp, into: Taint, strict = false, leads?: Leads): void {
  const occurs = leads === undefined ? occursIn(from, s) : firstMatch(from, s, leads) !== null;
  if (occurs) assignedFrom(s, ident, from.source, into, strict);
}

/** A variable carries request input at `offset` if it was assigned from it shortly before (shells are compact; an
 * application reusing a name such as $file three hundred lines later is not a flow). */
function carriesAt(taint: Taint, name: string, offset: number): boolean {
  const at = taint.get(name);
  return at !== undefined && at.some((p) => p < offset && offset - p <= LOCALITY);
}

/** Variables carrying request input: assigned from it, or from an expression using one of those. */
export function taintedNames(s: string, spec: FlowSpec, leads?: Leads): Taint {
  const direct: Taint = new Map();
  assignedFromPattern(s, spec.ident, spec.source, direct, false, leads);
  if (direct.size > 0 && direct.size < MAX_TAINTED) {
    const names = [...direct.keys()].map((n) => `${escape(n)}(?![\\w])`).join('|');
    assignedFrom(s, spec.ident, names, direct);
  }
  return direct;
}

function encodedNames(s: string, spec: FlowSpec, leads?: Leads): Taint {
  const names: Taint = new Map();
  if (spec.encoded !== undefined) assignedFromPattern(s, spec.ident, spec.encoded, names, false, leads);
  return names;
}

/** The sinks whose argument carries request input (or encoded text), one Seen per sink kind. */
export function seeFlows(text: SubjectText, spec: FlowSpec, calls?: string | (() => string), leads?: Leads): Seen[] {
  const s = text.lower;
  const tainted = taintedNames(s, spec, leads);
  const encoded: Taint = spec.sinks.some((k) => k.hidden !== undefined) ? encodedNames(s, spec, leads) : new Map();
  const identRe = new RegExp(spec.ident, 'g');
  const out: Seen[] = [];
  if (spec.callee !== undefined && tainted.size > 0) {
    const exact: Taint = new Map();
    assignedFromPattern(s, spec.ident, spec.source, exact, true, leads);
    spec.callee.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    // the callee is looked for where string contents are blanked ("$s()" in a string is text, not a call)
    const view = typeof calls === 'function' ? calls() : (calls ?? s);
    while ((m = spec.callee.exec(view)) !== null && n++ < MAX_SINKS) {
      const name = m[1] as string;
      if (!carriesAt(exact, name, m.index)) continue;
      out.push({
        id: 'request-named-function', title: 'Function named by the request is called', score: 110, tags: [TAG.execution, TAG.commandShell],
        why: `The variable ${name}, assigned from the HTTP request, is called as a function, so the client chooses which PHP function runs (assert, system...).`,
        offset: m.index, length: m[0].length,
      });
      break;
    }
  }
  // a sink with its own sources follows only variables assigned from those
  const ownTaint = new Map<RegExp, Taint>();
  for (const sink of spec.sinks) {
    if (!mayMatch(sink.needs, s, leads)) continue;
    // no sink match starts before `from` (none at all when it is -1); see leads.ts
    const from = leads === undefined ? 0 : leads.start(sink.re);
    if (from < 0) continue;
    if (sink.requires !== undefined && firstMatch(sink.requires, s, leads) === null) continue;
    let carried = tainted;
    if (sink.source !== undefined) {
      carried = ownTaint.get(sink.source) ?? taintedNames(s, { ...spec, source: sink.source }, leads);
      ownTaint.set(sink.source, carried);
    }
    sink.re.lastIndex = from;
    const hidden = sink.hidden ?? 0;
    let best: Seen | undefined;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = sink.re.exec(s)) !== null && n++ < MAX_SINKS) {
      const start = m.index + m[0].length;
      let arg = s.slice(start, start + WINDOW);
      const stop = (sink.stop ?? spec.stop).exec(arg);
      if (stop !== null) arg = arg.slice(0, stop.index);
      let score = 0;
      let how = '';
      // eval('return (' . $x . ');'): a template around the input, as expression evaluators do, weighs less
      const templated = sink.template === true && /^\s*['"][^'"\n]{2}/.test(arg) ? TEMPLATE_PENALTY : 0;
      if ((sink.source ?? spec.source).test(arg)) {
        score = sink.score;
        how = 'read straight from the HTTP request';
      } else if (sink.direct !== true) {
        identRe.lastIndex = 0;
        let id: RegExpExecArray | null;
        while ((id = identRe.exec(arg)) !== null) {
          if (carriesAt(carried, id[0], m.index)) {
            score = sink.score - viaVariable(sink.score);
            how = `carried from the HTTP request by the variable ${id[0]}`;
            break;
          }
          if (hidden > 0 && score === 0 && carriesAt(encoded, id[0], m.index)) {
            score = hidden;
            how = `decoded from hidden text into the variable ${id[0]}`;
          }
        }
        if (score === 0 && spec.encoded !== undefined && hidden > 0 && spec.encoded.test(arg)) {
          score = hidden;
          how = 'decoded from hidden text on the spot';
        }
      }
      score -= templated;
      if (score > 0 && (best === undefined || score > best.score)) {
        best = {
          id: sink.id,
          title: sink.title,
          why: `Input ${how} ${sink.does}.`,
          score,
          tags: sink.tags,
          offset: m.index,
          length: Math.min(m[0].length + arg.length, 200),
        };
        if (score === sink.score) break;
      }
    }
    if (best !== undefined) out.push(best);
  }
  return out;
}
