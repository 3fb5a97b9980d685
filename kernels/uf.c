/* uf.c - union-find (disjoint sets) over dense ids.
 *
 * Tarjan & van Leeuwen, "Worst-case analysis of set union algorithms",
 * JACM 1984.  Linking always hangs the larger root under the smaller, so a
 * root is its set's smallest member and the final partition and its
 * representatives do not depend on the order in which candidate pairs are
 * merged (threads may find them in any order).  Linking by index instead of
 * by rank gives up the inverse-Ackermann bound, but with path halving finds
 * stay O(log n) amortized, and near-duplicate clusters are small. */
#include "bf_uf.h"

#include <assert.h>
#include <stdlib.h>

/* Largest n whose ids 0..n-1 all fit in a uint32_t parent slot. */
#define BF_UF_MAX_N ((uint64_t)UINT32_MAX + 1)

bf_status_t bf_uf_init(bf_uf_t *uf, size_t n)
{
	uf->parent = NULL;
	uf->n = 0;
	if ((uint64_t)n > BF_UF_MAX_N)
		return BF_EARG;
	if (n == 0)
		return BF_OK;
	uf->parent = malloc(n * sizeof *uf->parent);
	if (!uf->parent)
		return BF_ENOMEM;
	for (size_t i = 0; i < n; i++)
		uf->parent[i] = (uint32_t)i;
	uf->n = n;
	return BF_OK;
}

void bf_uf_destroy(bf_uf_t *uf)
{
	free(uf->parent);
	uf->parent = NULL;
	uf->n = 0;
}

/* Path halving: every node on the path is pointed at its grandparent, which
 * halves the path in one pass without recursion or a second walk. */
uint32_t bf_uf_find(bf_uf_t *uf, uint32_t x)
{
	assert(x < uf->n);
	uint32_t *p = uf->parent;
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

uint32_t bf_uf_root(const bf_uf_t *uf, uint32_t x)
{
	assert(x < uf->n);
	while (uf->parent[x] != x)
		x = uf->parent[x];
	return x;
}

int bf_uf_union(bf_uf_t *uf, uint32_t a, uint32_t b)
{
	uint32_t ra = bf_uf_find(uf, a);
	uint32_t rb = bf_uf_find(uf, b);
	if (ra == rb)
		return 0;
	if (ra < rb)
		uf->parent[rb] = ra;
	else
		uf->parent[ra] = rb;
	return 1;
}
