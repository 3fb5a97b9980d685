/* test_twsort.c - bf_tw_sort_term / bf_tw_sort_weight against qsort with
 * plainly written comparators, on sizes around the insertion cutoff, with
 * many equal weights (ties go to the term). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bf_artvec.h"
#include "testutil.h"

static int ref_term(const void *a, const void *b)
{
	const bf_tw_t *x = a, *y = b;
	return x->term < y->term ? -1 : x->term > y->term;
}

static int ref_weight(const void *a, const void *b)
{
	const bf_tw_t *x = a, *y = b;
	if (x->w > y->w)
		return -1;
	if (x->w < y->w)
		return 1;
	return ref_term(a, b);
}

static void test_sorts_match_qsort(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 2, 3, 15, 16, 17, 33, 64, 100, 513, 5000 };
	enum { CAP = 5000 };
	bf_tw_t *v = malloc(CAP * sizeof *v), *r = malloc(CAP * sizeof *r);
	assert_non_null(v);
	assert_non_null(r);
	bf_test_rng_t rng = { 77 };
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (int rep = 0; rep < 20; rep++) {
			size_t n = sizes[si];
			for (size_t i = 0; i < n; i++) {
				/* distinct terms: a random permutation of a spread range */
				v[i].term = (uint32_t)(i * 2654435761u);
				/* few weight values, or all equal, or all distinct */
				uint64_t x = bf_test_rand(&rng);
				v[i].w = rep % 3 == 0 ? 1.0f : rep % 3 == 1 ? (float)(x % 4) * 0.25f
				                                             : (float)bf_test_uniform(&rng);
			}
			for (size_t i = n; i > 1; i--) {
				size_t j = bf_test_rand(&rng) % i;
				bf_tw_t t = v[i - 1];
				v[i - 1] = v[j];
				v[j] = t;
			}
			memcpy(r, v, n * sizeof *v);
			if (n)
				qsort(r, n, sizeof *r, ref_weight);
			bf_tw_sort_weight(v, n);
			if (n)
				assert_memory_equal(v, r, n * sizeof *v);
			if (n)
				qsort(r, n, sizeof *r, ref_term);
			bf_tw_sort_term(v, n);
			if (n)
				assert_memory_equal(v, r, n * sizeof *v);
		}
	free(v);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorts_match_qsort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
