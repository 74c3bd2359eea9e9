/** `hardnut rules check PATH...`: load Sigma rules and say, file by file, which load and why the others do not. */
import { summariseFile, type FileSummary } from '../../sigma/index.js';
import { sanitiseText } from '../../sinks/sink.js';
import { checkInputPaths } from '../../sources/walk.js';
import { Diagnostics } from '../../core/diagnostics.js';
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';
import { loadMapping, loadRulePaths } from '../../sources/rule-files.js';

export const checkOptions = {
  format: { kind: 'string', arg: 'F', choices: ['text', 'jsonl'], default: 'text', description: 'Output format' },
  mapping: { kind: 'string', arg: 'FILE', description: 'A logsource/field mapping file to use over the shipped one' },
  ...HELP,
} as const;

const check = defineCommand({
  name: 'check',
  summary: 'Load Sigma rules and report each file: loaded, or why not',
  usage: 'hardnut rules check PATH... [--format text|jsonl] [--mapping FILE]',
  description:
    'Every *.yml / *.yaml file under PATH is loaded and compiled against the logsource mapping, as hunt would.\n' +
    'One result per file (a multi-document file is one result); NAME.tests.yml files hold test events and are skipped.\n' +
    'Exit 0 when every file loads, 1 when any does not.',
  options: checkOptions,
  minPositionals: 1,
  positionalName: 'a rule file or folder',
  examples: ['hardnut rules check sigma/rules', 'hardnut rules check my-rules --format jsonl | jq -c "select(.ok|not)"'],
  async run(args, ctx) {
    // loaded when the command runs, so that every other command (and --help) starts without it
    const { compileRuleSet } = await import('../../sigma/ruleset.js');
    checkInputPaths(args.positionals);
    const mapping = loadMapping(args.options.mapping);
    const diagnostics = new Diagnostics();
    diagnostics.onWarning((w) => ctx.stderr.write(`hardnut: warning: ${w.file ? sanitiseText(w.file) + ': ' : ''}${sanitiseText(w.message)}\n`));
    const loaded = loadRulePaths(args.positionals, mapping, diagnostics);
    const { files } = compileRuleSet(loaded, { mapping });
    const summaries = files.map(summariseFile).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const s of summaries) ctx.stdout.write(args.options.format === 'jsonl' ? JSON.stringify(s) + '\n' : textLine(s));
    const failed = summaries.filter((s) => !s.ok);
    const reasons = new Map<string, number>();
    for (const s of failed) for (const i of s.issues ?? []) reasons.set(i.code, (reasons.get(i.code) ?? 0) + 1);
    const by = [...reasons].map(([c, n]) => `${n} ${c}`).join(', ');
    ctx.stderr.write(
      `${summaries.length} rule file${summaries.length === 1 ? '' : 's'}: ${summaries.length - failed.length} loaded, ${failed.length} not` +
        (by ? ` (${by})` : '') +
        '\n',
    );
    return failed.length ? 1 : 0;
  },
});

function textLine(s: FileSummary): string {
  const path = sanitiseText(s.path);
  if (!s.ok) return `FAIL  ${path}: ${sanitiseText(s.error ?? 'not loaded')}\n`;
  const notes = s.notes?.length ? `  (${s.notes.map(sanitiseText).join('; ')})` : '';
  return `ok    ${path}  ${sanitiseText(s.title ?? '')}${notes}\n`;
}

export const rules = defineCommand({
  name: 'rules',
  summary: 'Detection rule tools: check',
  usage: 'hardnut rules <command> [options]',
  options: { ...HELP },
  subcommands: [check],
});
