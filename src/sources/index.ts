/** Evidence → events: the public face of the sources module (docs/sources.md). */
export { readEvents, sniffFile, type EvtxReader, type ReadOptions } from './read.js';
export { sniffFormat, SNIFF_BYTES, type Sniffed, type SourceFormat, type TextEncoding } from './sniff.js';
export { eventsFromChunks, type PipelineContext, type TextFormat } from './pipeline.js';
export { eventFromJson } from './json-event.js';
export { eventFromXml } from './event-xml.js';
export { FileProblems } from './problems.js';
export { checkInputPaths, walkInputs, type InputFile, type WalkOptions } from './walk.js';
