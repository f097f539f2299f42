/**
 * The token trie of a compiled vocabulary, over canonical token ids: (trie node, token id) →
 * child by binary search in the node's row of a compressed trie held in typed arrays (no
 * per-edge objects, fast to serialise and load), built through an open-addressing hash while
 * patterns are added.
 */
import { damaged } from './codec/damaged.js';
import type { Ints } from './codec/pack.js';

/**
 * The token trie in compressed rows. The children of node v are
 * childToken / childNode[childStart[v] .. childStart[v + 1]), sorted by token id; the patterns
 * ending at v are terminalPattern[terminalStart[v] .. terminalStart[v + 1]), in pattern order.
 */
export interface Trie {
  childStart: Int32Array;
  childToken: Int32Array;
  childNode: Int32Array;
  terminalStart: Int32Array;
  terminalPattern: Int32Array;
}

/** Child of a trie node by token id, or -1. */
export function trieChild(trie: Trie, node: number, token: number): number {
  let lo = trie.childStart[node]!;
  let hi = trie.childStart[node + 1]! - 1;
  const tokens = trie.childToken;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = tokens[mid]!;
    if (t === token) return trie.childNode[mid]!;
    if (t < token) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The trie while patterns are added: (node, token) → child in an open-addressing hash, and the
 * end node of each pattern. An entry's parent, token and child sit side by side, so that a
 * probe of a million-edge table touches one place in memory.
 */
export class TrieBuilder {
  nodeCount = 1;
  private mask: number;
  /** Per slot: parent (-1 when free), token, child. */
  private table: Int32Array;
  private size = 0;
  readonly ends: number[] = [];

  /** `expectedEdges`: how many edges are likely, so that the table need not grow while they are added. */
  constructor(expectedEdges = 0) {
    let capacity = 1 << 12;
    while (capacity < expectedEdges * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(3 * capacity).fill(-1);
  }

  private slot(node: number, token: number): number {
    let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(token + 1, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & this.mask;
    const t = this.table;
    while (t[3 * i] !== -1 && (t[3 * i] !== node || t[3 * i + 1] !== token)) i = (i + 1) & this.mask;
    return i;
  }

  child(node: number, token: number): number {
    let i = this.slot(node, token);
    if (this.table[3 * i] !== -1) return this.table[3 * i + 2]!;
    if ((this.size + 1) * 2 > this.mask + 1) {
      this.grow();
      i = this.slot(node, token);
    }
    const t = this.table;
    t[3 * i] = node;
    t[3 * i + 1] = token;
    t[3 * i + 2] = this.nodeCount++;
    this.size++;
    return t[3 * i + 2]!;
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(3 * capacity).fill(-1);
    for (let k = 0; k < old.length; k += 3) {
      if (old[k] === -1) continue;
      const i = this.slot(old[k]!, old[k + 1]!);
      this.table[3 * i] = old[k]!;
      this.table[3 * i + 1] = old[k + 1]!;
      this.table[3 * i + 2] = old[k + 2]!;
    }
  }

  /** Edges as (parent, token, child) triples, in no particular order. */
  edges(): Int32Array {
    const out = new Int32Array(this.size * 3);
    let o = 0;
    const t = this.table;
    for (let k = 0; k < t.length; k += 3) {
      if (t[k] === -1) continue;
      out[o++] = t[k]!;
      out[o++] = t[k + 1]!;
      out[o++] = t[k + 2]!;
    }
    return out;
  }
}

/** The compressed trie of edges given as (parent, token, child) triples and of each pattern's end node. */
export function buildTrie(nodeCount: number, tokenCount: number, edges: Int32Array, ends: ArrayLike<number>): Trie {
  const edgeCount = edges.length / 3;
  // Edges ordered by token id (a counting sort), then dealt to their parents' rows: each row comes out sorted.
  const byToken = new Int32Array(tokenCount + 1);
  for (let e = 0; e < edgeCount; e++) byToken[edges[3 * e + 1]! + 1]!++;
  for (let t = 0; t < tokenCount; t++) byToken[t + 1]! += byToken[t]!;
  const order = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) order[byToken[edges[3 * e + 1]!]!++] = e;
  const childStart = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) childStart[edges[3 * e]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) childStart[v + 1]! += childStart[v]!;
  const fill = childStart.slice(0, nodeCount);
  const childToken = new Int32Array(edgeCount);
  const childNode = new Int32Array(edgeCount);
  for (const e of order) {
    const at = fill[edges[3 * e]!]!++;
    childToken[at] = edges[3 * e + 1]!;
    childNode[at] = edges[3 * e + 2]!;
  }
  const terminalStart = new Int32Array(nodeCount + 1);
  for (let p = 0; p < ends.length; p++) terminalStart[ends[p]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) terminalStart[v + 1]! += terminalStart[v]!;
  const at = terminalStart.slice(0, nodeCount);
  const terminalPattern = new Int32Array(ends.length);
  for (let p = 0; p < ends.length; p++) terminalPattern[at[ends[p]!]!++] = p;
  return { childStart, childToken, childNode, terminalStart, terminalPattern };
}


/**
 * The trie if its rows and references are in range and it is a tree whose patterns end at the
 * depth of their number of tokens: the matcher reads a pattern's lights by the depth it walked,
 * and a damaged file must not send it astray. `patternLengths`: the number of tokens of each
 * pattern. Throws BAD_COMPILED_VOCAB naming the section and where in it the damage is.
 */
export function checkedTrie(trie: Trie, nodeCount: number, tokenCount: number, patternLengths: ArrayLike<number>): Trie {
  const edges = trie.childToken.length;
  const length = (section: string, actual: number, expected: number): void => {
    if (actual !== expected) throw damaged('columnLength', { section, actual, expected });
  };
  length('trie.childStart', trie.childStart.length, nodeCount + 1);
  length('trie.terminalStart', trie.terminalStart.length, nodeCount + 1);
  length('trie.childNode', trie.childNode.length, edges);
  if (trie.childStart[0] !== 0) throw damaged('trie', { section: 'trie.childStart', index: 0 });
  if (trie.terminalStart[0] !== 0) throw damaged('trie', { section: 'trie.terminalStart', index: 0 });
  if (trie.childStart[nodeCount] !== edges) throw damaged('countsTotal', { section: 'trie.childStart', total: trie.childStart[nodeCount]!, other: 'trie.childToken', actual: edges });
  if (trie.terminalStart[nodeCount] !== trie.terminalPattern.length) {
    throw damaged('countsTotal', { section: 'trie.terminalStart', total: trie.terminalStart[nodeCount]!, other: 'trie.terminalPattern', actual: trie.terminalPattern.length });
  }
  const bad = treeDamage(trie, nodeCount, tokenCount, patternLengths);
  if (bad !== undefined) throw damaged('trie', bad);
  return trie;
}

/**
 * Rows ascending, tokens, nodes and patterns in range, every node but the root with one parent
 * numbered before it (so no cycle), patterns ending at their length: in one pass over the rows,
 * which a million-tag trie reads once instead of six times. The row ends are checked by the caller.
 * Where the first damage is, or undefined for a sound tree.
 */
function treeDamage(trie: Trie, nodeCount: number, tokenCount: number, patternLengths: ArrayLike<number>): { section: string; index: number } | undefined {
  const { childStart, childToken, childNode, terminalStart, terminalPattern } = trie;
  const patterns = patternLengths.length;
  const depth = new Int32Array(nodeCount).fill(-1);
  depth[0] = 0;
  let e = 0;
  let t = 0;
  for (let v = 0; v < nodeCount; v++) {
    const d = depth[v]!;
    const edgesEnd = childStart[v + 1]!;
    if (edgesEnd < e) return { section: 'trie.childStart', index: v + 1 };
    for (; e < edgesEnd; e++) {
      const token = childToken[e]!;
      if (!(token >= 0 && token < tokenCount)) return { section: 'trie.childToken', index: e };
      const child = childNode[e]!;
      if (!(child > v && child < nodeCount) || depth[child] !== -1) return { section: 'trie.childNode', index: e };
      depth[child] = d + 1;
    }
    const terminalsEnd = terminalStart[v + 1]!;
    if (terminalsEnd < t) return { section: 'trie.terminalStart', index: v + 1 };
    for (; t < terminalsEnd; t++) {
      const p = terminalPattern[t]!;
      if (!(p >= 0 && p < patterns) || patternLengths[p] !== d) return { section: 'trie.terminalPattern', index: t };
    }
  }
  return undefined;
}

/** The index of the first value smaller than the one before it; -1 when `a` is ascending. */
export function firstDescent(a: Ints): number {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return i;
  return -1;
}

/** The index of the first value outside [lo, hi); -1 when every value is in it. */
export function firstOutside(a: Ints, lo: number, hi: number): number {
  for (let i = 0; i < a.length; i++) if (!(a[i]! >= lo && a[i]! < hi)) return i;
  return -1;
}
