/**
 * Integer lists packed into short ASCII strings, for the serialised compiled vocabulary. Each
 * value is a zigzag varint written straight in base64 characters: a character carries five bits
 * of the value and a flag saying that more follow, so small numbers (the common case) take one
 * character and any int32 at most seven. The list starts with its length, written the same way.
 * A JSON parser copies such a string at memory speed, where a JSON array of millions of numbers
 * costs a number parse and an array slot each; decoding is one pass with no other buffer.
 * Pure JS: the core runs outside Node too.
 */
import CRC32C from 'crc-32/crc32c.js';
import { damaged } from './damaged.js';

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

/**
 * A binary container for the serialised compiled vocabulary (version 4 on): a magic, a small
 * JSON header, then named sections of raw bytes. Integer columns are little-endian int8, int16
 * or int32 read through a typed-array view (no per-value decoding), and the strings are one UTF-16LE blob
 * decoded in a single call and cut by their lengths: for Arabic text UTF-16 is no bigger than
 * UTF-8, and its decoder is a copy where UTF-8's is a transcoding several times slower.
 *
 * Layout: MAGIC (8 bytes) | header length (uint32 LE) | header JSON (UTF-8) | padding to 4 |
 * sections, each at an offset (from the start of the sections) that is a multiple of 4.
 */
const MAGIC = Uint8Array.from('WASIM-CV', (c) => c.charCodeAt(0));
/**
 * The container ends with the CRC-32C of every byte before it (uint32 LE). Most single-bit
 * flips in a label or a score still parse into a plausible vocabulary; only a checksum of the
 * whole file tells them from the file that was written.
 */
const CHECKSUM = 'crc32c';
const CHECKSUM_BYTES = 4;

/**
 * In pieces: V8 optimises a function called many times sooner and better than the one long
 * loop of a single call (a hundred-megabyte file is checked in about 60 % of the time).
 */
const CHECKSUM_PIECE = 1 << 16;

function crc32c(bytes: Uint8Array): number {
  let crc = 0;
  for (let at = 0; at < bytes.length; at += CHECKSUM_PIECE) crc = CRC32C.buf(bytes.subarray(at, Math.min(bytes.length, at + CHECKSUM_PIECE)), crc);
  return crc >>> 0;
}

/** The values of an integer section, in the width it was stored in. */
export type Ints = Int8Array | Int16Array | Int32Array;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
// Strings UTF-16 cannot carry through TextDecoder (lone surrogates come back as U+FFFD) are
// also kept in the header, where JSON escapes them.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function align4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * The container with its checksum written anew over its last four bytes: for tests that make a
 * damaged container on purpose, to reach the structural checks behind the checksum.
 */
export function sealContainer(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - CHECKSUM_BYTES;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.length).setUint32(end, crc32c(bytes.subarray(0, end)), true);
  return bytes;
}

export function isBinaryContainer(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

interface SectionPlace {
  at: number;
  bytes: number;
  /** Bytes per value of an integer section: 1, 2 or 4, the fewest that hold all its values. */
  width?: number;
}

interface ContainerHeader {
  sections: Record<string, SectionPlace>;
  /** Per string section: [index, string] of the strings with lone surrogates. */
  escapes: Record<string, [number, string][]>;
  /** Total length of the sections, so that a cut-off file is seen at once. */
  length: number;
  meta: unknown;
  /** The checksum that follows the sections. */
  checksum: typeof CHECKSUM;
}

/**
 * The JSON text of an object whose fields are given in order, each value as JSON text: the
 * header is written field by field, in the order the code says, whatever the key order of an
 * object it came from (and names that look like numbers, which JavaScript objects move first,
 * stay where they are put).
 */
export function jsonObject(fields: readonly (readonly [string, string])[]): string {
  let out = '{';
  for (let i = 0; i < fields.length; i++) out += (i > 0 ? ',' : '') + JSON.stringify(fields[i]![0]) + ':' + fields[i]![1];
  return out + '}';
}

function placeJson(p: SectionPlace): string {
  const fields: [string, string][] = [
    ['at', String(p.at)],
    ['bytes', String(p.bytes)],
  ];
  if (p.width !== undefined) fields.push(['width', String(p.width)]);
  return jsonObject(fields);
}

export class ContainerWriter {
  private readonly parts: Uint8Array[] = [];
  /** Sections in the order they were written, which is their order in the header and in the file. */
  private readonly sections: [string, SectionPlace][] = [];
  private readonly names = new Set<string>();
  private readonly escapes: [string, [number, string][]][] = [];
  private length = 0;

  private add(name: string, bytes: Uint8Array, width?: number): void {
    if (this.names.has(name)) throw new Error(`section ${name} written twice`);
    this.names.add(name);
    this.sections.push([name, width === undefined ? { at: this.length, bytes: bytes.length } : { at: this.length, bytes: bytes.length, width }]);
    this.parts.push(bytes);
    const padded = align4(bytes.length);
    if (padded > bytes.length) this.parts.push(new Uint8Array(padded - bytes.length));
    this.length += padded;
  }

  /**
   * Integers of the int32 range (a RangeError otherwise), each in as few bytes as the biggest
   * needs: flags, counts and markers take one, which keeps the file small and quick to read.
   */
  ints(name: string, values: ArrayLike<number>): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`section ${name}: ${v} is not an int32`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const width = lo >= -0x80 && hi <= 0x7f ? 1 : lo >= -0x8000 && hi <= 0x7fff ? 2 : 4;
    const bytes = new Uint8Array(values.length * width);
    const view = new DataView(bytes.buffer);
    if (width === 1) for (let i = 0; i < values.length; i++) view.setInt8(i, values[i]!);
    else if (width === 2) for (let i = 0; i < values.length; i++) view.setInt16(2 * i, values[i]!, true);
    else for (let i = 0; i < values.length; i++) view.setInt32(4 * i, values[i]!, true);
    this.add(name, bytes, width);
  }

  /** Strings, read back as an array in the same order: `<name>` holds their code units, `<name>.lengths` their lengths. */
  strings(name: string, list: readonly string[]): void {
    const lengths = new Int32Array(list.length);
    let total = 0;
    for (let i = 0; i < list.length; i++) total += lengths[i] = list[i]!.length;
    const bytes = new Uint8Array(total * 2);
    let o = 0;
    const escapes: [number, string][] = [];
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (LONE_SURROGATE.test(s)) escapes.push([i, s]);
      for (let k = 0; k < s.length; k++) {
        const c = s.charCodeAt(k);
        bytes[o++] = c & 0xff;
        bytes[o++] = c >>> 8;
      }
    }
    this.add(name, bytes);
    this.ints(`${name}.lengths`, lengths);
    if (escapes.length > 0) this.escapes.push([name, escapes]);
  }

  /** The container; `meta`: JSON text, what the reader gets back (parsed) as its header's meta. */
  finish(meta: string): Uint8Array {
    // The fields of ContainerHeader.
    const header = jsonObject([
      ['sections', jsonObject(this.sections.map(([name, place]) => [name, placeJson(place)]))],
      ['escapes', jsonObject(this.escapes.map(([name, list]) => [name, JSON.stringify(list)]))],
      ['length', String(this.length)],
      ['meta', meta],
      ['checksum', JSON.stringify(CHECKSUM)],
    ]);
    const json = new TextEncoder().encode(header);
    const start = align4(MAGIC.length + 4 + json.length);
    const end = start + this.length;
    const out = new Uint8Array(end + CHECKSUM_BYTES);
    out.set(MAGIC, 0);
    new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
    out.set(json, MAGIC.length + 4);
    let o = start;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    new DataView(out.buffer).setUint32(end, crc32c(out.subarray(0, end)), true);
    return out;
  }
}

const hex = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

/** The sections of a container; every method throws BAD_COMPILED_VOCAB, naming the damage, on a damaged container. */
export class ContainerReader {
  readonly meta: unknown;
  private readonly header: ContainerHeader;
  private readonly start: number;

  constructor(private readonly bytes: Uint8Array) {
    if (!isBinaryContainer(bytes)) throw damaged('unknownForm', {});
    const min = MAGIC.length + 4 + CHECKSUM_BYTES;
    if (bytes.length < min) throw damaged('tooShort', { size: bytes.length, min });
    // Before anything is read from it: a damaged byte anywhere is refused, not interpreted.
    const end = bytes.length - CHECKSUM_BYTES;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const stored = view.getUint32(end, true);
    const computed = crc32c(bytes.subarray(0, end));
    if (stored !== computed) throw damaged('checksum', { stored: hex(stored), computed: hex(computed) });
    bytes = this.bytes = bytes.subarray(0, end);
    const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(MAGIC.length, true);
    if (jsonLength > bytes.length - MAGIC.length - 4) throw damaged('headerCutOff', { length: jsonLength, size: bytes.length + CHECKSUM_BYTES });
    let header: ContainerHeader;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength))) as ContainerHeader;
    } catch {
      throw damaged('headerNotJson', {});
    }
    this.start = align4(MAGIC.length + 4 + jsonLength);
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw damaged('headerNotJson', {});
    if (header.checksum !== CHECKSUM) throw damaged('headerField', { field: 'checksum' });
    if (!header.sections || typeof header.sections !== 'object') throw damaged('headerField', { field: 'sections' });
    if (header.length !== bytes.length - this.start) {
      if (!Number.isInteger(header.length)) throw damaged('headerField', { field: 'length' });
      throw damaged('sectionsLength', { actual: bytes.length - this.start, expected: header.length });
    }
    this.header = header;
    this.meta = header.meta;
  }

  /** Does the container have a section of this name? */
  has(name: string): boolean {
    return Object.hasOwn(this.header.sections, name);
  }

  private place(name: string): SectionPlace {
    const place = Object.hasOwn(this.header.sections, name) ? this.header.sections[name] : undefined;
    if (!place || typeof place !== 'object') throw damaged('sectionMissing', { section: name });
    const ok = Number.isInteger(place.at) && Number.isInteger(place.bytes) && place.at >= 0 && place.at % 4 === 0 && place.bytes >= 0 && place.at + place.bytes <= this.header.length;
    if (!ok) throw damaged('sectionPlace', { section: name, offset: String(place.at), bytes: String(place.bytes), length: this.header.length });
    return place;
  }

  private section(place: SectionPlace): Uint8Array {
    return this.bytes.subarray(this.start + place.at, this.start + place.at + place.bytes);
  }

  /**
   * An integer section, as a view into the container's bytes where their alignment allows (not
   * widened: a copy of every column would be as much memory again, and collections to go with
   * it). Copy it to keep it beyond the load, or the whole file stays in memory with it.
   */
  ints(name: string): Ints {
    const place = this.place(name);
    const width = place.width;
    if ((width !== 1 && width !== 2 && width !== 4) || place.bytes % width !== 0) throw damaged('sectionWidth', { section: name, bytes: place.bytes, width: String(width) });
    const b = this.section(place);
    const n = b.length / width;
    if (width === 1) return new Int8Array(b.buffer, b.byteOffset, n);
    if (LITTLE_ENDIAN && b.byteOffset % width === 0) return width === 4 ? new Int32Array(b.buffer, b.byteOffset, n) : new Int16Array(b.buffer, b.byteOffset, n);
    const out = new Int32Array(n);
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    if (width === 2) for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true);
    else for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
    return out;
  }

  /** A strings section, each string decoded when first asked for (see StringList). */
  strings(name: string): StringList {
    const place = this.place(name);
    // UTF-16 code units are two bytes.
    if (place.bytes % 2 !== 0) throw damaged('sectionWidth', { section: name, bytes: place.bytes, width: 2 });
    const lengths = this.ints(`${name}.lengths`);
    const units = place.bytes / 2;
    const starts = new Int32Array(lengths.length + 1);
    let at = 0;
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i]!;
      if (n < 0) throw damaged('outOfRange', { section: `${name}.lengths`, value: n, index: i, min: 0, max: units });
      at += n;
      starts[i + 1] = at;
    }
    // `at` is a sum of int32 values, exact in a double; starts may have wrapped only if it is wrong.
    if (at !== units) throw damaged('stringLengths', { section: name, total: at, units });
    const escapes = this.header.escapes?.[name] ?? [];
    if (!Array.isArray(escapes)) throw damaged('headerField', { field: `escapes.${name}` });
    // A copy: a view would keep the whole file in memory.
    const list = new StringList(this.section(place).slice(), starts);
    for (let k = 0; k < escapes.length; k++) {
      const e = escapes[k];
      if (!Array.isArray(e) || typeof e[1] !== 'string' || !(e[0] >= 0 && e[0] < lengths.length) || lengths[e[0]] !== e[1].length) throw damaged('stringEscapes', { section: name, index: k });
      list.replace(e[0], e[1]);
    }
    return list;
  }
}

/** Strings decoded together, on first use of one of them. */
const STRINGS_PER_BLOCK = 256;

/**
 * The strings of a strings section. A string is decoded when first asked for, with the others
 * of its block of STRINGS_PER_BLOCK, then kept: a big vocabulary's million labels are not made
 * until a tag is reported, and its tens of megabytes of text are not decoded at load.
 */
export class StringList {
  private readonly made: (string | undefined)[];
  private readonly blocks: (string | undefined)[];
  private readonly decoder = new TextDecoder('utf-16le', { ignoreBOM: true });

  constructor(
    /** The section's bytes: UTF-16LE code units. */
    private readonly bytes: Uint8Array,
    /** Where each string starts, in code units; one more entry than strings. */
    private readonly starts: Int32Array,
  ) {
    this.made = new Array<string | undefined>(starts.length - 1).fill(undefined);
    this.blocks = new Array<string | undefined>(Math.ceil((starts.length - 1) / STRINGS_PER_BLOCK)).fill(undefined);
  }

  get length(): number {
    return this.made.length;
  }

  /** String `i`, for 0 ≤ i < length (the caller has checked). */
  get(i: number): string {
    const s = this.made[i];
    if (s !== undefined) return s;
    const b = (i / STRINGS_PER_BLOCK) | 0;
    const first = this.starts[b * STRINGS_PER_BLOCK]!;
    const text = this.blocks[b] ?? (this.blocks[b] = this.decoder.decode(this.bytes.subarray(2 * first, 2 * this.starts[Math.min(this.made.length, (b + 1) * STRINGS_PER_BLOCK)]!)));
    return (this.made[i] = text.slice(this.starts[i]! - first, this.starts[i + 1]! - first));
  }

  /** Puts back a string the section could not hold as UTF-16 text (a lone surrogate). */
  replace(i: number, s: string): void {
    this.made[i] = s;
  }
}
