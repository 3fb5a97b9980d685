/* bf_lsh.h - locality-sensitive hashing of MinHash signatures (kernel).
 *
 * Banding (Mining of Massive Datasets, ch. 3): a signature of b*r values is
 * cut into b bands of r rows; two items are candidates when they agree on
 * every row of at least one band.  For items of Jaccard s,
 *     P(candidate) = 1 - (1 - s^r)^b,
 * an S-curve whose steepest point is near (1/b)^(1/r). */
#ifndef BF_LSH_H
#define BF_LSH_H

#include "bf_common.h"

typedef struct {
	uint32_t bands;
	uint32_t rows;
} bf_lsh_params_t;

/* P(candidate) = 1 - (1 - s^rows)^bands. */
double bf_lsh_prob(double s, uint32_t bands, uint32_t rows);

/* Chooses bands x rows <= n_perm minimizing
 *     fp_weight * FP + fn_weight * FN, where
 *     FP = integral_0^t P(s) ds        (area of false positives)
 *     FN = integral_t^1 (1 - P(s)) ds  (area of false negatives)
 * integrated numerically.  Ties go to fewer bands.  threshold in (0,1).
 * n_threads evaluate the grid; the choice is the same for any count. */
bf_lsh_params_t bf_lsh_choose(double threshold, uint32_t n_perm,
                              double fp_weight, double fn_weight, int n_threads);

/* One (band key, item id) pair. */
typedef struct {
	uint64_t key;
	uint32_t id;
	uint32_t pad_; /* keeps the struct 16 bytes; always 0 */
} bf_bandkey_t;

/* Band keys of n items for one band.
 *   sigs    : n signatures of n_perm uint32 each, contiguous
 *   band    : which band (rows band*rows .. band*rows+rows-1)
 *   first_id: id of sigs[0]; item i gets id first_id + i
 *   seed    : hashed with the rows (XXH3_64bits_withSeed of the row bytes,
 *             the band number mixed into the seed so bands differ)
 * Writes out[0..n). */
void bf_lsh_band_keys(const uint32_t *sigs, size_t n, uint32_t n_perm,
                      uint32_t band, uint32_t rows, uint32_t first_id,
                      uint64_t seed, bf_bandkey_t *out);

/* Sorts keys[0..n) by (key, id) ascending with radix passes; tmp has
 * room for n entries.  No allocation. */
void bf_bandkey_sort(bf_bandkey_t *keys, size_t n, bf_bandkey_t *tmp);

/* The same order (the same bytes) with up to n_threads threads (OpenMP);
 * allocates a small table of counts (bf_scatter_run), and sorts on one
 * thread if that fails. */
void bf_bandkey_sort_mt(bf_bandkey_t *keys, size_t n, bf_bandkey_t *tmp, int n_threads);

#endif
