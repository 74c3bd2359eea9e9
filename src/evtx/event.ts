/**
 * A record as the engines see it (`EventRecord`): nothing is decoded until a field is asked for. Channel, event id,
 * provider, host, time and record id come from the `System` element alone (what rule indexing needs first); the
 * whole flat field view is built on the first `get` or `entries`. Both are, by construction, what `EvtxJsonEvent`
 * gives over evtx_dump's JSON of the same record (test/evtx/event.test.ts checks it on every sample).
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { EvtxJsonEvent, systemMetadata, type EventMetadata } from '../events/evtx-json.js';
import { elementJsonValue } from './json.js';
import type { EvtxRecord } from './record.js';
import { RElement } from './resolve.js';

const NONE: EventMetadata = { channel: undefined, eventId: undefined, provider: undefined, host: undefined, time: undefined, recordId: undefined };

export class EvtxEvent implements EventRecord {
  private view: EvtxJsonEvent | undefined;
  private meta: EventMetadata | undefined;

  constructor(readonly record: EvtxRecord) {}

  /** The flat view, built on first use. Throws EvtxError when the record's binary XML is damaged. */
  private flat(): EvtxJsonEvent {
    return (this.view ??= new EvtxJsonEvent(this.record.jsonObject()));
  }

  private metadata(): EventMetadata {
    if (this.meta) return this.meta;
    if (this.view) return (this.meta = this.view);
    const { resolved, root } = this.record.tree();
    if (root.name !== 'Event') return (this.meta = this.flat());
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
