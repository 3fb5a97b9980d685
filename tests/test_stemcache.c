/* test_stemcache.c - a word's term through the cache equals its term
 * computed directly (bf_word_term), on first sight, on hits, and after
 * evictions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bf_stemcache.h"
#include "bf_terms.h"
#include "testutil.h"

#define SEED 0x5eedu
#define N_WORDS 200000 /* three times the cache's words: evictions */

static uint64_t direct(bf_stemmer_t *st, const char *w, size_t n)
{
	uint64_t t = bf_word_term(st, w, n, SEED);
	return t ? (t >> 32) << 32 | 1u : 0;
}

static void test_cache_matches_direct(void **state)
{
	(void)state;
	static const char *const base[] = { "running", "the", "markets", "of", "rallied",
	                                    "talks", "and", "caf\xC3\xA9s", "kyiv" };
	bf_stem_cache_t sc = { 0 };
	assert_int_equal(bf_stem_cache_init(&sc), BF_OK);
	bf_stemmer_t *st = bf_stemmer_create();
	assert_non_null(st);
	bf_test_rng_t rng = { 5 };
	char w[64];
	size_t stops = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < N_WORDS; i++) {
			/* common words again and again, rare ones once in a while */
			size_t r = (size_t)(bf_test_rand(&rng) % 4);
			const char *b = base[(i * 7 + r) % (sizeof base / sizeof *base)];
			size_t n = r ? (size_t)snprintf(w, sizeof w, "%s", b)
			             : (size_t)snprintf(w, sizeof w, "%s%zu", b, i % 70000);
			uint64_t got = bf_stem_cache_term(&sc, bf_stem_cache_key(w, n), w, n, SEED);
			assert_int_equal(got, direct(st, w, n));
			stops += got == 0;
		}
	assert_true(stops > 0); /* "the", "of", "and" are stop words */
	bf_stemmer_free(st);
	bf_stem_cache_free(&sc);
	bf_stem_cache_free(&sc); /* freeing twice is safe */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_matches_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
