/* test_k_scatter.c - bf_scatter_run against a serial stable counting sort,
 * at 1 to 4 threads, with and without cuts that keep runs on one thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bf_scatter.h"
#include "testutil.h"

typedef struct {
	const uint32_t *bucket; /* per item */
	const uint32_t *run;    /* per item: its run (ascending), for cut */
	size_t n;
	uint32_t *out;          /* items, by bucket */
	size_t total;
} sc_t;

static void sc_count(void *ctx, size_t lo, size_t hi, size_t *row)
{
	const sc_t *x = ctx;
	for (size_t i = lo; i < hi; i++)
		row[x->bucket[i]]++;
}

static bool sc_room(void *ctx, size_t total)
{
	sc_t *x = ctx;
	x->total = total;
	x->out = malloc((total ? total : 1) * sizeof *x->out);
	return x->out != NULL;
}

static void sc_place(void *ctx, size_t lo, size_t hi, size_t *row)
{
	const sc_t *x = ctx;
	for (size_t i = lo; i < hi; i++)
		x->out[row[x->bucket[i]]++] = (uint32_t)i;
}

/* The first item at or after i (i > 0) that starts a run: both tests'
 * cut. */
static size_t run_start(const uint32_t *run, size_t n, size_t i)
{
	while (i < n && run[i] == run[i - 1])
		i++;
	return i;
}

static size_t sc_cut(void *ctx, size_t i)
{
	const sc_t *x = ctx;
	return run_start(x->run, x->n, i);
}

/* n items in nb buckets, at 1 to 4 threads, with or without cuts: the
 * serial stable order, and each bucket's start in first. */
static void check(size_t n, size_t nb, bool cuts, bf_test_rng_t *rng)
{
	uint32_t *bucket = malloc((n ? n : 1) * sizeof *bucket);
	uint32_t *run = malloc((n ? n : 1) * sizeof *run);
	uint32_t *want = malloc((n ? n : 1) * sizeof *want);
	size_t *first = malloc((nb + 1) * sizeof *first), *fill = calloc(nb + 1, sizeof *fill);
	assert_true(bucket && run && want && first && fill);
	for (size_t i = 0, r = 0; i < n; i++) {
		bucket[i] = (uint32_t)(bf_test_rand(rng) % nb);
		r += bf_test_rand(rng) % 7 == 0; /* runs of ~7 items */
		run[i] = (uint32_t)r;
	}
	/* the serial stable counting sort */
	for (size_t i = 0; i < n; i++)
		fill[bucket[i] + 1]++;
	for (size_t d = 0; d < nb; d++)
		fill[d + 1] += fill[d];
	for (size_t i = 0; i < n; i++)
		want[fill[bucket[i]]++] = (uint32_t)i;
	for (int nt = 1; nt <= 4; nt++) {
		sc_t x = { bucket, run, n, NULL, 0 };
		bf_scatter_fns_t fns = { sc_count, sc_room, sc_place, cuts ? sc_cut : NULL, &x };
		assert_true(bf_scatter_run(n, nb, nt, first, &fns));
		assert_int_equal(x.total, n);
		assert_int_equal(first[nb], n);
		assert_memory_equal(x.out, want, n * sizeof *want);
		/* first[d]: where bucket d starts; the serial sort's fill[d] is
		 * where bucket d ended, so where d + 1 starts */
		assert_int_equal(first[0], 0);
		assert_memory_equal(first + 1, fill, nb * sizeof *first);
		free(x.out);
	}
	free(bucket);
	free(run);
	free(want);
	free(first);
	free(fill);
}

static void test_scatter_matches_serial(void **state)
{
	(void)state;
	bf_test_rng_t rng = { 17 };
	static const size_t sizes[] = { 0, 1, 3, 100, 100000 };
	static const size_t buckets[] = { 1, 2, 256, 5000 };
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
		for (size_t b = 0; b < sizeof buckets / sizeof *buckets; b++) {
			check(sizes[s], buckets[b], false, &rng);
			check(sizes[s], buckets[b], true, &rng);
		}
}

/* With cuts, every slice starts at a run's start: a thread's slice of
 * count is the one it places, so runs stay whole. */
typedef struct {
	const uint32_t *run;
	size_t n;
	int bad;
} runs_t;

static void runs_count(void *ctx, size_t lo, size_t hi, size_t *row)
{
	runs_t *x = ctx;
	(void)row;
	if ((lo > 0 && lo < x->n && x->run[lo] == x->run[lo - 1]) ||
	    (hi > 0 && hi < x->n && x->run[hi] == x->run[hi - 1])) {
#pragma omp atomic
		x->bad++;
	}
}

static bool runs_room(void *ctx, size_t total)
{
	(void)ctx;
	(void)total;
	return true;
}

static void runs_place(void *ctx, size_t lo, size_t hi, size_t *row)
{
	(void)ctx;
	(void)lo;
	(void)hi;
	(void)row;
}

static size_t runs_cut(void *ctx, size_t i)
{
	const runs_t *x = ctx;
	return run_start(x->run, x->n, i);
}

static void test_cuts_keep_runs_whole(void **state)
{
	(void)state;
	enum { N = 1000 };
	uint32_t run[N];
	for (size_t i = 0; i < N; i++)
		run[i] = (uint32_t)(i / 300); /* runs of 300: every even cut is inside one */
	size_t first[2];
	for (int nt = 2; nt <= 4; nt++) {
		runs_t x = { run, N, 0 };
		bf_scatter_fns_t fns = { runs_count, runs_room, runs_place, runs_cut, &x };
		assert_true(bf_scatter_run(N, 1, nt, first, &fns));
		assert_int_equal(x.bad, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scatter_matches_serial),
		cmocka_unit_test(test_cuts_keep_runs_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
