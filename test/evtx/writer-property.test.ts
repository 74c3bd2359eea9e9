/**
 * Property-based round trip (fast-check, time-bounded): random files of random records — every node kind and value
 * type a reader can read, template and raw records, builder events that reuse templates — read back by every reader
 * in READERS equal to what was written. A failure prints the seed and the shrunk counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedTree, writeEvtx, type EvtxRecord } from '../../src/evtx/writer/index.js';
import { builderRecord, randomRecord } from './writer-arbitraries.js';
import { READERS } from './writer-readers.js';

const TIME_LIMIT_MS = 10_000;

/** EVTXW_SEED and EVTXW_PATH (from a failure report) replay one counterexample. */
function replay(): { seed?: number; path?: string } {
  const seed = process.env.EVTXW_SEED;
  const path = process.env.EVTXW_PATH;
  return seed ? { seed: Number(seed), ...(path ? { path } : {}) } : {};
}

describe.each(READERS.map((r) => [r.name, r] as const))('random records round-trip through %s', (_name, reader) => {
  const why = reader.unavailable();
  it.skipIf(why !== undefined)(`equal to what was written${why ? ` (skipped: ${why})` : ''}`, () => {
    const f = reader.profile.features;
    const file = fc.array(fc.oneof({ weight: 3, arbitrary: randomRecord(f) }, { weight: 1, arbitrary: builderRecord(f) }), { minLength: 1, maxLength: 30 });
    let runs = 0;
    fc.assert(
      fc.property(file, (records: EvtxRecord[]) => {
        runs++;
        const got = reader.read(writeEvtx(records), { rawDependencyIds: !f.rawWithoutDependencyIds });
        expect(got.problems).toEqual([]);
        const want = records.map((r, i) => expectedTree(r, { recordId: BigInt(i + 1), text: reader.profile.text }));
        expect(got.records).toEqual(want);
      }),
      { numRuns: 5000, interruptAfterTimeLimit: TIME_LIMIT_MS, ...replay() },
    );
    if (process.env.EVTXW_VERBOSE) console.log(`${reader.name}: ${runs} files`);
    // The time limit must leave room for a meaningful number of files.
    expect(runs).toBeGreaterThan(20);
  }, TIME_LIMIT_MS * 6);
});
