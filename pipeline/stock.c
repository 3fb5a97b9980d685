/* stock.c - clusters repeated across unrelated articles (see bf_stock.h). */
#include "bf_stock.h"

#include <stdlib.h>
#include <string.h>

/* Mean pairwise cosine of the first BF_STOCK_SAMPLE distinct articles of a
 * cluster's member sentences (given in sentence order). */
static double coherence(const bf_corpus_t *c, const bf_artvec_t *v,
                        const uint32_t *members, size_t n)
{
	uint32_t art[BF_STOCK_SAMPLE];
	size_t k = 0;
	for (size_t i = 0; i < n && k < BF_STOCK_SAMPLE; i++) {
		uint32_t a = c->sent[members[i]].article;
		if (k == 0 || art[k - 1] != a)
			art[k++] = a;
	}
	double sum = 0;
	size_t pairs = 0;
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++, pairs++)
			sum += bf_artvec_cosine(v, art[i], art[j]);
	return pairs ? sum / (double)pairs : 1.0;
}

bool bf_stock_sample(const bf_corpus_t *c, const bf_dedup_t *d, uint8_t *need)
{
	size_t nc = d->n_clusters;
	uint8_t *taken = calloc(nc ? nc : 1, 1);
	uint32_t *last = malloc((nc ? nc : 1) * sizeof *last);
	if (!taken || !last) {
		free(taken);
		free(last);
		return false;
	}
	memset(need, 0, c->n_art);
	/* as coherence() walks each cluster's members in sentence order */
	for (size_t s = 0; s < d->n_sent; s++) {
		uint32_t cl = d->cluster_of[s], a = c->sent[s].article;
		if (d->cl_support[cl] < BF_STOCK_MIN_SUPPORT || taken[cl] == BF_STOCK_SAMPLE ||
		    (taken[cl] && last[cl] == a))
			continue;
		need[a] = 1;
		last[cl] = a;
		taken[cl]++;
	}
	free(taken);
	free(last);
	return true;
}

size_t bf_stock_find(const bf_corpus_t *c, const bf_dedup_t *d,
                     const bf_artvec_t *v, uint8_t *stock, int n_threads)
{
	size_t nc = d->n_clusters;
	memset(stock, 0, nc);
	/* sentences of each candidate cluster, in sentence (= article) order:
	 * a counting sort over the candidates only */
	uint64_t *off = calloc(nc + 1, sizeof *off);
	if (!off)
		return 0;
	for (size_t s = 0; s < d->n_sent; s++) {
		uint32_t cl = d->cluster_of[s];
		off[cl + 1] += d->cl_support[cl] >= BF_STOCK_MIN_SUPPORT;
	}
	for (size_t i = 0; i < nc; i++)
		off[i + 1] += off[i];
	uint32_t *mem = malloc((off[nc] ? off[nc] : 1) * sizeof *mem);
	uint64_t *fill = malloc((nc ? nc : 1) * sizeof *fill);
	size_t n_stock = 0;
	if (mem && fill) {
		memcpy(fill, off, nc * sizeof *fill);
		for (size_t s = 0; s < d->n_sent; s++) {
			uint32_t cl = d->cluster_of[s];
			if (d->cl_support[cl] >= BF_STOCK_MIN_SUPPORT)
				mem[fill[cl]++] = (uint32_t)s;
		}
#pragma omp parallel for schedule(dynamic, 256) num_threads(n_threads > 0 ? n_threads : 1) reduction(+ : n_stock) if (nc > 4096)
		for (long cl = 0; cl < (long)nc; cl++)
			if (off[cl + 1] > off[cl] &&
			    coherence(c, v, mem + off[cl], off[cl + 1] - off[cl]) < BF_STOCK_MAX_COHERENCE) {
				stock[cl] = 1;
				n_stock++;
			}
	}
	free(off);
	free(mem);
	free(fill);
	return n_stock;
}
