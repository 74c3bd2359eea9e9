#!/usr/bin/env node
/** The `hardnut` executable: the real process around runCli. */
import { FdOutput } from '../sinks/output.js';
import type { Context } from './command.js';
import { runCli } from './run.js';
import { version } from './version.js';

const stdout = new FdOutput(1, false, 'standard output');
const stderr = new FdOutput(2, false, 'standard error', 0);
const ctx: Context = {
  stdout,
  stderr,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.columns ?? 80,
  env: process.env,
  version: version(),
  progressStream: process.stderr,
};

process.exitCode = await runCli(process.argv.slice(2), ctx);
stdout.flush();
stderr.flush();
