/* test_normalize.c - bf_normalize, bf_stem, bf_is_stopword.
 *
 * Exact outputs on a table of Unicode cases, the token-span invariants on
 * every output, the ASCII fast path against the utf8proc path, buffer
 * reuse, stems and the stop list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "bf_normalize.h"
#include "testutil.h"

/* Every output: NUL-terminated, len == strlen, words in order separated by
 * exactly one space, no empty word, nothing else in buf. */
static void check_spans(const bf_norm_t *n)
{
	assert_non_null(n->buf);
	assert_int_equal(strlen(n->buf), n->len);
	size_t pos = 0;
	for (size_t i = 0; i < n->n_tok; i++) {
		const bf_span_t *t = &n->tok[i];
		assert_true(t->len > 0);
		assert_int_equal(t->off, pos);
		assert_true(t->off + t->len <= n->len);
		assert_null(memchr(n->buf + t->off, ' ', t->len));
		pos = t->off + t->len;
		if (i + 1 < n->n_tok) {
			assert_int_equal(n->buf[pos], ' ');
			pos++;
		}
	}
	assert_int_equal(pos, n->len);
}

typedef struct {
	const char *in;
	const char *out;
	size_t n_tok;
} norm_case_t;

static const norm_case_t norm_cases[] = {
	{ "", "", 0 },
	{ "Hello, World!", "hello world", 2 },
	{ "  ...!!! --- ?? ", "", 0 },
	{ "\xEF\xAC\x81nance", "finance", 1 },                 /* ﬁ ligature */
	{ "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc", 1 },  /* ＡＢＣ */
	{ "\xE2\x85\xAB", "xii", 1 },                          /* Ⅻ */
	{ "Stra\xC3\x9F" "e", "strasse", 1 },                  /* ß folds */
	{ "Russia\xE2\x80\x99s war", "russia s war", 3 },      /* U+2019 */
	{ "Russia's war", "russia s war", 3 },
	{ "peace\xE2\x80\x94now", "peace now", 2 },            /* em dash */
	{ "Kyiv \xE2\x80\x93 Ukrainian", "kyiv ukrainian", 2 },/* en dash */
	{ "\xE2\x80\x9CVery good,\xE2\x80\x9D he said", "very good he said", 4 },
	{ "e\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9", 1 },      /* e + U+0301 */
	{ "\xC3\x89" "COLE", "\xC3\xA9" "cole", 1 },           /* ÉCOLE */
	{ "\xCC\x81" "abc", "abc", 1 },       /* a lone mark does not start */
	{ "na\xC3\xAFve caf\xC3\xA9 au lait", "na\xC3\xAFve caf\xC3\xA9 au lait", 4 },
	{ "3.5 billion in 2022", "3 5 billion in 2022", 5 },
	{ "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96", "2026", 1 },
	{ "\xC2\xBD", "1 2", 2 },            /* ½ -> 1⁄2, fraction slash splits */
	{ "x\xC2\xB2", "x2", 1 },            /* superscript two is a digit */
	{ "U.S.-led talks", "u s led talks", 4 },
	{ "a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w[x\\y]z^a_b`c{d|e}f~g",
	  "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g",
	  33 },
	{ "\xD0\x97\xD0\xB5\xD0\xBB\xD0\xB5\xD0\xBD\xD1\x81\xD0\xBA\xD0\xB8\xD0\xB9",
	  "\xD0\xB7\xD0\xB5\xD0\xBB\xD0\xB5\xD0\xBD\xD1\x81\xD0\xBA\xD0\xB8\xD0\xB9", 1 },
	{ "\xE6\x9D\xB1\xE4\xBA\xAC talks", "\xE6\x9D\xB1\xE4\xBA\xAC talks", 2 },
	{ "peace \xF0\x9F\x95\x8A\xEF\xB8\x8F talks", "peace talks", 2 },
	{ "co\xC2\xAD" "operate", "co operate", 2 },  /* soft hyphen separates */
	{ "a\xC2\xA0" "b", "a b", 2 },               /* NBSP separates */
	{ "tab\there\nnew\r\nline", "tab here new line", 4 },
	/* invalid UTF-8 bytes act as separators */
	{ "abc\xFF" "def", "abc def", 2 },
	{ "caf\xC3\xA9\xFF\xFE" "bar", "caf\xC3\xA9 bar", 2 },
	{ "ab\xC3", "ab", 1 },                        /* truncated sequence */
	{ "\xE2\x80", "", 0 },
	{ "\xC0\xAF" "x", "x", 1 },                   /* overlong '/' */
	{ "\xED\xA0\x80" "y \xC3\xA9", "y \xC3\xA9", 2 }, /* surrogate */
};

static void test_table(void **state)
{
	(void)state;
	bf_norm_t n = { 0 };
	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
		const norm_case_t *c = &norm_cases[i];
		assert_int_equal(bf_normalize(c->in, strlen(c->in), &n), BF_OK);
		if (strcmp(n.buf, c->out) != 0 || n.n_tok != c->n_tok)
			fail_msg("case %zu: got \"%s\" (%zu words), want \"%s\" "
			         "(%zu)", i, n.buf, n.n_tok, c->out, c->n_tok);
		check_spans(&n);
	}
	bf_norm_free(&n);
}

static void test_spans_exact(void **state)
{
	(void)state;
	bf_norm_t n = { 0 };
	const char *s = "  Zelenskyy\xE2\x80\x99s \xE2\x80\x9Cpeace\xE2\x80\x9D "
	                "plan\xE2\x80\xA6 2026!";
	assert_int_equal(bf_normalize(s, strlen(s), &n), BF_OK);
	assert_string_equal(n.buf, "zelenskyy s peace plan 2026");
	static const bf_span_t want[] = { { 0, 9 }, { 10, 1 }, { 12, 5 },
	                                  { 18, 4 }, { 23, 4 } };
	assert_int_equal(n.n_tok, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(n.tok[i].off, want[i].off);
		assert_int_equal(n.tok[i].len, want[i].len);
	}
	bf_norm_free(&n);
}

/* Appending U+00A0 (NFKC: a space, so a separator at the end) cannot change
 * the words, but it makes the input non-ASCII and so forces the utf8proc
 * path.  Equal outputs on random ASCII, every byte 0..127 included, show the
 * fast path computes the same function. */
static void test_ascii_fast_path_matches(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 42 };
	bf_norm_t fast = { 0 }, slow = { 0 };
	char buf[300];
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = bf_test_rand(&rng) % 256;
		for (size_t i = 0; i < len; i++) {
			uint64_t r = bf_test_rand(&rng);
			/* mostly letters/digits/space so words form */
			buf[i] = (r & 3) ? "aZ9 .'-xQ"[(r >> 8) % 9]
			                 : (char)((r >> 16) % 128);
		}
		assert_int_equal(bf_normalize(buf, len, &fast), BF_OK);
		memcpy(buf + len, "\xC2\xA0", 2);
		assert_int_equal(bf_normalize(buf, len + 2, &slow), BF_OK);
		assert_int_equal(fast.len, slow.len);
		assert_memory_equal(fast.buf, slow.buf, fast.len + 1);
		assert_int_equal(fast.n_tok, slow.n_tok);
		assert_memory_equal(fast.tok, slow.tok,
		                    fast.n_tok * sizeof(bf_span_t));
		check_spans(&fast);
	}
	bf_norm_free(&fast);
	bf_norm_free(&slow);
}

/* Each ASCII byte, alone (fast path) and with U+00A0 after it (utf8proc
 * path), makes a word exactly when utf8proc calls it a letter or digit, and
 * the word is its lower case. */
static void test_ascii_classes(void **state)
{
	(void)state;
	bf_norm_t n = { 0 };
	for (int c = 0; c < 128; c++) {
		const char *name = utf8proc_category_string(c);
		int word = name[0] == 'L' || name[0] == 'N';
		char in[3] = { (char)c, '\xC2', '\xA0' };
		for (size_t len = 1; len <= 3; len += 2) {
			assert_int_equal(bf_normalize(in, len, &n), BF_OK);
			if (n.n_tok != (size_t)word)
				fail_msg("byte %d (len %zu): %zu words", c, len,
				         n.n_tok);
			if (word)
				assert_int_equal((unsigned char)n.buf[0],
				                 utf8proc_tolower(c));
		}
	}
	bf_norm_free(&n);
}

/* U+FDFA (3 bytes) expands to 18 code points, 4 words: the decomposition
 * buffer must grow past its first guess of one code point per byte. */
static void test_expansion_growth(void **state)
{
	(void)state;
	enum { N = 500 };
	char *s = malloc(4 * N + 1);
	assert_non_null(s);
	for (size_t i = 0; i < N; i++)
		memcpy(s + 4 * i, "\xEF\xB7\xBA ", 4);
	bf_norm_t n = { 0 };
	assert_int_equal(bf_normalize(s, 4 * N, &n), BF_OK);
	assert_int_equal(n.n_tok, 4 * N);
	check_spans(&n);
	const char *w = "\xD8\xB5\xD9\x84\xD9\x89 \xD8\xA7\xD9\x84\xD9\x84\xD9\x87"
	                " \xD8\xB9\xD9\x84\xD9\x8A\xD9\x87 "
	                "\xD9\x88\xD8\xB3\xD9\x84\xD9\x85";
	assert_memory_equal(n.buf, w, strlen(w));
	assert_memory_equal(n.buf + n.len - strlen(w), w, strlen(w));
	free(s);
	bf_norm_free(&n);
}

/* Buffers are reused: a shorter input after a longer one is not polluted
 * by the old contents, and repeated calls do not reallocate. */
static void test_reuse(void **state)
{
	(void)state;
	bf_norm_t n = { 0 };
	const char *big = "Caf\xC3\xA9 society gathers in Kyiv on Sunday for "
	                  "talks about the long war and the peace plan";
	assert_int_equal(bf_normalize(big, strlen(big), &n), BF_OK);
	char *buf = n.buf;
	bf_span_t *tok = n.tok;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(bf_normalize("Hi there", 8, &n), BF_OK);
		assert_string_equal(n.buf, "hi there");
		assert_int_equal(n.n_tok, 2);
		assert_int_equal(bf_normalize(big, strlen(big), &n), BF_OK);
		assert_ptr_equal(n.buf, buf);
		assert_ptr_equal(n.tok, tok);
	}
	bf_norm_free(&n);
	assert_null(n.buf);
	bf_norm_free(&n);   /* twice is harmless */
	bf_norm_free(NULL);
}

static void check_stem(bf_stemmer_t *st, const char *w, const char *want)
{
	size_t len;
	const char *s = bf_stem(st, w, strlen(w), &len);
	if (len != strlen(want) || memcmp(s, want, len) != 0)
		fail_msg("stem(%s) = %.*s, want %s", w, (int)len, s, want);
}

static void test_stem(void **state)
{
	(void)state;
	bf_stemmer_t *st = bf_stemmer_create();
	assert_non_null(st);
	check_stem(st, "running", "run");
	check_stem(st, "negotiations", "negoti");
	check_stem(st, "negotiating", "negoti");
	check_stem(st, "talks", "talk");
	check_stem(st, "ceasefire", "ceasefir");
	check_stem(st, "generously", "generous");
	check_stem(st, "caf\xC3\xA9", "caf\xC3\xA9");
	/* the word need not be NUL-terminated */
	size_t len;
	const char *s = bf_stem(st, "talkshow", 5, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(s, "talk", 4);
	s = bf_stem(st, "", 0, &len);
	assert_int_equal(len, 0);
	bf_stemmer_free(st);
	bf_stemmer_free(NULL);
}

/* The NLTK English list as bf_normalize() leaves it (apostrophe forms
 * split off), minus "won": every entry must be found. */
static const char *const nltk_stop[] = {
	"i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you",
	"your", "yours", "yourself", "yourselves", "he", "him", "his",
	"himself", "she", "her", "hers", "herself", "it", "its", "itself",
	"they", "them", "their", "theirs", "themselves", "what", "which",
	"who", "whom", "this", "that", "these", "those", "am", "is", "are",
	"was", "were", "be", "been", "being", "have", "has", "had", "having",
	"do", "does", "did", "doing", "a", "an", "the", "and", "but", "if",
	"or", "because", "as", "until", "while", "of", "at", "by", "for",
	"with", "about", "against", "between", "into", "through", "during",
	"before", "after", "above", "below", "to", "from", "up", "down", "in",
	"out", "on", "off", "over", "under", "again", "further", "then",
	"once", "here", "there", "when", "where", "why", "how", "all", "any",
	"both", "each", "few", "more", "most", "other", "some", "such", "no",
	"nor", "not", "only", "own", "same", "so", "than", "too", "very", "s",
	"t", "can", "will", "just", "don", "should", "now", "d", "ll", "m",
	"o", "re", "ve", "y", "ain", "aren", "couldn", "didn", "doesn",
	"hadn", "hasn", "haven", "isn", "ma", "mightn", "mustn", "needn",
	"shan", "shouldn", "wasn", "weren", "wouldn",
	/* additions */
	"also", "would", "could", "said", "says", "however", "mr", "mrs",
	"yourselves", "whether", "within", "without", "upon", "via", "etc",
};

static void test_stopwords(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof nltk_stop / sizeof nltk_stop[0]; i++)
		if (!bf_is_stopword(nltk_stop[i], strlen(nltk_stop[i])))
			fail_msg("\"%s\" should be a stop word", nltk_stop[i]);
	static const char *const content[] = {
		"ukraine", "trump", "peace", "talks", "us", "may", "won",
		"2026s", "3d", "zelenskyy", "said2", "thee", "an1", "caf\xC3\xA9",
		"aa", "zz", "yours1",
	};
	for (size_t i = 0; i < sizeof content / sizeof content[0]; i++)
		if (bf_is_stopword(content[i], strlen(content[i])))
			fail_msg("\"%s\" is not a stop word", content[i]);
	/* one code point, or only digits */
	assert_true(bf_is_stopword("x", 1));
	assert_true(bf_is_stopword("\xC3\xA9", 2));
	assert_true(bf_is_stopword("2026", 4));
	assert_true(bf_is_stopword("\xD9\xA1\xD9\xA2", 4));  /* Arabic-Indic 12 */
	assert_true(bf_is_stopword("", 0));
	/* counted, not NUL-terminated: "the" inside "there" */
	assert_true(bf_is_stopword("there", 3));
	assert_false(bf_is_stopword("theater", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_spans_exact),
		cmocka_unit_test(test_ascii_fast_path_matches),
		cmocka_unit_test(test_ascii_classes),
		cmocka_unit_test(test_expansion_growth),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_stem),
		cmocka_unit_test(test_stopwords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
