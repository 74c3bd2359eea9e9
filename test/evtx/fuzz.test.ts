/**
 * Property-based fuzzing (time-bounded): real and hand-built EVTX bytes, mutated at random — bytes overwritten,
 * ranges zeroed or duplicated, the file cut short — never make the reader throw, and rendering a record fails only
 * with an EvtxError (reported and skipped by callers). A hang would show as the test timing out.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvtxError, EvtxEvent, readEvtx } from '../../src/evtx/index.js';
import { dataMissing } from '../helpers.js';
import { binxml, el, evtxFile, subst, text, v } from './build.js';
import { bytesOf, PARSER } from './samples.js';

type Mutation = { kind: 'set'; at: number; bytes: number[] } | { kind: 'zero'; at: number; len: number } | { kind: 'copy'; from: number; to: number; len: number };

const mutation = (size: number): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(size - 1), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('zero' as const), at: fc.nat(size - 1), len: fc.integer({ min: 1, max: 256 }) }),
    fc.record({ kind: fc.constant('copy' as const), from: fc.nat(size - 1), to: fc.nat(size - 1), len: fc.integer({ min: 1, max: 512 }) }),
  );

function mutate(base: Uint8Array, ms: Mutation[], cut: number | null): Uint8Array {
  const b = base.slice();
  for (const m of ms) {
    if (m.kind === 'set') b.set(m.bytes.slice(0, b.length - m.at), m.at);
    else if (m.kind === 'zero') b.fill(0, m.at, Math.min(b.length, m.at + m.len));
    else b.copyWithin(m.to, m.from, Math.min(b.length, m.from + m.len));
  }
  return cut === null ? b : b.subarray(0, cut);
}

/** Read everything the way the CLI and hunt do; anything thrown that is not an EvtxError fails the property. */
function exercise(bytes: Uint8Array): void {
  for (const r of readEvtx(bytes, () => {})) {
    for (const render of [() => r.json(), () => r.xml(), () => [...new EvtxEvent(r).entries()]]) {
      try {
        const out = render();
        if (typeof out === 'string') expect(out.length).toBeGreaterThan(0);
      } catch (err) {
        if (!(err instanceof EvtxError)) throw err;
      }
    }
  }
}

function fuzz(base: Uint8Array, ms: number): void {
  // Mutations aim at the header and the first chunk's header, records and templates, where they do the most harm.
  const hot = Math.min(base.length, 4096 + 16384);
  fc.assert(
    fc.property(fc.array(mutation(hot), { minLength: 1, maxLength: 12 }), fc.option(fc.nat(base.length), { nil: null }), (m, cut) => {
      exercise(mutate(base, m, cut));
    }),
    { numRuns: 100_000, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
  );
}

describe('fuzzing', () => {
  it('hand-built records with templates, arrays and embedded binary XML', () => {
    const inner = binxml(el('I', [['k', [subst(0, 0x08)]]], subst(1, 0x81)), [v.int(0x08, 1, 4), v.concat(0x81, [v.str('a\0').bytes, v.str('b\0').bytes])]);
    const body = el('Event', [['xmlns', [text('x')]]], ...el('System', [], ...el('EventID', [], subst(0, 0x06))), ...el('EventData', [], ...el('Data', [['Name', [text('n')]]], subst(1, 0x01)), ...el('U', [], subst(2, 0x21))));
    const base = evtxFile([0, 1, 2].map(() => ({ body, values: [v.int(0x06, 4624, 2), v.str('value'), inner] })));
    exercise(base);
    fuzz(base, 3000);
  });

  const missing = dataMissing('evtx', 'parser-samples');
  it.skipIf(missing)(`a real log (Application_no_crc32.evtx)${missing ? ` (skipped: ${missing})` : ''}`, () => {
    fuzz(bytesOf(join(PARSER, 'samples', 'Application_no_crc32.evtx')), 5000);
  });
});
