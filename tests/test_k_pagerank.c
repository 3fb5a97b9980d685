/* test_k_pagerank.c - sparse PageRank vs a dense power iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bf_pagerank.h"
#include "testutil.h"

enum { MAX_N = 60, MAX_E = 2 * MAX_N * MAX_N };

/* A weighted graph both ways: dense W[j][i] = weight of edge j -> i for the
 * reference, and the in-edge CSR the kernel reads. */
typedef struct {
	uint32_t n;
	double W[MAX_N][MAX_N];
	uint32_t row[MAX_N + 1];
	uint32_t src[MAX_E];
	double w[MAX_E];
	bf_csr_t g;
} graph_t;

/* Lists each in-edge of W in random order within its row, and sometimes
 * splits one edge into two entries (parallel edges add up). */
static void build_csr(graph_t *G, bf_test_rng_t *rng)
{
	uint32_t e = 0;
	for (uint32_t i = 0; i < G->n; i++) {
		G->row[i] = e;
		for (uint32_t j = 0; j < G->n; j++) {
			if (G->W[j][i] == 0.0)
				continue;
			if (bf_test_rand(rng) % 4 == 0) {
				double part = G->W[j][i] * bf_test_uniform(rng);
				G->src[e] = j;
				G->w[e++] = part;
				G->src[e] = j;
				G->w[e++] = G->W[j][i] - part;
			} else {
				G->src[e] = j;
				G->w[e++] = G->W[j][i];
			}
		}
		for (uint32_t k = e - G->row[i]; k > 1; k--) {
			uint32_t a = G->row[i] + k - 1;
			uint32_t b = G->row[i] + (uint32_t)(bf_test_rand(rng) % k);
			uint32_t ts = G->src[a];
			double tw = G->w[a];
			G->src[a] = G->src[b];
			G->w[a] = G->w[b];
			G->src[b] = ts;
			G->w[b] = tw;
		}
	}
	G->row[G->n] = e;
	G->g.n = G->n;
	G->g.row = G->row;
	G->g.src = G->src;
	G->g.w = G->w;
}

/* Random graph: edge density q, a share of dangling nodes (no out-edges),
 * and the odd self-loop. */
static void random_graph(graph_t *G, bf_test_rng_t *rng, uint32_t n, double q,
                         int undirected, double dangling_share)
{
	memset(G->W, 0, sizeof G->W);
	G->n = n;
	for (uint32_t j = 0; j < n; j++)
		for (uint32_t i = undirected ? j : 0; i < n; i++) {
			if (bf_test_uniform(rng) >= q)
				continue;
			if (i == j && bf_test_rand(rng) % 3)
				continue;
			double w = 0.1 + 2.0 * bf_test_uniform(rng);
			G->W[j][i] = w;
			if (undirected)
				G->W[i][j] = w;
		}
	for (uint32_t j = 0; j < n; j++) {
		if (bf_test_uniform(rng) >= dangling_share)
			continue;
		for (uint32_t i = 0; i < n; i++) {
			G->W[j][i] = 0.0;
			if (undirected)
				G->W[i][j] = 0.0;
		}
	}
	build_csr(G, rng);
}

/* x <- (1-d) p + d M x with M[i][j] = W[j][i] / out_j, or p_i when j is
 * dangling: the header's equation as a dense matrix.  Starts from uniform
 * (as the kernel does) and runs `iters` steps, fewer if a step changes x
 * by less than tol in L1; returns the L1 change of the last step. */
static double dense_pagerank(const graph_t *G, const double *p, double d,
                             uint32_t iters, double tol, double *x)
{
	uint32_t n = G->n;
	static double M[MAX_N][MAX_N];
	double out[MAX_N], nx[MAX_N], change = 0.0;
	for (uint32_t j = 0; j < n; j++) {
		out[j] = 0.0;
		for (uint32_t i = 0; i < n; i++)
			out[j] += G->W[j][i];
	}
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++)
			M[i][j] = out[j] > 0.0 ? G->W[j][i] / out[j] : p[i];
	for (uint32_t i = 0; i < n; i++)
		x[i] = 1.0 / n;
	for (uint32_t it = 0; it < iters; it++) {
		change = 0.0;
		for (uint32_t i = 0; i < n; i++) {
			double s = 0.0;
			for (uint32_t j = 0; j < n; j++)
				s += M[i][j] * x[j];
			nx[i] = (1.0 - d) * p[i] + d * s;
		}
		for (uint32_t i = 0; i < n; i++) {
			change += fabs(nx[i] - x[i]);
			x[i] = nx[i];
		}
		if (change < tol)
			break;
	}
	return change;
}

static double max_abs_diff(const double *a, const double *b, uint32_t n)
{
	double m = 0.0;
	for (uint32_t i = 0; i < n; i++)
		m = fmax(m, fabs(a[i] - b[i]));
	return m;
}

static double sum(const double *x, uint32_t n)
{
	double s = 0.0;
	for (uint32_t i = 0; i < n; i++)
		s += x[i];
	return s;
}

/* Scratch and output start as NaN: reading them before writing shows. */
static uint32_t run(const graph_t *G, const double *jump, double d, double tol,
                    uint32_t max_iter, double *x)
{
	double work[2 * MAX_N];
	for (uint32_t i = 0; i < 2 * MAX_N; i++)
		work[i] = NAN;
	for (uint32_t i = 0; i < G->n; i++)
		x[i] = NAN;
	return bf_pagerank(&G->g, jump, d, tol, max_iter, x, work);
}

enum { JUMP_UNIFORM, JUMP_NULL, JUMP_RANDOM, JUMP_SPARSE, JUMP_ONE, N_JUMP };

static void make_jump(bf_test_rng_t *rng, int kind, uint32_t n, double *p)
{
	double s = 0.0;
	for (uint32_t i = 0; i < n; i++) {
		switch (kind) {
		case JUMP_RANDOM: p[i] = bf_test_uniform(rng); break;
		case JUMP_SPARSE: p[i] = bf_test_rand(rng) % 3 ? 0.0 : 1.0 + i; break;
		case JUMP_ONE: p[i] = i == n / 2; break;
		default: p[i] = 1.0;
		}
		s += p[i];
	}
	if (s == 0.0) {
		p[0] = 1.0;
		s = 1.0;
	}
	for (uint32_t i = 0; i < n; i++)
		p[i] /= s;
}

static void test_vs_dense(void **state)
{
	(void)state;
	static const uint32_t sizes[] = {1, 2, 3, 5, 10, 30, MAX_N};
	static const double densities[] = {0.05, 0.2, 0.7};
	static const double dampings[] = {0.85, 0.5, 0.0, 0.95};
	static graph_t G;
	bf_test_rng_t rng = {81};
	double p[MAX_N], x[MAX_N], ref[MAX_N], ow[MAX_N];
	int n_cases = 0;
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (size_t di = 0; di < 3; di++)
			for (int undirected = 0; undirected < 2; undirected++)
				for (int jk = 0; jk < N_JUMP; jk++) {
					uint32_t n = sizes[si];
					double d = dampings[(si + di + jk) % 4];
					double dangling = (jk % 2) ? 0.0 : 0.2;
					random_graph(&G, &rng, n, densities[di], undirected,
					             dangling);
					make_jump(&rng, jk, n, p);

					bf_pagerank_out_weights(&G.g, ow);
					for (uint32_t j = 0; j < n; j++) {
						double s = sum(G.W[j], n);
						assert_true(fabs(ow[j] - s) <= 1e-12 * s);
						assert_true((ow[j] == 0.0) == (s == 0.0));
					}

					const double *jump = jk == JUMP_NULL ? NULL : p;
					uint32_t it = run(&G, jump, d, 1e-12, 10000, x);
					assert_true(it >= 1 && it < 10000);
					dense_pagerank(&G, p, d, 5000, 1e-15, ref);
					assert_true(max_abs_diff(x, ref, n) < 1e-9);
					assert_true(fabs(sum(x, n) - 1.0) < 1e-12);

					/* exactly k steps: same start, same update */
					uint32_t k = 1 + (uint32_t)(bf_test_rand(&rng) % 6);
					assert_int_equal(run(&G, jump, d, 0.0, k, x), k);
					dense_pagerank(&G, p, d, k, -1.0, ref);
					assert_true(max_abs_diff(x, ref, n) < 1e-13);
					assert_true(fabs(sum(x, n) - 1.0) < 1e-12);
					n_cases++;
				}
	assert_int_equal(n_cases, 7 * 3 * 2 * N_JUMP);
}

/* The stopping rule is the L1 change of one step. */
static void test_stopping(void **state)
{
	(void)state;
	static graph_t G;
	bf_test_rng_t rng = {82};
	double x[MAX_N], ref[MAX_N], x2[MAX_N], p[MAX_N];
	random_graph(&G, &rng, 40, 0.1, 0, 0.1);
	make_jump(&rng, JUMP_UNIFORM, 40, p);
	static const double tols[] = {1e-2, 1e-4, 1e-6, 1e-9};
	for (int t = 0; t < 4; t++) {
		uint32_t it = run(&G, NULL, 0.85, tols[t], 1000, x);
		assert_true(dense_pagerank(&G, p, 0.85, it, -1.0, ref) < tols[t]);
		assert_true(dense_pagerank(&G, p, 0.85, it - 1, -1.0, ref) >= tols[t]);
	}
	/* max_iter bounds the work even when tol is never reached */
	assert_int_equal(run(&G, NULL, 0.85, 0.0, 3, x), 3);
	assert_int_equal(run(&G, NULL, 0.85, -1.0, 50, x), 50);
	assert_int_equal(run(&G, NULL, 0.85, 1e-12, 0, x), 0);
	assert_true(fabs(sum(x, 40) - 1.0) < 1e-12);
	/* bit-for-bit repeatable */
	run(&G, NULL, 0.85, 1e-12, 1000, x);
	run(&G, NULL, 0.85, 1e-12, 1000, x2);
	assert_memory_equal(x, x2, 40 * sizeof *x);
}

static void set_edge(graph_t *G, uint32_t a, uint32_t b, double w)
{
	G->W[a][b] = G->W[b][a] = w;
}

static void test_known_cases(void **state)
{
	(void)state;
	static graph_t G;
	bf_test_rng_t rng = {83};
	double x[MAX_N], p[MAX_N];

	/* symmetric 3-cycle: all equal */
	memset(&G, 0, sizeof G);
	G.n = 3;
	set_edge(&G, 0, 1, 0.5);
	set_edge(&G, 1, 2, 0.5);
	set_edge(&G, 2, 0, 0.5);
	build_csr(&G, &rng);
	run(&G, NULL, 0.85, 1e-14, 1000, x);
	for (int i = 0; i < 3; i++)
		assert_float_equal(x[i], 1.0 / 3.0, 1e-14);

	/* star with m leaves: x_c = (1 + d m) / (n (1 + d)) by solving
	 * x_c = (1-d)/n + d * m * x_l and x_l = (1-d)/n + d * x_c / m */
	enum { M = 5 };
	const double d = 0.85;
	memset(&G, 0, sizeof G);
	G.n = M + 1;
	for (uint32_t l = 1; l <= M; l++)
		set_edge(&G, 0, l, 1.0 + l); /* weights differ: one edge per leaf */
	build_csr(&G, &rng);
	run(&G, NULL, d, 1e-14, 1000, x);
	double xc = (1.0 + d * M) / ((M + 1) * (1.0 + d));
	assert_float_equal(x[0], xc, 1e-12);
	for (uint32_t l = 1; l <= M; l++) {
		assert_true(x[0] > x[l]);
		/* a leaf receives the centre's rank in proportion to its weight */
		double wl = (1.0 + l) / (M * (M + 3) / 2.0);
		assert_float_equal(x[l], (1.0 - d) / (M + 1) + d * wl * xc, 1e-12);
	}

	/* no edges at all: every node dangles, so x is the jump vector */
	memset(&G, 0, sizeof G);
	G.n = 7;
	build_csr(&G, &rng);
	make_jump(&rng, JUMP_RANDOM, 7, p);
	run(&G, p, 0.85, 1e-14, 1000, x);
	for (int i = 0; i < 7; i++)
		assert_float_equal(x[i], p[i], 1e-14);

	/* a chain 0 -> 1 -> 2 with 2 dangling and all jumps to node 0 */
	memset(&G, 0, sizeof G);
	G.n = 3;
	G.W[0][1] = 1.0;
	G.W[1][2] = 1.0;
	build_csr(&G, &rng);
	p[0] = 1.0;
	p[1] = p[2] = 0.0;
	run(&G, p, 0.5, 1e-15, 1000, x);
	/* x1 = d x0, x2 = d x1, sum 1 */
	assert_float_equal(x[0], 1.0 / (1.0 + 0.5 + 0.25), 1e-13);
	assert_float_equal(x[1], 0.5 / 1.75, 1e-13);
	assert_float_equal(x[2], 0.25 / 1.75, 1e-13);

	/* empty graph */
	G.n = 0;
	G.row[0] = 0;
	build_csr(&G, &rng);
	assert_int_equal(bf_pagerank(&G.g, NULL, 0.85, 1e-12, 10, x, p), 0);
}

/* With p uniform and no dangling nodes, n x solves the TextRank equation
 * WS(i) = (1-d) + d sum_j (w_ji / out_j) WS(j). */
static void test_textrank_form(void **state)
{
	(void)state;
	static graph_t G;
	bf_test_rng_t rng = {84};
	double x[MAX_N], out[MAX_N];
	const uint32_t n = 25;
	const double d = 0.85;
	random_graph(&G, &rng, n, 0.3, 1, 0.0);
	for (uint32_t j = 0; j < n; j++) /* no dangling nodes */
		if (sum(G.W[j], n) == 0.0)
			set_edge(&G, j, (j + 1) % n, 1.0);
	build_csr(&G, &rng);
	run(&G, NULL, d, 1e-14, 10000, x);
	for (uint32_t j = 0; j < n; j++)
		out[j] = sum(G.W[j], n);
	for (uint32_t i = 0; i < n; i++) {
		double s = 0.0;
		for (uint32_t j = 0; j < n; j++)
			s += G.W[j][i] / out[j] * (n * x[j]);
		assert_float_equal(n * x[i], (1.0 - d) + d * s, 1e-10);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_dense),
		cmocka_unit_test(test_stopping),
		cmocka_unit_test(test_known_cases),
		cmocka_unit_test(test_textrank_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
