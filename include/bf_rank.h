/* bf_rank.h - TextRank inside one story.
 *
 * Mihalcea & Tarau 2004: one node per near-duplicate cluster present in the
 * story (its representative sentence is the cluster's most frequent exact
 * text, ties to the earliest); edge weight between nodes i and j
 *     sim(i,j) = |Ti ∩ Tj| / (log|Ti| + log|Tj|)
 * over their content-term sets (stemmed, stop words removed); PageRank with
 * damping 0.85 until the L1 change is below 1e-6.  The random jump is biased
 * by support (distinct articles carrying the sentence), since what many
 * outlets repeat matters. */
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
