/* bf_artvec.h - article content vectors: the top tf-idf content terms of
 * each article, L2-normalized, for comparing articles by topic.
 *
 * tf is sublinear (1 + ln tf) over the article's sentences; idf is
 * ln(1 + N / df) over the N articles of the input, smoothed so that on a
 * small input a term every article shares still counts.  Only the
 * BF_ARTVEC_TOP heaviest terms are kept: they describe what an article is
 * about and keep memory per article fixed. */
#ifndef BF_ARTVEC_H
#define BF_ARTVEC_H

#include "bf_common.h"
#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_features.h"

#define BF_ARTVEC_TOP 30u

/* 8 bytes a term: the term hashes are 32-bit (bf_features.h) and a float
 * weight is plenty for a cosine; 30 terms x 330,000 articles of a 1 GB
 * dump are 80 MB, not 160. */
typedef struct {
	uint32_t term;
	float w;
} bf_tw_t;

typedef struct {
	size_t n_art;
	bf_tw_t *tw;    /* BF_ARTVEC_TOP slots per article, sorted by term */
	uint32_t *n;    /* terms used per article */
} bf_artvec_t;

/* Vectors of every article.  skip: NULL, or one flag per cluster of d;
 * sentences of flagged clusters are left out (stock phrases).  Returns
 * BF_OK or BF_ENOMEM. */
bf_status_t bf_artvec_build(bf_artvec_t *v, const bf_corpus_t *c,
                            const bf_features_t *f, const bf_dedup_t *d,
                            const uint8_t *skip, int n_threads);
void bf_artvec_free(bf_artvec_t *v);

static inline const bf_tw_t *bf_artvec_of(const bf_artvec_t *v, uint32_t a)
{
	return v->tw + (size_t)a * BF_ARTVEC_TOP;
}

/* Cosine of the vectors of articles a and b. */
double bf_artvec_cosine(const bf_artvec_t *v, uint32_t a, uint32_t b);

#endif
