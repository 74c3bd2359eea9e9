/** Every benchmark, in the order `npm run bench` runs them. */
import { evtxBench } from './evtx.bench.js';
import { evtxMemoryBench } from './evtx-memory.bench.js';
import type { Benchmark } from './harness.js';
import { walkBench } from './walk.bench.js';

export const BENCHMARKS: readonly Benchmark[] = [walkBench, evtxBench, evtxMemoryBench];
