import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataMissing, DATA } from '../helpers.js';
import { crlf, fields, readContent, readFile } from './read-helper.js';

const IIS10_FIELDS =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';

describe('W3C extended logs (IIS)', () => {
  it('reads an IIS 10 log with its #Fields header: W3C names, taxonomy aliases, UTC times, line numbers', () => {
    const { events, warnings } = readContent(
      crlf([
        '#Software: Microsoft Internet Information Services 10.0',
        '#Version: 1.0',
        '#Date: 2021-03-03 00:00:01',
        IIS10_FIELDS,
        '2021-03-03 06:49:42 10.0.0.5 POST /ecp/y.js - 443 - 192.0.2.10 ExchangeServicesClient/0.0.0.0 - 200 0 0 112',
        '2021-03-03 06:52:07 10.0.0.5 GET /aspnet_client/system_web/x1.aspx cmd=whoami 443 - 192.0.2.10 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://mail.example.org/owa/ 200 0 0 15',
      ]),
      'u_ex210303.log',
    );
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const [a, b] = events;
    expect(a!.logsource).toEqual({ category: 'webserver', product: 'iis' });
    expect(a!.time).toBe('2021-03-03T06:49:42.000Z');
    expect(a!.recordId).toBe(5);
    expect(a!.host).toBe('10.0.0.5');
    expect(a!.get('cs-uri-stem')).toBe('/ecp/y.js');
    expect(a!.get('cs-uri-query')).toBeNull();
    expect(a!.get('cs-username')).toBeNull();
    expect(b!.get('cs-method')).toBe('GET');
    expect(b!.get('cs-uri-query')).toBe('cmd=whoami');
    expect(b!.get('c-uri')).toBe('/aspnet_client/system_web/x1.aspx?cmd=whoami');
    expect(b!.get('cs(User-Agent)')).toBe('Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)');
    // Rules are written with spaces and with '+': both spellings answer.
    expect(b!.get('cs-user-agent')).toEqual(['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)']);
    expect(b!.get('cs-referer')).toBe('https://mail.example.org/owa/');
    expect(b!.get('sc-status')).toBe('200');
    expect(b!.get('no-such-field')).toBeUndefined();
    expect(Object.keys(fields(b))).toEqual([
      'date', 'time', 's-ip', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 's-port', 'cs-username', 'c-ip', 'cs(User-Agent)',
      'cs(Referer)', 'sc-status', 'sc-substatus', 'sc-win32-status', 'time-taken', 'cs-user-agent', 'cs-referer', 'c-uri',
    ]);
  });

  it('follows a #Fields header that changes mid-file, and uses s-computername and cs(Host) when logged', () => {
    const { events, warnings } = readContent(
      [
        '#Software: Microsoft Internet Information Services 8.5',
        '#Fields: date time cs-method cs-uri-stem sc-status',
        '2016-05-01 10:00:00 GET /index.htm 200',
        '#Software: Microsoft Internet Information Services 8.5',
        '#Fields: date time s-computername cs-method cs-uri-stem cs-uri-query cs(Host) sc-status cs(Cookie)',
        '2016-05-01 10:00:01 WEB01 GET /app/login.aspx ReturnUrl=%2f www.example.org 302 ASP.NET_SessionId=abc',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.get('cs-uri-stem'))).toEqual(['/index.htm', '/app/login.aspx']);
    expect(events[0]!.get('cs-host')).toBeUndefined();
    expect(events[1]!.host).toBe('WEB01');
    expect(events[1]!.get('cs-host')).toBe('www.example.org');
    expect(events[1]!.get('cs-cookie')).toBe('ASP.NET_SessionId=abc');
  });

  it('reads lines cut out of a log without their header with IIS default field sets (14 and 15 values)', () => {
    const { events, warnings } = readContent(
      [
        '2021-03-05 03:06:27 10.0.0.5 GET /owa/auth/Logon.aspx url=%2fowa%2f 443 - 198.51.100.7 Mozilla/5.0+(X11;+Linux+x86_64) - 200 0 0 133',
        '----- next day -----',
        '2021-03-06 17:27:45 10.0.0.5 POST /EWS/Exchange.asmx - 443 CORP\\bob 198.51.100.8 ExchangeServicesClient/15.01 200 0 0 40',
      ].join('\n'),
      'w3svc1_extract.log',
    );
    expect(events).toHaveLength(2);
    expect(events[0]!.logsource).toEqual({ category: 'webserver', product: 'iis' });
    expect(events[0]!.get('cs-uri-stem')).toBe('/owa/auth/Logon.aspx');
    expect(events[0]!.get('c-ip')).toBe('198.51.100.7');
    expect(events[1]!.get('cs-username')).toBe('CORP\\bob');
    expect(events[1]!.get('cs(Referer)')).toBeUndefined(); // the 14-field set has none
    expect(events[1]!.get('sc-status')).toBe('200');
    expect(events[1]!.recordId).toBe(3);
    expect(warnings.map((w) => w.message)).toEqual(['line 2: not a W3C log line and no #Fields header yet; skipped']);
  });

  it('tolerates tabs and double spaces, a user agent logged with raw spaces, and a short last line', () => {
    const { events, warnings } = readContent(
      [
        '#Fields: date time cs-method cs-uri-stem cs-uri-query c-ip cs(User-Agent) sc-status',
        '2023-12-25 11:54:21\tGET  /owa/auth/x.aspx cmd=whoami 203.0.113.4 Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/121 200',
        '2023-12-25 11:54:22 GET /owa/ - 203.0.113.4',
      ].join('\n'),
    );
    expect(events).toHaveLength(2);
    expect(events[0]!.get('cs(User-Agent)')).toBe('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/121');
    expect(events[0]!.get('sc-status')).toBe('200');
    expect(events[1]!.get('c-ip')).toBe('203.0.113.4');
    expect(events[1]!.get('sc-status')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^line 3: 6 values where the #Fields header names 8; read as far as it goes$/);
  });

  it('dates a time-only log from #Date, and skips lines with more values than the header when nothing absorbs them', () => {
    const { events, warnings } = readContent(
      ['#Date: 2004-02-11 10:00:00', '#Fields: time c-ip cs-uri-stem', '10:00:05 192.0.2.1 /a', '10:00:06 192.0.2.1 /b extra'].join('\n'),
    );
    expect(events.map((e) => e.time)).toEqual(['2004-02-11T10:00:05.000Z']);
    expect(warnings[0]!.message).toBe('line 4: 4 values where the #Fields header names 3; skipped');
  });

  it('gives no webserver hint to W3C logs that are not web logs (Windows Firewall)', () => {
    const { events } = readContent(
      [
        '#Version: 1.5',
        '#Software: Microsoft Windows Firewall',
        '#Time Format: Local',
        '#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path',
        '2021-03-01 10:00:00 ALLOW TCP 10.0.0.2 10.0.0.3 50000 445 0 - - - - - - - SEND',
      ].join('\n'),
      'pfirewall.log',
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.logsource).toBeUndefined();
    expect(events[0]!.get('dst-port')).toBe('445');
  });

  it('reads the old IIS log format (comma-separated, fixed fields)', () => {
    const { events, warnings } = readContent(
      [
        '192.0.2.44, -, 03/03/21, 6:49:42, W3SVC1, EXCH01, 10.0.0.5, 112, 500, 1200, 200, 0, POST, /owa/auth/x.aspx, cmd=whoami,',
        '192.0.2.45, CORP\\alice, 3/3/2021, 16:00:00, W3SVC1, EXCH01, 10.0.0.5, 20, 300, 900, 404, 2, GET, /missing.htm, -,',
      ].join('\r\n'),
      'in210303.log',
    );
    expect(warnings).toEqual([]);
    expect(events.map((e) => [e.time, e.host, e.get('cs-uri-stem'), e.get('cs-uri-query'), e.get('sc-status')])).toEqual([
      ['2021-03-03T06:49:42.000Z', 'EXCH01', '/owa/auth/x.aspx', 'cmd=whoami', '200'],
      ['2021-03-03T16:00:00.000Z', 'EXCH01', '/missing.htm', null, '404'],
    ]);
    expect(events[1]!.get('cs-username')).toBe('CORP\\alice');
  });
});

const benign = dataMissing('weblogs', 'benign-iis-brianary');
describe.skipIf(benign)('real benign IIS logs (weblogs/benign-iis-brianary)', () => {
  const dir = join(DATA, 'weblogs', 'benign-iis-brianary');

  it('reads every data line of every log, with the fields its header names', () => {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      const dataLines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).length;
      const { events, warnings } = readFile(path);
      expect(events.length, name).toBe(dataLines);
      // One sample line of ex031118 has three of its four fields: it is read, and said.
      expect(warnings.length, name).toBe(name === 'ex031118.log' ? 1 : 0);
      for (const e of events) {
        expect(e.time, `${name}:${e.recordId}`).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        const line = text.split('\n')[e.recordId! - 1]!;
        expect(line.trim().length, `${name}:${e.recordId}`).toBeGreaterThan(0);
      }
      const web = events.filter((e) => e.logsource?.category === 'webserver');
      expect(web.length, name).toBe(name === 'pf040903.log' ? 0 : dataLines);
      for (const e of web) {
        const stem = e.get('cs-uri-stem');
        expect(typeof stem === 'string' && stem.startsWith('/'), `${name}:${e.recordId} ${String(stem)}`).toBe(true);
      }
    }
  });

  it('matches the header-named values of a known line exactly', () => {
    const { events } = readFile(join(dir, 'u_ex100815.log'));
    const e = events[0]!;
    expect(fields(e)).toMatchObject({
      date: '2010-08-15',
      time: '00:39:30',
      's-sitename': 'W3SVC20',
      'cs-method': 'GET',
      'cs-uri-stem': '/',
      'c-ip': '77.88.25.28',
      'sc-status': '200',
      'time-taken': '376',
    });
    expect(e.get('cs-user-agent')).toContain('Mozilla/5.0 (compatible; YandexBot/3.0;  http://yandex.com/bots)');
  });
});
