/* bf_lshlink.h - LSH candidate generation + exact verification + union-find,
 * the loop shared by sentence dedup and story grouping.
 *
 * For each band in turn (only one band's keys are in memory): band keys are
 * computed in parallel, radix sorted by (key, id), and each run of equal
 * keys yields candidate pairs: every member with the run's first member (a
 * star, linear even in an oversized bucket) and with its predecessor.  Pairs
 * already in one set are skipped; the rest are verified in parallel by the
 * caller's exact test and merged in generation order.  The result does not
 * depend on the thread count. */
#ifndef BF_LSHLINK_H
#define BF_LSHLINK_H

#include "bf_common.h"
#include "bf_lsh.h"
#include "bf_uf.h"
#include <stdbool.h>

/* Exact test of a candidate pair of item ids; must be thread-safe. */
typedef bool (*bf_verify_fn)(const void *ctx, uint32_t a, uint32_t b);

/* Optional: asks for what verifying (a, b) will read to be fetched into
 * the cache, in two steps issued ahead of the test (stage 0 farther
 * ahead: e.g. the items' offsets; stage 1 nearer: the data they point
 * at).  Must not change anything. */
typedef void (*bf_prefetch_fn)(const void *ctx, uint32_t a, uint32_t b, int stage);

typedef struct {
	bf_verify_fn verify;
	bf_prefetch_fn prefetch; /* NULL: none */
	const void *ctx;
} bf_verifier_t;

typedef struct {
	uint64_t n_candidates; /* pairs verified */
	uint64_t n_links;      /* verified pairs that joined two sets */
} bf_lshlink_counts_t;

/* Writes the keys of band `band` for items [lo, lo+n) into out[0..n):
 * out[i].id = lo + i.  Called in parallel on disjoint ranges. */
typedef void (*bf_band_keys_fn)(const void *ctx, uint32_t band, size_t lo,
                                size_t n, bf_bandkey_t *out);

/* n items, bands bands whose keys come from keys_fn; uf: n items.  Returns
 * BF_OK or BF_ENOMEM. */
bf_status_t bf_lsh_link_keys(size_t n, uint32_t bands, bf_band_keys_fn keys_fn,
                             const void *kctx, int n_threads,
                             const bf_verifier_t *v, bf_uf_t *uf,
                             bf_lshlink_counts_t *counts);

#endif
