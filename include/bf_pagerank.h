/* bf_pagerank.h - personalized PageRank on a sparse weighted graph (kernel).
 *
 * TextRank (Mihalcea & Tarau 2004) scores sentence i as
 *     WS(i) = (1-d) + d * sum_j (w_ji / sum_k w_jk) * WS(j),   d = 0.85.
 * This kernel computes the normalized form with a personalization
 * (random-jump) vector p summing to 1:
 *     x_i = (1-d) p_i + d * ( sum_j (w_ji / out_j) x_j  +  p_i * D ),
 * where D = sum of x_j over dangling nodes j (out_j == 0): a dangling node's
 * rank is redistributed along p, so x keeps summing to 1.  With p uniform,
 * x = WS / n.  Power iteration until the L1 change is below tol. */
#ifndef BF_PAGERANK_H
#define BF_PAGERANK_H

#include "bf_common.h"

/* Graph as incoming edges in CSR form: the in-neighbours of node i are
 * src[row[i] .. row[i+1]) with weights w[...] (> 0).  An undirected graph
 * lists each edge in both rows. */
typedef struct {
	uint32_t n;          /* nodes */
	const uint32_t *row; /* n+1 offsets */
	const uint32_t *src; /* row[n] source nodes */
	const double *w;     /* row[n] weights w_ji */
} bf_csr_t;

/* Runs power iteration.
 *   g        : the graph
 *   jump     : personalization p (n values >= 0 summing to 1), or NULL for
 *              uniform
 *   damping  : d in [0,1)
 *   tol      : stop when sum_i |x_i - x_i'| < tol
 *   max_iter : at most this many iterations
 *   x        : out, n scores summing to 1
 *   work     : caller scratch of 2*n doubles (no allocation inside)
 * Each row is summed sequentially in src order, so the result is the same
 * bit for bit on every run.  Returns the number of iterations done. */
uint32_t bf_pagerank(const bf_csr_t *g, const double *jump, double damping,
                     double tol, uint32_t max_iter, double *x, double *work);

/* out_w[j] = sum of weights of edges leaving j (computed from the in-edge
 * CSR; used by bf_pagerank, exposed for tests). out_w has n entries. */
void bf_pagerank_out_weights(const bf_csr_t *g, double *out_w);

#endif
