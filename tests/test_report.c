/* test_report.c - the writers of bf_report.h on a run built by hand: three
 * articles, five sentences, one near-duplicate pair, two stories, a
 * briefing with a cut sentence.  Outputs are compared byte for byte (they
 * are diffed nightly, so every byte is part of the contract) and the JSON
 * ones are also parsed back with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_report.h"
#include "testutil.h"

enum { MAX_ART = 16, MAX_SENT = 16, ARENA = 4096 };

/* ---- a run built by hand ---------------------------------------------- */

typedef struct {
	bf_options_t opt;
	bf_corpus_t c;
	bf_features_t f;
	bf_dedup_t d;
	bf_stories_t st;
	bf_briefing_t b;
	bf_run_t r;
	bf_article_t art[MAX_ART];
	bf_sentence_t sent[MAX_SENT];
	char meta[ARENA];
	uint32_t cluster_of[MAX_SENT], cl_size[MAX_SENT], cl_first[MAX_SENT];
	uint32_t story_of[MAX_ART], st_art[MAX_ART], st_sources[MAX_ART];
	uint32_t copy_of[MAX_ART];
	uint64_t st_off[MAX_ART + 1];
	bf_story_out_t so[MAX_ART];
	bf_pick_t pick[MAX_SENT];
} fix_t;

static uint64_t meta_put(fix_t *x, const char *s)
{
	if (!s)
		return BF_NO_STR;
	uint64_t off = x->c.meta_len;
	size_t n = strlen(s) + 1;
	assert_true(off + n <= ARENA);
	memcpy(x->meta + off, s, n);
	x->c.meta_len += n;
	return off;
}

static void add_art(fix_t *x, const char *id, const char *title,
                    const char *source, const char *date)
{
	assert_true(x->c.n_art < MAX_ART);
	x->art[x->c.n_art++] = (bf_article_t){
		.id = meta_put(x, id), .title = meta_put(x, title),
		.source = meta_put(x, source), .url = BF_NO_STR,
		.date = meta_put(x, date), .first_sent = (uint32_t)x->c.n_sent,
	};
}

/* Appends a sentence to the last article. */
static void add_sent(fix_t *x, const char *t)
{
	bf_article_t *a = &x->art[x->c.n_art - 1];
	size_t n = strlen(t) + 1;
	uint64_t off;
	assert_true(x->c.n_sent < MAX_SENT);
	assert_int_equal(bf_textstore_append(&x->c.ts, t, n - 1, &off), BF_OK);
	x->sent[x->c.n_sent++] = (bf_sentence_t){
		.text = off, .text_len = (uint32_t)(n - 1),
		.article = (uint32_t)(x->c.n_art - 1), .pos = a->n_sent++,
	};
}

static const char S4[] = "12. Markets fell sharply as traders weighed the "
                         "storm damage across the whole region on Tuesday.";
static const char S4_CUT[] = "12. Markets fell sharply as traders weighed "
                             "the storm damage across the whole region…";

static void fix_corpus(fix_t *x)
{
	x->c.art = x->art;
	x->c.sent = x->sent;
	assert_int_equal(bf_textstore_init(&x->c.ts, 1), BF_OK);
	x->c.meta = x->meta;
	add_art(x, "a-1", "Storm hits coast", "Wire", "2025-03-04T10:00:00Z");
	add_sent(x, "The storm reached the coast on Monday night.");
	add_sent(x, "Officials said \"stay home\" until noon.");
	add_art(x, "b-2", NULL, "Daily", "2025-03-04");
	add_sent(x, "The storm reached the coast on Monday evening.");
	add_sent(x, "# Power is out in 3 towns.");
	add_art(x, "c-3", "Other", NULL, "2025-03-03");
	add_sent(x, S4);
	x->c.in = (bf_ingest_counts_t){ .n_files = 4, .n_files_ignored = 2,
	                                .n_records = 3, .n_utf8_repaired = 1,
	                                .bytes_in = 1234 };
	x->c.in.n_skipped[BF_SKIP_JSON] = 2;
	x->c.in.n_skipped[BF_SKIP_EMPTY] = 1;
	x->c.n_drop[BF_DROP_BOILERPLATE] = 3;
	x->c.n_drop[BF_DROP_BYLINE] = 1;
	x->c.n_drop[BF_DROP_NOT_SENTENCE] = 2;
}

/* Sentences 0 and 2 are near-duplicates (cluster 0); the rest alone. */
static void fix_dedup(fix_t *x)
{
	static const uint32_t cl[] = {0, 1, 0, 2, 3};
	memcpy(x->cluster_of, cl, sizeof cl);
	static const uint32_t size[] = {2, 1, 1, 1}, first[] = {0, 1, 3, 4};
	memcpy(x->cl_size, size, sizeof size);
	memcpy(x->cl_first, first, sizeof first);
	x->d = (bf_dedup_t){ .n_sent = 5, .n_types = 5, .n_clusters = 4,
	                     .cluster_of = x->cluster_of, .cl_first = x->cl_first,
	                     .cl_size = x->cl_size, .bands = 16, .rows = 8,
	                     .n_candidates = 3, .n_links = 1 };
}

/* Story 0: articles 0 and 1 (copies of each other); story 1: article 2. */
static void fix_stories(fix_t *x)
{
	static const uint32_t story_of[] = {0, 0, 1}, st_art[] = {0, 1, 2};
	static const uint32_t sources[] = {2, 1}, copy_of[] = {0, 0, 2};
	static const uint64_t off[] = {0, 2, 3};
	memcpy(x->story_of, story_of, sizeof story_of);
	memcpy(x->st_art, st_art, sizeof st_art);
	memcpy(x->st_sources, sources, sizeof sources);
	memcpy(x->copy_of, copy_of, sizeof copy_of);
	memcpy(x->st_off, off, sizeof off);
	x->st = (bf_stories_t){ .n_art = 3, .n_stories = 2, .story_of = x->story_of,
	                        .st_off = x->st_off, .st_art = x->st_art,
	                        .st_sources = x->st_sources, .copy_of = x->copy_of,
	                        .n_copy_pairs = 1, .n_story_links = 2 };
}

static void fix_briefing(fix_t *x)
{
	x->pick[0] = (bf_pick_t){ 0, 0, 2, 8, 0.5, NULL };
	x->pick[1] = (bf_pick_t){ 3, 2, 1, 7, 1.0 / 3, NULL };
	x->pick[2] = (bf_pick_t){ 4, 3, 1, 14, 0.125, strdup(S4_CUT) };
	assert_non_null(x->pick[2].cut_text);
	x->so[0] = (bf_story_out_t){ 0, 0, &x->pick[0], 2 };
	x->so[1] = (bf_story_out_t){ 1, UINT32_MAX, &x->pick[2], 1 };
	x->b = (bf_briefing_t){ x->so, 2, 29 };
}

static int setup(void **state)
{
	fix_t *x = calloc(1, sizeof *x);
	if (!x)
		return -1;
	bf_options_init(&x->opt);
	x->opt.threshold = 0.5;
	x->opt.shingle = 3;
	x->opt.num_perm = 128;
	x->opt.seed = 0x62726566ull;
	fix_corpus(x);
	fix_dedup(x);
	fix_stories(x);
	fix_briefing(x);
	x->r = (bf_run_t){ .opt = &x->opt, .c = &x->c, .f = &x->f, .d = &x->d,
	                   .st = &x->st, .b = &x->b,
	                   .stage_s = {1.5, 0.25, 0.125, 0.0626, 0.001, 0.0004},
	                   .stage_rss_kb = {1000, 1000, 1500, 2000, 2000, 2001},
	                   .n_threads = 4 };
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fix_t *x = *state;
	for (size_t i = 0; i < MAX_SENT; i++)
		free(x->pick[i].cut_text);
	bf_textstore_free(&x->c.ts);
	free(x);
	return 0;
}

/* ---- running a writer into memory --------------------------------------- */

typedef bf_status_t (*writer_fn)(FILE *, const bf_run_t *);

/* Runs fn into a memory buffer, asserts it succeeded; caller frees. */
static char *capture(writer_fn fn, const bf_run_t *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	assert_int_equal(fn(m, r), BF_OK);
	assert_int_equal(fclose(m), 0);
	assert_int_equal(strlen(buf), len); /* no NUL byte inside */
	return buf;
}

static char *capture_fmt(fix_t *x, bf_format_t fmt)
{
	x->opt.format = fmt;
	return capture(bf_report_briefing, &x->r);
}

static void assert_output(writer_fn fn, const bf_run_t *r, const char *want)
{
	char *got = capture(fn, r);
	assert_string_equal(got, want);
	free(got);
}

/* ---- bf_json_str --------------------------------------------------------- */

static char *json_str_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	bf_json_str(m, s);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static void test_json_str(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } tab[] = {
		{ "", "\"\"" },
		{ "plain text", "\"plain text\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"" },
		{ "\b\f", "\"\\b\\f\"" },
		{ "\x01-\x1f", "\"\\u0001-\\u001F\"" },
		{ "\x7f/", "\"\x7f/\"" }, /* DEL and '/' need no escape */
		{ "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80\"" },
		{ "\"\\\n", "\"\\\"\\\\\\n\"" }, /* escapes back to back */
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
		char *got = json_str_of(tab[i].in);
		assert_string_equal(got, tab[i].want);
		/* and a JSON parser reads back the very same bytes */
		json_error_t err;
		json_t *v = json_loads(got, JSON_DECODE_ANY, &err);
		assert_non_null(v);
		assert_string_equal(json_string_value(v), tab[i].in);
		json_decref(v);
		free(got);
	}
	char *got = json_str_of(NULL);
	assert_string_equal(got, "null");
	free(got);
}

/* ---- the briefing --------------------------------------------------------- */

static const char WANT_MD[] =
	"# Briefing — 2025-03-04\n"
	"\n"
	"6 articles read, 3 used, 3 skipped (malformed_json 2, empty 1) · "
	"5 sentences, 1 near-duplicate folded into 1 cluster · 2 stories, "
	"showing 2\n"
	"\n"
	"## 1. Storm hits coast\n"
	"\n"
	"*2 articles from 2 sources*\n"
	"\n"
	"- The storm reached the coast on Monday night. *(2 articles)*\n"
	"- \\# Power is out in 3 towns. *(1 article)*\n"
	"\n"
	"Articles: a-1, b-2\n"
	"\n"
	"## 2. 12. Markets fell sharply as traders weighed the storm damage "
	"across the…\n"
	"\n"
	"*1 article from 1 source*\n"
	"\n"
	"- 12\\. Markets fell sharply as traders weighed the storm damage "
	"across the whole region… *(1 article)*\n"
	"\n"
	"Articles: c-3\n";

static void test_md(void **state)
{
	fix_t *x = *state;
	char *got = capture_fmt(x, BF_FMT_MD);
	assert_string_equal(got, WANT_MD);
	free(got);
}

/* The header names the most common date, ties to the later, ignoring
 * values that are not dates; "# Briefing" alone when none is. */
static void test_md_date(void **state)
{
	fix_t *x = *state;
	static const struct { const char *d[3], *want; } tab[] = {
		/* 03-03 twice beats the later 03-04: mode, not maximum */
		{ { "2025-03-03", "2025-03-03T23:00", "2025-03-04" },
		  "# Briefing — 2025-03-03\n\n" },
		/* one each: the later wins whatever the order */
		{ { "2025-03-04", "2025-03-03", NULL }, "# Briefing — 2025-03-04\n\n" },
		{ { "2025-03-03", "2025-03-04", NULL }, "# Briefing — 2025-03-04\n\n" },
		/* not dates: slashes, month 13, too short; day 00, month 00, day 32 */
		{ { "2025/03/05", "2025-13-01", "2025-03" }, "# Briefing\n\n" },
		{ { "2025-03-00", "2025-00-10", "2025-03-32" }, "# Briefing\n\n" },
		/* the one real date wins over two equal non-dates */
		{ { "yesterday", "yesterday", "2024-12-31" },
		  "# Briefing — 2024-12-31\n\n" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
		for (int a = 0; a < 3; a++)
			x->art[a].date = meta_put(x, tab[i].d[a]);
		char *got = capture_fmt(x, BF_FMT_MD);
		size_t n = strlen(tab[i].want);
		assert_true(strlen(got) > n);
		got[n] = '\0'; /* the header and the blank line after it */
		assert_string_equal(got, tab[i].want);
		free(got);
	}
}

/* No skips: no parenthesis.  Title fallback without a cut: no ellipsis. */
static void test_md_variants(void **state)
{
	fix_t *x = *state;
	memset(x->c.in.n_skipped, 0, sizeof x->c.in.n_skipped);
	x->so[0].title_art = UINT32_MAX;
	for (uint32_t i = 0; i < 5; i++) { /* no near-duplicate left */
		x->cluster_of[i] = i;
		x->cl_size[i] = 1;
	}
	x->d.n_clusters = 5;
	char *got = capture_fmt(x, BF_FMT_MD);
	assert_non_null(strstr(got, "\n\n3 articles read, 3 used, 0 skipped · "
	                            "5 sentences, 0 near-duplicates folded into "
	                            "0 clusters · 2 stories, showing 2\n\n"));
	assert_non_null(strstr(got, "\n## 1. The storm reached the coast on "
	                            "Monday night.\n"));
	free(got);
}

/* Markup at the start of a sentence is escaped, and only there. */
static void test_md_escape(void **state)
{
	fix_t *x = *state;
	static const struct { const char *in, *want; } tab[] = {
		{ "# a b c d", "- \\# a b c d *(" },
		{ "- a b c d", "- \\- a b c d *(" },
		{ "* a b c d", "- \\* a b c d *(" },
		{ "+ a b c d", "- \\+ a b c d *(" },
		{ "> a b c d", "- \\> a b c d *(" },
		{ "3. a b c d", "- 3\\. a b c d *(" },
		{ "2024) a b c", "- 2024\\) a b c *(" },
		{ "2.5 million a b", "- 2.5 million a b *(" }, /* a number, not a list */
		{ "a # b - c", "- a # b - c *(" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
		free(x->pick[0].cut_text);
		x->pick[0].cut_text = strdup(tab[i].in);
		char *got = capture_fmt(x, BF_FMT_MD);
		assert_non_null(strstr(got, tab[i].want));
		free(got);
	}
}

/* A story of many articles lists the first 8 ids and counts the rest;
 * a newline inside an id or title cannot break the line. */
static void test_md_many_articles(void **state)
{
	fix_t *x = *state;
	char id[16];
	for (int i = 0; i < 9; i++) {
		snprintf(id, sizeof id, "x%d", i);
		add_art(x, id, NULL, NULL, NULL);
		add_sent(x, "Filler sentence for an extra article.");
	}
	x->art[0].title = meta_put(x, "Storm\nhits");
	x->st_art[0] = 0; /* story 0: articles 0, 1 and the nine extras */
	x->st_art[1] = 1;
	for (uint32_t i = 0; i < 9; i++)
		x->st_art[2 + i] = 3 + i;
	x->st_art[11] = 2;
	x->st_off[1] = 11;
	x->st_off[2] = 12;
	x->st.n_art = 12;
	char *got = capture_fmt(x, BF_FMT_MD);
	assert_non_null(strstr(got, "\n## 1. Storm hits\n\n*11 articles from 2 "
	                            "sources*\n"));
	assert_non_null(strstr(got, "\nArticles: a-1, b-2, x0, x1, x2, x3, x4, x5, "
	                            "and 3 more\n\n## 2."));
	free(got);
}

static const char WANT_JSON[] =
	"{\"version\":1,\"input\":{\"files\":4,\"articles_read\":6,"
	"\"articles_used\":3,\"skipped\":{\"malformed_json\":2,\"no_text\":0,"
	"\"bad_utf8\":0,\"bad_zstd\":0,\"empty\":1,\"binary\":0,\"too_long\":0,"
	"\"unreadable\":0,\"no_sentences\":0},\"utf8_repaired\":1,"
	"\"sentences\":5,\"dropped\":{\"boilerplate\":3,\"byline\":1,"
	"\"not_sentence\":2}},"
	"\"dedup\":{\"threshold\":0.500000,\"shingle\":3,\"num_perm\":128,"
	"\"bands\":16,\"rows\":8,\"seed\":1651664230,\"types\":5,\"clusters\":1,"
	"\"sentences_folded\":1},"
	"\"stories\":["
	"{\"rank\":1,\"story\":0,\"title\":\"Storm hits coast\",\"sources\":2,"
	"\"n_articles\":2,\"articles\":[\"a-1\",\"b-2\"],\"sentences\":["
	"{\"text\":\"The storm reached the coast on Monday night.\","
	"\"article\":\"a-1\",\"position\":0,\"support\":2,\"score\":0.5},"
	"{\"text\":\"# Power is out in 3 towns.\",\"article\":\"b-2\","
	"\"position\":1,\"support\":1,\"score\":0.333333333}]},"
	"{\"rank\":2,\"story\":1,\"title\":null,\"sources\":1,\"n_articles\":1,"
	"\"articles\":[\"c-3\"],\"sentences\":["
	"{\"text\":\"12. Markets fell sharply as traders weighed the storm "
	"damage across the whole region…\",\"article\":\"c-3\",\"position\":0,"
	"\"support\":1,\"score\":0.125}]}]}\n";

static void test_json(void **state)
{
	fix_t *x = *state;
	char *got = capture_fmt(x, BF_FMT_JSON);
	assert_string_equal(got, WANT_JSON);
	json_error_t err;
	json_t *j = json_loads(got, 0, &err);
	assert_non_null(j);
	json_t *in = json_object_get(j, "input");
	assert_int_equal(json_integer_value(json_object_get(in, "articles_read")), 6);
	json_t *sk = json_object_get(in, "skipped");
	assert_int_equal(json_object_size(sk), BF_SKIP__COUNT);
	assert_int_equal(json_integer_value(json_object_get(sk, "malformed_json")), 2);
	json_t *st = json_object_get(j, "stories");
	assert_int_equal(json_array_size(st), 2);
	json_t *s0 = json_array_get(st, 0), *s1 = json_array_get(st, 1);
	assert_string_equal(json_string_value(json_object_get(s0, "title")),
	                    "Storm hits coast");
	assert_true(json_is_null(json_object_get(s1, "title")));
	json_t *p1 = json_array_get(json_object_get(s0, "sentences"), 1);
	assert_true(fabs(json_real_value(json_object_get(p1, "score")) - 1.0 / 3) < 1e-9);
	json_t *p2 = json_array_get(json_object_get(s1, "sentences"), 0);
	assert_string_equal(json_string_value(json_object_get(p2, "text")), S4_CUT);
	json_decref(j);
	free(got);
}

static void test_txt(void **state)
{
	fix_t *x = *state;
	char *got = capture_fmt(x, BF_FMT_TXT);
	char want[512];
	snprintf(want, sizeof want, "The storm reached the coast on Monday night.\n"
	         "# Power is out in 3 towns.\n\n%s\n", S4_CUT);
	assert_string_equal(got, want);
	free(got);
}

/* A story without a pick (bf_select keeps none, but the type allows it)
 * adds no blank line to the text and still gets a readable heading. */
static void test_story_without_picks(void **state)
{
	fix_t *x = *state;
	x->so[2] = x->so[1];
	x->so[1] = (bf_story_out_t){ 1, UINT32_MAX, NULL, 0 };
	x->b.n = 3;
	char *got = capture_fmt(x, BF_FMT_TXT);
	char want[512];
	snprintf(want, sizeof want, "The storm reached the coast on Monday night.\n"
	         "# Power is out in 3 towns.\n\n%s\n", S4_CUT);
	assert_string_equal(got, want);
	free(got);
	got = capture_fmt(x, BF_FMT_MD);
	assert_non_null(strstr(got, "\n## 2. Untitled story\n\n*1 article from "
	                            "1 source*\n\n\nArticles: c-3\n\n## 3. "));
	free(got);
}

/* An empty run still gives a well-formed briefing in every format. */
static void test_empty_briefing(void **state)
{
	fix_t *x = *state;
	x->b.n = 0;
	x->st.n_stories = 0;
	char *got = capture_fmt(x, BF_FMT_TXT);
	assert_string_equal(got, "");
	free(got);
	got = capture_fmt(x, BF_FMT_JSON);
	assert_non_null(strstr(got, ",\"stories\":[]}\n"));
	free(got);
	got = capture_fmt(x, BF_FMT_MD);
	assert_non_null(strstr(got, " · 0 stories, showing 0\n"));
	assert_int_equal(got[strlen(got) - 2], '0'); /* ends with the summary */
	free(got);
}

/* ---- side files ---------------------------------------------------------- */

static void test_clusters(void **state)
{
	fix_t *x = *state;
	assert_output(bf_report_clusters, &x->r,
		"{\"cluster\":0,\"size\":2,\"members\":["
		"{\"article\":\"a-1\",\"sentence\":0,\"text\":\"The storm reached the "
		"coast on Monday night.\"},"
		"{\"article\":\"b-2\",\"sentence\":0,\"text\":\"The storm reached the "
		"coast on Monday evening.\"}]}\n");
}

/* Interleaved clusters: each lists its members in sentence order, size-1
 * clusters are left out, clusters come in id order. */
static void test_clusters_interleaved(void **state)
{
	fix_t *x = *state;
	static const uint32_t cl[] = {1, 0, 2, 1, 0}, size[] = {2, 2, 1};
	memcpy(x->cluster_of, cl, sizeof cl);
	memcpy(x->cl_size, size, sizeof size);
	x->d.n_clusters = 3;
	char *got = capture(bf_report_clusters, &x->r);
	const char *l0 = strstr(got, "{\"cluster\":0,\"size\":2,\"members\":["
	                             "{\"article\":\"a-1\",\"sentence\":1,");
	const char *l1 = strstr(got, "{\"cluster\":1,\"size\":2,\"members\":["
	                             "{\"article\":\"a-1\",\"sentence\":0,");
	assert_non_null(l0);
	assert_non_null(l1);
	assert_true(l0 == got && l1 > l0);
	assert_non_null(strstr(l0, "{\"article\":\"c-3\",\"sentence\":0,"));
	assert_non_null(strstr(l1, "{\"article\":\"b-2\",\"sentence\":1,"));
	assert_null(strstr(got, "\"cluster\":2"));
	/* two lines, each a JSON object */
	char *nl = strchr(got, '\n');
	assert_non_null(nl);
	assert_string_equal(strchr(nl + 1, '\n'), "\n");
	free(got);
}

static void test_sentences(void **state)
{
	fix_t *x = *state;
	char want[1024];
	snprintf(want, sizeof want,
		"{\"article\":\"a-1\",\"sentence\":0,\"text\":\"The storm reached the coast on Monday night.\"}\n"
		"{\"article\":\"a-1\",\"sentence\":1,\"text\":\"Officials said \\\"stay home\\\" until noon.\"}\n"
		"{\"article\":\"b-2\",\"sentence\":0,\"text\":\"The storm reached the coast on Monday evening.\"}\n"
		"{\"article\":\"b-2\",\"sentence\":1,\"text\":\"# Power is out in 3 towns.\"}\n"
		"{\"article\":\"c-3\",\"sentence\":0,\"text\":\"%s\"}\n", S4);
	assert_output(bf_report_sentences, &x->r, want);
}

static void test_groups(void **state)
{
	fix_t *x = *state;
	assert_output(bf_report_groups, &x->r,
		"{\"story\":0,\"articles\":[\"a-1\",\"b-2\"],\"copies\":[[\"a-1\",\"b-2\"]]}\n"
		"{\"story\":1,\"articles\":[\"c-3\"],\"copies\":[]}\n");
}

/* Eight articles, two stories, several copy groups interleaved by id:
 * copies are grouped by copy_of, ordered by smallest article, singles
 * left out. */
static void test_groups_many(void **state)
{
	fix_t *x = *state;
	char id[16];
	for (int i = 3; i < 8; i++) {
		snprintf(id, sizeof id, "x%d", i);
		add_art(x, id, NULL, NULL, NULL);
	}
	static const uint32_t copy_of[] = {0, 1, 0, 1, 4, 0, 4, 7};
	static const uint32_t st_art[] = {1, 3, 4, 6, 7, 0, 2, 5};
	static const uint64_t off[] = {0, 5, 8};
	memcpy(x->copy_of, copy_of, sizeof copy_of);
	memcpy(x->st_art, st_art, sizeof st_art);
	memcpy(x->st_off, off, sizeof off);
	x->st.n_art = 8;
	assert_output(bf_report_groups, &x->r,
		"{\"story\":0,\"articles\":[\"b-2\",\"x3\",\"x4\",\"x6\",\"x7\"],"
		"\"copies\":[[\"b-2\",\"x3\"],[\"x4\",\"x6\"]]}\n"
		"{\"story\":1,\"articles\":[\"a-1\",\"c-3\",\"x5\"],"
		"\"copies\":[[\"a-1\",\"c-3\",\"x5\"]]}\n");
}

static const char WANT_STATS[] =
	"{\"version\":1,\"threads\":4,\"input\":{\"files\":4,\"articles_read\":6,"
	"\"articles_used\":3,\"skipped\":{\"malformed_json\":2,\"no_text\":0,"
	"\"bad_utf8\":0,\"bad_zstd\":0,\"empty\":1,\"binary\":0,\"too_long\":0,"
	"\"unreadable\":0,\"no_sentences\":0},\"utf8_repaired\":1,"
	"\"sentences\":5,\"dropped\":{\"boilerplate\":3,\"byline\":1,"
	"\"not_sentence\":2},\"bytes\":1234,\"files_ignored\":2},"
	"\"dedup\":{\"threshold\":0.500000,\"shingle\":3,\"num_perm\":128,"
	"\"bands\":16,\"rows\":8,\"seed\":1651664230,\"types\":5,\"clusters\":1,"
	"\"sentences_folded\":1,\"candidates\":3,\"links\":1},"
	"\"stories\":{\"stories\":2,\"copy_pairs\":1,\"story_links\":2},"
	"\"texts\":{\"bytes\":255,\"spilled_bytes\":0},"
	"\"briefing\":{\"stories\":2,\"sentences\":3,\"words\":29},"
	"\"seconds\":{\"ingest\":1.500,\"features\":0.250,\"dedup\":0.125,"
	"\"stories\":0.063,\"rank\":0.001,\"write\":0.000,\"total\":1.939},"
	"\"peak_rss_kb\":{\"ingest\":1000,\"features\":1000,\"dedup\":1500,"
	"\"stories\":2000,\"rank\":2000,\"write\":2001}}\n";

static void test_stats(void **state)
{
	fix_t *x = *state;
	char *got = capture(bf_report_stats, &x->r);
	assert_string_equal(got, WANT_STATS);
	json_error_t err;
	json_t *j = json_loads(got, 0, &err);
	assert_non_null(j);
	/* the invariant cron users rely on: read = used + skipped */
	json_t *in = json_object_get(j, "input");
	json_int_t sum = json_integer_value(json_object_get(in, "articles_used"));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(in, "skipped"), k, v)
		sum += json_integer_value(v);
	assert_int_equal(json_integer_value(json_object_get(in, "articles_read")), sum);
	json_decref(j);
	free(got);
}

/* ---- errors -------------------------------------------------------------- */

/* A stream that refuses every write: each writer must notice. */
static void test_write_errors(void **state)
{
	fix_t *x = *state;
	static const writer_fn fns[] = { bf_report_briefing, bf_report_clusters,
	                                 bf_report_sentences, bf_report_groups,
	                                 bf_report_stats };
	for (int fmt = BF_FMT_MD; fmt <= BF_FMT_TXT; fmt++) {
		x->opt.format = (bf_format_t)fmt;
		for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
			FILE *ro = fopen("/dev/null", "r");
			assert_non_null(ro);
			assert_int_equal(fns[i](ro, &x->r), BF_EIO);
			fclose(ro);
		}
	}
}

/* Values JSON cannot spell and formats that do not exist. */
static void test_odd_values(void **state)
{
	fix_t *x = *state;
	x->pick[0].score = NAN;
	x->pick[1].score = INFINITY;
	char *got = capture_fmt(x, BF_FMT_JSON);
	assert_non_null(strstr(got, "\"support\":2,\"score\":null}"));
	assert_non_null(strstr(got, "\"support\":1,\"score\":null}"));
	json_error_t err;
	json_t *j = json_loads(got, 0, &err);
	assert_non_null(j);
	json_decref(j);
	free(got);
	x->opt.format = (bf_format_t)7;
	FILE *m = tmpfile();
	assert_non_null(m);
	assert_int_equal(bf_report_briefing(m, &x->r), BF_EARG);
	assert_int_equal(ftell(m), 0);
	fclose(m);
}

static void test_stage_names(void **state)
{
	(void)state;
	static const char *want[] = {"ingest", "features", "dedup", "stories",
	                             "rank", "write"};
	for (int s = 0; s < BF_STAGE__COUNT; s++)
		assert_string_equal(bf_stage_name((bf_stage_t)s), want[s]);
	assert_string_equal(bf_stage_name(BF_STAGE__COUNT), "unknown");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str),
		T(test_md),
		T(test_md_date),
		T(test_md_variants),
		T(test_md_escape),
		T(test_md_many_articles),
		T(test_json),
		T(test_txt),
		T(test_story_without_picks),
		T(test_empty_briefing),
		T(test_clusters),
		T(test_clusters_interleaved),
		T(test_sentences),
		T(test_groups),
		T(test_groups_many),
		T(test_stats),
		T(test_write_errors),
		T(test_odd_values),
		cmocka_unit_test(test_stage_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
