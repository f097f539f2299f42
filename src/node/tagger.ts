/**
 * The tagger every Node entry point uses (CLI, batch workers, eval, service): the core
 * pipeline with the background model of Arabic news loaded from data/background.
 */
import { createTagger, type CompiledVocabulary, type Tagger, type TaggerOptions } from '../core/index.js';
import { loadBackground } from './background.js';

export function createNodeTagger(compiled: CompiledVocabulary, options: TaggerOptions = {}): Tagger {
  return createTagger(compiled, { background: loadBackground(), ...options });
}
