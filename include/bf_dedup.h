/* bf_dedup.h - near-duplicate sentence clusters.
 *
 * 1. Exact duplicates (equal normalized text) share a "type"
 *    (bf_features_add).
 * 2. LSH banding (bf_lsh.h) with bands x rows chosen for the threshold, one
 *    band at a time: the band's rows of each type's MinHash signature
 *    (bf_minhash_sign32_range) are computed and hashed into a key, the keys
 *    radix sorted, and runs of equal keys give candidates.  Whole
 *    signatures never exist, so memory stays at one band's keys.
 * 3. Every candidate pair is verified by the exact Jaccard of the two shingle
 *    sets before a union-find merge, so every link of a cluster is a true
 *    near-duplicate pair (J >= threshold).
 * Cluster ids are dense, numbered in order of each cluster's first
 * sentence, so they do not depend on thread count. */
#ifndef BF_DEDUP_H
#define BF_DEDUP_H

#include "bf_common.h"
#include "bf_features.h"

typedef struct {
	double threshold;  /* Jaccard */
	uint32_t n_perm;   /* MinHash permutations */
	uint64_t seed;
	int n_threads;
} bf_dedup_opts_t;

/* Weights of the false-positive and false-negative areas when choosing
 * bands x rows: every candidate is verified exactly, so a false positive
 * costs one set intersection while a false negative loses a duplicate for
 * good; recall is weighted higher. */
#define BF_LSH_FP_WEIGHT 0.3
#define BF_LSH_FN_WEIGHT 0.7

typedef struct {
	size_t n_sent;
	size_t n_types;        /* distinct normalized texts */
	size_t n_clusters;     /* clusters (size 1 included) */
	const uint32_t *type_of;  /* n_sent: type of each sentence (owned by
	                             the features) */
	const uint32_t *type_rep; /* n_types: first sentence of each type (ditto) */
	uint32_t *cluster_of;  /* n_sent: cluster of each sentence */
	uint32_t *cl_first;    /* n_clusters: first sentence of each cluster */
	uint32_t *cl_size;     /* n_clusters: sentences in each cluster */
	uint32_t *cl_support;  /* n_clusters: distinct articles in each cluster */
	uint32_t bands, rows;  /* LSH parameters used */
	uint64_t n_candidates; /* candidate pairs verified */
	uint64_t n_links;      /* verified pairs that merged two sets */
} bf_dedup_t;

bf_status_t bf_dedup_run(bf_dedup_t *d, const bf_features_t *f,
                         const bf_corpus_t *c, const bf_dedup_opts_t *o);
void bf_dedup_free(bf_dedup_t *d);

#endif
