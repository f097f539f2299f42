/**
 * A tagging thread of the service's pool (tag-pool.ts), run by Piscina: one task at a time, each
 * an article to tag with the vocabulary version the task names.
 */
import { workerData } from 'node:worker_threads';
import { loadBackground } from '../node/background.js';
import { VersionedTaggers, type TagTask, type TagTaskResult, type TagWorkerData } from './tag-task.js';

// Read when the thread starts, not on its first request: the word statistics take a second.
loadBackground();

const taggers = new VersionedTaggers((workerData as TagWorkerData).tagger);

export default function tagTask(task: TagTask): TagTaskResult {
  return taggers.run(task);
}
