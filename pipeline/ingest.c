/* ingest.c - streaming readers for the inputs a user names (bf_ingest.h).
 *
 * Outline:
 *   input --(walk_dir)--> file --(src_t: read(2) or zstd stream)--> bytes
 *     *.jsonl: bytes --(lr_t line reader)--> line --(bf_jsonl)--> record
 *     *.txt:   bytes --(whole file, capped)--> BOM/CRLF/UTF-8 --> title + text
 *
 * Memory per file is bounded: one CHUNK_LEN read buffer, one CHUNK_LEN
 * decode buffer, the longest line (or the txt file), both capped at
 * BF_INGEST_MAX_RECORD, a UTF-8 repair copy when needed, and one batch of
 * JSON lines (PARSE_BATCH_BYTES, or one longer line) with their parse
 * results.  All buffers live in ingest_t and are reused: once they have
 * grown, reading a record allocates nothing.
 *
 * Lines are found with memchr and handed out in place when they lie inside
 * the decode buffer; only lines that cross a chunk boundary are copied.
 *
 * Every string given to on_record is valid UTF-8: the JSON parser does not
 * check bytes >= 0x80, so a line is checked first and, when needed,
 * repaired by replacing each maximal subpart of an ill-formed sequence with
 * U+FFFD (Unicode 15, ch. 3, "U+FFFD Substitution of Maximal Subparts"; the
 * same bytes as Python's decode("utf-8", "replace")).  \uXXXX escapes
 * decode to valid UTF-8 too: lone surrogates are refused. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* d_type, IFTODT, posix_fadvise */
#endif
#include "bf_array.h"
#include "bf_ingest.h"
#include "bf_jsonl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#define CHUNK_LEN ((size_t)1 << 20)  /* bytes per read(2) and per decode */
#define READ_AHEAD ((uint64_t)128 << 20)    /* bytes asked for ahead of a read */
#define READ_AHEAD_STEP ((uint64_t)16 << 20) /* bytes per request */
#define SNIFF_LEN ((size_t)64 << 10) /* leading bytes checked for NUL */
/* Largest zstd window accepted (log2 bytes): files made with --long=N up to
 * 31 decode.  The default limit (27) would refuse --long=28 and above. */
#define ZSTD_WINDOW_LOG_MAX (sizeof(size_t) == 4 ? 30 : 31)
#define TITLE_MAX_LEN 200   /* bytes of a txt title line */
#define TITLE_MAX_WORDS 30  /* words of a txt title line */
/* A record with more than 1 in UTF8_BAD_DIV bytes invalid is not UTF-8
 * text (e.g. Windows-1251): repairing it would give a string of U+FFFD that
 * later stages would take for a near-duplicate of every other such record. */
#define UTF8_BAD_DIV 4
#define MAX_DIR_DEPTH 256   /* bind-mount loops cannot recurse forever */
#define WHERE_EXTRA 32      /* room for ":byte " and a 20-digit number */
/* Record buffers grow by doubling but stop here, so a record at the cap
 * (plus the byte that detects overflow and a NUL) takes 64 MiB, not 128. */
#define RECORD_BUF_MAX (BF_INGEST_MAX_RECORD + 16)

enum { KIND_TXT, KIND_JSONL };

typedef struct {
	char *p;
	size_t len, cap;
} buf_t;

/* A file's decoded bytes: plain read(2), or a zstd stream of any number of
 * frames.  Errors are sticky, so every later read repeats them. */
typedef struct {
	int fd;
	bool zstd;
	bool eof;          /* read(2) returned 0 */
	bool more;         /* zstd may hold decoded bytes not returned yet */
	int err;           /* errno of a failed read(2), or 0 */
	const char *zerr;  /* why zstd decoding failed, or NULL */
	uint64_t zerr_off; /* compressed byte offset where it failed */
	size_t hint;       /* last ZSTD_decompressStream result; 0 = frame end */
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer in;  /* raw bytes read and not consumed yet */
	uint64_t in_off;   /* file offset of in.src[0] */
	uint64_t read_at;  /* bytes read(2) so far: the file offset */
	uint64_t ahead;    /* file offset up to which reading ahead was asked */
	unsigned char *raw;
} src_t;

/* JSON Lines are parsed in batches, on several threads (with jansson,
 * parsing was most of the reading time; bf_jsonl is some 25 times
 * faster); lines are handed out in order afterwards. */
#define PARSE_BATCH_BYTES ((size_t)8 << 20)
#define PARSE_BATCH_LINES 4096u

enum { LINE_OK, LINE_BAD_UTF8, LINE_TOO_LONG, LINE_BAD_JSON };

/* One batch.  bf_jsonl_parse decodes a line's fields in place, so rec[i]
 * points into bytes: both stay valid until jb_flush has handed the batch
 * out, and are reused for the next one. */
typedef struct {
	buf_t bytes;        /* the lines, each NUL-terminated */
	size_t *off, *len;  /* each line in bytes */
	uint64_t *line;     /* line numbers */
	unsigned char *status, *repaired;
	bf_jsonl_rec_t *rec;          /* parse results of LINE_OK lines */
	char (*err)[BF_JSONL_ERR_LEN]; /* why a line is LINE_BAD_JSON */
	size_t n;
} jbatch_t;

/* State of one bf_ingest_run: the buffers every file reuses. */
typedef struct {
	const bf_ingest_cb_t *cb;
	bf_ingest_counts_t *counts;
	ZSTD_DCtx *dctx;
	unsigned char *raw; /* CHUNK_LEN: read(2) target of zstd input */
	char *chunk;        /* CHUNK_LEN: decoded bytes for the line reader */
	buf_t acc;          /* a line crossing chunks */
	buf_t doc;          /* a whole txt file */
	buf_t fix;          /* the UTF-8 repair of a line or file */
	buf_t where;        /* "FILE:LINE" / "FILE:byte N"; also default ids */
	buf_t id;           /* an integer id formatted */
	buf_t path;         /* directory walk: the path being built */
	jbatch_t jb;        /* JSON lines waiting to be parsed */
} ingest_t;

/* ---- small helpers ---------------------------------------------------- */

static bool buf_reserve(buf_t *b, size_t need)
{
	if (need <= b->cap)
		return true;
	size_t nc = bf_array_next_cap(b->cap, need);
	if (nc > RECORD_BUF_MAX && need <= RECORD_BUF_MAX)
		nc = RECORD_BUF_MAX;
	if (!bf_array_resize((void **)&b->p, nc, 1))
		return false;
	b->cap = nc;
	return true;
}

static bool buf_append(buf_t *b, const void *s, size_t n)
{
	if (!buf_reserve(b, b->len + n + 1))
		return false;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

static inline bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* True when [p, p+n) holds only ASCII whitespace.  Returns at the first
 * other byte, which for a real record is nearly always the first. */
static bool is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space((unsigned char)p[i]))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Counts and reports one skip. */
static void skip(ingest_t *st, bf_skip_reason_t why, const char *where,
                 const char *detail)
{
	st->counts->n_skipped[why]++;
	if (st->cb->on_skip)
		st->cb->on_skip(st->cb->ud, why, where, detail);
}

/* "FILE:LINE" in st->where, which begin_file sized for this file. */
static const char *where_line(ingest_t *st, const char *file, uint64_t line)
{
	snprintf(st->where.p, st->where.cap, "%s:%" PRIu64, file, line);
	return st->where.p;
}

static int deliver(ingest_t *st, const bf_record_t *rec, bool repaired)
{
	st->counts->n_records++;
	if (repaired)
		st->counts->n_utf8_repaired++;
	return st->cb->on_record ? st->cb->on_record(st->cb->ud, rec) : 0;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the well-formed sequence at s (s[0] >= 0x80), or 0 when it is
 * ill-formed; then *bad is the length of its maximal subpart (>= 1), the
 * unit that one U+FFFD replaces.  Ranges: Unicode Table 3-7, which excludes
 * overlongs, surrogates and code points past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t len;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		*bad = 1;
		return 0;
	}
	size_t i = 1;
	for (; i < len && i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			break;
		lo = 0x80; /* only the second byte has a narrower range */
		hi = 0xBF;
	}
	if (i == len)
		return len;
	*bad = i;
	return 0;
}

/* Length of the longest valid UTF-8 prefix of s.  ASCII, most of a news
 * text, is skipped 8 bytes at a time. */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		for (uint64_t w; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
		}
		while (i < n && s[i] < 0x80)
			i++;
		if (i == n)
			break;
		size_t bad, k = utf8_seq(s + i, n - i, &bad);
		if (!k)
			return i;
		i += k;
	}
	return n;
}

/* Copies s to out (NUL-terminated) with each maximal invalid subpart
 * replaced by U+FFFD.  ok is the valid prefix length, known already.
 * *bad counts the bytes replaced.  False when out of memory. */
static bool utf8_repair(buf_t *out, const char *s, size_t n, size_t ok,
                        size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	out->len = 0;
	*bad = 0;
	if (!buf_reserve(out, n + 16))
		return false;
	for (size_t i = 0;;) {
		if (!buf_reserve(out, out->len + ok + 4))
			return false;
		memcpy(out->p + out->len, s + i, ok);
		out->len += ok;
		i += ok;
		if (i == n)
			break;
		size_t b = 1; /* set by utf8_seq: the sequence at i is invalid */
		utf8_seq(u + i, n - i, &b);
		memcpy(out->p + out->len, "\xEF\xBF\xBD", 3);
		out->len += 3;
		i += b;
		*bad += b;
		ok = utf8_valid_len(u + i, n - i);
	}
	out->p[out->len] = '\0';
	return true;
}

/* Makes [*p, *p+*n) valid UTF-8: when it is not, repairs it into st->fix,
 * points there and sets *repaired.  Returns 0, 1 when the bytes are beyond
 * repair (see UTF8_BAD_DIV), or -1 when out of memory. */
static int utf8_fix(ingest_t *st, char **p, size_t *n, bool *repaired)
{
	size_t ok = utf8_valid_len((const unsigned char *)*p, *n);
	if (ok == *n)
		return 0;
	size_t bad;
	if (!utf8_repair(&st->fix, *p, *n, ok, &bad))
		return -1;
	if (bad * UTF8_BAD_DIV > *n)
		return 1;
	*p = st->fix.p;
	*n = st->fix.len;
	*repaired = true;
	return 0;
}

/* ---- byte source -------------------------------------------------------- */

static void src_init(src_t *s, int fd, unsigned char *raw, ZSTD_DCtx *dctx)
{
	*s = (src_t){ .fd = fd, .raw = raw, .dctx = dctx };
	s->in.src = raw;
	ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only); /* keeps windowLogMax */
}

/* Asks the kernel to read up to READ_AHEAD bytes past file offset at, a
 * READ_AHEAD_STEP at a time, once a file is past its first CHUNK_LEN (a
 * directory of small files asks nothing).  Why: its own read-ahead left
 * the reader's reads waiting 0.28-0.48 s in all on a 1 GB -j2 run that
 * found the dump out of the page cache (0.04-0.05 s with this), and a
 * worker waits for the reader.  A hint only (a pipe refuses it). */
static void src_read_ahead(src_t *s, uint64_t at)
{
	if (at < CHUNK_LEN)
		return;
	if (s->ahead < at)
		s->ahead = at;
	while (s->ahead < at + READ_AHEAD) {
		(void)posix_fadvise(s->fd, (off_t)s->ahead, (off_t)READ_AHEAD_STEP,
		                    POSIX_FADV_WILLNEED);
		s->ahead += READ_AHEAD_STEP;
	}
}

/* read(2) of the source, after the hint to read ahead. */
static ssize_t src_read_fd(src_t *s, void *buf, size_t cap)
{
	src_read_ahead(s, s->read_at);
	ssize_t n;
	do
		n = read(s->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		s->read_at += (uint64_t)n;
	return n;
}

/* Reads the first raw bytes and tells from the zstd magic number whether
 * they are compressed: "-" and oddly named files may be.  The bytes stay in
 * s->in for the first reads. */
static void src_sniff(src_t *s)
{
	static const unsigned char magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };
	size_t have = 0;
	while (have < sizeof magic) { /* a pipe may deliver 1 byte at a time */
		ssize_t n = src_read_fd(s, s->raw + have, CHUNK_LEN - have);
		if (n <= 0) {
			s->err = n < 0 ? errno : 0;
			s->eof = n == 0;
			break;
		}
		have += (size_t)n;
	}
	s->in.size = have;
	s->zstd = have >= sizeof magic && memcmp(s->raw, magic, sizeof magic) == 0;
}

/* Replaces the consumed raw bytes by new ones; false at end or error. */
static bool src_fill_raw(src_t *s)
{
	if (s->eof || s->err)
		return false;
	s->in_off += s->in.size;
	s->in.size = s->in.pos = 0;
	ssize_t n = src_read_fd(s, s->raw, CHUNK_LEN);
	if (n < 0)
		s->err = errno;
	else if (n == 0)
		s->eof = true;
	else
		s->in.size = (size_t)n;
	return n > 0;
}

static ssize_t src_read_plain(src_t *s, void *out, size_t cap)
{
	if (s->in.pos < s->in.size) { /* what src_sniff read ahead */
		size_t n = s->in.size - s->in.pos;
		n = n < cap ? n : cap;
		memcpy(out, s->raw + s->in.pos, n);
		s->in.pos += n;
		return (ssize_t)n;
	}
	if (s->eof)
		return 0;
	if (s->err)
		return -1;
	ssize_t n = src_read_fd(s, out, cap);
	if (n < 0)
		s->err = errno;
	else if (n == 0)
		s->eof = true;
	return n;
}

/* Decodes until some output is ready.  End of input is clean only at a
 * frame end (hint 0); elsewhere the file was cut (zstd's
 * examples/streaming_decompression.c makes the same test). */
static ssize_t src_read_zstd(src_t *s, void *out, size_t cap)
{
	ZSTD_outBuffer ob = { out, cap, 0 };
	while (ob.pos == 0) {
		if (s->in.pos == s->in.size && !s->more && !src_fill_raw(s)) {
			if (s->err)
				return -1;
			if (s->hint == 0)
				return 0;
			s->zerr = "truncated: input ends inside a zstd frame";
			s->zerr_off = s->in_off + s->in.size;
			return -1;
		}
		size_t r = ZSTD_decompressStream(s->dctx, &ob, &s->in);
		if (ZSTD_isError(r)) {
			s->zerr = ZSTD_getErrorName(r);
			s->zerr_off = s->in_off + s->in.pos;
			return -1;
		}
		s->hint = r;
		/* zstd's API: a full output buffer may leave decoded bytes
		 * inside, to be fetched even when no input is left.  (Today
		 * zstd also holds back one input byte then, but that is not
		 * promised.) */
		s->more = ob.pos == ob.size;
	}
	return (ssize_t)ob.pos;
}

/* Reads up to cap decoded bytes: the count, 0 at the end, or -1 after a
 * read error (s->err) or a zstd failure (s->zerr). */
static ssize_t src_read(src_t *s, void *out, size_t cap)
{
	if (s->zerr)
		return -1;
	return s->zstd ? src_read_zstd(s, out, cap) : src_read_plain(s, out, cap);
}

/* Reports why a source failed: one skip for the rest of the file. */
static void skip_src_error(ingest_t *st, const char *file, const src_t *s)
{
	if (s->zerr) {
		snprintf(st->where.p, st->where.cap, "%s:byte %" PRIu64, file,
		         s->zerr_off);
		skip(st, BF_SKIP_ZSTD, st->where.p, s->zerr);
	} else {
		skip(st, BF_SKIP_UNREADABLE, file, strerror(s->err));
	}
}

/* ---- line reader -------------------------------------------------------- */

enum { LR_LINE, LR_LONG, LR_END, LR_ERROR, LR_NOMEM };

typedef struct {
	src_t *src;
	char *chunk;        /* CHUNK_LEN decoded bytes */
	size_t pos, len;    /* the unread part of chunk */
	buf_t *acc;         /* start of a line that crosses chunks */
	bool discard;       /* the current line passed the cap: drop to its end */
	uint64_t line;      /* lines handed out so far */
	uint64_t *bytes_in;
} lr_t;

/* Fills the chunk up to SNIFF_LEN bytes (or the end) and tells whether
 * they hold a NUL, so no line is handed out before the binary test. */
static bool lr_prime_binary(lr_t *r)
{
	while (r->len < SNIFF_LEN) {
		ssize_t n = src_read(r->src, r->chunk + r->len, CHUNK_LEN - r->len);
		if (n <= 0)
			break; /* sticky: lr_next meets the same end or error */
		r->len += (size_t)n;
		*r->bytes_in += (uint64_t)n;
	}
	return memchr(r->chunk, 0, r->len < SNIFF_LEN ? r->len : SNIFF_LEN) != NULL;
}

/* Keeps a piece of the current line, or drops it once the line is past
 * the cap.  False when out of memory. */
static bool lr_keep(lr_t *r, const char *p, size_t n)
{
	if (r->discard)
		return true;
	if (r->acc->len + n > BF_INGEST_MAX_RECORD) {
		r->discard = true;
		r->acc->len = 0;
		return true;
	}
	return buf_append(r->acc, p, n);
}

/* Hands out the assembled line, or reports it too long. */
static int lr_take(lr_t *r, char **line, size_t *n)
{
	if (r->discard) {
		r->discard = false;
		return LR_LONG;
	}
	*line = r->acc->p;
	*n = r->acc->len;
	r->acc->len = 0; /* the bytes stay valid until the next lr_next */
	return LR_LINE;
}

/* Next line without its '\n', valid until the next call.  A last line
 * without '\n' counts; a partial line cut by a source error does not. */
static int lr_next(lr_t *r, char **line, size_t *n)
{
	for (;;) {
		if (r->pos < r->len) {
			char *p = r->chunk + r->pos;
			size_t avail = r->len - r->pos;
			char *nl = memchr(p, '\n', avail);
			size_t k = nl ? (size_t)(nl - p) : avail;
			r->pos += nl ? k + 1 : k;
			if (nl && !r->discard && r->acc->len == 0) {
				r->line++; /* the common case: no copy */
				*line = p;
				*n = k;
				return LR_LINE;
			}
			if (!lr_keep(r, p, k))
				return LR_NOMEM;
			if (nl) {
				r->line++;
				return lr_take(r, line, n);
			}
			continue;
		}
		ssize_t got = src_read(r->src, r->chunk, CHUNK_LEN);
		if (got < 0)
			return LR_ERROR;
		if (got == 0) {
			if (!r->discard && r->acc->len == 0)
				return LR_END;
			r->line++;
			return lr_take(r, line, n);
		}
		r->pos = 0;
		r->len = (size_t)got;
		*r->bytes_in += (uint64_t)got;
	}
}

/* ---- JSON Lines ----------------------------------------------------------- */

/* An optional string field; NULL when absent, not a string, or "" (the
 * Reuters-21578 corpus has 736 empty titles: they mean "no title"). */
static const char *opt_str(const bf_jsonl_rec_t *r, bf_jsonl_key_t key)
{
	const bf_jsonl_field_t *f = &r->f[key];
	return f->type == BF_JSONL_STRING && f->len ? f->str : NULL;
}

/* "id" as a string or a decimal integer, else "FILE:LINE".  "%lld" is
 * jansson's JSON_INTEGER_FORMAT, which ids were printed with before. */
static const char *jsonl_id(ingest_t *st, const bf_jsonl_rec_t *r,
                            const char *file, uint64_t line)
{
	const bf_jsonl_field_t *f = &r->f[BF_JSONL_ID];
	if (f->type == BF_JSONL_STRING && f->len > 0)
		return f->str;
	if (f->type == BF_JSONL_INTEGER) {
		snprintf(st->id.p, st->id.cap, "%lld", f->num);
		return st->id.p;
	}
	return where_line(st, file, line);
}

/* Checks "text" of a parsed object and hands the record out. */
static int jsonl_deliver(ingest_t *st, const bf_jsonl_rec_t *r,
                         const char *file, uint64_t line, bool repaired)
{
	const bf_jsonl_field_t *t = &r->f[BF_JSONL_TEXT];
	const char *why = NULL;
	if (t->type == BF_JSONL_ABSENT)
		why = "no \"text\" field";
	else if (t->type != BF_JSONL_STRING)
		why = "\"text\" is not a string";
	else if (is_blank(t->str, t->len))
		why = "\"text\" is blank";
	if (why) {
		skip(st, BF_SKIP_NO_TEXT, where_line(st, file, line), why);
		return 0;
	}
	bf_record_t rec = {
		.id = jsonl_id(st, r, file, line),
		.title = opt_str(r, BF_JSONL_TITLE),
		.source = opt_str(r, BF_JSONL_SOURCE),
		.url = opt_str(r, BF_JSONL_URL),
		.date = opt_str(r, BF_JSONL_DATE),
		.text = t->str,
		.text_len = t->len,
		.file = file,
		.line = line,
	};
	return deliver(st, &rec, repaired);
}

/* Queues one non-blank line (or a line status) for parsing.  Returns false
 * when out of memory. */
static bool jb_push(ingest_t *st, uint64_t line, const char *p, size_t n,
                    int status, bool repaired)
{
	jbatch_t *jb = &st->jb;
	size_t at = jb->bytes.len;
	if (!buf_reserve(&jb->bytes, at + n + 1))
		return false;
	memcpy(jb->bytes.p + at, p, n);
	jb->bytes.p[at + n] = '\0';
	jb->bytes.len += n + 1;
	jb->off[jb->n] = at;
	jb->len[jb->n] = n;
	jb->line[jb->n] = line;
	jb->status[jb->n] = (unsigned char)status;
	jb->repaired[jb->n] = repaired;
	jb->n++;
	return true;
}

static bool jb_full(const jbatch_t *jb)
{
	return jb->n == PARSE_BATCH_LINES || jb->bytes.len >= PARSE_BATCH_BYTES;
}

/* Parses the queued lines in parallel, then hands them out in order.
 * Returns 0 to go on, else the value to stop with. */
static int jb_flush(ingest_t *st, const char *file)
{
	jbatch_t *jb = &st->jb;
	int nt = st->cb->n_threads > 1 ? st->cb->n_threads : 1;
	/* Each line is parsed into its own slot, in place: no sharing. */
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (jb->n > 64)
	for (long i = 0; i < (long)jb->n; i++) {
		if (jb->status[i] == LINE_OK &&
		    bf_jsonl_parse(jb->bytes.p + jb->off[i], jb->len[i], &jb->rec[i],
		                   jb->err[i]) != BF_OK)
			jb->status[i] = LINE_BAD_JSON;
	}
	char too_long[64];
	snprintf(too_long, sizeof too_long, "line longer than %zu bytes",
	         BF_INGEST_MAX_RECORD);
	int rc = 0;
	for (size_t i = 0; i < jb->n && rc == 0; i++) {
		if (jb->status[i] == LINE_OK) { /* "FILE:LINE" only for a skip: it
		                                   was 3 % of the reader's time */
			rc = jsonl_deliver(st, &jb->rec[i], file, jb->line[i], jb->repaired[i]);
			continue;
		}
		const char *where = where_line(st, file, jb->line[i]);
		if (jb->status[i] == LINE_BAD_UTF8)
			skip(st, BF_SKIP_UTF8, where, "more than a quarter of the bytes are not UTF-8");
		else if (jb->status[i] == LINE_TOO_LONG)
			skip(st, BF_SKIP_TOO_LONG, where, too_long);
		else
			skip(st, BF_SKIP_JSON, where, jb->err[i]);
	}
	jb->n = 0;
	jb->bytes.len = 0;
	return rc;
}

/* One non-blank line: UTF-8 is checked (and repaired) here, in order; the
 * JSON is parsed with its batch.  Returns 0 to go on, else the value to
 * stop with. */
static int jsonl_line(ingest_t *st, const char *file, uint64_t line,
                      char *p, size_t n)
{
	bool repaired = false;
	int fx = utf8_fix(st, &p, &n, &repaired);
	if (fx < 0 || !jb_push(st, line, p, fx ? 0 : n, fx ? LINE_BAD_UTF8 : LINE_OK, repaired))
		return -1;
	return jb_full(&st->jb) ? jb_flush(st, file) : 0;
}

static int read_jsonl(ingest_t *st, const char *file, src_t *src)
{
	lr_t r = { .src = src, .chunk = st->chunk, .acc = &st->acc,
	           .bytes_in = &st->counts->bytes_in };
	st->acc.len = 0;
	if (lr_prime_binary(&r)) {
		skip(st, BF_SKIP_BINARY, file, "NUL byte in the first 64 KiB");
		return 0;
	}
	bool seen = false; /* a line that is not blank */
	char *p;
	size_t n;
	int k;
	while ((k = lr_next(&r, &p, &n)) == LR_LINE || k == LR_LONG) {
		if (k == LR_LONG) {
			seen = true;
			if (!jb_push(st, r.line, "", 0, LINE_TOO_LONG, false))
				return -1;
			continue;
		}
		if (r.line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3; /* a BOM is not JSON */
			n -= 3;
		}
		if (is_blank(p, n))
			continue;
		seen = true;
		int rc = jsonl_line(st, file, r.line, p, n);
		if (rc)
			return rc;
	}
	int rc = jb_flush(st, file);
	if (rc)
		return rc;
	if (k == LR_NOMEM)
		return -1;
	if (k == LR_ERROR)
		skip_src_error(st, file, src);
	else if (!seen)
		skip(st, BF_SKIP_EMPTY, file, "no records");
	return 0;
}

/* ---- txt ------------------------------------------------------------------ */

/* Rewrites CRLF as LF in place (a lone CR stays); returns the new length. */
static size_t crlf_to_lf(char *p, size_t n)
{
	size_t w = 0, r = 0;
	for (;;) {
		char *cr = memchr(p + r, '\r', n - r);
		size_t seg = cr ? (size_t)(cr - (p + r)) : n - r;
		memmove(p + w, p + r, seg);
		w += seg;
		r += seg;
		if (!cr)
			return w;
		r++;
		if (r < n && p[r] == '\n')
			continue; /* CR dropped; the LF starts the next segment */
		p[w++] = '\r';
	}
}

/* Title rule, part 1: is this first line (trimmed, non-empty) a headline?
 * At most TITLE_MAX_LEN bytes and TITLE_MAX_WORDS words, and not ending in
 * '.' (closing quotes aside).  The last test tells headlines from short
 * lead paragraphs: in the corpus 1 of 2,225 BBC and 58 of 19,779
 * Reuters-21578 titles end in '.' (mostly "U.S."), while 2,171 BBC first
 * paragraphs are short and do. */
static bool is_headline(const char *s, size_t n)
{
	if (n > TITLE_MAX_LEN)
		return false;
	size_t words = 0;
	for (size_t i = 0; i < n; i++)
		words += !is_space((unsigned char)s[i]) &&
		         (i == 0 || is_space((unsigned char)s[i - 1]));
	if (words > TITLE_MAX_WORDS)
		return false;
	for (;;) {
		if (n && (s[n - 1] == '"' || s[n - 1] == '\''))
			n--;
		else if (ends_with(s, n, "\xE2\x80\x9D") || ends_with(s, n, "\xE2\x80\x99"))
			n -= 3; /* ” ’ */
		else
			break;
	}
	return n == 0 || s[n - 1] != '.';
}

/* Splits a txt article (not blank) in place into a NUL-terminated title
 * (or NULL) and text.  Both are trimmed of surrounding whitespace, which
 * also skips leading blank lines.  Title rule, part 2: the first line is
 * the title only when the next line is blank and more text follows. */
static void txt_split(char *p, size_t n, bf_record_t *rec)
{
	size_t b = 0, e = n;
	while (b < e && is_space((unsigned char)p[b]))
		b++;
	while (e > b && is_space((unsigned char)p[e - 1]))
		e--;
	rec->title = NULL;
	char *nl = memchr(p + b, '\n', e - b);
	char *nl2 = nl ? memchr(nl + 1, '\n', (size_t)(p + e - (nl + 1))) : NULL;
	if (nl2 && is_blank(nl + 1, (size_t)(nl2 - (nl + 1)))) {
		size_t te = (size_t)(nl - p);
		while (te > b && is_space((unsigned char)p[te - 1]))
			te--;
		if (is_headline(p + b, te - b)) {
			p[te] = '\0';
			rec->title = p + b;
			/* p[e-1] is not a space, so text is left after nl2 */
			b = (size_t)(nl2 + 1 - p);
			while (is_space((unsigned char)p[b]))
				b++;
		}
	}
	p[e] = '\0'; /* the buffers keep a byte past the data */
	rec->text = p + b;
	rec->text_len = e - b;
}

/* One whole txt file in p[0..n) (p[n] writable). */
static int txt_record(ingest_t *st, const char *file, char *p, size_t n)
{
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	n = crlf_to_lf(p, n);
	if (is_blank(p, n)) {
		skip(st, BF_SKIP_EMPTY, file, "no text");
		return 0;
	}
	bool repaired = false;
	int fx = utf8_fix(st, &p, &n, &repaired);
	if (fx < 0)
		return -1;
	if (fx > 0) {
		skip(st, BF_SKIP_UTF8, file,
		     "more than a quarter of the bytes are not UTF-8");
		return 0;
	}
	bf_record_t rec = { .id = file, .file = file, .line = 0 };
	txt_split(p, n, &rec);
	return deliver(st, &rec, repaired);
}

/* Reads a txt file whole (it is one record), at most
 * BF_INGEST_MAX_RECORD bytes.  A NUL anywhere makes it binary: the whole
 * file is in memory anyway, and its text would end at that NUL. */
static int read_txt(ingest_t *st, const char *file, src_t *src)
{
	buf_t *d = &st->doc;
	d->len = 0;
	for (;;) {
		/* up to the cap + 1 byte, which tells a file past the cap;
		 * the reserve keeps one more byte for txt_split's NUL */
		size_t want = d->len + CHUNK_LEN;
		if (want > BF_INGEST_MAX_RECORD + 1)
			want = BF_INGEST_MAX_RECORD + 1;
		if (!buf_reserve(d, want + 1))
			return -1;
		size_t room = want - d->len;
		ssize_t got = src_read(src, d->p + d->len, room);
		if (got < 0) {
			skip_src_error(st, file, src);
			return 0;
		}
		if (got == 0)
			break;
		st->counts->bytes_in += (uint64_t)got;
		if (memchr(d->p + d->len, 0, (size_t)got)) {
			skip(st, BF_SKIP_BINARY, file, "NUL byte in a text file");
			return 0;
		}
		d->len += (size_t)got;
		if (d->len > BF_INGEST_MAX_RECORD) {
			char detail[64];
			snprintf(detail, sizeof detail, "file longer than %zu bytes",
			         BF_INGEST_MAX_RECORD);
			skip(st, BF_SKIP_TOO_LONG, file, detail);
			return 0;
		}
	}
	if (d->len == 0) {
		skip(st, BF_SKIP_EMPTY, file, "empty file");
		return 0;
	}
	return txt_record(st, file, d->p, d->len);
}

/* ---- files and directories ---------------------------------------------- */

/* Reads an open file as kind; zst forces zstd, else the magic decides. */
static int read_fd(ingest_t *st, const char *file, int fd, int kind, bool zst)
{
	st->counts->n_files++;
	if (!buf_reserve(&st->where, strlen(file) + WHERE_EXTRA))
		return -1;
	src_t src;
	src_init(&src, fd, st->raw, st->dctx);
	if (zst)
		src.zstd = true;
	else
		src_sniff(&src);
	return kind == KIND_JSONL ? read_jsonl(st, file, &src)
	                          : read_txt(st, file, &src);
}

static int read_path(ingest_t *st, const char *path, int kind, bool zst)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		skip(st, BF_SKIP_UNREADABLE, path, strerror(errno));
		return 0;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a hint only */
	int rc = read_fd(st, path, fd, kind, zst);
	close(fd);
	return rc;
}

/* Kind of a file by its name: *.txt, *.jsonl, and their .zst forms.
 * Returns false for any other name (read as txt when named explicitly). */
static bool name_kind(const char *name, int *kind, bool *zst)
{
	size_t n = strlen(name);
	*zst = ends_with(name, n, ".zst");
	if (*zst)
		n -= 4;
	*kind = KIND_TXT;
	if (ends_with(name, n, ".jsonl"))
		*kind = KIND_JSONL;
	return *kind == KIND_JSONL || ends_with(name, n, ".txt");
}

static int walk_dir(ingest_t *st, size_t dir_len, int depth);

/* One directory entry; st->path holds the directory (dir_len bytes).
 * Symbolic links are followed to files only: a link to a directory could
 * make a loop, so it is counted as ignored, as find(1) does by default. */
static int walk_entry(ingest_t *st, size_t dir_len, const char *name,
                      unsigned type, int depth)
{
	st->path.len = dir_len;
	if ((dir_len && st->path.p[dir_len - 1] != '/' &&
	     !buf_append(&st->path, "/", 1)) ||
	    !buf_append(&st->path, name, strlen(name)))
		return -1;
	struct stat sb;
	if (type == DT_UNKNOWN) /* file systems without d_type */
		type = lstat(st->path.p, &sb) == 0 ? IFTODT(sb.st_mode) : DT_REG;
	int kind;
	bool zst, known = name_kind(name, &kind, &zst);
	if (type == DT_DIR) {
		if (depth < MAX_DIR_DEPTH)
			return walk_dir(st, st->path.len, depth + 1);
		skip(st, BF_SKIP_UNREADABLE, st->path.p, "directories nested too deep");
		return 0;
	}
	/* a dangling link with a known name is reported by open() */
	if (known && (type == DT_REG || (type == DT_LNK &&
	              (stat(st->path.p, &sb) != 0 || S_ISREG(sb.st_mode)))))
		return read_path(st, st->path.p, kind, zst);
	st->counts->n_files_ignored++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory into an arena, each name preceded by its d_type byte;
 * returns the names sorted in byte order (one malloc), NULL on failure. */
static char **list_dir(ingest_t *st, DIR *d, buf_t *arena, size_t *n_out)
{
	size_t n = 0;
	struct dirent *de;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (de->d_name[0] == '.') /* hidden, and "." and ".." */
			continue;
		unsigned char t = de->d_type;
		if (!buf_append(arena, &t, 1) ||
		    !buf_append(arena, de->d_name, strlen(de->d_name) + 1))
			return NULL;
		n++;
	}
	if (errno)
		skip(st, BF_SKIP_UNREADABLE, st->path.p, strerror(errno));
	char **v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0, off = 0; i < n; i++) {
		v[i] = arena->p + off + 1;
		off += 1 + strlen(v[i]) + 1;
	}
	qsort(v, n, sizeof *v, cmp_name);
	*n_out = n;
	return v;
}

static int walk_dir(ingest_t *st, size_t dir_len, int depth)
{
	DIR *d = opendir(st->path.p);
	if (!d) {
		skip(st, BF_SKIP_UNREADABLE, st->path.p, strerror(errno));
		return 0;
	}
	buf_t arena = { 0 };
	size_t n = 0;
	char **v = list_dir(st, d, &arena, &n);
	closedir(d);
	int rc = v ? 0 : -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = walk_entry(st, dir_len, v[i], (unsigned char)v[i][-1], depth);
	free(v);
	free(arena.p);
	return rc;
}

static int read_input(ingest_t *st, const char *in)
{
	if (strcmp(in, "-") == 0)
		return read_fd(st, "-", STDIN_FILENO, KIND_JSONL, false);
	struct stat sb;
	if (stat(in, &sb) != 0) {
		skip(st, BF_SKIP_UNREADABLE, in, strerror(errno));
		return 0;
	}
	if (S_ISDIR(sb.st_mode)) {
		st->path.len = 0;
		if (!buf_append(&st->path, in, strlen(in)))
			return -1;
		return walk_dir(st, st->path.len, 0);
	}
	int kind;
	bool zst;
	name_kind(in, &kind, &zst); /* other names: txt */
	return read_path(st, in, kind, zst);
}

/* ---- entry points ----------------------------------------------------- */

static bool ingest_init(ingest_t *st)
{
	st->raw = malloc(CHUNK_LEN);
	st->chunk = malloc(CHUNK_LEN);
	st->dctx = ZSTD_createDCtx();
	jbatch_t *jb = &st->jb;
	jb->off = malloc(PARSE_BATCH_LINES * sizeof *jb->off);
	jb->len = malloc(PARSE_BATCH_LINES * sizeof *jb->len);
	jb->line = malloc(PARSE_BATCH_LINES * sizeof *jb->line);
	jb->status = malloc(PARSE_BATCH_LINES);
	jb->repaired = malloc(PARSE_BATCH_LINES);
	jb->rec = malloc(PARSE_BATCH_LINES * sizeof *jb->rec);
	jb->err = malloc(PARSE_BATCH_LINES * sizeof *jb->err);
	if (!st->raw || !st->chunk || !st->dctx || !jb->off || !jb->len ||
	    !jb->line || !jb->status || !jb->repaired || !jb->rec || !jb->err ||
	    !buf_reserve(&st->id, 32) || !buf_reserve(&st->where, 256))
		return false;
	/* Failure only on 32-bit builds, which keep the default limit. */
	(void)ZSTD_DCtx_setParameter(st->dctx, ZSTD_d_windowLogMax,
	                             ZSTD_WINDOW_LOG_MAX);
	return true;
}

static void ingest_free(ingest_t *st)
{
	free(st->raw);
	free(st->chunk);
	ZSTD_freeDCtx(st->dctx);
	free(st->acc.p);
	free(st->doc.p);
	free(st->fix.p);
	free(st->where.p);
	free(st->id.p);
	free(st->path.p);
	free(st->jb.bytes.p);
	free(st->jb.off);
	free(st->jb.len);
	free(st->jb.line);
	free(st->jb.status);
	free(st->jb.repaired);
	free(st->jb.rec);
	free(st->jb.err);
}

int bf_ingest_run(const char *const *inputs, size_t n_inputs,
                  const bf_ingest_cb_t *cb, bf_ingest_counts_t *counts)
{
	static const bf_ingest_cb_t no_cb;
	bf_ingest_counts_t scratch = { 0 };
	ingest_t st = { .cb = cb ? cb : &no_cb, .counts = counts ? counts : &scratch };
	int rc = -1;
	if (ingest_init(&st)) {
		rc = 0;
		for (size_t i = 0; i < n_inputs && rc == 0; i++)
			rc = read_input(&st, inputs[i]);
	}
	ingest_free(&st);
	return rc;
}

const char *bf_skip_reason_name(bf_skip_reason_t r)
{
	switch (r) {
	case BF_SKIP_JSON: return "malformed_json";
	case BF_SKIP_NO_TEXT: return "no_text";
	case BF_SKIP_UTF8: return "bad_utf8";
	case BF_SKIP_ZSTD: return "bad_zstd";
	case BF_SKIP_EMPTY: return "empty";
	case BF_SKIP_BINARY: return "binary";
	case BF_SKIP_TOO_LONG: return "too_long";
	case BF_SKIP_UNREADABLE: return "unreadable";
	case BF_SKIP_NO_SENTENCES: return "no_sentences";
	case BF_SKIP__COUNT: break;
	}
	return "unknown";
}
