/**
 * `wasim consume`: tags articles from a NATS JetStream subject and publishes the results.
 *   wasim consume --nats nats://127.0.0.1:4222 --subject articles.in --publish articles.tagged
 * Each message is one JSONL article line ({"id","title","body"}); each result is the line
 * `wasim tag --input` writes, plus the vocabulary's fingerprint:
 *   {"id","tags":[…],"vocabulary":"sha256:…"}
 * A message that cannot be tagged goes to the dead-letter subject with its error and payload.
 */
import type { Command } from 'commander';
import { configurationKey, consume, vocabularyFingerprint, type ConsumeStats } from '../../node/stream/consume.js';
import { isValidSubject, openNatsTransport, parseServers, subjectMatches } from '../../node/stream/nats.js';
import { createNodeTagger } from '../../node/tagger.js';
import { EXIT_OK, parseIntOption, reportError, usageError } from '../common.js';
import {
  allMentionsOption,
  explainOption,
  loadCliVocabulary,
  minScoreOption,
  tagOptionsFrom,
  topOption,
  vocabularyOptions,
  type CutCliOptions,
  type VocabularyCliOptions,
} from '../tag-options.js';

interface ConsumeCliOptions extends VocabularyCliOptions, CutCliOptions {
  nats: string;
  subject?: string;
  publish?: string;
  deadLetter?: string;
  stream: string;
  durable: string;
  maxBytes: string;
  batch: string;
  ackWait: string;
  reconnectFor: string;
}

export const CONSUME_DEFAULTS = { nats: 'nats://127.0.0.1:4222', stream: 'WASIM', durable: 'wasim', maxBytes: 1024 * 1024, batch: 64, ackWaitSeconds: 60, reconnectForSeconds: 30 };

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

interface ConsumePlan {
  servers: string[];
  subject: string;
  publish: string;
  deadLetter: string;
  stream: string;
  durable: string;
  maxBytes: number;
  batch: number;
  ackWaitMs: number;
  reconnectForMs: number;
}

function parseBatch(value: string): number {
  const batch = parseIntOption('--batch', value, 1)!;
  if (batch > 10_000) throw usageError('atMost', { option: '--batch', max: 10000, value });
  return batch;
}

/** Checks the options before anything is loaded or connected; throws USAGE errors. */
export function planConsume(opts: ConsumeCliOptions): ConsumePlan {
  const servers = parseServers(opts.nats);
  const subject = opts.subject;
  if (subject === undefined) throw usageError('subjectRequired', {});
  if (!isValidSubject(subject, true)) throw usageError('notSubject', { option: '--subject', subject });
  const publish = opts.publish;
  if (publish === undefined) throw usageError('publishRequired', {});
  if (opts.deadLetter === undefined && !isValidSubject(subject, false)) throw usageError('wildcardNeedsDeadLetter', { subject });
  const deadLetter = opts.deadLetter ?? `${subject}.dead`;
  for (const [flag, s] of [['--publish', publish], ['--dead-letter', deadLetter]] as const) {
    if (!isValidSubject(s, false)) throw usageError('notPlainSubject', { option: flag, subject: s });
    if (subjectMatches(subject, s)) throw usageError('readsOwnOutput', { option: flag, subject: s, input: subject });
  }
  if (publish === deadLetter) throw usageError('mustDiffer', { option: '--publish', other: '--dead-letter' });
  if (!NAME.test(opts.stream)) throw usageError('notName', { option: '--stream', value: opts.stream, what: { en: 'stream', ar: 'تدفق' } });
  if (!NAME.test(opts.durable)) throw usageError('notName', { option: '--durable', value: opts.durable, what: { en: 'consumer', ar: 'مستهلك' } });
  return {
    servers,
    subject,
    publish,
    deadLetter,
    stream: opts.stream,
    durable: opts.durable,
    maxBytes: parseIntOption('--max-bytes', opts.maxBytes, 1)!,
    batch: parseBatch(opts.batch),
    ackWaitMs: parseIntOption('--ack-wait', opts.ackWait, 1)! * 1000,
    reconnectForMs: parseIntOption('--reconnect-for', opts.reconnectFor, 1)! * 1000,
  };
}

function say(line: string): void {
  if (process.env.WASIM_QUIET !== '1') process.stderr.write(`wasim consume: ${line}\n`);
}

function summary(s: ConsumeStats): string {
  return `${s.received} message(s): ${s.tagged} tagged, ${s.deadLettered} dead-lettered, ${s.duplicates} duplicate(s) dropped, ${s.retried} retried`;
}

export async function runConsume(opts: ConsumeCliOptions): Promise<number> {
  const plan = planConsume(opts);
  const tagOptions = tagOptionsFrom(opts);
  const { compiled, source } = loadCliVocabulary(opts);
  const tagger = createNodeTagger(compiled);
  const vocabulary = vocabularyFingerprint(compiled);

  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      say(`${signal}: finishing the messages in hand`);
      stop.abort();
    } else {
      // A second signal: stop now; unacked messages are delivered again.
      process.stderr.write(`wasim consume: ${signal} again: stopping without draining\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { transport, info } = await openNatsTransport({
      servers: plan.servers,
      subject: plan.subject,
      outputs: [plan.publish, plan.deadLetter],
      stream: plan.stream,
      durable: plan.durable,
      ackWaitMs: plan.ackWaitMs,
      batch: plan.batch,
      reconnectForMs: plan.reconnectForMs,
      onEvent: say,
    });
    if (stop.signal.aborted) {
      await transport.close();
      return EXIT_OK;
    }
    say(`reading ${plan.subject} (stream ${info.stream}, consumer ${plan.durable}) → ${plan.publish}; dead letters → ${plan.deadLetter}; vocabulary ${source} ${vocabulary}`);
    let stats: ConsumeStats;
    try {
      stats = await consume(transport, {
        tagger,
        tagOptions,
        publishSubject: plan.publish,
        deadLetterSubject: plan.deadLetter,
        vocabulary,
        configKey: configurationKey(vocabulary, tagOptions),
        maxBytes: plan.maxBytes,
        batch: plan.batch,
        giveUpMs: plan.reconnectForMs,
        signal: stop.signal,
        onDeadLetter: (m, e) => say(`${m.subject} #${m.seq} → ${plan.deadLetter}: ${e.code}: ${e.message.split('\n')[0]}`),
      });
    } finally {
      await transport.close();
    }
    say(`stopped; ${summary(stats)}`);
    return EXIT_OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerConsume(program: Command): Command {
  const command = program
    .command('consume')
    .description('tag articles from a NATS JetStream subject and publish the results (a durable consumer; at-least-once, idempotent)')
    .option('--nats <url>', 'NATS server URL(s), comma-separated', process.env.NATS_URL ?? CONSUME_DEFAULTS.nats)
    .option('--subject <subject>', 'where articles arrive, one JSONL article {"id","title","body"} a message (wildcards allowed)')
    .option('--publish <subject>', 'where results go: one {"id","tags","vocabulary"} a message')
    .option('--dead-letter <subject>', 'where messages that cannot be tagged go, with their error (default: SUBJECT.dead)')
    .option('--stream <name>', 'the JetStream stream to create, or extend, for subjects no stream captures', CONSUME_DEFAULTS.stream)
    .option('--durable <name>', 'durable consumer name: processes with one name share the work and resume where it stopped', CONSUME_DEFAULTS.durable)
    .option('--max-bytes <n>', 'messages larger than this go to the dead-letter subject', String(CONSUME_DEFAULTS.maxBytes))
    .option('--batch <n>', 'messages pulled and tagged per round', String(CONSUME_DEFAULTS.batch))
    .option('--ack-wait <seconds>', 'how long the server waits for an ack before delivering a message again', String(CONSUME_DEFAULTS.ackWaitSeconds))
    .option('--reconnect-for <seconds>', 'how long to keep retrying a lost server, or failing publishes, before exiting 1', String(CONSUME_DEFAULTS.reconnectForSeconds));
  for (const option of vocabularyOptions()) command.addOption(option);
  return command
    .addOption(topOption())
    .addOption(minScoreOption())
    .addOption(explainOption())
    .addOption(allMentionsOption())
    .addHelpText(
      'after',
      `
Stops cleanly on SIGINT or SIGTERM: the messages in hand are tagged, published and acked.
Exit codes: 0 stopped by a signal, 1 NATS unreachable or lost (after --reconnect-for), 2 usage.
A subject no stream captures is added to --stream (created when absent). See README, "Event streams".`,
    )
    .action(async (opts: ConsumeCliOptions) => {
      try {
        process.exitCode = await runConsume(opts);
      } catch (e) {
        process.exitCode = reportError('consume', e);
      }
    });
}
