/* bf_textstore.h - sentence texts, spilled to an unlinked temporary file.
 *
 * A dump's text is most of its size, but after the features are computed a
 * run needs only a few sentences back (the briefing) or reads them in order
 * (side files).  Texts are appended to an open block that stays readable as
 * is; bf_textstore_seal() writes it to a temporary file (created in $TMPDIR,
 * else /tmp, and unlinked at once, so nothing is left behind whatever
 * happens to the run) and remembers it as blocks of about BF_TEXT_BLOCK
 * bytes, cut between texts.  A read loads the block that holds the text
 * into a small per-thread cache.
 *
 * bf_textstore_seal_pieces() hands the write to a thread of the store's
 * own and returns (the file is O_DIRECT where the file system allows, so
 * the write takes almost no CPU); bf_textstore_sync() waits for it.
 *
 * Why a file and not compression in memory: the texts were packed into
 * 64 KiB zstd blocks (level 1, 2.35x) before; on the 1 GB dump that took
 * 4.0 of 28.7 s at -j1, for the ~170 MB of memory a file frees as well,
 * and the kernel can write the file out when memory is short.
 *
 * Thread safety: appends and seals from one thread; reads from any thread
 * whose slot (omp_get_thread_num()) is below the n_slots given at init. */
#ifndef BF_TEXTSTORE_H
#define BF_TEXTSTORE_H

#include "bf_common.h"

#include <stdbool.h>

#define BF_TEXT_BLOCK ((size_t)64 << 10) /* bytes per block read back */
#define BF_TEXT_CACHE 4                  /* blocks cached per thread */

typedef struct bf_text_slot bf_text_slot_t; /* a thread's block cache */
typedef struct bf_text_writer bf_text_writer_t; /* the spill file's writer */

typedef struct {
	/* sealed blocks: block i is spill bytes [blk_first[i], blk_first[i+1]),
	 * and its logical offsets are its file offsets */
	uint64_t *blk_first;     /* n_blk + 1 entries */
	size_t n_blk, cap_blk;
	int fd;                  /* the spill file, when have_fd */
	bool have_fd;            /* false until the first seal (so a zeroed
	                            store owns no descriptor) */
	bf_text_writer_t *w;     /* writes seals in the background; with fd */
	bool synced;             /* every sealed text is in the file */
	/* the open block */
	char *open;
	size_t open_len, open_cap;
	uint64_t open_first;     /* logical offset of open[0] */
	bf_text_slot_t *slot;    /* n_slots read caches */
	int n_slots;
	uint64_t spilled_bytes;  /* written to the spill file */
	int spill_errno;         /* why the spill file failed, 0 if it did not */
	const char *spill_dir;   /* where it is (or was to be) made */
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

/* Writes the open block to the spill file (made on the first call) and
 * empties it; its texts are readable when it returns (it syncs).  Returns
 * BF_OK, or BF_EIO with errno set (no temporary file could be made, or the
 * disk is full). */
bf_status_t bf_textstore_seal(bf_textstore_t *ts);

/* One text of the open block that a gathered seal keeps: where it is in
 * the open block and its size, NUL included. */
typedef struct {
	uint64_t at;
	uint64_t size;
} bf_text_piece_t;

/* Writes the open block's texts p[0..n), in this order, to the spill file
 * as the next logical bytes, and empties the open block (texts not listed
 * are dropped): piece i's new logical offset is open_first, as it was
 * before the call, plus the sizes of the pieces before it.  The texts
 * are copied out on up to n_threads threads and written in the
 * background: they can be read after bf_textstore_sync().  Returns as
 * bf_textstore_seal; a write that fails in the background fails the next
 * seal or sync. */
bf_status_t bf_textstore_seal_pieces(bf_textstore_t *ts, const bf_text_piece_t *p,
                                     size_t n, int n_threads);

/* Waits until every sealed text is in the spill file, so that they can be
 * read.  Returns BF_OK, or BF_EIO with spill_errno and errno set. */
bf_status_t bf_textstore_sync(bf_textstore_t *ts);

/* Reads every sealed block back into one open block, for a pass that
 * reads texts out of order (memory grows to the text size).  Returns
 * BF_OK, BF_ENOMEM or BF_EIO (the store is unchanged then). */
bf_status_t bf_textstore_unpack(bf_textstore_t *ts);

/* Asks the kernel to start reading the blocks that hold the texts at
 * off[0..n) (any order), all at once: a pass about to read many texts of
 * the spill file then waits for one round of reads instead of one per
 * block.  A hint only: it changes no result, and does nothing on failure.
 * Call after a sync. */
void bf_textstore_prefetch(const bf_textstore_t *ts, const uint64_t *off, size_t n);

/* The NUL-terminated text at logical offset off (as bf_textstore_append
 * returned).  Valid until BF_TEXT_CACHE other blocks are read by the same
 * thread.  NULL only when memory runs out, the spill file cannot be read,
 * or (errno EBUSY) the text was sealed after the last sync. */
const char *bf_textstore_get(const bf_textstore_t *ts, uint64_t off);

#endif
