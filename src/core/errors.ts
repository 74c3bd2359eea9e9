/**
 * Errors are data with a stable code: callers branch on `code`, people read `message`.
 * Every error that concerns an input names it in `file` so the one-line message can say which file is wrong.
 */
export type ErrorCode =
  | 'USAGE' // bad command line
  | 'INPUT_MISSING' // a path given on the command line does not exist
  | 'INPUT_UNREADABLE' // permission denied, I/O error
  | 'INPUT_SPECIAL' // FIFO, socket, device: never read
  | 'INPUT_LOOP' // a symlink loop or a folder seen twice
  | 'INPUT_TOO_LARGE' // over a size cap
  | 'INPUT_FORMAT' // the content is not what its reader expects
  | 'INPUT_RECORD' // a line or record inside a file that was read is skipped or repaired
  | 'INPUT_CHANGED' // a file's content changed between two reads of one run
  | 'RULE_INVALID' // a rule that does not load
  | 'RULE_UNSUPPORTED' // a rule that uses what we deliberately do not support
  | 'OUTPUT' // cannot write the output
  | 'NOT_BUILT' // a command that later work fills in
  | 'CASE_MISSING' // the case store named does not exist (report, export, query)
  | 'CASE_LOCKED' // another process has the case store open for writing
  | 'CASE_INVALID' // the file is not a hardnut case store
  | 'CASE_VERSION' // the case store's schema is newer than this hardnut, or cannot be upgraded
  | 'CASE_WRITE' // writing to the case store failed
  | 'QUERY' // an analyst's SQL failed
  | 'EVTX_WRITE' // a record the EVTX writer cannot encode (value out of range, record larger than a chunk)
  | 'INTERNAL';

export class HardnutError extends Error {
  override readonly name = 'HardnutError';
  readonly code: ErrorCode;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
  }

  /** One line for stderr: `FILE: message` when a file is concerned. */
  oneLine(): string {
    return this.file === undefined ? this.message : `${this.file}: ${this.message}`;
  }
}

/** Usage errors: the command line itself is wrong (exit 2). */
export class UsageError extends HardnutError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** The message of anything thrown, without a stack, on one line. */
export function describeError(err: unknown): string {
  if (err instanceof HardnutError) return err.oneLine();
  const e = err as { code?: unknown; message?: unknown } | null;
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  return msg.replace(/\s*\n\s*/g, ' ');
}
