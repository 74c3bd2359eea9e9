import { describe, expect, it } from 'vitest';
import { fromEvtxJson } from '../../src/events/evtx-json.js';
import { MAX_VALUE, pickEvidence, summarise } from '../../src/findings/evidence.js';

function sysmon(eventId: number, data: Record<string, unknown>) {
  const e = fromEvtxJson({
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
        EventID: eventId,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: 'EXCH01',
        TimeCreated: { '#attributes': { SystemTime: '2021-03-03T04:05:06.000000Z' } },
        EventRecordID: 7,
      },
      EventData: data,
    },
  });
  if (!e) throw new Error('not an event');
  return e;
}

describe('evidence and summary', () => {
  it('a process creation reads as parent started child: command line', () => {
    const e = sysmon(1, {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      CommandLine: 'cmd.exe /c whoami',
      User: '-',
      ProcessId: 4242,
    });
    const ev = pickEvidence(e, ['ParentImage']);
    expect(Object.keys(ev)[0]).toBe('ParentImage');
    expect(ev).not.toHaveProperty('User'); // the '-' placeholder says nothing
    expect(ev['CommandLine']).toBe('cmd.exe /c whoami');
    expect(summarise(e, 'Web server spawns a shell', ev)).toBe('w3wp.exe started cmd.exe: cmd.exe /c whoami');
  });

  it('long values are cut, saying how long they were; summaries stay on one line', () => {
    const big = 'A'.repeat(MAX_VALUE * 3);
    const e = sysmon(1, { Image: 'x.exe', CommandLine: `powershell -enc\r\n${big}` });
    const ev = pickEvidence(e);
    expect(String(ev['CommandLine']).length).toBeLessThan(MAX_VALUE + 40);
    expect(String(ev['CommandLine'])).toMatch(/\(\d+ characters\)$/);
    const s = summarise(e, 't', ev);
    expect(s).not.toMatch(/[\r\n]/);
    expect(s.length).toBeLessThanOrEqual(300);
  });

  it('an event with no well-known actor falls back to the title and its first fields', () => {
    const e = sysmon(255, { Foo: 'bar', Baz: 3 });
    const ev = pickEvidence(e, ['Foo', 'Baz']);
    expect(summarise(e, 'Odd event', ev)).toBe('Odd event: Foo=bar, Baz=3');
  });
});

describe('summaries of events that only name who acted', () => {
  it('say the rule title and the account', () => {
    const e = fromEvtxJson({
      Event: {
        System: { EventID: 1102, Channel: 'Security', Computer: 'DC01' },
        UserData: { LogFileCleared: { SubjectUserName: 'a-jbrown', SubjectDomainName: '3B' } },
      },
    })!;
    expect(summarise(e, 'Security log cleared', pickEvidence(e))).toBe('Security log cleared, by 3B\\a-jbrown');
  });
});

describe('summaries of log lines matched by keywords', () => {
  it('give the cmdlet and its parameters', async () => {
    const { ObjectEvent } = await import('../../src/events/object-event.js');
    const e = new ObjectEvent({ Cmdlet: 'Set-OabVirtualDirectory', Parameters: "ExternalUrl='http://x/<script>'" }, { product: 'exchange', service: 'ecp-server' });
    expect(summarise(e, 'Script in a virtual directory URL', {})).toBe("Script in a virtual directory URL: Set-OabVirtualDirectory ExternalUrl='http://x/<script>'");
  });
});
