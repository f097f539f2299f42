/**
 * A gold set read as an editor's decisions, for `wasim learn --gold` and the learning curve:
 * must and ok tags count as kept, tags labelled no and predicted tags the gold does not list
 * count as rejected. Pure given loaded inputs.
 */
import type { Decision, Tagger, TagOptions } from '../core/index.js';
import { tagResolver } from '../core/index.js';
import { foldForScoring } from './fold.js';
import type { ArticleRecord, GoldArticle } from './gold.js';

export interface GoldDecisions {
  decisions: Decision[];
  /** Gold tags the vocabulary does not have (judged on another version of it): left out. */
  unknown: { id: string; tag: string; line: number }[];
}

/** `tagger` is the shipped model (no adaptation): what the editor would have been shown. */
export function decisionsFromGold(tagger: Tagger, pairs: readonly { gold: GoldArticle; article: ArticleRecord }[], cut: TagOptions = {}, goldSource = 'gold'): GoldDecisions {
  const resolver = tagResolver(tagger.vocabulary);
  const unknown: GoldDecisions['unknown'] = [];
  const decisions = pairs.map(({ gold, article }): Decision => {
    const accepted: string[] = [];
    const rejected: string[] = [];
    for (const t of gold.tags) {
      const ref = t.id !== undefined && resolver.resolve(t.id) !== undefined ? t.id : t.tag;
      if (resolver.resolve(ref) === undefined) {
        unknown.push({ id: gold.id, tag: t.id ?? t.tag, line: gold.line });
        continue;
      }
      (t.label === 'no' ? rejected : accepted).push(ref);
    }
    const listed = new Set(gold.tags.map((t) => t.key));
    // Twins are one entity: a spelling judged no beside one judged must is the must.
    const entityOf = (ref: string) => tagger.vocabulary.tagTable.entityOf[resolver.resolve(ref)!]!;
    const acceptedEntities = new Set(accepted.map(entityOf));
    for (let i = rejected.length - 1; i >= 0; i--) if (acceptedEntities.has(entityOf(rejected[i]!))) rejected.splice(i, 1);
    for (const r of tagger.tag({ title: article.title, body: article.body }, { ...(cut.top !== undefined ? { top: cut.top } : {}), ...(cut.minScore !== undefined ? { minScore: cut.minScore } : {}) })) {
      if (!listed.has(foldForScoring(r.tag)) && !acceptedEntities.has(entityOf(r.id))) rejected.push(r.id);
    }
    return { id: gold.id, title: article.title, body: article.body, accepted, rejected, added: [], where: `${goldSource}:${gold.line}` };
  });
  return { decisions, unknown };
}
