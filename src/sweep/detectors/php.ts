/**
 * PHP webshell traits: superglobals (or php://input, headers) reaching eval/assert/create_function, a variable or
 * request-named function, preg_replace's /e, the command functions (system, exec, passthru, shell_exec, popen,
 * proc_open, backticks) or include; decode-and-eval chains; and the kit traits of the big file-manager shells.
 */
import type { FlowSpec, Sink } from './flow.js';
import { operatorBetween, TAG, type PatternTrait } from './trait.js';

const CODE = [TAG.execution, TAG.commandShell] as const;
const OS = [TAG.execution, TAG.commandShell, TAG.unixShell] as const;
const OBF = [TAG.defenseEvasion, TAG.obfuscation] as const;

/** Request input: the superglobals (by name or through $GLOBALS / ${'_POST'}), the raw body, request headers. */
const SOURCE =
  /\$_(?:get|post|request|cookie|files)\b|\$_server\s*\[\s*['"]http_|\$http_(?:get|post|raw_post|cookie)_vars|\$http_raw_post_data|php:\/\/input|getallheaders\s*\(|\$\s*\{\s*['"]_|\$globals\s*\[\s*['"]_(?:get|post|request|cookie)|getenv\s*\(\s*['"]http_/;

/** Decoders whose output, fed to eval, is hidden code. */
const DECODE =
  /(?<![\w>:$])(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|convert_uudecode|hex2bin|rawurldecode|urldecode|pack)\s*\(/;

/** Not a method (->eval), not a static (::exec), not part of a longer name. */
const NOT_MEMBER = '(?<![\\w>:$\\\\])';

/** Per sink, the function names its head spells, one of which every match holds (Sink.needs: a quick includes). */
const SINK_NEEDS: Record<string, readonly string[]> = {
  'reflection-request': ['reflectionfunction'],
  'mb-ereg-e-request': ['mb_'],
  'write-request': ['file_put_contents', 'fwrite', 'fputs'],
};

function sink(id: string, title: string, does: string, score: number, tags: readonly string[], head: string, hidden?: number, stop?: RegExp): Sink {
  const s: Sink = { id, title, does, score, tags, re: new RegExp(NOT_MEMBER + head, 'g') };
  const needs = SINK_NEEDS[id];
  if (needs !== undefined) s.needs = needs;
  if (hidden !== undefined) s.hidden = hidden;
  if (stop !== undefined) s.stop = stop;
  return s;
}

export const PHP_FLOW: FlowSpec = {
  source: SOURCE,
  ident: '\\$[a-z_]\\w*',
  stop: /;|\?>/,
  encoded: DECODE,
  callee: /(?<![\w>:$\\]|new\s{1,8})(\$[a-z_]\w*)\s*\(/g,
  sinks: [
    {
      ...sink('eval-request', 'PHP code from the request is evaluated', 'is run as PHP code by eval(), assert() or create_function()', 130, CODE,
        '(?:eval|assert|create_function)\\s*\\(', 90),
      template: true,
    },
    sink('callback-request', 'Function named by the request is called', 'names the function that call_user_func(), array_map() or a sort callback runs', 110, CODE,
      '(?:call_user_func(?:_array)?|register_shutdown_function|register_tick_function|forward_static_call(?:_array)?)\\s*\\(\\s*', undefined, /[,;)]|\?>/),
    sink('preg-e-request', 'preg_replace /e evaluates request input', 'reaches preg_replace() with the /e modifier, which evaluates the replacement as PHP', 120, CODE,
      "preg_replace\\s*\\(\\s*(['\"])\\s*([/#|~!@%])[^'\"\\n]{0,160}\\2[a-z]{0,6}e[a-z]{0,6}\\1\\s*,", 90, /[,;]|\?>/),
    sink('reflection-request', 'Function named by the request is called by reflection', 'names the function that ReflectionFunction calls', 110, CODE,
      'new\\s+reflectionfunction\\s*\\(', undefined, /[,;)]|\?>/),
    sink('mb-ereg-e-request', 'mb_ereg_replace /e evaluates request input', "reaches mb_ereg_replace() with the 'e' option, which evaluates the replacement as PHP", 120, CODE,
      "mb_e?regi?_replace\\s*\\((?=[^;]{0,200},\\s*['\"][a-z]{0,6}e[a-z]{0,6}['\"]\\s*\\))"),
    sink('array-callback-request', 'Request input chooses an array callback', 'becomes the callback of array_map(), array_filter(), array_walk() or a sort, which runs any PHP function the client names', 110, CODE,
      '(?:array_map\\s*\\(|(?:array_filter|array_walk|array_walk_recursive|usort|uasort|uksort|array_reduce|iterator_apply)\\s*\\([^,;]{1,80},)', undefined, /[,;)]|\?>/),
    sink('command-request', 'Command from the request is run by the OS', 'is run as an operating-system command by system(), exec(), passthru(), shell_exec(), popen() or proc_open()', 120, OS,
      '(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\\s*\\(', 70),
    {
      ...sink('include-request', 'File named by the request is included', 'names a file that include/require runs as PHP', 80, CODE,
        '(?<![\'"])(?:include|include_once|require|require_once)\\b\\s*\\(?(?=\\s*(?:[$\'"(]|[a-z_]\\w*\\s*\\())', undefined, /;|\?>|\n/),
      direct: true,
    },
    sink('write-request', 'Request input is written to a file', 'is written to disk by file_put_contents() or fwrite(), which is how a dropper plants a second shell', 30, [TAG.ingressTransfer],
      '(?:file_put_contents|fwrite|fputs)\\s*\\('),
  ],
};

export const PHP_TRAITS: readonly PatternTrait[] = [
  {
    id: 'file-manager-kit', title: 'File manager driven by the request', score: 50, tags: [TAG.ingressTransfer],
    all: [SOURCE], someMin: 9,
    some: [/(?:opendir|readdir|scandir)\s*\(/, /unlink\s*\(/, /rmdir\s*\(/, /rename\s*\(/, /(?<![\w>:])copy\s*\(/, /chmod\s*\(/, /file_put_contents\s*\(|fwrite\s*\(/,
      /move_uploaded_file\s*\(/, /is_writable\s*\(/, /fileperms\s*\(/, /posix_getpwuid|posix_getgrgid/, /disk_free_space|disk_total_space/, /touch\s*\(/, /(?<![\w>:])mkdir\s*\(/,
      /php_uname|getmyuid|get_current_user/],
    why: 'The script browses folders and reads, writes, renames, chmods and deletes files as the request says, and reports the server\'s owner and disk: the file manager of a PHP webshell kit.',
  },
  {
    id: 'request-callable', title: 'Request input is called as a function', score: 130, tags: CODE,
    why: 'A request parameter is itself called as a function ($_GET[a]($_GET[b])), so the client chooses both the PHP function and its argument.',
    re: /\$_(?:get|post|request|cookie)\s*\[[^\]\n]{0,60}\]\s*\(/,
  },
  {
    id: 'dynamic-superglobal-call', title: 'Dynamically named array element is called', score: 110, tags: [...CODE, ...OBF],
    needs: ['${'],
    why: "A superglobal reached through a built name (${'_'.'POST'}) is called as a function; the name is assembled to hide it from readers and signatures.",
    re: /\$\{[^}\n]{0,60}\}\s*\[[^\]\n]{0,60}\]\s*\(/,
  },
  {
    id: 'variable-function-request', title: 'Variable function fed by the request', score: 100, tags: CODE,
    why: "A function whose name sits in a variable ($f = 'assert'; $f($_POST[x])) is called with request input: the classic way to hide eval or system from a reader.",
    re: /(?<![\w>:$\\])\$[a-z_]\w{0,30}(?:\s*\[[^\]\n]{0,20}\]){0,3}\s*\(\s*@?\s*(?:\$_(?:get|post|request|cookie)\b|\$\s*\{|\$globals\s*\[|[a-z_]\w{0,20}\s*\(\s*@?\$_(?:get|post|request|cookie)\b)/,
  },
  {
    id: 'computed-callback-request', title: 'Computed function called with request input', score: 70, tags: CODE,
    re: /(?<![\w>:$])(?:call_user_func(?:_array)?|register_shutdown_function|register_tick_function|array_map|forward_static_call(?:_array)?)\s*\(\s*\$[^,;]{0,80},[^;]{0,120}\$_(?:get|post|request|cookie)\b/,
    why: 'A callback runner gets its function from a variable or expression and its argument from the request: the function is assembled elsewhere (often from characters) so eval or assert never appear.',
  },
  {
    id: 'dangerous-name-in-variable', title: 'Dangerous function name kept in a variable', score: 40, tags: CODE,
    re: /=\s*['"](?:assert|create_function|shell_exec|passthru|proc_open|pcntl_exec|move_uploaded_file|call_user_func|eval)['"]\s*;/,
    why: 'The name of a function shells use (assert, create_function, passthru...) is stored in a variable, to be called through it rather than by name.',
  },
  {
    id: 'preg-e-modifier', title: 'preg_replace with the /e modifier', score: 50, tags: CODE,
    all: [/preg_replace\s*\(/, /(['"])\s*\/[^'"\n/]{0,80}[\\([.*+?^$][^'"\n/]{0,80}\/[imsxuadj]{0,5}e[imsxuadj]{0,5}\1\s*[,;)]|preg_replace\s*\(\s*(['"])\s*([#|~!@%])[^'"\n]{0,160}\3[a-z]{0,6}e[a-z]{0,6}\2\s*,/],
    why: 'preg_replace is used with the /e modifier, which evaluates the replacement as PHP code; PHP removed it in version 7 because it is a code-injection hole, and shells still use it on old servers.',
  },
  {
    id: 'preg-e-payload', title: 'preg_replace /e fed hidden or request text', score: 50, tags: [...CODE, ...OBF],
    needs: ['preg_replace'],
    all: [/(['"])\s*\/[^'"\n/]{0,80}[\\([.*+?^$][^'"\n/]{0,80}\/[imsxuadj]{0,5}e[imsxuadj]{0,5}\1/,
      /preg_replace\s*\([^;]{0,240}(?:base64_decode|gzinflate|gzuncompress|str_rot13|\$_(?:post|get|request|cookie)\b)/],
    why: 'A preg_replace in a file with an /e pattern is handed decoded text or request input, so that text is evaluated as PHP (through the replacement or a \\1 back-reference to the subject).',
  },
  {
    id: 'client-named-upload', title: 'Upload saved under the client\'s file name', score: 70, tags: [TAG.ingressTransfer],
    re: /(?:move_uploaded_file|copy)\s*\([^,;]{1,80},\s*@?\$_files\s*\[[^\]\n]{1,30}\]\s*\[\s*['"]?name['"]?\s*\]\s*\)/,
    why: 'An uploaded file is saved into the web folder under exactly the name the client sent, with no folder or check: the uploader attackers use to place further shells.',
  },
  {
    id: 'underscore-names', title: 'Variables named only with underscores', score: 50, tags: OBF, min: 6,
    needs: ['$__'],
    re: /\$_{2,}(?![\w])/,
    why: 'The code uses many variables named only with underscores ($__, $___), the style of "no letters" PHP shells that compute every name with string arithmetic.',
  },
  {
    id: 'reverse-shell', title: 'Reverse shell', score: 80, tags: [...OS, TAG.commandAndControl],
    all: [/(?<![\w>:])(?:fsockopen|pfsockopen|socket_create|stream_socket_client)\s*\(/, /(?<![\w>:])(?:proc_open|shell_exec|system|passthru|popen|exec)\s*\(/, /\/bin\/(?:ba|z|k|c)?sh\b|cmd\.exe/],
    why: 'The script opens a network connection and hands it a shell (/bin/sh or cmd.exe): a reverse shell that gives whoever is listening an interactive command line on the server.',
  },
  {
    id: 'variable-function-decoded', title: 'Variable function run on decoded text', score: 70, tags: [...CODE, ...OBF],
    re: /(?<![\w>:$\\]|new\s{1,8})\$[a-z_]\w{0,30}(?:\s*\[[^\]\n]{0,20}\]){0,2}\s*\(\s*@?(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin)\s*\(/,
    why: 'A function held in a variable is called on the output of a decoder ($f(base64_decode(...))): hidden code handed to a hidden function, typically assert or eval.',
  },
  {
    id: 'eval-function-result', title: 'Evaluates what a function returns', score: 50, tags: [...CODE, ...OBF],
    // eval only: assert(count($x) > 0) is how libraries state invariants
    re: /(?<![\w>:$])eval\s*\(\s*@?(?!(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|rawurldecode|urldecode|stripslashes|trim|file_get_contents)\s*\()[a-z_]\w{0,40}\s*\(\s*[$'"]/,
    why: 'eval() runs the string one of the script\'s own functions returns, which is how packers hand decrypted code to eval without writing a decoder call next to it.',
  },
  {
    id: 'tiny-eval-variable', title: 'Tiny script that evaluates a variable', score: 60, tags: CODE, maxChars: 1024,
    re: /(?<![\w>:$])(?:eval|assert)\s*\(\s*@?\$[a-z_]\w*\s*\)/,
    why: 'A script of under 1 KiB evaluates the contents of a variable as PHP: a stub whose real code arrives from elsewhere (a request, a comment, a decoded string).',
  },
  {
    id: 'obfuscator-names', title: 'Obfuscator-made variable names', score: 50, tags: OBF, min: 6,
    re: /\$\{?['"]?_*[o0]{4,}\w{0,12}|\$_*[il1]{6,}\b/,
    why: 'Six or more variables named only with O/0 or I/l/1 ($OOO0O0O00, $lIIl1l): the mark of PHP obfuscators used to pack webshells.',
  },
  {
    id: 'char-indexed-strings', title: 'Strings assembled character by character', score: 50, tags: OBF, min: 10,
    re: /\$\w{1,30}\s*[[{]\s*\d{1,3}\s*[\]}]\s*\.\s*\$\w{1,30}\s*[[{]\s*\d{1,3}\s*[\]}]/,
    why: 'Text is assembled by picking single characters out of a scrambled alphabet ($a[17].$a[41]...), so function names never appear in the file.',
  },
  {
    id: 'string-bitwise', title: 'Strings computed with XOR/AND/OR', score: 50, tags: OBF, min: 5,
    needs: ['^', '|', '&'],
    re: /[=(.,]\s*(['"])[^'"\n()$]{1,40}\1\s*[\^|&]\s*['"~]/,
    precheck: (s) => operatorBetween(s, '^|&', `'"`, `'"~`),
    why: "Five or more strings are computed by XOR/AND/OR of other strings ('x'^'y'), a way to spell function names that no text search finds.",
  },
  {
    id: 'remote-code-drop', title: 'Downloads code into a PHP file', score: 60, tags: [TAG.ingressTransfer],
    needs: ['file_put_contents', 'fopen'],
    re: /(?:file_put_contents|fopen)\s*\(\s*[^;]{0,80}\.ph(?:p\d?|tml)['"][^;]{0,200}(?:file_get_contents\s*\(\s*['"]https?:|curl_exec|http_get\s*\()/,
    why: 'A .php file is written with content fetched from a URL: a dropper that plants a further shell (installers write configuration from a form, not code from the internet).',
  },
  {
    id: 'backtick-request', title: 'Backtick command built from request input', score: 120, tags: OS,
    needs: ['`'],
    why: 'A backtick (shell) expression contains request input: PHP runs the text between backticks as an operating-system command.',
    re: /`[^`\n]{0,120}\$_(?:get|post|request|cookie)/,
  },
  {
    id: 'eval-decode-chain', title: 'Decode-and-eval chain', score: 100, tags: [...CODE, ...OBF],
    why: 'eval() runs the output of decoders (base64_decode, gzinflate, str_rot13...) applied to a literal: hidden code that only exists once decoded at run time.',
    re: /(?<![\w>:$])(?:eval|assert)\s*\(\s*@?\s*(?:(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|convert_uudecode|hex2bin|rawurldecode|urldecode)\s*\(\s*){2,}/,
  },
  {
    id: 'eval-one-liner', title: 'Tiny script that evaluates its input', score: 80, tags: CODE, maxChars: 2048,
    re: new RegExp(`(?<![\\w>:$])(?:eval|assert|create_function)\\s*\\([^;]{0,200}?;[^;]{0,200}?(?:${SOURCE.source})|(?:${SOURCE.source})[^;]{0,200}?;[^;]{0,120}?(?<![\\w>:$])(?:eval|assert|create_function)\\s*\\(`),
    why: 'A script of under 2 KiB reads request input and, in the next statement, calls an eval-style function: the shape of China Chopper-style one-line shells that pass the input through a variable.',
  },
  {
    id: 'many-command-functions', title: 'Every way to run a command', score: 40, tags: OS, min: 4,
    re: /(?<![\w>:$])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(/,
    // a system-status page runs fixed commands and takes no input; a shell always reads the request
    all: [SOURCE],
    why: 'Four or more calls to command functions (system, exec, passthru, shell_exec, popen, proc_open): shells try each in turn in case some are disabled.',
  },
  {
    id: 'disable-functions-probe', title: 'Probes disable_functions and safe_mode', score: 30, tags: [TAG.execution],
    all: [/disable_functions/, /safe_mode/],
    why: "The script reads PHP's disable_functions and safe_mode settings, which shells do to find which command function still works.",
  },
  {
    id: 'recon-commands', title: 'Reconnaissance command strings', score: 20, tags: OS, min: 3, all: [SOURCE],
    re: /uname -a|\/etc\/passwd|cmd\.exe|\/bin\/sh|whoami|netstat -an|net user|ipconfig|ifconfig|cat \/etc\/|ls -la/,
    why: 'Three or more reconnaissance commands (uname -a, /etc/passwd, whoami, netstat, net user...) are spelled out, as in shells with command menus.',
  },
  {
    id: 'command-output-to-page', title: 'Command output is sent to the page', score: 20, tags: OS, all: [SOURCE],
    re: /(?:echo|print)\s*\(?\s*(?:shell_exec|system|passthru|`)/,
    why: 'The output of a shell command is echoed straight into the page, which is what an interactive webshell does.',
  },
  {
    id: 'silent-long-run', title: 'Silences errors and removes the time limit', score: 10,
    all: [/error_reporting\s*\(\s*0\s*\)/, /set_time_limit\s*\(\s*0\s*\)/],
    why: 'Errors are switched off and the time limit removed, so a long-running command neither times out nor leaves warnings in logs.',
  },
  {
    id: 'upload-by-request', title: 'One-file uploader', score: 40, tags: [TAG.ingressTransfer], maxChars: 4096,
    all: [/move_uploaded_file\s*\(/, /\$_files\s*\[/],
    why: 'A small script moves an uploaded file to a place of its choosing: how attackers bring further tools onto a server.',
  },
  {
    id: 'chr-built-code', title: 'Code built from character codes', score: 30, tags: OBF, min: 20,
    needs: ['chr'],
    re: /chr\s*\(\s*\d{1,3}\s*\)\s*\./,
    why: 'Twenty or more chr(N). concatenations build text from character codes, hiding function names from a reader.',
  },
  {
    id: 'gzinflate-base64', title: 'Compressed and encoded payload', score: 30, tags: OBF,
    re: /(?:gzinflate|gzuncompress|gzdecode|str_rot13)\s*\(\s*(?:base64_decode|str_rot13|gzinflate)\s*\(/,
    why: 'Text is base64-decoded and then decompressed (or rot13-ed), the usual packing of obfuscated webshells.',
  },
];
