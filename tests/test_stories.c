/* test_stories.c - story grouping (bf_stories.h, bf_storylink.h) on small
 * generated inputs run through the real stages (corpus, features, dedup):
 * one story per event, events kept apart, no chaining through an article
 * that mixes two events, dates as a limit, the same result at any thread
 * count; and the helpers: title terms hash like sentence terms, ISO dates
 * to day numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_features.h"
#include "bf_stories.h"
#include "bf_stock.h"
#include "bf_storylink.h"
#include "bf_terms.h"
#include "testutil.h"

#define SEED 0x5eedull

/* Three events, three reports each, worded differently (no sentence of
 * one report is a near-duplicate of another's). */
static const char *const VOLCANO[3][2] = {
	{ "Volcano erupts near Grindavik as lava reaches town",
	  "A volcano erupted near Grindavik on Sunday, sending lava toward the town. "
	  "Residents of Grindavik were evacuated before the eruption began. "
	  "Seismologists said magma had been rising under the Reykjanes peninsula for weeks. "
	  "The fissure opened north of the fishing town." },
	{ "Iceland eruption: lava flows into Grindavik",
	  "Lava from a new fissure flowed into the edge of Grindavik in southwest Iceland. "
	  "The eruption followed weeks of earthquakes on the Reykjanes peninsula. "
	  "Authorities had evacuated the town of Grindavik in November. "
	  "Magma pressure under the volcano remains high, the Met Office said." },
	{ "Grindavik homes burn as Icelandic volcano erupts again",
	  "Several homes in Grindavik caught fire when lava crossed the defensive walls. "
	  "The volcano on the Reykjanes peninsula erupted for the third time since December. "
	  "Iceland declared an emergency and the evacuated residents were told to stay away. "
	  "Scientists warned that new fissures could open as magma keeps moving." },
};
static const char *const MERGER[3][2] = {
	{ "Commerzbank shareholders approve takeover by UniCredit",
	  "Shareholders of Commerzbank approved the takeover by UniCredit on Tuesday. "
	  "The acquisition values the Frankfurt lender at about 35 billion euros. "
	  "Regulators at the European Central Bank still have to clear the merger. "
	  "UniCredit chief Andrea Orcel called the vote a milestone." },
	{ "UniCredit wins backing for Commerzbank acquisition",
	  "UniCredit won the backing of Commerzbank investors for its acquisition of the German bank. "
	  "Orcel said the merger would create a leading lender in Europe. "
	  "The deal still needs approval from regulators and the German government. "
	  "Commerzbank employees in Frankfurt protested against job cuts." },
	{ "Berlin wary as UniCredit moves closer to Commerzbank merger",
	  "The German government remains wary of the UniCredit merger with Commerzbank. "
	  "Investors voted for the takeover despite criticism from unions in Frankfurt. "
	  "Orcel expects the European Central Bank regulators to rule within months. "
	  "The combined bank would hold assets of more than a trillion euros." },
};
static const char *const FINAL[3][2] = {
	{ "Arsenal beat Chelsea in FA Cup final at Wembley",
	  "Arsenal beat Chelsea two goals to one in the FA Cup final at Wembley on Saturday. "
	  "Bukayo Saka scored the winner in extra time. "
	  "Chelsea had equalised through a penalty from Cole Palmer. "
	  "It is the fifteenth FA Cup title for Arsenal." },
	{ "Saka strike wins FA Cup for Arsenal",
	  "A late strike from Saka won the FA Cup for Arsenal against Chelsea. "
	  "Palmer converted a penalty to level the final before extra time. "
	  "Wembley was sold out for the London derby. "
	  "Arsenal manager Mikel Arteta praised his goalkeeper." },
	{ "Chelsea fall to Arsenal in Wembley cup final",
	  "Chelsea lost the FA Cup final to Arsenal at Wembley after extra time. "
	  "Cole Palmer scored from the penalty spot but Saka settled the match. "
	  "Arteta lifted his second FA Cup as Arsenal manager. "
	  "The Chelsea fans left Wembley disappointed." },
};
/* Half volcano, half merger: close to both events, the bridge single-link
 * grouping would chain them through. */
static const char *const BRIDGE[2] = {
	"Volcano eruption and UniCredit Commerzbank merger weigh on markets",
	"Markets weighed the volcano eruption near Grindavik in Iceland, where lava and magma forced residents to be evacuated. "
	"Investors also followed the UniCredit takeover of Commerzbank, a merger that regulators in Frankfurt must still approve. "
	"The Reykjanes peninsula fissure and the Commerzbank acquisition dominated the day."
};

typedef struct {
	char *buf;
	size_t len, cap;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->buf = realloc(b->buf, b->cap);
		assert_non_null(b->buf);
	}
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
}

/* One JSON Lines record (the texts above hold no character that needs
 * escaping). */
static void add_article(sbuf_t *b, const char *id, const char *title,
                        const char *text, const char *date)
{
	sb_add(b, "{\"id\":\"");
	sb_add(b, id);
	sb_add(b, "\",\"title\":\"");
	sb_add(b, title);
	sb_add(b, "\",\"text\":\"");
	sb_add(b, text);
	if (date) {
		sb_add(b, "\",\"date\":\"");
		sb_add(b, date);
	}
	sb_add(b, "\"}\n");
}

static void add_event(sbuf_t *b, const char *name, const char *const ev[3][2],
                      const char *date)
{
	char id[64];
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof id, "%s-%d", name, i);
		add_article(b, id, ev[i][0], ev[i][1], date);
	}
}

static bf_status_t add_features(void *ud, bf_corpus_t *c, size_t s0, size_t s1)
{
	return bf_features_add(ud, c, s0, s1);
}

/* Reads the JSON Lines file at path into c with features f. */
static void load(const char *path, int n_threads, bf_corpus_t *c, bf_features_t *f)
{
	const char *inputs[1] = { path };
	bf_log_t log;
	bf_log_init(&log, stderr, true);
	memset(c, 0, sizeof *c);
	assert_int_equal(bf_features_init(f, 3, SEED, n_threads), BF_OK);
	assert_int_equal(bf_corpus_load(c, inputs, 1, n_threads, &log, add_features, f),
	                 BF_OK);
	bf_features_finish(f);
}

/* Runs corpus -> features -> dedup -> stories on the JSON Lines text and
 * returns the story of each article (input order; malloc'd). */
/* Writes the JSON Lines text to a temporary file and runs corpus,
 * features and dedup on it; the file is gone on return. */
static void prepare(const char *jsonl, int n_threads, bf_corpus_t *c, bf_features_t *f,
                    bf_dedup_t *d)
{
	char *dir = bf_test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	bf_test_write_file(path, jsonl, strlen(jsonl));
	load(path, n_threads, c, f);
	bf_dedup_opts_t dopt = { 0.5, 128, SEED, n_threads };
	assert_int_equal(bf_dedup_run(d, f, c, &dopt), BF_OK);
	remove(path);
	remove(dir);
	free(dir);
}

/* The story of each article; window: bf_stories_opts_t merge_window. */
static uint32_t *group_w(const char *jsonl, int n_threads, uint32_t window, size_t *n_art)
{
	bf_corpus_t c;
	bf_features_t f;
	bf_dedup_t d;
	bf_stories_t st;
	prepare(jsonl, n_threads, &c, &f, &d);
	bf_stories_opts_t sopt = { false, 128, SEED, n_threads, window };
	assert_int_equal(bf_stories_build(&st, &c, &f, &d, &sopt), BF_OK);
	uint32_t *story = malloc(c.n_art * sizeof *story);
	assert_non_null(story);
	memcpy(story, st.story_of, c.n_art * sizeof *story);
	*n_art = c.n_art;
	bf_stories_free(&st);
	bf_dedup_free(&d);
	bf_features_free(&f);
	bf_corpus_free(&c);
	return story;
}

static uint32_t *group(const char *jsonl, int n_threads, size_t *n_art)
{
	return group_w(jsonl, n_threads, 0, n_art);
}

/* Three events of three reports: three stories of three. */
static void test_events_grouped(void **state)
{
	(void)state;
	sbuf_t b = { 0 };
	add_event(&b, "volcano", VOLCANO, NULL);
	add_event(&b, "merger", MERGER, NULL);
	add_event(&b, "final", FINAL, NULL);
	size_t n;
	uint32_t *s = group(b.buf, 1, &n);
	assert_int_equal(n, 9);
	for (size_t e = 0; e < 3; e++) {
		assert_int_equal(s[3 * e], s[3 * e + 1]);
		assert_int_equal(s[3 * e], s[3 * e + 2]);
		for (size_t o = e + 1; o < 3; o++)
			assert_int_not_equal(s[3 * e], s[3 * o]);
	}
	free(s);
	free(b.buf);
}

/* An article about both of two events joins one of them at most; the two
 * events do not chain into one story through it (average linkage). */
static void test_no_chaining(void **state)
{
	(void)state;
	sbuf_t b = { 0 };
	add_event(&b, "volcano", VOLCANO, NULL);
	add_event(&b, "merger", MERGER, NULL);
	add_article(&b, "bridge", BRIDGE[0], BRIDGE[1], NULL);
	size_t n;
	uint32_t *s = group(b.buf, 1, &n);
	assert_int_equal(n, 7);
	assert_int_equal(s[0], s[1]);
	assert_int_equal(s[0], s[2]);
	assert_int_equal(s[3], s[4]);
	assert_int_equal(s[3], s[5]);
	assert_int_not_equal(s[0], s[3]);
	free(s);
	free(b.buf);
}

/* Reports of one event dated 10 days apart are two stories; a day apart,
 * one. */
static void test_dates_limit(void **state)
{
	(void)state;
	sbuf_t b = { 0 };
	add_article(&b, "v0", VOLCANO[0][0], VOLCANO[0][1], "2024-01-14");
	add_article(&b, "v1", VOLCANO[1][0], VOLCANO[1][1], "2024-01-15");
	add_article(&b, "v2", VOLCANO[2][0], VOLCANO[2][1], "2024-01-25T10:00:00Z");
	add_event(&b, "final", FINAL, "2024-05-18");
	size_t n;
	uint32_t *s = group(b.buf, 1, &n);
	assert_int_equal(n, 6);
	assert_int_equal(s[0], s[1]);
	assert_int_not_equal(s[0], s[2]);
	assert_int_equal(s[3], s[4]);
	assert_int_equal(s[3], s[5]);
	free(s);
	free(b.buf);
}

/* The same stories, numbered the same, at 1, 2 and 3 threads. */
static void test_thread_count(void **state)
{
	(void)state;
	sbuf_t b = { 0 };
	add_event(&b, "final", FINAL, "2024-05-18");
	add_event(&b, "volcano", VOLCANO, "2024-01-14");
	add_article(&b, "bridge", BRIDGE[0], BRIDGE[1], "2024-01-14");
	add_event(&b, "merger", MERGER, "2024-01-15");
	size_t n1, n;
	uint32_t *s1 = group(b.buf, 1, &n1);
	for (int nt = 2; nt <= 3; nt++) {
		uint32_t *s = group(b.buf, nt, &n);
		assert_int_equal(n, n1);
		assert_memory_equal(s, s1, n * sizeof *s);
		free(s);
	}
	free(s1);
	free(b.buf);
}

/* Many overlapping made-up reports (hundreds of story edges in a window,
 * so the merging decides them ahead in parallel and must redo those a
 * merge invalidated): the stories of deciding every edge in turn
 * (window 1), at 1, 2 and 3 threads, and some reports really joined. */
static void test_thread_count_many(void **state)
{
	(void)state;
	static const char *const W[] = {
		"minister", "flood", "river", "bank", "rates", "council", "vote", "strike",
		"airport", "storm", "court", "ruling", "election", "budget", "oil", "prices",
		"wildfire", "hospital", "teachers", "union", "bridge", "rail", "tariff",
		"exports", "summit", "ceasefire", "drought", "harvest", "museum", "festival",
	};
	size_t nw = sizeof W / sizeof *W;
	bf_test_rng_t rng = { 23 };
	sbuf_t b = { 0 };
	char text[2048], title[256], id[32];
	for (int a = 0; a < 600; a++) {
		size_t ev = (size_t)a % 40, o = 0; /* 40 events, 15 reports each */
		for (int s = 0; s < 6; s++) {
			size_t w1 = (ev + (size_t)s) % nw, w2 = (ev * 7 + (size_t)s * 3) % nw,
			       w3 = (size_t)(bf_test_rand(&rng) % nw);
			o += (size_t)snprintf(text + o, sizeof text - o,
			                      "%sThe %s and the %s drew %s officials in town %zu on day %d.",
			                      s ? " " : "", W[w1], W[w2], W[w3], ev, s);
		}
		snprintf(title, sizeof title, "%s %s report %zu", W[ev % nw], W[(ev * 3) % nw],
		         (size_t)(bf_test_rand(&rng) % 5));
		snprintf(id, sizeof id, "r%d", a);
		add_article(&b, id, title, text, NULL);
	}
	size_t n1, n;
	uint32_t *s1 = group_w(b.buf, 1, 1, &n1);
	size_t joined = 0;
	for (size_t a = 1; a < n1; a++)
		joined += s1[a] == s1[0];
	for (int nt = 1; nt <= 3; nt++) {
		uint32_t *s = group(b.buf, nt, &n);
		assert_int_equal(n, n1);
		assert_memory_equal(s, s1, n * sizeof *s);
		free(s);
	}
	assert_true(joined > 0);
	free(s1);
	free(b.buf);
}

/* A title's content terms are the terms its words have in a sentence. */
static void test_title_terms_match_sentence_terms(void **state)
{
	(void)state;
	const char *title = "Volcanoes erupting near Grindavik, Iceland’s evacuated town";
	sbuf_t b = { 0 };
	add_article(&b, "a", "x", "Volcanoes erupting near Grindavik, Iceland’s evacuated town.", NULL);
	char *dir = bf_test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	bf_test_write_file(path, b.buf, b.len);
	bf_corpus_t c;
	bf_features_t f;
	load(path, 1, &c, &f);
	assert_int_equal(c.n_sent, 1);
	bf_norm_t nm = { 0 };
	bf_stem_cache_t sc = { 0 };
	assert_int_equal(bf_stem_cache_init(&sc), BF_OK);
	bf_terms_buf_t tb = { 0 };
	size_t nt = bf_terms_of_text(title, strlen(title), &nm, &sc, SEED, &tb);
	assert_int_equal(nt, bf_feat_n_term(&f, 0));
	assert_memory_equal(tb.t, bf_feat_term(&f, 0), nt * sizeof *tb.t);
	bf_terms_buf_free(&tb);
	bf_norm_free(&nm);
	bf_stem_cache_free(&sc);
	bf_features_free(&f);
	bf_corpus_free(&c);
	remove(path);
	remove(dir);
	free(dir);
	free(b.buf);
}

/* Day numbers against Python's datetime.date (days since 1970-01-01). */
static void test_day_of(void **state)
{
	(void)state;
	assert_int_equal(bf_day_of("1970-01-01"), 0);
	assert_int_equal(bf_day_of("2000-02-29"), 11016);
	assert_int_equal(bf_day_of("2000-03-01"), 11017);
	assert_int_equal(bf_day_of("2024-06-03T08:07:58Z"), 19877);
	assert_int_equal(bf_day_of("1987-10-20T11:11:55"), 6501);
	assert_int_equal(bf_day_of("1900-03-01"), -25508);
	assert_int_equal(bf_day_of("0001-01-01"), -719162);
	assert_int_equal(bf_day_of(NULL), INT32_MIN);
	assert_int_equal(bf_day_of(""), INT32_MIN);
	assert_int_equal(bf_day_of("2024-6-3"), INT32_MIN);
	assert_int_equal(bf_day_of("2024-13-01"), INT32_MIN);
	assert_int_equal(bf_day_of("Mon, 3 Jun 2024"), INT32_MIN);
}

/* The vectors of n articles, bit for bit. */
static void assert_same_vectors(const bf_artvec_t *v1, const bf_artvec_t *v2, size_t n)
{
	assert_memory_equal(v1->n, v2->n, n * sizeof *v1->n);
	for (uint32_t a = 0; a < n; a++)
		assert_memory_equal(bf_artvec_of(v1, a), bf_artvec_of(v2, a),
		                    v1->n[a] * sizeof(bf_tw_t));
}

/* The stock test reads the vectors of a few articles per busy cluster;
 * building only those (bf_stock_sample) flags the same clusters as
 * building every vector, and building them from the tallies the df pass
 * kept gives the same vectors.  Nine articles of three events each end with the
 * same stock line, which must come out stock. */
static void test_stock_sample(void **state)
{
	(void)state;
	static const char *const *EV[3] = { &VOLCANO[0][0], &MERGER[0][0], &FINAL[0][0] };
	sbuf_t b = { 0 };
	char id[32], text[2048];
	for (int e = 0; e < 3; e++)
		for (int i = 0; i < 3; i++) {
			snprintf(id, sizeof id, "a%d%d", e, i);
			snprintf(text, sizeof text, "%s The company did not immediately respond "
			         "to a request for comment on Tuesday evening.", EV[e][2 * i + 1]);
			add_article(&b, id, EV[e][2 * i], text, NULL);
		}
	bf_corpus_t c;
	bf_features_t f;
	bf_dedup_t d;
	prepare(b.buf, 1, &c, &f, &d);
	bf_artvec_df_t *df = bf_artvec_df_create(&c, &f, SEED, NULL, 1);
	assert_non_null(df);
	uint8_t *need = malloc(c.n_art), *all = malloc(d.n_clusters), *some = malloc(d.n_clusters);
	assert_true(need && all && some);
	assert_true(bf_stock_sample(&c, &d, need, 1));
	size_t n_need = 0;
	for (size_t a = 0; a < c.n_art; a++)
		n_need += need[a];
	assert_int_equal(n_need, BF_STOCK_SAMPLE); /* the stock line's first 8 */
	/* brute force: every busy cluster's first BF_STOCK_SAMPLE articles, in
	 * sentence order, are flagged */
	for (size_t cl = 0; cl < d.n_clusters; cl++) {
		if (d.cl_support[cl] < BF_STOCK_MIN_SUPPORT)
			continue;
		uint32_t seen[BF_STOCK_SAMPLE], k = 0;
		for (size_t s = 0; s < d.n_sent && k < BF_STOCK_SAMPLE; s++) {
			uint32_t a = c.sent[s].article;
			if (d.cluster_of[s] == cl && (k == 0 || seen[k - 1] != a)) {
				seen[k++] = a;
				assert_true(need[a]);
			}
		}
	}
	bf_artvec_t v;
	bf_artvec_opts_t o_all = { NULL, 30, 0, 1, NULL }, o_some = { NULL, 30, 0, 1, need };
	assert_int_equal(bf_artvec_build(&v, &c, &f, &d, df, &o_all), BF_OK);
	size_t n_all = bf_stock_find(&c, &d, &v, all, 1);
	bf_artvec_free(&v);
	assert_int_equal(bf_artvec_build(&v, &c, &f, &d, df, &o_some), BF_OK);
	size_t n_some = bf_stock_find(&c, &d, &v, some, 1);
	bf_artvec_free(&v);
	assert_int_equal(n_some, n_all);
	assert_memory_equal(all, some, d.n_clusters);
	/* the df pass keeping the sampled articles' tallies: the same vectors,
	 * bit for bit, built from them */
	bf_artvec_df_t *dk = bf_artvec_df_create(&c, &f, SEED, need, 1);
	assert_non_null(dk);
	bf_artvec_t v1, v2;
	assert_int_equal(bf_artvec_build(&v1, &c, &f, &d, df, &o_some), BF_OK);
	assert_int_equal(bf_artvec_build(&v2, &c, &f, &d, dk, &o_some), BF_OK);
	assert_same_vectors(&v1, &v2, c.n_art);
	bf_artvec_free(&v2);
	/* ... and, dropped, tallied again */
	bf_artvec_df_drop_kept(dk);
	assert_int_equal(bf_artvec_build(&v2, &c, &f, &d, dk, &o_some), BF_OK);
	assert_same_vectors(&v1, &v2, c.n_art);
	bf_artvec_free(&v1);
	bf_artvec_free(&v2);
	bf_artvec_df_free(dk);
	free(need);
	free(all);
	free(some);
	bf_artvec_df_free(df);
	bf_dedup_free(&d);
	bf_features_free(&f);
	bf_corpus_free(&c);
	free(b.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_grouped),
		cmocka_unit_test(test_no_chaining),
		cmocka_unit_test(test_dates_limit),
		cmocka_unit_test(test_thread_count),
		cmocka_unit_test(test_thread_count_many),
		cmocka_unit_test(test_title_terms_match_sentence_terms),
		cmocka_unit_test(test_day_of),
		cmocka_unit_test(test_stock_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
