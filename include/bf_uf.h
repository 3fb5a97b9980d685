/* bf_uf.h - union-find over dense ids 0..n-1 (kernel).
 *
 * Union by smaller id (the root of a set is always its smallest member, so
 * the result does not depend on the order of unions) with path halving. */
#ifndef BF_UF_H
#define BF_UF_H

#include "bf_common.h"

typedef struct {
	uint32_t *parent;
	size_t n;
} bf_uf_t;

/* Every id its own set.  Returns BF_OK or BF_ENOMEM. */
bf_status_t bf_uf_init(bf_uf_t *uf, size_t n);
void bf_uf_destroy(bf_uf_t *uf); /* accepts a zeroed or destroyed uf */

/* Root (smallest member) of x's set. */
uint32_t bf_uf_find(bf_uf_t *uf, uint32_t x);

/* The same root without path halving: nothing is written, so threads may
 * call it at once while no union runs. */
uint32_t bf_uf_root(const bf_uf_t *uf, uint32_t x);
/* Merges the sets of a and b.  Returns 1 when they were apart, 0 when already
 * one set. */
int bf_uf_union(bf_uf_t *uf, uint32_t a, uint32_t b);

#endif
