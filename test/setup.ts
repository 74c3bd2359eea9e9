/**
 * Property-based tests explore new random cases on every local run; in CI they replay one fixed seed, so a merge is
 * judged on the same cases every time (a counterexample found locally is fixed and kept as a plain test).
 * HARDNUT_FC_SEED picks another seed, e.g. to replay a failure.
 */
import fc from 'fast-check';

const seed = process.env['HARDNUT_FC_SEED'] ?? (process.env['CI'] ? '20261203' : undefined);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
