/* test_corpus.c - the white-space squeeze of sentence texts (corpus.c)
 * against a plain byte-by-byte version, on random texts whose runs of
 * plain bytes cross the 8- and 32-byte steps of its fast copies.
 *
 * corpus.c is included, not linked, so that its static squeeze can be
 * called; its public functions then come from here, not the library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/corpus.c"
#include "testutil.h"

/* The definition: white-space runs become one space between kept bytes
 * (none at the ends), and `` and '' the curly quotes. */
static size_t ref_squeeze(const char *s, size_t n, char *out)
{
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
			space = true;
			continue;
		}
		if (space && o)
			out[o++] = ' ';
		space = false;
		if ((c == '`' || c == '\'') && i + 1 < n && (unsigned char)s[i + 1] == c) {
			memcpy(out + o, c == '`' ? "\xE2\x80\x9C" : "\xE2\x80\x9D", 3);
			o += 3;
			i++;
			continue;
		}
		out[o++] = (char)c;
	}
	return o;
}

/* A byte of random text: mostly letters and single spaces, with the
 * bytes squeeze must look at (other white space, quotes, low controls)
 * and bytes >= 0x80 now and then. */
static char text_byte(bf_test_rng_t *rng)
{
	static const char rare[] = "\t\n\r\v\f`'\x01\x0e\x1f\x7f\x80\xe2\xff";
	uint64_t r = bf_test_rand(rng) % 100;
	if (r < 14)
		return ' ';
	if (r < 17)
		return rare[bf_test_rand(rng) % (sizeof rare - 1)];
	return (char)('a' + bf_test_rand(rng) % 26);
}

static void test_squeeze_matches_plain(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 5 };
	char s[300], got[460], want[460];
	for (int iter = 0; iter < 50000; iter++) {
		size_t n = bf_test_rand(&rng) % sizeof s;
		/* long plain stretches now and then: the fast copies' steps */
		bool plain = bf_test_rand(&rng) % 4 == 0;
		for (size_t i = 0; i < n; i++)
			s[i] = plain && bf_test_rand(&rng) % 50 ? 'p' : text_byte(&rng);
		size_t k = squeeze(s, n, got), m = ref_squeeze(s, n, want);
		assert_int_equal(k, m);
		assert_memory_equal(got, want, k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_squeeze_matches_plain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
