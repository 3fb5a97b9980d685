/* test_ingest.c - bf_ingest_run on generated inputs: txt, jsonl, zstd
 * (single, multi-frame, truncated, corrupt), bad records, directories,
 * standard input.  Every input is written into a fresh temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "bf_ingest.h"
#include "testutil.h"

/* ---- a sink that keeps copies of what ingest reported ------------------ */

typedef struct {
	char *id, *title, *source, *url, *date, *text, *file;
	size_t text_len;
	uint64_t line;
} rec_t;

typedef struct {
	bf_skip_reason_t why;
	char *where, *detail;
} skp_t;

typedef struct {
	rec_t *r;
	size_t n_r;
	skp_t *s;
	size_t n_s;
	size_t stop_after; /* on_record returns STOP_RC at this record (1-based) */
	bf_ingest_counts_t c;
} sink_t;

#define STOP_RC 7

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int on_rec(void *ud, const bf_record_t *r)
{
	sink_t *k = ud;
	k->r = realloc(k->r, (k->n_r + 1) * sizeof *k->r);
	assert_non_null(k->r);
	/* the text must be NUL-terminated at text_len, without NUL inside */
	assert_int_equal(strlen(r->text), r->text_len);
	rec_t *d = &k->r[k->n_r++];
	*d = (rec_t){ dup_or_null(r->id), dup_or_null(r->title),
	              dup_or_null(r->source), dup_or_null(r->url),
	              dup_or_null(r->date), strdup(r->text), strdup(r->file),
	              r->text_len, r->line };
	return k->stop_after && k->n_r == k->stop_after ? STOP_RC : 0;
}

static void on_skip(void *ud, bf_skip_reason_t why, const char *where,
                    const char *detail)
{
	sink_t *k = ud;
	k->s = realloc(k->s, (k->n_s + 1) * sizeof *k->s);
	assert_non_null(k->s);
	assert_non_null(where);
	assert_non_null(detail);
	k->s[k->n_s++] = (skp_t){ why, strdup(where), strdup(detail) };
}

static void sink_free(sink_t *k)
{
	for (size_t i = 0; i < k->n_r; i++) {
		rec_t *r = &k->r[i];
		free(r->id); free(r->title); free(r->source); free(r->url);
		free(r->date); free(r->text); free(r->file);
	}
	for (size_t i = 0; i < k->n_s; i++) {
		free(k->s[i].where);
		free(k->s[i].detail);
	}
	free(k->r);
	free(k->s);
	memset(k, 0, sizeof *k);
}

/* Runs ingest on the inputs into a fresh sink; returns bf_ingest_run's value. */
static int run(sink_t *k, const char *const *inputs, size_t n)
{
	size_t stop = k->stop_after;
	sink_free(k);
	k->stop_after = stop;
	bf_ingest_cb_t cb = { on_rec, on_skip, k, 2 }; /* parallel parsing, in-order delivery */
	int rc = bf_ingest_run(inputs, n, &cb, &k->c);
	/* every skip reported is counted, and the other way round */
	uint64_t total = 0;
	for (int i = 0; i < BF_SKIP__COUNT; i++)
		total += k->c.n_skipped[i];
	assert_int_equal(total, k->n_s);
	assert_int_equal(k->c.n_records, k->n_r);
	return rc;
}

static int run1(sink_t *k, const char *input)
{
	return run(k, &input, 1);
}

/* Asserts the skip counters equal want (all reasons). */
static void assert_skips(const sink_t *k, const uint64_t want[BF_SKIP__COUNT])
{
	for (int i = 0; i < BF_SKIP__COUNT; i++) {
		if (k->c.n_skipped[i] != want[i])
			fail_msg("skips of %s: %llu, want %llu",
			         bf_skip_reason_name((bf_skip_reason_t)i),
			         (unsigned long long)k->c.n_skipped[i],
			         (unsigned long long)want[i]);
	}
}

static void assert_no_skips(const sink_t *k)
{
	static const uint64_t none[BF_SKIP__COUNT];
	assert_skips(k, none);
}

static void assert_skip(const sink_t *k, size_t i, bf_skip_reason_t why,
                        const char *where)
{
	assert_true(i < k->n_s);
	assert_int_equal(k->s[i].why, why);
	assert_string_equal(k->s[i].where, where);
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* ---- input helpers ------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Removes a temporary directory and frees its name. */
static void rm_tmpdir(char *dir)
{
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

static char g_path[8][4096]; /* rotating, so a few can be live at once */
static int g_path_i;

/* dir/name in a static buffer (one of 8 in rotation). */
static const char *P(const char *dir, const char *name)
{
	char tmp[sizeof g_path[0]]; /* dir may be an older slot */
	snprintf(tmp, sizeof tmp, "%s/%s", dir, name);
	char *p = g_path[g_path_i++ & 7];
	memcpy(p, tmp, sizeof tmp);
	return p;
}

static const char *wstr(const char *dir, const char *name, const char *s)
{
	const char *p = P(dir, name);
	bf_test_write_file(p, s, strlen(s));
	return p;
}

/* One zstd frame of src (malloc'd); with a content checksum when asked,
 * so corruption is always detected. */
static unsigned char *zframe(const void *src, size_t n, int checksum,
                             size_t *out_len)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	assert_non_null(cc);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
	size_t cap = ZSTD_compressBound(n);
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	size_t r = ZSTD_compress2(cc, out, cap, src, n);
	assert_false(ZSTD_isError(r));
	ZSTD_freeCCtx(cc);
	*out_len = r;
	return out;
}

/* Writes a file made of the zstd frames of src cut at the given points. */
static void write_frames(const char *path, const char *src, size_t n,
                         const size_t *cuts, size_t n_cuts)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	size_t from = 0;
	for (size_t i = 0; i <= n_cuts; i++) {
		size_t to = i < n_cuts ? cuts[i] : n, zn;
		unsigned char *z = zframe(src + from, to - from, 0, &zn);
		assert_int_equal(fwrite(z, 1, zn, f), zn);
		free(z);
		from = to;
	}
	assert_int_equal(fclose(f), 0);
}

typedef struct {
	char *p;
	size_t len, cap;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
}

static const char *const WORDS[] = {
	"the", "minister", "said", "on", "Tuesday", "that", "exports", "rose",
	"sharply", "in", "March", "while", "analysts", "expected", "a", "decline",
	"caf\xC3\xA9", "\xE2\x82\xAC" "5bn", "\\\"quoted\\\"", "line\\nbreak",
};

/* A JSONL dump of n generated articles (deterministic); line i+1 holds
 * article i, with id "gen-i" and text built from WORDS. */
static sbuf_t gen_jsonl(size_t n, bf_test_rng_t *rng)
{
	sbuf_t b = { 0 };
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, "{\"id\":\"gen-%zu\",\"title\":\"Story %zu\",\"text\":\"", i, i);
		size_t words = 5 + bf_test_rand(rng) % 120;
		for (size_t w = 0; w < words; w++)
			sb_add(&b, "%s%s", w ? " " : "",
			       WORDS[bf_test_rand(rng) % (sizeof WORDS / sizeof *WORDS)]);
		sb_add(&b, ".\"}\n");
	}
	return b;
}

static void assert_same_records(const sink_t *a, const sink_t *b)
{
	assert_int_equal(a->n_r, b->n_r);
	for (size_t i = 0; i < a->n_r; i++) {
		assert_string_equal(a->r[i].id, b->r[i].id);
		assert_str_or_null(a->r[i].title, b->r[i].title);
		assert_int_equal(a->r[i].text_len, b->r[i].text_len);
		assert_memory_equal(a->r[i].text, b->r[i].text, a->r[i].text_len);
		assert_int_equal(a->r[i].line, b->r[i].line);
	}
}

/* ---- txt -------------------------------------------------------------------- */

static void test_txt_title(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *s = "Markets rally as inflation cools\n\nStocks rose on Tuesday.\n"
	                "Bond yields fell.\n";
	const char *p = wstr(dir, "a.txt", s);
	assert_int_equal(run1(&k, p), 0);
	assert_no_skips(&k);
	assert_int_equal(k.c.n_files, 1);
	assert_int_equal(k.c.n_records, 1);
	assert_int_equal(k.c.bytes_in, strlen(s));
	assert_int_equal(k.c.n_utf8_repaired, 0);
	assert_string_equal(k.r[0].id, p);
	assert_string_equal(k.r[0].file, p);
	assert_int_equal(k.r[0].line, 0);
	assert_string_equal(k.r[0].title, "Markets rally as inflation cools");
	assert_string_equal(k.r[0].text, "Stocks rose on Tuesday.\nBond yields fell.");
	assert_null(k.r[0].source);
	assert_null(k.r[0].url);
	assert_null(k.r[0].date);

	/* BOM, CRLF, leading blank lines, a blank line holding spaces, a title
	 * ending in a closing quote, and a title ending in '?' */
	p = wstr(dir, "b.txt", "\xEF\xBB\xBF\r\n \r\nBlair 'to call election'  \r\n  \r\n"
	                       "Line one.\r\nLine two.\r\n\r\n");
	assert_int_equal(run1(&k, p), 0);
	assert_no_skips(&k);
	assert_string_equal(k.r[0].title, "Blair 'to call election'");
	assert_string_equal(k.r[0].text, "Line one.\nLine two.");
	p = wstr(dir, "c.txt", "Will rates rise again?\n\n\n\nCentral bankers meet today.");
	assert_int_equal(run1(&k, p), 0);
	assert_string_equal(k.r[0].title, "Will rates rise again?");
	assert_string_equal(k.r[0].text, "Central bankers meet today.");
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_txt_no_title(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	char long_line[260];
	memset(long_line, 'x', 201); /* one byte past TITLE_MAX_LEN */
	long_line[201] = '\0';
	char s[600];
	snprintf(s, sizeof s, "%s\n\nBody follows here.\n", long_line);
	const char *cases[][2] = {
		/* too long */
		{ s, NULL },
		/* a short lead paragraph ending in '.' is text, not a title */
		{ "The bank raised rates on Monday.\n\nIt was the third rise.\n",
		  "The bank raised rates on Monday.\n\nIt was the third rise." },
		/* 31 words */
		{ "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e\n\nBody.",
		  "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e\n\nBody." },
		/* nothing after the blank line: the line is the text */
		{ "Just a headline\n\n\n", "Just a headline" },
		/* a single line */
		{ "  Only one line here  ", "Only one line here" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *p = wstr(dir, "n.txt", cases[i][0]);
		assert_int_equal(run1(&k, p), 0);
		assert_no_skips(&k);
		assert_int_equal(k.n_r, 1);
		assert_null(k.r[0].title);
		if (cases[i][1])
			assert_string_equal(k.r[0].text, cases[i][1]);
		else
			assert_int_equal(k.r[0].text_len, strlen(s) - 1);
	}
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_txt_title_needs_blank_line(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *p = wstr(dir, "a.txt", "Zelenskiy and Trump advance dialogue\n"
	                                   "Kyiv - Talks went on.\n\nMore.\n");
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 1);
	assert_null(k.r[0].title);
	assert_string_equal(k.r[0].text, "Zelenskiy and Trump advance dialogue\n"
	                                 "Kyiv - Talks went on.\n\nMore.");
	sink_free(&k);
	rm_tmpdir(dir);
}

/* A file named with another extension is read as txt. */
static void test_txt_other_extension(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *p = wstr(dir, "story.md", "{\"text\":\"not parsed as JSON\"}\n");
	assert_int_equal(run1(&k, p), 0);
	assert_no_skips(&k);
	assert_int_equal(k.n_r, 1);
	assert_string_equal(k.r[0].text, "{\"text\":\"not parsed as JSON\"}");
	sink_free(&k);
	rm_tmpdir(dir);
}

/* ---- jsonl ------------------------------------------------------------------ */

static void test_jsonl_records_and_skips(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *s =
		"{\"id\":\"a1\",\"title\":\"T\",\"source\":\"S\",\"url\":\"U\",\"date\":\"D\",\"text\":\"Hello world.\"}\n" /* 1 */
		"{\"text\":\"No id here.\"}\n"                           /* 2 */
		"{\"id\":12345,\"text\":\"Int id.\"}\n"                  /* 3 */
		"{\"id\":-7,\"text\":\"Negative id.\"}\n"                /* 4 */
		"{\"id\":1.5,\"title\":7,\"source\":null,\"text\":\"Odd types.\"}\n" /* 5 */
		"   \t \n"                                               /* 6 blank */
		"{\"id\":\"x\",\"title\":\"t\"}\n"                       /* 7 no text */
		"{\"text\":42}\n"                                        /* 8 not string */
		"{\"text\":\" \\n\\t \"}\n"                              /* 9 blank text */
		"{\"text\": \"broken\n"                                  /* 10 malformed */
		"[1,2]\n"                                                /* 11 array */
		"\"just a string\"\n"                                    /* 12 scalar */
		"\n"                                                     /* 13 empty */
		"{\"text\":\"a\\u0000b\"}\n"                             /* 14 NUL escape */
		"{\"id\":\"\",\"title\":\"\",\"text\":\"Empty id.\"}\r\n" /* 15 CRLF */
		"{\"text\":\"Last line, no newline.\"}";                 /* 16 */
	const char *p = wstr(dir, "a.jsonl", s);
	char where[4200];
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.c.n_files, 1);
	assert_int_equal(k.c.bytes_in, strlen(s));
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){
		[BF_SKIP_NO_TEXT] = 3, [BF_SKIP_JSON] = 4 });
	static const unsigned no_text[] = { 7, 8, 9 };
	for (size_t i = 0; i < 3; i++) {
		snprintf(where, sizeof where, "%s:%u", p, no_text[i]);
		assert_skip(&k, i, BF_SKIP_NO_TEXT, where);
	}
	static const unsigned bad[] = { 10, 11, 12, 14 };
	for (size_t i = 0; i < 4; i++) {
		snprintf(where, sizeof where, "%s:%u", p, bad[i]);
		assert_skip(&k, 3 + i, BF_SKIP_JSON, where);
		assert_true(strlen(k.s[3 + i].detail) > 0);
	}
	assert_string_equal(k.s[4].detail, "not a JSON object");

	assert_int_equal(k.n_r, 7);
	assert_string_equal(k.r[0].id, "a1");
	assert_string_equal(k.r[0].title, "T");
	assert_string_equal(k.r[0].source, "S");
	assert_string_equal(k.r[0].url, "U");
	assert_string_equal(k.r[0].date, "D");
	assert_string_equal(k.r[0].text, "Hello world.");
	assert_string_equal(k.r[0].file, p);
	assert_int_equal(k.r[0].line, 1);
	snprintf(where, sizeof where, "%s:2", p);
	assert_string_equal(k.r[1].id, where);
	assert_null(k.r[1].title);
	assert_int_equal(k.r[1].line, 2);
	assert_string_equal(k.r[2].id, "12345");
	assert_string_equal(k.r[3].id, "-7");
	snprintf(where, sizeof where, "%s:5", p);
	assert_string_equal(k.r[4].id, where);
	assert_null(k.r[4].title);
	assert_null(k.r[4].source);
	snprintf(where, sizeof where, "%s:15", p);
	assert_string_equal(k.r[5].id, where);
	assert_string_equal(k.r[5].text, "Empty id.");
	assert_null(k.r[5].title); /* "" is absent */
	snprintf(where, sizeof where, "%s:16", p);
	assert_string_equal(k.r[6].id, where);
	assert_string_equal(k.r[6].text, "Last line, no newline.");
	assert_int_equal(k.r[6].line, 16);
	sink_free(&k);
	rm_tmpdir(dir);
}

/* A BOM before the first line is not a JSON error. */
static void test_jsonl_bom(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *p = wstr(dir, "a.jsonl", "\xEF\xBB\xBF{\"text\":\"x y\"}\n");
	assert_int_equal(run1(&k, p), 0);
	assert_no_skips(&k);
	assert_int_equal(k.n_r, 1);
	assert_string_equal(k.r[0].text, "x y");
	sink_free(&k);
	rm_tmpdir(dir);
}

/* ---- UTF-8 repair ----------------------------------------------------------- */

static void test_utf8_repair_jsonl(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	/* Want: one U+FFFD per maximal subpart (Unicode ch. 3), the same as
	 * Python's bytes.decode("utf-8", "replace"). */
	static const char *const cases[][2] = {
		{ "caf\xE9 au lait", "caf\xEF\xBF\xBD au lait" },      /* Latin-1 */
		{ "euro \xE2\x82 sign", "euro \xEF\xBF\xBD sign" },    /* cut seq */
		{ "\xFF\xFE two", "\xEF\xBF\xBD\xEF\xBF\xBD two" },    /* 2 bytes */
		{ "sur \xED\xA0\x80 end",                              /* surrogate */
		  "sur \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end" },
		{ "over \xC0\xAF x", "over \xEF\xBF\xBD\xEF\xBF\xBD x" }, /* overlong */
		{ "big \xF4\x90\x80\x80 x",                            /* > U+10FFFF */
		  "big \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD x" },
		{ "cut4 \xF0\x9F\x98 x", "cut4 \xEF\xBF\xBD x" },
		{ "ok \xE2\x82\xAC \xF0\x9F\x98\x80", "ok \xE2\x82\xAC \xF0\x9F\x98\x80" },
	};
	sbuf_t b = { 0 };
	size_t n = sizeof cases / sizeof *cases;
	for (size_t i = 0; i < n; i++)
		sb_add(&b, "{\"id\":\"u%zu\",\"text\":\"%s\"}\n", i, cases[i][0]);
	/* repaired, then malformed: not counted as repaired */
	sb_add(&b, "{\"text\":\"\xE9\" oops}\n");
	/* more than a quarter of the bytes invalid: beyond repair */
	sb_add(&b, "{\"text\":\"\xE9\xE8\xE0\xF9\xE9\xE8\xE0\xF9\xE9\xE8\xE0\xF9\xE9\xE8\"}\n");
	const char *p = P(dir, "u.jsonl");
	bf_test_write_file(p, b.p, b.len);
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(k.r[i].text, cases[i][1]);
	assert_int_equal(k.c.n_utf8_repaired, n - 1); /* the last case is valid */
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){
		[BF_SKIP_JSON] = 1, [BF_SKIP_UTF8] = 1 });
	char where[4200];
	snprintf(where, sizeof where, "%s:%zu", p, n + 1);
	assert_skip(&k, 0, BF_SKIP_JSON, where);
	snprintf(where, sizeof where, "%s:%zu", p, n + 2);
	assert_skip(&k, 1, BF_SKIP_UTF8, where);
	free(b.p);
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_utf8_repair_txt(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *p = wstr(dir, "a.txt", "Caf\xE9 prices\n\nA caf\xE9 in Paris raised prices.\n");
	assert_int_equal(run1(&k, p), 0);
	assert_no_skips(&k);
	assert_int_equal(k.c.n_utf8_repaired, 1);
	assert_string_equal(k.r[0].title, "Caf\xEF\xBF\xBD prices");
	assert_string_equal(k.r[0].text, "A caf\xEF\xBF\xBD in Paris raised prices.");
	p = wstr(dir, "b.txt", "\xC8\xE7\xE2\xE5\xF1\xF2\xE8\xFF \xED\xEE\xE2\xEE\xF1\xF2\xE8\n");
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_UTF8] = 1 });
	assert_skip(&k, 0, BF_SKIP_UTF8, p);
	sink_free(&k);
	rm_tmpdir(dir);
}

/* ---- zstd ------------------------------------------------------------------- */

/* Plain, one frame, several frames cut mid-line, and zstd data under a
 * plain name (found by its magic number) give the same records.  The dump
 * is > 2 MiB, so lines cross the reader's 1 MiB chunks, and one 3 MiB line
 * spans several chunks. */
static void test_zstd_same_as_plain(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	bf_test_rng_t rng = { 42 };
	sbuf_t b = gen_jsonl(6000, &rng);
	size_t big_at = b.len;
	sb_add(&b, "{\"id\":\"big\",\"text\":\"");
	while (b.len - big_at < ((size_t)3 << 20))
		sb_add(&b, "long line of text ");
	sb_add(&b, "end\"}\n");
	size_t n_lines = 6001;
	assert_true(b.len > ((size_t)4 << 20));

	const char *plain = P(dir, "plain.jsonl");
	bf_test_write_file(plain, b.p, b.len);
	const char *one = P(dir, "one.jsonl.zst");
	write_frames(one, b.p, b.len, NULL, 0);
	const char *multi = P(dir, "multi.jsonl.zst");
	size_t cuts[] = { 1, 777777, (size_t)1 << 20, b.len - 3 };
	write_frames(multi, b.p, b.len, cuts, 4);
	const char *sniffed = P(dir, "sniffed.jsonl");
	write_frames(sniffed, b.p, b.len, cuts + 1, 1);

	sink_t ref = { 0 }, k = { 0 };
	assert_int_equal(run1(&ref, plain), 0);
	assert_no_skips(&ref);
	assert_int_equal(ref.n_r, n_lines);
	assert_int_equal(ref.c.bytes_in, b.len);
	for (size_t i = 0; i < 6000; i++) {
		char id[32];
		snprintf(id, sizeof id, "gen-%zu", i);
		assert_string_equal(ref.r[i].id, id);
		assert_int_equal(ref.r[i].line, i + 1);
	}
	assert_string_equal(ref.r[6000].id, "big");
	assert_true(ref.r[6000].text_len > ((size_t)3 << 20) - 64);
	assert_string_equal(ref.r[6000].text + ref.r[6000].text_len - 8, "text end");

	const char *zs[] = { one, multi, sniffed };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(run1(&k, zs[i]), 0);
		assert_no_skips(&k);
		assert_int_equal(k.c.bytes_in, b.len);
		assert_same_records(&ref, &k);
	}
	free(b.p);
	sink_free(&ref);
	sink_free(&k);
	rm_tmpdir(dir);
}

/* The last block of a stream ends just past the reader's 1 MiB buffer:
 * zstd keeps the rest inside and must be asked for it although no input
 * is left (else the stream looks truncated, or its end is lost). */
static void test_zstd_tail_after_full_buffer(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	bf_test_rng_t rng = { 3 };
	const size_t total = ((size_t)1 << 20) + 50;
	sbuf_t b = gen_jsonl(4000, &rng);
	assert_true(b.len > total);
	/* cut after the last whole line before total - 200, pad one line */
	b.len = total - 200;
	while (b.p[b.len - 1] != '\n')
		b.len--;
	sb_add(&b, "{\"id\":\"pad\",\"text\":\"");
	while (b.len < total - 3)
		sb_add(&b, "x");
	sb_add(&b, "\"}\n");
	assert_int_equal(b.len, total);
	const char *plain = P(dir, "p.jsonl");
	bf_test_write_file(plain, b.p, b.len);
	sink_t ref = { 0 }, k = { 0 };
	assert_int_equal(run1(&ref, plain), 0);
	assert_string_equal(ref.r[ref.n_r - 1].id, "pad");
	static const size_t cuts[] = { 100, 4000, 65536 + 13 };
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
		const char *z = P(dir, "z.jsonl.zst");
		write_frames(z, b.p, b.len, &cuts[i], 1);
		assert_int_equal(run1(&k, z), 0);
		assert_no_skips(&k);
		assert_int_equal(k.c.bytes_in, total);
		assert_same_records(&ref, &k);
	}
	free(b.p);
	sink_free(&ref);
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_zstd_txt(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	const char *s = "Oil prices slip\n\nBrent crude fell 2% on Friday.\n";
	const char *p = P(dir, "a.txt.zst");
	write_frames(p, s, strlen(s), (const size_t[]){ 20 }, 1);
	sink_t k = { 0 };
	assert_int_equal(run1(&k, p), 0);
	assert_no_skips(&k);
	assert_int_equal(k.c.bytes_in, strlen(s));
	assert_string_equal(k.r[0].title, "Oil prices slip");
	assert_string_equal(k.r[0].text, "Brent crude fell 2% on Friday.");
	sink_free(&k);
	rm_tmpdir(dir);
}

static unsigned char *read_all(const char *path, size_t *n)
{
	char *p = bf_test_read_file(path, n);
	assert_non_null(p);
	return (unsigned char *)p;
}

/* Frame 1 ends inside line 6; frame 2 (rest of line 6, lines 7-8) is cut.
 * Lines 1-5 are delivered, the partial line 6 is not: one zstd skip at the
 * end of the file. */
static void test_zstd_truncated(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sbuf_t b = { 0 };
	for (int i = 1; i <= 8; i++)
		sb_add(&b, "{\"id\":\"r%d\",\"text\":\"Record number %d.\"}\n", i, i);
	const char *line6 = strstr(b.p, "{\"id\":\"r6\"");
	size_t cut = (size_t)(line6 - b.p) + 10;
	const char *full = P(dir, "full.jsonl.zst");
	write_frames(full, b.p, b.len, &cut, 1);
	size_t zn;
	unsigned char *z = read_all(full, &zn);
	size_t f1;
	free(zframe(b.p, cut, 0, &f1)); /* length of frame 1 */
	size_t keep = f1 + (zn - f1) / 2;
	const char *p = P(dir, "cut.jsonl.zst");
	bf_test_write_file(p, z, keep);

	sink_t k = { 0 };
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 5);
	for (int i = 0; i < 5; i++) {
		char id[16];
		snprintf(id, sizeof id, "r%d", i + 1);
		assert_string_equal(k.r[i].id, id);
	}
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_ZSTD] = 1 });
	char where[4200];
	snprintf(where, sizeof where, "%s:byte %zu", p, keep);
	assert_skip(&k, 0, BF_SKIP_ZSTD, where);
	assert_true(k.c.bytes_in >= cut);

	/* cut inside the only frame: nothing delivered, one skip */
	bf_test_write_file(p, z, f1 / 2);
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_ZSTD] = 1 });
	snprintf(where, sizeof where, "%s:byte %zu", p, f1 / 2);
	assert_skip(&k, 0, BF_SKIP_ZSTD, where);
	free(z);
	free(b.p);
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_zstd_corrupt(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	char where[4200];
	sbuf_t b = { 0 };
	for (int i = 1; i <= 6; i++)
		sb_add(&b, "{\"id\":\"r%d\",\"text\":\"Record number %d.\"}\n", i, i);
	size_t cut = (size_t)(strstr(b.p, "{\"id\":\"r4\"") - b.p);

	/* frame 2's header has a reserved bit set: records 1-3, then one
	 * skip placed inside frame 2 */
	const char *p = P(dir, "hdr.jsonl.zst");
	write_frames(p, b.p, b.len, &cut, 1);
	size_t zn, f1;
	unsigned char *z = read_all(p, &zn);
	free(zframe(b.p, cut, 0, &f1));
	z[f1 + 4] |= 0x08; /* Frame_Header_Descriptor bit 3: reserved */
	bf_test_write_file(p, z, zn);
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 3);
	assert_string_equal(k.r[2].id, "r3");
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_ZSTD] = 1 });
	snprintf(where, sizeof where, "%s:byte ", p);
	assert_int_equal(strncmp(k.s[0].where, where, strlen(where)), 0);
	unsigned long off = strtoul(k.s[0].where + strlen(where), NULL, 10);
	assert_true(off >= f1 && off <= zn);

	/* garbage after a good frame: all records, then a skip at its start */
	unsigned char *g = malloc(f1 + 5);
	memcpy(g, z, f1);
	memcpy(g + f1, "hello", 5);
	bf_test_write_file(p, g, f1 + 5);
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 3);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_ZSTD] = 1 });
	snprintf(where, sizeof where, "%s:byte %zu", p, f1);
	assert_skip(&k, 0, BF_SKIP_ZSTD, where);
	free(g);
	free(z);

	/* bytes flipped in the middle of a checksummed frame (400 KB of text,
	 * so the damage lies past the 64 KiB NUL test): exactly one zstd skip
	 * and not all records */
	bf_test_rng_t rng = { 7 };
	sbuf_t big = gen_jsonl(3000, &rng);
	unsigned char *c = zframe(big.p, big.len, 1, &zn);
	for (size_t i = zn / 2; i < zn / 2 + 16; i++)
		c[i] ^= 0x5A;
	bf_test_write_file(p, c, zn);
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.c.n_skipped[BF_SKIP_ZSTD], 1);
	assert_int_equal(k.c.n_skipped[BF_SKIP_BINARY], 0);
	assert_true(k.n_r < 3000);
	assert_int_equal(k.s[k.n_s - 1].why, BF_SKIP_ZSTD);
	free(c);
	free(big.p);
	free(b.p);
	sink_free(&k);
	rm_tmpdir(dir);
}

/* ---- file-level skips ------------------------------------------------------- */

static void test_empty(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *in[] = { wstr(dir, "e.txt", ""), wstr(dir, "w.txt", " \n\r\n\t "),
	                     wstr(dir, "e.jsonl", ""), wstr(dir, "w.jsonl", "\n  \n\n") };
	assert_int_equal(run(&k, in, 4), 0);
	assert_int_equal(k.c.n_files, 4);
	assert_int_equal(k.n_r, 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_EMPTY] = 4 });
	for (size_t i = 0; i < 4; i++)
		assert_skip(&k, i, BF_SKIP_EMPTY, in[i]);
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_binary(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *a = P(dir, "a.txt");
	bf_test_write_file(a, "Title\n\nab\0cd\n", 13);
	/* no record from before the NUL: the test comes first */
	const char *b = P(dir, "b.jsonl");
	bf_test_write_file(b, "{\"text\":\"fine\"}\n\0\0\0\n", 20);
	const char *in[] = { a, b };
	assert_int_equal(run(&k, in, 2), 0);
	assert_int_equal(k.n_r, 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_BINARY] = 2 });
	assert_skip(&k, 0, BF_SKIP_BINARY, a);
	assert_skip(&k, 1, BF_SKIP_BINARY, b);

	/* jsonl: a NUL past the first 64 KiB only spoils its own line */
	sbuf_t s = { 0 };
	size_t n = 0;
	while (s.len < 70000) {
		sb_add(&s, "{\"text\":\"Line %zu of the dump.\"}\n", ++n);
	}
	sb_add(&s, "{\"text\":\"x");
	s.p[s.len++] = '\0';
	sb_add(&s, "y\"}\n{\"text\":\"after\"}\n");
	bf_test_write_file(b, s.p, s.len);
	assert_int_equal(run1(&k, b), 0);
	assert_int_equal(k.n_r, n + 1);
	assert_string_equal(k.r[n].text, "after");
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_JSON] = 1 });
	char where[4200];
	snprintf(where, sizeof where, "%s:%zu", b, n + 1);
	assert_skip(&k, 0, BF_SKIP_JSON, where);

	/* txt: a NUL anywhere, here past 64 KiB, makes the file binary */
	s.len = 0;
	while (s.len < 70000)
		sb_add(&s, "Some words of text. ");
	s.p[s.len++] = '\0';
	sb_add(&s, "tail\n");
	bf_test_write_file(a, s.p, s.len);
	assert_int_equal(run1(&k, a), 0);
	assert_int_equal(k.n_r, 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_BINARY] = 1 });
	free(s.p);
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_unreadable(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *missing = P(dir, "missing.jsonl");
	const char *good = wstr(dir, "good.txt", "Text.");
	const char *in[] = { missing, good };
	assert_int_equal(run(&k, in, 2), 0);
	assert_int_equal(k.c.n_files, 1); /* only the one opened */
	assert_int_equal(k.n_r, 1);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_UNREADABLE] = 1 });
	assert_skip(&k, 0, BF_SKIP_UNREADABLE, missing);
	assert_string_equal(k.s[0].detail, strerror(ENOENT));

	/* in a directory: a dangling link with a known name is unreadable */
	const char *sub = P(dir, "sub");
	assert_int_equal(mkdir(sub, 0755), 0);
	const char *dangling = P(sub, "gone.txt");
	assert_int_equal(symlink("/nonexistent/nowhere.txt", dangling), 0);
	assert_int_equal(run1(&k, sub), 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_UNREADABLE] = 1 });
	assert_skip(&k, 0, BF_SKIP_UNREADABLE, dangling);

	if (geteuid() != 0) { /* root reads anything */
		const char *locked = wstr(dir, "locked.txt", "secret");
		assert_int_equal(chmod(locked, 0), 0);
		assert_int_equal(run1(&k, locked), 0);
		assert_skip(&k, 0, BF_SKIP_UNREADABLE, locked);
		assert_string_equal(k.s[0].detail, strerror(EACCES));
	}
	sink_free(&k);
	rm_tmpdir(dir);
}

/* ---- directories ------------------------------------------------------------ */

static void test_dir_order(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	wstr(dir, "b.txt", "B text.");
	wstr(dir, "a.txt", "a text.");
	wstr(dir, "A.txt", "A text.");
	wstr(dir, ".hidden.txt", "hidden");
	wstr(dir, "notes.md", "ignored");
	const char *c = P(dir, "c");
	assert_int_equal(mkdir(c, 0755), 0);
	wstr(c, "aa.jsonl", "{\"text\":\"c/aa one\"}\n{\"text\":\"c/aa two\"}\n");
	const char *h = P(dir, ".git");
	assert_int_equal(mkdir(h, 0755), 0);
	wstr(h, "x.txt", "hidden dir");
	/* a link to a directory (here a loop) is not followed; a link to a
	 * file is */
	assert_int_equal(symlink(".", P(dir, "loop")), 0);
	assert_int_equal(symlink("a.txt", P(dir, "link.txt")), 0);

	char in_slash[4200];
	snprintf(in_slash, sizeof in_slash, "%s/", dir);
	const char *ins[] = { dir, in_slash };
	for (int t = 0; t < 2; t++) {
		assert_int_equal(run1(&k, ins[t]), 0);
		assert_no_skips(&k);
		assert_int_equal(k.c.n_files, 5);
		assert_int_equal(k.c.n_files_ignored, 2); /* notes.md, loop */
		assert_int_equal(k.n_r, 6);
		static const char *const want[] = { "A.txt", "a.txt", "b.txt",
		                                    "c/aa.jsonl:1", "c/aa.jsonl:2",
		                                    "link.txt" };
		for (size_t i = 0; i < 6; i++) {
			char id[4200];
			snprintf(id, sizeof id, "%s/%s", dir, want[i]);
			assert_string_equal(k.r[i].id, id);
		}
		assert_string_equal(k.r[5].text, "a text.");
	}

	/* directory entries of other names are ignored, named files are not:
	 * zstd forms are taken */
	const char *z = P(c, "z.jsonl.zst");
	write_frames(z, "{\"text\":\"zipped\"}\n", 18, NULL, 0);
	assert_int_equal(run1(&k, c), 0);
	assert_int_equal(k.n_r, 3);
	assert_string_equal(k.r[2].text, "zipped");
	sink_free(&k);
	rm_tmpdir(dir);
}

/* ---- control ------------------------------------------------------------------ */

static void test_stop(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { .stop_after = 2 };
	const char *a = wstr(dir, "a.jsonl", "{\"text\":\"1\"}\n{\"text\":\"2\"}\n{\"text\":\"3\"}\n");
	const char *b = wstr(dir, "b.txt", "other");
	const char *in[] = { a, b };
	assert_int_equal(run(&k, in, 2), STOP_RC);
	assert_int_equal(k.n_r, 2);
	assert_int_equal(k.c.n_files, 1);
	sink_free(&k);
	rm_tmpdir(dir);
}

/* counts are added to, not reset */
static void test_counts_accumulate(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	const char *a = wstr(dir, "a.txt", "one");
	bf_ingest_counts_t c = { 0 };
	bf_ingest_cb_t cb = { NULL, NULL, NULL, 0 };
	const char *in[] = { a, P(dir, "nope.txt") };
	assert_int_equal(bf_ingest_run(in, 2, &cb, &c), 0);
	assert_int_equal(bf_ingest_run(in, 2, &cb, &c), 0);
	assert_int_equal(c.n_records, 2);
	assert_int_equal(c.n_files, 2);
	assert_int_equal(c.n_skipped[BF_SKIP_UNREADABLE], 2);
	assert_int_equal(c.bytes_in, 6);
	rm_tmpdir(dir);
}

/* Standard input through freopen: JSONL, plain and zstd. */
static void test_stdin(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const char *s = "{\"id\":\"s1\",\"text\":\"From a pipe.\"}\n{\"text\":\"No id.\"}\n";
	const char *plain = wstr(dir, "in.jsonl", s);
	const char *z = P(dir, "in.zst");
	write_frames(z, s, strlen(s), NULL, 0);
	const char *files[] = { plain, z };
	for (int i = 0; i < 2; i++) {
		assert_non_null(freopen(files[i], "rb", stdin));
		assert_int_equal(run1(&k, "-"), 0);
		assert_no_skips(&k);
		assert_int_equal(k.c.n_files, 1);
		assert_int_equal(k.c.bytes_in, strlen(s));
		assert_int_equal(k.n_r, 2);
		assert_string_equal(k.r[0].id, "s1");
		assert_string_equal(k.r[0].file, "-");
		assert_string_equal(k.r[1].id, "-:2");
	}
	assert_non_null(freopen("/dev/null", "rb", stdin));
	sink_free(&k);
	rm_tmpdir(dir);
}

/* The cap on one record: a line of exactly BF_INGEST_MAX_RECORD bytes is
 * read, one byte more is skipped (and the next line read); a txt file one
 * byte past the cap is skipped.  Padding with spaces keeps parsing fast. */
static void test_too_long(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	sink_t k = { 0 };
	const size_t cap = BF_INGEST_MAX_RECORD;
	const char *head = "{\"text\":\"fits\"}";
	size_t n = 2 * cap + 64;
	char *s = malloc(n);
	assert_non_null(s);
	memset(s, ' ', n);
	memcpy(s, head, strlen(head));                 /* line 1: cap bytes */
	s[cap] = '\n';
	memcpy(s + cap + 1, head, strlen(head));       /* line 2: cap+1 bytes */
	s[2 * cap + 2] = '\n';
	const char *tail = "{\"text\":\"after\"}\n";
	memcpy(s + 2 * cap + 3, tail, strlen(tail));
	const char *p = P(dir, "long.jsonl");
	bf_test_write_file(p, s, 2 * cap + 3 + strlen(tail));
	assert_int_equal(run1(&k, p), 0);
	assert_int_equal(k.n_r, 2);
	assert_string_equal(k.r[0].text, "fits");
	assert_string_equal(k.r[1].text, "after");
	assert_int_equal(k.r[1].line, 3);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_TOO_LONG] = 1 });
	char where[4200];
	snprintf(where, sizeof where, "%s:2", p);
	assert_skip(&k, 0, BF_SKIP_TOO_LONG, where);

	memset(s, 'x', cap + 1);
	const char *t = P(dir, "long.txt");
	bf_test_write_file(t, s, cap + 1);
	assert_int_equal(run1(&k, t), 0);
	assert_int_equal(k.n_r, 0);
	assert_skips(&k, (const uint64_t[BF_SKIP__COUNT]){ [BF_SKIP_TOO_LONG] = 1 });
	assert_skip(&k, 0, BF_SKIP_TOO_LONG, t);
	free(s);
	sink_free(&k);
	rm_tmpdir(dir);
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(bf_skip_reason_name(BF_SKIP_JSON), "malformed_json");
	assert_string_equal(bf_skip_reason_name(BF_SKIP_NO_TEXT), "no_text");
	for (int i = 0; i < BF_SKIP__COUNT; i++) {
		const char *a = bf_skip_reason_name((bf_skip_reason_t)i);
		assert_non_null(a);
		assert_string_not_equal(a, "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(a, bf_skip_reason_name((bf_skip_reason_t)j));
	}
	assert_string_equal(bf_skip_reason_name(BF_SKIP__COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt_title),
		cmocka_unit_test(test_txt_no_title),
		cmocka_unit_test(test_txt_title_needs_blank_line),
		cmocka_unit_test(test_txt_other_extension),
		cmocka_unit_test(test_jsonl_records_and_skips),
		cmocka_unit_test(test_jsonl_bom),
		cmocka_unit_test(test_utf8_repair_jsonl),
		cmocka_unit_test(test_utf8_repair_txt),
		cmocka_unit_test(test_zstd_same_as_plain),
		cmocka_unit_test(test_zstd_tail_after_full_buffer),
		cmocka_unit_test(test_zstd_txt),
		cmocka_unit_test(test_zstd_truncated),
		cmocka_unit_test(test_zstd_corrupt),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_dir_order),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_counts_accumulate),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_reason_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
