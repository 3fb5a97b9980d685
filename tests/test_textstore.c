/* test_textstore.c - sentence texts spilled to a file, read back exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bf_textstore.h"
#include "testutil.h"

#define N_TEXTS 20000

/* Text i: a sentence-like string whose length and content depend on i, so
 * texts straddle every block boundary position. */
static size_t make_text(size_t i, char *buf)
{
	static const char *const W[] = { "storm", "market", "said", "Kyiv", "rates",
	                                 "caf\xC3\xA9", "on", "Monday" };
	size_t n = 0, words = 1 + i % 37;
	for (size_t w = 0; w < words; w++)
		n += (size_t)sprintf(buf + n, "%s%s%zu", w ? " " : "", W[(i + w) % 8], i * w);
	return n;
}

/* Texts 0, step, 2 step, ... below n read back as make_text made them,
 * text i at offset off[i]. */
static void assert_texts(const bf_textstore_t *ts, const uint64_t *off, size_t n, size_t step)
{
	char want[4096];
	for (size_t i = 0; i < n; i += step) {
		make_text(i, want);
		assert_string_equal(bf_textstore_get(ts, off[i]), want);
	}
}

static void test_roundtrip(void **state)
{
	(void)state;
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	uint64_t *off = malloc(N_TEXTS * sizeof *off);
	char buf[4096], got_text[4096];
	assert_non_null(off);
	for (size_t i = 0; i < N_TEXTS; i++) {
		size_t n = make_text(i, buf);
		assert_int_equal(bf_textstore_append(&ts, buf, n, &off[i]), BF_OK);
		/* readable while open, before any seal */
		assert_string_equal(bf_textstore_get(&ts, off[i]), buf);
		if (i % 7000 == 6999)
			assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	}
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_true(ts.n_blk > 4);                       /* several blocks */
	assert_true(ts.open_len == 0 && ts.spilled_bytes == ts.open_first);
	/* random order, so blocks are evicted and reloaded */
	bf_test_rng_t rng = { 7 };
	for (int k = 0; k < 20000; k++) {
		size_t i = bf_test_rand(&rng) % N_TEXTS;
		make_text(i, got_text);
		assert_string_equal(bf_textstore_get(&ts, off[i]), got_text);
	}
	assert_int_equal(bf_textstore_unpack(&ts), BF_OK);
	assert_int_equal(ts.n_blk, 0);
	assert_texts(&ts, off, N_TEXTS, 1);
	free(off);
	bf_textstore_free(&ts);
}

static void test_empty(void **state)
{
	(void)state;
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 2), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_int_equal(ts.n_blk, 0);
	uint64_t off;
	assert_int_equal(bf_textstore_append(&ts, "", 0, &off), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_string_equal(bf_textstore_get(&ts, off), "");
	bf_textstore_free(&ts);
	bf_textstore_free(&ts); /* freeing twice is safe */
}

/* The spill file is unlinked as soon as it is made: the directory it is
 * made in stays empty while the store holds spilled texts. */
static void test_spill_leaves_nothing(void **state)
{
	(void)state;
	char dir[] = "/tmp/bf-test-spill-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	uint64_t off;
	assert_int_equal(bf_textstore_append(&ts, "Spilled text.", 13, &off), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_true(ts.have_fd);
	assert_string_equal(ts.spill_dir, dir);
	assert_int_equal(ts.spilled_bytes, 14);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	size_t n = 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	assert_int_equal(n, 0);
	assert_string_equal(bf_textstore_get(&ts, off), "Spilled text.");
	bf_textstore_free(&ts);
	assert_int_equal(rmdir(dir), 0);
	unsetenv("TMPDIR");
}

/* No spill file can be made: the seal fails with BF_EIO and says why,
 * and the texts still in the open block stay readable. */
static void test_spill_dir_missing(void **state)
{
	(void)state;
	assert_int_equal(setenv("TMPDIR", "/nonexistent/briefing-test", 1), 0);
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	uint64_t off;
	assert_int_equal(bf_textstore_append(&ts, "Kept text.", 10, &off), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_EIO);
	assert_int_equal(ts.spill_errno, ENOENT);
	assert_false(ts.have_fd);
	assert_string_equal(bf_textstore_get(&ts, off), "Kept text.");
	bf_textstore_free(&ts);
	unsetenv("TMPDIR");
}

/* A gathered seal written by 3 threads at once: 24,000 pieces (ranges of
 * several thousand each), every fourth text dropped, one 3 MiB text;
 * each kept text reads back at its new offset, before and after unpack. */
static void test_seal_pieces_parallel(void **state)
{
	(void)state;
	enum { N = 24000, BIG = 5000 };
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 3), BF_OK);
	uint64_t *at = malloc(N * sizeof *at), *now = malloc(N * sizeof *now);
	bf_text_piece_t *p = malloc(N * sizeof *p);
	size_t big_len = (size_t)3 << 20; /* over the 1 MiB write buffer */
	char *big = malloc(big_len + 1), buf[4096];
	assert_non_null(at);
	assert_non_null(now);
	assert_non_null(p);
	assert_non_null(big);
	memset(big, 'x', big_len);
	big[big_len] = '\0';
	for (size_t i = 0; i < N; i++) {
		size_t n = i == BIG ? big_len : make_text(i, buf);
		assert_int_equal(bf_textstore_append(&ts, i == BIG ? big : buf, n, &at[i]), BF_OK);
	}
	size_t k = 0;
	uint64_t off = ts.open_first;
	for (size_t i = 0; i < N; i++) {
		if (i % 4 == 3)
			continue;
		size_t n = strlen(bf_textstore_get(&ts, at[i])) + 1;
		p[k++] = (bf_text_piece_t){ at[i] - ts.open_first, n };
		now[i] = off;
		off += n;
	}
	assert_int_equal(bf_textstore_seal_pieces(&ts, p, k, 3), BF_OK);
	assert_int_equal(ts.spilled_bytes, off);
	assert_null(bf_textstore_get(&ts, now[0])); /* not synced yet */
	assert_int_equal(errno, EBUSY);
	assert_int_equal(bf_textstore_sync(&ts), BF_OK);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < N; i++) {
			if (i % 4 == 3)
				continue;
			if (i == BIG) {
				assert_string_equal(bf_textstore_get(&ts, now[i]), big);
				continue;
			}
			make_text(i, buf);
			assert_string_equal(bf_textstore_get(&ts, now[i]), buf);
		}
		assert_int_equal(bf_textstore_unpack(&ts), BF_OK);
	}
	free(at);
	free(now);
	free(p);
	free(big);
	bf_textstore_free(&ts);
}

/* Seals in a row without a sync between them, as the corpus makes them
 * (the writes run in the background, each led by the last one's partial
 * block), then a sync, then more: every text reads back.  In dir, when it
 * exists (/dev/shm is tmpfs: before Linux 6.6 it refuses O_DIRECT, and
 * the page-cache path runs). */
static void seal_rounds_in(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	closedir(d);
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
	enum { N = 30000, ROUNDS = 6 };
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	uint64_t *at = malloc(N * sizeof *at);
	bf_text_piece_t *p = malloc(N * sizeof *p);
	char buf[4096];
	assert_non_null(at);
	assert_non_null(p);
	size_t i = 0;
	for (int r = 0; r < ROUNDS; r++) {
		size_t hi = (size_t)N * (r + 1) / ROUNDS, k = 0;
		uint64_t first = ts.open_first;
		for (; i < hi; i++) {
			size_t n = make_text(i, buf);
			uint64_t off;
			assert_int_equal(bf_textstore_append(&ts, buf, n, &off), BF_OK);
			p[k] = (bf_text_piece_t){ off - first, n + 1 };
			at[i] = off; /* all kept, in order: offsets stay */
			k++;
		}
		assert_int_equal(bf_textstore_seal_pieces(&ts, p, k, 2), BF_OK);
		if (r == ROUNDS / 2) { /* a sync in the middle, then more seals */
			assert_int_equal(bf_textstore_sync(&ts), BF_OK);
			assert_texts(&ts, at, i, 97);
		}
	}
	assert_int_equal(bf_textstore_sync(&ts), BF_OK);
	assert_int_equal(ts.spilled_bytes, ts.open_first);
	assert_texts(&ts, at, N, 1);
	free(at);
	free(p);
	bf_textstore_free(&ts);
	unsetenv("TMPDIR");
}

static void test_seal_rounds(void **state)
{
	(void)state;
	seal_rounds_in("/tmp");
	seal_rounds_in("/dev/shm");
}

/* Back-to-back seals with nothing between them (the second stage buffer
 * is filled while the first is still being written), of mixed sizes,
 * some under a block, a sync in the middle: every text reads back. */
static void test_seals_back_to_back(void **state)
{
	(void)state;
	enum { N = 6000 };
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	uint64_t *at = malloc(N * sizeof *at);
	char buf[4096];
	assert_non_null(at);
	size_t i = 0;
	for (int r = 0; i < N; r++) {
		size_t k = 1 + (size_t)r % 97; /* texts in this seal */
		uint64_t first = ts.open_first;
		for (size_t j = 0; j < k && i < N; j++, i++)
			assert_int_equal(bf_textstore_append(&ts, buf, make_text(i, buf), &at[i]), BF_OK);
		bf_text_piece_t all = { 0, ts.open_first + ts.open_len - first };
		assert_int_equal(bf_textstore_seal_pieces(&ts, &all, 1, 1), BF_OK);
		if (r == 100)
			assert_int_equal(bf_textstore_sync(&ts), BF_OK);
	}
	assert_int_equal(bf_textstore_sync(&ts), BF_OK);
	assert_texts(&ts, at, N, 1);
	free(at);
	bf_textstore_free(&ts);
}

/* Texts sealed after an unpack (which takes every text back into memory)
 * go to the file again and read back; the first seal is not a whole
 * block, so its partial block must not lead the later ones. */
static void test_seal_after_unpack(void **state)
{
	(void)state;
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	uint64_t a, b, c;
	assert_int_equal(bf_textstore_append(&ts, "hello", 5, &a), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_int_equal(bf_textstore_unpack(&ts), BF_OK);
	assert_int_equal(bf_textstore_append(&ts, "world", 5, &b), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_int_equal(bf_textstore_append(&ts, "again", 5, &c), BF_OK);
	assert_int_equal(bf_textstore_seal(&ts), BF_OK);
	assert_string_equal(bf_textstore_get(&ts, a), "hello");
	assert_string_equal(bf_textstore_get(&ts, b), "world");
	assert_string_equal(bf_textstore_get(&ts, c), "again");
	bf_textstore_free(&ts);
}

/* The file size limit and SIGXFSZ as they were, whatever the test did. */
static struct rlimit fsize_was;
static void (*xfsz_was)(int);
static int fsize_save(void **state)
{
	(void)state;
	xfsz_was = signal(SIGXFSZ, SIG_IGN);
	return getrlimit(RLIMIT_FSIZE, &fsize_was);
}
static int fsize_restore(void **state)
{
	(void)state;
	signal(SIGXFSZ, xfsz_was);
	return setrlimit(RLIMIT_FSIZE, &fsize_was);
}

/* A write that fails in the background (the file size limit stands in
 * for a full disk) fails the next seal with BF_EIO, and says why: no
 * seal is lost without an error. */
static void test_background_write_fails(void **state)
{
	(void)state;
	struct rlimit lim = fsize_was;
	lim.rlim_cur = 64 << 10;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	bf_textstore_t ts;
	assert_int_equal(bf_textstore_init(&ts, 1), BF_OK);
	char buf[4096];
	bf_status_t st = BF_OK;
	for (size_t i = 0; i < 20000 && st == BF_OK; i++) {
		uint64_t off;
		size_t n = make_text(i, buf);
		assert_int_equal(bf_textstore_append(&ts, buf, n, &off), BF_OK);
		if (i % 1000 == 999) {
			bf_text_piece_t one = { 0, ts.open_len };
			st = bf_textstore_seal_pieces(&ts, &one, 1, 1);
		}
	}
	assert_int_equal(st, BF_EIO); /* a seal said so, before any sync */
	assert_int_equal(ts.spill_errno, EFBIG);
	bf_textstore_free(&ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_spill_leaves_nothing),
		cmocka_unit_test(test_spill_dir_missing),
		cmocka_unit_test(test_seal_pieces_parallel),
		cmocka_unit_test(test_seal_rounds),
		cmocka_unit_test(test_seals_back_to_back),
		cmocka_unit_test(test_seal_after_unpack),
		cmocka_unit_test_setup_teardown(test_background_write_fails, fsize_save,
		                                fsize_restore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
