/* kbench.c - kernel micro-benchmarks of briefing (make bench).
 *
 *   build/bench/kbench [--rev REV] [--reps N] [--text PATH] [--only NAME]
 *
 * One JSON row per kernel on stdout:
 *   {"bench":name,"n":items,"bytes":input bytes,"threads":1,
 *    "ns_per_item":..,"mb_per_s":..|null,"reps":..,"rev":..}
 *   minhash   ns per shingle: bf_minhash_sign, 128 permutations, sets of
 *             ~20 random 64-bit hashes (a sentence's shingles)
 *   minhash_band  ns per (shingle, band): bf_minhash_sign32_range, 25
 *             bands of 5 of 128 permutations, as pipeline/dedup.c calls
 *             it, on sets of 2..46 (mean 24) random 32-bit hashes;
 *             minhash_band_avx2 / _portable: the same by those kernels
 *   bandsort  ns per key: bf_bandkey_sort of 1M random band keys
 *   hashset32_20, hashset32_40  ns per set: a sentence's stored set (the
 *             ascending set of the upper halves) of 20 or 40 random 64-bit
 *             hashes by bf_hashset32_make; old_ns_per_set: by the two calls
 *             it replaced, bf_hashset_make + bf_hashset_upper32
 *   pagerank  ns per edge and iteration: bf_pagerank on a random sparse graph
 *             of 100k nodes and 1M in-edges (bf_csr_t), tol 1e-6
 *   segment   ns per byte and MB/s: bf_segment_article over ~50 MB of
 *             articles (tests/data/seeds/ *.txt repeated, each file one
 *             article; --text PATH: a file or a directory of *.txt)
 *   normalize ns per byte and MB/s: bf_normalize over every sentence that
 *             bf_segment_article keeps from those same ~50 MB (the
 *             sentences are cut before the clock starts)
 *             The five seeds repeat ~1,300 times, so the branch predictor
 *             learns them and branchy code looks better than it is on news:
 *             --text a directory of dump articles is the closer figure.
 * The harness is apart from the subject (zstd programs/benchfn.h): inputs
 * are built before the clock starts, each kernel runs --reps times (default
 * 5) and the fastest run is kept (zstd CONTRIBUTING.md: repeat, keep the
 * fastest).  The git revision is --rev, else $GIT_REV, else "unknown". */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bf_lsh.h"
#include "bf_minhash.h"
#include "bf_pagerank.h"
#include "bf_normalize.h"
#include "bf_segment.h"
#include "bf_shingle.h"

static const char *g_rev = "unknown";
static unsigned g_reps = 5;
static volatile uint64_t g_sink; /* keeps results observable */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: a fixed generator, so inputs are the same on every run */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "kbench: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

/* rev is a git hash or "unknown"; other bytes are not escaped, so keep to
 * the characters a revision uses */
static void row(const char *name, size_t n, size_t bytes, double best_s,
                int with_mbps, const char *extra)
{
	printf("{\"bench\":\"%s\",\"n\":%zu,\"bytes\":%zu,\"threads\":1,"
	       "\"ns_per_item\":%.4f,",
	       name, n, bytes, n ? best_s * 1e9 / (double)n : 0.0);
	if (with_mbps && best_s > 0)
		printf("\"mb_per_s\":%.1f,", (double)bytes / 1e6 / best_s);
	else
		printf("\"mb_per_s\":null,");
	printf("\"best_s\":%.6f,\"reps\":%u%s%s,\"rev\":\"%s\"}\n", best_s,
	       g_reps, extra ? "," : "", extra ? extra : "", g_rev);
	fflush(stdout);
}

/* ---- minhash ------------------------------------------------------------ */

static int bench_minhash(void)
{
	const size_t n_sets = 200000;
	const uint32_t n_perm = 128;
	uint64_t s = 1;
	size_t *off = xmalloc((n_sets + 1) * sizeof *off);
	off[0] = 0;
	for (size_t i = 0; i < n_sets; i++) /* 10..30 shingles, mean 20 */
		off[i + 1] = off[i] + 10 + (size_t)(rng_next(&s) % 21);
	size_t n_sh = off[n_sets];
	uint64_t *h = xmalloc(n_sh * sizeof *h);
	for (size_t i = 0; i < n_sh; i++)
		h[i] = rng_next(&s);
	bf_minhash_t *mh = bf_minhash_create(n_perm, 42);
	uint32_t *sig = xmalloc(n_perm * sizeof *sig);
	if (!mh) {
		fprintf(stderr, "kbench: bf_minhash_create failed\n");
		exit(1);
	}
	double best = 1e30;
	for (unsigned r = 0; r < g_reps; r++) {
		uint64_t acc = 0;
		double t0 = now_s();
		for (size_t i = 0; i < n_sets; i++) {
			bf_minhash_sign(mh, h + off[i], off[i + 1] - off[i], sig);
			acc += sig[i % n_perm];
		}
		double t = now_s() - t0;
		g_sink += acc;
		if (t < best)
			best = t;
	}
	char extra[128];
	snprintf(extra, sizeof extra,
	         "\"perms\":%" PRIu32 ",\"sets\":%zu,\"ns_per_hash_perm\":%.4f",
	         n_perm, n_sets, best * 1e9 / ((double)n_sh * n_perm));
	row("minhash", n_sh, n_sh * sizeof *h, best, 0, extra);
	bf_minhash_free(mh);
	free(sig);
	free(h);
	free(off);
	return 0;
}

/* ---- minhash_band -------------------------------------------------------
 * What pipeline/dedup.c does: one bf_minhash_sign32_range call per LSH band
 * (25 bands x 5 rows of 128 permutations) per set of 32-bit shingle hashes.
 * Set sizes 2..46, triangular, mean 24: the distinct sentences of the 100 MB
 * dump have mean 24.2, median 23, 10th/90th percentile 10/39 shingles. */

static int bench_minhash_band_with(const char *name, int kernel)
{
	const size_t n_sets = 200000;
	const uint32_t n_perm = 128, bands = 25, rows = 5; /* bf_lsh_choose */
	uint64_t s = 4;
	size_t *off = xmalloc((n_sets + 1) * sizeof *off);
	off[0] = 0;
	for (size_t i = 0; i < n_sets; i++)
		off[i + 1] = off[i] + 2 + (size_t)(rng_next(&s) % 23) +
		             (size_t)(rng_next(&s) % 23);
	size_t n_sh = off[n_sets];
	uint32_t *h = xmalloc(n_sh * sizeof *h);
	for (size_t i = 0; i < n_sh; i++)
		h[i] = (uint32_t)rng_next(&s);
	bf_minhash_t *mh = bf_minhash_create(n_perm, 42);
	if (!mh) {
		fprintf(stderr, "kbench: bf_minhash_create failed\n");
		exit(1);
	}
	uint32_t sig[5];
	double best = 1e30;
	for (unsigned r = 0; r < g_reps; r++) {
		uint64_t acc = 0;
		double t0 = now_s();
		for (uint32_t band = 0; band < bands; band++)
			for (size_t i = 0; i < n_sets; i++) {
				if (kernel < 0)
					bf_minhash_sign32_range(mh, h + off[i], off[i + 1] - off[i],
					                        band * rows, rows, sig);
				else if (!bf_minhash_sign32_range_with((bf_mh_kernel_t)kernel, mh,
				                                       h + off[i], off[i + 1] - off[i],
				                                       band * rows, rows, sig))
					goto out; /* not on this CPU */
				acc += sig[i % rows];
			}
		double t = now_s() - t0;
		g_sink += acc;
		if (t < best)
			best = t;
	}
	char extra[160];
	snprintf(extra, sizeof extra,
	         "\"perms\":%" PRIu32 ",\"rows\":%" PRIu32 ",\"sets\":%zu,"
	         "\"ns_per_call\":%.2f,\"ns_per_hash_perm\":%.4f",
	         n_perm, rows, n_sets, best * 1e9 / ((double)n_sets * bands),
	         best * 1e9 / ((double)n_sh * bands * rows));
	/* item: one shingle hash signed for one band (rows permutations) */
	row(name, n_sh * bands, n_sh * sizeof *h, best, 0, extra);
out:
	bf_minhash_free(mh);
	free(h);
	free(off);
	return 0;
}

/* ---- band keys ------------------------------------------------------------
 * What pipeline/dedup.c does per band: the rows of a block of items (5
 * of 5-row signatures, contiguous) hashed to keys. */

static int bench_bandkeys(void)
{
	const size_t n = (size_t)1 << 20, block = 256;
	const uint32_t rows = 5;
	uint64_t s = 3;
	uint32_t *sig = xmalloc(n * rows * sizeof *sig);
	bf_bandkey_t *keys = xmalloc(n * sizeof *keys);
	for (size_t i = 0; i < n * rows; i++)
		sig[i] = (uint32_t)rng_next(&s);
	double best = 1e30;
	for (unsigned r = 0; r < g_reps; r++) {
		double t0 = now_s();
		for (size_t lo = 0; lo < n; lo += block)
			bf_lsh_band_keys(sig + lo * rows, block, rows, 0, rows, (uint32_t)lo, 7,
			                 keys + lo);
		double t = now_s() - t0;
		g_sink += keys[n / 2].key;
		if (t < best)
			best = t;
	}
	row("bandkeys", n, n * rows * sizeof *sig, best, 0, "\"rows\":5");
	free(sig);
	free(keys);
	return 0;
}

/* ---- band-key sort ------------------------------------------------------ */

static int bench_bandsort(void)
{
	const size_t n = (size_t)1 << 20;
	uint64_t s = 2;
	bf_bandkey_t *src = xmalloc(n * sizeof *src);
	bf_bandkey_t *keys = xmalloc(n * sizeof *keys);
	bf_bandkey_t *tmp = xmalloc(n * sizeof *tmp);
	for (size_t i = 0; i < n; i++) {
		src[i].key = rng_next(&s);
		src[i].id = (uint32_t)i;
		src[i].pad_ = 0;
	}
	double best = 1e30;
	for (unsigned r = 0; r < g_reps; r++) {
		memcpy(keys, src, n * sizeof *keys);
		double t0 = now_s();
		bf_bandkey_sort(keys, n, tmp);
		double t = now_s() - t0;
		for (size_t i = 1; i < n; i++)
			if (keys[i - 1].key > keys[i].key) {
				fprintf(stderr, "kbench: bandsort not sorted\n");
				exit(1);
			}
		g_sink += keys[n / 2].key;
		if (t < best)
			best = t;
	}
	row("bandsort", n, n * sizeof *src, best, 0, NULL);
	free(src);
	free(keys);
	free(tmp);
	return 0;
}

/* ---- hashset32 -----------------------------------------------------------
 * pipeline/features.c turns each new sentence's shingle and term hashes
 * into a stored set.  Both ways overwrite their input, so 200k sets are
 * restored block by block outside the clock (still in cache after the copy,
 * as the hashes are after bf_shingle_hash). */

typedef size_t (*set32_fn)(uint64_t *h, size_t n, uint32_t *out);

static size_t set32_old(uint64_t *h, size_t n, uint32_t *out)
{
	return bf_hashset_upper32(h, bf_hashset_make(h, n), out);
}

/* Fastest of g_reps runs of fn over n_sets sets of k hashes from src, in
 * seconds; *check: a sum over the results, to compare the two ways. */
static double time_set32(set32_fn fn, const uint64_t *src, size_t n_sets,
                         size_t k, uint64_t *check)
{
	enum { BLOCK = 1024 };
	uint64_t *h = xmalloc(BLOCK * k * sizeof *h);
	uint32_t *out = xmalloc(k * sizeof *out);
	double best = 1e30;
	for (unsigned r = 0; r < g_reps; r++) {
		double t = 0;
		uint64_t acc = 0;
		for (size_t b = 0; b < n_sets; b += BLOCK) {
			size_t nb = n_sets - b < BLOCK ? n_sets - b : BLOCK;
			memcpy(h, src + b * k, nb * k * sizeof *h);
			double t0 = now_s();
			for (size_t i = 0; i < nb; i++) {
				size_t m = fn(h + i * k, k, out);
				acc = acc * 31 + m + out[m / 2];
			}
			t += now_s() - t0;
		}
		*check = acc;
		if (t < best)
			best = t;
	}
	free(h);
	free(out);
	return best;
}

static int bench_hashset32(void)
{
	static const size_t sizes[] = {20, 40};
	const size_t n_sets = 200000;
	for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
		size_t k = sizes[z];
		uint64_t s = 5 + k, c_old, c_new;
		uint64_t *src = xmalloc(n_sets * k * sizeof *src);
		for (size_t i = 0; i < n_sets * k; i++)
			src[i] = rng_next(&s);
		double t_old = time_set32(set32_old, src, n_sets, k, &c_old);
		double t_new = time_set32(bf_hashset32_make, src, n_sets, k, &c_new);
		free(src);
		if (c_old != c_new) {
			fprintf(stderr, "kbench: hashset32 differs from the old way\n");
			exit(1);
		}
		g_sink += c_new;
		char name[32], extra[128];
		snprintf(name, sizeof name, "hashset32_%zu", k);
		snprintf(extra, sizeof extra,
		         "\"set_size\":%zu,\"old_ns_per_set\":%.2f,\"speedup\":%.2f",
		         k, t_old * 1e9 / (double)n_sets, t_old / t_new);
		row(name, n_sets, n_sets * k * sizeof *src, t_new, 0, extra);
	}
	return 0;
}

/* ---- pagerank ----------------------------------------------------------- */

static int bench_pagerank(void)
{
	const uint32_t n = 100000;
	const size_t m = 1000000;
	uint64_t s = 3;
	uint32_t *dst = xmalloc(m * sizeof *dst);
	uint32_t *sr = xmalloc(m * sizeof *sr);
	uint32_t *rowp = calloc((size_t)n + 1, sizeof *rowp);
	uint32_t *src = xmalloc(m * sizeof *src);
	double *w = xmalloc(m * sizeof *w);
	double *x = xmalloc(n * sizeof *x);
	double *work = xmalloc(2 * (size_t)n * sizeof *work);
	if (!rowp) {
		fprintf(stderr, "kbench: out of memory\n");
		exit(1);
	}
	for (size_t e = 0; e < m; e++) {
		sr[e] = (uint32_t)(rng_next(&s) % n);
		dst[e] = (uint32_t)(rng_next(&s) % n);
		rowp[dst[e] + 1]++;
	}
	for (uint32_t i = 0; i < n; i++)
		rowp[i + 1] += rowp[i];
	uint32_t *cur = xmalloc((size_t)n * sizeof *cur);
	memcpy(cur, rowp, (size_t)n * sizeof *cur);
	for (size_t e = 0; e < m; e++) { /* counting sort by destination */
		uint32_t k = cur[dst[e]]++;
		src[k] = sr[e];
		w[k] = 0.1 + (double)(rng_next(&s) >> 11) * 0x1p-53;
	}
	free(cur);
	bf_csr_t g = {.n = n, .row = rowp, .src = src, .w = w};
	double best = 1e30;
	uint32_t iters = 0;
	for (unsigned r = 0; r < g_reps; r++) {
		double t0 = now_s();
		uint32_t it = bf_pagerank(&g, NULL, 0.85, 1e-6, 200, x, work);
		double t = now_s() - t0;
		g_sink += (uint64_t)(x[0] * 1e12);
		iters = it;
		if (t < best)
			best = t;
	}
	size_t items = m * (iters ? iters : 1); /* edge visits */
	char extra[160];
	snprintf(extra, sizeof extra,
	         "\"nodes\":%" PRIu32 ",\"edges\":%zu,\"iters\":%" PRIu32
	         ",\"ns_per_edge_solve\":%.4f",
	         n, m, iters, best * 1e9 / (double)m);
	row("pagerank", items, m * (sizeof *src + sizeof *w), best, 0, extra);
	free(dst);
	free(sr);
	free(rowp);
	free(src);
	free(w);
	free(x);
	free(work);
	return 0;
}

/* ---- segment ------------------------------------------------------------ */

typedef struct {
	char *buf;
	size_t len, cap;
	size_t *end; /* article i is buf[end[i-1] .. end[i]) */
	size_t n, ncap;
} texts_t;

/* Appends len bytes at p as one article.  p may not point into t->buf
 * (realloc would move it): use texts_again for that. */
static void texts_add(texts_t *t, const char *p, size_t len)
{
	if (t->len + len > t->cap) {
		while (t->len + len > t->cap)
			t->cap = t->cap ? 2 * t->cap : 1 << 20;
		char *b = realloc(t->buf, t->cap);
		if (!b) {
			fprintf(stderr, "kbench: out of memory\n");
			exit(1);
		}
		t->buf = b;
	}
	if (t->n == t->ncap) {
		t->ncap = t->ncap ? 2 * t->ncap : 1024;
		size_t *e = realloc(t->end, t->ncap * sizeof *e);
		if (!e) {
			fprintf(stderr, "kbench: out of memory\n");
			exit(1);
		}
		t->end = e;
	}
	memcpy(t->buf + t->len, p, len);
	t->len += len;
	t->end[t->n++] = t->len;
}

/* Appends again the article i already in t. */
static void texts_again(texts_t *t, size_t i)
{
	size_t b = i ? t->end[i - 1] : 0, len = t->end[i] - b;
	char *copy = xmalloc(len);
	memcpy(copy, t->buf + b, len);
	texts_add(t, copy, len);
	free(copy);
}

/* Appends the file at path as one article; 0 on success. */
static int texts_add_file(texts_t *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *b = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			char *nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return -1;
			}
			b = nb;
		}
		size_t got = fread(b + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (!bad && len)
		texts_add(t, b, len);
	free(b);
	return bad ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads path (a file, or the *.txt of a directory in name order). */
static int texts_load(texts_t *t, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return texts_add_file(t, path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn)
				break;
			names = nn;
		}
		size_t pl = strlen(path) + l + 2;
		names[n] = xmalloc(pl);
		snprintf(names[n], pl, "%s/%s", path, de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && texts_add_file(t, names[i]) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Loads the articles at path and repeats them to about 50 MB; 0 on
 * success. */
static int texts_load_50mb(texts_t *t, const char *path)
{
	const size_t target = (size_t)50 << 20;
	if (texts_load(t, path) != 0 || t->n == 0) {
		fprintf(stderr, "kbench: cannot read articles from %s: %s\n", path,
		        errno ? strerror(errno) : "no .txt file");
		free(t->buf);
		free(t->end);
		return 1;
	}
	size_t base_n = t->n, base_len = t->len;
	while (t->len + base_len <= target) /* repeat the articles to ~50 MB */
		for (size_t i = 0; i < base_n; i++)
			texts_again(t, i);
	return 0;
}

static int bench_segment(const char *path)
{
	texts_t t = {0};
	if (texts_load_50mb(&t, path) != 0)
		return 1;
	bf_segment_t seg = {0};
	double best = 1e30;
	size_t n_sent = 0;
	for (unsigned r = 0; r < g_reps; r++) {
		size_t ns = 0;
		double t0 = now_s();
		for (size_t i = 0; i < t.n; i++) {
			size_t b = i ? t.end[i - 1] : 0;
			if (bf_segment_article(t.buf + b, t.end[i] - b, &seg) !=
			    BF_OK) {
				fprintf(stderr, "kbench: bf_segment_article failed\n");
				exit(1);
			}
			ns += seg.n;
		}
		double t1 = now_s() - t0;
		n_sent = ns;
		if (t1 < best)
			best = t1;
	}
	g_sink += n_sent;
	char extra[96];
	snprintf(extra, sizeof extra, "\"articles\":%zu,\"sentences\":%zu", t.n,
	         n_sent);
	row("segment", t.len, t.len, best, 1, extra);
	bf_segment_free(&seg);
	free(t.buf);
	free(t.end);
	return 0;
}

/* Kept sentences of every article of t, as absolute spans into t->buf. */
static bf_span_t *texts_sentences(const texts_t *t, size_t *n_out)
{
	bf_segment_t seg = {0};
	bf_span_t *all = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < t->n; i++) {
		size_t b = i ? t->end[i - 1] : 0;
		if (bf_segment_article(t->buf + b, t->end[i] - b, &seg) != BF_OK) {
			fprintf(stderr, "kbench: bf_segment_article failed\n");
			exit(1);
		}
		if (n + seg.n > cap) {
			while (n + seg.n > cap)
				cap = cap ? 2 * cap : 4096;
			bf_span_t *a = realloc(all, cap * sizeof *a);
			if (!a) {
				fprintf(stderr, "kbench: out of memory\n");
				exit(1);
			}
			all = a;
		}
		for (size_t k = 0; k < seg.n; k++)
			all[n++] = (bf_span_t){ (uint32_t)(b + seg.sent[k].off),
			                        seg.sent[k].len };
	}
	bf_segment_free(&seg);
	*n_out = n;
	return all;
}

static int bench_normalize(const char *path)
{
	texts_t t = {0};
	if (texts_load_50mb(&t, path) != 0)
		return 1;
	size_t n_sent, bytes = 0;
	bf_span_t *sp = texts_sentences(&t, &n_sent);
	for (size_t i = 0; i < n_sent; i++)
		bytes += sp[i].len;
	bf_norm_t nm = {0};
	double best = 1e30;
	size_t n_words = 0;
	for (unsigned r = 0; r < g_reps; r++) {
		size_t nw = 0;
		double t0 = now_s();
		for (size_t i = 0; i < n_sent; i++) {
			if (bf_normalize(t.buf + sp[i].off, sp[i].len, &nm) != BF_OK) {
				fprintf(stderr, "kbench: bf_normalize failed\n");
				exit(1);
			}
			nw += nm.n_tok;
		}
		double t1 = now_s() - t0;
		n_words = nw;
		if (t1 < best)
			best = t1;
	}
	g_sink += n_words;
	char extra[96];
	snprintf(extra, sizeof extra, "\"sentences\":%zu,\"words\":%zu", n_sent,
	         n_words);
	row("normalize", bytes, bytes, best, 1, extra);
	bf_norm_free(&nm);
	free(sp);
	free(t.buf);
	free(t.end);
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: kbench [--rev REV] [--reps N] [--text PATH] "
	      "[--only minhash|minhash_band|bandkeys|bandsort|hashset32|pagerank|"
	      "segment|normalize]\n", f);
}

int main(int argc, char **argv)
{
	const char *text = "tests/data/seeds", *only = NULL;
	const char *env = getenv("GIT_REV");
	if (env && *env)
		g_rev = env;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--rev") && v) {
			g_rev = v;
			i++;
		} else if (!strcmp(a, "--text") && v) {
			text = v;
			i++;
		} else if (!strcmp(a, "--only") && v) {
			only = v;
			i++;
		} else if (!strcmp(a, "--reps") && v) {
			long n = strtol(v, NULL, 10);
			if (n < 1 || n > 1000) {
				usage(stderr);
				return 2;
			}
			g_reps = (unsigned)n;
			i++;
		} else {
			usage(stderr);
			return 2;
		}
	}
	for (const char *c = g_rev; *c; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) {
			fputs("kbench: bad --rev\n", stderr);
			return 2;
		}
	int rc = 0;
	if (!only || !strcmp(only, "minhash"))
		rc |= bench_minhash();
	if (!only || !strcmp(only, "minhash_band")) {
		rc |= bench_minhash_band_with("minhash_band", -1);
		rc |= bench_minhash_band_with("minhash_band_avx2", BF_MH_AVX2);
		rc |= bench_minhash_band_with("minhash_band_portable", BF_MH_PORTABLE);
	}
	if (!only || !strcmp(only, "bandkeys"))
		rc |= bench_bandkeys();
	if (!only || !strcmp(only, "bandsort"))
		rc |= bench_bandsort();
	if (!only || !strcmp(only, "hashset32"))
		rc |= bench_hashset32();
	if (!only || !strcmp(only, "pagerank"))
		rc |= bench_pagerank();
	if (!only || !strcmp(only, "segment"))
		rc |= bench_segment(text);
	if (!only || !strcmp(only, "normalize"))
		rc |= bench_normalize(text);
	return rc;
}
