/* bf_shingle.h - word K-gram shingles and exact set similarity (kernel).
 *
 * Near-duplicate definition used everywhere in briefing: two sentences are
 * near-duplicates when the Jaccard similarity of their sets of word K-gram
 * shingles is >= the threshold.  Words come from bf_normalize() (NFKC + case
 * fold, every non letter/digit a separator), joined by single spaces, so a
 * shingle is a contiguous substring of the normalized text.
 *
 * Pure functions: no I/O, no allocation, no global state. */
#ifndef BF_SHINGLE_H
#define BF_SHINGLE_H

#include "bf_common.h"

/* Number of shingles a sentence of n_tok words has: n_tok-k+1 when
 * n_tok >= k, 1 when 0 < n_tok < k (the whole sentence is one shingle), 0 when
 * n_tok == 0. */
size_t bf_shingle_count(size_t n_tok, unsigned k);

/* Hashes every word K-gram of a normalized sentence.
 *   norm : normalized text, words separated by exactly one ASCII space
 *   tok  : n_tok word spans into norm, in order
 *   k    : words per shingle (>= 1)
 *   seed : XXH3 seed
 *   out  : room for bf_shingle_count(n_tok, k) hashes
 * Shingle i hashes the bytes norm[tok[i].off .. tok[i+k-1].off+tok[i+k-1].len)
 * with XXH3_64bits_withSeed.  Returns the number written (not sorted, may
 * repeat). */
size_t bf_shingle_hash(const char *norm, const bf_span_t *tok, size_t n_tok,
                       unsigned k, uint64_t seed, uint64_t *out);

/* Sorts h[0..n) ascending in place (repeats kept), without allocating:
 * an in-place MSD radix sort, several times faster than qsort on hashes. */
void bf_hash_sort(uint64_t *h, size_t n);

/* The same sort on up to n_threads threads: one parallel scatter by the
 * top byte into tmp (room for n), then each bucket sorted by bf_hash_sort
 * on its own, in parallel.  The result is the same array. */
void bf_hash_sort_mt(uint64_t *h, size_t n, uint64_t *tmp, int n_threads);

/* Sorts h[0..n) ascending and removes repeats in place, without allocating.
 * Returns the new count. */
size_t bf_hashset_make(uint64_t *h, size_t n);

/* Size of the intersection of two ascending, repeat-free hash sets. */
size_t bf_hashset_intersect(const uint64_t *a, size_t na,
                            const uint64_t *b, size_t nb);

/* Exact Jaccard |A∩B| / |A∪B| of two ascending, repeat-free hash sets;
 * 1.0 when both are empty. */
double bf_jaccard_sorted(const uint64_t *a, size_t na,
                         const uint64_t *b, size_t nb);

/* The same on sets of 32-bit hashes (the upper halves of shingle hashes,
 * which is how sets are stored: half the memory, and two different
 * shingles of two sentences share an upper half with probability ~2^-32). */
size_t bf_hashset32_intersect(const uint32_t *a, size_t na,
                              const uint32_t *b, size_t nb);
double bf_jaccard32_sorted(const uint32_t *a, size_t na,
                           const uint32_t *b, size_t nb);

/* Upper halves of an ascending, repeat-free set h[0..n) into out, repeats
 * removed (out stays ascending).  Returns the count. */
size_t bf_hashset_upper32(const uint64_t *h, size_t n, uint32_t *out);

/* The ascending, repeat-free set of the upper 32 bits of h[0..n) into out
 * (room for n): exactly bf_hashset_upper32(h, bf_hashset_make(h, n), out),
 * but up to 64 hashes (a sentence's set, typically 10-40) are placed by
 * rank, without branches on the data (2.6x faster at 20, 3.3x at 40).
 * h is scratch: its contents afterwards are unspecified.  Returns the
 * count. */
size_t bf_hashset32_make(uint64_t *h, size_t n, uint32_t *out);

#endif
