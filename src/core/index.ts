/**
 * wasim core: pure TypeScript, no I/O, no Node-only APIs.
 *   parseVocabulary → compileVocabulary → createTagger(...).tag(article)
 */
export * from './types.js';
export * from './errors.js';
export { foldKey, foldLight, keyOfLight, compatible, compatibleLetter } from './fold.js';
export { createTokenizer, tokenize, Tokenizer, TokenizedText, type Token, type Script } from './tokenize.js';
export { inexactNumbers, numberLiteral } from './json-numbers.js';
export { parseVocabulary, type VocabFormat, type ParsedVocabulary, type VocabWarning } from './vocabulary/parse.js';
export { compileVocabulary, type CompiledVocabulary, type CompiledTag, type CompileOptions, type Pattern, type TagTable } from './vocabulary/compile.js';
export { serializeCompiled, deserializeCompiled, isCompiledBinary } from './vocabulary/codec.js';
export { Rows } from './vocabulary/rows.js';
export { createMatcher, matchText, Matcher, MatchList, type Match, type MatchedText } from './match.js';
export { createTagger, DEFAULT_CUT, type Tagger, type TaggerOptions, type CandidateView } from './pipeline.js';
export {
  ADAPTATION_FORMAT,
  ADAPTATION_VERSION,
  emptyAdaptation,
  learnedTags,
  parseAdaptation,
  prepareAdaptation,
  readAdaptation,
  serializeAdaptation,
  shiftOf,
  type AcceptanceCounts,
  type AdaptationModel,
  type LearnedTag,
  type PairProposal,
  type PreparedAdaptation,
  type TagAdaptation,
} from './adapt.js';
export { fitAdaptation, FORM_SEPARATOR, learnAdaptation, LEARN_DEFAULTS, observe, parseDecisions, tagResolver, type Decision, type LearnOptions, type Observation, type ObservedCandidate, type Resets } from './learn.js';
export { byFeature, FEATURES, FEATURE_NAMES, HAND_SET_WEIGHTS, WEIGHTS, type FeatureDefinition, type FeatureName, type Features } from './features.js';
export { createBackgroundModel, emptyBackgroundModel, type BackgroundModel } from './background.js';
export { Discovery, knownNamesOf, DISCOVER_DEFAULTS, type DiscoverArticle, type DiscoverOptions, type Suggestion, type SuggestionExample } from './discover.js';
export { findFrames, fieldView, EVIDENCE_KINDS, type EvidenceKind, type FrameHit, type KnownNames } from './discover-frames.js';
