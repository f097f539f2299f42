/**
 * Helpers for the tests that use the real NATS JetStream at 127.0.0.1:4222 (TEST_NATS_URL to
 * change it): whether it is there, unique names per run, and a collector of a subject's
 * messages. Tests skip with the reason when the server is absent.
 */
import { connect, type NatsConnection } from 'nats';

export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Why NATS tests cannot run here, or undefined when JetStream answers. */
export async function natsUnavailable(): Promise<string | undefined> {
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: TEST_NATS_URL, timeout: 2000, reconnect: false });
    await nc.jetstreamManager({ timeout: 2000 });
    return undefined;
  } catch (e) {
    return `NATS JetStream is not reachable at ${TEST_NATS_URL} (${(e as Error).message}); start nats-server -js to run these tests`;
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

/** A name no other run uses: stream names and subject tokens take it as it is. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export interface Collected {
  subject: string;
  seq: number;
  data: string;
}

/**
 * Reads every message of `subject` in `stream` from the start, as it arrives, with an ordered
 * consumer (nothing is acked or changed on the server). `stop` ends the reading.
 */
export async function collect(nc: NatsConnection, stream: string, subject: string, onMessage?: (m: Collected, all: Collected[]) => void): Promise<{ messages: Collected[]; stop: () => Promise<void> }> {
  const js = nc.jetstream();
  const consumer = await js.consumers.get(stream, { filterSubjects: subject });
  const iterator = await consumer.consume();
  const messages: Collected[] = [];
  const done = (async () => {
    for await (const m of iterator) {
      const c = { subject: m.subject, seq: m.info.streamSequence, data: m.string() };
      messages.push(c);
      onMessage?.(c, messages);
    }
  })();
  return {
    messages,
    stop: async () => {
      await iterator.close();
      await done;
    },
  };
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
