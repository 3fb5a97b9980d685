/* shingle.c - word K-gram shingle hashes and exact set similarity.
 *
 * A shingle set is the sorted, repeat-free array of the XXH3 hashes of a
 * sentence's word K-grams.  Sorted arrays make intersection a linear merge
 * and let MinHash/LSH candidates be verified exactly (bf_dedup.h step 4). */
#include "bf_shingle.h"
#include "bf_scatter.h"

#include <assert.h>
#include <omp.h>
#include <string.h>
#include "bf_xxhash.h"

/* Buckets at or below this many hashes are finished by insertion sort: for a
 * typical sentence (10-40 shingles) this is the whole sort, and below it the
 * 256-bucket bookkeeping of a radix pass costs more than it saves. */
#define BF_HS_INSERTION_MAX 64

/* Bits per radix digit; 8 keeps the per-level tables at 2 x 256 entries on
 * the stack (4 KiB), and a 64-bit hash has BF_HS_LEVELS digits. */
#define BF_HS_DIGIT_BITS 8
#define BF_HS_BUCKETS (1u << BF_HS_DIGIT_BITS)
#define BF_HS_LEVELS (64 / BF_HS_DIGIT_BITS)

/* bf_hashset32_make places sets of at most this many hashes by rank (nearly
 * every sentence's shingles and terms); larger ones go the radix way. */
#define BF_HS_RANK_MAX 64

size_t bf_shingle_count(size_t n_tok, unsigned k)
{
	assert(k >= 1); /* k == 0 would ask for n_tok + 1 empty shingles */
	if (n_tok == 0)
		return 0;
	if (n_tok < k)
		return 1; /* a short sentence is one shingle, not none */
	return n_tok - k + 1;
}

size_t bf_shingle_hash(const char *norm, const bf_span_t *tok, size_t n_tok,
                       unsigned k, uint64_t seed, uint64_t *out)
{
	size_t n_sh = bf_shingle_count(n_tok, k);
	for (size_t i = 0; i < n_sh; i++) {
		/* Words are joined by single spaces, so a K-gram is one contiguous
		 * run of norm: hash it in place instead of rebuilding it. */
		size_t last = i + k - 1 < n_tok ? i + k - 1 : n_tok - 1;
		size_t beg = tok[i].off;
		size_t end = (size_t)tok[last].off + tok[last].len;
		out[i] = XXH3_64bits_withSeed(norm + beg, end - beg, seed);
	}
	return n_sh;
}

static void hs_insertion_sort(uint64_t *h, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t v = h[i];
		size_t j = i;
		for (; j > 0 && h[j - 1] > v; j--)
			h[j] = h[j - 1];
		h[j] = v;
	}
}

static unsigned hs_digit(uint64_t v, unsigned level)
{
	unsigned shift = 64 - BF_HS_DIGIT_BITS * (level + 1);
	return (unsigned)(v >> shift) & (BF_HS_BUCKETS - 1);
}

/* In-place MSD radix sort ("American flag sort", McIlroy, Bostic & McIlroy,
 * "Engineering Radix Sort", Computing Systems 6(1), 1993).
 *
 * Why not quicksort or LSD radix: the contract forbids allocation, which
 * rules out LSD radix (it needs a second buffer), and shingle hashes are
 * uniform 64-bit values, so a most-significant digit spreads them evenly:
 * one pass over a few hundred hashes leaves buckets small enough for
 * insertion sort.  Each element is moved at most once per level by following
 * permutation cycles, and recursion is at most BF_HS_LEVELS deep (keys are
 * fixed width), so time is O(n * levels) and stack is bounded, with no
 * quicksort worst case to guard against.  Repeats simply share buckets down
 * to the last level. */
static void hs_radix_sort(uint64_t *h, size_t n, unsigned level)
{
	size_t next[BF_HS_BUCKETS];
	size_t end[BF_HS_BUCKETS] = {0};

	for (size_t i = 0; i < n; i++)
		end[hs_digit(h[i], level)]++; /* counts, made offsets below */
	size_t off = 0;
	for (unsigned d = 0; d < BF_HS_BUCKETS; d++) {
		next[d] = off;
		off += end[d];
		end[d] = off;
	}
	/* next[d] is the first slot of bucket d not yet holding a d-element;
	 * swap each misplaced element into its bucket until the slot is right. */
	for (unsigned d = 0; d < BF_HS_BUCKETS; d++) {
		while (next[d] < end[d]) {
			uint64_t v = h[next[d]];
			unsigned dv = hs_digit(v, level);
			while (dv != d) {
				uint64_t t = h[next[dv]];
				h[next[dv]++] = v;
				v = t;
				dv = hs_digit(v, level);
			}
			h[next[d]++] = v;
		}
	}
	if (level + 1 == BF_HS_LEVELS)
		return; /* every digit consumed: each bucket holds one value */
	size_t beg = 0;
	for (unsigned d = 0; d < BF_HS_BUCKETS; d++) {
		size_t m = end[d] - beg;
		if (m > BF_HS_INSERTION_MAX)
			hs_radix_sort(h + beg, m, level + 1);
		else
			hs_insertion_sort(h + beg, m);
		beg = end[d];
	}
}

void bf_hash_sort(uint64_t *h, size_t n)
{
	if (n > BF_HS_INSERTION_MAX)
		hs_radix_sort(h, n, 0);
	else
		hs_insertion_sort(h, n);
}

/* Threads at most for bf_hash_sort_mt (its counts live on the stack), and
 * the least n worth a team. */
#define BF_HS_MT_MAX 16
#define BF_HS_MT_MIN 65536u

void bf_hash_sort_mt(uint64_t *h, size_t n, uint64_t *tmp, int n_threads)
{
	int nt = n_threads > BF_HS_MT_MAX ? BF_HS_MT_MAX : n_threads;
	if (nt < 2 || n < BF_HS_MT_MIN) {
		bf_hash_sort(h, n);
		return;
	}
	size_t pos[BF_HS_MT_MAX][BF_HS_BUCKETS] = { { 0 } }, first[BF_HS_BUCKETS + 1];
#pragma omp parallel num_threads(nt)
	{
		int t = omp_get_thread_num(), tn = omp_get_num_threads();
		size_t lo = n * (size_t)t / (size_t)tn, hi = n * (size_t)(t + 1) / (size_t)tn;
		for (size_t i = lo; i < hi; i++)
			pos[t][hs_digit(h[i], 0)]++;
#pragma omp barrier
#pragma omp single
		bf_scatter_offsets(&pos[0][0], tn, BF_HS_BUCKETS, first);
		for (size_t i = lo; i < hi; i++)
			tmp[pos[t][hs_digit(h[i], 0)]++] = h[i];
#pragma omp barrier
#pragma omp for schedule(dynamic, 8)
		for (long d = 0; d < (long)BF_HS_BUCKETS; d++) {
			size_t b = first[d], m = first[d + 1] - b;
			if (m > BF_HS_INSERTION_MAX)
				hs_radix_sort(tmp + b, m, 1);
			else
				hs_insertion_sort(tmp + b, m);
			memcpy(h + b, tmp + b, m * sizeof *h);
		}
	}
}

size_t bf_hashset_make(uint64_t *h, size_t n)
{
	bf_hash_sort(h, n);
	if (n == 0)
		return 0;
	size_t m = 1;
	for (size_t i = 1; i < n; i++)
		if (h[i] != h[m - 1])
			h[m++] = h[i];
	return m;
}

size_t bf_hashset_intersect(const uint64_t *a, size_t na,
                            const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, n_common = 0;
	/* Branch-free merge step: which side advances is data, not control
	 * flow, because with random hashes the comparison is unpredictable. */
	while (i < na && j < nb) {
		uint64_t x = a[i], y = b[j];
		n_common += x == y;
		i += x <= y;
		j += y <= x;
	}
	return n_common;
}

double bf_jaccard_sorted(const uint64_t *a, size_t na,
                         const uint64_t *b, size_t nb)
{
	if (na == 0 && nb == 0)
		return 1.0; /* two empty sentences are the same sentence */
	size_t n_common = bf_hashset_intersect(a, na, b, nb);
	return (double)n_common / (double)(na + nb - n_common);
}

size_t bf_hashset32_intersect(const uint32_t *a, size_t na,
                              const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, n_common = 0;
	while (i < na && j < nb) { /* branch-free merge, as above */
		uint32_t x = a[i], y = b[j];
		n_common += x == y;
		i += x <= y;
		j += y <= x;
	}
	return n_common;
}

double bf_jaccard32_sorted(const uint32_t *a, size_t na,
                           const uint32_t *b, size_t nb)
{
	if (na == 0 && nb == 0)
		return 1.0;
	size_t n_common = bf_hashset32_intersect(a, na, b, nb);
	return (double)n_common / (double)(na + nb - n_common);
}

size_t bf_hashset_upper32(const uint64_t *h, size_t n, uint32_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t u = (uint32_t)(h[i] >> 32);
		if (k == 0 || out[k - 1] != u)
			out[k++] = u;
	}
	return k;
}

/* r[i] = how many of t[0..n) are below t[i], for i < w (t is padded to w;
 * the padding's ranks are computed, never used).  w is a constant at every
 * call, so the inner loop compiles to a fixed run of SIMD compare-and-
 * subtract steps (values are biased to signed: SSE2 has no unsigned
 * compare). */
static inline void hs_rank(const int32_t *t, size_t n, size_t w, uint32_t *r)
{
	for (size_t i = 0; i < w; i++)
		r[i] = 0;
	for (size_t j = 0; j < n; j++) {
		int32_t tj = t[j];
		for (size_t i = 0; i < w; i++)
			r[i] += t[i] > tj;
	}
}

/* Values t[0..n) (biased) to the slots r[0..n) gives them, then the
 * ascending set into out.  Equal values have equal ranks, so each distinct
 * value fills one slot, flagged by bit 32 in the scratch h, and the slots
 * its repeats would take stay 0: the flagged slots in order are the set. */
static size_t hs_place(uint64_t *h, const int32_t *t, const uint32_t *r,
                       size_t n, uint32_t *out)
{
	for (size_t k = 0; k < n; k++)
		h[k] = 0;
	for (size_t i = 0; i < n; i++)
		h[r[i]] = (uint64_t)1 << 32 | ((uint32_t)t[i] ^ 0x80000000u);
	size_t m = 0;
	for (size_t k = 0; k < n; k++) { /* a slot not flagged is overwritten */
		out[m] = (uint32_t)h[k];
		m += (size_t)(h[k] >> 32);
	}
	return m;
}

/* The set of upper halves of h[0..n), n <= w <= BF_HS_RANK_MAX, by rank.
 *
 * Why not sort: on random hashes every comparison of an insertion sort is
 * a coin flip, so the branch predictor misses about once per element and
 * that dominates small sorts (bf_hashset_make was ~4 % of a whole run).
 * Ranking does n * w comparisons, but four per SSE2 instruction and with
 * no branch on the data: 2.6x faster at 20 hashes, 3.3x at 40 (kbench
 * hashset32_20/_40), more than 2x from 10 to 64.  The upper halves
 * are ranked directly, since sorting them and dropping repeats gives the
 * same set as taking them from the sorted 64-bit set.  Written here because
 * no Debian library sorts tiny arrays branch-free (qsort calls a function
 * per comparison). */
__attribute__((always_inline)) static inline size_t
hs_upper32_ranked(uint64_t *h, size_t n, size_t w, uint32_t *out)
{
	int32_t t[BF_HS_RANK_MAX];
	uint32_t r[BF_HS_RANK_MAX];
	for (size_t i = 0; i < w; i++)
		t[i] = i < n ? (int32_t)((uint32_t)(h[i] >> 32) ^ 0x80000000u)
		             : INT32_MAX;
	hs_rank(t, n, w, r);
	return hs_place(h, t, r, n, out);
}

BF_SIMD_CLONES size_t bf_hashset32_make(uint64_t *h, size_t n, uint32_t *out)
{
	/* widths in steps of 16 (48 saves a quarter of the work at 40) */
	if (n <= 16)
		return hs_upper32_ranked(h, n, 16, out);
	if (n <= 32)
		return hs_upper32_ranked(h, n, 32, out);
	if (n <= 48)
		return hs_upper32_ranked(h, n, 48, out);
	if (n <= BF_HS_RANK_MAX)
		return hs_upper32_ranked(h, n, BF_HS_RANK_MAX, out);
	return bf_hashset_upper32(h, bf_hashset_make(h, n), out);
}
