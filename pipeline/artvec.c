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
#include "bf_tflists.h"

#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing map term -> document frequency.  Hand-written: a
 * dozen lines, and no Debian C library offers a plain u32 -> u32 table
 * without per-entry allocation.  Key and count side by side: a lookup
 * touches one cache line (the map is a few MB: beyond L2). */
typedef struct {
	uint32_t key; /* 0 = empty; a real term 0 is stored as 1 */
	uint32_t val;
} dfslot_t;

typedef struct {
	dfslot_t *s;
	size_t cap, n;
} dfmap_t;

/* Term weights by table, each entry computed by the expression a term
 * not in the table would get (the same bits): 1 + ln tf for small tf,
 * and the idf of every term by the value v the df map holds for it:
 * ln((N + prior) / max(v, 1)) for v < IDF_TAB, while a term of greater df
 * has v = IDF_TAB + j, its idf the j-th entry past those.  Such terms are
 * few ("said": 137 on the 1 GB dump) but in most articles: a log per
 * lookup cost the two vector sets ~0.2 s there. */
#define TF_TAB 256u
#define IDF_TAB 65536u
typedef struct {
	double tf[TF_TAB]; /* [tf] = 1 + ln tf, [0] = 0 */
	double *idf;       /* [v], IDF_TAB + the terms of df >= IDF_TAB */
} weights_t;

static double tf_weight(double tf)
{
	return tf > 0 ? 1.0 + log(tf) : 0;
}

static double idf_weight(double N, uint32_t dfv)
{
	return log((N + BF_IDF_PRIOR_DOCS) / (dfv ? dfv : 1));
}

/* The tables for the frequencies in m, over n_art articles; the values
 * of m at or above IDF_TAB become indices into wt->idf. */
static bool weights_init(weights_t *wt, dfmap_t *m, size_t n_art)
{
	double N = (double)n_art;
	size_t n_big = 0;
	for (size_t i = 0; i < m->cap; i++)
		n_big += m->s[i].key && m->s[i].val >= IDF_TAB;
	wt->idf = malloc((IDF_TAB + n_big) * sizeof *wt->idf);
	if (!wt->idf)
		return false;
	for (uint32_t i = 0; i < TF_TAB; i++)
		wt->tf[i] = tf_weight(i);
	for (uint32_t i = 0; i < IDF_TAB; i++)
		wt->idf[i] = idf_weight(N, i);
	uint32_t v = IDF_TAB;
	for (size_t i = 0; i < m->cap; i++)
		if (m->s[i].key && m->s[i].val >= IDF_TAB) {
			wt->idf[v] = idf_weight(N, m->s[i].val);
			m->s[i].val = v++;
		}
	return true;
}

struct bf_artvec_df {
	dfmap_t m;         /* term -> df, or an index for wt (weights_t) */
	weights_t wt;
	size_t n_art;  /* N */
	uint64_t seed; /* hash seed of the terms */
	/* title terms of every article, made once for every vector set:
	 * article a's are title_t[title_off[a] .. title_off[a+1]) */
	uint64_t *title_off;
	uint32_t *title_t;
	bf_tflists_t kept; /* the sentence terms' tallies of the articles the
	                      caller asked to keep (bf_artvec_df_create) */
};

/* Articles per parallel work unit of the title terms (fixed, so chunks
 * concatenate in article order). */
#define TITLE_CHUNK 1024u
/* Lookups issued ahead of use in a loop over an article's terms: enough
 * to overlap the misses of a map beyond L2, few enough to stay in L1. */
#define PREFETCH_AHEAD 8u

/* Terms are upper bits of a hash already, so their low bits serve as
 * the home slot, here and in the tally. */
static size_t df_slot(const dfmap_t *m, uint32_t k)
{
	size_t i = k & (m->cap - 1);
	while (m->s[i].key && m->s[i].key != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void df_prefetch(const dfmap_t *m, uint32_t k)
{
	__builtin_prefetch(&m->s[(k + !k) & (m->cap - 1)]);
}

/* An empty map with room for n keys (load <= 1/2). */
static bool df_init(dfmap_t *m, size_t n)
{
	m->cap = 1024;
	while (m->cap < 2 * n + 2)
		m->cap *= 2;
	m->n = 0;
	m->s = calloc(m->cap, sizeof *m->s);
	return m->s != NULL;
}

static void df_free(dfmap_t *m)
{
	free(m->s);
	m->s = NULL;
}

static bool df_grow(dfmap_t *m)
{
	dfmap_t g = { calloc(m->cap * 2, sizeof *g.s), m->cap * 2, m->n };
	if (!g.s)
		return false;
	for (size_t i = 0; i < m->cap; i++)
		if (m->s[i].key)
			g.s[df_slot(&g, m->s[i].key)] = m->s[i];
	df_free(m);
	*m = g;
	return true;
}

/* Adds cnt to the count of term k. */
static bool df_add(dfmap_t *m, uint32_t k, uint32_t cnt)
{
	k += !k;
	if (2 * (m->n + 1) > m->cap && !df_grow(m))
		return false;
	dfslot_t *sl = &m->s[df_slot(m, k)];
	m->n += !sl->key;
	sl->key = k;
	sl->val += cnt;
	return true;
}

static uint32_t df_get(const dfmap_t *m, uint32_t k)
{
	k += !k;
	const dfslot_t *sl = &m->s[df_slot(m, k)];
	return sl->key ? sl->val : 0;
}

/* A weighed term, its weight in double (the selection's total order). */
typedef struct {
	uint32_t term;
	double w;
} wt_t;

/* One slot of the tally, 8 bytes: cnt = 2 tf + [term in title], where tf
 * counts occurrences in the used sentences; 0 = empty. */
typedef struct {
	uint32_t key;
	uint32_t cnt;
} tslot_t;

/* A sentence's term set, found before any is tallied. */
typedef struct {
	const uint32_t *t;
	size_t n;
} span_t;

/* The term sets of one article's sentences. */
typedef struct {
	span_t *span;
	size_t n, cap;
	size_t n_terms; /* their total size */
} spans_t;

/* Smallest table of an article (slots): 512 bytes. */
#define TALLY_MIN 64u

/* Per-thread tally of one article's distinct terms.  Each article uses
 * the first mask + 1 slots, sized to its term count: a small article's
 * table stays in L1 however big an earlier one was.  Every slot is empty
 * between articles (tally_clear empties the used ones). */
typedef struct {
	tslot_t *slot;
	size_t cap;        /* slots allocated, a power of two */
	size_t mask;       /* this article's table size - 1 */
	uint32_t *used;    /* slots in order of first use (cap) */
	size_t n_used;
	wt_t *tw;          /* weighed terms (cap) */
	spans_t sp[2];     /* [0] the article's term sets; [1] those of */
	uint32_t ahead;    /* ... this one, gathered ahead (UINT32_MAX: none) */
} tally_t;

static bool tally_init(tally_t *x)
{
	memset(x, 0, sizeof *x);
	x->ahead = UINT32_MAX;
	return true;
}

static void tally_free(tally_t *x)
{
	free(x->slot);
	free(x->used);
	free(x->tw);
	free(x->sp[0].span);
	free(x->sp[1].span);
}

/* Empties the slots the last article used. */
static void tally_clear(tally_t *x)
{
	for (size_t i = 0; i < x->n_used; i++)
		x->slot[x->used[i]].cnt = 0;
	x->n_used = 0;
}

/* An empty table with room for n distinct terms (load <= 1/4: a probe
 * past the home slot is a mispredicted branch; at load 1/2 the three
 * tallies of the 100 MB dump took ~4 % longer). */
static bool tally_reserve(tally_t *x, size_t n)
{
	size_t size = TALLY_MIN;
	while (size < 4 * n + 4)
		size *= 2;
	if (size > x->cap) {
		free(x->slot);
		free(x->used);
		free(x->tw);
		x->slot = calloc(size, sizeof *x->slot);
		x->used = malloc(size * sizeof *x->used);
		x->tw = malloc(size * sizeof *x->tw);
		x->cap = x->slot && x->used && x->tw ? size : 0;
		if (!x->cap)
			return false;
	}
	x->mask = size - 1;
	return true;
}

/* Adds to the count of term in x (cnt += add, cnt |= or), claiming a
 * slot when new.  Whether a term is new is a coin toss to the branch
 * predictor, so a new one is recorded without a branch: the key and the
 * used entry are written always, the used count advanced by the test. */
static inline void tally_add(tslot_t *slot, size_t mask, uint32_t *used, size_t *n_used,
                             uint32_t term, uint32_t add, uint32_t or)
{
	size_t i = term & mask;
	while (slot[i].cnt && slot[i].key != term)
		i = (i + 1) & mask;
	used[*n_used] = (uint32_t)i;
	*n_used += !slot[i].cnt;
	slot[i].key = term;
	slot[i].cnt = (slot[i].cnt + add) | or;
}

/* The term sets of article ar's sentences (less skipped clusters) into
 * g, prefetched.  False when out of memory. */
static bool gather(spans_t *g, const bf_article_t *ar, const bf_features_t *f,
                   const bf_dedup_t *d, const uint8_t *skip)
{
	if (!bf_array_grow((void **)&g->span, &g->cap, ar->n_sent, sizeof *g->span))
		return false;
	size_t n_span = 0, n_terms = 0;
	for (size_t s = ar->first_sent; s < (size_t)ar->first_sent + ar->n_sent; s++) {
		if (skip && skip[d->cluster_of[s]])
			continue;
		uint32_t t = f->type_of[s];
		uint64_t lo = f->term_off[t];
		size_t n = (size_t)(f->term_off[t + 1] - lo);
		const uint32_t *p = f->term + lo;
		__builtin_prefetch(p);
		__builtin_prefetch(p + (n ? n - 1 : 0)); /* a set may span two lines */
		g->span[n_span++] = (span_t){ p, n };
		n_terms += n;
	}
	g->n = n_span;
	g->n_terms = n_terms;
	return true;
}

/* Tallies the terms of article a: its sentences (less skipped clusters)
 * and, when titles, its title terms from df.  The term sets lie at random
 * in f->term, behind a random f->term_off: so the sets of article next
 * (UINT32_MAX: none), likely the caller's next, are found and prefetched
 * before a is tallied, and the offsets of the one after are prefetched,
 * so that the misses of each overlap the work on another.  False when
 * out of memory. */
static bool tally_article(tally_t *x, const bf_corpus_t *c, const bf_features_t *f,
                          const bf_dedup_t *d, const uint8_t *skip,
                          const bf_artvec_df_t *df, bool titles, uint32_t a,
                          uint32_t next)
{
	const uint32_t *title = df->title_t + df->title_off[a];
	size_t n_title = titles ? (size_t)(df->title_off[a + 1] - df->title_off[a]) : 0;
	tally_clear(x);
	if (x->ahead == a) {
		spans_t g = x->sp[0];
		x->sp[0] = x->sp[1];
		x->sp[1] = g;
	} else if (!gather(&x->sp[0], &c->art[a], f, d, skip)) {
		return false;
	}
	x->ahead = UINT32_MAX;
	if (next < c->n_art) {
		if (!gather(&x->sp[1], &c->art[next], f, d, skip))
			return false;
		x->ahead = next;
		if (next + 1 < c->n_art) {
			const bf_article_t *ar = &c->art[next + 1];
			for (size_t s = ar->first_sent; s < (size_t)ar->first_sent + ar->n_sent; s++)
				__builtin_prefetch(&f->term_off[f->type_of[s]]);
		}
	}
	const spans_t *g = &x->sp[0];
	if (!tally_reserve(x, g->n_terms + n_title))
		return false;
	/* the table in locals: stores through used[] cannot then alias them */
	tslot_t *slot = x->slot;
	uint32_t *used = x->used;
	size_t mask = x->mask, n_used = 0;
	for (size_t i = 0; i < g->n; i++) {
		const uint32_t *t = g->span[i].t;
		for (size_t k = 0, n = g->span[i].n; k < n; k++)
			tally_add(slot, mask, used, &n_used, t[k], 2, 0);
	}
	for (size_t k = 0; k < n_title; k++)
		tally_add(slot, mask, used, &n_used, title[k], 0, 1);
	x->n_used = n_used;
	return true;
}

typedef struct {
	uint32_t *t;
	size_t n, cap;
} termbuf_t;

/* Title terms of articles [lo, hi) appended to out; n_of[a - lo] gets
 * each article's count.  False when out of memory. */
static bool chunk_titles(const bf_corpus_t *c, uint64_t seed, size_t lo, size_t hi,
                         bf_norm_t *nm, bf_stem_cache_t *sc, bf_terms_buf_t *tb,
                         termbuf_t *out, uint64_t *n_of)
{
	for (size_t a = lo; a < hi; a++) {
		const char *title = bf_art_title(c, (uint32_t)a);
		size_t n = title ? bf_terms_of_text(title, strlen(title), nm, sc, seed, tb) : 0;
		if (n == SIZE_MAX ||
		    !bf_array_grow((void **)&out->t, &out->cap, out->n + n, sizeof *out->t))
			return false;
		if (n) /* out->t is still NULL while every title was empty */
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
	/* every thread meets the loop with the same bound (inside the
	 * reduction each thread's ok starts true) */
	long n_run = ok ? (long)n_chunks : 0;
#pragma omp parallel num_threads(nt) reduction(&& : ok) if (n_chunks > 1)
	{
		bf_norm_t nm = { 0 };
		bf_terms_buf_t tb = { 0 };
		/* titles repeat their words as sentences do (and syndicated
		 * copies their titles): through the cache the 1 GB dump's
		 * stories stage went 5.81 -> 5.43 s at -j1 */
		bf_stem_cache_t sc = { 0 };
		ok = bf_stem_cache_init(&sc) == BF_OK;
#pragma omp for schedule(dynamic, 1)
		for (long k = 0; k < n_run; k++) {
			size_t lo = (size_t)k * TITLE_CHUNK, hi = lo + TITLE_CHUNK < n ? lo + TITLE_CHUNK : n;
			ok = ok && chunk_titles(c, df->seed, lo, hi, &nm, &sc, &tb, &ch[k],
			                        df->title_off + lo + 1);
		}
		bf_norm_free(&nm);
		bf_terms_buf_free(&tb);
		bf_stem_cache_free(&sc);
	}
	for (size_t a = 0; ok && a < n; a++)
		df->title_off[a + 1] += df->title_off[a];
	df->title_t = ok ? malloc((df->title_off[n] ? df->title_off[n] : 1) * sizeof *df->title_t) : NULL;
	ok = ok && df->title_t;
	for (size_t k = 0; ok && k < n_chunks; k++)
		if (ch[k].n) /* else ch[k].t may be NULL */
			memcpy(df->title_t + df->title_off[k * TITLE_CHUNK], ch[k].t, ch[k].n * sizeof *ch[k].t);
	for (size_t k = 0; ch && k < n_chunks; k++)
		free(ch[k].t);
	free(ch);
	return ok;
}

/* Sums the per-thread maps into df->m, sized once for them all. */
static bool df_sum(bf_artvec_df_t *df, dfmap_t *part, int nt)
{
	size_t n = 0;
	for (int t = 0; t < nt; t++)
		n += part[t].n;
	bool ok = df_init(&df->m, n);
	for (int t = 0; t < nt; t++) {
		for (size_t i = 0; ok && part[t].s && i < part[t].cap; i++)
			if (part[t].s[i].key)
				ok = df_add(&df->m, part[t].s[i].key, part[t].s[i].val);
		df_free(&part[t]);
	}
	return ok;
}

/* Counts the tallied terms of one article into m, the lookups issued
 * PREFETCH_AHEAD terms ahead. */
static bool df_count(dfmap_t *m, const tally_t *x)
{
	bool ok = true;
	for (size_t i = 0; i < x->n_used && i < PREFETCH_AHEAD; i++)
		df_prefetch(m, x->slot[x->used[i]].key);
	for (size_t i = 0; ok && i < x->n_used; i++) {
		if (i + PREFETCH_AHEAD < x->n_used)
			df_prefetch(m, x->slot[x->used[i + PREFETCH_AHEAD]].key);
		ok = df_add(m, x->slot[x->used[i]].key, 1);
	}
	return ok;
}

/* Keeps the sentence terms' tally of article a (x, tallied with its
 * title) in l: the terms of count 2 tf + [in title] >= 2, which were all
 * tallied before the title-only ones.  False when out of memory. */
static bool keep_tally(bf_tflists_t *l, const tally_t *x, uint32_t a)
{
	bf_tfl_chunk_t *ch = bf_tfl_room(l, a, x->n_used);
	if (!ch)
		return false;
	uint32_t k = 0, big = 0;
	for (size_t i = 0; i < x->n_used; i++) {
		const tslot_t *sl = &x->slot[x->used[i]];
		ch->term[ch->n + k] = sl->key;
		ch->tf[ch->n + k] = (uint8_t)(sl->cnt >> 1);
		big |= sl->cnt >> 9; /* tf > 255 */
		k += sl->cnt >= 2;
	}
	bf_tfl_done(l, a, big ? BF_TFL_NONE : k);
	return true;
}

bf_artvec_df_t *bf_artvec_df_create(const bf_corpus_t *c, const bf_features_t *f,
                                    uint64_t seed, const uint8_t *keep, int n_threads)
{
	int nt = n_threads > 0 ? n_threads : 1;
	bf_artvec_df_t *df = calloc(1, sizeof *df);
	dfmap_t *part = calloc((size_t)nt, sizeof *part);
	if (!df || !part) {
		free(part);
		bf_artvec_df_free(df);
		return NULL;
	}
	df->n_art = c->n_art;
	df->seed = seed;
	size_t n = c->n_art, n_chunks = (n + BF_TFL_CHUNK - 1) / BF_TFL_CHUNK;
	bool ok = make_titles(df, c, nt) && (!keep || bf_tfl_init(&df->kept, n));
	long n_run = ok ? (long)n_chunks : 0;
#pragma omp parallel num_threads(nt) reduction(&& : ok)
	{
		dfmap_t *m = &part[omp_get_thread_num()];
		tally_t x;
		ok = df_init(m, 0) & tally_init(&x);
#pragma omp for schedule(dynamic, 1)
		for (long ch = 0; ch < n_run; ch++) {
			/* fixed chunks: each is one thread's in the kept lists */
			uint32_t lo = (uint32_t)ch * BF_TFL_CHUNK;
			uint32_t hi = lo + BF_TFL_CHUNK < n ? lo + BF_TFL_CHUNK : (uint32_t)n;
			for (uint32_t a = lo; ok && a < hi; a++)
				ok = tally_article(&x, c, f, NULL, NULL, df, true, a, a + 1) &&
				     df_count(m, &x) && (!keep || !keep[a] || keep_tally(&df->kept, &x, a));
			if (keep)
				bf_tfl_trim(&df->kept, lo);
		}
		tally_free(&x);
	}
	ok = ok && df_sum(df, part, nt) && weights_init(&df->wt, &df->m, c->n_art);
	for (int t = 0; t < nt; t++)
		df_free(&part[t]);
	free(part);
	if (!ok) {
		bf_artvec_df_free(df);
		return NULL;
	}
	return df;
}

void bf_artvec_df_drop_kept(bf_artvec_df_t *df)
{
	bf_tfl_free(&df->kept);
}

void bf_artvec_df_free(bf_artvec_df_t *df)
{
	if (df) {
		bf_tfl_free(&df->kept);
		df_free(&df->m);
		free(df->wt.idf);
		free(df->title_off);
		free(df->title_t);
	}
	free(df);
}

/* Whether weighed term (aw, at) precedes (bw, bt): heavier first, ties
 * by term.  Weights are finite (no NaN), so this is a total order. */
static inline bool wt_before(double aw, uint32_t at, double bw, uint32_t bt)
{
	return (aw > bw) | ((aw == bw) & (at < bt));
}

/* Moves the top heaviest of tw[0..n) to the front, in no order, by
 * quickselect (Hoare 1961; Lomuto partition around the middle element):
 * expected O(n), against O(n log n) for sorting every term.  The order
 * wt_before is total (terms of an article are distinct), so the set is
 * unique; the order it is left in (and so the rounding of the norm summed
 * over it) is that of this exact partition scheme.  The partition step
 * swaps without a branch (a swap with itself when the item stays), as
 * every other comparison would be mispredicted.  Returns min(n, top). */
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
		for (size_t i = lo; i + 1 < hi; i++) {
			/* swap tw[i] and tw[p] when m, by masks (a ?: is made a
			 * branch again) */
			uint64_t xw, yw;
			memcpy(&xw, &tw[i].w, sizeof xw);
			memcpy(&yw, &tw[p].w, sizeof yw);
			uint32_t xt = tw[i].term, yt = tw[p].term;
			bool m = wt_before(tw[i].w, xt, t.w, t.term);
			uint64_t dw = (xw ^ yw) & -(uint64_t)m;
			uint32_t dt = (xt ^ yt) & -(uint32_t)m;
			xw ^= dw;
			yw ^= dw;
			memcpy(&tw[i].w, &xw, sizeof xw);
			memcpy(&tw[p].w, &yw, sizeof yw);
			tw[i].term = xt ^ dt;
			tw[p].term = yt ^ dt;
			p += m;
		}
		tw[hi - 1] = tw[p];
		tw[p] = t;
		if (p + 1 == top)
			break;
		if (p + 1 < top)
			lo = p + 1;
		else
			hi = p;
	}
	return top;
}

/* Kept terms tw[0..k), their weights times norm, into out sorted by
 * term, for k <= n <= BF_ARTVEC_TOP, n a constant once inlined.  By rank:
 * a term's place is the count of smaller ones (terms are distinct).  The
 * k * n compares run over a fixed n lanes (padding never smaller), which
 * the compiler vectorizes; a sort's compares of random terms mispredict
 * half the time (64 terms: 1.2 us by an inlined quicksort, 0.4 us so). */
__attribute__((always_inline)) static inline void
put_ranked(bf_tw_t *out, const wt_t *tw, size_t k, double norm, size_t n)
{
	int32_t t[BF_ARTVEC_TOP]; /* terms biased to compare as signed */
	uint32_t r[BF_ARTVEC_TOP];
	for (size_t i = 0; i < n; i++) {
		t[i] = i < k ? (int32_t)(tw[i].term ^ 0x80000000u) : INT32_MAX;
		r[i] = 0;
	}
	for (size_t j = 0; j < k; j++)
		for (size_t i = 0; i < n; i++)
			r[i] += t[i] > t[j];
	for (size_t i = 0; i < k; i++)
		out[r[i]] = (bf_tw_t){ tw[i].term, (float)(tw[i].w * norm) };
}

BF_SIMD_CLONES static void put_sorted(bf_tw_t *out, const wt_t *tw, size_t k, double norm)
{
	if (k <= 16)
		put_ranked(out, tw, k, norm, 16);
	else if (k <= 32)
		put_ranked(out, tw, k, norm, 32);
	else
		put_ranked(out, tw, k, norm, BF_ARTVEC_TOP);
}

/* Weight of a tallied term (cnt as in tslot_t). */
static inline double term_weight(const bf_artvec_df_t *df, const bf_artvec_opts_t *o,
                                 uint32_t term, uint32_t cnt)
{
	uint32_t tf = cnt >> 1;
	double w = tf < TF_TAB ? df->wt.tf[tf] : tf_weight(tf);
	w += cnt & 1 ? o->title_boost : 0;
	return w * df->wt.idf[df_get(&df->m, term)];
}

/* The o->top heaviest of the n weighed terms x->tw, L2-normalized, sorted
 * by term into out.  Returns the count. */
static size_t top_of(tally_t *x, size_t n, const bf_artvec_opts_t *o, bf_tw_t *out)
{
	size_t k = select_top(x->tw, n, o->top);
	double norm = 0;
	for (size_t i = 0; i < k; i++)
		norm += x->tw[i].w * x->tw[i].w;
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
	put_sorted(out, x->tw, k, norm);
	return k;
}

/* The o->top heaviest terms of article a (see bf_artvec.h), L2-normalized,
 * sorted by term into out; next as for tally_article.  Returns the count,
 * or SIZE_MAX when out of memory. */
static size_t top_terms(tally_t *x, const bf_corpus_t *c, const bf_features_t *f,
                        const bf_dedup_t *d, const bf_artvec_df_t *df,
                        const bf_artvec_opts_t *o, uint32_t a,
                        uint32_t next, bf_tw_t *out)
{
	if (!tally_article(x, c, f, d, o->skip, df, o->title_boost > 0, a, next))
		return SIZE_MAX;
	size_t k = x->n_used;
	for (size_t i = 0; i < k && i < PREFETCH_AHEAD; i++)
		df_prefetch(&df->m, x->slot[x->used[i]].key);
	for (size_t i = 0; i < k; i++) {
		if (i + PREFETCH_AHEAD < k)
			df_prefetch(&df->m, x->slot[x->used[i + PREFETCH_AHEAD]].key);
		const tslot_t *sl = &x->slot[x->used[i]];
		x->tw[i] = (wt_t){ sl->key, term_weight(df, o, sl->key, sl->cnt) };
	}
	return top_of(x, k, o, out);
}

/* top_terms from the tally df kept of article a (the options use every
 * sentence and no title: the same terms, counts and order). */
static size_t top_terms_kept(tally_t *x, const bf_artvec_df_t *df,
                             const bf_artvec_opts_t *o, uint32_t a, bf_tw_t *out)
{
	const uint32_t *t = bf_tfl_terms(&df->kept, a);
	const uint8_t *tf = bf_tfl_tfs(&df->kept, a);
	size_t k = df->kept.n[a];
	/* the last tallied article's slots are emptied first: a reserve that
	 * grows the table leaves used[] unset, and a later clear would read
	 * it with the old count */
	tally_clear(x);
	if (!tally_reserve(x, k))
		return SIZE_MAX;
	for (size_t i = 0; i < k && i < PREFETCH_AHEAD; i++)
		df_prefetch(&df->m, t[i]);
	for (size_t i = 0; i < k; i++) {
		if (i + PREFETCH_AHEAD < k)
			df_prefetch(&df->m, t[i + PREFETCH_AHEAD]);
		x->tw[i] = (wt_t){ t[i], term_weight(df, o, t[i], (uint32_t)tf[i] << 1) };
	}
	return top_of(x, k, o, out);
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
	if (!v->tw || !v->n) {
		bf_artvec_free(v);
		return BF_ENOMEM;
	}
	bool ok = true;
	/* the kept tallies serve when the options tally what they hold */
	const bf_tflists_t *kept = !o->skip && !(o->title_boost > 0) ? &df->kept : NULL;
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
			/* the loop's next article, when it is wanted and tallied
			 * (a guess at the end of a chunk) */
			uint32_t next = (size_t)a + 1 < n && (!o->only || o->only[a + 1]) &&
			                !(kept && bf_tfl_has(kept, (uint32_t)a + 1)) ?
			                (uint32_t)a + 1 : UINT32_MAX;
			bf_tw_t *out = v->tw + (size_t)a * o->top;
			size_t k = !ok ? SIZE_MAX
			           : kept && bf_tfl_has(kept, (uint32_t)a)
			           ? top_terms_kept(&x, df, o, (uint32_t)a, out)
			           : top_terms(&x, c, f, d, df, o, (uint32_t)a, next, out);
			ok = k != SIZE_MAX;
			v->n[a] = ok ? (uint32_t)k : 0;
		}
		tally_free(&x);
	}
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
