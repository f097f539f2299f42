/** What routes and the newsroom UI share: configuration, storage, the tagger, the token check. */
import type { Repository } from '../storage/index.js';
import type { TokenCheck } from './auth.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import type { WasimService } from './service.js';
import type { TaggerService } from './tagger-service.js';
import type { SuggestionService } from './suggestions.js';
import type { AdaptationService } from './adaptation.js';

export interface AppContext {
  config: ServerConfig;
  repo: Repository;
  tagger: TaggerService;
  service: WasimService;
  metrics: Metrics;
  /** Verifies a token (from a header, or the UI's cookie). */
  auth: TokenCheck;
  /** Suggested new tags mined from the archive (absent in contexts built without buildApp). */
  suggestions?: SuggestionService;
  /** Learning from editors' decisions (absent in contexts built without buildApp). */
  adaptation?: AdaptationService;
}

/** Who may call a route: anyone, readers (token only with readTokenRequired), writers (token). */
export type Access = 'public' | 'read' | 'write';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}
