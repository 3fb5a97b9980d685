/* lshlink.c - banded LSH candidates, verified, merged (see bf_lshlink.h). */
#include "bf_lshlink.h"

#include <stdlib.h>
#include <string.h>

/* Items per slice when computing band keys, handed out one at a time (the
 * 1 GB dump's 2.45 M types in 65,536-item slices, split in fixed halves,
 * left one thread up to ~1.3 ms alone at each band's end), and the items
 * below which one thread computes them. */
#define KEY_SLICE 16384u
#define KEY_PAR_MIN 65536u
/* Keys per slice when listing a band's pairs. */
#define PAIR_SLICE 65536u
/* Keys ahead of the pair listing whose union-find parents are fetched. */
#define ROOT_AHEAD 32u
/* Candidate pairs per parallel unit of verification. */
#define PAIR_CHUNK 1024u

typedef struct {
	uint32_t a, b;
} pair_t;

/* Candidate pairs of the runs of equal keys starting in k[lo, hi) (a run
 * that starts there is followed to its end): each member with the run's
 * first and with its predecessor, unless already in one set.  Writes at
 * most 2 (hi - lo) pairs; reads uf only (bf_uf_root), so slices run at
 * once. */
static size_t band_pairs(const bf_bandkey_t *k, size_t n, size_t lo, size_t hi,
                         const bf_uf_t *uf, pair_t *out)
{
	size_t np = 0, pf = lo;
	for (size_t i = lo; i < hi;) {
		/* members of runs ahead: their parents fetched (random lines of
		 * the union-find: root lookups -20% of samples on the 1 GB dump) */
		for (; pf + 1 < n && pf < i + ROOT_AHEAD; pf++)
			if (k[pf].key == k[pf + 1].key) {
				__builtin_prefetch(&uf->parent[k[pf].id]);
				__builtin_prefetch(&uf->parent[k[pf + 1].id]);
			}
		size_t j = i + 1;
		while (j < n && k[j].key == k[i].key)
			j++;
		/* roots found once per member (uf is read-only here): the first's
		 * and the previous member's are kept */
		uint32_t r_first = j > i + 1 ? bf_uf_root(uf, k[i].id) : 0, r_prev = r_first;
		for (size_t m = i + 1; m < j; m++) {
			uint32_t id = k[m].id, r = bf_uf_root(uf, id);
			if (r_first != r)
				out[np++] = (pair_t){ k[i].id, id };
			if (m > i + 1 && r_prev != r)
				out[np++] = (pair_t){ k[m - 1].id, id };
			r_prev = r;
		}
		i = j;
	}
	return np;
}

/* First run start at or after i. */
static size_t run_start(const bf_bandkey_t *k, size_t n, size_t i)
{
	while (i > 0 && i < n && k[i].key == k[i - 1].key)
		i++;
	return i;
}

/* Every band pair in key order: fixed slices, cut at run starts, are
 * scanned in parallel.  Slice sl covers keys [lo_sl, lo_sl+1) exactly (its
 * last run ends where the next slice's first begins), so it writes its at
 * most 2 (lo_sl+1 - lo_sl) pairs at pairs + 2 lo_sl, apart from the
 * others; the slices are then packed in order.  Returns the count. */
static size_t all_band_pairs(const bf_bandkey_t *k, size_t n, const bf_uf_t *uf,
                             pair_t *pairs, int nt)
{
	size_t n_sl = n > PAIR_SLICE ? (n + PAIR_SLICE - 1) / PAIR_SLICE : 1;
	size_t *cnt = malloc(n_sl * sizeof *cnt), *lo = malloc((n_sl + 1) * sizeof *lo);
	if (!cnt || !lo || n_sl == 1) {
		free(cnt);
		free(lo);
		return band_pairs(k, n, 0, n, uf, pairs);
	}
	for (size_t sl = 0; sl <= n_sl; sl++)
		lo[sl] = run_start(k, n, sl * PAIR_SLICE < n ? sl * PAIR_SLICE : n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
	for (long sl = 0; sl < (long)n_sl; sl++)
		cnt[sl] = band_pairs(k, n, lo[sl], lo[sl + 1], uf, pairs + 2 * lo[sl]);
	size_t np = 0;
	for (size_t sl = 0; sl < n_sl; sl++) {
		/* np <= 2 lo[sl]: packing moves pairs down, never over unread ones */
		memmove(pairs + np, pairs + 2 * lo[sl], cnt[sl] * sizeof *pairs);
		np += cnt[sl];
	}
	free(cnt);
	free(lo);
	return np;
}

/* Pairs verified ahead of their prefetch stages (see bf_prefetch_fn). */
#define VERIFY_AHEAD0 16u
#define VERIFY_AHEAD1 8u

/* ok[i] = the test of pairs[i] for i in [lo, hi), each pair's data asked
 * for ahead: the items of candidate pairs lie at random in tables of
 * hundreds of MB (the tests' samples -40% on the 100 MB dump). */
static void verify_range(const bf_verifier_t *v, const pair_t *pairs, size_t lo, size_t hi,
                         unsigned char *ok)
{
	for (size_t i = lo; i < hi; i++) {
		if (v->prefetch) {
			if (i + VERIFY_AHEAD0 < hi)
				v->prefetch(v->ctx, pairs[i + VERIFY_AHEAD0].a, pairs[i + VERIFY_AHEAD0].b, 0);
			if (i + VERIFY_AHEAD1 < hi)
				v->prefetch(v->ctx, pairs[i + VERIFY_AHEAD1].a, pairs[i + VERIFY_AHEAD1].b, 1);
		}
		ok[i] = v->verify(v->ctx, pairs[i].a, pairs[i].b);
	}
}

bf_status_t bf_lsh_link_keys(size_t n, uint32_t bands, bf_band_keys_fn keys_fn,
                             const void *kctx, int n_threads,
                             const bf_verifier_t *v, bf_uf_t *uf,
                             bf_lshlink_counts_t *counts)
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
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (n > KEY_PAR_MIN)
		for (long lo = 0; lo < (long)n; lo += KEY_SLICE) {
			size_t cnt = n - (size_t)lo < KEY_SLICE ? n - (size_t)lo : KEY_SLICE;
			keys_fn(kctx, band, (size_t)lo, cnt, keys + lo);
		}
		bf_bandkey_sort_mt(keys, n, tmp, nt);
		size_t np = all_band_pairs(keys, n, uf, pairs, nt);
		counts->n_candidates += np;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (np > 2 * PAIR_CHUNK)
		for (long lo = 0; lo < (long)np; lo += PAIR_CHUNK)
			verify_range(v, pairs, (size_t)lo,
			             (size_t)lo + PAIR_CHUNK < np ? (size_t)lo + PAIR_CHUNK : np, ok);
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
