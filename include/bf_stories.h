/* bf_stories.h - article near-copies (syndication) and stories.
 *
 * Stock clusters (bf_stock.h) are found first and take no part below.
 *
 * Near-copies: two articles are copies when most of their sentences fall in
 * shared near-duplicate clusters: shared / min(clusters of A, clusters of B)
 * >= BF_COPY_OVERLAP.  Copy groups are stars: each member is a copy of the
 * group's first article (components would chain template texts).
 *
 * Stories: articles about the same event.  Copies are always one story;
 * beyond that, copy groups are joined by average linkage over their
 * content vectors (tf-idf over the input, titles weighed up), candidates
 * from an inverted index over each group's heaviest terms (never an
 * all-pairs pass), with dates as a soft constraint (bf_storylink.h).
 * Stories are numbered by rank: more distinct articles first, then more
 * distinct sources, then the smaller first article id. */
#ifndef BF_STORIES_H
#define BF_STORIES_H

#include "bf_common.h"
#include <stdbool.h>
#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_features.h"

typedef struct {
	bool one_story;  /* --stories 1: the whole input is one story */
	uint32_t n_perm; /* unused since stories no longer use MinHash (kept
	                    for the callers' initializers) */
	uint64_t seed;
	int n_threads;
	uint32_t merge_window; /* edges decided ahead at once when stories are
	                          merged (bf_storylink); 0: the default; 1:
	                          each in turn, the reference tests compare */
} bf_stories_opts_t;

typedef struct {
	size_t n_art;
	size_t n_stories;
	uint32_t *story_of;    /* n_art: story (rank order, from 0) */
	uint64_t *st_off;      /* n_stories+1 offsets into st_art */
	uint32_t *st_art;      /* articles of each story, ascending */
	uint32_t *st_sources;  /* n_stories: distinct sources (an article with
	                          no source counts as its own) */
	uint32_t *copy_of;     /* n_art: first article (leader) of its copy group */
	uint8_t *cl_stock;     /* one flag per cluster: stock text (bf_stock.h) */
	size_t n_stock;        /* stock clusters */
	uint64_t n_copy_pairs; /* verified near-copy article pairs */
	uint64_t n_story_links;/* merges of copy groups into stories */
} bf_stories_t;

bf_status_t bf_stories_build(bf_stories_t *st, const bf_corpus_t *c,
                             const bf_features_t *f, const bf_dedup_t *d,
                             const bf_stories_opts_t *o);
void bf_stories_free(bf_stories_t *st);

#endif
