/** Every benchmark, in the order `npm run bench` runs them. */
import { evtxWriteBench } from './evtx-write.bench.js';
import { evtxBench } from './evtx.bench.js';
import { evtxMemoryBench } from './evtx-memory.bench.js';
import type { Benchmark } from './harness.js';
import { huntBench } from './hunt.bench.js';
import { sigmaBench } from './sigma.bench.js';
import { sourcesBench } from './sources.bench.js';
import { storeBench } from './store.bench.js';
import { sweepBench } from './sweep.bench.js';
import { walkBench } from './walk.bench.js';

export const BENCHMARKS: readonly Benchmark[] = [
  walkBench,
  evtxBench,
  evtxMemoryBench,
  evtxWriteBench,
  sourcesBench,
  sigmaBench,
  huntBench,
  storeBench,
  sweepBench,
];
