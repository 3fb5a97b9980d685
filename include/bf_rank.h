/* bf_rank.h - TextRank inside one story.
 *
 * Mihalcea & Tarau 2004: one node per near-duplicate cluster present in the
 * story (its representative sentence is the cluster's most frequent exact
 * text, ties to the earliest); edge weight between nodes i and j
 *     sim(i,j) = |Ti ∩ Tj| / (log|Ti| + log|Tj|)
 * over their content-term sets (stemmed, stop words removed); PageRank with
 * damping 0.85 until the L1 change is below 1e-6.  The random jump (the
 * personalization of PageRank) is proportional to
 *     support(i) / (1 + pos(i))
 * support: distinct articles carrying the sentence, since what many outlets
 * repeat matters; pos: the earliest position of the sentence in an article
 * of the story, since news is written lead first (the inverted pyramid) and
 * a reader starts at the top.  The prior has no constant to tune.
 * Measured on DUC 2004 (dev split, ROUGE-1 / ROUGE-2 recall x100, with the
 * selection of bf_select.h): 38.5 / 9.8 without it, 38.7 / 9.9 with it, a
 * small gain (the interval is about +-1.7 / +-1.2); exp(-pos/k) for k = 3,
 * 5, 8 and 1/sqrt(1+pos) measure within 0.5 / 0.35 of it.  It is kept because leads
 * are where news states its facts whole, with names and places spelled
 * out, which also makes the chosen sentences read better out of context. */
#ifndef BF_RANK_H
#define BF_RANK_H

#include "bf_common.h"
#include "bf_stories.h"

#define BF_RANK_DAMPING 0.85
#define BF_RANK_TOL 1e-6
#define BF_RANK_MAX_ITER 200u
/* Nodes per story graph at most; larger stories keep the nodes of highest
 * support (then earliest position) so a story graph stays small. */
#define BF_RANK_MAX_NODES 1500u

typedef struct {
	uint32_t cluster;  /* near-duplicate cluster */
	uint32_t sent;     /* representative sentence */
	uint32_t support;  /* distinct articles of the whole input carrying it */
	uint32_t pos;      /* earliest position (bf_sentence_t.pos) of the
	                      cluster in an article of the story */
	double score;      /* PageRank score */
} bf_node_t;

typedef struct {
	bf_node_t *node;   /* sorted by score descending, ties by cluster id */
	size_t n;
} bf_ranked_t;

bf_status_t bf_rank_story(bf_ranked_t *out, uint32_t story,
                          const bf_corpus_t *c, const bf_features_t *f,
                          const bf_dedup_t *d, const bf_stories_t *st);
void bf_ranked_free(bf_ranked_t *r);

#endif
