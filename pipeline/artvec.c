/* artvec.c - top tf-idf term vectors of articles (see bf_artvec.h).
 *
 * Outline: an article's distinct terms are tallied in a per-thread
 * open-addressing table (linear in the article's term count: no sort of
 * the raw terms), weighed, and the heaviest kept.  Document frequencies are
 * counted the same way, each thread into its own map, and the maps summed
 * (a sum does not depend on which thread counted which article). */
#include "bf_array.h"
#include "bf_artvec.h"
#include "bf_terms.h"

#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing map term hash -> document frequency.  Hand-written: a
 * dozen lines, and no Debian C library offers a plain u64 -> u32 table
 * without per-entry allocation. */
typedef struct {
	uint64_t *key; /* 0 = empty; a real key 0 is stored as 1 */
	uint32_t *val;
	size_t cap, n;
} dfmap_t;

struct bf_artvec_df {
	dfmap_t m;
	size_t n_art;  /* N */
	uint64_t seed; /* hash seed of the terms */
	/* title terms of every article, made once for every vector set:
	 * article a's are title_t[title_off[a] .. title_off[a+1]) */
	uint64_t *title_off;
	uint32_t *title_t;
};

/* Articles per parallel work unit of the title terms (fixed, so chunks
 * concatenate in article order). */
#define TITLE_CHUNK 1024u

static size_t df_slot(const dfmap_t *m, uint64_t k)
{
	/* high bits of the product: they depend on every bit of k */
	size_t i = (size_t)(k * 0x9E3779B97F4A7C15ull >> 32) & (m->cap - 1);
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool df_init(dfmap_t *m)
{
	m->cap = 1024;
	m->n = 0;
	m->key = calloc(m->cap, sizeof *m->key);
	m->val = calloc(m->cap, sizeof *m->val);
	return m->key && m->val;
}

static void df_free(dfmap_t *m)
{
	free(m->key);
	free(m->val);
}

static bool df_grow(dfmap_t *m)
{
	dfmap_t g = { calloc(m->cap * 2, sizeof *g.key), calloc(m->cap * 2, sizeof *g.val),
	              m->cap * 2, m->n };
	if (!g.key || !g.val) {
		df_free(&g);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->key[i]) {
			size_t j = df_slot(&g, m->key[i]);
			g.key[j] = m->key[i];
			g.val[j] = m->val[i];
		}
	df_free(m);
	*m = g;
	return true;
}

/* Adds cnt to the count of key k. */
static bool df_add(dfmap_t *m, uint64_t k, uint32_t cnt)
{
	k += !k;
	if (2 * (m->n + 1) > m->cap && !df_grow(m))
		return false;
	size_t i = df_slot(m, k);
	m->n += !m->key[i];
	m->key[i] = k;
	m->val[i] += cnt;
	return true;
}

static uint32_t df_get(const dfmap_t *m, uint64_t k)
{
	k += !k;
	size_t i = df_slot(m, k);
	return m->key[i] ? m->val[i] : 0;
}

/* A weighed term, its weight in double (the selection's total order). */
typedef struct {
	uint32_t term;
	double w;
} wt_t;

/* One slot of the tally: the fields one lookup touches share a cache
 * line (they were four arrays, four lines per lookup). */
typedef struct {
	uint32_t key;
	uint32_t stamp;    /* valid when == the tally's generation */
	uint32_t tf;       /* occurrences in the used sentences */
	uint32_t in_title;
} tslot_t;

/* Per-thread tally of one article's distinct terms.  Slots are valid when
 * their stamp is the current generation, so a new article costs no
 * clearing. */
typedef struct {
	tslot_t *slot;
	size_t cap;        /* power of two */
	uint32_t gen;
	uint32_t *used;    /* slots in order of first use */
	size_t n_used;
	wt_t *tw;          /* weighed terms */
	bool oom;
} tally_t;

static bool tally_init(tally_t *x)
{
	memset(x, 0, sizeof *x);
	return true;
}

static void tally_free(tally_t *x)
{
	free(x->slot);
	free(x->used);
	free(x->tw);
}

/* Empties the tally, with room for n distinct terms (load <= 1/2). */
static bool tally_reset(tally_t *x, size_t n)
{
	if (2 * n + 2 > x->cap) {
		size_t cap = 1024;
		while (cap < 2 * n + 2)
			cap *= 2;
		tally_free(x);
		memset(x, 0, sizeof *x);
		x->slot = calloc(cap, sizeof *x->slot);
		x->used = malloc(cap * sizeof *x->used);
		x->tw = malloc(cap * sizeof *x->tw);
		if (!x->slot || !x->used || !x->tw)
			return false;
		x->cap = cap;
	}
	if (++x->gen == 0) { /* wrapped: stamps of old generations must go */
		memset(x->slot, 0, x->cap * sizeof *x->slot);
		x->gen = 1;
	}
	x->n_used = 0;
	return true;
}

static void tally_add(tally_t *x, uint32_t term, uint32_t tf, uint8_t title)
{
	size_t i = (size_t)((uint64_t)term * 0x9E3779B97F4A7C15ull >> 32) & (x->cap - 1);
	while (x->slot[i].stamp == x->gen && x->slot[i].key != term)
		i = (i + 1) & (x->cap - 1);
	tslot_t *sl = &x->slot[i];
	if (sl->stamp != x->gen) {
		*sl = (tslot_t){ term, x->gen, 0, 0 };
		x->used[x->n_used++] = (uint32_t)i;
	}
	sl->tf += tf;
	sl->in_title |= title;
}

/* Tallies the terms of article a: its sentences (less skipped clusters)
 * and, when titles, its title terms from df.  False when out of memory. */
static bool tally_article(tally_t *x, const bf_corpus_t *c, const bf_features_t *f,
                          const bf_dedup_t *d, const uint8_t *skip,
                          const bf_artvec_df_t *df, bool titles, uint32_t a)
{
	const bf_article_t *ar = &c->art[a];
	const uint32_t *title = df->title_t + df->title_off[a];
	size_t n_title = titles ? (size_t)(df->title_off[a + 1] - df->title_off[a]) : 0;
	size_t n_terms = 0;
	for (uint32_t i = 0; i < ar->n_sent; i++)
		n_terms += bf_feat_n_term(f, ar->first_sent + i);
	if (!tally_reset(x, n_terms + n_title))
		return false;
	for (uint32_t i = 0; i < ar->n_sent; i++) {
		size_t s = ar->first_sent + i;
		if (skip && skip[d->cluster_of[s]])
			continue;
		const uint32_t *t = bf_feat_term(f, s);
		for (size_t k = 0, n = bf_feat_n_term(f, s); k < n; k++)
			tally_add(x, t[k], 1, 0);
	}
	for (size_t k = 0; k < n_title; k++)
		tally_add(x, title[k], 0, 1);
	return true;
}

typedef struct {
	uint32_t *t;
	size_t n, cap;
} termbuf_t;

/* Title terms of articles [lo, hi) appended to out; n_of[a - lo] gets
 * each article's count.  False when out of memory. */
static bool chunk_titles(const bf_corpus_t *c, uint64_t seed, size_t lo, size_t hi,
                         bf_norm_t *nm, bf_stemmer_t *stem, bf_terms_buf_t *tb,
                         termbuf_t *out, uint64_t *n_of)
{
	for (size_t a = lo; a < hi; a++) {
		const char *title = bf_art_title(c, (uint32_t)a);
		size_t n = title ? bf_terms_of_text(title, strlen(title), nm, stem, seed, tb) : 0;
		if (n == SIZE_MAX ||
		    !bf_array_grow((void **)&out->t, &out->cap, out->n + n, sizeof *out->t))
			return false;
		memcpy(out->t + out->n, tb->t, n * sizeof *out->t);
		out->n += n;
		n_of[a - lo] = n;
	}
	return true;
}

/* Every article's title terms into df (parallel over fixed chunks,
 * concatenated in order). */
static bool make_titles(bf_artvec_df_t *df, const bf_corpus_t *c, int nt)
{
	size_t n = c->n_art, n_chunks = (n + TITLE_CHUNK - 1) / TITLE_CHUNK;
	termbuf_t *ch = calloc(n_chunks ? n_chunks : 1, sizeof *ch);
	df->title_off = calloc(n + 1, sizeof *df->title_off);
	bool ok = ch && df->title_off;
#pragma omp parallel num_threads(nt) reduction(&& : ok) if (n_chunks > 1)
	{
		bf_norm_t nm = { 0 };
		bf_terms_buf_t tb = { 0 };
		bf_stemmer_t *stem = bf_stemmer_create();
		ok = ok && stem;
#pragma omp for schedule(dynamic, 1)
		for (long k = 0; k < (long)(ok ? n_chunks : 0); k++) {
			size_t lo = (size_t)k * TITLE_CHUNK, hi = lo + TITLE_CHUNK < n ? lo + TITLE_CHUNK : n;
			ok = chunk_titles(c, df->seed, lo, hi, &nm, stem, &tb, &ch[k],
			                  df->title_off + lo + 1) && ok;
		}
		bf_norm_free(&nm);
		bf_terms_buf_free(&tb);
		bf_stemmer_free(stem);
	}
	for (size_t a = 0; ok && a < n; a++)
		df->title_off[a + 1] += df->title_off[a];
	df->title_t = ok ? malloc((df->title_off[n] ? df->title_off[n] : 1) * sizeof *df->title_t) : NULL;
	ok = ok && df->title_t;
	for (size_t k = 0; ok && k < n_chunks; k++)
		memcpy(df->title_t + df->title_off[k * TITLE_CHUNK], ch[k].t, ch[k].n * sizeof *ch[k].t);
	for (size_t k = 0; ch && k < n_chunks; k++)
		free(ch[k].t);
	free(ch);
	return ok;
}

/* Sums the per-thread maps into df->m. */
static bool df_sum(bf_artvec_df_t *df, dfmap_t *part, int nt)
{
	bool ok = true;
	for (int t = 0; t < nt; t++) {
		for (size_t i = 0; ok && part[t].key && i < part[t].cap; i++)
			if (part[t].key[i])
				ok = df_add(&df->m, part[t].key[i], part[t].val[i]);
		df_free(&part[t]);
	}
	return ok;
}

bf_artvec_df_t *bf_artvec_df_create(const bf_corpus_t *c, const bf_features_t *f,
                                    uint64_t seed, int n_threads)
{
	int nt = n_threads > 0 ? n_threads : 1;
	bf_artvec_df_t *df = calloc(1, sizeof *df);
	dfmap_t *part = calloc((size_t)nt, sizeof *part);
	if (!df || !part || !df_init(&df->m)) {
		free(part);
		bf_artvec_df_free(df);
		return NULL;
	}
	df->n_art = c->n_art;
	df->seed = seed;
	bool ok = make_titles(df, c, nt);
#pragma omp parallel num_threads(nt) reduction(&& : ok)
	{
		dfmap_t *m = &part[omp_get_thread_num()];
		tally_t x;
		ok = df_init(m) & tally_init(&x);
#pragma omp for schedule(dynamic, 256)
		for (long a = 0; a < (long)c->n_art; a++) {
			ok = ok && tally_article(&x, c, f, NULL, NULL, df, true, (uint32_t)a);
			for (size_t i = 0; ok && i < x.n_used; i++)
				ok = df_add(m, x.slot[x.used[i]].key, 1);
		}
		tally_free(&x);
	}
	ok = ok && df_sum(df, part, nt);
	free(part);
	if (!ok) {
		bf_artvec_df_free(df);
		return NULL;
	}
	return df;
}

void bf_artvec_df_free(bf_artvec_df_t *df)
{
	if (df) {
		df_free(&df->m);
		free(df->title_off);
		free(df->title_t);
	}
	free(df);
}

static int cmp_wt_weight(const wt_t *x, const wt_t *y)
{
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return (x->term > y->term) - (x->term < y->term);
}

/* Moves the top heaviest of tw[0..n) to the front, in no order, by
 * quickselect (Hoare 1961; Lomuto partition around the middle element):
 * expected O(n), against O(n log n) for sorting every term.  The order
 * cmp_wt_weight is total (terms of an article are distinct), so the set is
 * unique.  Returns min(n, top). */
static size_t select_top(wt_t *tw, size_t n, size_t top)
{
	if (n <= top)
		return n;
	/* [0, lo) precede and [hi, n) follow everything in [lo, hi);
	 * lo <= top <= hi */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		wt_t t = tw[lo + (hi - lo) / 2];
		tw[lo + (hi - lo) / 2] = tw[hi - 1];
		tw[hi - 1] = t;
		size_t p = lo;
		for (size_t i = lo; i + 1 < hi; i++)
			if (cmp_wt_weight(&tw[i], &tw[hi - 1]) < 0) {
				t = tw[i];
				tw[i] = tw[p];
				tw[p++] = t;
			}
		t = tw[p];
		tw[p] = tw[hi - 1];
		tw[hi - 1] = t;
		if (p + 1 == top)
			break;
		if (p + 1 < top)
			lo = p + 1;
		else
			hi = p;
	}
	return top;
}

/* Term weights by table: 1 + ln tf for small tf, ln((N + prior) / df) for
 * small df, each computed once by the same expression as for a term not
 * in the table (the same bits), not once per term of every article. */
#define TF_TAB 256u
#define IDF_TAB 65536u
typedef struct {
	double tf[TF_TAB];  /* [tf] = 1 + ln tf, [0] = 0 */
	double *idf;        /* [df] = ln((N + prior) / max(df, 1)), IDF_TAB */
	double N;
} weights_t;

static double tf_weight(double tf)
{
	return tf > 0 ? 1.0 + log(tf) : 0;
}

static double idf_weight(double N, uint32_t dfv)
{
	return log((N + BF_IDF_PRIOR_DOCS) / (dfv ? dfv : 1));
}

static bool weights_init(weights_t *wt, size_t n_art)
{
	wt->N = (double)n_art;
	wt->idf = malloc(IDF_TAB * sizeof *wt->idf);
	if (!wt->idf)
		return false;
	for (uint32_t i = 0; i < TF_TAB; i++)
		wt->tf[i] = tf_weight(i);
	for (uint32_t i = 0; i < IDF_TAB; i++)
		wt->idf[i] = idf_weight(wt->N, i);
	return true;
}

/* The o->top heaviest terms of article a (see bf_artvec.h), L2-normalized,
 * sorted by term into out.  Returns the count, or SIZE_MAX when out of
 * memory. */
static size_t top_terms(tally_t *x, const bf_corpus_t *c, const bf_features_t *f,
                        const bf_dedup_t *d, const bf_artvec_df_t *df,
                        const weights_t *wt, const bf_artvec_opts_t *o, uint32_t a,
                        bf_tw_t *out)
{
	if (!tally_article(x, c, f, d, o->skip, df, o->title_boost > 0, a))
		return SIZE_MAX;
	size_t k = x->n_used;
	for (size_t i = 0; i < k; i++) {
		const tslot_t *sl = &x->slot[x->used[i]];
		uint32_t tf = sl->tf, dfv = df_get(&df->m, sl->key);
		double w = tf < TF_TAB ? wt->tf[tf] : tf_weight(tf);
		w += sl->in_title ? o->title_boost : 0;
		x->tw[i] = (wt_t){ sl->key,
		                   w * (dfv < IDF_TAB ? wt->idf[dfv] : idf_weight(wt->N, dfv)) };
	}
	k = select_top(x->tw, k, o->top);
	double norm = 0;
	for (size_t i = 0; i < k; i++)
		norm += x->tw[i].w * x->tw[i].w;
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
	for (size_t i = 0; i < k; i++)
		out[i] = (bf_tw_t){ x->tw[i].term, (float)(x->tw[i].w * norm) };
	bf_tw_sort_term(out, k);
	return k;
}

/* Branch-free merge step (which side advances is data, as in
 * bf_hashset_intersect): a product is added at every step, times 0 when
 * the terms differ.  Adding +0.0 leaves the sum's bits alone (weights are
 * finite), so the result is that of adding the matches only. */
double bf_tw_dot(const bf_tw_t *a, size_t na, const bf_tw_t *b, size_t nb)
{
	double s = 0;
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		uint32_t x = a[i].term, y = b[j].term;
		s += (double)a[i].w * b[j].w * (double)(x == y);
		i += x <= y;
		j += y <= x;
	}
	return s;
}

bf_status_t bf_artvec_build(bf_artvec_t *v, const bf_corpus_t *c,
                            const bf_features_t *f, const bf_dedup_t *d,
                            const bf_artvec_df_t *df, const bf_artvec_opts_t *o)
{
	size_t n = c->n_art;
	int nt = o->n_threads > 0 ? o->n_threads : 1;
	memset(v, 0, sizeof *v);
	if (o->top == 0 || o->top > BF_ARTVEC_TOP)
		return BF_EARG;
	v->n_art = n;
	v->stride = o->top;
	v->tw = malloc((n ? n : 1) * o->top * sizeof *v->tw);
	v->n = malloc((n ? n : 1) * sizeof *v->n);
	weights_t wt;
	if (!weights_init(&wt, df->n_art) || !v->tw || !v->n) {
		free(wt.idf);
		bf_artvec_free(v);
		return BF_ENOMEM;
	}
	bool ok = true;
#pragma omp parallel num_threads(nt) reduction(&& : ok)
	{
		tally_t x;
		ok = tally_init(&x);
#pragma omp for schedule(dynamic, 256)
		for (long a = 0; a < (long)n; a++) {
			if (o->only && !o->only[a]) {
				v->n[a] = 0;
				continue;
			}
			size_t k = ok ? top_terms(&x, c, f, d, df, &wt, o, (uint32_t)a,
			                          v->tw + (size_t)a * o->top) : SIZE_MAX;
			ok = k != SIZE_MAX;
			v->n[a] = ok ? (uint32_t)k : 0;
		}
		tally_free(&x);
	}
	free(wt.idf);
	if (!ok) {
		bf_artvec_free(v);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_artvec_free(bf_artvec_t *v)
{
	free(v->tw);
	free(v->n);
	memset(v, 0, sizeof *v);
}
