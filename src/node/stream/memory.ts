/**
 * A stream transport held in memory: one input subject, redelivery of what is nakked, and
 * published messages kept per subject with duplicates (same id) dropped, as JetStream does.
 * It backs the consume loop's unit tests, and shows what an adapter owes the loop.
 */
import type { PublishOptions, PublishReceipt, StreamMessage, StreamTransport } from './transport.js';

interface MemoryMessage extends StreamMessage {
  deliveries: number;
}

export interface Published {
  subject: string;
  data: Uint8Array;
  id: string;
}

export class MemoryTransport implements StreamTransport {
  readonly maxPayload: number;
  /** Everything stored by publish, in order, duplicates dropped. */
  readonly published: Published[] = [];
  /** Publishes that were refused as duplicates. */
  duplicates = 0;
  /** The next this-many publishes reject (a bus that refuses writes). */
  failNextPublishes = 0;
  /** Every message handed out by pull, redeliveries included, in order. */
  readonly deliveries: StreamMessage[] = [];
  private readonly ids = new Set<string>();
  private readonly ready: MemoryMessage[] = [];
  private readonly outstanding = new Map<number, MemoryMessage>();
  private readonly acked = new Set<number>();
  private nextSeq = 1;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly subject = 'articles.in',
    options: { maxPayload?: number } = {},
  ) {
    this.maxPayload = options.maxPayload ?? 1024 * 1024;
  }

  /** Publishes to the input subject, as a producer would; returns the message's sequence. */
  send(data: string | Uint8Array): number {
    const seq = this.nextSeq++;
    this.ready.push({ data: typeof data === 'string' ? new TextEncoder().encode(data) : data, subject: this.subject, stream: 'memory', seq, deliveries: 0 });
    this.notify();
    return seq;
  }

  /** From now on pull rejects with `error`, as when a server is gone for good. */
  fail(error: Error): void {
    this.failure = error;
    this.notify();
  }

  /** Messages neither acked nor waiting for delivery: pulled and still held by the consumer. */
  get inFlight(): number {
    return this.outstanding.size;
  }

  get ackedCount(): number {
    return this.acked.size;
  }

  /** Messages sent but not yet delivered (or nakked and waiting again). */
  get waiting(): number {
    return this.ready.length;
  }

  async pull(max: number, waitMs: number, signal?: AbortSignal): Promise<StreamMessage[]> {
    if (this.failure) throw this.failure;
    if (this.ready.length === 0 && !signal?.aborted && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        signal?.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    if (this.failure) throw this.failure;
    const batch = this.ready.splice(0, max);
    for (const m of batch) {
      m.deliveries++;
      this.outstanding.set(m.seq, m);
      this.deliveries.push({ ...m });
    }
    return batch.map((m) => ({ ...m }));
  }

  ack(message: StreamMessage): void {
    if (!this.outstanding.delete(message.seq)) return;
    this.acked.add(message.seq);
  }

  nak(message: StreamMessage, delayMs = 0): void {
    const m = this.outstanding.get(message.seq);
    if (!m) return;
    this.outstanding.delete(message.seq);
    const requeue = (): void => {
      this.ready.push(m);
      this.notify();
    };
    if (delayMs > 0) setTimeout(requeue, delayMs).unref();
    else requeue();
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishReceipt> {
    if (this.failNextPublishes > 0) {
      this.failNextPublishes--;
      throw new Error('publish refused (test)');
    }
    if (data.length > this.maxPayload) throw new Error(`maximum payload exceeded: ${data.length} > ${this.maxPayload}`);
    if (this.ids.has(options.id)) {
      this.duplicates++;
      return { duplicate: true };
    }
    this.ids.add(options.id);
    this.published.push({ subject, data, id: options.id });
    return { duplicate: false };
  }

  /** What a consumer that vanished without acking leaves: its messages delivered again. */
  redeliverOutstanding(): void {
    for (const m of [...this.outstanding.values()].sort((a, b) => a.seq - b.seq)) this.nak(m);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    this.wake?.();
  }
}
