/* minhash.c - MinHash signatures (Broder 1997).
 *
 * Broder, "On the resemblance and containment of documents", 1997: for a
 * random permutation pi, P[min pi(A) == min pi(B)] = J(A,B), so the share of
 * equal positions over n_perm permutations estimates J with standard error
 * sqrt(J(1-J)/n_perm).  The permutations are multiply-shift hashes (see
 * bf_minhash.h), cheap enough that signing is one multiply-add and one
 * minimum per (hash, permutation). */
#include "bf_minhash.h"

#include <stdlib.h>

/* Increment of splitmix64 (Steele, Lea & Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): 2^64 / golden ratio. */
#define BF_SPLITMIX_GAMMA 0x9E3779B97F4A7C15ull

/* The parameters must be the same on every machine and compiler (the
 * briefing is diffed across runs), so they come from this fixed integer
 * generator, not from rand() or a library whose stream may change. */
static uint64_t mh_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += BF_SPLITMIX_GAMMA);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Draw order is part of the output format: for i = 0, 1, ... take a_i then
 * b_i from one splitmix64 stream started at seed.  Changing it changes every
 * signature and so the briefing. */
bf_minhash_t *bf_minhash_create(uint32_t n_perm, uint64_t seed)
{
	if (n_perm == 0)
		return NULL;
	bf_minhash_t *mh = malloc(sizeof *mh);
	if (!mh)
		return NULL;
	mh->n_perm = n_perm;
	mh->a = malloc((size_t)n_perm * sizeof *mh->a);
	mh->b = malloc((size_t)n_perm * sizeof *mh->b);
	if (!mh->a || !mh->b) {
		bf_minhash_free(mh);
		return NULL;
	}
	uint64_t state = seed;
	for (uint32_t i = 0; i < n_perm; i++) {
		/* An even multiplier would lose x's top bit (and more for each
		 * factor of 2), merging keys that differ only there. */
		mh->a[i] = mh_splitmix64(&state) | 1u;
		mh->b[i] = mh_splitmix64(&state);
	}
	return mh;
}

void bf_minhash_free(bf_minhash_t *mh)
{
	if (!mh)
		return;
	free(mh->a);
	free(mh->b);
	free(mh);
}

/* Loop order: hashes outside, permutations inside.  The inner loop then runs
 * over the contiguous a[], b[] and sig[] arrays with one broadcast x, a
 * branch-free running minimum the compiler can vectorize (restrict tells it
 * sig does not alias the parameters); sig (n_perm x 4 bytes) stays in L1
 * while the set streams through once. */
void bf_minhash_sign(const bf_minhash_t *mh, const uint64_t *h, size_t n,
                     uint32_t *sig)
{
	const uint64_t *restrict a = mh->a;
	const uint64_t *restrict b = mh->b;
	uint32_t *restrict s = sig;
	const uint32_t n_perm = mh->n_perm;

	for (uint32_t i = 0; i < n_perm; i++)
		s[i] = UINT32_MAX;
	for (size_t j = 0; j < n; j++) {
		const uint64_t x = h[j];
		for (uint32_t i = 0; i < n_perm; i++) {
			uint32_t v = (uint32_t)((a[i] * x + b[i]) >> 32);
			s[i] = v < s[i] ? v : s[i];
		}
	}
}

void bf_minhash_sign32_range(const bf_minhash_t *mh, const uint32_t *h,
                             size_t n, uint32_t first, uint32_t count,
                             uint32_t *sig)
{
	const uint64_t *restrict a = mh->a + first;
	const uint64_t *restrict b = mh->b + first;
	uint32_t *restrict s = sig;

	for (uint32_t i = 0; i < count; i++)
		s[i] = UINT32_MAX;
	for (size_t j = 0; j < n; j++) {
		const uint64_t x = h[j];
		for (uint32_t i = 0; i < count; i++) {
			uint32_t v = (uint32_t)((a[i] * x + b[i]) >> 32);
			s[i] = v < s[i] ? v : s[i];
		}
	}
}

double bf_minhash_estimate(const uint32_t *s1, const uint32_t *s2,
                           uint32_t n_perm)
{
	if (n_perm == 0)
		return 0.0; /* no evidence of similarity */
	uint32_t n_equal = 0;
	for (uint32_t i = 0; i < n_perm; i++)
		n_equal += s1[i] == s2[i];
	return (double)n_equal / (double)n_perm;
}
