/** Every command, in the order `--help` lists them. */
import type { Command } from '../command.js';
import { evtx } from './evtx.js';
import { exportCommand } from './export.js';
import { hunt } from './hunt.js';
import { query } from './query.js';
import { report } from './report.js';
import { rules } from './rules.js';
import { sweep } from './sweep.js';

export const COMMANDS: readonly Command[] = [hunt, sweep, evtx, rules, report, exportCommand, query];
