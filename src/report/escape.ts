/**
 * Escaping for the HTML report. Everything a finding carries is hostile (webshell code, attacker command lines,
 * crafted host names), so every value goes through one of these on its way into the page: text content, attribute
 * values, or the embedded JSON block.
 */
import { sanitiseText } from '../sinks/sink.js';

/** Text content: `& < >` escaped (quotes need no escaping outside attributes); control and bidi characters shown as escapes. */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  return sanitiseText(String(value)).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** An attribute value (always written double-quoted). */
export function attr(value: unknown): string {
  return esc(value).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as \u escapes so that nothing inside can close
 * the element (`</script>`) or open a comment (`<!--`); U+2028/2029 escaped for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
