/* test_segment.c - bf_segment_article: sentence boundaries, boilerplate,
 * bylines, datelines, span invariants, and the real seed articles; the
 * fast scanners inside segment.c against plain byte-by-byte versions of
 * them; and bf_count_words against bf_is_word token by token.
 *
 * segment.c is included, not linked, so that its static scanners can be
 * called; its public functions then come from here, not the library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/segment.c"
#include "bf_corpus.h"
#include "testutil.h"

#ifndef BF_SEED_DIR
#define BF_SEED_DIR "tests/data/seeds"
#endif

/* Kept spans: inside the text, trimmed of white space (ASCII and NBSP), on
 * UTF-8 boundaries, in order, not overlapping, paragraph numbers rising. */
static void check_invariants(const char *text, size_t len,
                             const bf_segment_t *s)
{
	size_t prev_end = 0;
	for (size_t i = 0; i < s->n; i++) {
		const bf_span_t *sp = &s->sent[i];
		assert_true(sp->len > 0);
		assert_true(sp->off >= prev_end);
		assert_true((size_t)sp->off + sp->len <= len);
		const unsigned char *p = (const unsigned char *)text + sp->off;
		assert_false(p[0] == ' ' || p[0] == '\t' || p[0] == '\n' ||
		             p[0] == '\r');
		unsigned char last = p[sp->len - 1];
		assert_false(last == ' ' || last == '\t' || last == '\n' ||
		             last == '\r');
		assert_false(sp->len >= 2 && p[sp->len - 2] == 0xC2 &&
		             last == 0xA0);
		assert_true((p[0] & 0xC0) != 0x80);       /* starts a code point */
		if ((size_t)sp->off + sp->len < len)      /* ends before one */
			assert_true((p[sp->len] & 0xC0) != 0x80);
		assert_null(memchr(p, '\n', sp->len));
		if (i > 0)
			assert_true(s->para[i] >= s->para[i - 1]);
		prev_end = sp->off + sp->len;
	}
}

/* One case: the text, the kept sentences (NULL-terminated list), and the
 * drop counts {boilerplate, byline, not_sentence}. */
typedef struct {
	const char *name;
	const char *text;
	const char *want[6];
	size_t drop[BF_DROP__COUNT];
} seg_case_t;

static void run_case(const seg_case_t *c, bf_segment_t *s)
{
	size_t len = strlen(c->text);
	assert_int_equal(bf_segment_article(c->text, len, s), BF_OK);
	check_invariants(c->text, len, s);
	size_t n_want = 0;
	while (n_want < 6 && c->want[n_want])
		n_want++;
	for (size_t i = 0; i < s->n || i < n_want; i++) {
		const char *got = i < s->n ? c->text + s->sent[i].off : "(none)";
		int got_len = i < s->n ? (int)s->sent[i].len : 6;
		const char *want = i < n_want ? c->want[i] : "(none)";
		if ((size_t)got_len != strlen(want) ||
		    memcmp(got, want, (size_t)got_len) != 0)
			fail_msg("%s: sentence %zu is \"%.*s\", want \"%s\"",
			         c->name, i, got_len, got, want);
	}
	for (int r = 0; r < BF_DROP__COUNT; r++)
		if (s->n_drop[r] != c->drop[r])
			fail_msg("%s: %zu dropped as %s, want %zu", c->name,
			         s->n_drop[r], bf_drop_reason_name(r), c->drop[r]);
}

static void run_cases(const seg_case_t *cases, size_t n)
{
	bf_segment_t s = { 0 };
	for (size_t i = 0; i < n; i++)
		run_case(&cases[i], &s);
	bf_segment_free(&s);
}

#define RUN_CASES(c) run_cases(c, sizeof c / sizeof c[0])

static const seg_case_t boundary_cases[] = {
	{ "U.S. before a name",
	  "U.S. President Donald Trump said on Sunday. He left the talks early.",
	  { "U.S. President Donald Trump said on Sunday.",
	    "He left the talks early." }, { 0 } },
	{ "titles, a.m./p.m., months",
	  "Mr. Smith met Dr. Jones at 3 p.m. on Jan. 5. They talked for an hour.",
	  { "Mr. Smith met Dr. Jones at 3 p.m. on Jan. 5.",
	    "They talked for an hour." }, { 0 } },
	{ "initials",
	  "J.D. Vance spoke at the rally. Then he left the stage. George W. "
	  "Bush met Gov. Jeb Bush in St. Louis on Friday.",
	  { "J.D. Vance spoke at the rally.", "Then he left the stage.",
	    "George W. Bush met Gov. Jeb Bush in St. Louis on Friday." },
	  { 0 } },
	{ "decimals and prices",
	  "Shares rose 3.5 percent to $12.50. Analysts cheered the results.",
	  { "Shares rose 3.5 percent to $12.50.",
	    "Analysts cheered the results." }, { 0 } },
	{ "number at the end, date after an abbreviation",
	  "The war began in February 2022. It was Sept. 7 when the talks "
	  "started.",
	  { "The war began in February 2022.",
	    "It was Sept. 7 when the talks started." }, { 0 } },
	{ "abbreviation that ends a sentence",
	  "The company sold its stake to Apple Inc. The deal closed on Monday. "
	  "He moved to the U.S. In 2019 he founded a firm.",
	  { "The company sold its stake to Apple Inc.",
	    "The deal closed on Monday.", "He moved to the U.S.",
	    "In 2019 he founded a firm." }, { 0 } },
	{ "abbreviation before a capitalized non-starter",
	  "Apple Inc. Chief Executive Tim Cook spoke on Monday.",
	  { "Apple Inc. Chief Executive Tim Cook spoke on Monday." }, { 0 } },
	{ "curly quote closes after the period",
	  "\xE2\x80\x9CWe are discussing it now.\xE2\x80\x9D Zelenskyy said "
	  "that on Sunday.",
	  { "\xE2\x80\x9CWe are discussing it now.\xE2\x80\x9D",
	    "Zelenskyy said that on Sunday." }, { 0 } },
	{ "next sentence opens with a curly quote",
	  "\xE2\x80\x9CThese are decisions America must make,\xE2\x80\x9D "
	  "Zelenskyy said. \xE2\x80\x9C" "But yes, we are discussing "
	  "it.\xE2\x80\x9D",
	  { "\xE2\x80\x9CThese are decisions America must make,\xE2\x80\x9D "
	    "Zelenskyy said.",
	    "\xE2\x80\x9C" "But yes, we are discussing it.\xE2\x80\x9D" },
	  { 0 } },
	{ "DUC quotes",
	  "``We will not leave,'' he said. ``The talks are over.'' Officials "
	  "declined to comment.",
	  { "``We will not leave,'' he said.", "``The talks are over.''",
	    "Officials declined to comment." }, { 0 } },
	{ "DUC closing quote after a space",
	  "The minister said the talks were over. '' Officials then left the "
	  "building.",
	  { "The minister said the talks were over. ''",
	    "Officials then left the building." }, { 0 } },
	{ "ellipses",
	  "The talks stalled... but resumed later in the day. The president "
	  "paused for a moment\xE2\x80\xA6 Then he spoke to the crowd.",
	  { "The talks stalled... but resumed later in the day.",
	    "The president paused for a moment\xE2\x80\xA6",
	    "Then he spoke to the crowd." }, { 0 } },
	{ "question and exclamation",
	  "Will the ceasefire hold? Nobody in Kyiv knows for sure. It is a "
	  "historic day! \"Why now?\" he asked the minister.",
	  { "Will the ceasefire hold?", "Nobody in Kyiv knows for sure.",
	    "It is a historic day!", "\"Why now?\" he asked the minister." },
	  { 0 } },
	{ "quoted question with attribution",
	  "\xE2\x80\x9CWill the ceasefire hold?\xE2\x80\x9D Zelenskyy asked on "
	  "Sunday. ``Who knows our software better than Netscape?''' Gett "
	  "said.",
	  { "\xE2\x80\x9CWill the ceasefire hold?\xE2\x80\x9D Zelenskyy asked "
	    "on Sunday.",
	    "``Who knows our software better than Netscape?''' Gett said." },
	  { 0 } },
	{ "brackets",
	  "Russia launched 127 drones (most were shot down.) Officials "
	  "confirmed the figure.",
	  { "Russia launched 127 drones (most were shot down.)",
	    "Officials confirmed the figure." }, { 0 } },
	{ "Reuters tickers",
	  "Shares of Google Inc. ( GOOG.O ) rose 5 percent on Monday. Walt "
	  "Disney Co. (DIS.N) fell 2 percent on the news.",
	  { "Shares of Google Inc. ( GOOG.O ) rose 5 percent on Monday.",
	    "Walt Disney Co. (DIS.N) fell 2 percent on the news." }, { 0 } },
	{ "white space: NBSP, tabs, CRLF",
	  "  The talks ended today.\xC2\xA0The delegates went home early.\t "
	  "\r\n",
	  { "The talks ended today.", "The delegates went home early." },
	  { 0 } },
	{ "non-ASCII capital starts a sentence",
	  "The talks ended in Geneva. \xC3\x89mile Zola was not there.",
	  { "The talks ended in Geneva.",
	    "\xC3\x89mile Zola was not there." }, { 0 } },
	{ "non-ASCII word before the period",
	  "They met in the city of K\xC3\xB6ln. It rained all day long.",
	  { "They met in the city of K\xC3\xB6ln.",
	    "It rained all day long." }, { 0 } },
	{ "a capital glued to a non-ASCII letter is not an initial",
	  "The project was code-named \xC3\x96" "A. Officials declined to "
	  "comment.",
	  { "The project was code-named \xC3\x96" "A.",
	    "Officials declined to comment." }, { 0 } },
};

static void test_boundaries(void **state)
{
	(void)state;
	RUN_CASES(boundary_cases);
}

static const seg_case_t paragraph_cases[] = {
	{ "paragraph numbers",
	  "First paragraph has one sentence.\n\n\nSecond paragraph has two "
	  "sentences. This is the second one.\r\nThird line is here too.",
	  { "First paragraph has one sentence.",
	    "Second paragraph has two sentences.",
	    "This is the second one.", "Third line is here too." },
	  { 0 } },
	{ "heading without a period",
	  "Why a Trump Visit to Ukraine Matters\n\nThe proposal comes at a "
	  "pivotal moment.\nPeace Talks Gain Momentum as Trump Signals "
	  "Progress",
	  { "The proposal comes at a pivotal moment." }, { 0, 0, 2 } },
	{ "too few words, unterminated tail",
	  "He left.\nThe talks will resume on Monday. And then",
	  { "The talks will resume on Monday." }, { 0, 0, 2 } },
	{ "all-caps and title-case headings with a mark",
	  "A WHITE KNIGHT IN THE WINGS?\nWhy Does It Matter Now?\nThe bank "
	  "declined to comment on the bid.",
	  { "The bank declined to comment on the bid." }, { 0, 0, 2 } },
	{ "long run-on paragraph without a period is kept",
	  "FedEx canceled a roughly $2.5 billion order for the superjumbo "
	  "plane and switched to rival Boeing Co. ( BA.N ) in a blow to the "
	  "European plane maker\n",
	  { "FedEx canceled a roughly $2.5 billion order for the superjumbo "
	    "plane and switched to rival Boeing Co. ( BA.N ) in a blow to "
	    "the European plane maker" }, { 0 } },
};

static void test_paragraphs(void **state)
{
	(void)state;
	RUN_CASES(paragraph_cases);
	bf_segment_t s = { 0 };
	const char *t = "First paragraph has one sentence.\n\n\nSecond paragraph "
	                "has two sentences. This is the second one.\r\n"
	                "Heading Without Period\nFourth line is here too.";
	assert_int_equal(bf_segment_article(t, strlen(t), &s), BF_OK);
	static const uint32_t want_para[] = { 0, 1, 1, 3 };
	assert_int_equal(s.n, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(s.para[i], want_para[i]);
	bf_segment_free(&s);
}

static const seg_case_t byline_cases[] = {
	{ "By First M. Last",
	  "By Peter G. Killigang\nThe talks will resume on Monday in Geneva.",
	  { "The talks will resume on Monday in Geneva." }, { 0, 1, 0 } },
	{ "two names and an agency",
	  "The talks will resume on Monday in Geneva.\nBy John Smith and "
	  "Jane Doe, Reuters\nBY ANNA SCHMIDT",
	  { "The talks will resume on Monday in Geneva." }, { 0, 2, 0 } },
	{ "wire credits",
	  "The talks will resume on Monday in Geneva.\n(Reporting by Pavel "
	  "Polityuk; Editing by Peter Graff)\nAssociated Press writer Jane "
	  "Doe in Washington contributed to this report.\nWriting by Tom "
	  "Balmforth; editing by Mark Heinrich.",
	  { "The talks will resume on Monday in Geneva." }, { 0, 3, 0 } },
	{ "trailing credit in the last paragraph",
	  "The stock rose 23 percent since the spin-off. (Additional "
	  "reporting by Christopher Kaufman in New York) ($1=$1.13 Canadian)",
	  { "The stock rose 23 percent since the spin-off." },
	  { 0, 1, 0 } },
	{ "a name list ending in a period is not a byline",
	  "By Monday Kyiv And Moscow Agreed.",
	  { NULL }, { 0, 0, 1 } },
	{ "sentences that start with By stay",
	  "By Friday, the two sides had agreed on a draft text.\nBy late "
	  "Sunday Russia had withdrawn its troops.\nBy using drones, Ukraine "
	  "struck the depot.",
	  { "By Friday, the two sides had agreed on a draft text.",
	    "By late Sunday Russia had withdrawn its troops.",
	    "By using drones, Ukraine struck the depot." }, { 0 } },
	{ "Reuters byline fused with the dateline",
	  "(Adds analyst comment) By Glenn Somerville WASHINGTON Oct 27 "
	  "(Reuters) - A slumping housing market dragged on growth. More "
	  "data is due on Friday.",
	  { "A slumping housing market dragged on growth.",
	    "More data is due on Friday." }, { 0, 1, 0 } },
	{ "datelines without a byline",
	  "TOKYO, March 2 - Japanese banks are expected to give a cool "
	  "response.\nWASHINGTON (Reuters) - This one is not the lead "
	  "paragraph.",
	  { "Japanese banks are expected to give a cool response.",
	    "WASHINGTON (Reuters) - This one is not the lead paragraph." },
	  { 0 } },
	{ "agency only, glued dash",
	  "(Reuters) -Enron's former chief was sentenced to 24 years.",
	  { "Enron's former chief was sentenced to 24 years." }, { 0 } },
	{ "not a dateline",
	  "UK Prime Minister Theresa May - who spoke on Monday - said talks "
	  "would continue.",
	  { "UK Prime Minister Theresa May - who spoke on Monday - said talks "
	    "would continue." }, { 0 } },
};

static void test_bylines(void **state)
{
	(void)state;
	RUN_CASES(byline_cases);
}

static const seg_case_t boilerplate_cases[] = {
	{ "cookie banner",
	  "Our website uses cookies to improve your experience. We have "
	  "updated our Privacy Policy. Please click on the button to check "
	  "our Privacy Policy.\nThe talks will resume on Monday in Geneva.",
	  { "The talks will resume on Monday in Geneva." }, { 3, 0, 0 } },
	{ "cookie without a banner word",
	  "The chocolate chip cookie sold out at the bakery on Monday.",
	  { "The chocolate chip cookie sold out at the bakery on Monday." },
	  { 0 } },
	{ "prompts",
	  "Read more\nReply\nYou May Also Like\nShare this:\n\xE2\x80\xA2 "
	  "Advertisement\nRead More: Zelensky says peace is near.\nRelated: "
	  "Talks in Geneva\nFollow us on Twitter for the latest updates.\n"
	  "Sign up for our newsletter to get the news by email.\nClick here "
	  "to read the full report on the talks.\nThe talks resumed in "
	  "Geneva. Read more \xC2\xBB",
	  { "The talks resumed in Geneva." }, { 11, 0, 0 } },
	{ "copyright and rights",
	  "Copyright \xC2\xA9 2024 Example News. All rights reserved.\n"
	  "\xC2\xA9 2024 Example Media Group\nCopyright 2023 Example Inc.",
	  { NULL }, { 4, 0, 0 } },
	{ "wire editorial notes",
	  "(Corrects third paragraph to show profit fell to $191.6 million.)\n"
	  "(Recasts, adds analyst comments)\nCorrects 6th paragraph to refer "
	  "to Hawk missile.\nThe stock fell 3 percent on Monday.",
	  { "The stock fell 3 percent on Monday." }, { 3, 0, 0 } },
	{ "news sentences with the same words stay",
	  "Analysts read the report as a sign of weakness.\nShares rose 5 "
	  "percent on Monday.\nHe will reply to the letter next week.\n"
	  "Copyright law protects the authors of news articles.\nSign up for "
	  "the biggest loan you can get, the adviser said.\nThe court will "
	  "consider related cases next year.",
	  { "Analysts read the report as a sign of weakness.",
	    "Shares rose 5 percent on Monday.",
	    "He will reply to the letter next week.",
	    "Copyright law protects the authors of news articles.",
	    "Sign up for the biggest loan you can get, the adviser said.",
	    "The court will consider related cases next year." }, { 0 } },
};

static void test_boilerplate(void **state)
{
	(void)state;
	RUN_CASES(boilerplate_cases);
}

static char *read_seed(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", BF_SEED_DIR, name);
	char *t = bf_test_read_file(path, len);
	if (!t)
		fail_msg("cannot read %s (run from the repository root)", path);
	return t;
}

static bool kept_contains(const char *t, const bf_segment_t *s,
                          const char *needle)
{
	for (size_t i = 0; i < s->n; i++)
		if (memmem(t + s->sent[i].off, s->sent[i].len, needle,
		           strlen(needle)))
			return true;
	return false;
}

static bool span_is(const char *t, const bf_span_t *sp, const char *want)
{
	return sp->len == strlen(want) && !memcmp(t + sp->off, want, sp->len);
}

/* Seed 003, read by hand: a five-sentence cookie/privacy banner (line 1),
 * eight headings without periods (lines 3, 9, 17, 25, 33, 41, 51, 59),
 * "By Peter G. Killigang" (67) and "You May Also Like" (69); the other 24
 * paragraphs hold 65 sentences, from "Ukraine's request for a high-level
 * meeting ..." (paragraph 2) to "As the dispute persistently ..." (32). */
static void test_seed_003(void **state)
{
	(void)state;
	size_t len;
	char *t = read_seed("003_bdded3a6c3b79399.txt", &len);
	bf_segment_t s = { 0 };
	assert_int_equal(bf_segment_article(t, len, &s), BF_OK);
	check_invariants(t, len, &s);
	assert_false(kept_contains(t, &s, "cookie"));
	assert_false(kept_contains(t, &s, "Privacy Policy"));
	assert_false(kept_contains(t, &s, "You May Also Like"));
	assert_false(kept_contains(t, &s, "By Peter"));
	assert_false(kept_contains(t, &s, "Ukraine\xE2\x80\x99s Push for Trump"));
	assert_int_equal(s.n_drop[BF_DROP_BOILERPLATE], 6);
	assert_int_equal(s.n_drop[BF_DROP_BYLINE], 1);
	assert_int_equal(s.n_drop[BF_DROP_NOT_SENTENCE], 8);
	assert_int_equal(s.n, 65);
	assert_int_equal(s.para[0], 2);
	assert_true(span_is(t, &s.sent[1], "The timing reflects both urgency "
	                    "and the shifting dynamics of global negotiations."));
	assert_int_equal(s.para[s.n - 1], 32);
	assert_true(kept_contains(t, &s, "U.S. officials argue that peace "
	                          "cannot be rushed without jeopardizing its "
	                          "durability."));
	bf_segment_free(&s);
	free(t);
}

/* Seed 000: seven headings, "Reply", and the "or to participate" stub; 40
 * sentences kept (paragraph 12 splits before its second quote). */
static void test_seed_000(void **state)
{
	(void)state;
	size_t len;
	char *t = read_seed("000_936d58925c406d5b.txt", &len);
	bf_segment_t s = { 0 };
	assert_int_equal(bf_segment_article(t, len, &s), BF_OK);
	check_invariants(t, len, &s);
	assert_int_equal(s.n_drop[BF_DROP_BOILERPLATE], 1);
	assert_int_equal(s.n_drop[BF_DROP_BYLINE], 0);
	assert_int_equal(s.n_drop[BF_DROP_NOT_SENTENCE], 8);
	assert_int_equal(s.n, 40);
	assert_false(kept_contains(t, &s, "Reply"));
	assert_true(kept_contains(t, &s, "\xE2\x80\x9C" "But yes, we are "
	                          "discussing it.\xE2\x80\x9D"));
	bf_segment_free(&s);
	free(t);
}

/* The other seeds have no boilerplate: every line ends a sentence, except
 * the headline of 001.  Counts read by hand. */
static void test_seed_others(void **state)
{
	(void)state;
	static const struct { const char *name; size_t n, ns; } seeds[] = {
		{ "001_c8933f455a68df5e.txt", 20, 1 },
		{ "002_15e90f5fcd59cc0a.txt", 20, 0 },
		{ "004_21be471139b793da.txt", 25, 0 },
	};
	bf_segment_t s = { 0 };
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		char *t = read_seed(seeds[i].name, &len);
		assert_int_equal(bf_segment_article(t, len, &s), BF_OK);
		check_invariants(t, len, &s);
		assert_int_equal(s.n, seeds[i].n);
		assert_int_equal(s.n_drop[BF_DROP_NOT_SENTENCE], seeds[i].ns);
		assert_int_equal(s.n_drop[BF_DROP_BOILERPLATE], 0);
		assert_int_equal(s.n_drop[BF_DROP_BYLINE], 0);
		free(t);
	}
	bf_segment_free(&s);
}

/* Random text built from the pieces the splitter reacts to, plus invalid
 * bytes: the invariants hold, nothing reads out of bounds (run under
 * ASan), and a second call on the same output starts fresh. */
static void test_random_text(void **state)
{
	(void)state;
	static const char *const piece[] = {
		"The", "talks", "U.S.", "Mr.", "Inc.", "J.", "3.5", "said.", "?",
		"!", "...", "\xE2\x80\xA6", "\xE2\x80\x9C", "\xE2\x80\x9D",
		"\xE2\x80\x99", "''", "``", "(", ")", "By", "Read more", "-",
		"\xE2\x80\x94", "WASHINGTON", "(Reuters)", "\xC2\xA0", "\n",
		"\n\n", " ", " ", " ", "\xFF", "\xC3", "cookie", "Reporting by",
		"\xC3\x89mile", "\r\n", "\t", ".", "Sept.", "a.m.",
	};
	size_t n_piece = sizeof piece / sizeof piece[0];
	bf_test_rng_t rng = { 7 };
	bf_segment_t s = { 0 };
	char buf[2048];
	for (int iter = 0; iter < 4000; iter++) {
		size_t len = 0, n = bf_test_rand(&rng) % 120;
		for (size_t k = 0; k < n; k++) {
			const char *p = piece[bf_test_rand(&rng) % n_piece];
			size_t pl = strlen(p);
			if (len + pl + 1 > sizeof buf)
				break;
			memcpy(buf + len, p, pl);
			len += pl;
			if (bf_test_rand(&rng) & 1)
				buf[len++] = ' ';
		}
		/* exact length: no NUL after the text to lean on */
		char *t = malloc(len ? len : 1);
		assert_non_null(t);
		memcpy(t, buf, len);
		assert_int_equal(bf_segment_article(t, len, &s), BF_OK);
		check_invariants(t, len, &s);
		free(t);
	}
	assert_int_equal(bf_segment_article("", 0, &s), BF_OK);
	assert_int_equal(s.n, 0);
	for (int r = 0; r < BF_DROP__COUNT; r++)
		assert_int_equal(s.n_drop[r], 0);
	bf_segment_free(&s);
	bf_segment_free(&s);
	bf_segment_free(NULL);
}

/* Output arrays grow past their first capacity and keep every sentence. */
static void test_many_sentences(void **state)
{
	(void)state;
	enum { N = 1000 };
	const char *one = "The delegates met again in Geneva today. ";
	size_t ol = strlen(one);
	char *t = malloc(N * ol);
	assert_non_null(t);
	for (size_t i = 0; i < N; i++)
		memcpy(t + i * ol, one, ol);
	bf_segment_t s = { 0 };
	assert_int_equal(bf_segment_article(t, N * ol, &s), BF_OK);
	assert_int_equal(s.n, N);
	assert_int_equal(s.sent[N - 1].off, (N - 1) * ol);
	assert_int_equal(s.sent[N - 1].len, ol - 1);
	bf_segment_free(&s);
	free(t);
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(bf_drop_reason_name(BF_DROP_BOILERPLATE),
	                    "boilerplate");
	assert_string_equal(bf_drop_reason_name(BF_DROP_BYLINE), "byline");
	assert_string_equal(bf_drop_reason_name(BF_DROP_NOT_SENTENCE),
	                    "not_sentence");
}

/* ---- fast scanners against plain versions ------------------------------ */

/* seg_ws as first written: ASCII by comparisons, the rest by code point. */
static size_t ref_ws(const char *t, size_t i, size_t e)
{
	unsigned c = (unsigned char)t[i];
	if (c < 0x80)
		return c == ' ' || c - '\t' < 5u;
	if (c != 0xC2 && c != 0xE2 && c != 0xE3 && c != 0xEF)
		return 0;
	size_t n;
	utf8proc_int32_t cp = seg_cp(t, i, e, &n);
	return cp == 0x85 || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000 || cp == 0xFEFF ? n : 0;
}

static size_t ref_skip_mark(const char *t, size_t i, size_t e)
{
	while (i < e && !strchr(".!?\xE2", t[i]))
		i++;
	return i;
}

static size_t ref_word_end(const char *t, size_t i, size_t e)
{
	while (i < e && !ref_ws(t, i, e))
		i++;
	return i;
}

static bool ref_at(const char *t, size_t b, size_t e, const char *lit)
{
	for (size_t i = 0; lit[i]; i++)
		if (b + i >= e || seg_fold((unsigned char)t[b + i]) !=
		                  (unsigned char)lit[i])
			return false;
	return true;
}

/* Every byte: a, c or o (any case) after no letter starts a comparison. */
static unsigned ref_scan_phrases(const char *t, size_t b, size_t e)
{
	unsigned found = 0;
	for (size_t i = b; i < e; i++) {
		unsigned c = seg_fold((unsigned char)t[i]);
		if ((c != 'a' && c != 'c' && c != 'o') ||
		    (i > b && seg_alpha((unsigned char)t[i - 1])))
			continue;
		for (size_t p = 0; p < sizeof seg_phrases / sizeof seg_phrases[0];
		     p++)
			if (ref_at(t, i, e, seg_phrases[p].lit))
				found |= seg_phrases[p].bit;
	}
	return found;
}

/* Byte by byte, word by word. */
static size_t ref_count_words(const char *t, size_t b, size_t e, size_t max,
                              size_t min_lower, size_t *n_lower)
{
	size_t n_word = 0, i = b, k;
	while (i < e && (k = ref_ws(t, i, e)) > 0)
		i += k;
	*n_lower = 0;
	while (i < e && n_word < max && !(n_word >= min_lower && *n_lower)) {
		bool has = false;
		*n_lower += seg_lower((unsigned char)t[i]);
		while (i < e && ref_ws(t, i, e) == 0) {
			unsigned c = (unsigned char)t[i];
			k = 1;
			if (c < 0x80)
				has |= seg_alnum(c);
			else if (!has)
				has = seg_cp_is(seg_cp(t, i, e, &k), "LN");
			i += k;
		}
		n_word += has;
		while (i < e && (k = ref_ws(t, i, e)) > 0)
			i += k;
	}
	return n_word;
}

#define SCAN_TEXT_MAX 512 /* bytes of a scan_text */

/* Fold the whole unit, then look it up entry by entry. */
static bool ref_whole_match(const char *t, size_t b, size_t e)
{
	char low[SCAN_TEXT_MAX + 1];
	size_t n = 0;
	for (size_t i = b; i < e; i++) {
		unsigned c = (unsigned char)t[i];
		size_t w = ref_ws(t, i, e);
		if (w) {
			i += w - 1;
			c = ' ';
			if (n && low[n - 1] == ' ')
				continue;
		}
		low[n++] = (char)seg_fold(c);
	}
	low[n] = '\0';
	for (size_t p = 0; p < sizeof seg_bp_whole / sizeof seg_bp_whole[0]; p++)
		if (strlen(low) == n && !strcmp(low, seg_bp_whole[p]))
			return true;
	return false;
}

static int ref_prefix_of(const char *t, size_t b, size_t e,
                         const char *const *list, size_t n_list)
{
	for (size_t p = 0; p < n_list; p++) {
		size_t n = strlen(list[p]);
		if (ref_at(t, b, e, list[p]) &&
		    (b + n == e || !seg_alnum((unsigned char)list[p][n - 1]) ||
		     !seg_alnum((unsigned char)t[b + n])))
			return (int)p;
	}
	return -1;
}

/* Pieces for the scanners: their phrases, whole units and prefixes in
 * mixed case, words that share the first letters, marks, every kind of
 * white space they know, non-ASCII letters, controls and invalid bytes. */
static const char *const scan_piece[] = {
	"all rights reserved", "ALL Rights", "cookie", "Cookies", "non-cookie",
	"our privacy policy", "Our Terms of Use", "contributed reporting",
	"Contributed to this report", "our cookie policy", "al", "co", "ou",
	"Al", "cO", "oU", "a", "c", "o", "the", "company", "x", "7", "3.5",
	"Read more", "read  more", "share this", "Advertisement", "log in",
	"skip to main content", "Reply", "Read more:", "click here", "(Adds",
	"(corrects", "Reporting by", "By", "\xC2\xA9 2024", "U.S.", "Mr.",
	".", "!", "?", "...", "\xE2\x80\xA6", "\xE2\x80\x9C", "\xE2\x80\x94",
	" ", " ", " ", "  ", "\t", "\n", "\r\n", "\v", "\f",
	"\xC2\xA0", "\xE2\x80\x89", "\xE3\x80\x80", "\xEF\xBB\xBF",
	"\xE2\x80\xA8", "\xC2\x85", "\xC3\x89mile", "\xE6\x9D\xB1",
	"\xFF", "\xC3", "\x80", "\x01", "\x7F", "!\"#", "~", "'", "`",
};

/* Random text from scan_piece in an exact-size buffer (so that ASan sees
 * any read past the end); *starts gets the offsets where pieces begin. */
static char *scan_text(bf_test_rng_t *rng, size_t *len, size_t *starts,
                       size_t *n_starts)
{
	char buf[SCAN_TEXT_MAX];
	size_t n = bf_test_rand(rng) % 40, l = 0, n_piece =
	        sizeof scan_piece / sizeof scan_piece[0];
	*n_starts = 0;
	for (size_t k = 0; k < n; k++) {
		const char *p = scan_piece[bf_test_rand(rng) % n_piece];
		size_t pl = strlen(p);
		if (l + pl + 1 > sizeof buf)
			break;
		starts[(*n_starts)++] = l;
		memcpy(buf + l, p, pl);
		l += pl;
		if (bf_test_rand(rng) % 3 == 0)
			buf[l++] = ' ';
	}
	char *t = malloc(l ? l : 1);
	assert_non_null(t);
	memcpy(t, buf, l);
	*len = l;
	return t;
}

#define PREFIX_OF(list, t, b, e) \
	ref_prefix_of(t, b, e, list, sizeof list / sizeof list[0])

/* Each scanner on random ranges of random text equals its plain version. */
static void test_scanners_match_plain(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 11 };
	size_t starts[64], n_starts, len;
	for (int iter = 0; iter < 20000; iter++) {
		char *t = scan_text(&rng, &len, starts, &n_starts);
		size_t b = 0, e = len;
		if (len && (bf_test_rand(&rng) & 1)) {
			b = bf_test_rand(&rng) % (len + 1);
			e = b + bf_test_rand(&rng) % (len - b + 1);
		} else if (n_starts && (bf_test_rand(&rng) & 1)) {
			b = starts[bf_test_rand(&rng) % n_starts];
		}
		for (size_t i = b; i <= e; i++) {
			assert_int_equal(seg_skip_to_mark(t, i, e),
			                 ref_skip_mark(t, i, e));
			/* the 8-byte scan, which CPUs without AVX2 run */
			assert_int_equal(seg_skip_to_mark_swar(t, i, e),
			                 ref_skip_mark(t, i, e));
			assert_int_equal(seg_word_end(t, i, e), ref_word_end(t, i, e));
			if (i < e)
				assert_int_equal(seg_ws(t, i, e), ref_ws(t, i, e));
		}
		assert_int_equal(seg_scan_phrases(t, b, e), ref_scan_phrases(t, b, e));
		assert_int_equal(seg_scan_phrases_swar(t, b, b, e), ref_scan_phrases(t, b, e));
		size_t max = 1 + bf_test_rand(&rng) % 25, low, want_low;
		size_t min_lower = bf_test_rand(&rng) % 26;
		assert_int_equal(seg_count_words(t, b, e, max, min_lower, &low),
		                 ref_count_words(t, b, e, max, min_lower, &want_low));
		assert_int_equal(low, want_low);
		assert_int_equal(seg_whole_match(t, b, e), ref_whole_match(t, b, e));
		assert_int_equal(SEG_PREFIX_OF(seg_bp_prefix, t, b, e),
		                 PREFIX_OF(seg_bp_prefix, t, b, e));
		assert_int_equal(SEG_PREFIX_OF(seg_bp_note, t, b, e),
		                 PREFIX_OF(seg_bp_note, t, b, e));
		assert_int_equal(SEG_PREFIX_OF(seg_credit_prefix, t, b, e),
		                 PREFIX_OF(seg_credit_prefix, t, b, e));
		free(t);
	}
}

/* The random test must meet what it checks: every whole-unit entry, in
 * upper case with a tab after each space, matches (and not with a letter
 * more); a phrase is found after a dash and not inside a word. */
static void test_scanners_hit(void **state)
{
	(void)state;
	char buf[64];
	for (size_t p = 0; p < sizeof seg_bp_whole / sizeof seg_bp_whole[0]; p++) {
		size_t n = 0;
		for (const char *c = seg_bp_whole[p]; *c; c++) {
			buf[n++] = (char)(*c == ' ' ? ' ' : *c - 'a' + 'A');
			if (*c == ' ')
				buf[n++] = '\t';
		}
		assert_true(seg_whole_match(buf, 0, n));
		buf[n] = 'X';
		assert_false(seg_whole_match(buf, 0, n + 1));
	}
	/* seg_whole_too_long reads SEG_WHOLE_PEEK bytes: units of that length
	 * and one less, and long ones that fold short through white space. */
	static const struct { const char *t; bool match; } edge[] = {
		{ "skip to main content", true },            /* 20 bytes */
		{ "skip to main contentxxx", false },        /* 23 */
		{ "skip to main contentxxxx", false },       /* 24 */
		{ "skip  to  main  content", true },         /* 23 */
		{ "skip   to   main content", true },        /* 24 */
		{ "skip to main\t\tcontent", true },        /* 22 */
		{ "skip to main content\xC2\xA0", false },   /* 22, NBSP */
		{ "skip to main \xC2\xA0" "content", true },  /* 22, NBSP */
		{ "skip\xE2\x80\x89to\xE2\x80\x89main content", true }, /* 24 */
		{ "you may  also like          ", true },    /* 29 */
		{ "skip to\xE2\x80\x89main content     ", true }, /* 27 */
		{ "you may also like          x", false },
		{ "you\v\vmay also like a b c d e", false },
	};
	for (size_t k = 0; k < sizeof edge / sizeof edge[0]; k++) {
		size_t n = strlen(edge[k].t);
		char *u = malloc(n);   /* exact size, for ASan */
		assert_non_null(u);
		memcpy(u, edge[k].t, n);
		size_t ce = n;
		while (ce > 0 && u[ce - 1] == ' ')
			ce--;             /* seg_core cuts trailing white space */
		assert_int_equal(seg_whole_match(u, 0, ce), edge[k].match);
		assert_int_equal(seg_whole_match(u, 0, n),
		                 ref_whole_match(u, 0, n));
		free(u);
	}
	const char *t = "Read our non-cookie notice; precookie";
	assert_int_equal(seg_scan_phrases(t, 0, strlen(t)), SEG_PH_COOKIE);
	t = "precookie and xour privacy policy";
	assert_int_equal(seg_scan_phrases(t, 0, strlen(t)), 0);
}

/* The claims the fast scanners rest on, over every byte value: the 8-byte
 * pair test flags exactly the byte pairs the class table pairs, the word
 * end stops at exactly the bytes that start white space, and the word
 * lists are sorted and no longer than the length that skips them. */
static void test_scanner_tables(void **state)
{
	(void)state;
	for (unsigned x = 0; x < 256; x++)
		for (unsigned y = 0; y < 256; y++)
			for (unsigned k = 0; k < 7; k += 6) {
				unsigned char blk[8] = "zzzzzzzz";
				blk[k] = (unsigned char)x;
				blk[k + 1] = (unsigned char)y;
				uint64_t m = seg_phrase_pairs(seg_load8((char *)blk, 0));
				unsigned want = (seg_class[x] >> SEG_C_P1_SHIFT) &
				                (seg_class[y] >> SEG_C_P2_SHIFT) &
				                SEG_C_PAIRS;
				assert_int_equal(m != 0, want != 0);
				assert_true(!m || bf_first_flag(m) == k);
			}
	for (size_t p = 0; p < sizeof seg_phrases / sizeof seg_phrases[0]; p++) {
		unsigned a = (unsigned char)seg_phrases[p].lit[0];
		unsigned b = (unsigned char)seg_phrases[p].lit[1];
		assert_true((seg_class[a] >> SEG_C_P1_SHIFT) &
		            (seg_class[b] >> SEG_C_P2_SHIFT) & SEG_C_PAIRS);
	}
	for (unsigned x = 0; x < 256; x++)
		for (size_t k = 0; k < 12; k++) {
			char blk[12];
			memset(blk, 'q', sizeof blk);
			blk[k] = (char)x;
			assert_int_equal(seg_word_end(blk, 0, sizeof blk),
			                 ref_word_end(blk, 0, sizeof blk));
		}
	size_t longest = 0;
	for (size_t p = 0; p < sizeof seg_titles / sizeof seg_titles[0]; p++)
		longest = strlen(seg_titles[p]) > longest ? strlen(seg_titles[p])
		                                          : longest;
	for (size_t p = 0; p < sizeof seg_abbrevs / sizeof seg_abbrevs[0]; p++)
		longest = strlen(seg_abbrevs[p]) > longest ? strlen(seg_abbrevs[p])
		                                           : longest;
	assert_int_equal(longest, SEG_ABBREV_MAX_LEN);
	longest = 0;
	for (size_t p = 0; p < sizeof seg_bp_whole / sizeof seg_bp_whole[0]; p++)
		longest = strlen(seg_bp_whole[p]) > longest ? strlen(seg_bp_whole[p])
		                                            : longest;
	assert_int_equal(longest, SEG_WHOLE_MAX_LEN);
	assert_true(SEG_WHOLE_PEEK > SEG_WHOLE_MAX_LEN);
#define FIRSTS(list) \
	for (size_t p = 0; p < sizeof list / sizeof list[0]; p++) \
		assert_true(list##_first & SEG_BIT((unsigned char)list[p][0]))
	FIRSTS(seg_bp_prefix);
	FIRSTS(seg_bp_note);
	FIRSTS(seg_credit_prefix);
#undef FIRSTS
#define SORTED(list) \
	for (size_t p = 1; p < sizeof list / sizeof list[0]; p++) \
		assert_true(strcmp(list[p - 1], list[p]) < 0)
	SORTED(seg_titles);
	SORTED(seg_abbrevs);
	SORTED(seg_starters);
	SORTED(seg_speech_verbs);
	SORTED(seg_bp_whole);
	SORTED(seg_bp_note);
	SORTED(seg_name_glue);
#undef SORTED
}

/* ---- bf_count_words ---------------------------------------------------- */

/* Split on ' ', then bf_is_word as first written on each token. */
static uint32_t ref_count_words_str(const char *s)
{
	uint32_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		while (*p == ' ')
			p++;
		const unsigned char *b = p, *q;
		while (*p && *p != ' ')
			p++;
		for (q = b; q < p; q++) {
			if ((*q >= '0' && *q <= '9') ||
			    ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))
				break;
			if (*q >= 0x80) {
				if (*q == 0xE2 && q + 1 < p &&
				    (q[1] == 0x80 || q[1] == 0x81)) {
					q += 2;
					continue;
				}
				if (*q >= 0xC2)
					break;
			}
		}
		n += q < p;
	}
	return n;
}

/* Random tokens of words, punctuation, U+2000..U+206F dashes and quotes
 * (0xE2 0x80/0x81), other 0xE2 code points, cut sequences and stray bytes,
 * with single and double spaces. */
static void test_count_words(void **state)
{
	(void)state;
	static const char *const piece[] = {
		"a", "Z", "7", "-", "\"", ",", "(", ".", "\xE2\x80\x94",
		"\xE2\x80\x9C", "\xE2\x81\x84", "\xE2\x80", "\xE2", "\xE2\x82\xAC",
		"\xE2\x80" "a", "\xE2\x80\x80" "b", "\xC3\xA9", "\xC2\xA0",
		"\x80", "\xC1", "\xFF", " ", " ", "  ", "\x01",
	};
	bf_test_rng_t rng = { 5 };
	char buf[256];
	for (int iter = 0; iter < 50000; iter++) {
		size_t n = bf_test_rand(&rng) % 30, l = 0;
		for (size_t k = 0; k < n; k++) {
			const char *p = piece[bf_test_rand(&rng) %
			                      (sizeof piece / sizeof piece[0])];
			memcpy(buf + l, p, strlen(p));
			l += strlen(p);
		}
		buf[l] = '\0';
		char *t = strdup(buf);   /* exact size, for ASan */
		assert_non_null(t);
		if (bf_count_words(t) != ref_count_words_str(t))
			fail_msg("\"%s\": %u words, want %u", t,
			         bf_count_words(t), ref_count_words_str(t));
		free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_paragraphs),
		cmocka_unit_test(test_bylines),
		cmocka_unit_test(test_boilerplate),
		cmocka_unit_test(test_seed_003),
		cmocka_unit_test(test_seed_000),
		cmocka_unit_test(test_seed_others),
		cmocka_unit_test(test_random_text),
		cmocka_unit_test(test_many_sentences),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_scanners_match_plain),
		cmocka_unit_test(test_scanners_hit),
		cmocka_unit_test(test_scanner_tables),
		cmocka_unit_test(test_count_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
