/**
 * What the stream consumer needs from a message bus, and nothing more: messages pulled in
 * batches, acknowledged one by one once their result is safely published, and publishing that
 * says when the bus has stored a message. NATS JetStream is one adapter (nats.ts); a Kafka
 * adapter would map `pull` to a poll, `ack` to an offset commit after the batch, `nak` to
 * seeking back, and `publish` to an idempotent producer send keyed by `id`.
 */

export interface StreamMessage {
  /** The payload as the publisher sent it. */
  readonly data: Uint8Array;
  /** The subject (topic) it was published to. */
  readonly subject: string;
  /** The stream (or topic-partition) that holds it; with `seq`, names the message for good. */
  readonly stream: string;
  /** Its position in the stream: a redelivery keeps it. */
  readonly seq: number;
  /** 1 on first delivery, more on redeliveries. */
  readonly deliveries: number;
}

export interface PublishOptions {
  /**
   * A name for what is published, the same however often it is published again: the bus
   * stores the first and drops later copies (JetStream's Nats-Msg-Id) where it can.
   */
  id: string;
}

export interface PublishReceipt {
  /** The bus recognised the id and kept only the earlier copy. */
  duplicate: boolean;
}

export interface StreamTransport {
  /**
   * Up to `max` messages. Waits at most `waitMs` for the first one and returns what has come
   * (perhaps nothing); returns at once, perhaps empty, when `signal` aborts. Rejects when the
   * transport can no longer deliver (the server is gone for good).
   */
  pull(max: number, waitMs: number, signal?: AbortSignal): Promise<StreamMessage[]>;
  /** Done with: never delivered again. */
  ack(message: StreamMessage): void;
  /** Not done with: deliver it again, after `delayMs` when given. */
  nak(message: StreamMessage, delayMs?: number): void;
  /** Resolves once the bus has stored the message; rejects when it did not. */
  publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishReceipt>;
  /** The largest payload `publish` takes, in bytes. */
  readonly maxPayload: number;
  /** Stops delivery, hands back what was pulled but not yet returned by `pull`, flushes acks. */
  close(): Promise<void>;
}
