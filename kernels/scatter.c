/* scatter.c - a stable counting scatter on many threads (see bf_scatter.h). */
#include "bf_scatter.h"

#include <omp.h>
#include <stdlib.h>

/* Where slice t of tn starts. */
static size_t slice_at(const bf_scatter_fns_t *f, size_t n, int t, int tn)
{
	size_t i = n * (size_t)t / (size_t)tn;
	return f->cut && i > 0 && i < n ? f->cut(f->ctx, i) : i;
}

bool bf_scatter_run(size_t n, size_t n_buckets, int nt, size_t *first,
                    const bf_scatter_fns_t *fns)
{
	nt = nt > 1 ? nt : 1;
	size_t nb = n_buckets ? n_buckets : 1;
	size_t *cnt = calloc((size_t)nt * nb, sizeof *cnt); /* a row per thread */
	bool ok = cnt != NULL;
#pragma omp parallel num_threads(nt) if (ok && nt > 1)
	{
		int t = omp_get_thread_num(), tn = omp_get_num_threads();
		size_t lo = slice_at(fns, n, t, tn), hi = slice_at(fns, n, t + 1, tn);
		size_t *row = ok ? cnt + (size_t)t * nb : NULL;
		if (ok)
			fns->count(fns->ctx, lo, hi, row);
#pragma omp barrier
#pragma omp single
		{
			if (ok)
				bf_scatter_offsets(cnt, tn, n_buckets, first);
			ok = ok && fns->room(fns->ctx, first[n_buckets]);
		}
		if (ok)
			fns->place(fns->ctx, lo, hi, row);
	}
	free(cnt);
	return ok;
}
