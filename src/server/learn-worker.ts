/** Worker thread: fits an adaptation off the service's event loop (a year of decisions is a lot of candidates). */
import { parentPort, workerData } from 'node:worker_threads';
import { fitAdaptation, serializeAdaptation, type LearnOptions, type Observation } from '../core/index.js';
import { factsFrom, type VocabularyFacts } from '../core/learn.js';

const { observations, facts, options } = workerData as { observations: Observation[]; facts: Record<string, NonNullable<ReturnType<VocabularyFacts['tag']>>>; options: LearnOptions };
try {
  parentPort!.postMessage({ ok: true, model: serializeAdaptation(fitAdaptation(factsFrom(facts), observations, options)) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: (e as Error).message });
}
