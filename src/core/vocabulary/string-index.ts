/**
 * Hash tables of strings over typed arrays, for the passes over a whole vocabulary that look a
 * million labels up once each: most of those lookups miss, and in a JavaScript Map a miss costs
 * a bucket, a chain and a string in three places in memory, then an insertion that rehashes as
 * the map grows. Here a probe reads one typed array, the strings are compared only when their
 * full hashes agree, and finding and adding are one step.
 */

import { fnvRange } from '../hash.js';

/** FNV-1a over the string's UTF-16 code units. */
export function hashString(s: string): number {
  return fnvRange(s, 0, s.length);
}

function slotOf(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}

/** Distinct strings numbered 0, 1, 2 … in the order they were first added. */
export class StringIndex {
  private mask: number;
  /** Per slot, side by side (one place in memory per probe): its string's number (-1 when free) and hash. */
  private table: Int32Array;
  /** The strings by number. */
  readonly strings: string[] = [];

  /** `expected`: how many strings are likely, so that the table need not grow while they are added. */
  constructor(expected = 0) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(2 * capacity).fill(-1);
  }

  get size(): number {
    return this.strings.length;
  }

  /** The number of `s`, added as the next one (= size before the call) if it was not there. */
  add(s: string): number {
    const h = hashString(s);
    const t = this.table;
    let i = slotOf(h, this.mask);
    for (;;) {
      const id = t[2 * i]!;
      if (id === -1) break;
      if (t[2 * i + 1] === h && this.strings[id] === s) return id;
      i = (i + 1) & this.mask;
    }
    const id = this.strings.length;
    this.strings.push(s);
    t[2 * i] = id;
    t[2 * i + 1] = h;
    if (this.strings.length * 2 > this.mask + 1) this.grow();
    return id;
  }

  /** The number of `s`, or -1. */
  get(s: string): number {
    const h = hashString(s);
    const t = this.table;
    for (let i = slotOf(h, this.mask); ; i = (i + 1) & this.mask) {
      const id = t[2 * i]!;
      if (id === -1) return -1;
      if (t[2 * i + 1] === h && this.strings[id] === s) return id;
    }
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    const t = (this.table = new Int32Array(2 * capacity).fill(-1));
    for (let k = 0; k < old.length; k += 2) {
      const id = old[k]!;
      if (id === -1) continue;
      const h = old[k + 1]!;
      let i = slotOf(h, this.mask);
      while (t[2 * i] !== -1) i = (i + 1) & this.mask;
      t[2 * i] = id;
      t[2 * i + 1] = h;
    }
  }
}

/**
 * A Bloom filter of strings: `mayHave` is true for every string added and for about one in a
 * hundred others. The default vocabulary's hints hold some tens of thousands of forms and a big
 * vocabulary's labels are nearly all outside them: a look at a bit array small enough to stay in
 * cache then stands in for a miss in each hint map.
 */
export class StringFilter {
  private readonly bits: Int32Array;
  private readonly mask: number;

  constructor(sets: readonly Iterable<string>[]) {
    // Arrays: an iterator (a map's keys) could be read only once.
    const lists = sets.map((set) => Array.from(set));
    let count = 0;
    for (const list of lists) count += list.length;
    // 16 bits per string and two probes: about 1.4 % false positives.
    let size = 1 << 10;
    while (size < count * 16) size *= 2;
    this.mask = size - 1;
    this.bits = new Int32Array(size >>> 5);
    for (const list of lists) {
      for (const s of list) {
        const h = hashString(s);
        this.set(h & this.mask);
        this.set(StringFilter.second(h) & this.mask);
      }
    }
  }

  private static second(h: number): number {
    const x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return x ^ (x >>> 13);
  }

  private set(bit: number): void {
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  private has(bit: number): boolean {
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  mayHave(s: string): boolean {
    const h = hashString(s);
    return this.has(h & this.mask) && this.has(StringFilter.second(h) & this.mask);
  }
}
