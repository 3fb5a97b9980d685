/* bf_stemcache.h - a word's content term (bf_terms.h) through a per-thread
 * cache: news text repeats its words, and Snowball stemming per token was
 * 12% of the run time.
 *
 * The cache is set-associative with the most recent word first in its set:
 * on the 100 MB dump (about 75k distinct words), with 4 ways of 16-byte
 * entries, it missed 89k times in 6.3M words, where a direct-mapped cache
 * of the same size missed 230k times.  An entry keeps the word's whole
 * 64-bit hash: with 8-byte entries that kept 43 of its bits, two of the
 * V distinct words of a run would share them with odds ~V^2 / 2^44 (6%
 * at a million words), and as the caches are per thread, a wrong term
 * could then differ with -j.
 *
 * One cache per thread: lookups change it (the recency order). */
#ifndef BF_STEMCACHE_H
#define BF_STEMCACHE_H

#include "bf_common.h"
#include "bf_normalize.h"

#include <string.h>

#define BF_STEM_CACHE_BITS 15u /* 32,768 cached words (512 KiB) */
#define BF_STEM_CACHE_WAYS 4u  /* words per set: 64 bytes, one cache line */
#define BF_STEM_CACHE_LINE 64u /* bytes; the cache is aligned to it */

/* A cached word: its XXH3 and the upper half of its term hash, which is
 * all a stored term set keeps (bf_hashset32_make). */
typedef struct {
	uint64_t key;  /* XXH3 of the word | 1 (so never 0 = empty) */
	uint32_t term; /* upper half of the term hash */
	uint32_t is_term; /* 0 for a stop word */
} bf_stem_entry_t;

typedef struct {
	bf_stemmer_t *stem;
	bf_stem_entry_t *set; /* 2^BF_STEM_CACHE_BITS entries */
} bf_stem_cache_t;

_Static_assert(BF_STEM_CACHE_WAYS * sizeof(bf_stem_entry_t) == BF_STEM_CACHE_LINE,
               "a set of the stem cache is one cache line");

/* An empty cache with its own stemmer.  Returns BF_OK or BF_ENOMEM (sc is
 * then freed). */
bf_status_t bf_stem_cache_init(bf_stem_cache_t *sc);
void bf_stem_cache_free(bf_stem_cache_t *sc); /* accepts a zeroed sc */

/* The key of normalized word w[0..len) (XXH3_64bits). */
uint64_t bf_stem_cache_key(const char *w, size_t len);

/* The cache set of the word of key h (for a prefetch). */
static inline bf_stem_entry_t *bf_stem_cache_set(const bf_stem_cache_t *sc, uint64_t h)
{
	size_t n_sets = ((size_t)1 << BF_STEM_CACHE_BITS) / BF_STEM_CACHE_WAYS;
	return &sc->set[(h & (n_sets - 1)) * BF_STEM_CACHE_WAYS];
}

/* Looks a missed word up (stems it) and returns its entry. */
bf_stem_entry_t bf_stem_cache_miss(bf_stem_cache_t *sc, uint64_t key, const char *w,
                                   size_t len, uint64_t seed);

/* The upper half of the term hash of normalized word w[0..len) (key h),
 * back in place with bit 0 set so that no term is 0; 0 for a stop word.
 * Through the cache; the same value as bf_word_term's upper half. */
static inline uint64_t bf_stem_cache_term(bf_stem_cache_t *sc, uint64_t h, const char *w,
                                          size_t len, uint64_t seed)
{
	bf_stem_entry_t *set = bf_stem_cache_set(sc, h);
	uint64_t key = h | 1u;
	size_t k = 0;
	while (k < BF_STEM_CACHE_WAYS && set[k].key != key)
		k++;
	bf_stem_entry_t hit;
	if (k < BF_STEM_CACHE_WAYS) {
		hit = set[k];
	} else {
		k = BF_STEM_CACHE_WAYS - 1; /* the least recent word goes */
		hit = bf_stem_cache_miss(sc, key, w, len, seed);
	}
	memmove(set + 1, set, k * sizeof *set);
	set[0] = hit;
	return hit.is_term ? (uint64_t)hit.term << 32 | 1u : 0;
}

#endif
