/* bf_array.h - growing heap arrays by doubling, the one way the pipeline
 * does it. */
#ifndef BF_ARRAY_H
#define BF_ARRAY_H

#include <stdbool.h>
#include <stdlib.h>

/* The capacity after cap that holds need elements: cap doubled (from 64)
 * until it does. */
static inline size_t bf_array_next_cap(size_t cap, size_t need)
{
	size_t nc = cap ? cap : 64;
	while (nc < need)
		nc *= 2;
	return nc;
}

/* Reallocates *a to n elements of elem bytes; on failure returns false and
 * leaves *a as it was.  Parallel arrays sharing one capacity call this once
 * each with the same bf_array_next_cap. */
static inline bool bf_array_resize(void **a, size_t n, size_t elem)
{
	void *p = realloc(*a, n * elem);
	if (!p)
		return false;
	*a = p;
	return true;
}

/* Makes room for need elements of elem bytes in *a (capacity *cap, in
 * elements).  Returns false on allocation failure, with *a and *cap
 * unchanged. */
static inline bool bf_array_grow(void **a, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t nc = bf_array_next_cap(*cap, need);
	if (!bf_array_resize(a, nc, elem))
		return false;
	*cap = nc;
	return true;
}

#endif
