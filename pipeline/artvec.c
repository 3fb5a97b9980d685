/* artvec.c - top tf-idf term vectors of articles (see bf_artvec.h). */
#include "bf_artvec.h"
#include "bf_shingle.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing map term hash -> document frequency.  Hand-written: a
 * dozen lines, and no Debian C library offers a plain u64 -> u32 table
 * without per-entry allocation. */
typedef struct {
	uint64_t *key; /* 0 = empty; a real key 0 is stored as 1 */
	uint32_t *val;
	size_t cap, n;
} dfmap_t;

static size_t df_slot(const dfmap_t *m, uint64_t k)
{
	size_t i = (size_t)(k * 0x9E3779B97F4A7C15ull >> 32) & (m->cap - 1); /* high bits of the product: keys may have zero low halves */
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool df_grow(dfmap_t *m)
{
	dfmap_t g = { calloc(m->cap * 2, sizeof *g.key), calloc(m->cap * 2, sizeof *g.val),
	              m->cap * 2, m->n };
	if (!g.key || !g.val) {
		free(g.key);
		free(g.val);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->key[i]) {
			size_t j = df_slot(&g, m->key[i]);
			g.key[j] = m->key[i];
			g.val[j] = m->val[i];
		}
	free(m->key);
	free(m->val);
	*m = g;
	return true;
}

static bool df_add(dfmap_t *m, uint64_t k)
{
	k += !k;
	if (2 * (m->n + 1) > m->cap && !df_grow(m))
		return false;
	size_t i = df_slot(m, k);
	m->n += !m->key[i];
	m->key[i] = k;
	m->val[i]++;
	return true;
}

static uint32_t df_get(const dfmap_t *m, uint64_t k)
{
	k += !k;
	size_t i = df_slot(m, k);
	return m->key[i] ? m->val[i] : 0;
}

/* All content terms of article a (with repeats; sentences of skipped
 * clusters left out), sorted, into buf (room
 * for every term of its sentences).  Returns the count. */
static size_t article_terms(const bf_corpus_t *c, const bf_features_t *f,
                            const bf_dedup_t *d, const uint8_t *skip,
                            uint32_t a, uint64_t *buf)
{
	const bf_article_t *ar = &c->art[a];
	size_t n = 0;
	for (uint32_t i = 0; i < ar->n_sent; i++) {
		size_t s = ar->first_sent + i;
		if (skip && skip[d->cluster_of[s]])
			continue;
		const uint32_t *t = bf_feat_term(f, s);
		/* in the high half: the radix sort reads the top bytes first */
		for (size_t k = 0, nt = bf_feat_n_term(f, s); k < nt; k++)
			buf[n++] = (uint64_t)t[k] << 32;
	}
	bf_hash_sort(buf, n);
	return n;
}

static size_t max_article_terms(const bf_corpus_t *c, const bf_features_t *f)
{
	size_t mx = 1;
	for (size_t a = 0; a < c->n_art; a++) {
		const bf_article_t *ar = &c->art[a];
		size_t n = 0;
		for (uint32_t i = 0; i < ar->n_sent; i++)
			n += bf_feat_n_term(f, ar->first_sent + i);
		mx = n > mx ? n : mx;
	}
	return mx;
}

static bool count_df(dfmap_t *m, const bf_corpus_t *c, const bf_features_t *f,
                     const bf_dedup_t *d, const uint8_t *skip)
{
	m->cap = 1024;
	m->key = calloc(m->cap, sizeof *m->key);
	m->val = calloc(m->cap, sizeof *m->val);
	uint64_t *buf = malloc(max_article_terms(c, f) * sizeof *buf);
	bool ok = m->key && m->val && buf;
	for (size_t a = 0; ok && a < c->n_art; a++) {
		size_t n = article_terms(c, f, d, skip, (uint32_t)a, buf);
		for (size_t i = 0; ok && i < n; i++)
			if (i == 0 || buf[i] != buf[i - 1])
				ok = df_add(m, buf[i]);
	}
	free(buf);
	return ok;
}

static int cmp_tw_weight(const void *a, const void *b)
{
	const bf_tw_t *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return (x->term > y->term) - (x->term < y->term);
}

/* Min-heap by weight order: the root is the weakest of the kept terms
 * (cmp_tw_weight sorts strongest first, so "weaker" is "greater"). */
static void sift_down(bf_tw_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && cmp_tw_weight(&h[l], &h[w]) > 0)
			w = l;
		if (r < n && cmp_tw_weight(&h[r], &h[w]) > 0)
			w = r;
		if (w == i)
			return;
		bf_tw_t t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static int cmp_bf_tw_term(const void *a, const void *b)
{
	const bf_tw_t *x = a, *y = b;
	return (x->term > y->term) - (x->term < y->term);
}

/* Moves the BF_ARTVEC_TOP heaviest of tw[0..k) (ties: smaller term) to the
 * front, in any order, and returns how many there are.  A partial
 * selection, not a sort: an article has hundreds of terms and only the top
 * 30 are kept (qsort here was 9% of a run). */
static size_t keep_heaviest(bf_tw_t *tw, size_t k)
{
	if (k <= BF_ARTVEC_TOP)
		return k;
	/* tw[0..TOP) is a min-heap by weight of the best seen so far */
	size_t m = BF_ARTVEC_TOP;
	for (size_t i = m / 2; i-- > 0;)
		sift_down(tw, m, i);
	for (size_t i = m; i < k; i++)
		if (cmp_tw_weight(&tw[i], &tw[0]) < 0) {
			tw[0] = tw[i];
			sift_down(tw, m, 0);
		}
	return m;
}

/* The BF_ARTVEC_TOP terms of article a by tf-idf (see bf_artvec.h),
 * L2-normalized, sorted by term into out.  Returns the count. */
static size_t top_terms(const bf_corpus_t *c, const bf_features_t *f,
                        const bf_dedup_t *d, const uint8_t *skip,
                        const dfmap_t *df, uint32_t a, uint64_t *buf, bf_tw_t *tw,
                        bf_tw_t *out)
{
	size_t n = article_terms(c, f, d, skip, a, buf), k = 0;
	double N = (double)c->n_art;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && buf[j] == buf[i])
			j++;
		double idf = log(1.0 + N / (double)df_get(df, buf[i]));
		tw[k++] = (bf_tw_t){ (uint32_t)(buf[i] >> 32), (float)((1.0 + log((double)(j - i))) * idf) };
		i = j;
	}
	k = keep_heaviest(tw, k);
	double norm = 0;
	for (size_t i = 0; i < k; i++)
		norm += tw[i].w * tw[i].w;
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
	for (size_t i = 0; i < k; i++)
		out[i] = (bf_tw_t){ tw[i].term, (float)(tw[i].w * norm) };
	qsort(out, k, sizeof *out, cmp_bf_tw_term);
	return k;
}

static double cosine(const bf_tw_t *a, size_t na, const bf_tw_t *b, size_t nb)
{
	double s = 0;
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		if (a[i].term < b[j].term)
			i++;
		else if (a[i].term > b[j].term)
			j++;
		else
			s += (double)a[i++].w * (double)b[j++].w;
	}
	return s;
}

double bf_artvec_cosine(const bf_artvec_t *v, uint32_t a, uint32_t b)
{
	return cosine(bf_artvec_of(v, a), v->n[a], bf_artvec_of(v, b), v->n[b]);
}

bf_status_t bf_artvec_build(bf_artvec_t *v, const bf_corpus_t *c,
                            const bf_features_t *f, const bf_dedup_t *d,
                            const uint8_t *skip, int n_threads)
{
	size_t n = c->n_art, mx = max_article_terms(c, f);
	memset(v, 0, sizeof *v);
	v->n_art = n;
	v->tw = malloc((n ? n : 1) * BF_ARTVEC_TOP * sizeof *v->tw);
	v->n = malloc((n ? n : 1) * sizeof *v->n);
	dfmap_t df = { 0 };
	bool ok = v->tw && v->n && count_df(&df, c, f, d, skip);
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1) reduction(&& : ok) if (ok && n > 1024)
	{
		uint64_t *buf = malloc(mx * sizeof *buf);
		bf_tw_t *tmp = malloc(mx * sizeof *tmp);
		ok = buf && tmp;
#pragma omp for schedule(dynamic, 256)
		for (long a = 0; a < (long)n; a++)
			if (buf && tmp)
				v->n[a] = (uint32_t)top_terms(c, f, d, skip, &df, (uint32_t)a, buf,
				                              tmp, v->tw + (size_t)a * BF_ARTVEC_TOP);
		free(buf);
		free(tmp);
	}
	free(df.key);
	free(df.val);
	if (!ok) {
		bf_artvec_free(v);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_artvec_free(bf_artvec_t *v)
{
	free(v->tw);
	free(v->n);
	memset(v, 0, sizeof *v);
}
