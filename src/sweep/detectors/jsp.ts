/**
 * JSP webshell traits: request parameters reaching Runtime.exec / ProcessBuilder, a ScriptEngine's eval, or a
 * ClassLoader's defineClass (Behinder and Godzilla decrypt a class sent in the request and define it in memory);
 * reflection that names Runtime or exec as strings to hide them; and the file-manager and upload kits.
 */
import type { FlowSpec, Sink } from './flow.js';
import { TAG, type PatternTrait } from './trait.js';

const CODE = [TAG.execution, TAG.commandShell] as const;
const OS = [TAG.execution, TAG.commandShell, TAG.unixShell, TAG.windowsCmd] as const;
const LOAD = [TAG.execution, TAG.defenseEvasion, TAG.reflectiveLoad] as const;
const OBF = [TAG.defenseEvasion, TAG.obfuscation] as const;

/** request.getParameter(...) and friends, on `request` or any variable whose name says it is the request. */
export const JSP_SOURCE =
  /(?:(?<![\w.])(?:request|req|httprequest|servletrequest|[a-z]\w{0,20}request)|getrequest\s*\(\s*\))\s*\.\s*(?:getparameter|getparametervalues|getparametermap|getinputstream|getreader|getheader|getquerystring|getpart)\s*\(/;

function sink(id: string, title: string, does: string, score: number, tags: readonly string[], head: string): Sink {
  return { id, title, does, score, tags, re: new RegExp(head, 'g') };
}

export const JSP_FLOW: FlowSpec = {
  source: JSP_SOURCE,
  ident: '[a-z_]\\w*',
  stop: /;|%>/,
  sinks: [
    sink('exec-request', 'Request input is run as an OS command', 'is run as an operating-system command by Runtime.exec() or ProcessBuilder', 120, OS,
      '(?:(?<!\\w)getruntime\\s*\\(\\s*\\)\\s*\\.\\s*exec|(?<!\\w)new\\s+(?:java\\.lang\\.)?processbuilder|\\.\\s*command)\\s*\\('),
    {
      ...sink('define-class-request', 'Request bytes are defined as a Java class', 'is defined as a Java class by a ClassLoader (defineClass), the in-memory loader of Behinder and Godzilla', 130, LOAD,
        '(?:(?<!\\w)defineclass|\\.\\s*define|(?<!\\w)defineanonymousclass)\\s*\\('),
      requires: /classloader|defineclass|defineanonymousclass/,
    },
    sink('connection-request', 'Database connection opened with request input', 'opens a JDBC connection (URL, user or password), so the client picks any database and account to run SQL with (a database manager of webshell kits; install pages do it too)', 40, [TAG.execution],
      '(?<!\\w)drivermanager\\s*\\.\\s*getconnection\\s*\\('),
    sink('file-open-request', 'File named by the request is opened for writing', 'names a file the page opens for writing, so the client decides where a file lands (droppers plant shells this way)', 50, [TAG.ingressTransfer],
      '(?<!\\w)new\\s+(?:java\\.io\\.)?(?:fileoutputstream|filewriter|randomaccessfile|printwriter\\s*\\(\\s*new\\s+(?:java\\.io\\.)?filewriter)\\s*\\('),
    {
      id: 'write-content-request', title: 'Request content is written to a file', score: 30, tags: [TAG.ingressTransfer],
      does: 'is written into a file, so the client decides what the file holds',
      re: /\.\s*(?:write|print|println)\s*\(/g,
      requires: /fileoutputstream|filewriter|randomaccessfile/,
      // a text parameter written out, not an upload's bytes
      source: /(?<![\w.])(?:request|req|[a-z]\w{0,20}request)\s*\.\s*getparameter(?:values)?\s*\(|getrequest\s*\(\s*\)\s*\.\s*getparameter\s*\(/,
    },
    {
      ...sink('script-eval-request', 'Request input is evaluated by a script engine', 'is evaluated by a javax.script ScriptEngine (JavaScript inside Java)', 120, CODE, '\\.\\s*eval\\s*\\('),
      requires: /scriptengine|getenginebyname|getenginebyextension/,
    },
  ],
};

export const JSP_TRAITS: readonly PatternTrait[] = [
  {
    id: 'file-manager-kit', title: 'File manager driven by the request', score: 50, tags: [TAG.ingressTransfer],
    all: [JSP_SOURCE], someMin: 6,
    none: [/<%@\s*include\b|<jsp:include\b/],
    some: [/\.listfiles\s*\(/, /\.listroots\s*\(/, /\.delete\s*\(\s*\)/, /\.renameto\s*\(/, /fileoutputstream/, /fileinputstream|filereader/, /\.mkdirs?\s*\(/,
      /\.setlastmodified\s*\(/, /getabsolutepath|getcanonicalpath/, /zipoutputstream|zipentry/, /getrealpath/, /\.canwrite\s*\(/],
    why: 'The page lists folders and drives, reads, writes, renames and deletes files, all steered by request parameters: the file manager of a JSP webshell kit.',
  },
  {
    id: 'runtime-exec', title: 'Runs OS commands through Runtime.exec', score: 40, tags: OS,
    re: /runtime\s*\.\s*getruntime\s*\(\s*\)\s*\.\s*exec\s*\(|new\s+(?:java\.lang\.)?processbuilder\s*\(/,
    why: 'The page runs operating-system commands (Runtime.exec or ProcessBuilder); JSP views have almost no reason to.',
  },
  {
    id: 'shell-interpreter', title: 'Hands commands to a shell', score: 30, tags: OS,
    re: /"(?:\/bin\/(?:ba)?sh|cmd(?:\.exe)?)"\s*,\s*"(?:-c|\/c|\/k)"|"cmd(?:\.exe)?\s+\/c|"\/bin\/(?:ba)?sh\s+-c/,
    why: 'Commands are handed to /bin/sh -c or cmd.exe /c, so a single string can carry any shell command line.',
  },
  {
    id: 'classloader-defineclass', title: 'Defines classes from bytes in a page', score: 60, tags: LOAD,
    all: [/extends\s+classloader|classloader\s*\(|urlclassloader/, /defineclass\s*\(|\.\s*define\s*\(/],
    why: 'The page declares its own ClassLoader and defines classes from bytes: how Behinder and Godzilla run code that is sent in the request and never saved.',
  },
  {
    id: 'aes-class-loader', title: 'Decrypts request bytes into a class', score: 80, tags: [...LOAD, TAG.obfuscation],
    all: [/defineclass\s*\(|\.\s*define\s*\(/, /cipher\s*\.\s*getinstance|secretkeyspec/, JSP_SOURCE],
    why: 'Request bytes are decrypted (javax.crypto Cipher) and defined as a class: the Behinder/Godzilla JSP design, whose payload is AES-encrypted on the wire.',
  },
  {
    id: 'reflective-runtime', title: 'Reaches Runtime or exec by reflection', score: 60, tags: [...OS, ...OBF],
    re: /forname\s*\(\s*"java\.lang\.(?:runtime|processbuilder|processimpl)"|getmethod\s*\(\s*"(?:exec|getruntime|start)"|getdeclaredmethod\s*\(\s*"(?:exec|getruntime|forkandexec)"|"java\.lang\.processimpl"/,
    why: 'Runtime, ProcessBuilder or exec are looked up by name through reflection, a way to run commands that hides the call from reviewers and signatures.',
  },
  {
    id: 'computed-reflection', title: 'Reflection on names computed at run time', score: 60, tags: [...OS, ...OBF],
    re: /(?:forname|getmethod|getdeclaredmethod|loadclass)\s*\(\s*new\s+(?:java\.lang\.)?string\s*\(/,
    why: 'A class or method is looked up by a name built at run time (new String(bytes or base64)), so the class it reaches (Runtime, ProcessBuilder) never appears in the file.',
  },
  {
    id: 'beans-expression-exec', title: 'Runs exec through java.beans.Expression', score: 80, tags: [...OS, ...OBF],
    re: /new\s+(?:java\.beans\.)?(?:expression|statement)\s*\([^;]{0,120}"(?:exec|start|getruntime)"/,
    why: 'java.beans.Expression/Statement calls "exec" or "start" by name on Runtime or ProcessBuilder, running commands without writing .exec( in the page.',
  },
  {
    id: 'small-dropper', title: 'Small page that writes files', score: 30, tags: [TAG.ingressTransfer], maxChars: 3000,
    all: [/fileoutputstream|filewriter|randomaccessfile/, /getparameter\s*\(/],
    // upload back ends write the request body or a multipart part; droppers write a text parameter
    none: [/getinputstream\s*\(|getpart\s*\(|getparts\s*\(|fileupload|multipart/, /<%@\s*include\b|<jsp:include\b/],
    why: 'A stand-alone page of under 3 KB does little else than take request parameters and write them to a file (not an upload of the request body): the shape of JSP droppers that plant a bigger shell.',
  },
  {
    id: 'script-engine', title: 'Evaluates script with a ScriptEngine', score: 30, tags: CODE,
    re: /scriptenginemanager\s*\(\s*\)\s*\.\s*getenginebyname|getenginebyname\s*\(\s*"(?:js|javascript|nashorn|ecmascript)"/,
    why: 'The page creates a JavaScript engine inside Java, which can run any code passed to it.',
  },
  {
    id: 'file-manager', title: 'Browses and edits the server\'s files', score: 30,
    all: [/new\s+(?:java\.io\.)?file\s*\(\s*(?:request|req)\s*\.\s*getparameter|new\s+(?:java\.io\.)?file\s*\(\s*\w+\s*\)/, /\.listroots\s*\(|\.listfiles\s*\(/, /\.delete\s*\(\s*\)/, /fileoutputstream/, JSP_SOURCE],
    why: 'The page lists roots and folders, writes and deletes files as the request says: the file manager of a webshell kit.',
  },
  {
    id: 'write-request-file', title: 'Writes request input to a named file', score: 60, tags: [TAG.ingressTransfer],
    re: /new\s+(?:java\.io\.)?file(?:outputstream|writer)\s*\(\s*(?:application\s*\.\s*getrealpath\s*\([^)]{0,60}\)\s*\+\s*)?(?:request|req)\s*\.\s*getparameter/,
    why: 'A file whose name comes from the request is opened for writing: the dropper pattern that plants further shells.',
  },
  {
    id: 'recon-commands', title: 'Reconnaissance command strings', score: 20, tags: OS, min: 3,
    re: /uname -a|\/etc\/passwd|whoami|netstat -an|net user|ipconfig|ifconfig|systeminfo|tasklist/,
    why: 'Three or more reconnaissance commands (uname -a, /etc/passwd, whoami, netstat, net user...) are spelled out, as in shells with command menus.',
  },
  {
    id: 'exec-one-liner', title: 'Tiny page that runs commands from the request', score: 60, tags: OS, maxChars: 4096,
    all: [/getruntime\s*\(\s*\)\s*\.\s*exec\s*\(|\bruntime\b[^;]{0,80}\.\s*exec\s*\(|processbuilder|defineclass/, JSP_SOURCE],
    why: 'A page of under 4 KiB both reads request parameters and runs commands or defines classes: the shape of minimal JSP shells.',
  },
];
