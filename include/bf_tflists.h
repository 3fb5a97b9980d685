/* bf_tflists.h - term-frequency lists of some articles, kept by one pass
 * over the articles for a later one (bf_artvec.h: the document-frequency
 * pass keeps what the stock vectors would tally again).
 *
 * An article's list is its (term, tf) pairs in the writer's order.
 * Articles come in fixed chunks of BF_TFL_CHUNK, and the lists of a chunk
 * go to a buffer of its own: threads that write different chunks need no
 * lock.  tf is kept in a byte (5 bytes a pair: the stock articles of the
 * 1 GB dump, 207 k, take 173 MB, against 276 MB at 8 bytes); an article
 * with a greater tf is left out, and its reader tallies it again. */
#ifndef BF_TFLISTS_H
#define BF_TFLISTS_H

#include "bf_common.h"
#include <stdbool.h>

#define BF_TFL_CHUNK 256u
/* n of an article that has no list */
#define BF_TFL_NONE UINT32_MAX

typedef struct {
	uint32_t *term;
	uint8_t *tf;
	size_t n, cap; /* pairs */
} bf_tfl_chunk_t;

typedef struct {
	size_t n_art;
	bf_tfl_chunk_t *ch; /* one per BF_TFL_CHUNK articles */
	uint32_t *at;       /* per article: its first pair in its chunk */
	uint32_t *n;        /* per article: its pairs, or BF_TFL_NONE */
} bf_tflists_t;

/* Lists for n_art articles, none kept yet.  False when out of memory. */
bool bf_tfl_init(bf_tflists_t *l, size_t n_art);
void bf_tfl_free(bf_tflists_t *l); /* accepts a zeroed l */

/* Room for n more pairs in the chunk of article a: the caller writes them
 * at term + n and tf + n of the chunk returned, then calls bf_tfl_done.
 * NULL when out of memory. */
bf_tfl_chunk_t *bf_tfl_room(bf_tflists_t *l, uint32_t a, size_t n);

/* Article a's list is the k pairs written after the chunk's n; k =
 * BF_TFL_NONE: a has no list (the pairs are dropped). */
void bf_tfl_done(bf_tflists_t *l, uint32_t a, uint32_t k);

/* Gives back the unused room of article a's chunk, once it is written. */
void bf_tfl_trim(bf_tflists_t *l, uint32_t a);

/* Whether article a has a list. */
static inline bool bf_tfl_has(const bf_tflists_t *l, uint32_t a)
{
	return l->n && l->n[a] != BF_TFL_NONE;
}

static inline const uint32_t *bf_tfl_terms(const bf_tflists_t *l, uint32_t a)
{
	return l->ch[a / BF_TFL_CHUNK].term + l->at[a];
}

static inline const uint8_t *bf_tfl_tfs(const bf_tflists_t *l, uint32_t a)
{
	return l->ch[a / BF_TFL_CHUNK].tf + l->at[a];
}

#endif
