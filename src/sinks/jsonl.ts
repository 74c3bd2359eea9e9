/** Findings as JSON Lines: one finding a line, the public contract of docs/findings.md. */
import type { Finding } from '../findings/finding.js';
import type { TextSink } from './output.js';
import type { FindingSink } from './sink.js';

export function jsonlSink(out: TextSink): FindingSink {
  return {
    add(f: Finding) {
      // JSON.stringify escapes U+2028/2029 and control characters, so every finding stays on one line.
      out.write(JSON.stringify(f) + '\n');
    },
    end() {
      out.flush();
    },
  };
}
