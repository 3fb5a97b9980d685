/* textstore.c - sentence texts spilled to a temporary file (see
 * bf_textstore.h). */
#include "bf_array.h"
#include "bf_textstore.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_NAME "/briefing-texts-XXXXXX"
#define SPILL_ALIGN ((size_t)4096)   /* bytes: O_DIRECT's buffer, offset and
                                        length unit (the largest common
                                        logical block) */
#define GATHER_MIN_PIECES 4096u      /* texts per parallel gather range */
#define GATHER_MAX_RANGES 64u

static void writer_stop(bf_textstore_t *ts);

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
	writer_stop(ts);
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
static bf_status_t writer_start(bf_textstore_t *ts);

/* Makes the spill file and its writer.  BF_EIO (spill_errno set) when no
 * file can be made, BF_ENOMEM when memory or a thread is lacking. */
static bf_status_t spill_open(bf_textstore_t *ts)
{
	const char *dir = getenv("TMPDIR");
	ts->spill_dir = dir && *dir ? dir : "/tmp";
	size_t n = strlen(ts->spill_dir);
	char *path = malloc(n + sizeof SPILL_NAME);
	if (!path)
		return BF_ENOMEM;
	memcpy(path, ts->spill_dir, n);
	memcpy(path + n, SPILL_NAME, sizeof SPILL_NAME);
	ts->fd = mkstemp(path);
	if (ts->fd < 0) {
		ts->spill_errno = errno;
		free(path);
		return BF_EIO;
	}
	unlink(path); /* the open descriptor keeps it until the run ends */
	free(path);
	bf_status_t st = writer_start(ts);
	if (st != BF_OK) {
		close(ts->fd);
		return st;
	}
	ts->have_fd = true;
	return BF_OK;
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

/* ---- the writer --------------------------------------------------------
 *
 * Why a thread of its own and O_DIRECT: buffered writes of the spill
 * (480 MB on the 1 GB dump) cost 0.5-0.9 s of kernel time copying into
 * the page cache, and parallel writes to one file serialize on its inode
 * lock, where the waiting thread spins (0.5 s of CPU at -j2 in perf).
 * Direct writes from an aligned buffer take almost no CPU (dd: 480 MB in
 * 0.2 s, 0.04 s of it CPU), and on a thread of their own they overlap the
 * next batch.  Where O_DIRECT is refused (some file systems; tmpfs before
 * Linux 6.6), or a direct write fails with EINVAL, the same thread writes
 * through the page cache.  After bf_textstore_sync() the file stays
 * without O_DIRECT, for reads and for any later seal.
 *
 * Direct I/O wants the buffer, the file offset and the length aligned to
 * the device's block: every write starts at a multiple of SPILL_ALIGN and
 * is a multiple of it long (sync's is the carry padded to one block).
 * The bytes past the last whole block (the carry) stay in memory and lead
 * the next write. */

struct bf_text_writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[2];       /* stage buffers, SPILL_ALIGN-aligned */
	size_t cap[2];
	int fill;           /* the stage buffer the next seal fills */
	int busy;           /* the stage buffer being written, -1 none */
	size_t len;         /* its job: len bytes at file offset at */
	uint64_t at;
	bool quit;
	bool direct;        /* fd is O_DIRECT */
	int err;            /* errno of the first failed write, 0 none */
	int fd;             /* the spill file (the store's) */
	char *carry;        /* SPILL_ALIGN bytes; carry_len in use */
	size_t carry_len;
};

/* Turns O_DIRECT on or off for fd; false with errno set when refused. */
static bool set_direct(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && fcntl(fd, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT) == 0;
}

/* buf[0..n) at file offset at; on EINVAL from a direct write, turns
 * O_DIRECT off and writes through the page cache.  False with errno set. */
static bool write_job(int fd, bool *direct, const char *buf, size_t n, uint64_t at)
{
	if (write_all(fd, buf, n, at))
		return true;
	if (!*direct || errno != EINVAL || !set_direct(fd, false))
		return false;
	*direct = false;
	return write_all(fd, buf, n, at);
}

static void *writer_main(void *arg)
{
	bf_text_writer_t *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->busy < 0 && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->busy < 0)
			break;
		const char *buf = w->buf[w->busy];
		size_t len = w->len;
		uint64_t at = w->at;
		bool direct = w->direct;
		pthread_mutex_unlock(&w->mu);
		bool ok = write_job(w->fd, &direct, buf, len, at);
		int e = errno;
		pthread_mutex_lock(&w->mu);
		w->direct = direct;
		if (!ok && !w->err)
			w->err = e;
		w->busy = -1;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Waits until no write is in flight; returns the writer's error, 0 if
 * none.  Called by the one thread that seals. */
static int writer_wait(bf_text_writer_t *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->busy >= 0)
		pthread_cond_wait(&w->cv, &w->mu);
	int e = w->err;
	pthread_mutex_unlock(&w->mu);
	return e;
}

/* Starts the writer of ts's spill file (made already), O_DIRECT if the
 * file system takes it.  BF_ENOMEM when memory or a thread is lacking. */
static bf_status_t writer_start(bf_textstore_t *ts)
{
	bf_text_writer_t *w = calloc(1, sizeof *w);
	if (!w)
		return BF_ENOMEM;
	if (posix_memalign((void **)&w->carry, SPILL_ALIGN, SPILL_ALIGN) != 0) {
		free(w);
		return BF_ENOMEM;
	}
	w->busy = -1;
	w->fd = ts->fd;
	w->direct = set_direct(w->fd, true);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w->carry);
		free(w);
		return BF_ENOMEM;
	}
	ts->w = w;
	return BF_OK;
}

/* Lets the write in flight end, then stops and frees the writer. */
static void writer_stop(bf_textstore_t *ts)
{
	bf_text_writer_t *w = ts->w;
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->buf[0]);
	free(w->buf[1]);
	free(w->carry);
	free(w);
	ts->w = NULL;
}

/* Stage buffer k with room for n bytes (its old bytes are not kept). */
static bool stage_room(bf_text_writer_t *w, int k, size_t n)
{
	if (w->cap[k] >= n)
		return true;
	size_t cap = bf_array_next_cap(w->cap[k] ? w->cap[k] : BF_TEXT_BLOCK, n);
	cap = (cap + SPILL_ALIGN - 1) / SPILL_ALIGN * SPILL_ALIGN;
	void *b;
	if (posix_memalign(&b, SPILL_ALIGN, cap) != 0)
		return false;
	free(w->buf[k]);
	w->buf[k] = b;
	w->cap[k] = cap;
	return true;
}

/* Copies pieces p[0..n) end to end to dst, in up to n_threads ranges at
 * once (the copy was 2 % of a -j1 run on one thread). */
static void gather(const bf_textstore_t *ts, const bf_text_piece_t *p, size_t n,
                   int n_threads, char *dst)
{
	size_t nr = n_threads > 1 && n >= 2 * GATHER_MIN_PIECES ? (size_t)n_threads : 1;
	if (nr > GATHER_MAX_RANGES)
		nr = GATHER_MAX_RANGES;
	size_t first[GATHER_MAX_RANGES + 1]; /* dst offset of each range */
	first[0] = 0;
	for (size_t r = 0, i = 0; r < nr; r++) {
		first[r + 1] = first[r];
		for (; i < n * (r + 1) / nr; i++)
			first[r + 1] += (size_t)p[i].size;
	}
#pragma omp parallel for schedule(static, 1) num_threads((int)nr) if (nr > 1)
	for (long r = 0; r < (long)nr; r++) {
		char *d = dst + first[r];
		for (size_t i = n * (size_t)r / nr; i < n * (size_t)(r + 1) / nr; i++) {
			memcpy(d, ts->open + p[i].at, (size_t)p[i].size);
			d += p[i].size;
		}
	}
}

/* Hands the writer the pieces p[0..n) (bytes in all), led by the carry:
 * the whole blocks are written while the caller goes on, the rest becomes
 * the new carry.  BF_ENOMEM, or BF_EIO (spill_errno set) when an earlier
 * write failed. */
static bf_status_t writer_put(bf_textstore_t *ts, const bf_text_piece_t *p, size_t n,
                              uint64_t bytes, int n_threads)
{
	bf_text_writer_t *w = ts->w;
	int k = w->fill; /* free: its last write ended before the other began */
	size_t c = w->carry_len, full = c + (size_t)bytes;
	if (!stage_room(w, k, full))
		return BF_ENOMEM;
	memcpy(w->buf[k], w->carry, c);
	gather(ts, p, n, n_threads, w->buf[k] + c);
	size_t whole = full / SPILL_ALIGN * SPILL_ALIGN;
	int e = writer_wait(w);
	if (e) {
		ts->spill_errno = e;
		return BF_EIO;
	}
	w->carry_len = full - whole;
	memcpy(w->carry, w->buf[k] + whole, w->carry_len);
	if (whole) {
		pthread_mutex_lock(&w->mu);
		w->busy = k;
		w->len = whole;
		w->at = ts->open_first - c;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		w->fill = 1 - k;
	}
	return BF_OK;
}

bf_status_t bf_textstore_seal_pieces(bf_textstore_t *ts, const bf_text_piece_t *p,
                                     size_t n, int n_threads)
{
	if (n == 0) {
		ts->open_len = 0;
		return BF_OK;
	}
	bf_status_t st = ts->have_fd ? BF_OK : spill_open(ts);
	if (st != BF_OK)
		return st;
	size_t n_blk = ts->n_blk;
	if (!add_blocks(ts, p, n)) {
		ts->n_blk = n_blk;
		return BF_ENOMEM;
	}
	uint64_t bytes = ts->blk_first[ts->n_blk] - ts->open_first;
	st = writer_put(ts, p, n, bytes, n_threads);
	if (st != BF_OK) {
		ts->n_blk = n_blk;
		return st;
	}
	ts->spilled_bytes += bytes;
	ts->open_first += bytes;
	ts->open_len = 0;
	ts->synced = false;
	return BF_OK;
}

bf_status_t bf_textstore_sync(bf_textstore_t *ts)
{
	bf_text_writer_t *w = ts->w;
	if (!w || ts->synced)
		return BF_OK;
	int e = writer_wait(w);
	bool ok = !e;
	/* the carry, padded to a whole block (the next write, if any, writes
	 * that block again, whole) */
	size_t c = w->carry_len;
	if (ok && c) {
		memset(w->carry + c, 0, SPILL_ALIGN - c);
		ok = write_job(ts->fd, &w->direct, w->carry, SPILL_ALIGN, ts->open_first - c);
		e = errno;
	}
	/* reads go through the page cache (direct reads would want aligned
	 * buffers); the stage buffers go */
	if (ok && w->direct) {
		ok = set_direct(ts->fd, false);
		e = errno;
		w->direct = !ok;
	}
	for (int k = 0; k < 2; k++) {
		free(w->buf[k]);
		w->buf[k] = NULL;
		w->cap[k] = 0;
	}
	if (!ok) {
		ts->spill_errno = e;
		errno = e;
		return BF_EIO;
	}
	ts->synced = true;
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
	return st == BF_OK ? bf_textstore_sync(ts) : st;
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
	if (!ts->synced) { /* sealed but maybe not written yet */
		errno = EBUSY;
		return NULL;
	}
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

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

void bf_textstore_prefetch(const bf_textstore_t *ts, const uint64_t *off, size_t n)
{
	if (!ts->have_fd || !ts->synced || n == 0)
		return;
	size_t *blk = malloc(n * sizeof *blk), m = 0;
	if (!blk)
		return;
	for (size_t i = 0; i < n; i++)
		if (off[i] < ts->open_first)
			blk[m++] = find_block(ts, off[i]);
	qsort(blk, m, sizeof *blk, cmp_size);
	/* runs of consecutive blocks, one hint each */
	for (size_t i = 0, j; i < m; i = j) {
		for (j = i + 1; j < m && blk[j] <= blk[j - 1] + 1; j++)
			;
		uint64_t lo = ts->blk_first[blk[i]], hi = ts->blk_first[blk[j - 1] + 1];
		(void)posix_fadvise(ts->fd, (off_t)lo, (off_t)(hi - lo), POSIX_FADV_WILLNEED);
	}
	free(blk);
}

bf_status_t bf_textstore_unpack(bf_textstore_t *ts)
{
	bf_status_t st = bf_textstore_sync(ts);
	if (st != BF_OK)
		return st;
	if (ts->w) /* texts sealed later go to the file from offset 0 again */
		ts->w->carry_len = 0;
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
