import { describe, expect, it } from 'vitest';
import { readContent } from './read-helper.js';

describe('Apache and nginx access logs', () => {
  it('reads the combined format into webserver fields with UTC times', () => {
    const { events, warnings } = readContent(
      [
        '203.0.113.9 - - [05/Mar/2021:03:06:27 +0100] "GET /wp-content/uploads/x.php?cmd=id HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
        '198.51.100.2 - frank [10/Oct/2000:13:55:36 -0700] "POST /apache_pb.gif HTTP/1.0" 302 - "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
      ].join('\n'),
      'access.log',
    );
    expect(warnings).toEqual([]);
    const [a, b] = events;
    expect(a!.logsource).toEqual({ category: 'webserver' });
    expect(a!.time).toBe('2021-03-05T02:06:27.000Z');
    expect([a!.get('c-ip'), a!.get('cs-method'), a!.get('cs-uri-stem'), a!.get('cs-uri-query'), a!.get('sc-status')]).toEqual([
      '203.0.113.9', 'GET', '/wp-content/uploads/x.php', 'cmd=id', '200',
    ]);
    expect(a!.get('c-uri')).toBe('/wp-content/uploads/x.php?cmd=id');
    expect(a!.get('cs-referer')).toBeNull();
    expect(a!.get('cs-user-agent')).toBe('Mozilla/5.0 (X11; Linux x86_64)');
    expect(a!.get('cs-version')).toBe('HTTP/1.1');
    expect(b!.time).toBe('2000-10-10T20:55:36.000Z');
    expect(b!.get('cs-username')).toBe('frank');
    expect(b!.get('sc-bytes')).toBeNull();
    expect(b!.get('cs-referer')).toBe('http://www.example.com/start.html');
    expect(b!.recordId).toBe(2);
  });

  it('reads the common format, vhost_combined, nginx extras, escaped quotes and junk request lines', () => {
    const { events, warnings } = readContent(
      [
        '192.0.2.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1024',
        'www.example.org:443 192.0.2.2 - - [01/Jan/2024:00:00:01 +0000] "GET /a HTTP/2.0" 404 0 "-" "curl/8.0"',
        '192.0.2.3 - - [01/Jan/2024:00:00:02 +0000] "GET /q?x=\\"1\\" HTTP/1.1" 200 5 "-" "agent \\"quoted\\"" "10.9.9.9" rt=0.002',
        '192.0.2.4 - - [01/Jan/2024:00:00:03 +0000] "\\x16\\x03\\x01\\x00\\xa5\\x01" 400 157 "-" "-"',
        'garbage that is no log line',
      ].join('\n'),
      'access.log',
    );
    expect(events).toHaveLength(4);
    expect(events[0]!.get('cs-uri-stem')).toBe('/');
    expect(events[0]!.get('cs-user-agent')).toBeNull();
    expect(events[1]!.get('cs-host')).toBe('www.example.org');
    expect(events[1]!.get('c-ip')).toBe('192.0.2.2');
    expect(events[1]!.get('cs-user-agent')).toBe('curl/8.0');
    expect(events[2]!.get('cs-uri-query')).toBe('x="1"');
    expect(events[2]!.get('cs-user-agent')).toBe('agent "quoted"');
    expect(events[3]!.get('cs-method')).toBeNull();
    expect(events[3]!.get('request')).toBe('\\x16\\x03\\x01\\x00\\xa5\\x01');
    expect(events[3]!.get('sc-status')).toBe('400');
    expect(warnings.map((w) => w.message)).toEqual(['line 5: not a Common/Combined log line; skipped']);
  });
});
