/* test_k_lsh.c - LSH banding: S-curve, parameter choice, band keys and the
 * radix sort, and candidate recall vs an exact all-pairs Jaccard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bf_lsh.h"
#include "bf_minhash.h"
#include "testutil.h"

static void test_prob(void **state)
{
	(void)state;
	assert_float_equal(bf_lsh_prob(0.5, 1, 1), 0.5, 1e-15);
	assert_float_equal(bf_lsh_prob(0.5, 2, 1), 0.75, 1e-15);
	assert_float_equal(bf_lsh_prob(0.5, 1, 2), 0.25, 1e-15);
	assert_float_equal(bf_lsh_prob(0.5, 3, 2), 1.0 - 0.75 * 0.75 * 0.75,
	                   1e-15);
	/* 0.8^5 = 0.32768; 1 - (1 - 0.32768)^20 = 0.9996439421 */
	assert_float_equal(bf_lsh_prob(0.8, 20, 5), 0.99964394, 1e-8);
	assert_float_equal(bf_lsh_prob(0.0, 25, 5), 0.0, 0.0);
	assert_float_equal(bf_lsh_prob(1.0, 25, 5), 1.0, 0.0);
	/* monotone in s, more bands raise it, more rows lower it */
	for (double s = 0.05; s < 1.0; s += 0.05) {
		assert_true(bf_lsh_prob(s, 25, 5) > bf_lsh_prob(s - 0.05, 25, 5));
		assert_true(bf_lsh_prob(s, 26, 5) > bf_lsh_prob(s, 25, 5));
		assert_true(bf_lsh_prob(s, 25, 6) < bf_lsh_prob(s, 25, 5));
	}
}

/* The objective of bf_lsh_choose, written independently: composite Simpson
 * with `steps` intervals on [0,t] (area of P) and [t,1] (area of 1-P). */
static double objective(double t, uint32_t b, uint32_t r, double fpw,
                        double fnw, int steps)
{
	double fp = 0.0, fn = 0.0;
	double hf = t / steps, hn = (1.0 - t) / steps;
	for (int i = 0; i <= steps; i++) {
		double wgt = (i == 0 || i == steps) ? 1.0 : (i % 2 ? 4.0 : 2.0);
		double s1 = i * hf, s2 = t + i * hn;
		fp += wgt * (1.0 - pow(1.0 - pow(s1, r), b));
		fn += wgt * pow(1.0 - pow(s2, r), b);
	}
	return fpw * fp * hf / 3.0 + fnw * fn * hn / 3.0;
}

static void check_choice(double t, uint32_t n_perm, double fpw, double fnw)
{
	bf_lsh_params_t p = bf_lsh_choose(t, n_perm, fpw, fnw, 1);
	bf_lsh_params_t p3 = bf_lsh_choose(t, n_perm, fpw, fnw, 3); /* any thread count */
	assert_int_equal(p3.bands, p.bands);
	assert_int_equal(p3.rows, p.rows);
	assert_true(p.bands >= 1 && p.rows >= 1);
	assert_true((uint64_t)p.bands * p.rows <= n_perm);
	double best = INFINITY;
	uint32_t best_b = 0, best_r = 0;
	for (uint32_t b = 1; b <= n_perm; b++)
		for (uint32_t r = 1; b * r <= n_perm; r++) {
			double e = objective(t, b, r, fpw, fnw, 1000);
			if (e < best) {
				best = e;
				best_b = b;
				best_r = r;
			}
		}
	double got = objective(t, p.bands, p.rows, fpw, fnw, 1000);
	print_message("t=%.2f n=%u fp=%.2f fn=%.2f: chose %ux%u (%.3g), "
	              "grid min %ux%u (%.3g)\n", t, n_perm, fpw, fnw, p.bands,
	              p.rows, got, best_b, best_r, best);
	assert_true(got <= best + 1e-9);
	/* the 1000-interval rule must not pick a point that a far finer rule
	 * says is clearly worse than the true optimum */
	double fine_best = objective(t, best_b, best_r, fpw, fnw, 20000);
	assert_true(objective(t, p.bands, p.rows, fpw, fnw, 20000) <=
	            fine_best + 1e-6);
}

static void test_choose(void **state)
{
	(void)state;
	bf_lsh_params_t p = bf_lsh_choose(0.5, 128, 0.5, 0.5, 1);
	assert_true((uint64_t)p.bands * p.rows <= 128);
	double knee = pow(1.0 / p.bands, 1.0 / p.rows);
	print_message("choose(0.5, 128): %u bands x %u rows, knee %.3f\n",
	              p.bands, p.rows, knee);
	assert_true(fabs(knee - 0.5) < 0.15);

	/* higher threshold, more rows per band; the knee follows */
	bf_lsh_params_t q = bf_lsh_choose(0.9, 128, 0.5, 0.5, 1);
	assert_true(q.rows > p.rows);
	assert_true(fabs(pow(1.0 / q.bands, 1.0 / q.rows) - 0.9) < 0.15);
	/* one permutation leaves one choice */
	q = bf_lsh_choose(0.5, 1, 0.5, 0.5, 1);
	assert_int_equal(q.bands, 1);
	assert_int_equal(q.rows, 1);

	/* zero weights make every (b,r) tie: fewest bands, then fewest rows */
	q = bf_lsh_choose(0.5, 16, 0.0, 0.0, 1);
	assert_int_equal(q.bands, 1);
	assert_int_equal(q.rows, 1);
	q = bf_lsh_choose(0.5, 16, 0.0, 0.0, 4); /* the band order decides ties */
	assert_int_equal(q.bands, 1);
	assert_int_equal(q.rows, 1);
	/* only misses count: OR of single rows; only false positives: one
	 * band of all rows */
	q = bf_lsh_choose(0.5, 16, 0.0, 1.0, 1);
	assert_int_equal(q.bands, 16);
	assert_int_equal(q.rows, 1);
	q = bf_lsh_choose(0.5, 16, 1.0, 0.0, 1);
	assert_int_equal(q.bands, 1);
	assert_int_equal(q.rows, 16);

	check_choice(0.5, 128, 0.5, 0.5);
	check_choice(0.8, 128, 0.5, 0.5);
	check_choice(0.3, 64, 0.5, 0.5);
	check_choice(0.5, 128, 0.1, 0.9); /* misses cost more: fewer rows */
	check_choice(0.5, 128, 0.9, 0.1);
	check_choice(0.6, 17, 0.5, 0.5);
}

/* Band keys depend on exactly the band's rows, the band number and seed. */
static void test_band_keys(void **state)
{
	(void)state;
	enum { NP = 12, ROWS = 3, N = 5 };
	uint32_t sig[N][NP];
	bf_test_rng_t rng = {41};
	for (int i = 0; i < N; i++)
		for (int j = 0; j < NP; j++)
			sig[i][j] = (uint32_t)bf_test_rand(&rng);
	/* item 1 = item 0 on band 1 only; item 2 = item 0 everywhere but one
	 * row of band 1; item 3's band 2 holds item 0's band 1 */
	memcpy(&sig[1][3], &sig[0][3], ROWS * sizeof(uint32_t));
	memcpy(sig[2], sig[0], sizeof sig[0]);
	sig[2][4] ^= 1;
	memcpy(&sig[3][6], &sig[0][3], ROWS * sizeof(uint32_t));

	bf_bandkey_t k[4][N];
	memset(k, 0xff, sizeof k);
	for (uint32_t band = 0; band < 4; band++)
		bf_lsh_band_keys(&sig[0][0], N, NP, band, ROWS, 1000, 9, k[band]);
	for (int band = 0; band < 4; band++)
		for (int i = 0; i < N; i++) {
			assert_int_equal(k[band][i].id, 1000 + i);
			assert_int_equal(k[band][i].pad_, 0);
		}
	assert_true(k[1][1].key == k[1][0].key);
	assert_true(k[0][1].key != k[0][0].key);
	assert_true(k[2][1].key != k[2][0].key);
	assert_true(k[0][2].key == k[0][0].key);
	assert_true(k[1][2].key != k[1][0].key);
	assert_true(k[2][2].key == k[2][0].key);
	assert_true(k[3][2].key == k[3][0].key);
	assert_true(k[2][3].key != k[1][0].key); /* same rows, other band */

	/* the seed matters, and a sub-range of items gets the same keys */
	bf_bandkey_t s[N], sub[N];
	bf_lsh_band_keys(&sig[0][0], N, NP, 1, ROWS, 1000, 10, s);
	assert_true(s[0].key != k[1][0].key);
	bf_lsh_band_keys(&sig[2][0], 3, NP, 1, ROWS, 7, 9, sub);
	for (int i = 0; i < 3; i++) {
		assert_true(sub[i].key == k[1][2 + i].key);
		assert_int_equal(sub[i].id, 7 + i);
	}
	/* rows = whole signature */
	bf_lsh_band_keys(&sig[0][0], N, NP, 0, NP, 0, 9, s);
	assert_true(s[0].key != s[2].key);
	assert_true(s[0].key != k[0][0].key);
}

static int cmp_bk(const void *pa, const void *pb)
{
	const bf_bandkey_t *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

enum { KEY_RANDOM, KEY_POOL, KEY_LOWBYTE, KEY_HIGHBYTE, KEY_EQUAL, N_KEYKIND };
/* ID_RUNS: two ascending runs (evens, then odds), so that each half,
 * as two threads part the keys, ascends and only the seam does not */
enum { ID_ASC, ID_PERM, ID_DUP, ID_DESC, ID_RUNS, N_IDKIND };

static void test_bandkey_sort(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 3, 17, 256, 1000, 100000, 300000};
	const size_t cap = 300000;
	bf_bandkey_t *k = malloc(cap * sizeof *k);
	bf_bandkey_t *k2 = malloc(cap * sizeof *k2);
	bf_bandkey_t *ref = malloc(cap * sizeof *ref);
	bf_bandkey_t *tmp = malloc(cap * sizeof *tmp);
	assert_non_null(k);
	assert_non_null(k2);
	assert_non_null(ref);
	assert_non_null(tmp);
	bf_test_rng_t rng = {51};
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		size_t n = sizes[si];
		for (int kk = 0; kk < N_KEYKIND; kk++)
			for (int ik = 0; ik < N_IDKIND; ik++) {
				for (size_t i = 0; i < n; i++) {
					uint64_t r = bf_test_rand(&rng);
					uint64_t key = kk == KEY_RANDOM ? r
					             : kk == KEY_POOL ? (r % 7) * 0x9E3779B97F4A7C15ull
					             : kk == KEY_LOWBYTE ? r & 0xff
					             : kk == KEY_HIGHBYTE ? r & 0xff00000000000000ull
					             : 0x1234567890abcdefull;
					k[i].key = key;
					k[i].id = ik == ID_ASC ? (uint32_t)(i * 3)
					        : ik == ID_DESC ? (uint32_t)(n - i)
					        : ik == ID_DUP ? (uint32_t)(bf_test_rand(&rng) % 5) << 24
					        : ik == ID_RUNS ? (uint32_t)(i < n / 2 ? 2 * i : 2 * (i - n / 2) + 1)
					        : (uint32_t)i;
					k[i].pad_ = 0;
				}
				if (ik == ID_PERM) /* ids 0..n-1 in random order */
					for (size_t i = n; i > 1; i--) {
						size_t j = bf_test_rand(&rng) % i;
						uint32_t t = k[i - 1].id;
						k[i - 1].id = k[j].id;
						k[j].id = t;
					}
				memcpy(ref, k, n * sizeof *k);
				if (n)
					qsort(ref, n, sizeof *ref, cmp_bk);
				/* the threaded sort gives the same bytes at any count */
				for (int nt = 2; nt <= 3; nt++) {
					memcpy(k2, k, n * sizeof *k);
					bf_bandkey_sort_mt(k2, n, tmp, nt);
					if (n)
						assert_memory_equal(k2, ref, n * sizeof *k);
				}
				bf_bandkey_sort(k, n, tmp);
				if (n)
					assert_memory_equal(k, ref, n * sizeof *k);
			}
	}
	free(k);
	free(k2);
	free(ref);
	free(tmp);
}

/* --- candidate recall against all pairs ---------------------------------- */

enum {
	N_SETS = 2000,
	N_GROUPS = 150,
	NP_RECALL = 128,
	MAX_ELEMS = 300,
	N_BINS = 10,
};

typedef struct {
	uint64_t elem;
	uint32_t set;
} occ_t;

static int cmp_occ(const void *pa, const void *pb)
{
	const occ_t *a = pa, *b = pb;
	if (a->elem != b->elem)
		return a->elem < b->elem ? -1 : 1;
	return (a->set > b->set) - (a->set < b->set);
}

/* Groups of near-duplicates: each member is the group's base set with a
 * fraction f in [0, 0.7] of its elements replaced by fresh ones, so J with
 * the base is (1-f)/(1+f) and the pairs spread over the whole [0,1] range.
 * The remaining sets are unrelated.  Elements are random 64-bit values, as
 * shingle hashes are. */
static void make_sets(bf_test_rng_t *rng, uint64_t *elems, size_t *off)
{
	size_t s = 0, pos = 0;
	off[0] = 0;
	for (int g = 0; g < N_GROUPS && s < N_SETS; g++) {
		size_t m = 50 + bf_test_rand(rng) % (MAX_ELEMS - 50 + 1);
		size_t n_mem = 2 + bf_test_rand(rng) % 13;
		uint64_t *base = elems + pos;
		for (size_t i = 0; i < m; i++)
			base[i] = bf_test_rand(rng);
		off[++s] = pos += m;
		for (size_t k = 1; k < n_mem && s < N_SETS; k++) {
			uint64_t *mem = elems + pos;
			double f = 0.7 * bf_test_uniform(rng);
			memcpy(mem, base, m * sizeof *mem);
			for (size_t i = 0; i < m; i++)
				if (bf_test_uniform(rng) < f)
					mem[i] = bf_test_rand(rng);
			off[++s] = pos += m;
		}
	}
	for (; s < N_SETS; s++) {
		size_t m = 50 + bf_test_rand(rng) % (MAX_ELEMS - 50 + 1);
		for (size_t i = 0; i < m; i++)
			elems[pos + i] = bf_test_rand(rng);
		off[s + 1] = pos += m;
	}
}

/* Exact |A∩B| of every pair through an inverted index: a pair sharing no
 * element has intersection 0, so only runs of equal elements are visited. */
static uint16_t *all_pairs_intersections(const uint64_t *elems,
                                         const size_t *off)
{
	size_t n_occ = off[N_SETS];
	occ_t *occ = malloc(n_occ * sizeof *occ);
	uint16_t *inter = calloc((size_t)N_SETS * N_SETS, sizeof *inter);
	assert_non_null(occ);
	assert_non_null(inter);
	for (uint32_t s = 0; s < N_SETS; s++)
		for (size_t i = off[s]; i < off[s + 1]; i++) {
			occ[i].elem = elems[i];
			occ[i].set = s;
		}
	qsort(occ, n_occ, sizeof *occ, cmp_occ);
	for (size_t i = 0, j; i < n_occ; i = j) {
		for (j = i + 1; j < n_occ && occ[j].elem == occ[i].elem; j++)
			;
		for (size_t x = i; x < j; x++)
			for (size_t y = x + 1; y < j; y++)
				inter[(size_t)occ[x].set * N_SETS + occ[y].set]++;
	}
	free(occ);
	return inter;
}

static void test_recall(void **state)
{
	(void)state;
	bf_test_rng_t rng = {61};
	uint64_t *elems = malloc((size_t)N_SETS * MAX_ELEMS * sizeof *elems);
	size_t *off = malloc((N_SETS + 1) * sizeof *off);
	uint32_t *sigs = malloc((size_t)N_SETS * NP_RECALL * sizeof *sigs);
	uint8_t *cand = calloc((size_t)N_SETS * N_SETS, 1);
	bf_bandkey_t *keys = malloc(N_SETS * sizeof *keys);
	bf_bandkey_t *tmp = malloc(N_SETS * sizeof *tmp);
	assert_true(elems && off && sigs && cand && keys && tmp);

	make_sets(&rng, elems, off);
	uint16_t *inter = all_pairs_intersections(elems, off);

	bf_minhash_t *mh = bf_minhash_create(NP_RECALL, 77);
	assert_non_null(mh);
	for (size_t s = 0; s < N_SETS; s++)
		bf_minhash_sign(mh, elems + off[s], off[s + 1] - off[s],
		                sigs + s * NP_RECALL);
	bf_minhash_free(mh);

	bf_lsh_params_t p = bf_lsh_choose(0.5, NP_RECALL, 0.5, 0.5, 1);
	for (uint32_t band = 0; band < p.bands; band++) {
		bf_lsh_band_keys(sigs, N_SETS, NP_RECALL, band, p.rows, 0, 99, keys);
		bf_bandkey_sort(keys, N_SETS, tmp);
		for (size_t i = 0, j; i < N_SETS; i = j) {
			for (j = i + 1; j < N_SETS && keys[j].key == keys[i].key; j++)
				;
			for (size_t x = i; x < j; x++)
				for (size_t y = x + 1; y < j; y++) {
					uint32_t a = keys[x].id, b = keys[y].id;
					assert_true(a < b); /* runs sorted by id */
					/* equal keys must mean equal rows */
					assert_memory_equal(
						sigs + (size_t)a * NP_RECALL + band * p.rows,
						sigs + (size_t)b * NP_RECALL + band * p.rows,
						p.rows * sizeof *sigs);
					cand[(size_t)a * N_SETS + b] = 1;
				}
		}
	}

	size_t n_pairs[N_BINS] = {0}, n_found[N_BINS] = {0};
	double p_sum[N_BINS] = {0};
	size_t n_hi = 0, n_hi_found = 0;
	for (size_t a = 0; a < N_SETS; a++) {
		size_t na = off[a + 1] - off[a];
		for (size_t b = a + 1; b < N_SETS; b++) {
			size_t nb = off[b + 1] - off[b];
			size_t c = inter[a * N_SETS + b];
			double jac = (double)c / (double)(na + nb - c);
			int bin = (int)(jac * N_BINS);
			if (bin == N_BINS)
				bin--;
			int found = cand[a * N_SETS + b];
			n_pairs[bin]++;
			n_found[bin] += found;
			p_sum[bin] += bf_lsh_prob(jac, p.bands, p.rows);
			if (jac >= 0.7) {
				n_hi++;
				n_hi_found += found;
			}
		}
	}
	print_message("%u bands x %u rows; recall at J>=0.7: %zu/%zu\n", p.bands,
	              p.rows, n_hi_found, n_hi);
	assert_true(n_hi >= 200); /* the data really has near-duplicates */
	assert_true(n_hi_found >= 0.97 * n_hi);
	int n_checked = 0;
	for (int bin = 0; bin < N_BINS; bin++) {
		if (n_pairs[bin] < 50)
			continue;
		double measured = (double)n_found[bin] / n_pairs[bin];
		double expected = p_sum[bin] / n_pairs[bin];
		print_message("  J in [%.1f,%.1f): %7zu pairs, candidate rate %.4f, "
		              "S-curve %.4f\n", (double)bin / N_BINS,
		              (double)(bin + 1) / N_BINS, n_pairs[bin], measured,
		              expected);
		assert_true(fabs(measured - expected) < 0.1);
		n_checked++;
	}
	assert_true(n_checked >= 8); /* the pairs cover the S-curve */

	free(inter);
	free(elems);
	free(off);
	free(sigs);
	free(cand);
	free(keys);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prob),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_band_keys),
		cmocka_unit_test(test_bandkey_sort),
		cmocka_unit_test(test_recall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
