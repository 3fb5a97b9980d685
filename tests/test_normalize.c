/* test_normalize.c - bf_normalize, bf_stem, bf_is_stopword.
 *
 * Exact outputs on a table of Unicode cases, the token-span invariants on
 * every output, random ASCII and mixed text against utf8proc run over the
 * whole input (the segments bf_normalize cuts must not change the result),
 * buffer reuse, stems and the stop list. */
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

/* ---- the reference: utf8proc over the whole input ---------------------- */

/* The options of the definition (normalize.c's NORM_UOPTS). */
#define REF_UOPTS (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | \
		   UTF8PROC_CASEFOLD | UTF8PROC_LUMP)

/* bf_normalize written plainly: every invalid byte becomes a space, the
 * whole input goes through utf8proc_map, and the code points are cut into
 * words (L* and N* make one, M* continues one).  Returns a malloc'd string;
 * *n_words gets the word count. */
static char *ref_normalize(const char *s, size_t len, size_t *n_words)
{
	utf8proc_uint8_t *fixed = malloc(len + 1);
	assert_non_null(fixed);
	memcpy(fixed, s, len);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(fixed + i,
		                        (utf8proc_ssize_t)(len - i), &c);
		if (k > 0) {
			i += (size_t)k;
		} else {
			fixed[i++] = ' ';
		}
	}
	utf8proc_uint8_t *nf = NULL;
	utf8proc_ssize_t n = utf8proc_map(fixed, (utf8proc_ssize_t)len, &nf,
	                                  REF_UOPTS);
	assert_true(n >= 0);
	char *out = malloc(4 * (size_t)n + 1);
	assert_non_null(out);
	size_t w = 0;
	int in_word = 0;
	*n_words = 0;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(nf + i, n - i, &c);
		assert_true(k > 0);
		i += k;
		char cat = utf8proc_category_string(c)[0];
		int word = cat == 'L' || cat == 'N' || (cat == 'M' && in_word);
		if (word && !in_word) {
			if (w > 0)
				out[w++] = ' ';
			++*n_words;
		}
		if (word)
			w += (size_t)utf8proc_encode_char(c,
			                (utf8proc_uint8_t *)out + w);
		in_word = word;
	}
	out[w] = '\0';
	free(nf);
	free(fixed);
	return out;
}

/* bf_normalize(s) must equal the reference, spans included. */
static void check_vs_ref(const char *s, size_t len, bf_norm_t *n)
{
	size_t want_words;
	char *want = ref_normalize(s, len, &want_words);
	assert_int_equal(bf_normalize(s, len, n), BF_OK);
	if (strcmp(n->buf, want) != 0 || n->n_tok != want_words) {
		char hex[3 * 64 + 1] = "";
		for (size_t i = 0; i < len && i < 64; i++)
			snprintf(hex + 3 * i, 4, "%02x ", (unsigned char)s[i]);
		fail_msg("input %s(%zu bytes): got \"%s\" (%zu words), want "
		         "\"%s\" (%zu)", hex, len, n->buf, n->n_tok, want,
		         want_words);
	}
	check_spans(n);
	free(want);
}

/* Random ASCII, every byte 0..127 included, against the reference: the
 * ASCII route computes the same function as utf8proc. */
static void test_ascii_matches_utf8proc(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 42 };
	bf_norm_t n = { 0 };
	char buf[300];
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = bf_test_rand(&rng) % 256;
		for (size_t i = 0; i < len; i++) {
			uint64_t r = bf_test_rand(&rng);
			/* mostly letters/digits/space so words form */
			buf[i] = (r & 3) ? "aZ9 .'-xQ"[(r >> 8) % 9]
			                 : (char)((r >> 16) % 128);
		}
		check_vs_ref(buf, len, &n);
	}
	bf_norm_free(&n);
}

/* Every ASCII byte at every place of a 17-byte run of letters and of
 * spaces, so at each position of the 8-byte blocks of the ASCII route and
 * in its byte-by-byte tail, against the reference. */
static void test_ascii_blocks(void **state)
{
	(void)state;
	bf_norm_t n = { 0 };
	char buf[17];
	for (int fill = 0; fill < 2; fill++)
		for (int c = 0; c < 128; c++)
			for (size_t k = 0; k < sizeof buf; k++) {
				memset(buf, fill ? ' ' : 'q', sizeof buf);
				buf[k] = (char)c;
				check_vs_ref(buf, sizeof buf, &n);
			}
	bf_norm_free(&n);
}

/* Pieces that stress the cuts between ASCII and Unicode segments: marks
 * that compose with the ASCII letter before them, marks that decompose to
 * several marks (U+0344), U+0338 after "<" "=" ">", Hangul jamo that
 * compose with each other, folds to ASCII (Kelvin sign, long s), quotes,
 * NBSP, expansions (U+FDFA), and invalid bytes next to ASCII. */
static const char *const mix_pieces[] = {
	"a", "E", "z", "0", "7", " ", ".", "'", "-", "<", "=", ">", "\t", "\n",
	"e", "o", "U", "s", "k",
	"\xC3\xA9",         /* é */
	"\xCC\x81",         /* combining acute */
	"\xCC\x88",         /* combining diaeresis */
	"\xCD\x84",         /* U+0344: two marks */
	"\xCC\xB8",         /* U+0338 long solidus overlay */
	"\xE1\x84\x80",     /* Hangul L */
	"\xE1\x85\xA1",     /* Hangul V */
	"\xE1\x86\xA8",     /* Hangul T */
	"\xEA\xB0\x80",     /* 가 */
	"\xEF\xAC\x81",     /* ﬁ */
	"\xEF\xB7\xBA",     /* U+FDFA */
	"\xE2\x84\xAA",     /* Kelvin sign */
	"\xC5\xBF",         /* long s */
	"\xE2\x80\x99",     /* ’ */
	"\xE2\x80\x9C",     /* “ */
	"\xE2\x80\x94",     /* — */
	"\xC2\xA0",         /* NBSP */
	"\xC2\xAD",         /* soft hyphen */
	"\xC2\xB2",         /* ² */
	"\xEF\xBC\xA1",     /* Ａ */
	"\xCE\xA3",         /* Σ */
	"\xE6\x9D\xB1",     /* 東 */
	"\xD9\xA1",         /* Arabic-Indic one */
	"\xF0\x9F\x95\x8A", /* dove */
	"\xEF\xB8\x8F",     /* variation selector */
	"\xFF", "\xC3", "\xE2\x80", "\x80", "\xED\xA0\x80",  /* invalid */
};

/* Random mixed text against the reference. */
static void test_mixed_matches_utf8proc(void **state)
{
	(void)state;
	enum { N_PIECES = sizeof mix_pieces / sizeof mix_pieces[0] };
	bf_test_rng_t rng = { 7 };
	bf_norm_t n = { 0 };
	char buf[40 * 4];
	for (int iter = 0; iter < 20000; iter++) {
		size_t n_piece = bf_test_rand(&rng) % 40, len = 0;
		for (size_t i = 0; i < n_piece; i++) {
			uint64_t r = bf_test_rand(&rng);
			/* half the time an ASCII letter, so words form */
			const char *p = (r & 1) ? mix_pieces[(r >> 8) % 19]
			                        : mix_pieces[(r >> 8) % N_PIECES];
			size_t pl = strlen(p);
			memcpy(buf + len, p, pl);
			len += pl;
		}
		check_vs_ref(buf, len, &n);
	}
	bf_norm_free(&n);
}

/* The claim the ASCII route rests on: ASCII code points have combining
 * class 0, decompose to themselves, and are never the second (or later)
 * part of a canonical decomposition, so no composition pairs a code point
 * with an ASCII one that follows it. */
static void test_ascii_never_composes_back(void **state)
{
	(void)state;
	for (utf8proc_int32_t c = 0; c < 0x80; c++) {
		assert_int_equal(utf8proc_get_property(c)->combining_class, 0);
		utf8proc_int32_t d[4];
		assert_int_equal(utf8proc_decompose_char(c, d, 4, REF_UOPTS,
		                                         NULL), 1);
		assert_int_equal(d[0], (unsigned)c - 'A' < 26u ? c + 32 : c);
	}
	for (utf8proc_int32_t c = 0x80; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		utf8proc_int32_t d[32];
		utf8proc_ssize_t k = utf8proc_decompose_char(c, d, 32,
		                        UTF8PROC_DECOMPOSE, NULL);
		assert_true(k >= 1 && k <= 32);
		for (utf8proc_ssize_t i = 1; i < k; i++)
			if (d[i] < 0x80)
				fail_msg("U+%04X decomposes with ASCII %d at %zd",
				         (unsigned)c, (int)d[i], i);
	}
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
		cmocka_unit_test(test_ascii_matches_utf8proc),
		cmocka_unit_test(test_ascii_blocks),
		cmocka_unit_test(test_mixed_matches_utf8proc),
		cmocka_unit_test(test_ascii_never_composes_back),
		cmocka_unit_test(test_ascii_classes),
		cmocka_unit_test(test_expansion_growth),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_stem),
		cmocka_unit_test(test_stopwords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
