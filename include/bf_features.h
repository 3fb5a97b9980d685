/* bf_features.h - per-sentence features: shingle sets, exact-text keys and
 * content terms.
 *
 * For every sentence: the normalized words (bf_normalize), the sorted set of
 * word K-gram shingle hashes (bf_shingle_hash), a 128-bit key of the
 * normalized text (equal keys = exact duplicates), and the sorted set of
 * content terms (stemmed words that are not stop words, hashed) used by
 * ranking and story grouping.  Computed in parallel over fixed chunks of
 * sentences and concatenated in chunk order, so the arrays are identical at
 * any thread count. */
#ifndef BF_FEATURES_H
#define BF_FEATURES_H

#include "bf_common.h"
#include "bf_corpus.h"

typedef struct {
	uint64_t lo, hi;
} bf_key128_t;

typedef struct {
	size_t n;             /* sentences */
	uint64_t *sh_off;     /* n+1 offsets into sh */
	uint64_t *sh;         /* shingle hash sets, ascending per sentence */
	uint64_t *term_off;   /* n+1 offsets into term */
	uint64_t *term;       /* content-term hash sets, ascending per sentence */
	bf_key128_t *key;     /* n exact-text keys (XXH3-128 of normalized text) */
	uint32_t *n_norm_words; /* words after normalization */
} bf_features_t;

/* Computes features of every sentence of c.  k: words per shingle; seed:
 * hash seed.  Returns BF_OK or BF_ENOMEM. */
bf_status_t bf_features_compute(bf_features_t *f, const bf_corpus_t *c,
                                unsigned k, uint64_t seed, int n_threads);
void bf_features_free(bf_features_t *f);

static inline size_t bf_feat_n_sh(const bf_features_t *f, size_t s)
{
	return (size_t)(f->sh_off[s + 1] - f->sh_off[s]);
}
static inline const uint64_t *bf_feat_sh(const bf_features_t *f, size_t s)
{
	return f->sh + f->sh_off[s];
}
static inline size_t bf_feat_n_term(const bf_features_t *f, size_t s)
{
	return (size_t)(f->term_off[s + 1] - f->term_off[s]);
}
static inline const uint64_t *bf_feat_term(const bf_features_t *f, size_t s)
{
	return f->term + f->term_off[s];
}

#endif
