/**
 * Sources: lines/s of the W3C and JSONL readers on generated multi-hundred-MB files (size: HARDNUT_BENCH_SOURCES_MB,
 * default 300), against awk splitting the same W3C lines into fields and jq parsing the same JSONL, in the same run.
 * Memory must stay flat: the peak RSS reading the whole file is compared with reading a quarter of it (below that V8
 * is still growing its heap to its working size, which says nothing about the input).
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, CLI, haveCommand, ratio, timeCommand, type Benchmark, type Measurement } from './harness.js';

const MB = Number(process.env['HARDNUT_BENCH_SOURCES_MB'] ?? 300);
const CHILD = CLI.replace(/src[/\\]cli[/\\]main\.js$/, 'bench/sources-count.js');

const W3C_HEADER =
  '#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2021-03-03 00:00:00\n' +
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n';

function w3cLine(i: number): string {
  const s = i % 86400;
  const t = `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  const path = i % 7 === 0 ? `/owa/auth/logon.aspx` : `/ecp/${i % 1000}/default.aspx`;
  const query = i % 3 === 0 ? `url=https%3a%2f%2fmail.example.org%2fowa%2f&reason=${i % 5}` : '-';
  return `2021-03-03 ${t} 10.0.0.5 ${i % 4 === 0 ? 'POST' : 'GET'} ${path} ${query} 443 - 198.51.${(i >> 8) & 255}.${i & 255} Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36 - 200 0 0 ${i % 500}\n`;
}

function jsonLine(i: number): string {
  return (
    JSON.stringify({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
          EventID: 1, Version: 5, Level: 4, Task: 1, Opcode: 0, Keywords: '0x8000000000000000',
          TimeCreated: { '#attributes': { SystemTime: '2021-03-03T07:01:02.345678Z' } },
          EventRecordID: i + 1, Correlation: null, Execution: { '#attributes': { ProcessID: 3208, ThreadID: 1724 } },
          Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: `WS${i % 50}.corp.example`, Security: { '#attributes': { UserID: 'S-1-5-18' } },
        },
        EventData: {
          RuleName: '-', UtcTime: '2021-03-03 07:01:02.340', ProcessGuid: '0197231E-005A-6928-A50B-000000000D00', ProcessId: 4460 + (i % 100),
          Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: `cmd.exe /c echo ${i}`, CurrentDirectory: 'C:\\Windows\\system32\\',
          User: 'CORP\\alice', IntegrityLevel: 'High', Hashes: 'SHA256=1B48A4F8D20026E6C56E3AB4CC4788FA6425C8A75F8D91C2869FA533DE6B209E',
          ParentImage: 'C:\\Windows\\explorer.exe', ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
        },
      },
    }) + '\n'
  );
}

/** Write lines until the file reaches `bytes`; returns how many lines. */
function generate(path: string, header: string, line: (i: number) => string, bytes: number): number {
  const fd = openSync(path, 'w');
  let written = writeSync(fd, header);
  let n = 0;
  let batch = '';
  while (written < bytes) {
    batch += line(n++);
    if (batch.length > 1 << 20) {
      written += writeSync(fd, batch);
      batch = '';
    }
  }
  if (batch) writeSync(fd, batch);
  closeSync(fd);
  return n;
}

function count(path: string, field: string) {
  const run = timeCommand([process.execPath, CHILD, path, field], { repeat: 1, keepStdout: true });
  check(run.status === 0, `sources-count failed: ${run.stderr}`);
  return { ...run, result: JSON.parse(run.stdout) as { events: number; warnings: number; last: unknown } };
}

export const sourcesBench: Benchmark = {
  name: 'sources',
  decision: 'streaming readers (1 MiB chunks, one line or document held) read W3C and JSONL at a steady rate with flat memory',
  skip: () => (haveCommand('awk') ? undefined : 'awk not installed'),
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-bench-sources-'));
    const measurements: Measurement[] = [];
    const heads: string[] = [];
    try {
      for (const kind of ['w3c', 'jsonl'] as const) {
        const big = join(dir, kind === 'w3c' ? 'u_ex210303.log' : 'sysmon.jsonl');
        const small = join(dir, kind === 'w3c' ? 'u_ex210302.log' : 'sysmon-small.jsonl');
        const header = kind === 'w3c' ? W3C_HEADER : '';
        const line = kind === 'w3c' ? w3cLine : jsonLine;
        const lines = generate(big, header, line, MB * 1024 * 1024);
        const smallLines = generate(small, header, line, (MB * 1024 * 1024) / 4);
        const field = kind === 'w3c' ? 'cs-uri-stem' : 'CommandLine';
        const mib = statSync(big).size / (1024 * 1024);

        // Correctness first: every line is an event, none is a warning, the last one is the last line written.
        const ours = count(big, field);
        check(ours.result.events === lines, `${kind}: ${ours.result.events} events for ${lines} lines`);
        check(ours.result.warnings === 0, `${kind}: ${ours.result.warnings} warnings on a clean file`);
        const wantLast = kind === 'w3c' ? ((lines - 1) % 7 === 0 ? '/owa/auth/logon.aspx' : `/ecp/${(lines - 1) % 1000}/default.aspx`) : `cmd.exe /c echo ${lines - 1}`;
        check(ours.result.last === wantLast, `${kind}: last event has ${JSON.stringify(ours.result.last)}, want ${wantLast}`);
        const smallRun = count(small, field);
        check(smallRun.result.events === smallLines, `${kind} small: ${smallRun.result.events} events for ${smallLines} lines`);
        if (ours.rssMiB && smallRun.rssMiB) check(ours.rssMiB < smallRun.rssMiB + 64, `${kind}: memory grew with the input: ${smallRun.rssMiB.toFixed(0)} MiB for 1/4, ${ours.rssMiB.toFixed(0)} MiB for all`);

        const ref =
          kind === 'w3c'
            ? timeCommand(['awk', '!/^#/ { f += NF; n++ } END { print n, f }', big], { repeat: 1, keepStdout: true })
            : haveCommand('jq')
              ? timeCommand(['jq', '-c', '.Event.EventData.CommandLine', big], { repeat: 1 })
              : timeCommand(['python3', '-c', 'import json,sys\nn=0\nfor l in open(sys.argv[1]): json.loads(l); n+=1\nprint(n)', big], { repeat: 1 });
        if (kind === 'w3c') check(Number(ref.stdout.split(' ')[0]) === lines, `awk counted ${ref.stdout.trim()} lines, want ${lines}`);
        const refName = kind === 'w3c' ? 'awk (split fields)' : haveCommand('jq') ? 'jq -c (parse)' : 'python3 json.loads';
        measurements.push(
          { subject: `hardnut readEvents ${kind} (${mib.toFixed(0)} MiB)`, ms: ours.ms, rate: lines / (ours.ms / 1000), unit: 'lines/s', rssMiB: ours.rssMiB },
          { subject: `  same, 1/4 of the file`, ms: smallRun.ms, rate: smallLines / (smallRun.ms / 1000), unit: 'lines/s', rssMiB: smallRun.rssMiB },
          { subject: `${refName} ${kind}`, ms: ref.ms, rate: lines / (ref.ms / 1000), unit: 'lines/s', rssMiB: ref.rssMiB },
        );
        heads.push(`${kind} ${(lines / (ours.ms / 1000) / 1000).toFixed(0)} k lines/s (${(mib / (ours.ms / 1000)).toFixed(0)} MiB/s, ${ratio(ref.ms, ours.ms)} ${refName.split(' ')[0]}, peak ${ours.rssMiB.toFixed(0)} MiB vs ${smallRun.rssMiB.toFixed(0)} MiB on 1/4)`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { measurements, headline: heads.join('; ') };
  },
};
