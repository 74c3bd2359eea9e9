/**
 * A little-endian writer over a fixed buffer (one chunk). Every write is bounds-checked against `limit` and throws
 * the `CHUNK_FULL` sentinel when it would not fit: the chunk builder catches it, rolls the record back and starts a
 * new chunk, so encoders never have to pre-compute sizes.
 */

/** Thrown (never escapes the writer) when a record does not fit in the rest of the chunk. */
export const CHUNK_FULL: unique symbol = Symbol('chunk full');

export class ByteWriter {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  limit: number;

  constructor(buf: Uint8Array, limit = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.limit = limit;
  }

  /** Reserve `n` bytes and return their offset. */
  take(n: number): number {
    const at = this.pos;
    if (at + n > this.limit) throw CHUNK_FULL;
    this.pos = at + n;
    return at;
  }

  u8(v: number): void {
    this.buf[this.take(1)] = v;
  }

  u16(v: number): void {
    this.view.setUint16(this.take(2), v, true);
  }

  u32(v: number): void {
    this.view.setUint32(this.take(4), v >>> 0, true);
  }

  i32(v: number): void {
    this.view.setInt32(this.take(4), v, true);
  }

  u64(v: bigint): void {
    this.view.setBigUint64(this.take(8), BigInt.asUintN(64, v), true);
  }

  f32(v: number): void {
    this.view.setFloat32(this.take(4), v, true);
  }

  f64(v: number): void {
    this.view.setFloat64(this.take(8), v, true);
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.take(b.length));
  }

  /** UTF-16LE code units of `s`, no terminator (JS strings are UTF-16 already). */
  utf16(s: string): void {
    const at = this.take(2 * s.length);
    const buf = this.buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      buf[at + 2 * i] = c & 0xff;
      buf[at + 2 * i + 1] = c >>> 8;
    }
  }

  patchU16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }

  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }
}
