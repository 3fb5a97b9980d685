/* test_k_shingle.c - shingle hashing and exact set similarity vs references. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "bf_xxhash.h"

#include "bf_shingle.h"
#include "testutil.h"

#define SEED 0x5eedu

/* Splits s at single spaces into spans, as bf_normalize's output is. */
static size_t split_words(const char *s, bf_span_t *tok, size_t cap)
{
	size_t n = 0, len = strlen(s), beg = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == ' ') {
			if (i > beg) {
				assert_true(n < cap);
				tok[n].off = (uint32_t)beg;
				tok[n].len = (uint32_t)(i - beg);
				n++;
			}
			beg = i + 1;
		}
	}
	return n;
}

static uint64_t xxh(const char *s)
{
	return XXH3_64bits_withSeed(s, strlen(s), SEED);
}

static void test_count(void **state)
{
	(void)state;
	assert_int_equal(bf_shingle_count(0, 1), 0);
	assert_int_equal(bf_shingle_count(0, 3), 0);
	assert_int_equal(bf_shingle_count(1, 1), 1);
	assert_int_equal(bf_shingle_count(4, 1), 4);
	assert_int_equal(bf_shingle_count(2, 3), 1);
	assert_int_equal(bf_shingle_count(3, 3), 1);
	assert_int_equal(bf_shingle_count(4, 3), 2);
	assert_int_equal(bf_shingle_count(4, 5), 1);
	assert_int_equal(bf_shingle_count(100, 3), 98);
}

static void test_hash_substrings(void **state)
{
	(void)state;
	const char *s = "the quick brown fox";
	bf_span_t tok[8];
	uint64_t out[8];
	size_t n = split_words(s, tok, 8);
	assert_int_equal(n, 4);

	memset(out, 0, sizeof out);
	assert_int_equal(bf_shingle_hash(s, tok, n, 3, SEED, out), 2);
	assert_true(out[0] == xxh("the quick brown"));
	assert_true(out[1] == xxh("quick brown fox"));
	assert_true(out[2] == 0); /* nothing written past the count */

	assert_int_equal(bf_shingle_hash(s, tok, n, 5, SEED, out), 1);
	assert_true(out[0] == xxh("the quick brown fox"));

	assert_int_equal(bf_shingle_hash(s, tok, n, 4, SEED, out), 1);
	assert_true(out[0] == xxh("the quick brown fox"));

	assert_int_equal(bf_shingle_hash(s, tok, n, 1, SEED, out), 4);
	assert_true(out[0] == xxh("the"));
	assert_true(out[3] == xxh("fox"));

	/* The seed is used, not a fixed one. */
	bf_shingle_hash(s, tok, n, 3, SEED + 1, out);
	assert_true(out[0] != xxh("the quick brown"));
	assert_true(out[0] == XXH3_64bits_withSeed("the quick brown", 15,
	                                           SEED + 1));

	out[0] = 42;
	assert_int_equal(bf_shingle_hash(s, tok, 0, 3, SEED, out), 0);
	assert_true(out[0] == 42);
}

/* Spans must be honoured even when the words are not at the start of the
 * buffer, and repeated shingles hash equal. */
static void test_hash_offsets_and_repeats(void **state)
{
	(void)state;
	const char *s = "a b a b a b";
	bf_span_t tok[8];
	uint64_t out[8];
	size_t n = split_words(s, tok, 8);
	assert_int_equal(n, 6);
	/* skip the first word: hash "b a b a b" */
	assert_int_equal(bf_shingle_hash(s, tok + 1, n - 1, 2, SEED, out), 4);
	assert_true(out[0] == xxh("b a"));
	assert_true(out[1] == xxh("a b"));
	assert_true(out[2] == out[0]);
	assert_true(out[3] == out[1]);
	assert_int_equal(bf_hashset_make(out, 4), 2);
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a > b) - (a < b);
}

static size_t ref_make(uint64_t *h, size_t n)
{
	if (n == 0)
		return 0;
	qsort(h, n, sizeof *h, cmp_u64);
	size_t m = 1;
	for (size_t i = 1; i < n; i++)
		if (h[i] != h[m - 1])
			h[m++] = h[i];
	return m;
}

/* Values from a pool of n_distinct random hashes (0 = unrestricted); the
 * mask variant shares high bytes to drive the radix sort to deep levels. */
static void fill(bf_test_rng_t *rng, uint64_t *h, size_t n, size_t n_distinct,
                 uint64_t mask)
{
	for (size_t i = 0; i < n; i++) {
		/* pool members are spread over 64 bits by an odd multiplier */
		uint64_t v = n_distinct ? (bf_test_rand(rng) % n_distinct) *
		                                  0x9E3779B97F4A7C15ull
		                        : bf_test_rand(rng);
		h[i] = v & mask;
	}
}

static void test_hashset_make(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 3, 31, 32, 33, 34, 257, 1000,
	                               100000};
	static const uint64_t masks[] = {~0ull, 0xffull, 0xff00000000000000ull,
	                                 0x00000000000fffffull, 0};
	bf_test_rng_t rng = {11};
	size_t cap = 100000;
	uint64_t *h = malloc(cap * sizeof *h);
	uint64_t *ref = malloc(cap * sizeof *ref);
	assert_non_null(h);
	assert_non_null(ref);
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		size_t n = sizes[si];
		for (size_t mi = 0; mi < sizeof masks / sizeof *masks; mi++) {
			/* pool 0 = all distinct; small pools = many repeats */
			size_t pools[] = {0, 1, 2, n / 2 + 1, n / 50 + 1};
			for (size_t pi = 0; pi < 5; pi++) {
				fill(&rng, h, n, pools[pi], masks[mi]);
				memcpy(ref, h, n * sizeof *h);
				size_t m_ref = ref_make(ref, n);
				size_t m = bf_hashset_make(h, n);
				assert_int_equal(m, m_ref);
				assert_memory_equal(h, ref, m * sizeof *h);
			}
		}
	}
	/* already sorted, reversed, and all equal */
	size_t n = 5000;
	for (size_t i = 0; i < n; i++)
		h[i] = (uint64_t)i << 40;
	assert_int_equal(bf_hashset_make(h, n), n);
	for (size_t i = 0; i < n; i++)
		assert_true(h[i] == (uint64_t)i << 40);
	for (size_t i = 0; i < n; i++)
		h[i] = (uint64_t)(n - i) * 3;
	assert_int_equal(bf_hashset_make(h, n), n);
	for (size_t i = 0; i < n; i++)
		assert_true(h[i] == (uint64_t)(i + 1) * 3);
	for (size_t i = 0; i < n; i++)
		h[i] = UINT64_MAX;
	assert_int_equal(bf_hashset_make(h, n), 1);
	assert_true(h[0] == UINT64_MAX);
	free(h);
	free(ref);
}

static size_t brute_intersect(const uint64_t *a, size_t na, const uint64_t *b,
                              size_t nb)
{
	size_t c = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			c += a[i] == b[j];
	return c;
}

static void test_intersect_jaccard(void **state)
{
	(void)state;
	enum { CAP = 400, N_TRIALS = 2000 };
	uint64_t a[CAP], b[CAP];
	bf_test_rng_t rng = {12};
	for (int t = 0; t < N_TRIALS; t++) {
		/* draws from a small pool so the sets overlap by varying amounts */
		size_t pool = 1 + bf_test_rand(&rng) % 500;
		size_t na = bf_test_rand(&rng) % CAP;
		size_t nb = bf_test_rand(&rng) % CAP;
		if (t % 10 == 0)
			na = 0;
		for (size_t i = 0; i < na; i++)
			a[i] = (bf_test_rand(&rng) % pool) * 0x9E3779B97F4A7C15ull;
		for (size_t i = 0; i < nb; i++)
			b[i] = (bf_test_rand(&rng) % pool) * 0x9E3779B97F4A7C15ull;
		na = bf_hashset_make(a, na);
		nb = bf_hashset_make(b, nb);
		size_t c = brute_intersect(a, na, b, nb);
		assert_int_equal(bf_hashset_intersect(a, na, b, nb), c);
		assert_int_equal(bf_hashset_intersect(b, nb, a, na), c);
		double j = na + nb ? (double)c / (double)(na + nb - c) : 1.0;
		assert_true(bf_jaccard_sorted(a, na, b, nb) == j);
		assert_true(bf_jaccard_sorted(b, nb, a, na) == j);
		assert_true(bf_jaccard_sorted(a, na, a, na) == 1.0);
	}
	/* fixed cases */
	const uint64_t x[] = {1, 2, 3, 4}, y[] = {3, 4, 5, 6, 7, 8};
	assert_int_equal(bf_hashset_intersect(x, 4, y, 6), 2);
	assert_true(bf_jaccard_sorted(x, 4, y, 6) == 2.0 / 8.0);
	assert_true(bf_jaccard_sorted(x, 0, y, 0) == 1.0);
	assert_true(bf_jaccard_sorted(x, 4, y, 0) == 0.0);
	assert_true(bf_jaccard_sorted(x, 2, y, 6) == 0.0);
	const uint64_t big[] = {0, UINT64_MAX - 1, UINT64_MAX};
	const uint64_t top[] = {UINT64_MAX};
	assert_int_equal(bf_hashset_intersect(big, 3, top, 1), 1);
}

/* 32-bit sets: upper halves of random 64-bit sets, against a brute-force
 * count on the 32-bit values; collisions of upper halves are forced. */
static void test_sets32(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 99 };
	enum { MAXN = 200 };
	uint64_t a64[MAXN], b64[MAXN];
	uint32_t a[MAXN], b[MAXN];
	for (int trial = 0; trial < 2000; trial++) {
		size_t na = bf_test_rand(&rng) % MAXN, nb = bf_test_rand(&rng) % MAXN;
		/* few distinct upper halves, so equal halves (and repeats) occur */
		for (size_t i = 0; i < na; i++)
			a64[i] = (bf_test_rand(&rng) % 300) << 32 | (bf_test_rand(&rng) & 0xffffffffu);
		for (size_t i = 0; i < nb; i++)
			b64[i] = (bf_test_rand(&rng) % 300) << 32 | (bf_test_rand(&rng) & 0xffffffffu);
		na = bf_hashset_make(a64, na);
		nb = bf_hashset_make(b64, nb);
		size_t ka = bf_hashset_upper32(a64, na, a), kb = bf_hashset_upper32(b64, nb, b);
		/* brute force: distinct upper halves, intersection */
		size_t da = 0, db = 0, inter = 0;
		for (size_t i = 0; i < na; i++) {
			bool first = true;
			for (size_t j = 0; j < i; j++)
				first = first && (a64[j] >> 32) != (a64[i] >> 32);
			if (!first)
				continue;
			da++;
			bool in_b = false;
			for (size_t j = 0; j < nb; j++)
				in_b = in_b || (b64[j] >> 32) == (a64[i] >> 32);
			inter += in_b;
		}
		for (size_t i = 0; i < nb; i++) {
			bool first = true;
			for (size_t j = 0; j < i; j++)
				first = first && (b64[j] >> 32) != (b64[i] >> 32);
			db += first;
		}
		assert_int_equal(ka, da);
		assert_int_equal(kb, db);
		for (size_t i = 1; i < ka; i++)
			assert_true(a[i - 1] < a[i]);
		assert_int_equal(bf_hashset32_intersect(a, ka, b, kb), inter);
		double want = da + db ? (double)inter / (double)(da + db - inter) : 1.0;
		assert_true(bf_jaccard32_sorted(a, ka, b, kb) == want);
	}
}

static int cmp_u64_ref(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* bf_hash_sort keeps repeats (a multiset sort): equal to qsort's order. */
static void test_hash_sort(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 11 };
	static const size_t sizes[] = { 0, 1, 2, 31, 32, 33, 500, 70000 };
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
		assert_true(a && b);
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (bf_test_rand(&rng) % 97) * 0x0101010101010101ull + (i % 3);
		bf_hash_sort(a, n);
		qsort(b, n, sizeof *b, cmp_u64_ref);
		assert_memory_equal(a, b, n * sizeof *a);
		free(a);
		free(b);
	}
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return (a > b) - (a < b);
}

/* Brute-force reference of bf_hashset32_make: the upper halves, qsorted,
 * repeats dropped. */
static size_t ref_set32(const uint64_t *h, size_t n, uint32_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)(h[i] >> 32);
	qsort(out, n, sizeof *out, cmp_u32);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || out[m - 1] != out[i])
			out[m++] = out[i];
	return m;
}

/* Upper halves for fill32's modes 2 and 3: around the sign bit (the rank
 * path compares them biased to signed) and the extremes. */
static const uint32_t edge32[] = {0, 1, 0x7ffffffeu, 0x7fffffffu, 0x80000000u,
                                  0x80000001u, 0xfffffffeu, 0xffffffffu};

/* n hashes of one of 5 kinds: random; a few exact values repeated; a few
 * upper halves under random lower halves; edge upper halves under random
 * lower halves; ascending (the radix path's buckets are not random). */
static void fill32(bf_test_rng_t *rng, uint64_t *h, size_t n, unsigned mode)
{
	size_t pool = 1 + bf_test_rand(rng) % (n / 4 + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = bf_test_rand(rng), lo = bf_test_rand(rng) & 0xffffffffu;
		if (mode == 0)
			h[i] = r;
		else if (mode == 1)
			h[i] = (r % pool) * 0x9E3779B97F4A7C15ull;
		else if (mode == 2)
			h[i] = (uint64_t)(uint32_t)((r % pool) * 0x9E3779B9u) << 32 | lo;
		else if (mode == 3)
			h[i] = (uint64_t)edge32[r % 8] << 32 | lo;
		else
			h[i] = (uint64_t)i << 31 | lo; /* upper halves repeat in pairs */
	}
}

/* bf_hashset32_make against the brute force and against the two calls it
 * replaces, on every size across the rank widths and the radix threshold.
 * Buffers are exactly n long, so an overrun shows under ASan. */
static void test_hashset32_make(void **state)
{
	(void)state;
	bf_test_rng_t rng = {32};
	for (size_t n = 0; n <= 300; n++)
		for (unsigned mode = 0; mode < 5; mode++)
			for (int rep = 0; rep < 3; rep++) {
				uint64_t *h = malloc(n * sizeof *h + 1), *h2 = malloc(n * sizeof *h + 1);
				uint32_t *out = malloc(n * sizeof *out + 1);
				uint32_t *ref = malloc(n * sizeof *ref + 1), *old = malloc(n * sizeof *old + 1);
				assert_true(h && h2 && out && ref && old);
				fill32(&rng, h, n, mode);
				memcpy(h2, h, n * sizeof *h);
				size_t m_ref = ref_set32(h, n, ref);
				size_t m_old = bf_hashset_upper32(h2, bf_hashset_make(h2, n), old);
				size_t m = bf_hashset32_make(h, n, out);
				assert_int_equal(m, m_ref);
				assert_int_equal(m_old, m_ref);
				assert_memory_equal(out, ref, m * sizeof *out);
				assert_memory_equal(out, old, m * sizeof *out);
				free(h);
				free(h2);
				free(out);
				free(ref);
				free(old);
			}
}

/* bf_hash_sort_mt gives bf_hash_sort's array at any thread count: random
 * hashes, many repeats, and all in one top-byte bucket (one thread's
 * whole share goes to one bucket). */
static void test_hash_sort_mt(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 1000, 65536, 70001, 300000 };
	bf_test_rng_t rng = { 11 };
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (int kind = 0; kind < 3; kind++)
			for (int nt = 1; nt <= 4; nt++) {
				size_t n = sizes[si];
				uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
				uint64_t *tmp = malloc((n + 1) * sizeof *tmp);
				assert_non_null(a);
				assert_non_null(b);
				assert_non_null(tmp);
				for (size_t i = 0; i < n; i++) {
					uint64_t v = bf_test_rand(&rng);
					a[i] = kind == 0 ? v : kind == 1 ? v % 97 : v >> 8;
				}
				memcpy(b, a, n * sizeof *a);
				bf_hash_sort(b, n);
				bf_hash_sort_mt(a, n, tmp, nt);
				if (n)
					assert_memory_equal(a, b, n * sizeof *a);
				free(a);
				free(b);
				free(tmp);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_hash_substrings),
		cmocka_unit_test(test_hash_offsets_and_repeats),
		cmocka_unit_test(test_hashset_make),
		cmocka_unit_test(test_intersect_jaccard),
		cmocka_unit_test(test_sets32),
		cmocka_unit_test(test_hash_sort),
		cmocka_unit_test(test_hashset32_make),
		cmocka_unit_test(test_hash_sort_mt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
