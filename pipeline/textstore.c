/* textstore.c - compressed sentence texts (see bf_textstore.h). */
#include "bf_array.h"
#include "bf_textstore.h"

#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct bf_text_slot {
	uint64_t id[BF_TEXT_CACHE];   /* block number + 1; 0 = empty */
	char *buf[BF_TEXT_CACHE];     /* BF_TEXT_BLOCK-sized... or larger */
	size_t cap[BF_TEXT_CACHE];
	uint64_t last[BF_TEXT_CACHE]; /* use stamp, for LRU */
	uint64_t clock;
	ZSTD_DCtx *dctx;
};

bf_status_t bf_textstore_init(bf_textstore_t *ts, int n_slots)
{
	memset(ts, 0, sizeof *ts);
	ts->n_slots = n_slots > 0 ? n_slots : 1;
	ts->slot = calloc((size_t)ts->n_slots, sizeof *ts->slot);
	return ts->slot ? BF_OK : BF_ENOMEM;
}

void bf_textstore_free(bf_textstore_t *ts)
{
	for (size_t i = 0; i < ts->n_blk; i++)
		free(ts->blk[i]);
	for (int s = 0; ts->slot && s < ts->n_slots; s++) {
		for (int i = 0; i < BF_TEXT_CACHE; i++)
			free(ts->slot[s].buf[i]);
		ZSTD_freeDCtx(ts->slot[s].dctx);
	}
	free(ts->slot);
	free(ts->blk);
	free(ts->blk_csize);
	free(ts->blk_size);
	free(ts->blk_first);
	free(ts->open);
	memset(ts, 0, sizeof *ts);
}

char *bf_textstore_reserve(bf_textstore_t *ts, size_t n, uint64_t *first)
{
	if (ts->open_len + n > ts->open_cap || !ts->open) { /* n may be 0 */
		size_t nc = bf_array_next_cap(ts->open_cap ? ts->open_cap : BF_TEXT_BLOCK,
		                              ts->open_len + n);
		if (!bf_array_resize((void **)&ts->open, nc, 1))
			return NULL;
		ts->open_cap = nc;
	}
	char *at = ts->open + ts->open_len;
	*first = ts->open_first + ts->open_len;
	ts->open_len += n;
	return at;
}

bf_status_t bf_textstore_append(bf_textstore_t *ts, const char *s, size_t len,
                                uint64_t *off)
{
	char *at = bf_textstore_reserve(ts, len + 1, off);
	if (!at)
		return BF_ENOMEM;
	memcpy(at, s, len);
	at[len] = '\0';
	return BF_OK;
}

/* Cuts open[0..len) into pieces of about BF_TEXT_BLOCK bytes, each ending
 * just after a NUL so no text spans two blocks.  cut[i] is the end of piece
 * i; returns the number of pieces. */
static size_t cut_pieces(const char *open, size_t len, size_t *cut)
{
	size_t n = 0, at = 0;
	while (at < len) {
		size_t end = at + BF_TEXT_BLOCK < len ? at + BF_TEXT_BLOCK : len;
		const char *nul = memchr(open + end - 1, '\0', len - (end - 1));
		end = (size_t)(nul - open) + 1; /* the open block ends in a NUL */
		cut[n++] = end;
		at = end;
	}
	return n;
}

static bool grow_blocks(bf_textstore_t *ts, size_t need)
{
	if (need <= ts->cap_blk)
		return true;
	size_t nc = bf_array_next_cap(ts->cap_blk, need);
	if (!bf_array_resize((void **)&ts->blk, nc, sizeof *ts->blk) ||
	    !bf_array_resize((void **)&ts->blk_csize, nc, sizeof *ts->blk_csize) ||
	    !bf_array_resize((void **)&ts->blk_size, nc, sizeof *ts->blk_size) ||
	    !bf_array_resize((void **)&ts->blk_first, nc, sizeof *ts->blk_first))
		return false;
	ts->cap_blk = nc;
	return true;
}

bf_status_t bf_textstore_seal(bf_textstore_t *ts, int n_threads)
{
	if (ts->open_len == 0)
		return BF_OK;
	size_t max_pieces = ts->open_len / BF_TEXT_BLOCK + 2;
	size_t *cut = malloc(max_pieces * sizeof *cut);
	if (!cut)
		return BF_ENOMEM;
	size_t np = cut_pieces(ts->open, ts->open_len, cut);
	if (!grow_blocks(ts, ts->n_blk + np)) {
		free(cut);
		return BF_ENOMEM;
	}
	bool ok = true;
	size_t b0 = ts->n_blk;
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1) reduction(&& : ok) if (np > 1)
	{
		ZSTD_CCtx *cctx = ZSTD_createCCtx();
		ok = cctx != NULL;
#pragma omp for schedule(dynamic, 1)
		for (long i = 0; i < (long)np; i++) {
			size_t lo = i ? cut[i - 1] : 0, n = cut[i] - lo;
			size_t cap = ZSTD_compressBound(n);
			void *dst = malloc(cap);
			size_t got = dst && cctx ? ZSTD_compressCCtx(cctx, dst, cap, ts->open + lo, n, BF_TEXT_LEVEL) : 0;
			bool good = dst && cctx && !ZSTD_isError(got);
			void *fit = good ? realloc(dst, got) : NULL;
			ts->blk[b0 + (size_t)i] = good ? (fit ? fit : dst) : (free(dst), NULL);
			ts->blk_csize[b0 + (size_t)i] = good ? (uint32_t)got : 0;
			ts->blk_size[b0 + (size_t)i] = (uint32_t)n;
			ts->blk_first[b0 + (size_t)i] = ts->open_first + lo;
			ok = ok && good;
		}
		ZSTD_freeCCtx(cctx);
	}
	ts->n_blk += np;
	for (size_t i = b0; i < ts->n_blk; i++)
		ts->packed_bytes += ts->blk_csize[i];
	ts->raw_bytes += ts->open_len;
	ts->open_first += ts->open_len;
	ts->open_len = 0;
	free(cut);
	return ok ? BF_OK : BF_ENOMEM;
}

/* Block holding logical offset off (off < open_first). */
static size_t find_block(const bf_textstore_t *ts, uint64_t off)
{
	size_t lo = 0, hi = ts->n_blk;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (ts->blk_first[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Decompressed block b in slot sl, loading it into the least recently used
 * entry when needed. */
static const char *slot_block(const bf_textstore_t *ts, bf_text_slot_t *sl,
                              size_t b)
{
	int victim = 0;
	sl->clock++;
	for (int i = 0; i < BF_TEXT_CACHE; i++) {
		if (sl->id[i] == b + 1) {
			sl->last[i] = sl->clock;
			return sl->buf[i];
		}
		if (sl->last[i] < sl->last[victim])
			victim = i;
	}
	size_t need = ts->blk_size[b];
	if (sl->cap[victim] < need) {
		char *nb = realloc(sl->buf[victim], need);
		if (!nb)
			return NULL;
		sl->buf[victim] = nb;
		sl->cap[victim] = need;
	}
	if (!sl->dctx && !(sl->dctx = ZSTD_createDCtx()))
		return NULL;
	size_t got = ZSTD_decompressDCtx(sl->dctx, sl->buf[victim], need,
	                                 ts->blk[b], ts->blk_csize[b]);
	if (ZSTD_isError(got) || got != need) {
		sl->id[victim] = 0;
		return NULL;
	}
	sl->id[victim] = b + 1;
	sl->last[victim] = sl->clock;
	return sl->buf[victim];
}

const char *bf_textstore_get(const bf_textstore_t *ts, uint64_t off)
{
	if (off >= ts->open_first)
		return ts->open + (off - ts->open_first);
	int tid = omp_get_thread_num();
	if (tid >= ts->n_slots)
		return NULL;
	/* the cache is the one part of a read that changes: each thread owns
	 * its slot, so reads stay safe in parallel */
	bf_text_slot_t *sl = &ts->slot[tid];
	size_t b = find_block(ts, off);
	const char *blk = slot_block(ts, sl, b);
	return blk ? blk + (off - ts->blk_first[b]) : NULL;
}

bf_status_t bf_textstore_unpack(bf_textstore_t *ts)
{
	size_t total = (size_t)(ts->open_first + ts->open_len);
	char *all = malloc(total ? total : 1);
	if (!all)
		return BF_ENOMEM;
	for (size_t b = 0; b < ts->n_blk; b++) {
		size_t got = ZSTD_decompress(all + ts->blk_first[b], ts->blk_size[b],
		                             ts->blk[b], ts->blk_csize[b]);
		if (ZSTD_isError(got) || got != ts->blk_size[b]) {
			free(all);
			return BF_ENOMEM;
		}
	}
	memcpy(all + ts->open_first, ts->open, ts->open_len);
	for (size_t b = 0; b < ts->n_blk; b++)
		free(ts->blk[b]);
	/* block numbers restart if anything is sealed later: forget them */
	for (int sl = 0; sl < ts->n_slots; sl++)
		for (int i = 0; i < BF_TEXT_CACHE; i++)
			ts->slot[sl].id[i] = 0;
	free(ts->open);
	ts->n_blk = 0;
	ts->open = all;
	ts->open_len = ts->open_cap = total;
	ts->open_first = 0;
	return BF_OK;
}
