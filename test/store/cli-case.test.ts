/** The helper hunt and sweep call: --case / --no-case to a run recorder, the command line recorded as given. */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { argumentsOf, startCaseRun } from '../../src/cli/case.js';
import type { Context } from '../../src/cli/command.js';
import { huntOptions } from '../../src/cli/commands/hunt.js';
import { parseArgs } from '../../src/cli/options.js';
import { Session } from '../../src/cli/session.js';
import { MemoryOutput } from '../../src/sinks/output.js';
import { teeSinks } from '../../src/sinks/sink.js';
import { openCase } from '../../src/store/open.js';
import { intrusionFindings } from '../fixtures/intrusion.js';
import { tempDir } from '../report/case.js';

function ctx(): Context {
  return {
    stdout: new MemoryOutput(),
    stderr: new MemoryOutput(),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    columns: 80,
    env: {},
    version: '0.1.0',
    progressStream: { write: () => true },
  };
}

test('a hunt-shaped run lands in the case with its arguments, findings and warnings', async () => {
  const dir = tempDir();
  const caseFile = join(dir, 'c.duckdb');
  const parsed = parseArgs(huntOptions, ['evidence/', '--rules', 'a', '--rules', 'b', '--case', caseFile, '--format', 'jsonl', '--strict']);
  expect(argumentsOf(parsed)).toEqual(['--rules', 'a', '--rules', 'b', '--case', caseFile, '--format', 'jsonl', '--strict', 'evidence/']);
  const c = ctx();
  const session = new Session(c, 'hunt');
  const rec = await startCaseRun(parsed, c, 'hunt', session.diagnostics);
  const sink = teeSinks(session.findingSink({ format: 'jsonl' }), rec.sink);
  session.diagnostics.warn('INPUT_FORMAT', 'not an EVTX file', 'evidence/bad.evtx');
  for (const f of intrusionFindings()) sink.add(f);
  sink.end();
  await rec.finish({ read: { files: 3, bytes: 10 } }, true);
  const store = await openCase(caseFile, { readOnly: true });
  const [run] = await store.runs();
  expect(run).toMatchObject({ command: 'hunt', arguments: argumentsOf(parsed), completed: true, inputsSkipped: 1, findingsStored: intrusionFindings().length });
  await store.close();
  expect((c.stdout as MemoryOutput).text().trim().split('\n')).toHaveLength(intrusionFindings().length);
});

test('--no-case records nothing', async () => {
  const parsed = parseArgs(huntOptions, ['evidence/', '--no-case']);
  const c = ctx();
  const rec = await startCaseRun(parsed, c, 'hunt', new Session(c, 'hunt').diagnostics);
  expect(rec.runId).toBeUndefined();
  await rec.finish({}, true);
});
