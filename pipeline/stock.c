/* stock.c - clusters repeated across unrelated articles (see bf_stock.h). */
#include "bf_stock.h"

#include "bf_scatter.h"

#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Sentences per thread below which members_of and bf_stock_sample run on
 * one thread. */
#define STOCK_PAR_MIN 65536u

/* The last cluster's sample and its pairwise cosines, per thread.
 * Clusters are numbered by first sentence, so the clusters of one
 * syndicated story's sentences come in a row and mostly sample the same
 * articles: on the 1 GB dump 68 % of the candidate clusters repeat the
 * previous one's sample, and with the cosines of the pairs the previous
 * sample had taken from it, 1.3 M of 7.8 M are computed (stock test
 * 0.63 -> 0.30 s, with the articles looked up in sentence order in
 * bf_stock_find).  A pair's cosine is the same bits whichever cluster
 * asks, and the sums keep their order. */
typedef struct {
	uint32_t art[BF_STOCK_SAMPLE]; /* ascending */
	size_t k;
	double cos[BF_STOCK_SAMPLE][BF_STOCK_SAMPLE];
} sample_memo_t;

/* Mean pairwise cosine of the first BF_STOCK_SAMPLE distinct articles of a
 * cluster's member sentences (their articles, in sentence order). */
static double coherence(const bf_artvec_t *v, const uint32_t *members, size_t n,
                        sample_memo_t *memo)
{
	uint32_t art[BF_STOCK_SAMPLE];
	size_t k = 0;
	for (size_t i = 0; i < n && k < BF_STOCK_SAMPLE; i++) {
		uint32_t a = members[i];
		if (k == 0 || art[k - 1] != a)
			art[k++] = a;
	}
	/* was[i]: art[i]'s place in the last sample, or SIZE_MAX (both
	 * ascending: a merge) */
	size_t was[BF_STOCK_SAMPLE];
	for (size_t i = 0, j = 0; i < k; i++) {
		while (j < memo->k && memo->art[j] < art[i])
			j++;
		was[i] = j < memo->k && memo->art[j] == art[i] ? j : SIZE_MAX;
	}
	double cos[BF_STOCK_SAMPLE][BF_STOCK_SAMPLE] = { { 0 } }, sum = 0;
	size_t pairs = 0;
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++, pairs++) {
			cos[i][j] = was[i] != SIZE_MAX && was[j] != SIZE_MAX
			            ? memo->cos[was[i]][was[j]]
			            : bf_artvec_cosine(v, art[i], art[j]);
			sum += cos[i][j];
		}
	memcpy(memo->art, art, k * sizeof *art);
	memcpy(memo->cos, cos, sizeof cos);
	memo->k = k;
	return pairs ? sum / (double)pairs : 1.0;
}

/* Articles of the clusters cl % tn == t that bf_stock_sample flags, into
 * mark: each cluster's first BF_STOCK_SAMPLE distinct articles, its
 * members walked in sentence order as coherence() walks them. */
static void sample_part(const bf_corpus_t *c, const bf_dedup_t *d, int t, int tn,
                        uint8_t *taken, uint32_t *last, uint8_t *mark)
{
	for (uint32_t a = 0; a < c->n_art; a++) {
		const bf_article_t *ar = &c->art[a];
		for (size_t s = ar->first_sent; s < (size_t)ar->first_sent + ar->n_sent; s++) {
			uint32_t cl = d->cluster_of[s];
			if (cl % (uint32_t)tn != (uint32_t)t || d->cl_support[cl] < BF_STOCK_MIN_SUPPORT ||
			    taken[cl] == BF_STOCK_SAMPLE || (taken[cl] && last[cl] == a))
				continue;
			mark[a] = 1;
			last[cl] = a;
			taken[cl]++;
		}
	}
}

bool bf_stock_sample(const bf_corpus_t *c, const bf_dedup_t *d, uint8_t *need,
                     int n_threads)
{
	size_t nc = d->n_clusters, n = c->n_art;
	/* clusters split between threads, each walking every sentence: a
	 * thread's marks apart, OR-ed (one thread took 0.03 s of the 1 GB dump,
	 * most of it the scattered cluster state) */
	int nt = bf_scatter_threads(n_threads, d->n_sent, STOCK_PAR_MIN);
	uint8_t *taken = calloc(nc ? nc : 1, 1);
	uint32_t *last = malloc((nc ? nc : 1) * sizeof *last);
	uint8_t *mark = nt > 1 ? calloc((size_t)nt * (n ? n : 1), 1) : NULL;
	bool ok = taken && last && (nt == 1 || mark);
	if (ok)
		memset(need, 0, n);
#pragma omp parallel num_threads(nt) if (ok && nt > 1)
	{
		int t = omp_get_thread_num(), tn = omp_get_num_threads();
		if (ok)
			sample_part(c, d, t, tn, taken, last, tn > 1 ? mark + (size_t)t * n : need);
	}
	for (int t = 0; ok && nt > 1 && t < nt; t++)
		for (size_t a = 0; a < n; a++)
			need[a] |= mark[(size_t)t * n + a];
	free(taken);
	free(last);
	free(mark);
	return ok;
}

/* members_of's scatter: sentences by cluster, the candidates' only. */
typedef struct {
	const bf_corpus_t *c;
	const bf_dedup_t *d;
	uint32_t *mem;
} members_t;

static void members_count(void *ctx, size_t lo, size_t hi, size_t *row)
{
	const bf_dedup_t *d = ((members_t *)ctx)->d;
	for (size_t s = lo; s < hi; s++) {
		uint32_t cl = d->cluster_of[s];
		row[cl] += d->cl_support[cl] >= BF_STOCK_MIN_SUPPORT;
	}
}

static bool members_room(void *ctx, size_t total)
{
	members_t *m = ctx;
	m->mem = malloc((total ? total : 1) * sizeof *m->mem);
	return m->mem != NULL;
}

static void members_place(void *ctx, size_t lo, size_t hi, size_t *row)
{
	members_t *m = ctx;
	for (size_t s = lo; s < hi; s++) {
		uint32_t cl = m->d->cluster_of[s];
		if (m->d->cl_support[cl] >= BF_STOCK_MIN_SUPPORT)
			m->mem[row[cl]++] = m->c->sent[s].article;
	}
}

/* The articles of each candidate cluster's sentences, in sentence (=
 * article) order, into *mem with cluster cl's at off[cl] .. off[cl + 1]
 * (nc + 1 entries): a stable counting sort over the candidates only, on
 * every thread (bf_scatter_run).  False when out of memory. */
static bool members_of(const bf_corpus_t *c, const bf_dedup_t *d, int nt, size_t *off,
                       uint32_t **mem)
{
	members_t m = { c, d, NULL };
	bf_scatter_fns_t fns = { members_count, members_room, members_place, NULL, &m };
	bool ok = bf_scatter_run(d->n_sent, d->n_clusters,
	                         bf_scatter_threads(nt, d->n_sent, STOCK_PAR_MIN), off, &fns);
	*mem = m.mem;
	return ok;
}

size_t bf_stock_find(const bf_corpus_t *c, const bf_dedup_t *d,
                     const bf_artvec_t *v, uint8_t *stock, int n_threads)
{
	size_t nc = d->n_clusters;
	int nt = n_threads > 0 ? n_threads : 1;
	memset(stock, 0, nc);
	size_t *off = malloc((nc + 1) * sizeof *off);
	uint32_t *mem = NULL;
	size_t n_stock = 0;
	if (off && members_of(c, d, nt, off, &mem)) {
#pragma omp parallel num_threads(nt) reduction(+ : n_stock) if (nc > 4096)
		{
			sample_memo_t memo = { .k = 0 };
#pragma omp for schedule(dynamic, 256)
			for (long cl = 0; cl < (long)nc; cl++)
				if (off[cl + 1] > off[cl] &&
				    coherence(v, mem + off[cl], off[cl + 1] - off[cl], &memo) <
				    BF_STOCK_MAX_COHERENCE) {
					stock[cl] = 1;
					n_stock++;
				}
		}
	}
	free(off);
	free(mem);
	return n_stock;
}
