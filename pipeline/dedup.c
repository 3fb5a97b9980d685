/* dedup.c - near-duplicate sentence clusters: exact collapse, MinHash, LSH
 * banding, exact verification, union-find.  See bf_dedup.h for the outline.
 *
 * Determinism: types are numbered by first sentence; signatures are written
 * per type; each band is sorted by (key, id); candidate pairs are generated
 * in that order, verified in parallel into a flag array and merged in order;
 * the union-find root is the smallest type.  Nothing depends on threads. */
#include "bf_dedup.h"
#include "bf_lsh.h"
#include "bf_lshlink.h"
#include "bf_minhash.h"
#include "bf_shingle.h"
#include "bf_uf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Weights of the false-positive and false-negative areas when choosing
 * bands x rows.  Every candidate is verified exactly, so a false positive
 * costs one cheap set intersection while a false negative loses a duplicate
 * for good: recall is weighted higher. */
#define LSH_FP_WEIGHT 0.3
#define LSH_FN_WEIGHT 0.7

typedef struct {
	bf_key128_t key;
	uint32_t sent;
} keyed_t;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed_t *x = a, *y = b;
	if (x->key.hi != y->key.hi)
		return x->key.hi < y->key.hi ? -1 : 1;
	if (x->key.lo != y->key.lo)
		return x->key.lo < y->key.lo ? -1 : 1;
	return (x->sent > y->sent) - (x->sent < y->sent);
}

/* Exact duplicates: sentences with equal normalized-text keys share a type;
 * types are numbered in order of their first sentence. */
static bool make_types(bf_dedup_t *d, const bf_features_t *f)
{
	size_t n = f->n;
	keyed_t *k = malloc((n ? n : 1) * sizeof *k);
	uint32_t *first = malloc((n ? n : 1) * sizeof *first);
	if (!k || !first) {
		free(k);
		free(first);
		return false;
	}
	for (size_t s = 0; s < n; s++)
		k[s] = (keyed_t){ f->key[s], (uint32_t)s };
	qsort(k, n, sizeof *k, cmp_keyed);
	/* first[s] = first sentence with the same text as s */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && k[j].key.lo == k[i].key.lo && k[j].key.hi == k[i].key.hi)
			first[k[j++].sent] = k[i].sent;
		i = j;
	}
	free(k);
	d->n_types = 0;
	for (size_t s = 0; s < n; s++) {
		if (first[s] == s) {
			d->type_rep[d->n_types] = (uint32_t)s;
			d->type_of[s] = (uint32_t)d->n_types++;
		} else {
			d->type_of[s] = d->type_of[first[s]];
		}
	}
	free(first);
	return true;
}

typedef struct {
	const bf_features_t *f;
	const bf_dedup_t *d;
	double threshold;
} verify_ctx_t;

/* Exact test: every merge joins two types whose shingle sets really have
 * Jaccard >= threshold, so no cluster is held together by MinHash luck. */
static bool verify(const void *ctx, uint32_t ta, uint32_t tb)
{
	const verify_ctx_t *v = ctx;
	uint32_t a = v->d->type_rep[ta], b = v->d->type_rep[tb];
	return bf_jaccard_sorted(bf_feat_sh(v->f, a), bf_feat_n_sh(v->f, a),
	                         bf_feat_sh(v->f, b), bf_feat_n_sh(v->f, b)) >= v->threshold;
}

/* MinHash signature of every type (one row per type). */
static uint32_t *sign_types(const bf_dedup_t *d, const bf_features_t *f,
                            const bf_dedup_opts_t *o)
{
	bf_minhash_t *mh = bf_minhash_create(o->n_perm, o->seed);
	uint32_t *sig = malloc((d->n_types ? d->n_types : 1) * o->n_perm * sizeof *sig);
	if (!mh || !sig) {
		bf_minhash_free(mh);
		free(sig);
		return NULL;
	}
#pragma omp parallel for schedule(dynamic, 1024) num_threads(o->n_threads > 0 ? o->n_threads : 1)
	for (long t = 0; t < (long)d->n_types; t++) {
		uint32_t s = d->type_rep[t];
		bf_minhash_sign(mh, bf_feat_sh(f, s), bf_feat_n_sh(f, s),
		                sig + (size_t)t * o->n_perm);
	}
	bf_minhash_free(mh);
	return sig;
}

/* Dense cluster ids in order of first sentence, sizes and support. */
static bool number_clusters(bf_dedup_t *d, const bf_corpus_t *c, bf_uf_t *uf)
{
	uint32_t *cl_of_type = malloc((d->n_types ? d->n_types : 1) * sizeof *cl_of_type);
	if (!cl_of_type)
		return false;
	d->n_clusters = 0;
	/* a root is its set's smallest type, and types are numbered by first
	 * sentence, so numbering roots in type order numbers clusters by their
	 * first sentence */
	for (size_t t = 0; t < d->n_types; t++) {
		uint32_t r = bf_uf_find(uf, (uint32_t)t);
		cl_of_type[t] = r == t ? (uint32_t)d->n_clusters++ : cl_of_type[r];
	}
	size_t nc = d->n_clusters;
	d->cl_first = malloc((nc ? nc : 1) * sizeof *d->cl_first);
	d->cl_size = calloc(nc ? nc : 1, sizeof *d->cl_size);
	d->cl_support = calloc(nc ? nc : 1, sizeof *d->cl_support);
	uint32_t *last_art = malloc((nc ? nc : 1) * sizeof *last_art);
	bool good = d->cl_first && d->cl_size && d->cl_support && last_art;
	for (size_t s = 0; good && s < d->n_sent; s++) {
		uint32_t cl = cl_of_type[d->type_of[s]];
		uint32_t art = c->sent[s].article;
		d->cluster_of[s] = cl;
		if (d->cl_size[cl]++ == 0) {
			d->cl_first[cl] = (uint32_t)s;
			last_art[cl] = UINT32_MAX;
		}
		if (last_art[cl] != art) {
			last_art[cl] = art;
			d->cl_support[cl]++;
		}
	}
	free(last_art);
	free(cl_of_type);
	return good;
}

bf_status_t bf_dedup_run(bf_dedup_t *d, const bf_features_t *f,
                         const bf_corpus_t *c, const bf_dedup_opts_t *o)
{
	memset(d, 0, sizeof *d);
	size_t n = f->n;
	d->n_sent = n;
	bf_lsh_params_t p = bf_lsh_choose(o->threshold, o->n_perm, LSH_FP_WEIGHT,
	                                  LSH_FN_WEIGHT);
	d->bands = p.bands;
	d->rows = p.rows;
	d->type_of = malloc((n ? n : 1) * sizeof *d->type_of);
	d->type_rep = malloc((n ? n : 1) * sizeof *d->type_rep);
	d->cluster_of = malloc((n ? n : 1) * sizeof *d->cluster_of);
	if (!d->type_of || !d->type_rep || !d->cluster_of || !make_types(d, f)) {
		bf_dedup_free(d);
		return BF_ENOMEM;
	}
	bf_uf_t uf = { 0 };
	uint32_t *sig = sign_types(d, f, o);
	verify_ctx_t vc = { f, d, o->threshold };
	bf_lshlink_counts_t lc = { 0 };
	bool good = sig && bf_uf_init(&uf, d->n_types) == BF_OK &&
	            bf_lsh_link(sig, d->n_types, o->n_perm, p, o->seed, o->n_threads,
	                        verify, &vc, &uf, &lc) == BF_OK;
	d->n_candidates = lc.n_candidates;
	d->n_links = lc.n_links;
	free(sig);
	good = good && number_clusters(d, c, &uf);
	bf_uf_destroy(&uf);
	if (!good) {
		bf_dedup_free(d);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_dedup_free(bf_dedup_t *d)
{
	free(d->type_of);
	free(d->type_rep);
	free(d->cluster_of);
	free(d->cl_first);
	free(d->cl_size);
	free(d->cl_support);
	memset(d, 0, sizeof *d);
}
