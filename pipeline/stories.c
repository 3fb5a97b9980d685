/* stories.c - article near-copies and story grouping (see bf_stories.h).
 *
 * Both steps link articles with a union-find whose root is the smallest
 * article, fed with verified pairs in a fixed order, so the grouping does
 * not depend on the thread count.  Neither step compares all pairs:
 *  - copies come from an inverted index cluster -> articles;
 *  - stories come from an inverted index over each copy group's heaviest
 *    terms, merged by average linkage (bf_storylink.h).
 * Document frequencies are counted once and serve both vector sets: the
 * stock test's (all sentences, no titles) and the stories' (stock text
 * left out, titles boosted). */
#include "bf_array.h"
#include "bf_scatter.h"
#include "bf_stories.h"
#include "bf_artvec.h"
#include "bf_stock.h"
#include "bf_storylink.h"
#include "bf_uf.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Two articles are copies when shared clusters / min(clusters of each) is
 * at least this ("most of their sentences").  Measured on the 1 GB
 * make_dump dump against its truth (pairs sharing base_id): 0.5 gives pair
 * recall 0.994 / precision 0.978 (updated re-filings of one story count
 * as different bases), 0.7 gives 0.987 / 0.993, 0.8 gives 0.977 / 0.996. */
#define BF_COPY_OVERLAP 0.7
/* ... and they share at least this many clusters (or all of the smaller). */
#define COPY_MIN_SHARED 2u
/* Clusters carried by more articles than this are stock phrases, not
 * evidence of copying; leaving them out bounds the inverted-index work. */
#define COPY_MAX_CLUSTER_ARTICLES 1000u
/* Articles per parallel work unit (fixed, so results concatenate in order). */
#define ART_CHUNK 1024u
/* Terms of the vectors that judge stock text (bf_stock.h); its threshold
 * was set on these. */
#define STOCK_VEC_TERMS 30u

typedef struct {
	uint32_t a, b;
} apair_t;

typedef struct {
	apair_t *p;
	size_t n, cap;
	bool oom;
} pairbuf_t;

static void pair_push(pairbuf_t *pb, uint32_t a, uint32_t b)
{
	if (!bf_array_grow((void **)&pb->p, &pb->cap, pb->n + 1, sizeof *pb->p)) {
		pb->oom = true;
		return;
	}
	pb->p[pb->n++] = (apair_t){ a, b };
}

/* CSR of uint32 lists. */
typedef struct {
	size_t *off;
	uint32_t *v;
} csr32_t;

static void csr_free(csr32_t *m)
{
	free(m->off);
	free(m->v);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Distinct non-stock clusters of article ar, ascending, into dst (room
 * for its sentences).  Returns the count. */
static uint32_t clusters_of(const bf_article_t *ar, const bf_dedup_t *d,
                            const uint8_t *stock, uint32_t *dst)
{
	uint32_t m_ = 0;
	for (uint32_t i = 0; i < ar->n_sent; i++) {
		uint32_t cl = d->cluster_of[ar->first_sent + i];
		if (!stock[cl])
			dst[m_++] = cl;
	}
	qsort(dst, m_, sizeof *dst, cmp_u32);
	uint32_t k = 0;
	for (uint32_t i = 0; i < m_; i++)
		if (k == 0 || dst[k - 1] != dst[i])
			dst[k++] = dst[i];
	return k;
}

/* Distinct non-stock clusters of each article, ascending: each article's
 * list made in parallel where its sentences start (it is never longer),
 * then packed down in article order. */
static bool article_clusters(csr32_t *m, const bf_corpus_t *c, const bf_dedup_t *d,
                             const uint8_t *stock, int nt)
{
	size_t n = c->n_art;
	m->off = malloc((n + 1) * sizeof *m->off);
	m->v = malloc((c->n_sent ? c->n_sent : 1) * sizeof *m->v);
	if (!m->off || !m->v)
		return false;
#pragma omp parallel for schedule(dynamic, 256) num_threads(nt) if (n > ART_CHUNK)
	for (long a = 0; a < (long)n; a++)
		m->off[a + 1] = clusters_of(&c->art[a], d, stock, m->v + c->art[a].first_sent);
	m->off[0] = 0;
	for (size_t a = 0; a < n; a++) {
		uint64_t k = m->off[a + 1];
		/* off[a] <= first_sent: the move is down, or in place */
		memmove(m->v + m->off[a], m->v + c->art[a].first_sent, k * sizeof *m->v);
		m->off[a + 1] = m->off[a] + k;
	}
	return true;
}

/* Whether cluster cl's articles are counted for copies: carried by
 * 2..COPY_MAX_CLUSTER_ARTICLES articles. */
static inline bool copy_cluster(const bf_dedup_t *d, uint32_t cl)
{
	return d->cl_support[cl] >= 2 && d->cl_support[cl] <= COPY_MAX_CLUSTER_ARTICLES;
}

/* cluster_articles's scatter: articles by their copy clusters. */
typedef struct {
	csr32_t *m;
	const csr32_t *ac;
	const bf_dedup_t *d;
} clart_t;

static void clart_count(void *ctx, size_t lo, size_t hi, size_t *row)
{
	const clart_t *x = ctx;
	for (size_t i = x->ac->off[lo]; i < x->ac->off[hi]; i++)
		row[x->ac->v[i]] += copy_cluster(x->d, x->ac->v[i]);
}

static bool clart_room(void *ctx, size_t total)
{
	csr32_t *m = ((clart_t *)ctx)->m;
	m->v = malloc((total ? total : 1) * sizeof *m->v);
	return m->v != NULL;
}

static void clart_place(void *ctx, size_t lo, size_t hi, size_t *row)
{
	const clart_t *x = ctx;
	for (size_t a = lo; a < hi; a++)
		for (size_t i = x->ac->off[a]; i < x->ac->off[a + 1]; i++)
			if (copy_cluster(x->d, x->ac->v[i]))
				x->m->v[row[x->ac->v[i]]++] = (uint32_t)a;
}

/* Articles of each copy cluster, ascending: a stable counting sort over
 * article_clusters on every thread (bf_scatter_run; one thread took
 * 0.04 s of the 1 GB dump). */
static bool cluster_articles(csr32_t *m, const csr32_t *ac, size_t n_art,
                             const bf_dedup_t *d, int nt)
{
	m->off = malloc((d->n_clusters + 1) * sizeof *m->off);
	clart_t x = { m, ac, d };
	bf_scatter_fns_t fns = { clart_count, clart_room, clart_place, NULL, &x };
	return m->off && bf_scatter_run(n_art, d->n_clusters,
	                                bf_scatter_threads(nt, n_art, ART_CHUNK), m->off, &fns);
}

/* Copy pairs (a < b) of article a, counted through the inverted index with
 * a per-thread counter array (cnt, all zero on entry and exit). */
static void copies_of(uint32_t a, const csr32_t *ac, const csr32_t *ca,
                      uint32_t *cnt, uint32_t *touched, pairbuf_t *out)
{
	size_t n_touched = 0;
	for (uint64_t i = ac->off[a]; i < ac->off[a + 1]; i++) {
		uint32_t cl = ac->v[i];
		for (uint64_t j = ca->off[cl]; j < ca->off[cl + 1]; j++) {
			uint32_t b = ca->v[j];
			if (b <= a)
				continue;
			if (cnt[b]++ == 0)
				touched[n_touched++] = b;
		}
	}
	qsort(touched, n_touched, sizeof *touched, cmp_u32);
	uint64_t na = ac->off[a + 1] - ac->off[a];
	for (size_t t = 0; t < n_touched; t++) {
		uint32_t b = touched[t];
		uint64_t nb = ac->off[b + 1] - ac->off[b];
		uint64_t mn = na < nb ? na : nb;
		uint64_t shared = cnt[b];
		cnt[b] = 0;
		if (shared >= (mn < COPY_MIN_SHARED ? mn : COPY_MIN_SHARED) &&
		    (double)shared >= BF_COPY_OVERLAP * (double)mn)
			pair_push(out, a, b);
	}
}

/* Copy groups as stars, not connected components: an article joins the
 * group of its smallest partner that leads a group, or leads one itself.
 * Components chain: 281 short eurobond notices of one template (each a
 * copy of the next) made one group on the 1 GB dump, and pair precision
 * fell to 0.951; a star keeps every member a direct copy of its leader.
 * pb holds pairs (a < b) grouped by a ascending, chunk by chunk. */
static bool copy_groups(bf_stories_t *st, size_t n, const pairbuf_t *pb,
                        size_t n_chunks)
{
	uint64_t *off = calloc(n + 1, sizeof *off);
	if (!off)
		return false;
	for (size_t ch = 0; ch < n_chunks; ch++)
		for (size_t i = 0; i < pb[ch].n; i++)
			off[pb[ch].p[i].b + 1]++;
	for (size_t b = 0; b < n; b++)
		off[b + 1] += off[b];
	uint32_t *partner = malloc((off[n] ? off[n] : 1) * sizeof *partner);
	uint64_t *fill = malloc((n ? n : 1) * sizeof *fill);
	bool ok = partner && fill;
	if (ok) {
		memcpy(fill, off, n * sizeof *fill);
		/* partners of each b arrive in ascending a */
		for (size_t ch = 0; ch < n_chunks; ch++)
			for (size_t i = 0; i < pb[ch].n; i++)
				partner[fill[pb[ch].p[i].b]++] = pb[ch].p[i].a;
		for (size_t b = 0; b < n; b++) {
			st->copy_of[b] = (uint32_t)b;
			for (uint64_t j = off[b]; j < off[b + 1]; j++)
				if (st->copy_of[partner[j]] == partner[j]) {
					st->copy_of[b] = partner[j];
					break;
				}
		}
	}
	free(off);
	free(partner);
	free(fill);
	return ok;
}

/* Finds copy pairs and merges them into uf (stories take whole
 * components); fills st->copy_of with the copy groups. */
static bool find_copies(bf_stories_t *st, const bf_corpus_t *c,
                        const bf_dedup_t *d, int nt, bf_uf_t *uf)
{
	csr32_t ac = { 0 }, ca = { 0 };
	size_t n = c->n_art, n_chunks = (n + ART_CHUNK - 1) / ART_CHUNK;
	pairbuf_t *pb = calloc(n_chunks ? n_chunks : 1, sizeof *pb);
	bool ok = pb && article_clusters(&ac, c, d, st->cl_stock, nt) &&
	          cluster_articles(&ca, &ac, n, d, nt);
#pragma omp parallel num_threads(nt) if (ok && n_chunks > 1)
	{
		uint32_t *cnt = calloc(n ? n : 1, sizeof *cnt);
		uint32_t *touched = malloc((n ? n : 1) * sizeof *touched);
#pragma omp for schedule(dynamic, 1)
		for (long ch = 0; ch < (long)(ok ? n_chunks : 0); ch++) { /* if() does not skip */
			size_t lo = (size_t)ch * ART_CHUNK, hi = lo + ART_CHUNK < n ? lo + ART_CHUNK : n;
			for (size_t a = lo; a < hi && cnt && touched; a++)
				copies_of((uint32_t)a, &ac, &ca, cnt, touched, &pb[ch]);
			if (!cnt || !touched)
				pb[ch].oom = true;
		}
		free(cnt);
		free(touched);
	}
	for (size_t ch = 0; ok && ch < n_chunks; ch++) {
		ok = !pb[ch].oom;
		for (size_t i = 0; ok && i < pb[ch].n; i++)
			bf_uf_union(uf, pb[ch].p[i].a, pb[ch].p[i].b);
		st->n_copy_pairs += pb[ch].n;
	}
	ok = ok && copy_groups(st, n, pb, n_chunks);
	for (size_t ch = 0; pb && ch < n_chunks; ch++)
		free(pb[ch].p);
	free(pb);
	csr_free(&ac);
	csr_free(&ca);
	return ok;
}

typedef struct {
	uint32_t root;      /* union-find root = first article */
	uint32_t n_art;
	uint32_t n_src;
} story_key_t;

static int cmp_story(const void *a, const void *b)
{
	const story_key_t *x = a, *y = b;
	if (x->n_art != y->n_art)
		return x->n_art > y->n_art ? -1 : 1;
	if (x->n_src != y->n_src)
		return x->n_src > y->n_src ? -1 : 1;
	return (x->root > y->root) - (x->root < y->root);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct sources of the articles arts[0..n); an article with no source
 * counts as its own.  names: scratch for n pointers. */
static uint32_t count_sources(const bf_corpus_t *c, const uint32_t *arts,
                              size_t n, const char **names)
{
	size_t k = 0;
	uint32_t anon = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = bf_art_source(c, arts[i]);
		if (s && *s)
			names[k++] = s;
		else
			anon++;
	}
	qsort(names, k, sizeof *names, cmp_str);
	uint32_t d = 0;
	for (size_t i = 0; i < k; i++)
		d += (i == 0 || strcmp(names[i], names[i - 1]) != 0);
	return d + anon;
}

/* Stories from the union-find components, numbered by rank. */
static bool number_stories(bf_stories_t *st, const bf_corpus_t *c, const bf_uf_t *uf, int nt)
{
	size_t n = c->n_art;
	uint32_t *slot = malloc((n ? n : 1) * sizeof *slot); /* root -> story key */
	story_key_t *sk = malloc((n ? n : 1) * sizeof *sk);
	const char **names = malloc((n ? n : 1) * sizeof *names);
	st->st_off = calloc(n + 1, sizeof *st->st_off);
	st->st_art = malloc((n ? n : 1) * sizeof *st->st_art);
	uint32_t *root = malloc((n ? n : 1) * sizeof *root);
	bool ok = slot && sk && names && st->st_off && st->st_art && root;
	/* every article's root, found in parallel (read-only finds): three
	 * passes of finds below were 0.03 s of one thread on the 1 GB dump */
#pragma omp parallel for schedule(static) num_threads(nt) if (ok && n > 4096)
	for (long a = 0; a < (long)(ok ? n : 0); a++)
		root[a] = bf_uf_root(uf, (uint32_t)a);
	size_t ns = 0;
	for (size_t a = 0; ok && a < n; a++) {
		uint32_t r = root[a];
		if (r == a) {
			slot[a] = (uint32_t)ns;
			sk[ns++] = (story_key_t){ (uint32_t)a, 0, 0 };
		}
		sk[slot[r]].n_art++;
	}
	/* group articles by component (components in root order) */
	uint64_t *fill = calloc(ns + 1, sizeof *fill);
	ok = ok && fill;
	for (size_t i = 0; ok && i < ns; i++)
		fill[i + 1] = fill[i] + sk[i].n_art;
	for (size_t a = 0; ok && a < n; a++)
		st->st_art[fill[slot[root[a]]]++] = (uint32_t)a;
	/* each story's scratch is its own stretch of names (the same place as
	 * its articles in st_art), so stories are counted in parallel */
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt) if (ok && ns > 4096)
	for (long i = 0; i < (long)(ok ? ns : 0); i++) {
		uint64_t at = fill[i] - sk[i].n_art;
		sk[i].n_src = count_sources(c, st->st_art + at, sk[i].n_art, names + at);
	}
	if (ok) {
		qsort(sk, ns, sizeof *sk, cmp_story);
		st->n_stories = ns;
		st->st_sources = malloc((ns ? ns : 1) * sizeof *st->st_sources);
		ok = st->st_sources != NULL;
	}
	/* lay the stories out again in rank order */
	for (size_t i = 0; ok && i < ns; i++) {
		slot[sk[i].root] = (uint32_t)i;
		st->st_sources[i] = sk[i].n_src;
		st->st_off[i + 1] = st->st_off[i] + sk[i].n_art;
	}
	memcpy(fill, st->st_off, ok ? (ns + 1) * sizeof *fill : 0);
	for (size_t a = 0; ok && a < n; a++) {
		uint32_t s = slot[root[a]];
		st->story_of[a] = s;
		st->st_art[fill[s]++] = (uint32_t)a;
	}
	free(fill);
	free(slot);
	free(sk);
	free(names);
	free(root);
	return ok;
}

/* Stock clusters, copies and stories into st and uf. */
static bool group_articles(bf_stories_t *st, const bf_corpus_t *c,
                           const bf_features_t *f, const bf_dedup_t *d,
                           const bf_stories_opts_t *o, bf_uf_t *uf)
{
	int nt = o->n_threads > 0 ? o->n_threads : 1;
	bf_artvec_t v = { 0 };
	/* the stock test reads a few articles of each busy cluster: only
	 * theirs are built, from tallies the df pass keeps */
	uint8_t *need = malloc(c->n_art ? c->n_art : 1);
	bool ok = need && bf_stock_sample(c, d, need, nt);
	bf_artvec_df_t *df = ok ? bf_artvec_df_create(c, f, o->seed, need, nt) : NULL;
	bf_artvec_opts_t stock_o = { NULL, STOCK_VEC_TERMS, 0, nt, need };
	ok = df && bf_artvec_build(&v, c, f, d, df, &stock_o) == BF_OK;
	free(need);
	if (df)
		bf_artvec_df_drop_kept(df); /* before the story vectors: lower peak */
	if (ok)
		st->n_stock = bf_stock_find(c, d, &v, st->cl_stock, nt);
	bf_artvec_free(&v);
	ok = ok && find_copies(st, c, d, nt, uf);
	if (ok && o->one_story) {
		for (size_t a = 1; a < c->n_art; a++)
			bf_uf_union(uf, 0, (uint32_t)a);
	} else if (ok) {
		bf_artvec_opts_t story_o = { st->cl_stock, BF_STORY_VEC_TERMS,
		                             BF_STORY_TITLE_BOOST, nt, NULL };
		bf_storylink_counts_t lc = { 0 };
		ok = bf_artvec_build(&v, c, f, d, df, &story_o) == BF_OK;
		bf_artvec_df_free(df); /* before the index: lower peak memory */
		df = NULL;
		ok = ok && bf_storylink(c, &v, st->copy_of, nt, o->merge_window, uf, &lc) == BF_OK;
		st->n_story_links = lc.n_links;
		bf_artvec_free(&v);
	}
	bf_artvec_df_free(df);
	return ok;
}

bf_status_t bf_stories_build(bf_stories_t *st, const bf_corpus_t *c,
                             const bf_features_t *f, const bf_dedup_t *d,
                             const bf_stories_opts_t *o)
{
	memset(st, 0, sizeof *st);
	size_t n = c->n_art;
	st->n_art = n;
	st->story_of = malloc((n ? n : 1) * sizeof *st->story_of);
	st->copy_of = malloc((n ? n : 1) * sizeof *st->copy_of);
	st->cl_stock = malloc(d->n_clusters ? d->n_clusters : 1);
	bf_uf_t uf = { 0 };
	bool ok = st->story_of && st->copy_of && st->cl_stock &&
	          bf_uf_init(&uf, n) == BF_OK && group_articles(st, c, f, d, o, &uf) &&
	          number_stories(st, c, &uf, o->n_threads > 0 ? o->n_threads : 1);
	bf_uf_destroy(&uf);
	if (!ok) {
		bf_stories_free(st);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_stories_free(bf_stories_t *st)
{
	free(st->story_of);
	free(st->st_off);
	free(st->st_art);
	free(st->st_sources);
	free(st->copy_of);
	free(st->cl_stock);
	memset(st, 0, sizeof *st);
}
