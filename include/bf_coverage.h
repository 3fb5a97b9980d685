/* bf_coverage.h - the concepts of a story: word bigrams weighted by how
 * many of its articles use them.
 *
 * Gillick & Favre 2009 (ICSISumm) summarize by covering concepts: word
 * bigrams, each worth the number of input documents that contain it, so
 * what several reporters wrote independently counts more than one
 * reporter's phrasing.  As there, a concept is a pair of consecutive words
 * of a sentence after normalization (bf_normalize.h) and Snowball stemming,
 * left out when both words are stop words ("death toll", "the storm" count;
 * "of the" does not).  Its df counts the distinct articles of the story that
 * have it in any sentence; a sentence takes the concepts of its
 * near-duplicate cluster's node (bf_rank.h), so a syndicated copy counts
 * as its own article, as in the node's support.  bf_select.h maximizes the
 * df-weighted coverage under the word budget.
 *
 * Why these choices (DUC 2004 dev split, ROUGE-1 / ROUGE-2 recall x100 with
 * the selection of bf_select.h): ICSI bigrams 38.7 / 9.9; bigrams of
 * content words only (stop words dropped first) 37.5 / 9.4; content-word
 * unigrams 39.2 / 9.7.  ICSI left out concepts of df < 3; a floor of 2
 * measures 38.9 / 10.0, but would leave a one-article story (most stories
 * of a day's dump) without any concept, so every df counts.
 *
 * Concepts are numbered per story; they are computed for the nodes of a
 * bf_ranked_t, in its order.  Deterministic: nothing depends on threads. */
#ifndef BF_COVERAGE_H
#define BF_COVERAGE_H

#include "bf_common.h"
#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_rank.h"
#include "bf_stories.h"

typedef struct {
	size_t n_node;      /* nodes of the ranked story, same order */
	uint32_t *off;      /* n_node+1 offsets into concept */
	uint32_t *concept;  /* concept ids of each node, ascending, no repeats */
	size_t n_concept;
	uint32_t *df;       /* n_concept: distinct articles of the story with it */
	uint32_t *n_words;  /* n_node: words of each node's sentence, as the
	                       budget counts them (bf_count_words), counted
	                       here because its text is read here anyway */
} bf_concepts_t;

/* Asks for the texts of r's nodes to be read from the spill file, which
 * bf_concepts_build reads (a hint: the blocks come in while the caller
 * ranks other stories; read one at a time from the disk, they were 0.2 s
 * of the 1 GB run). */
void bf_concepts_prefetch(const bf_ranked_t *r, const bf_corpus_t *c);

/* Concepts of the nodes of r, the ranking of story `story`.  Zero cs
 * first; free with bf_concepts_free() (also after a failure).  Returns
 * BF_OK or BF_ENOMEM. */
bf_status_t bf_concepts_build(bf_concepts_t *cs, const bf_ranked_t *r,
                              uint32_t story, const bf_corpus_t *c,
                              const bf_dedup_t *d, const bf_stories_t *st);
void bf_concepts_free(bf_concepts_t *cs);

static inline const uint32_t *bf_concepts_of(const bf_concepts_t *cs, size_t i)
{
	return cs->concept + cs->off[i];
}
static inline size_t bf_concepts_n(const bf_concepts_t *cs, size_t i)
{
	return cs->off[i + 1] - cs->off[i];
}

#endif
