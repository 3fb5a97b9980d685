/* bf_features.h - exact-text types and their features, computed while the
 * input streams in.
 *
 * Every sentence is normalized (bf_normalize) and keyed by XXH3-128 of its
 * normalized text; sentences with equal keys are exact duplicates and share
 * one "type", numbered in order of first sentence.  Features are kept per
 * type, not per sentence (a dump repeats most of its text):
 *   - the sorted set of word K-gram shingle hashes (bf_shingle_hash; their
 *     upper 32 bits, see bf_hashset32_make), for exact Jaccard
 *     verification;
 *   - the sorted set of content terms (stemmed words that are not stop
 *     words, hashed) for ranking and story grouping.
 * Batches are added in input order; inside a batch, normalization and the
 * features of new types are computed in parallel over fixed chunks and
 * appended in chunk order, while types are assigned sequentially, so every
 * array is identical at any thread count. */
#ifndef BF_FEATURES_H
#define BF_FEATURES_H

#include "bf_common.h"
#include "bf_corpus.h"
#include "bf_shingle.h"

typedef struct {
	uint64_t lo, hi;
} bf_key128_t;

/* A type's first raw text, as the raw-text table compares it: its
 * XXH3-128 and length, and the sentence that carries it (type_rep's
 * value again, kept on the record's cache line: a raw-text hit shares
 * that sentence's text without another miss; freed with the tables). */
typedef struct {
	bf_key128_t raw;
	uint32_t len;
	uint32_t rep;
} bf_raw_rec_t;

/* A slot of an exact-text table: ref = type + 1 (0 = empty), tag = the
 * upper 32 bits of the key's hi half. */
typedef struct {
	uint32_t ref, tag;
} bf_tab_slot_t;

typedef struct bf_feat_scratch bf_feat_scratch_t; /* per-thread, private */

typedef struct {
	/* settings */
	unsigned k;              /* words per shingle */
	uint64_t seed;
	int n_threads;
	/* per sentence */
	size_t n;                /* sentences seen */
	size_t cap;
	uint32_t *type_of;       /* type of each sentence */
	/* per type */
	size_t n_types, cap_types;
	uint32_t *type_rep;      /* first sentence of each type */
	uint64_t *sh_off;        /* n_types+1 offsets into sh */
	uint32_t *sh;            /* shingle sets (upper 32 bits), ascending */
	size_t sh_cap;
	uint64_t *term_off;      /* n_types+1 offsets into term */
	uint32_t *term;          /* content-term sets (upper 32 bits of the term
	                            hashes), ascending per type */
	size_t term_cap;
	/* exact-text tables, freed by bf_features_finish: open addressing,
	 * each slot the type + 1 (0 = empty) and 32 more bits of its hash, so
	 * a probe that meets another type's slot almost never reads that
	 * type's key; the keys live once per type */
	bf_key128_t *type_key;
	bf_raw_rec_t *type_raw;  /* each type's first raw text */
	bf_tab_slot_t *tab;      /* by normalized key */
	bf_tab_slot_t *rtab;     /* by raw text; the same capacity as tab */
	size_t tab_cap;
	bf_feat_scratch_t *scratch; /* n_threads */
	double seconds;          /* wall time spent in bf_features_add */
} bf_features_t;

/* Prepares f (any previous contents are ignored).  Returns BF_OK or
 * BF_ENOMEM. */
bf_status_t bf_features_init(bf_features_t *f, unsigned k, uint64_t seed,
                             int n_threads);

/* Adds sentences [s0, s1) of c, which must be the next ones (s0 == f->n)
 * and whose text must be readable.  A sentence whose text is byte for byte
 * its type's first sentence's shares that text (bf_corpus_share_text).
 * Returns BF_OK or BF_ENOMEM. */
bf_status_t bf_features_add(bf_features_t *f, bf_corpus_t *c, size_t s0,
                            size_t s1);

/* Drops what is needed only while adding (the exact-text table, scratch). */
void bf_features_finish(bf_features_t *f);

/* Frees the shingle sets once near-duplicates are clustered (a fifth of a
 * big run's memory); bf_feat_jaccard_any then recomputes the few sets the
 * briefing still compares from their text. */
void bf_features_drop_shingles(bf_features_t *f);

/* Jaccard of the shingle sets of sentences a and b: from the stored sets,
 * or, after bf_features_drop_shingles, from their texts normalized again.
 * Returns -1 when memory runs out. */
double bf_feat_jaccard_any(const bf_features_t *f, const bf_corpus_t *c,
                           size_t a, size_t b);
void bf_features_free(bf_features_t *f);

/* Per type. */
static inline size_t bf_type_n_sh(const bf_features_t *f, size_t t)
{
	return (size_t)(f->sh_off[t + 1] - f->sh_off[t]);
}
static inline const uint32_t *bf_type_sh(const bf_features_t *f, size_t t)
{
	return f->sh + f->sh_off[t];
}
static inline size_t bf_type_n_term(const bf_features_t *f, size_t t)
{
	return (size_t)(f->term_off[t + 1] - f->term_off[t]);
}
static inline const uint32_t *bf_type_term(const bf_features_t *f, size_t t)
{
	return f->term + f->term_off[t];
}

/* Per sentence (through its type). */
static inline size_t bf_feat_n_sh(const bf_features_t *f, size_t s)
{
	return bf_type_n_sh(f, f->type_of[s]);
}
static inline const uint32_t *bf_feat_sh(const bf_features_t *f, size_t s)
{
	return bf_type_sh(f, f->type_of[s]);
}
/* Jaccard of the shingle sets of sentences s1 and s2 (the near-duplicate
 * measure). */
static inline double bf_feat_jaccard(const bf_features_t *f, size_t s1, size_t s2)
{
	return bf_jaccard32_sorted(bf_feat_sh(f, s1), bf_feat_n_sh(f, s1),
	                           bf_feat_sh(f, s2), bf_feat_n_sh(f, s2));
}
static inline size_t bf_feat_n_term(const bf_features_t *f, size_t s)
{
	return bf_type_n_term(f, f->type_of[s]);
}
static inline const uint32_t *bf_feat_term(const bf_features_t *f, size_t s)
{
	return bf_type_term(f, f->type_of[s]);
}

#endif
