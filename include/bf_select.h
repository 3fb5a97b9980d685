/* bf_select.h - the briefing: which stories and sentences, within budget.
 *
 * Stories are taken in rank order.  Sentences are picked round-robin: each
 * story in turn takes its best remaining sentence (by TextRank score) that
 * fits the words left and is not a near-duplicate (shingle Jaccard >=
 * threshold) of any sentence already chosen, until nothing fits.  The word
 * budget is never exceeded, except that a single first sentence longer than
 * the budget is cut to it.  Inside a story, chosen sentences are shown by
 * position in their articles. */
#ifndef BF_SELECT_H
#define BF_SELECT_H

#include "bf_common.h"
#include "bf_rank.h"

typedef struct {
	uint32_t sent;      /* representative sentence */
	uint32_t cluster;
	uint32_t support;   /* distinct articles carrying it */
	uint32_t n_words;   /* words shown */
	double score;       /* TextRank score */
	char *cut_text;     /* NULL, or the sentence cut to the budget (owned) */
} bf_pick_t;

typedef struct {
	uint32_t story;         /* story id (rank order) */
	uint32_t title_art;     /* article whose title heads the story, or
	                           UINT32_MAX when no article has a title */
	bf_pick_t *pick;
	size_t n_pick;
} bf_story_out_t;

typedef struct {
	bf_story_out_t *st;
	size_t n;
	uint32_t n_words;       /* words in the whole briefing */
} bf_briefing_t;

typedef struct {
	uint32_t max_words;
	uint32_t max_stories;
	double threshold;
	int n_threads;
} bf_select_opts_t;

bf_status_t bf_select_run(bf_briefing_t *b, const bf_corpus_t *c,
                          const bf_features_t *f, const bf_dedup_t *d,
                          const bf_stories_t *st, const bf_select_opts_t *o);
void bf_briefing_free(bf_briefing_t *b);

#endif
