/**
 * Which server-side script languages a file can be run as. The extension decides when it is a script extension (IIS
 * and Apache run a file by its extension, whatever it holds); otherwise the content decides, so `shell.php.txt`, a
 * GIF with PHP appended or an extension-less drop still get the language checks.
 */
import type { SubjectText } from './text.js';

export type ScriptLang = 'php' | 'asp' | 'aspx' | 'jsp';

const BY_EXTENSION: Record<string, ScriptLang> = {
  php: 'php', php3: 'php', php4: 'php', php5: 'php', php7: 'php', pht: 'php', phtml: 'php', phar: 'php',
  asp: 'asp', asa: 'asp', cer: 'asp', cdx: 'asp',
  aspx: 'aspx', ascx: 'aspx', ashx: 'aspx', asmx: 'aspx', asax: 'aspx', master: 'aspx', svc: 'aspx', soap: 'aspx', config: 'aspx',
  jsp: 'jsp', jspx: 'jsp', jspf: 'jsp', jsw: 'jsp', jsv: 'jsp', tag: 'jsp',
};

const ASPX_DIRECTIVE = /<%@\s*(?:page|webhandler|webservice)\b[^>]{0,200}language\s*=\s*"?\s*(?:c#|cs|csharp|vb|jscript|js)\b/;

/** The file name's extension, lower case, without the dot ('' when there is none). */
export function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The last path segment, lower case. */
export function baseNameOf(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
}

/** Extension first; for anything else, the markers of each language in the text. */
export function languagesOf(path: string, text: SubjectText): ScriptLang[] {
  const byExt = BY_EXTENSION[extensionOf(path)];
  const s = text.lower;
  if (byExt !== undefined) {
    // content in another server language is read as that language too (an .asp holding JSP or an ASP.NET page):
    // the author's intent shows in the code, and a mislabelled copy runs wherever it is renamed to
    const langs: ScriptLang[] = [byExt];
    if (byExt !== 'php' && s.includes('<?php')) langs.push('php');
    if (byExt !== 'aspx' && ASPX_DIRECTIVE.test(s.slice(0, 4096))) langs.push('aspx');
    // (the JSP pattern spells "<%@" or "request.getparameter"; looking for those first skips the regex in most files)
    if (byExt !== 'jsp' && (s.includes('<%@') || s.includes('request.getparameter')) && /<%@\s*page\b[^>]{0,200}\bimport\s*=\s*"java|request\.getparameter\s*\(/.test(s)) langs.push('jsp');
    if (byExt === 'php' && /<%[^%]{0,400}\b(?:server\.createobject|response\.write|request\s*\()/.test(s)) langs.push('asp');
    return langs;
  }
  const langs: ScriptLang[] = [];
  if (s.includes('<?php') || /<\?=?\s*(?:@?eval|\$_|\$\w+\s*=)/.test(s)) langs.push('php');
  if (ASPX_DIRECTIVE.test(s) || s.includes('<script runat="server"')) {
    langs.push('aspx');
  } else if (/<%@\s*page\b[^>]{0,200}(?:import|contenttype|pageencoding)\s*=/.test(s) || /<%[^%]{0,400}request\.getparameter\s*\(/.test(s)) {
    langs.push('jsp');
  } else if (/<%[^%]{0,400}\b(?:request|server\.createobject|response\.write)\b/.test(s) || /<%@\s*language\s*=/.test(s)) {
    langs.push('asp');
  }
  return langs;
}
