/**
 * A progress line on stderr for long work, on a TTY only (never in CI logs or pipes): redrawn at most ten times a second.
 */
export interface Progress {
  /** Work units done so far (bytes, files) and what is being read now. */
  update(done: number, label?: string): void;
  /** Add to the total when it becomes known piecemeal. */
  addTotal(n: number): void;
  /** Erase the line. */
  done(): void;
}

const NONE: Progress = { update() {}, addTotal() {}, done() {} };

export function makeProgress(
  stream: { isTTY?: boolean; columns?: number; write(s: string): unknown },
  env: NodeJS.ProcessEnv,
  options: { total?: number; unit?: 'bytes' | 'files'; title?: string } = {},
): Progress {
  if (!stream.isTTY || env['CI'] === 'true' || env['TERM'] === 'dumb') return NONE;
  let total = options.total ?? 0;
  let last = 0;
  let shown = false;
  const started = Date.now();
  const fmt = (n: number) => (options.unit === 'files' ? `${n}` : formatBytes(n));
  return {
    update(done, label = '') {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const bar = total > 0 ? '[' + '#'.repeat(Math.round(frac * 20)).padEnd(20, '.') + '] ' : '';
      const secs = (now - started) / 1000;
      const rate = secs > 0 && options.unit !== 'files' ? ` ${formatBytes(done / secs)}/s` : '';
      let line = `${options.title ?? ''} ${bar}${fmt(done)}${total ? '/' + fmt(total) : ''}${rate} ${label}`;
      if (line.length > width) line = line.slice(0, width - 1) + '…';
      stream.write('\r\x1b[2K' + line);
      shown = true;
    },
    addTotal(n) {
      total += n;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
