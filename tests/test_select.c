/* test_select.c - concepts (bf_coverage.h) and the budgeted selection
 * (bf_select.h) on small inputs run through the real pipeline: the word
 * budget is never exceeded (but for the one cut first sentence), concepts
 * and their document frequencies match an independent string-based count,
 * a restatement is not chosen twice, and the choice does not depend on
 * the thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_coverage.h"
#include "bf_normalize.h"
#include "bf_options.h"
#include "bf_select.h"
#include "testutil.h"

/* ---- a run of the pipeline up to the stories (as main.c) --------------- */

typedef struct {
	bf_corpus_t c;
	bf_features_t f;
	bf_dedup_t d;
	bf_stories_t st;
	bf_log_t log;
	char *dir;
} run_t;

static bf_status_t add_features(void *ud, bf_corpus_t *c, size_t s0, size_t s1)
{
	return bf_features_add(ud, c, s0, s1);
}

/* Writes each text as an article file (NULL-terminated list), then reads,
 * folds and groups them with the program's defaults. */
static void run_open(run_t *x, const char *const *texts, bool one_story, int nt)
{
	memset(x, 0, sizeof *x);
	x->dir = bf_test_tmpdir();
	for (size_t i = 0; texts[i]; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%03zu.txt", x->dir, i);
		bf_test_write_file(path, texts[i], strlen(texts[i]));
	}
	bf_log_init(&x->log, stderr, true);
	const char *in[] = { x->dir };
	assert_int_equal(bf_features_init(&x->f, BF_DEFAULT_SHINGLE, BF_DEFAULT_SEED, nt),
	                 BF_OK);
	assert_int_equal(bf_corpus_load(&x->c, in, 1, nt, &x->log, add_features, &x->f),
	                 BF_OK);
	bf_features_finish(&x->f);
	bf_dedup_opts_t dopt = { BF_DEFAULT_THRESHOLD, BF_DEFAULT_NUM_PERM,
	                         BF_DEFAULT_SEED, nt };
	assert_int_equal(bf_dedup_run(&x->d, &x->f, &x->c, &dopt), BF_OK);
	bf_stories_opts_t sopt = { one_story, BF_DEFAULT_NUM_PERM, BF_DEFAULT_SEED, nt, 0 };
	assert_int_equal(bf_stories_build(&x->st, &x->c, &x->f, &x->d, &sopt), BF_OK);
}

static void run_close(run_t *x)
{
	bf_stories_free(&x->st);
	bf_dedup_free(&x->d);
	bf_features_free(&x->f);
	bf_corpus_free(&x->c);
	for (size_t i = 0; i < 16; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%03zu.txt", x->dir, i);
		remove(path);
	}
	remove(x->dir);
	free(x->dir);
}

static void select_words(run_t *x, bf_briefing_t *b, uint32_t words,
                         uint32_t stories, int nt)
{
	bf_select_opts_t o = { words, stories, BF_DEFAULT_THRESHOLD, nt };
	assert_int_equal(bf_select_run(b, &x->c, &x->f, &x->d, &x->st, &o), BF_OK);
}

/* The sentence of the corpus whose text starts with prefix. */
static uint32_t find_sent(const run_t *x, const char *prefix)
{
	for (uint32_t s = 0; s < x->c.n_sent; s++)
		if (!strncmp(bf_sent_text(&x->c, s), prefix, strlen(prefix)))
			return s;
	fail_msg("no sentence starts with \"%s\"", prefix);
	return UINT32_MAX;
}

static bool chosen(const bf_briefing_t *b, uint32_t s)
{
	for (size_t i = 0; i < b->n; i++)
		for (size_t j = 0; j < b->st[i].n_pick; j++)
			if (b->st[i].pick[j].sent == s)
				return true;
	return false;
}

/* ---- inputs ------------------------------------------------------------- */

/* Two stories, several sentences each; sentence lengths 6 to 30 words. */
static const char *const NEWS[] = {
	"Heavy rain flooded the old river town of Millbrook on Monday, forcing "
	"hundreds of families to leave their homes before dawn. Rescue crews used "
	"boats to reach people trapped on rooftops. The river rose faster than "
	"forecasters had expected after a week of storms. Schools stayed closed. "
	"The mayor said the damage would take months to repair.",
	"Officials said heavy rain flooded Millbrook again on Monday as the river "
	"broke through a levee north of the town. Boats carried families from "
	"their rooftops to dry ground. Forecasters warned that more storms were "
	"on the way this week. The governor declared a state of emergency for "
	"the county.",
	"Shares of Orbital Freight jumped after the company won a contract to "
	"launch weather satellites for the national space agency. The contract "
	"is worth about two billion dollars over ten years. Analysts said the "
	"deal secures the company's launch schedule through the decade.",
	"Orbital Freight stock rose sharply on Monday after the space agency "
	"picked the company to launch its next weather satellites. Rivals had "
	"bid for the same contract. The first launch is planned for next spring.",
	NULL,
};

/* ---- tests -------------------------------------------------------------- */

/* Every budget from 1 to 120 words, one story and two: the briefing never
 * has more words than the budget, the words add up, and a cut sentence is
 * the only one (the first sentence may be cut to the budget, no other). */
static void test_budget_never_exceeded(void **state)
{
	(void)state;
	for (int one = 0; one <= 1; one++) {
		run_t x;
		run_open(&x, NEWS, one, 2);
		for (uint32_t w = 1; w <= 120; w++) {
			bf_briefing_t b;
			select_words(&x, &b, w, one ? 1 : 10, 2);
			uint32_t sum = 0;
			size_t n_pick = 0, n_cut = 0;
			for (size_t i = 0; i < b.n; i++)
				for (size_t j = 0; j < b.st[i].n_pick; j++) {
					const bf_pick_t *p = &b.st[i].pick[j];
					sum += p->n_words;
					n_pick++;
					if (p->cut_text) {
						n_cut++;
						assert_int_equal(bf_count_words(p->cut_text), p->n_words);
					} else {
						assert_int_equal(p->n_words,
						                 bf_count_words(bf_sent_text(&x.c, p->sent)));
					}
				}
			assert_true(sum <= w);
			assert_int_equal(sum, b.n_words);
			assert_true(n_pick >= 1);
			assert_true(n_cut == 0 || n_pick == 1);
			bf_briefing_free(&b);
		}
		run_close(&x);
	}
}

/* A budget smaller than every sentence: the first sentence is cut to it,
 * with an ellipsis, and nothing else is taken. */
static void test_first_sentence_cut(void **state)
{
	(void)state;
	run_t x;
	run_open(&x, NEWS, true, 1);
	bf_briefing_t b;
	select_words(&x, &b, 4, 1, 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.st[0].n_pick, 1);
	const char *t = b.st[0].pick[0].cut_text;
	assert_non_null(t);
	assert_int_equal(b.n_words, 4);
	assert_int_equal(bf_count_words(t), 4);
	assert_string_equal(t + strlen(t) - strlen("…"), "…");
	bf_briefing_free(&b);
	run_close(&x);
}

/* Independent count of the concepts of a text: the distinct pairs of
 * consecutive stems, as strings, except pairs of two stop words. */
static size_t count_pairs(const char *text)
{
	bf_norm_t nm = { 0 };
	bf_stemmer_t *stem = bf_stemmer_create();
	assert_non_null(stem);
	assert_int_equal(bf_normalize(text, strlen(text), &nm), BF_OK);
	char (*pair)[128] = calloc(nm.n_tok + 1, sizeof *pair);
	char prev[64] = "";
	bool prev_stop = true;
	size_t n = 0;
	for (size_t i = 0; i < nm.n_tok; i++) {
		const char *w = nm.buf + nm.tok[i].off;
		size_t wl = nm.tok[i].len, sl;
		bool stop = bf_is_stopword(w, wl);
		const char *s = bf_stem(stem, w, wl, &sl);
		char cur[64];
		snprintf(cur, sizeof cur, "%.*s", (int)sl, s);
		if (i > 0 && !(stop && prev_stop)) {
			char p[128];
			snprintf(p, sizeof p, "%s %s", prev, cur);
			bool seen = false;
			for (size_t k = 0; k < n && !seen; k++)
				seen = !strcmp(pair[k], p);
			if (!seen)
				strcpy(pair[n++], p);
		}
		strcpy(prev, cur);
		prev_stop = stop;
	}
	free(pair);
	bf_norm_free(&nm);
	bf_stemmer_free(stem);
	return n;
}

/* Concepts of a story's nodes: as many as the string-based count, and the
 * concepts shared by sentences of two different articles have df 2 while
 * the others have df 1 (no phrase repeats inside one article here). */
static void test_concepts_df(void **state)
{
	(void)state;
	static const char *const in[] = {
		"Heavy rain flooded the old river town on Monday night. "
		"The mayor thanked every volunteer in the county.",
		"Officials said heavy rain flooded the valley again this week. "
		"Bridges along the coast road were closed to traffic.",
		NULL,
	};
	run_t x;
	run_open(&x, in, true, 1);
	bf_ranked_t r;
	assert_int_equal(bf_rank_story(&r, 0, &x.c, &x.f, &x.d, &x.st), BF_OK);
	bf_concepts_t cs;
	assert_int_equal(bf_concepts_build(&cs, &r, 0, &x.c, &x.d, &x.st), BF_OK);
	assert_int_equal(cs.n_node, r.n);
	assert_int_equal(r.n, 4);
	uint32_t s1 = find_sent(&x, "Heavy rain"), s2 = find_sent(&x, "Officials said");
	size_t i1 = SIZE_MAX, i2 = SIZE_MAX;
	for (size_t i = 0; i < r.n; i++) {
		const char *t = bf_sent_text(&x.c, r.node[i].sent);
		assert_int_equal(bf_concepts_n(&cs, i), count_pairs(t));
		for (size_t k = 1; k < bf_concepts_n(&cs, i); k++)
			assert_true(bf_concepts_of(&cs, i)[k - 1] < bf_concepts_of(&cs, i)[k]);
		if (r.node[i].sent == s1)
			i1 = i;
		if (r.node[i].sent == s2)
			i2 = i;
	}
	assert_true(i1 != SIZE_MAX && i2 != SIZE_MAX);
	/* "heavy rain", "rain flood", "flood the" are in both */
	size_t shared = 0;
	for (size_t k = 0; k < cs.n_concept; k++) {
		bool in1 = false, in2 = false;
		for (size_t q = 0; q < bf_concepts_n(&cs, i1); q++)
			in1 = in1 || bf_concepts_of(&cs, i1)[q] == k;
		for (size_t q = 0; q < bf_concepts_n(&cs, i2); q++)
			in2 = in2 || bf_concepts_of(&cs, i2)[q] == k;
		assert_int_equal(cs.df[k], in1 && in2 ? 2 : 1);
		shared += in1 && in2;
	}
	assert_int_equal(shared, 3);
	bf_concepts_free(&cs);
	bf_ranked_free(&r);
	run_close(&x);
}

/* The same fact in other words, in two articles: with room for both, only
 * one is chosen (content-term containment, bf_select.c), though they are
 * not near-duplicates by shingles. */
static void test_no_restatement(void **state)
{
	(void)state;
	static const char *const in[] = {
		"Anwar Ibrahim was fired by Prime Minister Mahathir Mohamad on Sept. 2 "
		"after a dispute over economic policy. Thousands of supporters "
		"marched through the capital on Sunday.",
		"On Sept. 2, Prime Minister Mahathir Mohamad fired Anwar Ibrahim after "
		"their dispute over economic policy. Police used tear gas to break up "
		"the crowds near the mosque.",
		NULL,
	};
	run_t x;
	run_open(&x, in, true, 1);
	uint32_t a = find_sent(&x, "Anwar Ibrahim was"), b2 = find_sent(&x, "On Sept. 2");
	assert_true(bf_feat_jaccard(&x.f, a, b2) < BF_DEFAULT_THRESHOLD);
	bf_briefing_t b;
	select_words(&x, &b, 400, 1, 1);
	assert_true(chosen(&b, a) != chosen(&b, b2)); /* exactly one */
	assert_int_equal(b.st[0].n_pick, 3);
	bf_briefing_free(&b);
	run_close(&x);
}

/* Same picks, in the same order, at 1 and 2 threads. */
static void test_threads_identical(void **state)
{
	(void)state;
	for (uint32_t w = 10; w <= 200; w += 19) {
		bf_briefing_t b[2];
		for (int t = 0; t < 2; t++) {
			run_t x;
			run_open(&x, NEWS, false, t + 1);
			select_words(&x, &b[t], w, 10, t + 1);
			run_close(&x);
		}
		assert_int_equal(b[0].n, b[1].n);
		assert_int_equal(b[0].n_words, b[1].n_words);
		for (size_t i = 0; i < b[0].n; i++) {
			assert_int_equal(b[0].st[i].story, b[1].st[i].story);
			assert_int_equal(b[0].st[i].n_pick, b[1].st[i].n_pick);
			for (size_t j = 0; j < b[0].st[i].n_pick; j++)
				assert_int_equal(b[0].st[i].pick[j].sent, b[1].st[i].pick[j].sent);
		}
		bf_briefing_free(&b[0]);
		bf_briefing_free(&b[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_never_exceeded),
		cmocka_unit_test(test_first_sentence_cut),
		cmocka_unit_test(test_concepts_df),
		cmocka_unit_test(test_no_restatement),
		cmocka_unit_test(test_threads_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
