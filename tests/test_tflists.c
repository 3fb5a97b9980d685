/* test_tflists.c - kept term-frequency lists (bf_tflists.h): lists read
 * back as written, across chunks written out of order; dropped lists;
 * trimmed chunks keep their lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bf_tflists.h"

/* Article a's list: a % 7 pairs (term a * 1000 + i, tf (a + i) % 256). */
static uint32_t list_len(uint32_t a)
{
	return a % 7;
}

static void write_list(bf_tflists_t *l, uint32_t a)
{
	uint32_t k = list_len(a);
	bf_tfl_chunk_t *ch = bf_tfl_room(l, a, k);
	assert_non_null(ch);
	for (uint32_t i = 0; i < k; i++) {
		ch->term[ch->n + i] = a * 1000 + i;
		ch->tf[ch->n + i] = (uint8_t)((a + i) % 256);
	}
	bf_tfl_done(l, a, k);
}

static void test_round_trip(void **state)
{
	(void)state;
	const uint32_t n = 3 * BF_TFL_CHUNK + 5;
	bf_tflists_t l;
	assert_true(bf_tfl_init(&l, n));
	/* chunks in reverse order, as threads may finish them; every third
	 * article left out, every fifth dropped after writing */
	for (uint32_t ch = 4; ch-- > 0;) {
		uint32_t lo = ch * BF_TFL_CHUNK;
		for (uint32_t a = lo; a < n && a < lo + BF_TFL_CHUNK; a++) {
			if (a % 3 == 0)
				continue;
			if (a % 5 == 0) {
				bf_tfl_chunk_t *c = bf_tfl_room(&l, a, 4);
				assert_non_null(c);
				c->term[c->n] = 1;
				bf_tfl_done(&l, a, BF_TFL_NONE);
				continue;
			}
			write_list(&l, a);
		}
		bf_tfl_trim(&l, lo);
	}
	for (uint32_t a = 0; a < n; a++) {
		bool kept = a % 3 != 0 && a % 5 != 0;
		assert_int_equal(bf_tfl_has(&l, a), kept);
		if (!kept)
			continue;
		assert_int_equal(l.n[a], list_len(a));
		const uint32_t *t = bf_tfl_terms(&l, a);
		const uint8_t *tf = bf_tfl_tfs(&l, a);
		for (uint32_t i = 0; i < list_len(a); i++) {
			assert_int_equal(t[i], a * 1000 + i);
			assert_int_equal(tf[i], (a + i) % 256);
		}
	}
	bf_tfl_free(&l);
	assert_false(bf_tfl_has(&l, 0)); /* freed: no lists */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
