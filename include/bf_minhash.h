/* bf_minhash.h - MinHash signatures (kernel).
 *
 * Broder 1997: for a random permutation pi of the hash universe,
 * P[min pi(A) == min pi(B)] = J(A,B).  With n_perm independent permutations
 * the fraction of agreeing positions estimates J with standard error
 * sqrt(J(1-J)/n_perm).
 *
 * Permutation i is the multiply-shift hash
 *     pi_i(x) = (uint32_t)((a_i * x + b_i) >> 32)      (mod 2^64, a_i odd)
 * which is 2-universal (Dietzfelbinger et al. 1997) on 64-bit keys and keeps
 * the inner loop a branch-free, vectorizable running minimum. */
#ifndef BF_MINHASH_H
#define BF_MINHASH_H

#include "bf_common.h"

#include <stdbool.h>

/* Permutation parameters; created once, shared read-only by all threads. */
typedef struct {
	uint32_t n_perm;
	uint64_t *a; /* n_perm odd multipliers */
	uint64_t *b; /* n_perm offsets */
} bf_minhash_t;

/* Draws n_perm permutations from seed (deterministic: same seed, same
 * parameters on every machine).  Returns NULL on allocation failure or
 * n_perm == 0.  Free with bf_minhash_free(). */
bf_minhash_t *bf_minhash_create(uint32_t n_perm, uint64_t seed);
void bf_minhash_free(bf_minhash_t *mh); /* accepts NULL */

/* Signature of the set h[0..n): sig[i] = min over x of pi_i(x).
 * An empty set gives all UINT32_MAX.  Repeats in h do not matter.
 * sig has room for mh->n_perm values.  No allocation. */
void bf_minhash_sign(const bf_minhash_t *mh, const uint64_t *h, size_t n,
                     uint32_t *sig);

/* Positions [first, first+count) of the signature of the set of 32-bit
 * values h[0..n): sig[i] = min over x of pi_{first+i}(x), x widened to 64
 * bits (so it equals bf_minhash_sign on the widened set, sliced).  Lets a
 * caller compute one LSH band's rows at a time without ever holding whole
 * signatures.  first + count <= mh->n_perm.  No allocation. */
void bf_minhash_sign32_range(const bf_minhash_t *mh, const uint32_t *h,
                             size_t n, uint32_t first, uint32_t count,
                             uint32_t *sig);

/* The same, always by the portable loop (bf_minhash_sign32_range picks an
 * AVX-512 or AVX2 kernel where the CPU has it). */
void bf_minhash_sign32_range_portable(const bf_minhash_t *mh,
                                      const uint32_t *h, size_t n,
                                      uint32_t first, uint32_t count,
                                      uint32_t *sig);

/* The kernels of bf_minhash_sign32_range by instruction set, so tests and
 * the bench can run each on one machine. */
typedef enum { BF_MH_PORTABLE, BF_MH_AVX2, BF_MH_AVX512 } bf_mh_kernel_t;

/* bf_minhash_sign32_range by kernel k.  False (sig untouched) when this
 * CPU or build lacks k; the portable kernel always runs. */
bool bf_minhash_sign32_range_with(bf_mh_kernel_t k, const bf_minhash_t *mh,
                                  const uint32_t *h, size_t n, uint32_t first,
                                  uint32_t count, uint32_t *sig);

/* Fraction of equal positions of two signatures of length n_perm. */
double bf_minhash_estimate(const uint32_t *s1, const uint32_t *s2,
                           uint32_t n_perm);

#endif
