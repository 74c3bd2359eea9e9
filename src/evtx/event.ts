/**
 * A record as the engines see it (`EventRecord`): nothing is decoded until a field is asked for. The flat field view
 * is, by construction, the one `EvtxJsonEvent` gives over evtx_dump's JSON of the same record, so rules tested on
 * that JSON behave the same on EVTX (test/evtx/event.test.ts checks it over every regression file).
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { EvtxJsonEvent } from '../events/evtx-json.js';
import type { EvtxRecord } from './record.js';

export class EvtxEvent implements EventRecord {
  private view: EvtxJsonEvent | undefined;

  constructor(readonly record: EvtxRecord) {}

  /** The flat view, built on first use. Throws EvtxError when the record's binary XML is damaged. */
  private flat(): EvtxJsonEvent {
    return (this.view ??= new EvtxJsonEvent(this.record.jsonObject()));
  }

  get(field: string): FieldValue {
    return this.flat().get(field);
  }

  entries(): Iterable<readonly [string, FieldValue]> {
    return this.flat().entries();
  }

  get channel(): string | undefined {
    return this.flat().channel;
  }
  get eventId(): number | undefined {
    return this.flat().eventId;
  }
  get provider(): string | undefined {
    return this.flat().provider;
  }
  get host(): string | undefined {
    return this.flat().host;
  }
  get time(): string | undefined {
    return this.flat().time;
  }
  get recordId(): number | undefined {
    return this.flat().recordId;
  }
}
