/* dedup.c - near-duplicate sentence clusters: LSH banding over the types'
 * MinHash band keys, exact verification, union-find.  See bf_dedup.h.
 *
 * Determinism: types are numbered by first sentence; each band is sorted by
 * (key, id); candidate pairs are generated in that order, verified in
 * parallel into a flag array and merged in order; the union-find root is the
 * smallest type.  Nothing depends on the thread count. */
#include "bf_dedup.h"
#include "bf_lshlink.h"
#include "bf_minhash.h"
#include "bf_shingle.h"
#include "bf_uf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Rows per band at most (bf_lsh_choose picks 5 for J = 0.5 and 128
 * permutations; even J = 0.95 with 1024 permutations stays far below). */
#define BF_MAX_ROWS 256u

typedef struct {
	const bf_features_t *f;
	double threshold;
} verify_ctx_t;

/* Exact test: every merge joins two types whose shingle sets really have
 * Jaccard >= threshold, so no cluster is held together by MinHash luck. */
static bool verify(const void *ctx, uint32_t ta, uint32_t tb)
{
	const verify_ctx_t *v = ctx;
	return bf_jaccard32_sorted(bf_type_sh(v->f, ta), bf_type_n_sh(v->f, ta),
	                           bf_type_sh(v->f, tb), bf_type_n_sh(v->f, tb)) >= v->threshold;
}

/* Fetches what verify(ta, tb) reads: stage 0 the sets' offsets, stage 1
 * (offsets in cache by then) the sets' first lines. */
static void verify_prefetch(const void *ctx, uint32_t ta, uint32_t tb, int stage)
{
	const verify_ctx_t *v = ctx;
	if (stage == 0) {
		__builtin_prefetch(&v->f->sh_off[ta]);
		__builtin_prefetch(&v->f->sh_off[tb]);
	} else {
		__builtin_prefetch(bf_type_sh(v->f, ta));
		__builtin_prefetch(bf_type_sh(v->f, tb));
	}
}

typedef struct {
	const bf_features_t *f;
	const bf_minhash_t *mh;
	uint32_t rows;
	uint64_t seed;
} band_ctx_t;

/* Keys of one band for types [lo, lo+n): that band's rows of each type's
 * MinHash signature, hashed.  Only this band's permutations are evaluated,
 * so all bands together cost one signature per type. */
static void type_band_keys(const void *ctx, uint32_t band, size_t lo, size_t n,
                           bf_bandkey_t *out)
{
	const band_ctx_t *b = ctx;
	uint32_t rows[BF_MAX_ROWS];
	for (size_t i = 0; i < n; i++) {
		size_t t = lo + i;
		bf_minhash_sign32_range(b->mh, bf_type_sh(b->f, t), bf_type_n_sh(b->f, t),
		                        band * b->rows, b->rows, rows);
		bf_lsh_band_keys(rows, 1, b->rows, 0, b->rows, (uint32_t)t,
		                 b->seed + band, &out[i]);
	}
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
	d->n_sent = f->n;
	d->n_types = f->n_types;
	d->type_of = f->type_of;
	d->type_rep = f->type_rep;
	bf_lsh_params_t p = bf_lsh_choose(o->threshold, o->n_perm, BF_LSH_FP_WEIGHT,
	                                  BF_LSH_FN_WEIGHT, o->n_threads);
	d->bands = p.bands;
	d->rows = p.rows;
	d->cluster_of = malloc((f->n ? f->n : 1) * sizeof *d->cluster_of);
	bf_minhash_t *mh = bf_minhash_create(o->n_perm, o->seed);
	bf_uf_t uf = { 0 };
	verify_ctx_t vc = { f, o->threshold };
	bf_verifier_t ver = { verify, verify_prefetch, &vc };
	band_ctx_t bc = { f, mh, p.rows, o->seed };
	bf_lshlink_counts_t lc = { 0 };
	bool good = d->cluster_of && mh && p.rows <= BF_MAX_ROWS &&
	            bf_uf_init(&uf, d->n_types) == BF_OK &&
	            bf_lsh_link_keys(d->n_types, d->bands, type_band_keys, &bc,
	                             o->n_threads, &ver, &uf, &lc) == BF_OK;
	bf_minhash_free(mh);
	d->n_candidates = lc.n_candidates;
	d->n_links = lc.n_links;
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
	free(d->cluster_of);
	free(d->cl_first);
	free(d->cl_size);
	free(d->cl_support);
	memset(d, 0, sizeof *d);
}
