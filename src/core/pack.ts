/**
 * Integer lists packed into short ASCII strings, for the serialised compiled vocabulary. Each
 * value is a zigzag varint written straight in base64 characters: a character carries five bits
 * of the value and a flag saying that more follow, so small numbers (the common case) take one
 * character and any int32 at most seven. The list starts with its length, written the same way.
 * A JSON parser copies such a string at memory speed, where a JSON array of millions of numbers
 * costs a number parse and an array slot each; decoding is one pass with no other buffer.
 * Pure JS: the core runs outside Node too.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// -1 for every code unit outside the alphabet.
const CODE_OF = new Int8Array(0x10000).fill(-1);
for (let i = 0; i < 64; i++) CODE_OF[ALPHABET.charCodeAt(i)] = i;
const CHAR_OF = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const MORE = 32;

const CHUNK = 4096;

class Chars {
  private readonly parts: string[] = [];
  private readonly codes: number[] = [];
  /** An unsigned 32-bit value. */
  uint(z: number): void {
    while (z >= MORE) {
      this.codes.push(CHAR_OF[(z & 31) | MORE]!);
      z = Math.floor(z / MORE);
    }
    this.codes.push(CHAR_OF[z]!);
    if (this.codes.length >= CHUNK) this.flush();
  }
  private flush(): void {
    this.parts.push(String.fromCharCode.apply(null, this.codes));
    this.codes.length = 0;
  }
  text(): string {
    this.flush();
    return this.parts.join('');
  }
}

/** Packs integers of the int32 range; `delta`: store differences from the previous value (for ascending lists). */
export function packInts(values: ArrayLike<number>, delta = false): string {
  const out = new Chars();
  out.uint(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`packInts: ${v} is not an int32`);
    const d = delta ? (v - prev) | 0 : v;
    prev = v;
    // Zigzag: small negative numbers stay small (a reference to an earlier field is one).
    out.uint(((d << 1) ^ (d >> 31)) >>> 0);
  }
  return out.text();
}

/** The integers of packInts; throws a RangeError on a string that is not such a list. */
export function unpackInts(text: string, delta = false): Int32Array {
  const n = text.length;
  let i = 0;
  let count = 0;
  for (let shift = 0; ; shift += 5) {
    const c = i < n && shift < 35 ? CODE_OF[text.charCodeAt(i++)]! : -1;
    if (c < 0) throw new RangeError('unpackInts: not a packed list');
    count += (c & 31) * 2 ** shift;
    if (c < MORE) break;
  }
  // Every value takes a character at least.
  if (count > n - i) throw new RangeError('unpackInts: not a packed list');
  const out = new Int32Array(count);
  let prev = 0;
  let bad = 0;
  for (let k = 0; k < count; k++) {
    let z = 0;
    let shift = 0;
    let c: number;
    do {
      c = i < n ? CODE_OF[text.charCodeAt(i++)]! : -1;
      bad |= c;
      z |= (c & 31) << shift;
      shift += 5;
    } while (c >= MORE && shift < 35);
    if (bad < 0 || c >= MORE) throw new RangeError('unpackInts: not a packed list');
    const d = (z >>> 1) ^ -(z & 1);
    prev = delta ? (prev + d) | 0 : d;
    out[k] = prev;
  }
  if (i !== n) throw new RangeError('unpackInts: not a packed list');
  return out;
}
