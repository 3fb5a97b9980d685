/* bf_scatter.h - the offsets of a parallel, stable counting scatter
 * (kernel helper of the parallel sorts in kernels/).
 *
 * Each of tn threads counts the items of its fixed slice per bucket into
 * its row of cnt (tn rows of n_buckets); this turns the counts into where
 * each thread writes in each bucket: bucket d holds thread 0's items, then
 * thread 1's, ..., so the scatter keeps the serial order at any thread
 * count.  first[d] receives where bucket d starts (n_buckets + 1 entries). */
#ifndef BF_SCATTER_H
#define BF_SCATTER_H

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

#endif
