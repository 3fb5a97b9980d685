/* lsh.c - LSH banding of MinHash signatures.
 *
 * Mining of Massive Datasets (Leskovec, Rajaraman & Ullman), ch. 3.4: cut
 * each signature into b bands of r rows and hash each band; items whose keys
 * agree in some band are candidate pairs.  Items of Jaccard s become
 * candidates with probability 1 - (1 - s^r)^b, an S-curve whose steepest
 * point is near (1/b)^(1/r), so b and r place the threshold. */
#include "bf_lsh.h"
#include "bf_scatter.h"

#include <assert.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "bf_xxhash.h"

/* Intervals of the composite Simpson rule over each of [0,t] and [t,1]
 * (even).  datasketch's _optimal_param integrates with a 0.001 step; 1000
 * Simpson intervals are at least as fine.  Cost: ~0.07 ms per (b,r) point,
 * ~50 ms for n_perm = 128 (~100 ms for 256), paid once per run. */
#define BF_LSH_SIMPSON_STEPS 1000

/* Odd constant (2^64 / golden ratio) that spreads band numbers over the
 * seed space, so band keys of different bands are unrelated hashes. */
#define BF_LSH_BAND_SEED_MUL 0x9E3779B97F4A7C15ull

/* LSD radix sort digits: 8 bits keeps every histogram in 256 counters, so
 * all 12 fit in 24 KiB of stack and are filled in one read of the input. */
#define BF_RADIX_BITS 8
#define BF_RADIX_BUCKETS (1u << BF_RADIX_BITS)
#define BF_RADIX_ID_PASSES (32 / BF_RADIX_BITS)
#define BF_RADIX_KEY_PASSES (64 / BF_RADIX_BITS)
#define BF_RADIX_PASSES (BF_RADIX_ID_PASSES + BF_RADIX_KEY_PASSES)
/* Top-bits passes of bf_bandkey_sort: 8-bit digits (a 2 KiB histogram per
 * pass), at most 5 (40 bits); runs of equal top bits up to BF_SHORT_RUN
 * items are insertion-sorted.  8 bits and not 11: the parallel sort's
 * first scatter then writes 256 streams per thread, not 2048, and each
 * bucket (~10 k keys of a 2.45 M-key band) sorts within L2: 2.45 M keys
 * 27.8 -> 18.7 ms on one thread, 16.1 -> 9.4 ms on two (1 GB dump's
 * dedup -j2 1.38 -> 1.27 s, -j1 2.48 -> 2.32 s). */
#define BF_TOP_BITS 8u
#define BF_TOP_BUCKETS (1u << BF_TOP_BITS)
#define BF_TOP_MAX_PASSES 5u
#define BF_SHORT_RUN 32u
/* bf_bandkey_sort_mt: below this many keys one thread sorts (a team costs
 * more than it saves); at most this many threads (histograms). */
#define BF_SORT_PAR_MIN 65536u
#define BF_SORT_MAX_THREADS 64

double bf_lsh_prob(double s, uint32_t bands, uint32_t rows)
{
	return 1.0 - pow(1.0 - pow(s, (double)rows), (double)bands);
}

/* P(candidate) itself (miss == 0) or 1 - P (miss == 1). */
static double lsh_curve(double s, uint32_t bands, uint32_t rows, int miss)
{
	double p = bf_lsh_prob(s, bands, rows);
	return miss ? 1.0 - p : p;
}

/* Composite Simpson rule for the area under lsh_curve on [lo, hi]. */
static double lsh_area(double lo, double hi, uint32_t bands, uint32_t rows,
                       int miss)
{
	const double step = (hi - lo) / BF_LSH_SIMPSON_STEPS;
	double sum = lsh_curve(lo, bands, rows, miss) +
	             lsh_curve(hi, bands, rows, miss);
	for (int i = 1; i < BF_LSH_SIMPSON_STEPS; i++)
		sum += (i & 1 ? 4.0 : 2.0) *
		       lsh_curve(lo + i * step, bands, rows, miss);
	return sum * step / 3.0;
}

/* The best rows for b bands: the first r (fewest rows) of least error
 * among b * r <= n_perm; its error in *err. */
static uint32_t best_rows(double threshold, uint32_t n_perm, uint32_t b,
                          double fp_weight, double fn_weight, double *err)
{
	uint32_t best = 0;
	*err = INFINITY;
	for (uint32_t r = 1; r <= n_perm / b; r++) {
		double fp = lsh_area(0.0, threshold, b, r, 0);
		double fn = lsh_area(threshold, 1.0, b, r, 1);
		double e = fp_weight * fp + fn_weight * fn;
		if (e < *err) {
			*err = e;
			best = r;
		}
	}
	return best;
}

/* Exhaustive search as in datasketch's MinHashLSH._optimal_param: the grid
 * of (b, r) with b*r <= n_perm is small (~n_perm ln n_perm points), so
 * trying every point is simpler than any search and cannot miss the
 * optimum.  The false positive area lies under the S-curve left of the
 * threshold, the false negative area above it to the right.  Among equal
 * errors the first point wins: fewest bands, then fewest rows.  Each band
 * count's best is found apart (in parallel: the search is ~50 ms of pow()
 * for 128 permutations, once per run, before the dedup stage can start),
 * and they are compared in band order, as one serial scan would. */
bf_lsh_params_t bf_lsh_choose(double threshold, uint32_t n_perm,
                              double fp_weight, double fn_weight, int n_threads)
{
	bf_lsh_params_t best = {0, 0}; /* stays {0,0} only if n_perm == 0 */
	double best_err = INFINITY;
	double *err = malloc((n_perm ? n_perm : 1) * sizeof *err);
	uint32_t *rows = malloc((n_perm ? n_perm : 1) * sizeof *rows);
	bool table = err && rows; /* else each band count in turn below */
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads > 1 ? n_threads : 1) if (table && n_threads > 1)
	for (long b = 1; b <= (long)(table ? n_perm : 0); b++)
		rows[b - 1] = best_rows(threshold, n_perm, (uint32_t)b, fp_weight, fn_weight, &err[b - 1]);
	for (uint32_t b = 1; b <= n_perm; b++) {
		double e;
		uint32_t r = table ? rows[b - 1]
		                   : best_rows(threshold, n_perm, b, fp_weight, fn_weight, &e);
		e = table ? err[b - 1] : e;
		if (e < best_err) {
			best_err = e;
			best.bands = b;
			best.rows = r;
		}
	}
	free(err);
	free(rows);
	return best;
}

/* The key hashes the rows' bytes in native order: keys only group the items
 * of one run and are never written out, so byte order does not matter, and
 * a 64-bit hash makes unrelated bands colliding (a spurious candidate, later
 * rejected by the exact Jaccard check) vanishingly rare.  Inlined with
 * row_len a constant (bf_lsh_band_keys), XXH3 drops its length dispatch. */
__attribute__((always_inline)) static inline void
band_keys_len(const uint32_t *r0, size_t n, uint32_t n_perm, size_t row_len,
              uint32_t first_id, uint64_t band_seed, bf_bandkey_t *out)
{
	for (size_t i = 0; i < n; i++) {
		out[i].key = XXH3_64bits_withSeed(r0 + i * n_perm, row_len, band_seed);
		out[i].id = first_id + (uint32_t)i;
		out[i].pad_ = 0;
	}
}

void bf_lsh_band_keys(const uint32_t *sigs, size_t n, uint32_t n_perm,
                      uint32_t band, uint32_t rows, uint32_t first_id,
                      uint64_t seed, bf_bandkey_t *out)
{
	assert(((uint64_t)band + 1) * rows <= n_perm); /* band inside signature */
	const uint64_t band_seed =
		seed ^ ((uint64_t)band + 1) * BF_LSH_BAND_SEED_MUL;
	const uint32_t *r0 = sigs + (size_t)band * rows;
	/* the row counts bf_lsh_choose picks for thresholds 0.3..0.9 at 64 to
	 * 256 permutations; kbench bandkeys: 2.0 -> 1.6 ns per key */
	switch (rows) {
	case 4: band_keys_len(r0, n, n_perm, 16, first_id, band_seed, out); break;
	case 5: band_keys_len(r0, n, n_perm, 20, first_id, band_seed, out); break;
	case 6: band_keys_len(r0, n, n_perm, 24, first_id, band_seed, out); break;
	case 7: band_keys_len(r0, n, n_perm, 28, first_id, band_seed, out); break;
	case 8: band_keys_len(r0, n, n_perm, 32, first_id, band_seed, out); break;
	default:
		band_keys_len(r0, n, n_perm, (size_t)rows * sizeof *sigs, first_id, band_seed, out);
	}
}

static unsigned radix_digit(const bf_bandkey_t *k, unsigned pass)
{
	if (pass < BF_RADIX_ID_PASSES)
		return (k->id >> (BF_RADIX_BITS * pass)) & (BF_RADIX_BUCKETS - 1);
	pass -= BF_RADIX_ID_PASSES;
	return (unsigned)(k->key >> (BF_RADIX_BITS * pass)) &
	       (BF_RADIX_BUCKETS - 1);
}

/* LSD radix sort on the 96-bit key (key, id): id digits first, then key
 * digits, each pass a stable counting sort.  A total order (not just by key)
 * makes the candidate runs, and so the output, independent of how the
 * caller's threads produced the input (STYLE.md section 6).
 *
 * Cheap cases are skipped: when the ids already ascend (the usual case, as
 * bf_lsh_band_keys writes them) the id passes are redundant because the key
 * passes are stable; and a pass whose digit is the same for every entry
 * would copy the array unchanged, which all 12 histograms, counted in one
 * read, reveal in advance. */
static void sort_full(bf_bandkey_t *keys, size_t n, bf_bandkey_t *tmp)
{
	if (n < 2)
		return;
	size_t hist[BF_RADIX_PASSES][BF_RADIX_BUCKETS];
	memset(hist, 0, sizeof hist);
	int ids_ascending = 1;
	for (size_t i = 0; i < n; i++) {
		for (unsigned p = 0; p < BF_RADIX_PASSES; p++)
			hist[p][radix_digit(&keys[i], p)]++;
		if (i > 0 && keys[i].id < keys[i - 1].id)
			ids_ascending = 0;
	}

	bf_bandkey_t *src = keys, *dst = tmp;
	unsigned first = ids_ascending ? BF_RADIX_ID_PASSES : 0;
	for (unsigned p = first; p < BF_RADIX_PASSES; p++) {
		size_t *pos = hist[p];
		if (pos[radix_digit(&src[0], p)] == n)
			continue;
		size_t off = 0;
		for (unsigned d = 0; d < BF_RADIX_BUCKETS; d++) {
			size_t c = pos[d];
			pos[d] = off;
			off += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[pos[radix_digit(&src[i], p)]++] = src[i];
		bf_bandkey_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof *keys);
}

/* Stable insertion sort of a short run by key alone. */
static void sort_run_by_key(bf_bandkey_t *k, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		bf_bandkey_t x = k[i];
		size_t j = i;
		for (; j > 0 && k[j - 1].key > x.key; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* Order within runs of equal top bits: almost every run is one key (a
 * single item, or the copies of one band that LSH is looking for); the
 * rare mixed run is short and insertion-sorted, a long one radix-sorted. */
static void sort_runs(bf_bandkey_t *keys, size_t n, unsigned top_bits, bf_bandkey_t *tmp)
{
	unsigned shift = 64 - top_bits;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		bool mixed = false;
		while (j < n && keys[j].key >> shift == keys[i].key >> shift) {
			mixed |= keys[j].key != keys[i].key;
			j++;
		}
		if (mixed && j - i <= BF_SHORT_RUN)
			sort_run_by_key(keys + i, j - i);
		else if (mixed)
			sort_full(keys + i, j - i, tmp);
		i = j;
	}
}

/* Sorts keys[0..n), ids ascending, whose keys agree on their top `used`
 * bits: LSD passes (stable counting sorts) on the next BF_TOP_BITS digits,
 * enough of them that a run of equal top bits holds about one distinct
 * key, then sort_runs.  The order is the same total (key, id) order as
 * sort_full, in 2 or 3 passes instead of 8: band keys are uniform hashes,
 * so their top bits already separate them. */
static void sort_below(bf_bandkey_t *keys, size_t n, unsigned used, bf_bandkey_t *tmp)
{
	unsigned passes = 1;
	while (passes < BF_TOP_MAX_PASSES && ((size_t)1 << (BF_TOP_BITS * passes)) < n)
		passes++;
	if (used + BF_TOP_BITS * passes > 64)
		passes = (64 - used) / BF_TOP_BITS;
	size_t hist[BF_TOP_MAX_PASSES][BF_TOP_BUCKETS];
	memset(hist, 0, passes * sizeof hist[0]);
	unsigned low = 64 - used - BF_TOP_BITS * passes; /* lowest bit of the digits */
	for (size_t i = 0; i < n; i++)
		for (unsigned p = 0; p < passes; p++)
			hist[p][(keys[i].key >> (low + BF_TOP_BITS * p)) & (BF_TOP_BUCKETS - 1)]++;
	bf_bandkey_t *src = keys, *dst = tmp;
	for (unsigned p = 0; p < passes; p++) {
		unsigned sh = low + BF_TOP_BITS * p;
		size_t off = 0, *pos = hist[p];
		for (unsigned d = 0; d < BF_TOP_BUCKETS; d++) {
			size_t c = pos[d];
			pos[d] = off;
			off += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[pos[(src[i].key >> sh) & (BF_TOP_BUCKETS - 1)]++] = src[i];
		bf_bandkey_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof *keys);
	sort_runs(keys, n, used + BF_TOP_BITS * passes, tmp);
}

static bool ids_ascend(const bf_bandkey_t *keys, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (keys[i].id <= keys[i - 1].id)
			return false;
	return true;
}

void bf_bandkey_sort(bf_bandkey_t *keys, size_t n, bf_bandkey_t *tmp)
{
	if (n < 2 || !ids_ascend(keys, n))
		sort_full(keys, n, tmp);
	else
		sort_below(keys, n, 0, tmp);
}

static inline unsigned top_digit(const bf_bandkey_t *k)
{
	return (unsigned)(k->key >> (64 - BF_TOP_BITS));
}

/* The parallel sort's scatter by the top digit, as bf_scatter_run
 * callbacks.  The ids must ascend (the stable order the parts rely on):
 * each slice checks its keys and the key before it while it counts (a
 * serial check was 30 ms of one thread on the 1 GB dump), and room()
 * stops the scatter when one did not. */
typedef struct {
	const bf_bandkey_t *keys;
	bf_bandkey_t *tmp;
	bool asc; /* cleared by a slice whose ids do not ascend */
} top_scatter_t;

static void top_count(void *ctx, size_t lo, size_t hi, size_t *row)
{
	top_scatter_t *y = ctx;
	const bf_bandkey_t *k = y->keys;
	bool up = lo == 0 || lo >= hi || k[lo - 1].id < k[lo].id;
	for (size_t i = lo; i < hi; i++) {
		row[top_digit(&k[i])]++;
		up &= i == lo || k[i - 1].id < k[i].id;
	}
	if (!up) {
#pragma omp atomic write
		y->asc = false;
	}
}

static bool top_room(void *ctx, size_t total)
{
	(void)total; /* tmp has room for all */
	return ((const top_scatter_t *)ctx)->asc;
}

static void top_place(void *ctx, size_t lo, size_t hi, size_t *row)
{
	top_scatter_t *y = ctx;
	for (size_t i = lo; i < hi; i++)
		y->tmp[row[top_digit(&y->keys[i])]++] = y->keys[i];
}

/* Parallel form: one stable scatter by the top digit (bf_scatter_run:
 * each thread counts and moves one fixed slice, slice t's entries after
 * slice t-1's in every bucket, so the order is the serial one), then the
 * buckets are sorted independently (sort_below).  The result is the same
 * bytes as bf_bandkey_sort at any thread count. */
void bf_bandkey_sort_mt(bf_bandkey_t *keys, size_t n, bf_bandkey_t *tmp, int n_threads)
{
	int nt = n_threads > BF_SORT_MAX_THREADS ? BF_SORT_MAX_THREADS : n_threads;
	size_t first[BF_TOP_BUCKETS + 1];
	top_scatter_t y = { keys, tmp, true };
	bf_scatter_fns_t fns = { top_count, top_room, top_place, NULL, &y };
	if (nt < 2 || n < BF_SORT_PAR_MIN || !bf_scatter_run(n, BF_TOP_BUCKETS, nt, first, &fns)) {
		/* one thread: small, out of memory, or ids not ascending */
		bf_bandkey_sort(keys, n, tmp);
		return;
	}
	/* 4 buckets a hand-out (~0.2 ms on the 1 GB dump's bands): 16 left
	 * one thread alone up to ~0.9 ms at each sort's end */
#pragma omp parallel for schedule(dynamic, 4) num_threads(nt)
	for (long d = 0; d < (long)BF_TOP_BUCKETS; d++) {
		size_t b = first[d], m = first[d + 1] - b;
		if (m <= BF_SHORT_RUN)
			sort_run_by_key(tmp + b, m);
		else
			sort_below(tmp + b, m, BF_TOP_BITS, keys + b);
		memcpy(keys + b, tmp + b, m * sizeof *keys);
	}
}
