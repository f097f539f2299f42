/**
 * The literal text of JSON numbers that JSON.parse cannot give back. JSON.parse turns every
 * number into a double: 12345678901234567890 comes back as 12345678901234567000 and 400 nines
 * as Infinity, which JSON.stringify writes as null. An id must survive exactly, so readers that
 * keep a numeric id look its literal up here and write or compare that instead.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

const OBJECT = 0;
const ARRAY = 1;

function isNumberChar(c: number): boolean {
  // 0-9 . + - e E
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45;
}

function pointerSegment(key: string): string {
  return '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Every number literal in a JSON text that does not survive JSON.parse and JSON.stringify
 * unchanged, by its JSON Pointer (RFC 6901: "/id", "/items/3/id"); numbers that survive are
 * left out. `text` must be JSON that JSON.parse accepts (callers parse first); with a
 * duplicated key the last one counts, as in JSON.parse. One pass, no recursion: strings are
 * skipped with indexOf, so a long article body costs little, and no nesting depth overflows.
 */
export function inexactNumbers(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const kinds: number[] = [];
  const keys: string[] = [];
  const n = text.length;
  let i = 0;

  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return;
      i++;
    }
  };
  /** From an opening quote to just after the closing one. */
  const skipString = (): void => {
    let at = i + 1;
    for (;;) {
      const q = text.indexOf('"', at);
      if (q < 0) {
        i = n;
        return;
      }
      let backslashes = 0;
      for (let b = q - 1; b > i && text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
      at = q + 1;
      if (backslashes % 2 === 0) {
        i = at;
        return;
      }
    }
  };
  /** At a key's opening quote: reads the key and the colon after it. */
  const readKey = (): string => {
    const start = i;
    skipString();
    const raw = text.slice(start, i);
    skipSpace();
    if (text.charCodeAt(i) === COLON) i++;
    skipSpace();
    return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };

  skipSpace();
  while (i < n) {
    // A value starts at i.
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      i++;
      skipSpace();
      const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
      if (text.charCodeAt(i) === close) {
        i++;
      } else {
        kinds.push(c === OPEN_OBJECT ? OBJECT : ARRAY);
        keys.push(c === OPEN_OBJECT ? readKey() : '0');
        continue;
      }
    } else if (c === QUOTE) {
      skipString();
    } else if (isNumberChar(c)) {
      const start = i;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const literal = text.slice(start, i);
      if (JSON.stringify(Number(literal)) !== literal) found.set(keys.map(pointerSegment).join(''), literal);
      // A later duplicate key that JSON.parse keeps as written replaces an earlier literal.
      else if (found.size > 0) found.delete(keys.map(pointerSegment).join(''));
    } else {
      // true, false, null
      i += c === 0x66 ? 5 : 4;
    }
    // After a value: the next member or element, or the end of the containers it closes.
    for (;;) {
      if (kinds.length === 0) return found;
      skipSpace();
      if (i >= n) return found;
      const top = kinds.length - 1;
      if (text.charCodeAt(i) === COMMA) {
        i++;
        skipSpace();
        keys[top] = kinds[top] === OBJECT ? readKey() : String(Number(keys[top]) + 1);
        break;
      }
      i++;
      kinds.pop();
      keys.pop();
    }
  }
  return found;
}

/**
 * The literal of the number at `pointer` in `text` when JSON.parse changed it, else undefined.
 * `value` is what JSON.parse gave there: only a number can have been changed, so for anything
 * else the text is not scanned.
 */
export function numberLiteral(text: string, pointer: string, value: unknown): string | undefined {
  return typeof value === 'number' ? inexactNumbers(text).get(pointer) : undefined;
}
