/**
 * Child process of the sources benchmark: read one file through readEvents and print how many events it held, how
 * many warnings, and one field of the last event (so the parse cannot be skipped). Run under /usr/bin/time for RSS.
 */
import { Diagnostics } from '../src/core/diagnostics.js';
import { readEvents } from '../src/sources/read.js';

const [path, field = 'cs-uri-stem'] = process.argv.slice(2);
if (!path) {
  console.error('usage: sources-count FILE [FIELD]');
  process.exit(2);
}
const d = new Diagnostics();
let n = 0;
let last: unknown;
for (const e of readEvents(path, d)) {
  n++;
  last = e.get(field);
}
console.log(JSON.stringify({ events: n, warnings: d.count, last }));
