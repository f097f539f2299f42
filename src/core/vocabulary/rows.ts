/**
 * The tags or patterns of a compiled vocabulary. A vocabulary compiled from source holds its rows
 * as objects; one read from its serialised form makes a row's object the first time it is asked
 * for, from the file's columns. Tagging an article touches a few hundred of a million tags, so a
 * big vocabulary loads without making a million objects (and the collector need not move them).
 */
export class Rows<T> implements Iterable<T> {
  private readonly items: (T | undefined)[];
  private readonly make: ((index: number) => T) | undefined;
  private readonly fixedLength: number;

  private constructor(items: (T | undefined)[], make: ((index: number) => T) | undefined, fixedLength: number) {
    this.items = items;
    this.make = make;
    this.fixedLength = fixedLength;
  }

  /** Rows held as the given objects (the array is adopted, not copied). */
  static of<T>(items: T[]): Rows<T> {
    return new Rows<T>(items, undefined, -1);
  }

  /** `length` rows, each made by `make` on first access and kept. */
  static lazy<T>(length: number, make: (index: number) => T): Rows<T> {
    return new Rows<T>(new Array<T | undefined>(length).fill(undefined), make, length);
  }

  /** Rows made or given so far (a vocabulary read from its serialised form makes few). */
  get madeCount(): number {
    let n = 0;
    for (let i = 0; i < this.items.length; i++) if (this.items[i] !== undefined) n++;
    return n;
  }

  get length(): number {
    return this.fixedLength < 0 ? this.items.length : this.fixedLength;
  }

  /** The row at `index`; a RangeError outside 0 … length - 1. */
  get(index: number): T {
    const item = this.items[index];
    if (item !== undefined) return item;
    return this.made(index);
  }

  private made(index: number): T {
    if (!(index >= 0 && index < this.length && Number.isInteger(index))) throw new RangeError(`row ${index} of ${this.length}`);
    const item = this.make!(index);
    this.items[index] = item;
    return item;
  }

  /** Appends a row (a vocabulary being compiled); its index. */
  push(item: T): number {
    if (this.make !== undefined) throw new Error('Rows.push: rows read from a serialised form are fixed');
    return this.items.push(item) - 1;
  }

  /** Replaces a row (a vocabulary being compiled). */
  set(index: number, item: T): void {
    if (this.make !== undefined) throw new Error('Rows.set: rows read from a serialised form are fixed');
    if (!(index >= 0 && index < this.items.length && Number.isInteger(index))) throw new RangeError(`row ${index} of ${this.length}`);
    this.items[index] = item;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  forEach(visit: (item: T, index: number) => void): void {
    for (let i = 0; i < this.length; i++) visit(this.get(i), i);
  }

  /** Every row as an array (makes each one). */
  toArray(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.get(i);
    return out;
  }
}
