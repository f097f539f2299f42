/**
 * The NATS JetStream adapter of the stream transport: a durable pull consumer with explicit
 * acks on the stream that holds the input subject, and publishing through JetStream, so that a
 * result counts as sent only once the server has stored it. Publishes carry a Nats-Msg-Id, so
 * a result published again after a crash, within the stream's duplicate window, is dropped by
 * the server.
 *
 * Subjects no stream captures yet are given a stream (`stream`, created or extended): the
 * consumer never publishes into a subject where nothing would keep the message.
 */
import { AckPolicy, connect, DeliverPolicy, nanos, type ConsumerInfo, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import { WasimError, type Localized, type TemplateName, type TemplateParams } from '../../core/index.js';
import type { PublishOptions, PublishReceipt, StreamMessage, StreamTransport } from './transport.js';

export interface NatsSetup {
  /** Server URLs (nats://host:port), one or several. */
  servers: string[];
  /** The input subject (wildcards allowed): what the consumer reads. */
  subject: string;
  /** Subjects results and dead letters go to: each must be captured by a stream. */
  outputs: string[];
  /** The stream to create, or extend, for the subjects no stream captures. */
  stream: string;
  /** The durable consumer's name: consumers of one name share the work and its position. */
  durable: string;
  /** How long the server waits for an ack before delivering a message again (ms). */
  ackWaitMs: number;
  /** Messages requested per pull, and the most held locally at once. */
  batch: number;
  /** How long to keep trying to reach a server that was lost (ms). */
  reconnectForMs: number;
  /** Attempts at the first connection, a second apart. */
  connectAttempts?: number;
  /** Publish and API request timeout (ms). */
  requestTimeoutMs?: number;
  /** Told of disconnections, reconnections and streams created or extended. */
  onEvent?: (line: string) => void;
}

export interface NatsTransportInfo {
  /** The stream the consumer reads. */
  stream: string;
  /** What was created or changed on the server to run: "stream X created with …". */
  changes: string[];
}

const SUBJECT_TOKEN = /^[^\s.*>]+$/;

/** A valid NATS subject; wildcards (`*` a token, `>` the rest) only where `wildcards`. */
export function isValidSubject(subject: string, wildcards: boolean): boolean {
  const tokens = subject.split('.');
  return tokens.every((t, i) => SUBJECT_TOKEN.test(t) || (wildcards && (t === '*' || (t === '>' && i === tokens.length - 1))));
}

/** Does a concrete subject match a subject filter (with `*` and `>`)? */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** nats://host:port, tls://host:port or host:port, checked before a connection is tried. */
export function parseServers(value: string): string[] {
  const servers = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (servers.length === 0) throw WasimError.of('USAGE', 'natsServerMissing', {});
  for (const s of servers) {
    if (!/^((nats|tls):\/\/)?([^\s/@]+@)?(\[[0-9a-fA-F:]+\]|[^\s/:@[\]]+)(:\d{1,5})?\/?$/.test(s)) {
      throw WasimError.of('USAGE', 'natsServerUrl', { value: s });
    }
  }
  return servers;
}

/** What the NATS client's error means, in words (its own message when it is none of the usual ones). */
function reason(e: unknown): Localized | string {
  const err = e as { code?: string; message?: string };
  const message = (err?.message ?? String(e)).split('\n')[0]!;
  if (err?.code === 'CONNECTION_REFUSED' || message === 'CONNECTION_REFUSED') return { en: 'connection refused', ar: 'رُفض الاتصال' };
  if (err?.code === 'TIMEOUT' || message === 'TIMEOUT') return { en: 'timed out', ar: 'انتهت المهلة' };
  if (err?.code === '503' || message === '503') return { en: 'no responders (JetStream unavailable, or no stream captures the subject)', ar: 'لا مجيب (JetStream غير متاح، أو لا تدفق يلتقط الموضوع)' };
  return message;
}

type Unavailable = Exclude<TemplateName<'STREAM_UNAVAILABLE'>, 'closed' | 'noStream'>;

/** STREAM_UNAVAILABLE from a template, the client's error as its reason. */
function unavailable<N extends Unavailable>(template: N, params: Omit<TemplateParams<'STREAM_UNAVAILABLE', N>, 'reason'>, e: unknown): WasimError {
  return WasimError.of('STREAM_UNAVAILABLE', template, { ...params, reason: reason(e) } as TemplateParams<'STREAM_UNAVAILABLE', N>);
}

const isNotFound = (e: unknown): boolean => (e as { code?: string }).code === '404' || /not found|no stream matches/i.test((e as Error).message ?? '');

async function findStream(jsm: JetStreamManager, subject: string): Promise<string | undefined> {
  try {
    return await jsm.streams.find(subject);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** How long a message handed back on close waits before it is delivered again. */
const HAND_BACK_DELAY_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connectWithRetries(setup: NatsSetup): Promise<NatsConnection> {
  const attempts = setup.connectAttempts ?? 3;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await connect({
        servers: setup.servers,
        name: `wasim consume ${setup.durable}`,
        timeout: setup.requestTimeoutMs ?? 5000,
        reconnect: true,
        reconnectTimeWait: 1000,
        maxReconnectAttempts: Math.max(1, Math.ceil(setup.reconnectForMs / 1000)),
        // Connection-level pings find a silently dead server within about this long.
        pingInterval: 10_000,
        maxPingOut: 2,
        // An Error made per request for its async stack costs more than the publish itself.
        noAsyncTraces: true,
      });
    } catch (e) {
      last = e;
      if (attempt < attempts) await sleep(1000);
    }
  }
  throw unavailable('unreachable', { servers: setup.servers.join(',') }, last);
}

/** Makes sure every subject is captured by a stream; says what it created or changed. */
async function ensureStreams(jsm: JetStreamManager, setup: NatsSetup): Promise<string[]> {
  const changes: string[] = [];
  // Two consumers starting together may race to create the stream: the loser looks again.
  for (let round = 0; round < 3; round++) {
    const uncaptured: string[] = [];
    for (const s of [setup.subject, ...setup.outputs]) if (!uncaptured.includes(s) && (await findStream(jsm, s)) === undefined) uncaptured.push(s);
    if (uncaptured.length === 0) return changes;
    try {
      let existing: string[] | undefined;
      try {
        existing = (await jsm.streams.info(setup.stream)).config.subjects ?? [];
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (existing === undefined) {
        await jsm.streams.add({ name: setup.stream, subjects: uncaptured });
        changes.push(`stream ${setup.stream} created for ${uncaptured.join(', ')}`);
      } else {
        await jsm.streams.update(setup.stream, { subjects: [...existing, ...uncaptured] });
        changes.push(`stream ${setup.stream} now also captures ${uncaptured.join(', ')}`);
      }
      return changes;
    } catch (e) {
      if (round === 2) throw e;
    }
  }
  return changes;
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, setup: NatsSetup, changes: string[]): Promise<void> {
  const wanted = { ack_wait: nanos(setup.ackWaitMs), max_ack_pending: Math.max(1000, setup.batch * 4) };
  let info: ConsumerInfo | undefined;
  try {
    info = await jsm.consumers.info(stream, setup.durable);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (info) {
    if (info.config.filter_subject !== setup.subject) {
      throw WasimError.of('USAGE', 'durableTaken', { durable: setup.durable, stream, filter: info.config.filter_subject ?? { en: 'every subject', ar: 'كل المواضيع' }, subject: setup.subject });
    }
    if (info.config.ack_wait !== wanted.ack_wait || (info.config.max_ack_pending ?? 0) < wanted.max_ack_pending) {
      await jsm.consumers.update(stream, setup.durable, wanted);
    }
  } else {
    await jsm.consumers.add(stream, {
      durable_name: setup.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: setup.subject,
      ...wanted,
    });
    changes.push(`durable consumer ${setup.durable} created on stream ${stream}`);
  }
}

class NatsTransport implements StreamTransport {
  readonly maxPayload: number;
  private readonly held: JsMsg[] = [];
  private readonly handles = new WeakMap<StreamMessage, JsMsg>();
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private room: (() => void) | undefined;
  private closing = false;
  private pump: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly messages: ConsumerMessages,
    private readonly setup: NatsSetup,
  ) {
    // Headers (the message id) count against the server's limit too.
    this.maxPayload = Math.max(1024, (nc.info?.max_payload ?? 1024 * 1024) - 1024);
    const seconds = Math.round(setup.reconnectForMs / 1000);
    void nc.closed().then((e) => this.fail(e instanceof Error ? unavailable('lost', { seconds }, e) : WasimError.of('STREAM_UNAVAILABLE', 'closed', {})));
    void this.watchStatus();
    this.pump = this.run();
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') this.setup.onEvent?.(`lost NATS at ${String(s.data)}; retrying for ${Math.round(this.setup.reconnectForMs / 1000)} s`);
      else if (s.type === 'reconnect') this.setup.onEvent?.(`reconnected to NATS at ${String(s.data)}`);
    }
  }

  /** Moves delivered messages into `held`, waiting while it is full so that pulls stop too. */
  private async run(): Promise<void> {
    try {
      for await (const m of this.messages) {
        this.held.push(m);
        if (this.closing) continue;
        this.notify();
        while (this.held.length >= this.setup.batch && !this.closing && !this.failure) await new Promise<void>((resolve) => (this.room = resolve));
      }
      const end = await this.messages.closed();
      if (end instanceof Error && !this.closing) this.fail(unavailable('consumerStopped', {}, end));
    } catch (e) {
      if (!this.closing) this.fail(unavailable('consumerStopped', {}, e));
    }
  }

  private fail(e: Error): void {
    if (this.closing) return;
    this.failure ??= e;
    this.notify();
    this.room?.();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async pull(max: number, waitMs: number, signal?: AbortSignal): Promise<StreamMessage[]> {
    if (this.failure) throw this.failure;
    if (this.held.length === 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          if (this.wake === done) this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        signal?.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    if (this.failure) throw this.failure;
    const taken = this.held.splice(0, max);
    const room = this.room;
    this.room = undefined;
    room?.();
    return taken.map((m) => {
      const message: StreamMessage = { data: m.data, subject: m.subject, stream: m.info.stream, seq: m.info.streamSequence, deliveries: m.info.deliveryCount };
      this.handles.set(message, m);
      return message;
    });
  }

  ack(message: StreamMessage): void {
    this.handles.get(message)?.ack();
  }

  nak(message: StreamMessage, delayMs?: number): void {
    this.handles.get(message)?.nak(delayMs);
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishReceipt> {
    const ack = await this.js.publish(subject, data, { msgID: options.id, timeout: this.setup.requestTimeoutMs ?? 5000 });
    return { duplicate: ack.duplicate };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.room?.();
    this.notify();
    await this.messages.close().catch(() => undefined);
    await Promise.race([this.pump, sleep(2000)]);
    if (this.nc.isClosed()) return;
    // What was delivered but not handed to the loop goes back for the next consumer, soon
    // rather than after the ack wait. Not at once: the server (2.9) delivers a message nakked
    // right after a pull of ours ended straight back into that pull, where it waits out its
    // ack wait after all.
    for (const m of this.held.splice(0)) m.nak(HAND_BACK_DELAY_MS);
    // Drain flushes the acks; a server that does not answer does not hold the exit up.
    await Promise.race([this.nc.drain().catch(() => undefined), sleep(5000)]);
    if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
  }
}

/** Connects, makes sure the streams and the durable consumer exist, and starts pulling. */
export async function openNatsTransport(setup: NatsSetup): Promise<{ transport: StreamTransport; info: NatsTransportInfo }> {
  const nc = await connectWithRetries(setup);
  try {
    let jsm: JetStreamManager;
    try {
      jsm = await nc.jetstreamManager({ timeout: setup.requestTimeoutMs ?? 5000 });
    } catch (e) {
      throw unavailable('noJetStream', { server: nc.getServer() }, e);
    }
    const changes = await ensureStreams(jsm, setup).catch((e: unknown) => {
      throw e instanceof WasimError ? e : unavailable('noStreamSetUp', { subject: setup.subject }, e);
    });
    const stream = await findStream(jsm, setup.subject);
    if (stream === undefined) throw WasimError.of('STREAM_UNAVAILABLE', 'noStream', { subject: setup.subject });
    await ensureConsumer(jsm, stream, setup, changes).catch((e: unknown) => {
      throw e instanceof WasimError ? e : unavailable('noConsumer', { durable: setup.durable, stream }, e);
    });
    const js = nc.jetstream({ timeout: setup.requestTimeoutMs ?? 5000 });
    const consumer = await js.consumers.get(stream, setup.durable);
    const messages = await consumer.consume({ max_messages: setup.batch, abort_on_missing_resource: true });
    for (const c of changes) setup.onEvent?.(c);
    return { transport: new NatsTransport(nc, js, messages, setup), info: { stream, changes } };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}
