/* bf_stock.h - stock sentences: near-duplicate clusters repeated across
 * unrelated articles.
 *
 * Boilerplate patterns (bf_segment.h) cannot know every outlet's banner or
 * filler line ("The company did not immediately respond to a request for
 * comment.").  The data can: a sentence that many articles carry is either
 * syndicated news (its articles are copies of one story, so their content
 * vectors are close) or stock text (its articles are about different
 * things).  A cluster carried by at least BF_STOCK_MIN_SUPPORT articles is
 * stock when the mean pairwise cosine of the content vectors of its first
 * BF_STOCK_SAMPLE articles is below BF_STOCK_MAX_COHERENCE.  Stock clusters
 * are kept out of copy detection, story grouping and the briefing. */
#ifndef BF_STOCK_H
#define BF_STOCK_H

#include "bf_artvec.h"

#define BF_STOCK_MIN_SUPPORT 3u
#define BF_STOCK_SAMPLE 8u
#define BF_STOCK_MAX_COHERENCE 0.15

/* Flags in need (one byte per article of c) the articles whose vectors
 * bf_stock_find reads: the first BF_STOCK_SAMPLE articles of each cluster
 * carried by BF_STOCK_MIN_SUPPORT or more, on up to n_threads threads (the
 * same flags at any count).  Returns false when out of memory. */
bool bf_stock_sample(const bf_corpus_t *c, const bf_dedup_t *d, uint8_t *need,
                     int n_threads);

/* Sets stock[cl] to 1 for stock clusters, 0 otherwise (stock has one byte
 * per cluster of d).  Returns the number of stock clusters. */
size_t bf_stock_find(const bf_corpus_t *c, const bf_dedup_t *d,
                     const bf_artvec_t *v, uint8_t *stock, int n_threads);

#endif
