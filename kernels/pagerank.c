/* pagerank.c - personalized PageRank by power iteration.
 *
 * PageRank (Brin & Page 1998) as used by TextRank (Mihalcea & Tarau,
 * "TextRank: Bringing Order into Texts", EMNLP 2004):
 *     WS(i) = (1-d) + d * sum_j (w_ji / sum_k w_jk) * WS(j),   d = 0.85.
 * We iterate the stochastic form of bf_pagerank.h, whose dangling-node term
 * keeps x a probability vector; with p uniform it equals WS / n.
 *
 * Determinism: every sum below is a plain left-to-right loop over a fixed
 * order (rows, then each row's src order), never a parallel reduction, so
 * the scores are identical bit for bit on every run (STYLE.md section 6). */
#include "bf_pagerank.h"

#include <math.h>

void bf_pagerank_out_weights(const bf_csr_t *g, double *out_w)
{
	for (uint32_t j = 0; j < g->n; j++)
		out_w[j] = 0.0;
	for (uint32_t i = 0; i < g->n; i++)
		for (uint32_t e = g->row[i]; e < g->row[i + 1]; e++)
			out_w[g->src[e]] += g->w[e];
}

static double pr_jump(const double *jump, uint32_t i, double uniform)
{
	return jump ? jump[i] : uniform;
}

/* Power iteration from the uniform vector.  Scratch layout (2n doubles):
 *     inv_out = work[0, n)   1/out_j, or 0 for a dangling node
 *     share   = work[n, 2n)  x_j / out_j of the current iterate
 * Precomputing each node's share turns the inner loop into one multiply-add
 * per edge, and since share already holds what the rows read, x can be
 * overwritten row by row while the L1 change is accumulated. */
uint32_t bf_pagerank(const bf_csr_t *g, const double *jump, double damping,
                     double tol, uint32_t max_iter, double *x, double *work)
{
	const uint32_t n = g->n;
	if (n == 0)
		return 0;
	double *inv_out = work;
	double *share = work + n;
	const double uniform = 1.0 / n;

	bf_pagerank_out_weights(g, inv_out);
	for (uint32_t j = 0; j < n; j++)
		inv_out[j] = inv_out[j] > 0.0 ? 1.0 / inv_out[j] : 0.0;
	for (uint32_t i = 0; i < n; i++)
		x[i] = uniform;

	uint32_t iter = 0;
	while (iter < max_iter) {
		/* A dangling node has no edge to spread its rank along, so it is
		 * handed back through the jump vector instead of leaking away. */
		double dangling = 0.0;
		for (uint32_t j = 0; j < n; j++) {
			share[j] = x[j] * inv_out[j];
			if (inv_out[j] == 0.0)
				dangling += x[j];
		}
		double change = 0.0;
		for (uint32_t i = 0; i < n; i++) {
			double in = 0.0;
			for (uint32_t e = g->row[i]; e < g->row[i + 1]; e++)
				in += g->w[e] * share[g->src[e]];
			double p = pr_jump(jump, i, uniform);
			double xi = (1.0 - damping) * p + damping * (in + p * dangling);
			change += fabs(xi - x[i]);
			x[i] = xi;
		}
		iter++;
		if (change < tol)
			break;
	}
	return iter;
}
