/* bf_scatter.h - a parallel, stable counting scatter (bf_scatter_run) and
 * its offsets (bf_scatter_offsets), for the parallel sorts in kernels/ and
 * the pipeline's lists by cluster, article and group.
 *
 * Each of tn threads counts the items of its slice per bucket into
 * its row of cnt (tn rows of n_buckets); this turns the counts into where
 * each thread writes in each bucket: bucket d holds thread 0's items, then
 * thread 1's, ..., so the scatter keeps the serial order at any thread
 * count.  first[d] receives where bucket d starts (n_buckets + 1 entries). */
#ifndef BF_SCATTER_H
#define BF_SCATTER_H

#include <stdbool.h>
#include <stddef.h>

/* Threads of a scatter over n items: each has a row of counts per bucket,
 * so at most BF_SCATTER_MAX_THREADS (64 threads' rows for the 0.67 M
 * clusters of the 1 GB dump would be 350 MB), and one thread below
 * per_min items a thread. */
#define BF_SCATTER_MAX_THREADS 8
static inline int bf_scatter_threads(int nt, size_t n, size_t per_min)
{
	if (nt > BF_SCATTER_MAX_THREADS)
		nt = BF_SCATTER_MAX_THREADS;
	return nt > 1 && n >= per_min * (size_t)nt ? nt : 1;
}

static inline void bf_scatter_offsets(size_t *cnt, int tn, size_t n_buckets,
                                      size_t *first)
{
	size_t off = 0;
	for (size_t d = 0; d < n_buckets; d++) {
		first[d] = off;
		for (int u = 0; u < tn; u++) {
			size_t c = cnt[(size_t)u * n_buckets + d];
			cnt[(size_t)u * n_buckets + d] = off;
			off += c;
		}
	}
	first[n_buckets] = off;
}

/* A stable counting scatter of items 0..n-1 into n_buckets buckets, the
 * whole of it: each thread takes a fixed slice of the items, counts them
 * (count), the counts become offsets (bf_scatter_offsets, into first),
 * room is made for first[n_buckets] items, and each thread places its
 * slice (place): the serial order at any thread count.  The callbacks run
 * once per slice, so the loops over items stay in the caller's code. */
typedef struct {
	/* items [lo, hi): row[d] += items of bucket d */
	void (*count)(void *ctx, size_t lo, size_t hi, size_t *row);
	/* room for total items; false when out of memory (called once) */
	bool (*room)(void *ctx, size_t total);
	/* items [lo, hi): the item of bucket d goes to row[d]++ */
	void (*place)(void *ctx, size_t lo, size_t hi, size_t *row);
	/* NULL, or the first item at or after i where a slice may start (a
	 * slice then starts there, e.g. at the start of a run of items that
	 * must stay with one thread) */
	size_t (*cut)(void *ctx, size_t i);
	void *ctx;
} bf_scatter_fns_t;

/* Runs the scatter on nt threads (bf_scatter_threads picks nt); first has
 * n_buckets + 1 entries.  False when out of memory. */
bool bf_scatter_run(size_t n, size_t n_buckets, int nt, size_t *first,
                    const bf_scatter_fns_t *fns);

#endif
