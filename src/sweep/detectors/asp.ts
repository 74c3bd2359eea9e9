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
    some: [/\.createtextfile\b/, /\.opentextfile\b/, /\.deletefile\b/, /\.deletefolder\b/, /\.copyfile\b/, /\.movefile\b/, /\.getfolder\b/,
      /\.drives\b/, /\.createfolder\b/, /\.savetofile\b/, /\.subfolders\b/, /\.attributes\b/, /\.datelastmodified\b/, /\.copyfolder\b|\.movefolder\b/],
    why: 'The page creates, copies, moves and deletes files and folders through FileSystemObject or ADODB.Stream, steered by the request: the file manager of an ASP webshell kit.',
  },
  {
    id: 'eval-alias', title: 'eval passed around as a value', score: 100, tags: CODE,
    re: /[:=,]\s*eval\s*[,;}\]]/,
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
    id: 'encoded-script', title: 'VBScript.Encode encoded script', score: 50, tags: OBF,
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
    re: /(?<![\w.])(?:execute|executeglobal)\b\s*\(?\s*[a-z_]\w{0,30}\s*\(\s*[a-z_"(]/,
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
    id: 'recon-commands', title: 'Reconnaissance command strings', score: 30, tags: CMD, min: 3,
    re: /net user|net localgroup|ipconfig|netstat -an|whoami|systeminfo|tasklist|query user|serv-u|\bnet start\b/,
    why: 'Three or more Windows reconnaissance commands (net user, ipconfig, netstat, whoami...) are spelled out, as in shells with command menus.',
  },
];
