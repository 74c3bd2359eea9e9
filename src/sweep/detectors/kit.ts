/**
 * Traits of webshell kits whatever their language: the SQL Server command tricks and account tampering their "tools"
 * menus carry, and the names they give themselves. Legitimate applications neither attack their own database server
 * nor add Windows administrators, so these weigh as much as a command function; banners weigh less (a security
 * plugin may name a kit in a warning).
 */
import { operatorBetween, TAG, type PatternTrait } from './trait.js';

const CMD = [TAG.execution, TAG.commandShell, TAG.windowsCmd] as const;

export const KIT_TRAITS: readonly PatternTrait[] = [
  {
    id: 'sql-server-command', title: 'Runs commands through SQL Server', score: 50, tags: CMD,
    // (SQL's "select" is everywhere; its alternative here also spells "shell", which is much rarer)
    needs: ['xp_cmdshell', 'sp_oacreate', 'sp_oamethod', 'sp_makewebtask', 'sp_addextendedproc', 'xp_regwrite', 'xp_dirtree', 'ias.mdb', 'shell'],
    re: /xp_cmdshell|sp_oacreate|sp_oamethod|sp_makewebtask|sp_addextendedproc|xp_regwrite|xp_dirtree|ias\.mdb|select\s+shell\s*\(/,
    why: 'The script carries SQL Server command tricks (xp_cmdshell, sp_oacreate WScript.Shell, sp_makewebtask...), the "SQL tools" of webshell kits for running commands through a database login.',
  },
  {
    id: 'add-admin-account', title: 'Adds Windows accounts or administrators', score: 50, tags: [...CMD, 'attack.t1136.001'],
    needs: ['net'],
    re: /net\s+user\s+[^\n"'<]{1,40}\/add|net\s+localgroup\s+administrators\s+[^\n"'<]{1,40}\/add/,
    why: 'The script spells out "net user ... /add" or adds a user to the local administrators, a backdoor account command offered by webshell kits.',
  },
  {
    id: 'socket-tunnel', title: 'HTTP-to-socket tunnel', score: 60, tags: [TAG.commandAndControl, 'attack.t1090', 'attack.t1572'],
    all: [/new\s+(?:system\.net\.sockets\.)?socket\s*\(|socketchannel\s*\.\s*open|new\s+tcpclient|fsockopen\s*\(|stream_socket_client\s*\(|new\s+(?:java\.net\.)?socket\s*\(/],
    some: [/["']connect["']/, /["']disconnect["']/, /["']forward["']/, /["']read["']/], someMin: 3,
    why: 'The page opens network sockets and answers CONNECT, READ, FORWARD and DISCONNECT commands: a reGeorg-style tunnel that carries an attacker\'s traffic into the internal network through the web server.',
  },
  {
    id: 'split-string', title: 'Code spelled in one- and two-letter pieces', score: 40, tags: [TAG.defenseEvasion, TAG.obfuscation], min: 8,
    re: /(["'])[^"'\n]{1,2}\1\s*[+&]\s*(["'])[^"'\n]{1,2}\2/,
    precheck: (s) => operatorBetween(s, '+&', `"'`, `"'`),
    why: 'Strings are glued together from one- and two-letter pieces ("e"+"v"+"a"+"l"), which keeps words such as eval or Request out of the file\'s text.',
  },
  {
    id: 'embedded-one-liner', title: 'Carries a webshell one-liner as text', score: 80, tags: [TAG.ingressTransfer],
    re: /(?:eval|execute)\s*\(?\s*request\s*(?:\.\s*item\s*)?[([]\s*\\?["']|@?eval\s*\(\s*\$_(?:post|get|request)\s*\[|runtime\s*\.\s*getruntime\s*\(\s*\)\s*\.\s*exec\s*\(\s*request\s*\.\s*getparameter/,
    why: 'The text of a classic one-line webshell (eval request("x"), eval($_POST[x]), Runtime.exec(request.getParameter(...))) appears in the file, either as the shell itself or as a payload this file writes to disk.',
  },
  {
    id: 'writes-server-page', title: 'Writes a new server page', score: 30, tags: [TAG.ingressTransfer],
    re: /(?:writealltext|createtextfile|new\s+streamwriter|savetofile|file_put_contents|fileoutputstream|filewriter)\s*\(?[^;\n]{0,120}\.(?:aspx|asp|asa|cer|ashx|php\d?|phtml|jspx?)\b/,
    why: 'The script writes a file with a server-page extension (.aspx, .asp, .php, .jsp): a dropper planting a further shell.',
  },
  {
    id: 'unix-reverse-shell', title: 'Reverse-shell command line', score: 80, tags: [TAG.execution, TAG.unixShell, TAG.commandAndControl],
    needs: ['/dev/tcp/', '-i', '/bin/'],
    re: /\/dev\/tcp\/|\bbash\s+-i\b[^\n"']{0,40}>&|\bnc(?:at)?\s+(?:-[a-z]{1,4}\s+){0,3}-e\s+\/bin\/|\bsh\s+-i\s+2>&1/,
    why: 'A reverse-shell command line (bash -i >& /dev/tcp/..., nc -e /bin/sh) is spelled out: it connects the server\'s shell to an attacker\'s listener.',
  },
  {
    id: 'kit-banner', title: 'Names itself a webshell or hacking tool', score: 25,
    re: /hacked by|webshell|web shell|aspxspy|phpspy|jspspy|r57shell|c99shell|b374k|weevely|antsword|behinder|\bcaidao\b|\bhacker\b|\bhacking\b|\bshell\s+by\b|\bbypass\b[^\n]{0,20}\b(?:waf|safe_?mode|disable)/,
    why: 'The script names itself with the words webshell kits use for themselves (webshell, hacked by, a known kit name).',
  },
];
