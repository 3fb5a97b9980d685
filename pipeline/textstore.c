/* textstore.c - sentence texts spilled to a temporary file (see
 * bf_textstore.h). */
#include "bf_array.h"
#include "bf_textstore.h"

#include <errno.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_NAME "/briefing-texts-XXXXXX"
#define WRITE_BUF ((size_t)1 << 20)  /* bytes gathered per write */
#define WRITE_MIN_PIECES 4096u       /* texts per parallel write range */
#define WRITE_MAX_RANGES 64u

struct bf_text_slot {
	uint64_t id[BF_TEXT_CACHE];   /* block number + 1; 0 = empty */
	char *buf[BF_TEXT_CACHE];     /* BF_TEXT_BLOCK-sized... or larger */
	size_t cap[BF_TEXT_CACHE];
	uint64_t last[BF_TEXT_CACHE]; /* use stamp, for LRU */
	uint64_t clock;
};

bf_status_t bf_textstore_init(bf_textstore_t *ts, int n_slots)
{
	memset(ts, 0, sizeof *ts);
	ts->n_slots = n_slots > 0 ? n_slots : 1;
	ts->slot = calloc((size_t)ts->n_slots, sizeof *ts->slot);
	ts->blk_first = calloc(1, sizeof *ts->blk_first);
	ts->cap_blk = 0; /* blk_first holds cap_blk + 1 entries */
	return ts->slot && ts->blk_first ? BF_OK : BF_ENOMEM;
}

void bf_textstore_free(bf_textstore_t *ts)
{
	for (int s = 0; ts->slot && s < ts->n_slots; s++)
		for (int i = 0; i < BF_TEXT_CACHE; i++)
			free(ts->slot[s].buf[i]);
	if (ts->have_fd)
		close(ts->fd);
	free(ts->slot);
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

/* The spill file, made and unlinked on first use: $TMPDIR, else /tmp. */
static bool spill_open(bf_textstore_t *ts)
{
	const char *dir = getenv("TMPDIR");
	ts->spill_dir = dir && *dir ? dir : "/tmp";
	size_t n = strlen(ts->spill_dir);
	char *path = malloc(n + sizeof SPILL_NAME);
	if (!path) {
		ts->spill_errno = ENOMEM;
		return false;
	}
	memcpy(path, ts->spill_dir, n);
	memcpy(path + n, SPILL_NAME, sizeof SPILL_NAME);
	ts->fd = mkstemp(path);
	ts->have_fd = ts->fd >= 0;
	if (ts->have_fd)
		unlink(path); /* the open descriptor keeps it until the run ends */
	else
		ts->spill_errno = errno;
	free(path);
	return ts->have_fd;
}

/* Writes buf[0..n) at file offset at, whole. */
static bool write_all(int fd, const char *buf, size_t n, uint64_t at)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, buf, n, (off_t)at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return false;
		}
		buf += w;
		n -= (size_t)w;
		at += (uint64_t)w;
	}
	return true;
}

/* Reads n bytes at file offset at into buf, whole. */
static bool read_all(int fd, char *buf, size_t n, uint64_t at)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, (off_t)at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO; /* the file is shorter than written */
			return false;
		}
		buf += r;
		n -= (size_t)r;
		at += (uint64_t)r;
	}
	return true;
}

/* Block ends for the pieces p[0..n) laid end to end from open_first: a
 * block ends after the first piece that takes it to BF_TEXT_BLOCK bytes
 * (or after the last), so no text spans two blocks. */
static bool add_blocks(bf_textstore_t *ts, const bf_text_piece_t *p, size_t n)
{
	uint64_t at = ts->open_first, start = at;
	for (size_t i = 0; i < n; i++) {
		at += p[i].size;
		if (at - start < BF_TEXT_BLOCK && i + 1 < n)
			continue;
		if (ts->n_blk + 1 > ts->cap_blk) {
			size_t nc = bf_array_next_cap(ts->cap_blk, ts->n_blk + 1);
			if (!bf_array_resize((void **)&ts->blk_first, nc + 1, sizeof *ts->blk_first))
				return false;
			ts->cap_blk = nc;
		}
		ts->blk_first[++ts->n_blk] = at;
		start = at;
	}
	return true;
}

/* Pieces [lo, hi) copied end to end through buf (cap bytes) and written
 * from file offset at.  False with errno set when a write fails. */
static bool write_range(const bf_textstore_t *ts, const bf_text_piece_t *p, size_t lo,
                        size_t hi, uint64_t at, char *buf, size_t cap)
{
	size_t fill = 0;
	for (size_t i = lo; i < hi; i++) {
		const char *src = ts->open + p[i].at;
		size_t n = (size_t)p[i].size;
		if (fill + n > cap) { /* flush; a piece bigger than buf goes alone */
			if (!write_all(ts->fd, buf, fill, at))
				return false;
			at += fill;
			fill = 0;
		}
		if (n > cap) {
			if (!write_all(ts->fd, src, n, at))
				return false;
			at += n;
			continue;
		}
		memcpy(buf + fill, src, n);
		fill += n;
	}
	return write_all(ts->fd, buf, fill, at);
}

/* Writes the pieces in up to n_threads ranges at once (pwrite at distinct
 * offsets: the kernel's copy into the page cache was 3 % of a -j1 run,
 * on one thread while the others waited); false with errno set. */
static bool write_pieces(const bf_textstore_t *ts, const bf_text_piece_t *p, size_t n,
                         int n_threads)
{
	size_t nr = n_threads > 1 && n >= 2 * WRITE_MIN_PIECES ? (size_t)n_threads : 1;
	if (nr > WRITE_MAX_RANGES)
		nr = WRITE_MAX_RANGES;
	uint64_t first[WRITE_MAX_RANGES + 1]; /* file offset of each range */
	first[0] = ts->open_first;
	for (size_t r = 0, i = 0; r < nr; r++) {
		first[r + 1] = first[r];
		for (; i < n * (r + 1) / nr; i++)
			first[r + 1] += p[i].size;
	}
	bool ok = true;
	int err = 0;
#pragma omp parallel for schedule(static, 1) num_threads((int)nr) reduction(&& : ok) if (nr > 1)
	for (long r = 0; r < (long)nr; r++) {
		char *buf = malloc(WRITE_BUF);
		bool good = buf && write_range(ts, p, n * (size_t)r / nr, n * (size_t)(r + 1) / nr,
		                               first[r], buf, WRITE_BUF);
		if (!good) {
#pragma omp critical(bf_textstore_err)
			err = buf ? errno : ENOMEM;
		}
		free(buf);
		ok = ok && good;
	}
	if (!ok)
		errno = err;
	return ok;
}

bf_status_t bf_textstore_seal_pieces(bf_textstore_t *ts, const bf_text_piece_t *p,
                                     size_t n, int n_threads)
{
	if (n == 0) {
		ts->open_len = 0;
		return BF_OK;
	}
	if (!ts->have_fd && !spill_open(ts))
		return BF_EIO;
	size_t n_blk = ts->n_blk;
	if (!add_blocks(ts, p, n)) {
		ts->n_blk = n_blk;
		return BF_ENOMEM;
	}
	if (!write_pieces(ts, p, n, n_threads)) {
		ts->spill_errno = errno;
		ts->n_blk = n_blk;
		return BF_EIO;
	}
	uint64_t bytes = ts->blk_first[ts->n_blk] - ts->open_first;
	ts->spilled_bytes += bytes;
	ts->open_first += bytes;
	ts->open_len = 0;
	return BF_OK;
}

bf_status_t bf_textstore_seal(bf_textstore_t *ts)
{
	/* every text of the open block, in order */
	size_t n = 0;
	for (size_t i = 0; i < ts->open_len; i++)
		n += ts->open[i] == '\0';
	bf_text_piece_t *p = malloc((n ? n : 1) * sizeof *p);
	if (!p)
		return BF_ENOMEM;
	for (size_t i = 0, at = 0, k = 0; i < ts->open_len; i++)
		if (ts->open[i] == '\0') {
			p[k++] = (bf_text_piece_t){ at, i + 1 - at };
			at = i + 1;
		}
	bf_status_t st = bf_textstore_seal_pieces(ts, p, n, 1);
	free(p);
	return st;
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

/* Block b in slot sl, read into the least recently used entry when
 * needed. */
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
	size_t need = (size_t)(ts->blk_first[b + 1] - ts->blk_first[b]);
	if (sl->cap[victim] < need) {
		char *nb = realloc(sl->buf[victim], need);
		if (!nb)
			return NULL;
		sl->buf[victim] = nb;
		sl->cap[victim] = need;
	}
	if (!read_all(ts->fd, sl->buf[victim], need, ts->blk_first[b])) {
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
	if (ts->open_first && !read_all(ts->fd, all, (size_t)ts->open_first, 0)) {
		free(all);
		return BF_EIO;
	}
	memcpy(all + ts->open_first, ts->open, ts->open_len);
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
