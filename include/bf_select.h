/* bf_select.h - the briefing: which stories and sentences, within budget.
 *
 * Stories are taken in rank order.  Inside a story, sentences (TextRank
 * nodes, bf_rank.h) are chosen to maximize
 *     F(S) = sum over concepts b of  df(b) * max { TR(i) : i in S, b in i }
 * where the concepts are word bigrams and df(b) the number of the story's
 * articles that use b (bf_coverage.h; Gillick & Favre 2009), and TR(i) the
 * TextRank score of sentence i (0 when no chosen sentence has b).  A concept
 * counts once, so repeating it gains nothing (redundancy is priced in), and
 * it is worth more when many articles use it (support across articles) and
 * when the sentence that says it is central (TextRank weights the choice).
 * F is monotone submodular (a weighted facility-location / max coverage
 * function), the family of Lin & Bilmes 2011, so the greedy choice is the
 * principled one: each step takes the sentence of highest marginal gain per
 * word that fits the words left (the cost-scaled greedy of Khuller, Moss &
 * Naor 1999 and Lin & Bilmes 2010, whose guarantee for a word budget is a
 * constant fraction, (1-1/e)/2, of the optimum when the best single
 * sentence is also tried; the (1-1/e) of Nemhauser et al. 1978 is for
 * unit costs).  A sentence that adds nothing (gain 0) is never taken.
 *
 * Sentences are picked round-robin: each story in turn takes its greedy
 * sentence, skipping any that repeats a sentence already chosen in the
 * briefing (a near-duplicate, shingle Jaccard >= threshold, or a
 * restatement: half the content terms of the shorter one shared), until no
 * story can add one.  The word budget is never exceeded, except that a
 * single first sentence longer than the budget is cut to it.  Inside a
 * story, chosen sentences are shown by position in their articles.
 *
 * Measured on DUC 2004 task 2 (dev split, 25 clusters, --stories 1 --words
 * 100; bench/duc2004.sh, ROUGE-1/ROUGE-2 recall x100, plain means): taking
 * sentences in TextRank order, 37.3 / 8.7; this objective, 38.7 / 9.9.
 * Without the TextRank weight (df alone) 36.8 / 8.5; with every concept
 * worth 1 instead of df 38.0 / 9.2; bench/RESULTS.md has the table. */
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
