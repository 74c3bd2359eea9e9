/** A place findings go. Sinks may buffer (the table folds, the timeline sorts); `end` writes what is left. */
import type { Finding } from '../findings/finding.js';

export interface FindingSink {
  add(finding: Finding): void;
  end(): void;
}

/** Send every finding to several sinks (the terminal and the case store, say). */
export function teeSinks(...sinks: FindingSink[]): FindingSink {
  return {
    add(f) {
      for (const s of sinks) s.add(f);
    },
    end() {
      for (const s of sinks) s.end();
    },
  };
}

/** Characters a terminal or spreadsheet would act on, made visible: evidence is hostile text. */
export function sanitiseText(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
