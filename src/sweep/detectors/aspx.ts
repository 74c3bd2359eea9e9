/**
 * ASP.NET webshell traits: JScript.NET's `eval(Request.Item["x"], "unsafe")` (the China Chopper ASPX server and the
 * HAFNIUM OAB implant), Process.Start / ProcessStartInfo running cmd.exe with request input, and the in-memory
 * loaders of Behinder and Godzilla: `Assembly.Load` of bytes read from the request, usually AES-decrypted first.
 */
import type { FlowSpec, Sink } from './flow.js';
import { TAG, type PatternTrait } from './trait.js';

const CODE = [TAG.execution, TAG.commandShell] as const;
const CMD = [TAG.execution, TAG.commandShell, TAG.windowsCmd] as const;
const LOAD = [TAG.execution, TAG.defenseEvasion, TAG.reflectiveLoad] as const;

/** Request["x"], Request.Form/QueryString/Params/Item/Headers/Cookies[...] or (...), the body stream, the files. */
export const ASPX_SOURCE =
  /(?<!\w)(?:context\s*\.\s*|httpcontext\s*\.\s*current\s*\.\s*|page\s*\.\s*|this\s*\.\s*)?request\s*(?:\.\s*(?:form|querystring|params|item|headers|cookies|servervariables)\s*)?(?:\[|\(\s*(?:"|\d))|(?<![\w.])request\s*\.\s*(?:form|querystring|params)\s*\.\s*get\s*\(|request\s*\.\s*(?:inputstream|binaryread|files|totalbytes)\b/;

/** A JScript.NET page: the page directive or a server-side script block says so. */
const JSCRIPT_PAGE =
  /<%@\s*(?:page|webservice|webhandler)\b[^>]{0,200}language\s*=\s*"?\s*(?:jscript|js|javascript)\b|<script\b(?=[^>]{0,200}runat\s*=\s*"?server)(?=[^>]{0,200}language\s*=\s*"?(?:jscript|javascript|js)\b)/;

/** A page of a compiled application: code-behind, a master page, a base class of its own (kits stand alone). */
const APP_PAGE = /\b(?:codebehind|codefile|masterpagefile)\s*=|\binherits\s*=\s*"(?!system\.web\.ui\.(?:page|usercontrol)")/;

function sink(id: string, title: string, does: string, score: number, tags: readonly string[], head: string): Sink {
  return { id, title, does, score, tags, re: new RegExp(head, 'g') };
}

/** Request reads that name things (form fields, query string), not an upload's own file name or body. */
const NAMING_SOURCE =
  /(?<!\w)(?:context\s*\.\s*|httpcontext\s*\.\s*current\s*\.\s*|page\s*\.\s*|this\s*\.\s*)?request\s*(?:\.\s*(?:form|querystring|params|item)\s*)?(?:\[|\(\s*(?:"|\d))/;

export const ASPX_FLOW: FlowSpec = {
  source: ASPX_SOURCE,
  ident: '[a-z_]\\w*',
  stop: /;|%>|\n/,
  encoded: /frombase64string\s*\(/,
  sinks: [
    { ...sink('eval-request', 'Request input is evaluated as JScript', 'is evaluated as JScript.NET code by eval()', 130, CODE, '(?<![\\w.])eval\\s*\\('), hidden: 90 },
    {
      ...sink('file-open-request', 'File named by the request is written', 'names the file the page writes (StreamWriter, File.WriteAllText, SaveAs), so the client decides where a file lands (droppers plant shells this way)', 50, [TAG.ingressTransfer],
        '(?:(?<!\\w)new\\s+(?:system\\.io\\.)?(?:streamwriter|filestream)\\s*\\(|(?<!\\w)file\\s*\\.\\s*(?:writealltext|writeallbytes|appendalltext|create)\\s*\\(|\\.\\s*saveas\\s*\\()'),
      source: NAMING_SOURCE,
    },
    {
      id: 'write-content-request', title: 'Request content is written to a file', score: 30, tags: [TAG.ingressTransfer],
      does: 'is written into a file, so the client decides what the file holds',
      re: /\.\s*write(?:line)?\s*\(/g,
      requires: /streamwriter|filestream/,
      source: NAMING_SOURCE,
    },
    { ...sink('sql-request', 'SQL text taken whole from the request is run', 'is run whole as SQL (a database console of webshell kits, not a query with a parameter)', 50, [TAG.execution],
      '(?<!\\w)new\\s+(?:system\\.data\\.\\w+\\.)?(?:sql|oledb|odbc|oracle|mysql)command\\s*\\('), template: true },
    {
      ...sink('process-request', 'Request input starts a process', 'starts a process through Process.Start or ProcessStartInfo', 120, CMD,
        '(?:(?<!\\w)process\\s*\\.\\s*start\\s*\\(|(?<!\\w)new\\s+(?:system\\.diagnostics\\.)?processstartinfo\\s*\\(|\\.\\s*arguments\\s*=|startinfo\\s*\\.\\s*filename\\s*=)'),
      requires: /(?<!\w)process\b|processstartinfo/,
    },
    {
      id: 'stdin-request', title: 'Request input is typed into a started shell', score: 120, tags: CMD,
      does: "is written to a started process's standard input (cmd.exe reading commands from the web page)",
      re: /standardinput\s*\.\s*write(?:line)?\s*\(/g,
    },
    sink('registry-request', 'Registry key named by the request is opened', 'names the registry key the page opens, so the client can read (or change) any key the web server account can', 70, [TAG.execution, 'attack.t1012'],
      '(?<!\\w)(?:opensubkey|createsubkey)\\s*\\('),
    { ...sink('assembly-load-request', 'Request bytes are loaded as a .NET assembly', 'is loaded as a .NET assembly by Assembly.Load, the in-memory loader of Behinder and Godzilla', 130, LOAD,
      '(?<!\\w)(?:assembly\\s*\\.\\s*load(?:from|file)?|appdomain\\s*\\.\\s*currentdomain\\s*\\.\\s*load)\\s*\\('), hidden: 70 },
    sink('connection-request', 'Database connection string from the request', 'is the connection string of a database connection, so the client picks any server and account to run SQL with (a database manager of webshell kits; install pages do it too)', 40, [TAG.execution],
      '(?<!\\w)new\\s+(?:system\\.data\\.\\w+\\.)?(?:sql|oledb|odbc|oracle|mysql)connection\\s*\\('),
    {
      id: 'shell-request', title: 'Request input is run through WScript.Shell', score: 120, tags: CMD,
      does: 'is run as a Windows command through WScript.Shell',
      re: /\.\s*(?:run|exec)\s*\(/g,
      requires: /wscript\.shell/,
    },
  ],
};

export const ASPX_TRAITS: readonly PatternTrait[] = [
  {
    id: 'file-manager-kit', title: 'File manager driven by the request', score: 50, tags: [TAG.ingressTransfer],
    all: [ASPX_SOURCE], someMin: 6,
    none: [APP_PAGE],
    some: [/getlogicaldrives|driveinfo\s*\.\s*getdrives/, /\.getdirectories\s*\(/, /\.getfiles\s*\(/, /file\s*\.\s*delete\s*\(/, /directory\s*\.\s*delete\s*\(/,
      /file\s*\.\s*move\s*\(|file\s*\.\s*copy\s*\(/, /file\s*\.\s*(?:writealltext|writeallbytes|create)\s*\(|new\s+streamwriter/, /\.saveas\s*\(/,
      /file\s*\.\s*(?:readalltext|readallbytes|openread)\s*\(|new\s+streamreader/, /\.(?:lastwritetime|creationtime)\s*=|setlastwritetime|setcreationtime/, /fileattributes/, /directory\s*\.\s*createdirectory/],
    why: 'The page lists drives and folders and reads, writes, moves and deletes files as the request says: the file manager of an ASP.NET webshell kit.',
  },
  {
    id: 'eval-unsafe', title: 'JScript eval in unsafe mode', score: 120, tags: CODE,
    re: /eval\s*\([^;\n]{0,160},\s*\\?"unsafe|eval\s*\([^;\n]{0,160},[^;\n]{0,80}"u"\s*\+\s*"n"/,
    why: 'eval(..., "unsafe") runs text as JScript.NET with full trust: the China Chopper ASPX server and the HAFNIUM OAB implant use exactly this.',
  },
  {
    id: 'eval-two-arguments', title: 'JScript eval with a trust argument', score: 80, tags: CODE,
    // only in JScript pages: in C#/VB pages Eval("Field", "{0}") is data binding
    all: [JSCRIPT_PAGE, /(?<![\w.])eval\s*\([^;()]{1,80},\s*[^;()]{1,80}\)/],
    why: 'eval is called with a second argument in a JScript.NET page, the form eval(code, "unsafe") that runs text with full trust; ordinary JScript eval takes one argument.',
  },
  {
    id: 'jscript-eval-variable', title: 'JScript.NET eval of a variable', score: 70, tags: CODE,
    all: [JSCRIPT_PAGE, /(?<![\w.])eval\s*\(\s*[a-z_]\w*\s*\)/],
    why: 'A JScript.NET page or service passes a variable (often a method parameter) to eval, which runs whatever text the caller sends.',
  },
  {
    id: 'small-dropper', title: 'Small page that writes files', score: 30, tags: [TAG.ingressTransfer], maxChars: 3000,
    all: [/streamwriter|filestream|writealltext|\.saveas\s*\(/, NAMING_SOURCE],
    none: [APP_PAGE],
    why: 'A page of under 3 KB does little else than take request input and write a file: the shape of ASP.NET droppers that plant a bigger shell.',
  },
  {
    id: 'aes-assembly-loader', title: 'Decrypts request bytes and loads them as code', score: 130, tags: [...LOAD, TAG.obfuscation],
    all: [/assembly\s*\.\s*load\s*\(|\.\s*load\s*\(\s*(?:new\s+system\.security|\(byte\[\]\))|system\.reflection\.assembly/,
      /rijndaelmanaged|createdecryptor|transformfinalblock|aesmanaged|aescryptoserviceprovider/,
      /request\s*\.\s*(?:binaryread|inputstream)|request\s*\.\s*form|request\s*\[/],
    why: 'Bytes from the request are AES-decrypted and loaded as a .NET assembly in memory: the design of the Behinder and Godzilla ASPX shells, whose real code never touches the disk.',
  },
  {
    id: 'assembly-createinstance', title: 'Loads an assembly and instantiates it in a page', score: 60, tags: LOAD,
    re: /assembly\s*\.\s*load\s*\([^;\n]{0,200}\)\s*\.\s*createinstance\s*\(/,
    why: 'A page loads an assembly from bytes and creates an object of it in one statement, the stager pattern of in-memory webshells.',
  },
  {
    id: 'cmd-process', title: 'Starts cmd.exe', score: 40, tags: CMD,
    all: [/processstartinfo|process\s*\.\s*start|new\s+process\s*\(\s*\)|\.startinfo\b/, /cmd\.exe|"cmd"|\/c\s/],
    why: 'The page starts cmd.exe (or a "/c" command line) through the Process API, which is how ASPX shells run commands.',
  },
  {
    id: 'redirect-output', title: 'Captures a process\'s output for the page', score: 20, tags: CMD,
    re: /redirectstandardoutput\s*=\s*true/,
    why: 'The page redirects a started process\'s output into itself, so the command\'s result can be shown to the requester.',
  },
  {
    id: 'wscript-shell', title: 'Creates WScript.Shell', score: 50, tags: CMD,
    re: /(?:createobject|activexobject|gettypefromprogid)\s*\(\s*"wscript\.shell"/,
    why: 'The page creates a WScript.Shell object, which runs Windows commands; ASP.NET pages have no need for it.',
  },
  {
    id: 'jscript-vsa', title: 'Evaluates code through the JScript engine', score: 60, tags: CODE,
    re: /microsoft\.jscript\.eval\s*\.\s*jscriptevaluate|vsaengine\s*\.\s*createengine|new\s+microsoft\.jscript\.vsa/,
    why: 'The page calls the JScript engine\'s evaluator directly (JScriptEvaluate / VsaEngine), a way to eval text from C# that shells use.',
  },
  {
    id: 'compile-source', title: 'Compiles source code at run time', score: 30, tags: CODE,
    re: /compileassemblyfromsource|csharpcodeprovider|codedomprovider\s*\.\s*createprovider/,
    why: 'The page compiles C# or VB source at run time, which lets a request supply code to run.',
  },
  {
    id: 'file-manager', title: 'Browses and edits the server\'s files', score: 30,
    all: [/directoryinfo|directory\s*\.\s*getfiles/, /file\s*\.\s*delete|\.delete\s*\(/, /getlogicaldrives|driveinfo\s*\.\s*getdrives/, ASPX_SOURCE],
    why: 'The page lists the drives and deletes files as the request says: the file manager of a webshell kit.',
  },
  {
    id: 'recon-commands', title: 'Reconnaissance command strings', score: 20, tags: CMD, min: 3,
    re: /net user|net localgroup|ipconfig|netstat -an|whoami|systeminfo|tasklist|query user/,
    why: 'Three or more Windows reconnaissance commands (net user, ipconfig, netstat, whoami...) are spelled out, as in shells with command menus.',
  },
];
