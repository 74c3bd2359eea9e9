/**
 * Context: where a file is and what the HAFNIUM/ProxyLogon advisories say was left behind. A script in an upload or
 * image folder, an .aspx in Exchange's aspnet_client, owa/auth or ecp/auth folders (where HAFNIUM dropped its shells),
 * an OAB virtual directory configuration with script in ExternalUrl, an LSASS memory dump in C:\root or
 * %WINDIR%\temp, and archives staged directly in ProgramData.
 */
import { baseNameOf, extensionOf } from './lang.js';
import type { SubjectText } from './text.js';
import { AUTHOR, REFS, TAG } from './trait.js';
import type { DetectorHit, SweepSubject } from './types.js';

const SCRIPT_EXTENSIONS = new Set([
  'php', 'php3', 'php4', 'php5', 'php7', 'pht', 'phtml', 'phar', 'asp', 'asa', 'cer', 'cdx', 'aspx', 'ascx', 'ashx',
  'asmx', 'jsp', 'jspx', 'jspf', 'shtml',
]);
const DOTNET_PAGES = new Set(['aspx', 'ashx', 'asmx', 'ascx', 'asp', 'cer', 'asa', 'cdx']);

/** Folders where users' uploads land: a script there was uploaded, not deployed. */
const UPLOAD_FOLDERS = new Set(['upload', 'uploads', 'uploaded', 'uploadfile', 'uploadfiles', 'upfile', 'upfiles', 'userfiles', 'user_files', 'attachments', 'attachment', 'attach']);
/** Folders for pictures: a script there is out of place. */
const IMAGE_FOLDERS = new Set(['images', 'image', 'img', 'imgs', 'pics', 'pictures', 'photos', 'avatars', 'avatar', 'thumbs', 'thumbnails']);

/** The .aspx files Exchange itself installs in owa/auth and ecp/auth (anything else there is suspect). */
const OWA_AUTH_STOCK = new Set([
  'logon.aspx', 'logoff.aspx', 'errorfe.aspx', 'expiredpassword.aspx', 'frowny.aspx', 'outlookcn.aspx',
  'redirsuiteserviceproxy.aspx', 'signout.aspx', 'timeoutlogout.aspx', 'getidtoken.htm',
]);
const ECP_AUTH_STOCK = new Set(['timeoutlogout.aspx']);

const WEBSHELL_TAGS = [TAG.persistence, TAG.webShell];

function segmentsOf(path: string): string[] {
  return path.toLowerCase().split(/[\\/]+/).filter((s) => s.length > 0);
}

/** A script that holds code, not just a comment or an empty "silence is golden" placeholder. */
function hasCode(text: SubjectText): boolean {
  const stripped = text.lower
    .slice(0, 65536)
    .replace(/\/\*[\s\S]{0,4096}?\*\//g, '')
    .replace(/(?:\/\/|#|')[^\n]*/g, '')
    .replace(/<\?php|<\?=?|\?>|<%@?|%>/g, '');
  // an identifier followed by ( or =; the look-behind keeps a long word from being retried at every letter
  return /(?<![\w$])[a-z_$][\w$]{0,64}\s*[(=]/.test(stripped);
}

function hit(id: string, title: string, description: string, score: number, tags: string[], refs: string[]): DetectorHit {
  return { id: `hardnut.context.${id}`, title, description, author: AUTHOR, references: refs, tags, score, matches: [] };
}

/** Path checks for scripts in places where scripts do not belong. */
export function seePlacement(subject: SweepSubject, text: SubjectText): DetectorHit[] {
  const ext = extensionOf(subject.path);
  if (!SCRIPT_EXTENSIONS.has(ext)) return [];
  const segs = segmentsOf(subject.path);
  const name = segs[segs.length - 1] ?? '';
  const folders = segs.slice(0, -1);
  const out: DetectorHit[] = [];
  const inFolder = (a: string, b: string): boolean => folders.some((s, i) => s === a && folders[i + 1] === b);
  if (DOTNET_PAGES.has(ext)) {
    if (folders.includes('aspnet_client')) {
      out.push(hit('aspx-in-aspnet-client', 'Server page in aspnet_client',
        `${name} is a server page inside aspnet_client, a folder that holds only static client files; HAFNIUM dropped its China Chopper shells there after exploiting ProxyLogon.`,
        70, [...WEBSHELL_TAGS, TAG.initialAccess, TAG.exploitPublicApp], [REFS.cisaHafnium, REFS.msHafnium]));
    }
    if (inFolder('owa', 'auth') && !OWA_AUTH_STOCK.has(name)) {
      out.push(hit('aspx-in-owa-auth', 'Unknown page in Exchange owa/auth',
        `${name} is in Exchange's owa/auth folder but is not one of the pages Exchange installs there; HAFNIUM planted webshells in this folder because it is reachable without logging in.`,
        70, [...WEBSHELL_TAGS, TAG.initialAccess, TAG.exploitPublicApp], [REFS.cisaHafnium, REFS.msHafnium]));
    }
    if (inFolder('ecp', 'auth') && !ECP_AUTH_STOCK.has(name)) {
      out.push(hit('aspx-in-ecp-auth', 'Unknown page in Exchange ecp/auth',
        `${name} is in Exchange's ecp/auth folder but is not a page Exchange installs there; HAFNIUM planted webshells in this folder after ProxyLogon.`,
        70, [...WEBSHELL_TAGS, TAG.initialAccess, TAG.exploitPublicApp], [REFS.cisaHafnium, REFS.msHafnium]));
    }
  }
  const upload = folders.find((s) => UPLOAD_FOLDERS.has(s) || (s.startsWith('upload') && s.length <= 12));
  const image = folders.find((s) => IMAGE_FOLDERS.has(s));
  if ((upload !== undefined || image !== undefined) && !text.binary && hasCode(text)) {
    if (upload !== undefined) {
      out.push(hit('script-in-uploads', 'Script in an upload folder',
        `${name} is an executable script inside the upload folder "${upload}"; files users upload are data, so a script there may have been uploaded through a weak upload form to be run as a webshell.`,
        // a notice on its own: applications also keep their upload-handling code in folders of that name
        // (MediaWiki's includes/upload/, Horde's attachment storage), so only a webshell trait makes it a warning
        45, WEBSHELL_TAGS, [REFS.webShell, REFS.nsaWebShells]));
    } else if (image !== undefined) {
      out.push(hit('script-in-images', 'Script in an image folder',
        `${name} is an executable script inside the image folder "${image}"; image folders hold pictures, and attackers hide shells among them.`,
        45, WEBSHELL_TAGS, [REFS.webShell, REFS.nsaWebShells]));
    }
  }
  return out;
}

const OAB_SCRIPT = /(?:external|internal)url[^\n]{0,300}?<\s*script\b/;

/** The HAFNIUM OAB implant: the OAB virtual directory's ExternalUrl set to a `<script runat=server>` page. */
export function seeOabConfig(text: SubjectText): DetectorHit[] {
  // both ExternalUrl and InternalUrl end in "alurl"; one includes is far cheaper than the regex over the text
  if (text.binary || !text.lower.includes('alurl')) return [];
  const m = OAB_SCRIPT.exec(text.lower);
  if (m === null) return [];
  const h = hit('oab-externalurl-script', 'Script in an OAB virtual directory URL',
    'An ExternalUrl/InternalUrl value contains a <script> block. After ProxyLogon, HAFNIUM set the Exchange OAB virtual directory\'s ExternalUrl to a server-side JScript eval shell, so Exchange wrote the shell into its OAB configuration file.',
    150, [...WEBSHELL_TAGS, TAG.initialAccess, TAG.exploitPublicApp, TAG.execution], [REFS.cisaHafnium, REFS.msHafnium]);
  h.matches.push({ identifier: 'oab-externalurl-script', offset: text.byteStart + m.index * text.bytesPerChar, length: m[0].length * text.bytesPerChar });
  return [h];
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** LSASS dumps (credential theft) and archives staged for exfiltration, as the HAFNIUM advisories list. */
export function seeArtefacts(subject: SweepSubject): DetectorHit[] {
  const segs = segmentsOf(subject.path);
  const name = baseNameOf(subject.path);
  const parent = segs[segs.length - 2] ?? '';
  const grand = segs[segs.length - 3] ?? '';
  const out: DetectorHit[] = [];
  if (name.startsWith('lsass') && name.endsWith('.dmp')) {
    const minidump = startsWith(subject.bytes, [0x4d, 0x44, 0x4d, 0x50]);
    const staged = parent === 'root' || (parent === 'temp' && grand === 'windows');
    const what = minidump ? 'a Windows minidump (MDMP)' : 'named as a memory dump';
    out.push(hit('lsass-dump', staged ? 'LSASS dump where HAFNIUM left it' : 'LSASS memory dump',
      `${name} is ${what} of LSASS, the process that holds Windows credentials; attackers dump it (procdump, comsvcs.dll MiniDump) to steal passwords and hashes.` +
        (staged ? ` It sits in ${parent === 'root' ? 'C:\\root' : '%WINDIR%\\temp'}, where the HAFNIUM advisories report such dumps.` : ''),
      staged ? 150 : 100, [TAG.credentialAccess, TAG.lsass], [REFS.lsass, REFS.cisaHafnium, REFS.msHafnium]));
  }
  const ext = extensionOf(name);
  if ((ext === '7z' || ext === 'rar' || ext === 'zip') && parent === 'programdata') {
    const real = startsWith(subject.bytes, [0x37, 0x7a, 0xbc, 0xaf]) || startsWith(subject.bytes, [0x52, 0x61, 0x72, 0x21]) || startsWith(subject.bytes, [0x50, 0x4b, 0x03, 0x04]);
    out.push(hit('archive-in-programdata', 'Archive staged in ProgramData',
      `${name} is ${real ? 'an' : 'named as an'} archive directly in ProgramData; HAFNIUM compressed stolen data with 7-Zip/WinRAR into ProgramData before taking it out, and installers rarely leave archives at that level.`,
      60, [TAG.collection, TAG.archive], [REFS.archive, REFS.msHafnium]));
  }
  return out;
}
