/**
 * A record as the engines see it (`EventRecord`): nothing is decoded until a field is asked for. Channel, event id,
 * provider, host, time and record id come from the `System` element alone (what rule indexing needs first); the
 * whole flat field view is built on the first `get` or `entries`, going on from those System fields (fields.ts).
 * Both are, by construction, what `EvtxJsonEvent` gives over evtx_dump's JSON of the same record
 * (test/evtx/event.test.ts checks it on every sample).
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { EvtxJsonEvent, metadataOf, pathValue, systemMetadata, type EventMetadata } from '../events/evtx-json.js';
import { FieldBuilder } from './fields.js';
import { elementJsonValue } from './json.js';
import type { EvtxRecord } from './record.js';
import { RElement } from './resolve.js';

const NONE: EventMetadata = { channel: undefined, eventId: undefined, provider: undefined, host: undefined, time: undefined, recordId: undefined };

/** The flat view as a plain map (fields.ts built it); dotted paths are answered from the document, built if asked. */
class FieldView {
  private doc: ReturnType<EvtxRecord['jsonObject']> | undefined;
  constructor(
    readonly flat: Map<string, FieldValue>,
    private readonly record: EvtxRecord,
  ) {}
  get(field: string): FieldValue {
    const v = this.flat.get(field);
    if (v !== undefined || !field.includes('.')) return v;
    return pathValue((this.doc ??= this.record.jsonObject()), field);
  }
  entries(): Iterable<readonly [string, FieldValue]> {
    return this.flat.entries();
  }
}

export class EvtxEvent implements EventRecord {
  private view: FieldView | EvtxJsonEvent | undefined;
  private meta: EventMetadata | undefined;
  /** The System fields, read for the metadata, that the flat view goes on from (fields.ts). */
  private systemFields: Map<string, FieldValue> | undefined;

  constructor(readonly record: EvtxRecord) {}

  /** The flat view, built on first use. Throws EvtxError when the record's binary XML is damaged. */
  private flat(): FieldView | EvtxJsonEvent {
    if (this.view) return this.view;
    const { resolved, root } = this.record.tree();
    if (!FieldBuilder.handles(root)) return (this.view = new EvtxJsonEvent(this.record.jsonObject()));
    const b = new FieldBuilder(this.record.chunk.bytes, resolved.table);
    let flat = this.systemFields;
    if (!flat) {
      flat = b.system(root);
      this.meta ??= metadataOf(flat);
    }
    this.systemFields = undefined;
    b.rest(root, flat);
    return (this.view = new FieldView(flat, this.record));
  }

  private metadata(): EventMetadata {
    if (this.meta) return this.meta;
    // A FieldView is never without metadata (flat() reads it from System before adding the rest).
    if (this.view instanceof EvtxJsonEvent) return (this.meta = this.view);
    const { resolved, root } = this.record.tree();
    if (root.name !== 'Event') return (this.meta = this.flat() as EvtxJsonEvent);
    if (FieldBuilder.handles(root)) {
      this.systemFields = new FieldBuilder(this.record.chunk.bytes, resolved.table).system(root);
      return (this.meta = metadataOf(this.systemFields));
    }
    const system = root.kids.find((k): k is RElement => k instanceof RElement && k.name === 'System');
    const v = system && elementJsonValue(this.record.chunk.bytes, resolved.table, system);
    return (this.meta = v && typeof v === 'object' && !Array.isArray(v) ? systemMetadata(v) : NONE);
  }

  get(field: string): FieldValue {
    return this.flat().get(field);
  }

  entries(): Iterable<readonly [string, FieldValue]> {
    return this.flat().entries();
  }

  get channel(): string | undefined {
    return this.metadata().channel;
  }
  get eventId(): number | undefined {
    return this.metadata().eventId;
  }
  get provider(): string | undefined {
    return this.metadata().provider;
  }
  get host(): string | undefined {
    return this.metadata().host;
  }
  get time(): string | undefined {
    return this.metadata().time;
  }
  get recordId(): number | undefined {
    return this.metadata().recordId;
  }
}
