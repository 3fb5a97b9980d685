/* bf_textstore.h - sentence texts, zstd-compressed in small blocks.
 *
 * A dump's text is most of its size, but after the features are computed a
 * run needs only a few sentences back (the briefing) or reads them in order
 * (side files).  Texts are appended to an open block that stays readable as
 * is; bf_textstore_seal() compresses it into independent blocks of about
 * BF_TEXT_BLOCK bytes (cut between texts), in parallel.  A read decompresses
 * the block that holds the text into a small per-thread cache.
 *
 * Thread safety: appends and seals from one thread; reads from any thread
 * whose slot (omp_get_thread_num()) is below the n_slots given at init. */
#ifndef BF_TEXTSTORE_H
#define BF_TEXTSTORE_H

#include "bf_common.h"

#define BF_TEXT_BLOCK ((size_t)64 << 10) /* raw bytes per compressed block */
/* zstd level: 2.35x on sentence texts (20 MB dump) at ~1.6x the speed
 * of level 3 (2.50x); the texts are compressed once and read back rarely */
#define BF_TEXT_LEVEL 1
#define BF_TEXT_CACHE 4                  /* decompressed blocks per thread */

typedef struct bf_text_slot bf_text_slot_t; /* a thread's block cache */

typedef struct {
	/* sealed blocks */
	void **blk;              /* compressed bytes */
	uint32_t *blk_csize;     /* compressed size */
	uint32_t *blk_size;      /* raw size */
	uint64_t *blk_first;     /* logical offset of each block's first byte */
	size_t n_blk, cap_blk;
	/* the open block */
	char *open;
	size_t open_len, open_cap;
	uint64_t open_first;     /* logical offset of open[0] */
	bf_text_slot_t *slot;    /* n_slots read caches */
	int n_slots;
	uint64_t raw_bytes, packed_bytes;
} bf_textstore_t;

bf_status_t bf_textstore_init(bf_textstore_t *ts, int n_slots);
void bf_textstore_free(bf_textstore_t *ts);

/* Room for n more bytes at the end of the open block: returns where they
 * go (the caller fills them with NUL-terminated texts, whose logical
 * offsets start at *first), or NULL when out of memory. */
char *bf_textstore_reserve(bf_textstore_t *ts, size_t n, uint64_t *first);

/* Appends s[0..len) and a NUL; *off receives its logical offset. */
bf_status_t bf_textstore_append(bf_textstore_t *ts, const char *s, size_t len,
                                uint64_t *off);

/* Compresses the open block (parallel, n_threads <= n_slots). */
bf_status_t bf_textstore_seal(bf_textstore_t *ts, int n_threads);

/* Decompresses every block back into one open block, for a pass that
 * reads texts out of order (memory grows to the raw text size).  Returns
 * BF_OK or BF_ENOMEM (the store is unchanged then). */
bf_status_t bf_textstore_unpack(bf_textstore_t *ts);

/* The NUL-terminated text at logical offset off (as bf_textstore_append
 * returned).  Valid until BF_TEXT_CACHE other blocks are read by the same
 * thread.  NULL only when memory or a block is broken. */
const char *bf_textstore_get(const bf_textstore_t *ts, uint64_t off);

#endif
