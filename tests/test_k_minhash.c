/* test_k_minhash.c - MinHash signatures vs exact Jaccard and a scalar
 * reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bf_minhash.h"
#include "testutil.h"

#define MAX_SET 700

/* Straightforward definition: permutation-major, one minimum at a time. */
static void ref_sign(const bf_minhash_t *mh, const uint64_t *h, size_t n,
                     uint32_t *sig)
{
	for (uint32_t i = 0; i < mh->n_perm; i++) {
		uint32_t m = UINT32_MAX;
		for (size_t j = 0; j < n; j++) {
			uint64_t y = mh->a[i] * h[j] + mh->b[i];
			uint32_t v = (uint32_t)(y >> 32);
			if (v < m)
				m = v;
		}
		sig[i] = m;
	}
}

/* Pins the generator: the parameters are part of the output format (the
 * briefing must not change when the code is rebuilt elsewhere). */
static void test_params(void **state)
{
	(void)state;
	assert_null(bf_minhash_create(0, 1));
	bf_minhash_free(NULL);

	bf_minhash_t *mh = bf_minhash_create(64, 0);
	assert_non_null(mh);
	assert_int_equal(mh->n_perm, 64);
	/* splitmix64 reference vectors for state 0 */
	assert_true(mh->a[0] == 0xe220a8397b1dcdafull);
	assert_true(mh->b[0] == 0x6e789e6aa1b965f4ull);
	assert_true(mh->a[1] == (0x06c45d188009454full | 1));
	bf_minhash_free(mh);

	static const uint64_t seeds[] = {1, 42, 0xdeadbeefcafef00dull};
	for (size_t s = 0; s < 3; s++) {
		mh = bf_minhash_create(300, seeds[s]);
		assert_non_null(mh);
		bf_test_rng_t rng = {seeds[s]};
		for (uint32_t i = 0; i < mh->n_perm; i++) {
			assert_true(mh->a[i] & 1);
			assert_true(mh->a[i] == (bf_test_rand(&rng) | 1));
			assert_true(mh->b[i] == bf_test_rand(&rng));
		}
		bf_minhash_free(mh);
	}

	/* same seed, same parameters; other seed, other parameters */
	bf_minhash_t *m1 = bf_minhash_create(128, 7);
	bf_minhash_t *m2 = bf_minhash_create(128, 7);
	bf_minhash_t *m3 = bf_minhash_create(128, 8);
	assert_memory_equal(m1->a, m2->a, 128 * sizeof *m1->a);
	assert_memory_equal(m1->b, m2->b, 128 * sizeof *m1->b);
	size_t n_same = 0;
	for (uint32_t i = 0; i < 128; i++)
		n_same += m1->a[i] == m3->a[i] || m1->b[i] == m3->b[i];
	assert_int_equal(n_same, 0);
	bf_minhash_free(m1);
	bf_minhash_free(m2);
	bf_minhash_free(m3);
}

static void test_sign_vs_reference(void **state)
{
	(void)state;
	static const uint32_t perms[] = {1, 3, 7, 64, 128, 129, 256};
	bf_test_rng_t rng = {21};
	uint64_t h[MAX_SET];
	uint32_t sig[256], ref[256];
	for (size_t p = 0; p < sizeof perms / sizeof *perms; p++) {
		bf_minhash_t *mh = bf_minhash_create(perms[p], 100 + p);
		assert_non_null(mh);
		for (int t = 0; t < 50; t++) {
			size_t n = bf_test_rand(&rng) % MAX_SET;
			for (size_t i = 0; i < n; i++)
				h[i] = bf_test_rand(&rng);
			if (t % 5 == 0) /* small values: top bits all zero */
				for (size_t i = 0; i < n; i++)
					h[i] &= 0xffff;
			bf_minhash_sign(mh, h, n, sig);
			ref_sign(mh, h, n, ref);
			assert_memory_equal(sig, ref, perms[p] * sizeof *sig);
		}
		bf_minhash_free(mh);
	}
}

static void test_empty_identical_repeats(void **state)
{
	(void)state;
	enum { NP = 128, N = 200 };
	bf_minhash_t *mh = bf_minhash_create(NP, 5);
	assert_non_null(mh);
	uint32_t s1[NP], s2[NP];
	uint64_t h[2 * N], g[N];

	memset(s1, 0, sizeof s1);
	bf_minhash_sign(mh, h, 0, s1);
	for (int i = 0; i < NP; i++)
		assert_true(s1[i] == UINT32_MAX);

	bf_test_rng_t rng = {31};
	for (int i = 0; i < N; i++)
		h[i] = bf_test_rand(&rng);
	bf_minhash_sign(mh, h, N, s1);
	assert_true(bf_minhash_estimate(s1, s1, NP) == 1.0);
	for (int i = 0; i < NP; i++)
		assert_true(s1[i] != UINT32_MAX);

	/* reversed order, every element twice: same set, same signature */
	for (int i = 0; i < N; i++) {
		g[i] = h[N - 1 - i];
		h[N + i] = h[i];
	}
	bf_minhash_sign(mh, g, N, s2);
	assert_memory_equal(s1, s2, sizeof s1);
	bf_minhash_sign(mh, h, 2 * N, s2);
	assert_memory_equal(s1, s2, sizeof s1);
	assert_true(bf_minhash_estimate(s1, s2, NP) == 1.0);

	/* one element: each position is that element's hash */
	bf_minhash_sign(mh, h, 1, s2);
	for (int i = 0; i < NP; i++)
		assert_true(s2[i] == (uint32_t)((mh->a[i] * h[0] + mh->b[i]) >> 32));

	/* other parameters give another signature of the same set */
	bf_minhash_t *mh2 = bf_minhash_create(NP, 6);
	bf_minhash_sign(mh2, h, N, s2);
	assert_true(bf_minhash_estimate(s1, s2, NP) < 0.1);
	bf_minhash_free(mh2);
	bf_minhash_free(mh);
}

static void test_estimate(void **state)
{
	(void)state;
	const uint32_t a[] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint32_t b[] = {1, 0, 3, 0, 5, 0, 7, 9};
	assert_true(bf_minhash_estimate(a, b, 8) == 0.5);
	assert_true(bf_minhash_estimate(a, b, 1) == 1.0);
	assert_true(bf_minhash_estimate(a, b, 2) == 0.5);
	assert_true(bf_minhash_estimate(a, a, 8) == 1.0);
	assert_true(bf_minhash_estimate(a + 1, a, 7) == 0.0);
}

static void shuffle(bf_test_rng_t *rng, uint64_t *h, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = bf_test_rand(rng) % i;
		uint64_t t = h[i - 1];
		h[i - 1] = h[j];
		h[j] = t;
	}
}

/* Builds A and B with |A∪B| = u and |A∩B| = c, so J = c/u exactly. */
static double make_pair(bf_test_rng_t *rng, uint64_t *a, size_t *na,
                        uint64_t *b, size_t *nb)
{
	size_t u = 100 + bf_test_rand(rng) % 501;           /* 100..600 */
	size_t c = (size_t)lround(bf_test_uniform(rng) * u); /* J in [0,1] */
	size_t rest = u - c;
	size_t a_only = (size_t)lround(rest * (0.25 + 0.5 * bf_test_uniform(rng)));
	*na = *nb = 0;
	for (size_t i = 0; i < u; i++) {
		uint64_t x = bf_test_rand(rng);
		if (i < c) {
			a[(*na)++] = x;
			b[(*nb)++] = x;
		} else if (i < c + a_only) {
			a[(*na)++] = x;
		} else {
			b[(*nb)++] = x;
		}
	}
	shuffle(rng, a, *na);
	shuffle(rng, b, *nb);
	return (double)c / (double)u;
}

/* Broder's estimator is unbiased with standard error sqrt(J(1-J)/n): check
 * both the spread (3 sigma, plus one position of slack for the discrete
 * estimate at J near 0 or 1) and the bias over many pairs. */
static void check_accuracy(uint32_t n_perm, uint64_t seed)
{
	enum { N_PAIRS = 500 };
	bf_minhash_t *mh = bf_minhash_create(n_perm, seed);
	assert_non_null(mh);
	uint64_t a[MAX_SET], b[MAX_SET];
	uint32_t sa[256], sb[256];
	bf_test_rng_t rng = {seed * 977};
	size_t n_out = 0;
	double err_sum = 0.0;
	for (int t = 0; t < N_PAIRS; t++) {
		size_t na, nb;
		double j = make_pair(&rng, a, &na, b, &nb);
		bf_minhash_sign(mh, a, na, sa);
		bf_minhash_sign(mh, b, nb, sb);
		double est = bf_minhash_estimate(sa, sb, n_perm);
		double se = sqrt(j * (1.0 - j) / n_perm);
		double err = est - j;
		err_sum += err;
		if (fabs(err) > 3.0 * se + 1.0 / n_perm)
			n_out++;
	}
	double mean_err = err_sum / N_PAIRS;
	print_message("n_perm %u: %zu of %d pairs beyond 3 SE, mean error %+.5f\n",
	              n_perm, n_out, N_PAIRS, mean_err);
	assert_true(n_out <= N_PAIRS / 100);
	assert_true(fabs(mean_err) < 0.01);
	bf_minhash_free(mh);
}

static void test_accuracy_128(void **state)
{
	(void)state;
	check_accuracy(128, 1);
}

static void test_accuracy_256(void **state)
{
	(void)state;
	check_accuracy(256, 2);
}

/* The range kernel on 32-bit values equals the full signature of the same
 * values widened to 64 bits, slice by slice, for every (first, count). */
static void test_sign32_range(void **state)
{
	(void)state;
	bf_minhash_t *mh = bf_minhash_create(128, 42);
	assert_non_null(mh);
	bf_test_rng_t rng = { 5 };
	uint32_t h32[64], full[128], part[128];
	uint64_t h64[64];
	for (int trial = 0; trial < 200; trial++) {
		size_t n = bf_test_rand(&rng) % 64; /* 0 included: all UINT32_MAX */
		for (size_t i = 0; i < n; i++) {
			h32[i] = (uint32_t)bf_test_rand(&rng);
			h64[i] = h32[i];
		}
		bf_minhash_sign(mh, h64, n, full);
		uint32_t first = (uint32_t)(bf_test_rand(&rng) % 128);
		uint32_t count = (uint32_t)(bf_test_rand(&rng) % (128 - first + 1));
		memset(part, 0xAB, sizeof part);
		bf_minhash_sign32_range(mh, h32, n, first, count, part);
		assert_memory_equal(part, full + first, count * sizeof *part);
		if (count < 128)
			assert_int_equal(part[count], 0xABABABABu); /* nothing past count */
	}
	bf_minhash_free(mh);
}

/* The band kernel by the 64-bit formula, one permutation at a time. */
static void ref_sign32_range(const bf_minhash_t *mh, const uint32_t *h,
                             size_t n, uint32_t first, uint32_t count,
                             uint32_t *sig)
{
	for (uint32_t i = 0; i < count; i++) {
		const uint64_t a = mh->a[first + i], b = mh->b[first + i];
		uint32_t m = UINT32_MAX;
		for (size_t j = 0; j < n; j++) {
			uint32_t v = (uint32_t)((a * (uint64_t)h[j] + b) >> 32);
			if (v < m)
				m = v;
		}
		sig[i] = m;
	}
}

/* Every kernel this CPU has (the portable one always; AVX2 and AVX-512
 * where present) and the dispatched one against the formula on
 * [first, first+count), and nothing written past count. */
static void check_range(const bf_minhash_t *mh, const uint32_t *h, size_t n,
                        uint32_t first, uint32_t count)
{
	static const bf_mh_kernel_t kernels[] = {BF_MH_PORTABLE, BF_MH_AVX2, BF_MH_AVX512};
	uint32_t ref[257], got[257];
	ref_sign32_range(mh, h, n, first, count, ref);
	for (size_t k = 0; k <= sizeof kernels / sizeof *kernels; k++) {
		memset(got, 0xAB, sizeof got);
		if (k == sizeof kernels / sizeof *kernels)
			bf_minhash_sign32_range(mh, h, n, first, count, got);
		else if (!bf_minhash_sign32_range_with(kernels[k], mh, h, n, first, count, got))
			continue; /* not on this CPU */
		assert_memory_equal(got, ref, count * sizeof *got);
		assert_int_equal(got[count], 0xABABABABu);
	}
}

/* Values of one of four kinds: any, near 0, near UINT32_MAX, or those
 * three mixed (the split a*x = a_lo*x + 2^32 a_hi*x carries most near the
 * top; small x leave the high product near zero). */
static void fill32(bf_test_rng_t *rng, uint32_t *h, size_t n, int kind)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t r = (uint32_t)bf_test_rand(rng);
		int k = kind < 3 ? kind : (int)(bf_test_rand(rng) % 3);
		h[i] = k == 0 ? r : k == 1 ? r % 64 : UINT32_MAX - r % 64;
	}
}

/* Edge multipliers and offsets, so the split sees every carry: a_lo or
 * a_hi zero or all ones, b near 0 and 2^64, b_lo all ones (the low add
 * carries into the top half).  The formula holds for even a too. */
static const uint64_t edge_a[] = {
	1, 3, 0xffffffffull, 0x100000001ull, 0xffffffff00000001ull,
	0x8000000000000001ull, 0x7fffffffffffffffull, UINT64_MAX,
	0xfffffffffffffffeull, 0x9E3779B97F4A7C15ull};
static const uint64_t edge_b[] = {
	0, 1, 0xffffffffull, 0x100000000ull, 0xffffffff00000000ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, UINT64_MAX,
	0xfffffffffffffffeull, 0x0123456789abcdefull};
#define N_EDGE (sizeof edge_a / sizeof *edge_a)

static void test_sign32_range_edges(void **state)
{
	(void)state;
	bf_minhash_t *mh = bf_minhash_create(N_EDGE * N_EDGE, 9);
	assert_non_null(mh);
	for (size_t i = 0; i < N_EDGE * N_EDGE; i++) {
		mh->a[i] = edge_a[i / N_EDGE];
		mh->b[i] = edge_b[i % N_EDGE];
	}
	bf_test_rng_t rng = {77};
	uint32_t h[40];
	/* one value: each position is pi(x) itself, no minimum to hide it */
	for (int t = 0; t < 2000; t++) {
		fill32(&rng, h, 1, t % 4);
		check_range(mh, h, 1, 0, N_EDGE * N_EDGE);
	}
	for (int t = 0; t < 500; t++) {
		size_t n = 1 + bf_test_rand(&rng) % 40;
		fill32(&rng, h, n, t % 4);
		check_range(mh, h, n, 0, N_EDGE * N_EDGE);
	}
	bf_minhash_free(mh);
}

/* Random sets of many sizes (0, below, at and past vectors of 8 and 16, long)
 * and random [first, first+count), count 1..n_perm. */
static void test_sign32_range_random(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 48, 1000};
	static const uint32_t perms[] = {1, 5, 128, 256};
	bf_test_rng_t rng = {123};
	static uint32_t h[1000];
	for (size_t p = 0; p < sizeof perms / sizeof *perms; p++) {
		const uint32_t np = perms[p];
		bf_minhash_t *mh = bf_minhash_create(np, 1000 + p);
		assert_non_null(mh);
		for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
			for (int t = 0; t < 60; t++) {
				size_t n = t < 40 ? sizes[s] : bf_test_rand(&rng) % 100;
				uint32_t count = 1 + (uint32_t)(bf_test_rand(&rng) % np);
				uint32_t first =
					(uint32_t)(bf_test_rand(&rng) % (np - count + 1));
				if (t == 0) { /* the whole signature */
					first = 0;
					count = np;
				}
				fill32(&rng, h, n, t % 4);
				check_range(mh, h, n, first, count);
			}
		bf_minhash_free(mh);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_sign_vs_reference),
		cmocka_unit_test(test_sign32_range),
		cmocka_unit_test(test_sign32_range_edges),
		cmocka_unit_test(test_sign32_range_random),
		cmocka_unit_test(test_empty_identical_repeats),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_accuracy_128),
		cmocka_unit_test(test_accuracy_256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
