/* test_rank.c - TextRank inside a story (bf_rank.h) on small inputs run
 * through the real pipeline: the random jump follows support / (1 + pos),
 * scores sum to 1 and come sorted, and the node cap keeps the sentences of
 * highest support, then the earliest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf_options.h"
#include "bf_rank.h"
#include "testutil.h"

/* ---- a run of the pipeline up to the stories (as main.c) --------------- */

typedef struct {
	bf_corpus_t c;
	bf_features_t f;
	bf_dedup_t d;
	bf_stories_t st;
	bf_log_t log;
	char *dir;
	size_t n_files;
} run_t;

static bf_status_t add_features(void *ud, bf_corpus_t *c, size_t s0, size_t s1)
{
	return bf_features_add(ud, c, s0, s1);
}

/* Writes each text as an article file, then reads, folds and groups them
 * into one story with the program's defaults. */
static void run_open(run_t *x, const char *const *texts, size_t n)
{
	memset(x, 0, sizeof *x);
	x->dir = bf_test_tmpdir();
	x->n_files = n;
	for (size_t i = 0; i < n; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%03zu.txt", x->dir, i);
		bf_test_write_file(path, texts[i], strlen(texts[i]));
	}
	bf_log_init(&x->log, stderr, true);
	const char *in[] = { x->dir };
	assert_int_equal(bf_features_init(&x->f, BF_DEFAULT_SHINGLE, BF_DEFAULT_SEED, 1),
	                 BF_OK);
	assert_int_equal(bf_corpus_load(&x->c, in, 1, 1, &x->log, add_features, &x->f),
	                 BF_OK);
	bf_features_finish(&x->f);
	bf_dedup_opts_t dopt = { BF_DEFAULT_THRESHOLD, BF_DEFAULT_NUM_PERM,
	                         BF_DEFAULT_SEED, 1 };
	assert_int_equal(bf_dedup_run(&x->d, &x->f, &x->c, &dopt), BF_OK);
	bf_stories_opts_t sopt = { true, BF_DEFAULT_NUM_PERM, BF_DEFAULT_SEED, 1, 0 };
	assert_int_equal(bf_stories_build(&x->st, &x->c, &x->f, &x->d, &sopt), BF_OK);
	assert_int_equal(x->st.n_stories, 1);
}

static void run_close(run_t *x)
{
	bf_stories_free(&x->st);
	bf_dedup_free(&x->d);
	bf_features_free(&x->f);
	bf_corpus_free(&x->c);
	for (size_t i = 0; i < x->n_files; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%03zu.txt", x->dir, i);
		remove(path);
	}
	remove(x->dir);
	free(x->dir);
}

static const bf_node_t *node_of(const run_t *x, const bf_ranked_t *r,
                                const char *prefix)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strncmp(bf_sent_text(&x->c, r->node[i].sent), prefix, strlen(prefix)))
			return &r->node[i];
	fail_msg("no node starts with \"%s\"", prefix);
	return NULL;
}

/* ---- tests -------------------------------------------------------------- */

/* Sentences with no content term in common have no edge, so PageRank
 * returns its jump vector: support / (1 + earliest position), normalized.
 * "Volcanic ash" is in both articles (support 2, first at position 0). */
static void test_jump_support_and_lead(void **state)
{
	(void)state;
	static const char *const in[] = {
		"Apples grow in cold northern orchards. Bankers debated interest "
		"rates yesterday. Volcanic ash covered distant villages. Engineers "
		"repaired the broken railway bridge.",
		"Volcanic ash covered distant villages. Musicians performed ancient "
		"folk songs.",
	};
	run_t x;
	run_open(&x, in, 2);
	bf_ranked_t r;
	assert_int_equal(bf_rank_story(&r, 0, &x.c, &x.f, &x.d, &x.st), BF_OK);
	assert_int_equal(r.n, 5);
	const double tot = 2 + 1 + 0.5 + 0.5 + 0.25;
	const struct { const char *prefix; uint32_t support, pos; double jump; } want[] = {
		{ "Volcanic", 2, 0, 2 }, { "Apples", 1, 0, 1 }, { "Bankers", 1, 1, 0.5 },
		{ "Musicians", 1, 1, 0.5 }, { "Engineers", 1, 3, 0.25 },
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const bf_node_t *nd = node_of(&x, &r, want[i].prefix);
		assert_int_equal(nd->support, want[i].support);
		assert_int_equal(nd->pos, want[i].pos);
		assert_true(fabs(nd->score - want[i].jump / tot) < 1e-9);
	}
	assert_string_equal(bf_sent_text(&x.c, r.node[0].sent),
	                    "Volcanic ash covered distant villages.");
	bf_ranked_free(&r);
	run_close(&x);
}

/* With edges: scores are a distribution, sorted descending (ties by
 * cluster id), and a sentence that shares terms with the others ranks
 * above an unconnected one at the same position. */
static void test_scores_sorted(void **state)
{
	(void)state;
	static const char *const in[] = {
		"Flood waters rose in the river town. Rescue boats reached flooded "
		"homes in the town. Crews watched the river waters all night.",
		"Bakers sold fresh bread at the market. Flood waters closed the "
		"river road near town. The town council met on Friday evening.",
	};
	run_t x;
	run_open(&x, in, 2);
	bf_ranked_t r;
	assert_int_equal(bf_rank_story(&r, 0, &x.c, &x.f, &x.d, &x.st), BF_OK);
	assert_int_equal(r.n, 6);
	double sum = 0;
	for (size_t i = 0; i < r.n; i++) {
		sum += r.node[i].score;
		if (i)
			assert_true(r.node[i - 1].score > r.node[i].score ||
			            (r.node[i - 1].score == r.node[i].score &&
			             r.node[i - 1].cluster < r.node[i].cluster));
	}
	assert_true(fabs(sum - 1) < 1e-6);
	assert_true(node_of(&x, &r, "Flood waters rose")->score >
	            node_of(&x, &r, "Bakers")->score);
	bf_ranked_free(&r);
	run_close(&x);
}

/* More sentences than BF_RANK_MAX_NODES: the graph keeps the earliest
 * (all have support 1), i.e. positions 0 .. BF_RANK_MAX_NODES-1. */
static void test_node_cap_keeps_lead(void **state)
{
	(void)state;
	const size_t n = BF_RANK_MAX_NODES + 100;
	char *text = malloc(n * 64);
	assert_non_null(text);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "Kw%zu lorem%zu ipsum%zu dolor%zu. ", i, i, i, i);
	const char *in[] = { text };
	run_t x;
	run_open(&x, in, 1);
	assert_int_equal(x.c.n_sent, n);
	bf_ranked_t r;
	assert_int_equal(bf_rank_story(&r, 0, &x.c, &x.f, &x.d, &x.st), BF_OK);
	assert_int_equal(r.n, BF_RANK_MAX_NODES);
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.node[i].pos < BF_RANK_MAX_NODES);
	/* no edges: the lead sentence has the largest jump, so ranks first */
	assert_int_equal(r.node[0].pos, 0);
	bf_ranked_free(&r);
	run_close(&x);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jump_support_and_lead),
		cmocka_unit_test(test_scores_sorted),
		cmocka_unit_test(test_node_cap_keeps_lead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
