/* test_k_uf.c - union-find vs brute-force connected components. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bf_uf.h"
#include "testutil.h"

enum { MAX_N = 300 };

/* Component of every node by BFS on a dense adjacency matrix; a component's
 * label is its smallest node, which is the root bf_uf promises. */
static void bfs_components(size_t n, const uint8_t *adj, uint32_t *comp)
{
	uint32_t queue[MAX_N];
	for (size_t i = 0; i < n; i++)
		comp[i] = UINT32_MAX;
	for (size_t s = 0; s < n; s++) {
		if (comp[s] != UINT32_MAX)
			continue;
		size_t head = 0, tail = 0;
		queue[tail++] = (uint32_t)s;
		comp[s] = (uint32_t)s;
		while (head < tail) {
			uint32_t u = queue[head++];
			for (size_t v = 0; v < n; v++)
				if (adj[u * n + v] && comp[v] == UINT32_MAX) {
					comp[v] = (uint32_t)s;
					queue[tail++] = (uint32_t)v;
				}
		}
	}
}

static void test_random_graphs(void **state)
{
	(void)state;
	static const size_t sizes[] = {1, 2, 3, 10, 50, 120, MAX_N};
	bf_test_rng_t rng = {71};
	uint8_t *adj = malloc(MAX_N * MAX_N);
	uint32_t comp[MAX_N], label[MAX_N], ea[4 * MAX_N], eb[4 * MAX_N];
	assert_non_null(adj);
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		size_t n = sizes[si];
		for (int trial = 0; trial < 20; trial++) {
			/* from nearly empty to nearly connected graphs */
			size_t m = bf_test_rand(&rng) % (2 * n + 1);
			memset(adj, 0, n * n);
			bf_uf_t uf;
			assert_int_equal(bf_uf_init(&uf, n), BF_OK);
			for (size_t i = 0; i < n; i++)
				label[i] = (uint32_t)i;
			size_t n_merges = 0;
			for (size_t e = 0; e < m; e++) {
				uint32_t a = (uint32_t)(bf_test_rand(&rng) % n);
				uint32_t b = (uint32_t)(bf_test_rand(&rng) % n);
				ea[e] = a;
				eb[e] = b;
				adj[a * n + b] = adj[b * n + a] = 1;
				/* brute-force labels, relabelled on every merge */
				int apart = label[a] != label[b];
				assert_int_equal(bf_uf_union(&uf, a, b), apart);
				if (apart) {
					uint32_t from = label[b], to = label[a];
					for (size_t i = 0; i < n; i++)
						if (label[i] == from)
							label[i] = to;
					n_merges++;
				}
			}
			bfs_components(n, adj, comp);
			size_t n_comp = 0;
			for (size_t i = 0; i < n; i++) {
				assert_int_equal(bf_uf_find(&uf, (uint32_t)i), comp[i]);
				n_comp += comp[i] == i;
			}
			assert_int_equal(n_merges, n - n_comp);

			/* the same edges in reverse order give the same roots */
			bf_uf_t uf2;
			assert_int_equal(bf_uf_init(&uf2, n), BF_OK);
			for (size_t e = m; e-- > 0;)
				bf_uf_union(&uf2, eb[e], ea[e]);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(bf_uf_find(&uf2, (uint32_t)i), comp[i]);
			bf_uf_destroy(&uf2);
			bf_uf_destroy(&uf);
		}
	}
	free(adj);
}

static void test_small_cases(void **state)
{
	(void)state;
	bf_uf_t uf;
	assert_int_equal(bf_uf_init(&uf, 6), BF_OK);
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(bf_uf_find(&uf, i), i);
	assert_int_equal(bf_uf_union(&uf, 5, 3), 1);
	assert_int_equal(bf_uf_find(&uf, 5), 3);
	assert_int_equal(bf_uf_union(&uf, 3, 5), 0);
	assert_int_equal(bf_uf_union(&uf, 4, 4), 0);
	assert_int_equal(bf_uf_union(&uf, 4, 5), 1);
	assert_int_equal(bf_uf_find(&uf, 4), 3);
	assert_int_equal(bf_uf_union(&uf, 1, 2), 1);
	assert_int_equal(bf_uf_union(&uf, 2, 4), 1); /* {1,2} + {3,4,5} */
	for (uint32_t i = 1; i < 6; i++)
		assert_int_equal(bf_uf_find(&uf, i), 1);
	assert_int_equal(bf_uf_find(&uf, 0), 0);
	assert_int_equal(bf_uf_union(&uf, 5, 1), 0);
	assert_int_equal(bf_uf_union(&uf, 5, 0), 1);
	assert_int_equal(bf_uf_find(&uf, 4), 0);
	bf_uf_destroy(&uf);
	assert_null(uf.parent);
	bf_uf_destroy(&uf); /* destroyed twice */

	bf_uf_t z;
	memset(&z, 0, sizeof z);
	bf_uf_destroy(&z); /* zeroed */
	assert_int_equal(bf_uf_init(&z, 0), BF_OK);
	bf_uf_destroy(&z);
}

/* A chain built by unions (0 <- 1 <- ... <- n-1) is the worst case for
 * find; path halving must at least halve it on the first walk. */
static void test_path_halving(void **state)
{
	(void)state;
	enum { N = 1000 };
	bf_uf_t uf;
	assert_int_equal(bf_uf_init(&uf, N), BF_OK);
	for (uint32_t i = N - 1; i > 0; i--)
		assert_int_equal(bf_uf_union(&uf, i - 1, i), 1);
	size_t depth = 0;
	for (uint32_t x = N - 1; uf.parent[x] != x; x = uf.parent[x])
		depth++;
	assert_int_equal(depth, N - 1); /* unions of roots do not compress */
	assert_int_equal(bf_uf_find(&uf, N - 1), 0);
	depth = 0;
	for (uint32_t x = N - 1; uf.parent[x] != x; x = uf.parent[x])
		depth++;
	assert_true(depth <= N / 2);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(bf_uf_find(&uf, i), 0);
	bf_uf_destroy(&uf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_graphs),
		cmocka_unit_test(test_small_cases),
		cmocka_unit_test(test_path_halving),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
