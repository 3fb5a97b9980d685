/* bf_artvec.h - article content vectors: the top tf-idf content terms of
 * each article, L2-normalized, for comparing articles by topic.
 *
 * Terms are the content terms of the article's sentences (bf_features.h)
 * and, when asked, of its title (bf_terms.h).  The weight of a term is
 *     (tf ? 1 + ln tf : 0) + title_boost * [term in title]      (tf sublinear
 * over the sentences, Manning et al., IR book 6.4.1) times
 *     idf = ln((N + BF_IDF_PRIOR_DOCS) / df)
 * over the N articles of the input.  The prior documents are a pseudo-count
 * (Bayesian smoothing of the document-frequency estimate df/N): the input
 * is treated as if BF_IDF_PRIOR_DOCS more articles of general news, none
 * carrying the term, came with it.  On a big input it changes nothing; on a
 * small one it stops the terms that every article shares (the event's own
 * names, in a handful of reports of one event) from being weighed as if
 * they were stop words.  Only the `top` heaviest terms are kept: they say
 * what an article is about and keep memory per article fixed.
 *
 * Document frequencies are counted once (bf_artvec_df_create) over every
 * sentence and title, and shared by every vector set built from them.
 * Memory: 8 bytes per kept term per article (top 64: 512 bytes). */
#ifndef BF_ARTVEC_H
#define BF_ARTVEC_H

#include "bf_common.h"
#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_features.h"

/* Most terms a vector can hold. */
#define BF_ARTVEC_TOP 64u
/* Pseudo-documents of the idf prior.  Measured (bench/stories.sh, B-cubed
 * F1 against event labels; bench/RESULTS.md "Quality: stories"): against
 * the plain ln(1 + N/df), BASIL (N = 300) 0.964 -> 0.977 with dates and
 * 0.886 -> 0.918 without, AllSides (N = 1479) 0.946 -> 0.948 and
 * 0.768 -> 0.773; the five seed articles (one event, N = 5) go from five
 * stories (pairwise cosines 0.04-0.12) to three (0.21-0.39).  3000
 * measured within 0.01 of 1000; 300: undated BASIL 0.900. */
#define BF_IDF_PRIOR_DOCS 1000.0

/* One weighed term: the upper 32 bits of the term hash (two of an
 * article's few hundred terms share them with odds ~1e-5) and its weight;
 * 8 bytes, so 64 terms cost an article what 32 full ones did. */
typedef struct {
	uint32_t term;
	float w;
} bf_tw_t;

typedef struct {
	size_t n_art;
	uint32_t stride; /* slots per article (the options' top) */
	bf_tw_t *tw;     /* stride slots per article, sorted by term */
	uint32_t *n;     /* terms used per article */
} bf_artvec_t;

/* Document frequencies of the terms of an input (opaque). */
typedef struct bf_artvec_df bf_artvec_df_t;

typedef struct {
	const uint8_t *skip; /* NULL, or one flag per cluster of d: sentences of
	                        flagged clusters are left out (stock phrases) */
	uint32_t top;        /* terms kept per article, 1..BF_ARTVEC_TOP */
	double title_boost;  /* tf weight added to title terms; 0: titles unused */
	int n_threads;
	const uint8_t *only; /* NULL, or one flag per article: the vectors of
	                        unflagged articles are left empty */
} bf_artvec_opts_t;

/* Counts, for every term, the articles of c whose sentences or title carry
 * it.  seed: the features' hash seed (title terms are hashed like sentence
 * terms).  keep: NULL, or one flag per article: the counting tallies each
 * article, and keeps the sentence terms' tallies of the flagged ones, so
 * that bf_artvec_build with every sentence and no title (skip NULL,
 * title_boost 0) weighs them without tallying again (the stock vectors
 * of the 1 GB dump at -j1: 0.9 -> 0.45 s, for ~0.1 s more counting and
 * 173 MB until bf_artvec_df_drop_kept).  Returns NULL when out of
 * memory; free with bf_artvec_df_free. */
bf_artvec_df_t *bf_artvec_df_create(const bf_corpus_t *c, const bf_features_t *f,
                                    uint64_t seed, const uint8_t *keep, int n_threads);
/* Frees the kept tallies (the frequencies stay). */
void bf_artvec_df_drop_kept(bf_artvec_df_t *df);
void bf_artvec_df_free(bf_artvec_df_t *df); /* accepts NULL */

/* Vectors of every article of c under options o, with the frequencies df
 * counted on c.  Returns BF_OK, BF_EARG (top out of range) or BF_ENOMEM;
 * free with bf_artvec_free. */
bf_status_t bf_artvec_build(bf_artvec_t *v, const bf_corpus_t *c,
                            const bf_features_t *f, const bf_dedup_t *d,
                            const bf_artvec_df_t *df, const bf_artvec_opts_t *o);
void bf_artvec_free(bf_artvec_t *v);

static inline const bf_tw_t *bf_artvec_of(const bf_artvec_t *v, uint32_t a)
{
	return v->tw + (size_t)a * v->stride;
}

/* Dot product of two term-sorted weight lists. */
double bf_tw_dot(const bf_tw_t *a, size_t na, const bf_tw_t *b, size_t nb);

/* Cosine of the vectors of articles a and b. */
static inline double bf_artvec_cosine(const bf_artvec_t *v, uint32_t a, uint32_t b)
{
	return bf_tw_dot(bf_artvec_of(v, a), v->n[a], bf_artvec_of(v, b), v->n[b]);
}

#endif
