/* bf_terms.h - content terms of free text (article titles), hashed exactly
 * as bf_features.h hashes the content terms of sentences, so the two can be
 * matched.
 *
 * A content term is the Snowball stem of a normalized word that is not a
 * stop word (bf_normalize.h), hashed with XXH3-64 under the run's hash seed
 * salted by BF_TERM_SEED_SALT, lowest bit set (0 is no term). */
#ifndef BF_TERMS_H
#define BF_TERMS_H

#include "bf_common.h"
#include "bf_normalize.h"
#include "bf_stemcache.h"

/* Salt of every content-term hash (pipeline/features.c hashes sentence
 * terms with bf_term_hash too); tests/test_stories.c checks that a title's
 * terms equal the same words' sentence terms. */
#define BF_TERM_SEED_SALT 0x7465726d73ull

/* Content-term hash of a stem (64 bits; sets keep the upper 32, as
 * bf_features.h does). */
uint64_t bf_term_hash(const char *stem, size_t len, uint64_t seed);

/* Content-term hash of the normalized word w[0..len): stemmed and hashed,
 * or 0 for a stop word.  The one definition of a word's term, for titles
 * here and for sentences (through a cache) in pipeline/features.c. */
uint64_t bf_word_term(bf_stemmer_t *stem, const char *w, size_t len, uint64_t seed);

/* Scratch and result of bf_terms_of_text; zero it first, free with
 * bf_terms_buf_free. */
typedef struct {
	uint64_t *h;  /* full hashes (scratch) */
	uint32_t *t;  /* the terms: upper 32 bits, ascending, no repeats */
	size_t cap;   /* room in h and t */
} bf_terms_buf_t;

/* Content terms of s[0..len) (UTF-8) into b->t, exactly as bf_features.h
 * stores a sentence's (upper 32 bits of the hashes, an ascending set).
 * nm, sc: the caller's normalizer and stem cache (bf_stemcache.h; one per
 * thread).  Returns the count, or SIZE_MAX when out of memory. */
size_t bf_terms_of_text(const char *s, size_t len, bf_norm_t *nm,
                        bf_stem_cache_t *sc, uint64_t seed, bf_terms_buf_t *b);
void bf_terms_buf_free(bf_terms_buf_t *b);

#endif
