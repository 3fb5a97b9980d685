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
#include "bf_scatter.h"
#include "bf_shingle.h"
#include "bf_uf.h"

#include <omp.h>
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

/* Signature rows computed before they are hashed in one call (16 KiB):
 * a call per type cost more than hashing its key (0.5 s of a -j1 run on
 * the 1 GB dump, against 0.1 s in blocks). */
#define KEY_BLOCK_ROWS 4096u
_Static_assert(BF_MAX_ROWS <= KEY_BLOCK_ROWS, "a block holds one signature's band");

/* Keys of one band for types [lo, lo+n): that band's rows of each type's
 * MinHash signature, hashed.  Only this band's permutations are evaluated,
 * so all bands together cost one signature per type. */
static void type_band_keys(const void *ctx, uint32_t band, size_t lo, size_t n,
                           bf_bandkey_t *out)
{
	const band_ctx_t *b = ctx;
	uint32_t rows[KEY_BLOCK_ROWS];
	size_t per = KEY_BLOCK_ROWS / b->rows;
	for (size_t i0 = 0; i0 < n; i0 += per) {
		size_t m = n - i0 < per ? n - i0 : per;
		for (size_t i = 0; i < m; i++) {
			size_t t = lo + i0 + i;
			bf_minhash_sign32_range(b->mh, bf_type_sh(b->f, t), bf_type_n_sh(b->f, t),
			                        band * b->rows, b->rows, rows + i * b->rows);
		}
		bf_lsh_band_keys(rows, m, b->rows, 0, b->rows, (uint32_t)(lo + i0),
		                 b->seed + band, out + i0);
	}
}

/* Items per thread below which the numbering runs on one thread. */
#define NUMBER_PAR_MIN 65536u

/* Cluster sizes and supports of sentences [lo, hi) (whole articles) into
 * size and support, last[cl] the last article counted for cl. */
static void count_clusters(const bf_dedup_t *d, const bf_corpus_t *c, size_t lo, size_t hi,
                           uint32_t *size, uint32_t *support, uint32_t *last)
{
	for (size_t s = lo; s < hi; s++) {
		uint32_t cl = d->cluster_of[s], art = c->sent[s].article;
		if (size[cl]++ == 0 || last[cl] != art)
			support[cl]++;
		last[cl] = art;
	}
}

/* Where thread t of nt starts in the sentences: an article boundary, so
 * that each article's sentences are counted by one thread. */
static size_t slice_start(const bf_corpus_t *c, size_t n, int t, int nt)
{
	size_t s = n * (size_t)t / (size_t)nt;
	while (s > 0 && s < n && c->sent[s].article == c->sent[s - 1].article)
		s++;
	return s;
}

/* Cluster ids of the types (cl_of_type holds each type's root on entry):
 * roots numbered in type order.  A root is its set's smallest type, and
 * types are numbered by first sentence, so this numbers clusters by their
 * first sentence, which is their root type's: into first[id].  Returns
 * the count. */
static size_t number_roots(uint32_t *cl_of_type, size_t n_types, const uint32_t *type_rep,
                           uint32_t *first)
{
	size_t nc = 0;
	for (size_t t = 0; t < n_types; t++) {
		uint32_t r = cl_of_type[t];
		if (r == t)
			first[nc] = type_rep[t];
		cl_of_type[t] = r == t ? (uint32_t)nc++ : cl_of_type[r];
	}
	return nc;
}

/* Dense cluster ids in order of first sentence, sizes and support.  The
 * roots are found in parallel (read-only finds) and numbered in type
 * order; each thread counts its slice of whole articles into tables of
 * its own (size, support, last article), summed in thread order: the
 * same counts at any thread count (at -j2 on the 1 GB dump this was
 * ~0.08 s on one thread). */
static bool number_clusters(bf_dedup_t *d, const bf_corpus_t *c, const bf_uf_t *uf, int nt)
{
	size_t n_types = d->n_types, n = d->n_sent;
	nt = bf_scatter_threads(nt, n, NUMBER_PAR_MIN); /* tables: a row per thread */
	uint32_t *cl_of_type = malloc((n_types ? n_types : 1) * sizeof *cl_of_type);
	d->cl_first = malloc((n_types ? n_types : 1) * sizeof *d->cl_first);
	if (!cl_of_type || !d->cl_first) {
		free(cl_of_type);
		return false;
	}
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
	for (long t = 0; t < (long)n_types; t++)
		cl_of_type[t] = bf_uf_root(uf, (uint32_t)t);
	size_t nc = d->n_clusters = number_roots(cl_of_type, n_types, d->type_rep, d->cl_first);
	uint32_t *fit = realloc(d->cl_first, (nc ? nc : 1) * sizeof *fit);
	d->cl_first = fit ? fit : d->cl_first;
	d->cl_size = calloc(nc ? nc : 1, sizeof *d->cl_size);
	d->cl_support = calloc(nc ? nc : 1, sizeof *d->cl_support);
	size_t stride = 3 * (nc ? nc : 1); /* per thread: size, support, last */
	/* zeroed: a thread the runtime does not give leaves its row at 0 */
	uint32_t *tab = calloc((size_t)nt * stride, sizeof *tab);
	bool good = d->cl_size && d->cl_support && tab;
#pragma omp parallel num_threads(nt) if (good && nt > 1)
	{
		int t = omp_get_thread_num(), tn = omp_get_num_threads();
		size_t lo = slice_start(c, n, t, tn), hi = slice_start(c, n, t + 1, tn);
		uint32_t *mine = tab + (size_t)t * stride;
		for (size_t s = lo; good && s < hi; s++)
			d->cluster_of[s] = cl_of_type[d->type_of[s]];
		if (good)
			count_clusters(d, c, lo, hi, mine, mine + nc, mine + 2 * nc);
	}
	/* summed in thread order: the same counts at any thread count */
#pragma omp parallel for schedule(static) num_threads(nt) if (good && nt > 1)
	for (long cl = 0; cl < (long)(good ? nc : 0); cl++)
		for (int t = 0; t < nt; t++) {
			const uint32_t *mine = tab + (size_t)t * stride;
			d->cl_size[cl] += mine[cl];
			d->cl_support[cl] += mine[nc + cl];
		}
	free(tab);
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
	good = good && number_clusters(d, c, &uf, o->n_threads);
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
