/* test_lshlink.c - banded candidates, verified and merged, against a
 * brute-force reference, on inputs big enough for the threaded paths
 * (sorting and pair listing in slices), with runs of equal keys that span
 * many slices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bf_lshlink.h"
#include "testutil.h"

enum { N_ITEMS = 300000, N_BANDS = 3, BIG_RUN = 150000 };

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Band 0: one run of BIG_RUN equal keys (items 0, 2, 4, ...), the rest in
 * small groups of 3; band 1: items equal mod 40000; band 2: unique keys
 * except pairs (i, i + 1) for i divisible by 1000. */
static uint64_t key_of(uint32_t band, uint32_t id)
{
	if (band == 0)
		return id % 2 == 0 && id < 2 * BIG_RUN ? 42 : mix(1000003u + id / 3);
	if (band == 1)
		return mix(7 + id % 40000);
	return mix(((uint64_t)9 << 40) + (id % 1000 == 1 ? id - 1 : id));
}

static void keys_fn(const void *ctx, uint32_t band, size_t lo, size_t n, bf_bandkey_t *out)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		out[i] = (bf_bandkey_t){ key_of(band, (uint32_t)(lo + i)), (uint32_t)(lo + i), 0 };
}

/* An arbitrary but fixed verdict, so that some candidates are refused. */
static bool verify(const void *ctx, uint32_t a, uint32_t b)
{
	(void)ctx;
	return (a + b) % 7 != 3;
}

static int cmp_key_id(const void *x, const void *y)
{
	const bf_bandkey_t *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Reference: in every band, sorted by (key, id), each member of a run is
 * tried with the run's first and with its predecessor, every pair, no
 * skipping; the components are what any order of those unions gives. */
static void reference(bf_uf_t *uf)
{
	bf_bandkey_t *k = malloc(N_ITEMS * sizeof *k);
	assert_non_null(k);
	for (uint32_t band = 0; band < N_BANDS; band++) {
		keys_fn(NULL, band, 0, N_ITEMS, k);
		qsort(k, N_ITEMS, sizeof *k, cmp_key_id);
		for (size_t i = 0, j; i < N_ITEMS; i = j) {
			for (j = i + 1; j < N_ITEMS && k[j].key == k[i].key; j++) {
				if (verify(NULL, k[i].id, k[j].id))
					bf_uf_union(uf, k[i].id, k[j].id);
				if (j > i + 1 && verify(NULL, k[j - 1].id, k[j].id))
					bf_uf_union(uf, k[j - 1].id, k[j].id);
			}
		}
	}
	free(k);
}

static void test_link_vs_reference(void **state)
{
	(void)state;
	bf_uf_t ref = { 0 };
	assert_int_equal(bf_uf_init(&ref, N_ITEMS), BF_OK);
	reference(&ref);
	bf_lshlink_counts_t c1 = { 0 };
	for (int nt = 1; nt <= 3; nt++) {
		bf_uf_t uf = { 0 };
		bf_lshlink_counts_t c = { 0 };
		assert_int_equal(bf_uf_init(&uf, N_ITEMS), BF_OK);
		bf_verifier_t v = { verify, NULL, NULL };
		assert_int_equal(bf_lsh_link_keys(N_ITEMS, N_BANDS, keys_fn, NULL, nt, &v, &uf, &c),
		                 BF_OK);
		for (uint32_t i = 0; i < N_ITEMS; i++)
			assert_int_equal(bf_uf_find(&uf, i), bf_uf_find(&ref, i));
		if (nt == 1)
			c1 = c;
		/* the counts do not depend on the thread count either */
		assert_int_equal(c.n_candidates, c1.n_candidates);
		assert_int_equal(c.n_links, c1.n_links);
		bf_uf_destroy(&uf);
	}
	/* the big run was really linked: all its accepted chain is one set */
	assert_int_equal(bf_uf_find(&ref, 2), bf_uf_find(&ref, 4));
	assert_true(c1.n_links > BIG_RUN / 2);
	bf_uf_destroy(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_vs_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
