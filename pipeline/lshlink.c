/* lshlink.c - banded LSH candidates, verified, merged (see bf_lshlink.h). */
#include "bf_lshlink.h"

#include <stdlib.h>

/* Items per parallel slice when computing band keys. */
#define KEY_SLICE 65536u

typedef struct {
	uint32_t a, b;
} pair_t;

static size_t band_pairs(const bf_bandkey_t *k, size_t n, bf_uf_t *uf,
                         pair_t *out)
{
	size_t np = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && k[j].key == k[i].key)
			j++;
		for (size_t m = i + 1; m < j; m++) {
			uint32_t id = k[m].id;
			if (bf_uf_find(uf, k[i].id) != bf_uf_find(uf, id))
				out[np++] = (pair_t){ k[i].id, id };
			if (m > i + 1 && bf_uf_find(uf, k[m - 1].id) != bf_uf_find(uf, id))
				out[np++] = (pair_t){ k[m - 1].id, id };
		}
		i = j;
	}
	return np;
}

bf_status_t bf_lsh_link_keys(size_t n, uint32_t bands, bf_band_keys_fn keys_fn,
                             const void *kctx, int n_threads,
                             bf_verify_fn verify, const void *vctx,
                             bf_uf_t *uf, bf_lshlink_counts_t *counts)
{
	bf_bandkey_t *keys = malloc((n ? n : 1) * sizeof *keys);
	bf_bandkey_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	pair_t *pairs = malloc((2 * n + 1) * sizeof *pairs);
	unsigned char *ok = malloc(2 * n + 1);
	bool good = keys && tmp && pairs && ok;
	int nt = n_threads > 0 ? n_threads : 1;
	/* small inputs run these loops on one thread (the if clauses): waking
	 * and parking a team per band cost more than the work, and on a loaded
	 * machine spinning team threads made a 25-cluster DUC run take 12-20 s
	 * instead of under 2 s */
	for (uint32_t band = 0; good && band < bands; band++) {
#pragma omp parallel for schedule(static) num_threads(nt) if (n > KEY_SLICE)
		for (long lo = 0; lo < (long)n; lo += KEY_SLICE) {
			size_t cnt = n - (size_t)lo < KEY_SLICE ? n - (size_t)lo : KEY_SLICE;
			keys_fn(kctx, band, (size_t)lo, cnt, keys + lo);
		}
		bf_bandkey_sort(keys, n, tmp);
		size_t np = band_pairs(keys, n, uf, pairs);
		counts->n_candidates += np;
#pragma omp parallel for schedule(dynamic, 1024) num_threads(nt) if (np > 2048)
		for (long i = 0; i < (long)np; i++)
			ok[i] = verify(vctx, pairs[i].a, pairs[i].b);
		for (size_t i = 0; i < np; i++)
			if (ok[i])
				counts->n_links += (uint64_t)bf_uf_union(uf, pairs[i].a, pairs[i].b);
	}
	free(keys);
	free(tmp);
	free(pairs);
	free(ok);
	return good ? BF_OK : BF_ENOMEM;
}

typedef struct {
	const uint32_t *sig;
	uint32_t n_perm, rows;
	uint64_t seed;
} sig_keys_t;

static void sig_keys(const void *ctx, uint32_t band, size_t lo, size_t n,
                     bf_bandkey_t *out)
{
	const sig_keys_t *k = ctx;
	bf_lsh_band_keys(k->sig + lo * k->n_perm, n, k->n_perm, band, k->rows,
	                 (uint32_t)lo, k->seed, out);
}

bf_status_t bf_lsh_link(const uint32_t *sig, size_t n, uint32_t n_perm,
                        bf_lsh_params_t p, uint64_t seed, int n_threads,
                        bf_verify_fn verify, const void *ctx, bf_uf_t *uf,
                        bf_lshlink_counts_t *counts)
{
	sig_keys_t k = { sig, n_perm, p.rows, seed };
	return bf_lsh_link_keys(n, p.bands, sig_keys, &k, n_threads, verify, ctx,
	                        uf, counts);
}
