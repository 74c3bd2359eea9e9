/**
 * Classic ASP (VBScript and JScript) webshell traits: Request input reaching Execute/ExecuteGlobal/Eval (the China
 * Chopper one-liner `<%eval request("x")%>`), WScript.Shell and Shell.Application running commands, encoded script
 * (VBScript.Encode, Execute of decoded text) and the file-manager kits built on Scripting.FileSystemObject.
 */
import type { FlowSpec, Sink } from './flow.js';
import { TAG, type PatternTrait } from './trait.js';

const CODE = [TAG.execution, TAG.commandShell] as const;
const CMD = [TAG.execution, TAG.commandShell, TAG.windowsCmd] as const;
const OBF = [TAG.defenseEvasion, TAG.obfuscation] as const;

/** Request("x"), Request.Form/QueryString/Item/Cookies("x"), Request.Item["x"] (JScript), Request.BinaryRead. */
export const ASP_SOURCE = /(?<![\w.])(?:request|session)\s*(?:\.\s*(?:form|querystring|item|cookies)\s*)?[([]|(?<![\w.])request\s*\.\s*binaryread/;

/** Not ADO's conn.Execute, not Server.Execute, not part of a longer name. */
const NOT_MEMBER = '(?<![\\w.])';

function sink(id: string, title: string, does: string, score: number, tags: readonly string[], head: string): Sink {
  return { id, title, does, score, tags, re: new RegExp(NOT_MEMBER + head, 'g') };
}

export const ASP_FLOW: FlowSpec = {
  source: ASP_SOURCE,
  ident: '[a-z_]\\w*',
  stop: /\n|%>|:(?!\\)/,
  sinks: [
    sink('execute-request', 'Request input is executed as script', 'is run as script by Execute, ExecuteGlobal or Eval', 130, CODE,
      '(?:execute|executeglobal|eval)\\b\\s*\\(?'),
    {
      id: 'scriptcontrol-request', title: 'Request input is added to a ScriptControl', score: 130, tags: CODE,
      does: 'is loaded into an MSScriptControl (AddCode / ExecuteStatement / Eval) and run',
      re: /\.\s*(?:addcode|executestatement|eval)\b\s*\(?/g,
      requires: /scriptcontrol/,
    },
    {
      id: 'create-file-request', title: 'File named by the request is created', score: 30, tags: [TAG.ingressTransfer],
      does: 'names a file that FileSystemObject or ADODB.Stream creates, so the client decides where a file lands (droppers write shells this way)',
      re: /\.\s*(?:createtextfile|opentextfile|savetofile)\b\s*\(?/g,
    },
    {
      id: 'write-request', title: 'Request text is written to a file', score: 20, tags: [TAG.ingressTransfer],
      does: 'is written into a file (TextStream.Write / ADODB.Stream.WriteText), so the client decides what the file holds',
      re: /\.\s*(?:write|writeline|writetext)\b\s*\(?/g,
      requires: /scripting\.filesystemobject|adodb\.stream|createtextfile|opentextfile/,
    },
    {
      id: 'shell-request', title: 'Request input is run as a Windows command', score: 120, tags: CMD,
      does: 'is run as a Windows command through WScript.Shell (.Run / .Exec) or Shell.Application',
      re: /\.\s*(?:run|exec|shellexecute)\b\s*\(?/g,
      requires: /wscript\.shell|shell\.application|72c24dd5-d70a-438b-8a42-98424b88afb8|13709620-c279-11ce-a49e-444553540000/,
    },
  ],
};

export const ASP_TRAITS: readonly PatternTrait[] = [
  {
    id: 'file-manager-kit', title: 'File manager driven by the request', score: 50, tags: [TAG.ingressTransfer],
    all: [ASP_SOURCE, /scripting\.filesystemobject|adodb\.stream/], someMin: 6,
    // a CMS's own file manager includes the CMS's files; kits are one stand-alone page
    none: [/<!--\s*#include\b/],
    some: [/\.createtextfile\b/, /\.opentextfile\b/, /\.deletefile\b/, /\.deletefolder\b/, /\.copyfile\b/, /\.movefile\b/, /\.getfolder\b/,
      /\.drives\b/, /\.createfolder\b/, /\.savetofile\b/, /\.subfolders\b/, /\.attributes\b/, /\.datelastmodified\b/, /\.copyfolder\b|\.movefolder\b/],
    why: 'The page creates, copies, moves and deletes files and folders through FileSystemObject or ADODB.Stream, steered by the request: the file manager of an ASP webshell kit.',
  },
  {
    id: 'utf-7-page', title: 'Page declared as UTF-7', score: 80, tags: OBF,
    re: /<%@[^%]{0,80}codepage\s*=\s*65000\b/,
    why: 'The page declares code page 65000 (UTF-7), so IIS decodes +x- style sequences into code: a way to write eval request(...) that no text search recognises. Real pages have no reason to use UTF-7.',
  },
  {
    id: 'small-dropper', title: 'Small page that writes files', score: 30, tags: [TAG.ingressTransfer], maxChars: 3000,
    all: [/scripting\.filesystemobject|adodb\.stream/, /\.(?:createtextfile|opentextfile|savetofile)\b/, ASP_SOURCE],
    // an application's own small admin page includes its shared files; a dropper stands alone
    none: [/<!--\s*#include\b/],
    why: 'A stand-alone page of under 3 KB (it includes none of an application\'s files) does little else than take request input and write a file: the shape of ASP droppers that plant a bigger shell.',
  },
  {
    id: 'download-and-save', title: 'Downloads a file onto the server', score: 40, tags: [TAG.ingressTransfer],
    all: [/microsoft\.xmlhttp|msxml2\.serverxmlhttp|winhttp\.winhttprequest/, /adodb\.stream/, /\.savetofile\b/, /\.responsebody\b/],
    why: 'The page fetches a URL with XMLHTTP and saves the response with ADODB.Stream.SaveToFile: a downloader that brings tools or shells onto the server.',
  },
  {
    id: 'eval-statement', title: 'Eval used as a statement', score: 60, tags: CODE,
    re: /(?:^|[\n:]|<%)\s*eval\s+[a-z_(]/,
    why: 'Eval is used as a statement ("eval x"), discarding its result: it is there only for the code it runs, which shells build from request input or hidden text.',
  },
  {
    id: 'eval-alias', title: 'eval passed around as a value', score: 100, tags: CODE,
    re: /[:=,]\s*eval\s*[,;}\]]|return\s+eval\s*[;}\n]/,
    why: 'The eval function itself is stored in a variable or object ({x: eval}) and called later, a JScript trick to run request input without writing eval(Request...).',
  },
  {
    id: 'request-to-file', title: 'Writes request text to a file the request names', score: 60, tags: [TAG.ingressTransfer],
    all: [/\.(?:createtextfile|opentextfile|savetofile)\b[^\n]{0,80}(?:request|server\.mappath\s*\(\s*request)/, /\.(?:write|writeline|writetext)\b[^\n]{0,20}request/],
    why: 'Text from the request is written into a file whose name also comes from the request: a dropper that lets the client plant any script on the server.',
  },
  {
    id: 'chopper-one-liner', title: 'China Chopper-style one-liner', score: 130, tags: CODE, maxChars: 4096,
    re: /<%\s*(?:eval|execute|executeglobal)\b\s*\(?\s*request\b/,
    why: 'The script opens with <%eval request(...)%> (or Execute): the China Chopper server side, which runs whatever script its client posts.',
  },
  {
    id: 'wscript-shell', title: 'Creates WScript.Shell', score: 50, tags: CMD,
    re: /(?:createobject|activexobject)\s*\(\s*"wscript\.shell"|clsid:72c24dd5-d70a-438b-8a42-98424b88afb8/,
    why: 'The page creates a WScript.Shell object, which runs Windows commands; web pages rarely need it.',
  },
  {
    id: 'shell-application', title: 'Creates Shell.Application', score: 40, tags: CMD,
    re: /(?:createobject|activexobject)\s*\(\s*"shell\.application"|clsid:13709620-c279-11ce-a49e-444553540000/,
    why: 'The page creates a Shell.Application object, whose ShellExecute starts programs.',
  },
  {
    id: 'cmd-exe', title: 'Runs cmd.exe', score: 30, tags: CMD,
    re: /cmd(?:\.exe)?\s*\/c|"cmd\.exe"|\\cmd\.exe/,
    why: 'The page spells out cmd.exe (or "cmd /c"), the command interpreter a shell hands its commands to.',
  },
  {
    id: 'encoded-script', title: 'VBScript.Encode encoded script', score: 60, tags: OBF,
    re: /#@~\^[a-z0-9+/=]{6}==/i,
    why: 'Part of the page is encoded with the Windows Script Encoder (#@~^...), which hides the code from anyone reading the file.',
  },
  {
    id: 'execute-decoded', title: 'Executes decoded or built text', score: 70, tags: [...CODE, ...OBF],
    re: /(?<![\w.])(?:execute|executeglobal|eval)\b\s*\(?\s*(?:chrw?\s*\(|strreverse\s*\(|[a-z_]\w{0,20}(?:decode|decrypt|unescape|unpack|base64|hex|bin|rev)\w{0,10}\s*\(|unescape\s*\()/,
    why: 'Execute/Eval runs text produced by a decoding function or built from character codes, so the code it runs cannot be read in the file.',
  },
  {
    id: 'execute-function-result', title: 'Executes what a function returns', score: 60, tags: [...CODE, ...OBF],
    // not the classic-ASP "dynamic include", ExecuteGlobal(ReadFile("inc.asp")): functions that read files are left out
    re: /(?<![\w.])(?:execute|executeglobal)\b\s*\(?\s*(?![a-z_]\w{0,30}?(?:read|load|include|file|tpl|templ|cache|getcode)\w{0,20}\s*\()[a-z_]\w{0,30}\s*\(\s*[a-z_"(]/,
    why: 'Execute/ExecuteGlobal runs the string a function returns (often a decoder of hidden text), so the code that runs is not written in the file.',
  },
  {
    id: 'eval-two-arguments', title: 'JScript eval with a trust argument', score: 80, tags: CODE,
    re: /(?<![\w.])eval\s*\([^;\n()]{1,80},\s*[^;\n()]{1,60}\)/,
    why: 'eval is called with a second argument, the JScript.NET form eval(code, "unsafe") that runs text with full trust; ordinary JScript eval takes one argument.',
  },
  {
    id: 'execute-statement', title: 'Runs script built at run time', score: 30, tags: CODE,
    re: /(?<![\w.])(?:execute|executeglobal)\b\s*\(?\s*[a-z_(]/,
    why: 'The page uses Execute/ExecuteGlobal, which run a string as VBScript; ordinary pages almost never need it and shells hide their code behind it.',
  },
  {
    id: 'file-manager', title: 'Browses and edits the server\'s files', score: 30,
    all: [/scripting\.filesystemobject/, /\.(?:deletefile|deletefolder|copyfile|movefile)\b/, /\.drives\b|getspecialfolder|\.getdrive\b/, ASP_SOURCE],
    why: 'The page lists drives and copies, moves and deletes files as the request says: the file manager of a webshell kit.',
  },
  {
    id: 'stream-writer', title: 'Writes request bytes to a file', score: 20, tags: [TAG.ingressTransfer],
    all: [/adodb\.stream/, /\.savetofile\b/, /request\s*\.\s*binaryread|request\s*\.\s*form|request\s*\(/],
    why: 'Bytes from the request are written to disk through ADODB.Stream.SaveToFile, the upload primitive of ASP shells (and of some upload forms).',
  },
  {
    id: 'recon-commands', title: 'Reconnaissance command strings', score: 20, tags: CMD, min: 3,
    re: /net user|net localgroup|ipconfig|netstat -an|whoami|systeminfo|tasklist|query user|serv-u|\bnet start\b/,
    why: 'Three or more Windows reconnaissance commands (net user, ipconfig, netstat, whoami...) are spelled out, as in shells with command menus.',
  },
];
