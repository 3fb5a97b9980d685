/* bf_array.h - growing a heap array by doubling, the one way the pipeline
 * does it. */
#ifndef BF_ARRAY_H
#define BF_ARRAY_H

#include <stdbool.h>
#include <stdlib.h>

/* Makes room for need elements of elem bytes in *a (capacity *cap, in
 * elements), doubling from 64.  Returns false on allocation failure, with
 * *a and *cap unchanged. */
static inline bool bf_array_grow(void **a, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	void *n = realloc(*a, nc * elem);
	if (!n)
		return false;
	*a = n;
	*cap = nc;
	return true;
}

#endif
