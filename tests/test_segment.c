/* test_segment.c - bf_segment_article: sentence boundaries, boilerplate,
 * bylines, datelines, span invariants, and the real seed articles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_segment.h"
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
