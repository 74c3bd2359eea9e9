/**
 * hardnut's EVTX writer: valid Windows event logs (templates, substitutions, string and template tables, every
 * value type, correct CRCs) for fixtures, round-trip tests and benchmark logs, and deliberately damaged variants.
 * See docs/evtx-writer.md.
 */
export { writeEvtx, writeEvtxWithLayout, EvtxWriter, chunkOffset, type EvtxWriterOptions, type FileLayout } from './writer.js';
export { el, text, sub, opt, charRef, entityRef, cdata, pi } from './model.js';
export type { EvtxRecord, XmlElement, XmlAttribute, XmlContent, XmlSubstitution, AttributeContent } from './model.js';
export { v, filetime, TYPE_CODE, ARRAY_FLAG, type Value, type ScalarValue, type TypeName, type ArrayItemType, type SystemTime } from './values.js';
export { valueText, scalarText, filetimeText, systemtimeText, realText } from './text.js';
export { expectedTree, type RenderedElement, type RenderedNode, type ExpectOptions } from './expect.js';
export { windowsEvent, dataValue, EVENT_NS, type WindowsEvent, type EventCommon, type DataInput, type DataItem } from './windows-event.js';
export {
  sysmon1,
  sysmon3,
  sysmon11,
  sysmon13,
  security4624,
  security4625,
  security4688,
  security1102,
  system7045,
  powershell4104,
  classicEvent,
  type Fields,
} from './catalog.js';
export { CHUNK_SIZE, CHUNK_HEADER_SIZE, nameHash, chunkHeaderCrc, type ChunkLayout, type RecordPlacement } from './chunk.js';
export { FILE_HEADER_SIZE, FILE_FLAG_DIRTY, FILE_FLAG_FULL, FILE_FLAG_NO_CRC, fileHeader, type FileHeaderFields } from './file-header.js';
export { crc32 } from './crc32.js';
export { damage, fixChecksums, type Damage, type DamageOptions } from './damage.js';
export type { MarkKind } from './binxml.js';
