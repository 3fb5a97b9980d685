/* bf_stemcache.h - a word's content term (bf_terms.h) through a per-thread
 * cache: news text repeats its words, and Snowball stemming per token was
 * 12% of the run time.
 *
 * The cache is set-associative with the most recent word first in its set:
 * on the 100 MB dump (about 75k distinct words), with 4 ways of 16-byte
 * entries, it missed 89k times in 6.3M words, where a direct-mapped cache
 * of the same size missed 230k times.  An entry keeps 62 bits of the
 * word's hash: 8-byte entries (8 ways, 65,536 words in 512 KiB) kept 43,
 * and two of the V distinct words of a run would share them with odds
 * ~V^2 / 2^44 (6% at a million words); as the caches are per thread, a
 * wrong term could then differ with -j.  Measured on the 1 GB dump at
 * -j1 (features, two alternating runs each): 8-byte entries 4.43 / 4.52
 * s; 12-byte, 5 ways, 40,960 words in 512 KiB 4.69 / 4.61 s (kept);
 * 16-byte, 4 ways, 1 MiB 4.41 / 4.60 s against 4.20 / 4.40; 16-byte, 4
 * ways, 512 KiB ~0.35 s slower than 8-byte.
 *
 * One cache per thread: lookups change it (the recency order). */
#ifndef BF_STEMCACHE_H
#define BF_STEMCACHE_H

#include "bf_common.h"
#include "bf_normalize.h"

#include <string.h>

#define BF_STEM_CACHE_SET_BITS 13u /* 8,192 sets of 5 words: 40,960 (512 KiB) */
#define BF_STEM_CACHE_WAYS 5u      /* words per set: 60 bytes of a 64-byte line */
#define BF_STEM_CACHE_LINE 64u     /* bytes; the cache is aligned to it */

/* A cached word: its XXH3 with bit 1 set (never 0 = empty) and bit 0 the
 * stop-word flag, so 62 of its bits are compared, and the upper half of
 * its term hash, which is all a stored term set keeps
 * (bf_hashset32_make).  12 bytes: five to a cache line. */
typedef struct {
	uint32_t key_lo, key_hi;
	uint32_t term;
} bf_stem_entry_t;

typedef struct {
	bf_stem_entry_t e[BF_STEM_CACHE_WAYS];
	uint32_t pad_;
} bf_stem_set_t;

typedef struct {
	bf_stemmer_t *stem;
	bf_stem_set_t *set; /* 2^BF_STEM_CACHE_SET_BITS sets */
} bf_stem_cache_t;

_Static_assert(sizeof(bf_stem_set_t) == BF_STEM_CACHE_LINE,
               "a set of the stem cache is one cache line");

/* An empty cache with its own stemmer.  Returns BF_OK or BF_ENOMEM (sc is
 * then freed). */
bf_status_t bf_stem_cache_init(bf_stem_cache_t *sc);
void bf_stem_cache_free(bf_stem_cache_t *sc); /* accepts a zeroed sc */

/* The key of normalized word w[0..len) (XXH3_64bits). */
uint64_t bf_stem_cache_key(const char *w, size_t len);

/* The cache set of the word of key h (for a prefetch). */
static inline bf_stem_set_t *bf_stem_cache_set(const bf_stem_cache_t *sc, uint64_t h)
{
	return &sc->set[h & (((size_t)1 << BF_STEM_CACHE_SET_BITS) - 1)];
}

/* Looks a missed word up (stems it) and returns its entry; key: the
 * word's XXH3 with bit 1 set and bit 0 clear. */
bf_stem_entry_t bf_stem_cache_miss(bf_stem_cache_t *sc, uint64_t key, const char *w,
                                   size_t len, uint64_t seed);

/* The upper half of the term hash of normalized word w[0..len) (key h),
 * back in place with bit 0 set so that no term is 0; 0 for a stop word.
 * Through the cache; the same value as bf_word_term's upper half. */
static inline uint64_t bf_stem_cache_term(bf_stem_cache_t *sc, uint64_t h, const char *w,
                                          size_t len, uint64_t seed)
{
	bf_stem_entry_t *set = bf_stem_cache_set(sc, h)->e;
	uint32_t lo = (uint32_t)h | 3u, hi = (uint32_t)(h >> 32);
	size_t k = 0;
	while (k < BF_STEM_CACHE_WAYS && ((set[k].key_lo | 1u) != lo || set[k].key_hi != hi))
		k++;
	bf_stem_entry_t hit;
	if (k < BF_STEM_CACHE_WAYS) {
		hit = set[k];
	} else {
		k = BF_STEM_CACHE_WAYS - 1; /* the least recent word goes */
		hit = bf_stem_cache_miss(sc, (h | 2u) & ~(uint64_t)1, w, len, seed);
	}
	memmove(set + 1, set, k * sizeof *set);
	set[0] = hit;
	return hit.key_lo & 1u ? (uint64_t)hit.term << 32 | 1u : 0;
}

#endif
