/* storylink.c - copy groups joined into stories (see bf_storylink.h).
 *
 * Outline:
 *   groups_build   copy groups, their vector sums and date ranges (parallel
 *                  over groups)
 *   index_build    (term, group) postings of each group's heaviest terms,
 *                  radix sorted (bf_hash_sort_mt), cut into runs
 *   find_edges     per group (parallel, fixed chunks): partners counted
 *                  through the runs, verified by dates and cosine
 *   merge_edges    average-link merging in a total edge order (merges in
 *                  turn, each window's decisions taken ahead in parallel) */
#include "bf_array.h"
#include "bf_lsh.h"
#include "bf_scatter.h"
#include "bf_storylink.h"
#include "bf_shingle.h"

#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Groups per parallel work unit (fixed, so results concatenate in order). */
#define GROUP_CHUNK 1024u
/* A group's running vector sum is cut back to its heaviest
 * SUM_SLACK * BF_ARTVEC_TOP terms whenever it grows past that, so a group
 * of thousands of copies needs bounded scratch. */
#define SUM_SLACK 8u
/* Postings per thread below which the index is built on one thread. */
#define PAR_MIN_POSTINGS 65536u

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* Widest span of dates (days) sorted by counting; wider spans, which no
 * news dump has, are sorted by qsort. */
#define DAYS_COUNT_SPAN (1u << 20)

/* Sorts the dates d[0..n) ascending: by counting when they span at most
 * DAYS_COUNT_SPAN days (a dump's dates fall within days or years: on the
 * 1 GB dump qsort of its 0.33 M dates was 0.03 s of one thread). */
static void sort_days(int32_t *d, size_t n)
{
	int32_t lo = INT32_MAX, hi = INT32_MIN;
	for (size_t i = 0; i < n; i++) {
		lo = d[i] < lo ? d[i] : lo;
		hi = d[i] > hi ? d[i] : hi;
	}
	size_t span = n ? (size_t)((int64_t)hi - lo) + 1 : 0;
	uint32_t *cnt = span && span <= DAYS_COUNT_SPAN ? calloc(span, sizeof *cnt) : NULL;
	if (!cnt) {
		qsort(d, n, sizeof *d, cmp_i32);
		return;
	}
	for (size_t i = 0; i < n; i++)
		cnt[d[i] - lo]++;
	for (size_t v = 0, k = 0; v < span; v++)
		for (uint32_t j = 0; j < cnt[v]; j++)
			d[k++] = (int32_t)(lo + (int64_t)v);
	free(cnt);
}

static int cmp_tw_weight(const void *a, const void *b)
{
	const bf_tw_t *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return (x->term > y->term) - (x->term < y->term);
}

int32_t bf_day_of(const char *s)
{
	if (!s)
		return INT32_MIN;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (unsigned)(s[i] - '0') > 9)
			return INT32_MIN;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return INT32_MIN;
	/* days_from_civil (H. Hinnant, "chrono-Compatible Low-Level Date
	 * Algorithms"): March-based years put the leap day last */
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ---- copy groups ------------------------------------------------------ */

typedef struct {
	size_t n;               /* groups */
	uint32_t *root;         /* n: smallest article of each group */
	uint32_t *g_of;         /* n_art: group of each article */
	uint64_t *m_off;        /* n+1 offsets into mem */
	uint32_t *mem;          /* articles of each group, ascending */
	const bf_tw_t **vec;    /* vector of each group, sorted by term: its
	                           article's, or a slot of own */
	uint32_t *nt;           /* terms per group */
	bf_tw_t *own;           /* BF_ARTVEC_TOP slots per group of 2+ */
	uint32_t *own_slot;     /* per group: its slot in own, or UINT32_MAX */
	size_t n_own;
	bf_tw_t *cut;           /* the group's last indexed term (by weight) */
	uint32_t *terms;        /* BF_ARTVEC_TOP per group: vec's terms, and */
	float *wts;             /* its weights apart (see cand_dot) */
	int32_t *day_lo, *day_hi; /* date range, INT32_MIN when undated */
	int32_t *days;          /* dates of the dated articles, ascending */
	size_t n_dated;
} groups_t;

static void groups_free(groups_t *g)
{
	free(g->root);
	free(g->g_of);
	free(g->m_off);
	free(g->mem);
	free(g->vec);
	free(g->own);
	free(g->own_slot);
	free(g->nt);
	free(g->cut);
	free(g->terms);
	free(g->wts);
	free(g->day_lo);
	free(g->day_hi);
	free(g->days);
}

/* dst = a + b (term-sorted lists); returns the count. */
static size_t tw_add(const bf_tw_t *a, size_t na, const bf_tw_t *b, size_t nb,
                     bf_tw_t *dst)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na && j < nb) {
		if (a[i].term < b[j].term)
			dst[k++] = a[i++];
		else if (b[j].term < a[i].term)
			dst[k++] = b[j++];
		else {
			dst[k++] = (bf_tw_t){ a[i].term, a[i].w + b[j].w };
			i++;
			j++;
		}
	}
	while (i < na)
		dst[k++] = a[i++];
	while (j < nb)
		dst[k++] = b[j++];
	return k;
}

/* Longest list tw_trim is given: a group's running sum plus one vector
 * (group_vector); a merged pair's sums are shorter. */
#define TRIM_MAX ((SUM_SLACK + 1) * BF_ARTVEC_TOP)

/* Sort key of x in cmp_tw_weight order, largest first: finite floats of
 * one sign order as their bits, so the weight's bits are made monotone
 * (sign flipped, or every bit when negative; -0 made +0, which compares
 * equal to it); ties by term ascending.  Distinct terms: distinct keys. */
static inline uint64_t tw_key(bf_tw_t x)
{
	float w = x.w + 0.0f;
	uint32_t b;
	memcpy(&b, &w, sizeof b);
	b = b >> 31 ? ~b : b | 0x80000000u;
	return (uint64_t)b << 32 | (UINT32_MAX - x.term);
}

/* The k-th largest (1 <= k <= n) of the distinct keys x[0..n), which are
 * reordered: quickselect (Hoare 1961), median-of-three pivot. */
static uint64_t key_select(uint64_t *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n, want = k - 1;
	while (hi - lo > 1) {
		uint64_t a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1];
		uint64_t p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t s = lo;
		for (size_t i = lo; i < hi; i++)
			if (x[i] > p) {
				uint64_t t = x[s];
				x[s++] = x[i];
				x[i] = t;
			}
		for (size_t i = s; i < hi; i++)
			if (x[i] == p) {
				x[i] = x[s];
				x[s] = p;
				break;
			}
		if (want == s)
			return p;
		if (want < s)
			hi = s;
		else
			lo = s + 1;
	}
	return x[lo];
}

/* Keeps the top heaviest of tw[0..n) (term-sorted, n <= TRIM_MAX), in
 * term order.  The same list as sorting by weight, cutting and sorting
 * by term (cmp_tw_weight is a total order), at a selection's cost.
 * Returns the count. */
static size_t tw_trim(bf_tw_t *tw, size_t n, size_t top)
{
	if (n <= top)
		return n;
	uint64_t key[TRIM_MAX];
	for (size_t i = 0; i < n; i++)
		key[i] = tw_key(tw[i]);
	uint64_t kth = key_select(key, n, top);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (tw_key(tw[i]) >= kth)
			tw[m++] = tw[i];
	return m;
}

/* The top-th heaviest of tw[0..n) (n >= top), cmp_tw_weight order. */
static bf_tw_t tw_nth_heaviest(const bf_tw_t *tw, size_t n, size_t top)
{
	uint64_t key[TRIM_MAX];
	for (size_t i = 0; i < n; i++)
		key[i] = tw_key(tw[i]);
	uint32_t term = UINT32_MAX - (uint32_t)key_select(key, n, top);
	size_t i = 0;
	while (tw[i].term != term)
		i++;
	return tw[i];
}

/* Vector of group gi: its article's, or the normalized sum of its
 * members' vectors; and its last indexed term. */
static void group_vector(groups_t *g, const bf_artvec_t *v, size_t gi, bf_tw_t *acc,
                         bf_tw_t *tmp)
{
	size_t k = 0;
	if (g->own_slot[gi] == UINT32_MAX) {
		uint32_t a = g->mem[g->m_off[gi]];
		g->vec[gi] = bf_artvec_of(v, a);
		k = v->n[a];
	} else {
		bf_tw_t *dst = g->own + (size_t)g->own_slot[gi] * BF_ARTVEC_TOP;
		for (uint64_t i = g->m_off[gi]; i < g->m_off[gi + 1]; i++) {
			uint32_t a = g->mem[i];
			k = tw_add(acc, k, bf_artvec_of(v, a), v->n[a], tmp);
			memcpy(acc, tmp, k * sizeof *acc);
			if (k > SUM_SLACK * BF_ARTVEC_TOP)
				k = tw_trim(acc, k, SUM_SLACK * BF_ARTVEC_TOP);
		}
		k = tw_trim(acc, k, BF_ARTVEC_TOP);
		double s = 0;
		for (size_t i = 0; i < k; i++)
			s += (double)acc[i].w * acc[i].w;
		s = s > 0 ? 1.0 / sqrt(s) : 0;
		for (size_t i = 0; i < k; i++)
			dst[i] = (bf_tw_t){ acc[i].term, (float)(acc[i].w * s) };
		g->vec[gi] = dst;
	}
	g->nt[gi] = (uint32_t)k;
	/* index cut: the BF_STORY_INDEX_TERMS-th term in cmp_tw_weight order */
	g->cut[gi] = k > BF_STORY_INDEX_TERMS
	             ? tw_nth_heaviest(g->vec[gi], k, BF_STORY_INDEX_TERMS)
	             : (bf_tw_t){ UINT32_MAX, 0 };
}

/* Groups of the copy forest (copy_of), numbered in order of their smallest
 * article; members by counting sort. */
static bool groups_members(groups_t *g, const uint32_t *copy_of, size_t n)
{
	g->g_of = malloc((n ? n : 1) * sizeof *g->g_of);
	g->root = malloc((n ? n : 1) * sizeof *g->root);
	g->mem = malloc((n ? n : 1) * sizeof *g->mem);
	if (!g->g_of || !g->root || !g->mem)
		return false;
	for (size_t a = 0; a < n; a++) {
		if (copy_of[a] == a) {
			g->root[g->n] = (uint32_t)a;
			g->g_of[a] = (uint32_t)g->n++;
		} else {
			g->g_of[a] = g->g_of[copy_of[a]]; /* copy_of[a] < a */
		}
	}
	g->m_off = calloc(g->n + 2, sizeof *g->m_off);
	if (!g->m_off)
		return false;
	for (size_t a = 0; a < n; a++)
		g->m_off[g->g_of[a] + 2]++;
	for (size_t i = 0; i < g->n; i++)
		g->m_off[i + 2] += g->m_off[i + 1];
	for (size_t a = 0; a < n; a++)
		g->mem[g->m_off[g->g_of[a] + 1]++] = (uint32_t)a;
	g->own_slot = malloc((g->n ? g->n : 1) * sizeof *g->own_slot);
	if (!g->own_slot)
		return false;
	for (size_t i = 0; i < g->n; i++)
		g->own_slot[i] = g->m_off[i + 1] - g->m_off[i] > 1 ? (uint32_t)g->n_own++ : UINT32_MAX;
	return true;
}

static bool groups_build(groups_t *g, const bf_corpus_t *c, const bf_artvec_t *v,
                         const uint32_t *copy_of, int nt)
{
	size_t n = c->n_art;
	memset(g, 0, sizeof *g);
	if (!groups_members(g, copy_of, n))
		return false;
	size_t ng = g->n ? g->n : 1;
	int32_t *day = malloc((n ? n : 1) * sizeof *day);
	g->vec = malloc(ng * sizeof *g->vec);
	g->own = malloc((g->n_own ? g->n_own : 1) * BF_ARTVEC_TOP * sizeof *g->own);
	g->nt = malloc(ng * sizeof *g->nt);
	g->cut = malloc(ng * sizeof *g->cut);
	g->day_lo = malloc(ng * sizeof *g->day_lo);
	g->day_hi = malloc(ng * sizeof *g->day_hi);
	g->days = malloc((n ? n : 1) * sizeof *g->days);
	g->terms = aligned_alloc(64, ng * BF_ARTVEC_TOP * sizeof *g->terms);
	g->wts = aligned_alloc(64, ng * BF_ARTVEC_TOP * sizeof *g->wts);
	if (!day || !g->vec || !g->own || !g->nt || !g->cut || !g->day_lo || !g->day_hi ||
	    !g->days || !g->terms || !g->wts) {
		free(day);
		return false;
	}
#pragma omp parallel for schedule(static) num_threads(nt)
	for (long a = 0; a < (long)n; a++)
		day[a] = bf_day_of(bf_art_date(c, (uint32_t)a));
	for (size_t a = 0; a < n; a++)
		if (day[a] != INT32_MIN)
			g->days[g->n_dated++] = day[a];
	sort_days(g->days, g->n_dated);
	bool ok = true;
#pragma omp parallel num_threads(nt) reduction(&& : ok)
	{
		size_t cap = (SUM_SLACK + 1) * BF_ARTVEC_TOP;
		bf_tw_t *acc = malloc(cap * sizeof *acc), *tmp = malloc(cap * sizeof *tmp);
		ok = acc && tmp;
#pragma omp for schedule(dynamic, GROUP_CHUNK)
		for (long gi = 0; gi < (long)g->n; gi++) {
			int32_t lo = INT32_MIN, hi = INT32_MIN;
			for (uint64_t i = g->m_off[gi]; i < g->m_off[gi + 1]; i++) {
				int32_t d = day[g->mem[i]];
				if (d == INT32_MIN)
					continue;
				lo = lo == INT32_MIN || d < lo ? d : lo;
				hi = hi == INT32_MIN || d > hi ? d : hi;
			}
			g->day_lo[gi] = lo;
			g->day_hi[gi] = hi;
			if (ok)
				group_vector(g, v, (size_t)gi, acc, tmp);
			for (uint32_t k = 0; ok && k < g->nt[gi]; k++) {
				g->terms[(size_t)gi * BF_ARTVEC_TOP + k] = g->vec[gi][k].term;
				g->wts[(size_t)gi * BF_ARTVEC_TOP + k] = g->vec[gi][k].w;
			}
		}
		free(acc);
		free(tmp);
	}
	free(day);
	return ok;
}

/* Days between two date ranges (0 when they overlap or either is undated). */
static int32_t day_gap(int32_t lo1, int32_t hi1, int32_t lo2, int32_t hi2)
{
	if (lo1 == INT32_MIN || lo2 == INT32_MIN)
		return 0;
	int32_t l = lo1 > lo2 ? lo1 : lo2, h = hi1 < hi2 ? hi1 : hi2;
	return l > h ? l - h : 0;
}

/* Both dated and their union spans more than BF_STORY_MAX_DAYS. */
static bool days_apart(int32_t lo1, int32_t hi1, int32_t lo2, int32_t hi2)
{
	if (lo1 == INT32_MIN || lo2 == INT32_MIN)
		return false;
	int32_t l = lo1 < lo2 ? lo1 : lo2, h = hi1 > hi2 ? hi1 : hi2;
	return h - l > BF_STORY_MAX_DAYS;
}

/* Index of the first of v[0..n) (ascending) greater than x. */
static size_t upper_i32(const int32_t *v, size_t n, int32_t x)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (v[m] <= x)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* Merge threshold of two clusters (or groups) with date ranges [lo1, hi1]
 * and [lo2, hi2] (see bf_storylink.h): BF_STORY_LINK_MIN, lowered by the
 * selectivity of their joint date range when both are dated. */
static double link_threshold(const groups_t *g, int32_t lo1, int32_t hi1,
                             int32_t lo2, int32_t hi2)
{
	if (lo1 == INT32_MIN || lo2 == INT32_MIN)
		return BF_STORY_LINK_MIN;
	int32_t lo = lo1 < lo2 ? lo1 : lo2, hi = hi1 > hi2 ? hi1 : hi2;
	size_t in_window = upper_i32(g->days, g->n_dated, hi) -
	                   upper_i32(g->days, g->n_dated, lo - 1);
	double thr = BF_STORY_LINK_MIN -
	             BF_STORY_DATE_NAT * log((double)g->n_dated / (double)(in_window ? in_window : 1));
	return thr > BF_STORY_EDGE_MIN ? thr : BF_STORY_EDGE_MIN;
}

/* ---- candidates and edges --------------------------------------------- */

/* Postings are (term << 32 | group), sorted in place (bf_hash_sort), so
 * each term's groups form an ascending run: 8 bytes per posting and no
 * sort buffer.  Then only the groups are kept (pg), and each group gets,
 * per indexed term whose run is used (at most BF_STORY_MAX_POSTING long),
 * the span of the run after its own posting: exactly its partners h > gi
 * through that term, with no search or comparison when counting. */
typedef struct {
	uint32_t *pg;       /* group of each posting, runs ascending by group */
	size_t *g_off;      /* n_groups+1 offsets into g_from, g_to */
	uint32_t *g_from;   /* per group and used run: postings [from, to) */
	uint32_t *g_to;
} index_t;

static void index_free(index_t *x)
{
	free(x->pg);
	free(x->g_off);
	free(x->g_from);
	free(x->g_to);
}

/* Postings of group i (out: NULL to count them): its terms at or before
 * its cut in cmp_tw_weight order, its min(nt, BF_STORY_INDEX_TERMS)
 * heaviest.  Returns the count. */
static size_t group_postings(const groups_t *g, size_t i, uint64_t *out)
{
	const bf_tw_t *tw = g->vec[i];
	size_t n = 0;
	for (uint32_t k = 0; k < g->nt[i]; k++)
		if (cmp_tw_weight(&tw[k], &g->cut[i]) <= 0) {
			if (out)
				out[n] = (uint64_t)tw[k].term << 32 | (uint32_t)i;
			n++;
		}
	return n;
}

/* Sorted postings of every group's indexed terms; np: their count.
 * Counted, then written at each group's offset, in parallel. */
static uint64_t *index_postings(const groups_t *g, size_t *np, int nt)
{
	size_t *at = malloc((g->n + 1) * sizeof *at);
	if (!at)
		return NULL;
	at[0] = 0;
#pragma omp parallel for schedule(static) num_threads(nt) if (g->n > GROUP_CHUNK)
	for (long i = 0; i < (long)g->n; i++)
		at[i + 1] = group_postings(g, (size_t)i, NULL);
	for (size_t i = 0; i < g->n; i++)
		at[i + 1] += at[i];
	size_t n = at[g->n];
	uint64_t *post = n < UINT32_MAX ? malloc((n ? n : 1) * sizeof *post) : NULL;
	if (!post) {
		free(at);
		return NULL;
	}
#pragma omp parallel for schedule(static) num_threads(nt) if (g->n > GROUP_CHUNK)
	for (long i = 0; i < (long)g->n; i++)
		group_postings(g, (size_t)i, post + at[i]);
	free(at);
	/* parallel: sorting 3.3 M postings was 0.17 s of one thread on the
	 * 1 GB dump */
	uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (tmp)
		bf_hash_sort_mt(post, n, tmp, nt);
	else
		bf_hash_sort(post, n);
	free(tmp);
	*np = n;
	return post;
}

/* index_build's scatter: the used postings' spans by group. */
typedef struct {
	index_t *x;
	const uint64_t *post;
	size_t np;
	uint32_t *run_end; /* per posting: its run's end, 0 when unused */
} index_scatter_t;

/* First posting at or after i that starts a term's run: a run stays with
 * one thread. */
static size_t index_cut(void *ctx, size_t i)
{
	const index_scatter_t *y = ctx;
	while (i > 0 && i < y->np && y->post[i] >> 32 == y->post[i - 1] >> 32)
		i++;
	return i;
}

/* The runs that start in [lo, hi) (the last followed to its end): groups
 * into pg, each posting's run end into run_end (0 when the run is too long
 * to use), and each group's used postings counted. */
static void index_count(void *ctx, size_t lo, size_t hi, size_t *row)
{
	index_scatter_t *y = ctx;
	for (size_t r = lo, e; r < hi; r = e) {
		for (e = r + 1; e < y->np && y->post[e] >> 32 == y->post[r] >> 32; e++)
			;
		bool used = e - r <= BF_STORY_MAX_POSTING;
		for (size_t i = r; i < e; i++) {
			y->x->pg[i] = (uint32_t)y->post[i];
			y->run_end[i] = used ? (uint32_t)e : 0;
			row[y->x->pg[i]] += used;
		}
	}
}

static bool index_room(void *ctx, size_t total)
{
	index_t *x = ((index_scatter_t *)ctx)->x;
	x->g_from = malloc((total ? total : 1) * sizeof *x->g_from);
	x->g_to = malloc((total ? total : 1) * sizeof *x->g_to);
	return x->g_from && x->g_to;
}

/* Postings [lo, hi) of used runs as spans of their groups, each group's in
 * posting order. */
static void index_place(void *ctx, size_t lo, size_t hi, size_t *row)
{
	const index_scatter_t *y = ctx;
	for (size_t i = lo; i < hi; i++) {
		if (!y->run_end[i])
			continue;
		size_t s = row[y->x->pg[i]]++;
		y->x->g_from[s] = (uint32_t)i + 1;
		y->x->g_to[s] = y->run_end[i];
	}
}

/* The index, in parallel: the sorted postings' runs and then the spans
 * placed by a stable counting sort on the group (bf_scatter_run), the same
 * at any thread count (one thread took 0.05 s of the 1 GB dump here). */
static bool index_build(index_t *x, const groups_t *g, int nt)
{
	memset(x, 0, sizeof *x);
	size_t np = 0;
	uint64_t *post = index_postings(g, &np, nt);
	index_scatter_t y = { x, post, np, malloc((np ? np : 1) * sizeof *y.run_end) };
	x->pg = malloc((np ? np : 1) * sizeof *x->pg);
	x->g_off = malloc((g->n + 1) * sizeof *x->g_off);
	bf_scatter_fns_t fns = { index_count, index_room, index_place, index_cut, &y };
	bool ok = post && y.run_end && x->pg && x->g_off &&
	          bf_scatter_run(np, g->n, bf_scatter_threads(nt, np, PAR_MIN_POSTINGS),
	                         x->g_off, &fns);
	free(post);
	free(y.run_end);
	return ok;
}

typedef struct {
	uint32_t a, b;  /* groups, a < b */
	uint32_t apart; /* 1: days lie between their dates; 0: they overlap
	                   or one is undated */
	float cos;      /* >= BF_STORY_EDGE_MIN > 0 */
} edge_t;

typedef struct {
	edge_t *e;
	size_t n, cap;
	uint64_t n_cand;
	bool oom;
} edgebuf_t;

static void edge_push(edgebuf_t *eb, edge_t e)
{
	if (!bf_array_grow((void **)&eb->e, &eb->cap, eb->n + 1, sizeof *eb->e)) {
		eb->oom = true;
		return;
	}
	eb->e[eb->n++] = e;
}

/* Same-day edges first, then by decreasing cosine, then by groups. */
static int cmp_edge(const void *x, const void *y)
{
	const edge_t *a = x, *b = y;
	if (a->apart != b->apart)
		return a->apart ? 1 : -1;
	if (a->cos != b->cos)
		return a->cos > b->cos ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

/* The merging order's first two fields as the top of a radix key:
 * apart, then the cosine descending (a positive float's bits order as it
 * does, so 0x7fffffff - bits orders by decreasing cosine). */
static uint32_t edge_rank(const edge_t *e)
{
	uint32_t bits;
	memcpy(&bits, &e->cos, sizeof bits);
	return e->apart << 31 | (0x7fffffffu - bits);
}

/* One group's vector scattered into an open-addressing table, so the
 * dot product with a candidate costs one probe per candidate term instead
 * of a branchy merge of two sorted lists (measured: edge finding on the
 * 100 MB dump 0.48 s -> see RESULTS.md).  Products are summed in the
 * candidate's term order, as bf_tw_dot does: the same bits.
 * Most candidates share few terms (on the 100 MB dump 1 % of the dot
 * products make an edge), so a bit filter of the group's terms answers
 * most lookups with one load before the table is probed. */
#define PROBE_SLOTS 256u        /* power of two, >= 2 * BF_ARTVEC_TOP */
#define PROBE_FILTER_BITS 4096u /* 64 terms: 1.6 % false hits */
typedef struct {
	uint32_t term[PROBE_SLOTS];
	float w[PROBE_SLOTS];
	uint32_t stamp[PROBE_SLOTS];
	uint32_t gen;
	uint64_t filter[PROBE_FILTER_BITS / 64];
} probe_t;

/* Terms are hashes (bf_term_hash): their low bits are as good as any. */
static inline bool probe_maybe(const probe_t *p, uint32_t t)
{
	uint32_t bit = t & (PROBE_FILTER_BITS - 1);
	return p->filter[bit >> 6] >> (bit & 63) & 1;
}

static size_t probe_slot(const probe_t *p, uint32_t t)
{
	size_t i = (size_t)((uint64_t)t * 0x9E3779B97F4A7C15ull >> 56) & (PROBE_SLOTS - 1);
	while (p->stamp[i] == p->gen && p->term[i] != t)
		i = (i + 1) & (PROBE_SLOTS - 1);
	return i;
}

static void probe_load(probe_t *p, const bf_tw_t *tw, size_t n)
{
	if (++p->gen == 0) {
		memset(p->stamp, 0, sizeof p->stamp);
		p->gen = 1;
	}
	memset(p->filter, 0, sizeof p->filter);
	for (size_t k = 0; k < n; k++) {
		size_t i = probe_slot(p, tw[k].term);
		p->stamp[i] = p->gen;
		p->term[i] = tw[k].term;
		p->w[i] = tw[k].w;
		uint32_t bit = tw[k].term & (PROBE_FILTER_BITS - 1);
		p->filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
	}
}

/* The dot product of the loaded vector with candidate h's is taken in two
 * steps, MATCH_AHEAD candidates apart, as edge finding is bound by
 * memory: the candidate's terms (groups_t terms, read whole and
 * prefetched, cand_prefetch) are matched first, and its weights (kept
 * apart) are read only where a term matches, ~3 of 64, and prefetched
 * when it does.  (Measured on the 1 GB dump at -j1: terms and weights
 * interleaved, all prefetched, 1.7 -> 2.7 s; the vectors read in place,
 * bf_tw_t, no prefetch: 2.9 s; matched and summed at once, the weights
 * not prefetched: 1.75 s, 45 % of its samples on the weight loads; in
 * two steps: 1.4 s.) */
typedef struct {
	uint32_t n;
	uint8_t k[BF_ARTVEC_TOP]; /* the matching terms' places in h's list */
	float w[BF_ARTVEC_TOP];   /* ... and the loaded vector's weights */
} match_t;

static void cand_match(const probe_t *p, const groups_t *g, uint32_t h, match_t *mt)
{
	const uint32_t *t = g->terms + (size_t)h * BF_ARTVEC_TOP;
	const float *w = g->wts + (size_t)h * BF_ARTVEC_TOP;
	uint32_t n = 0;
	for (size_t k = 0, nt = g->nt[h]; k < nt; k++) {
		if (!probe_maybe(p, t[k]))
			continue;
		size_t i = probe_slot(p, t[k]);
		if (p->stamp[i] == p->gen) {
			__builtin_prefetch(w + k);
			mt->k[n] = (uint8_t)k;
			mt->w[n++] = p->w[i];
		}
	}
	mt->n = n;
}

/* The products summed in h's term order, as bf_tw_dot does: the same
 * bits. */
static double match_dot(const match_t *mt, const groups_t *g, uint32_t h)
{
	const float *w = g->wts + (size_t)h * BF_ARTVEC_TOP;
	double s = 0;
	for (uint32_t j = 0; j < mt->n; j++)
		s += (double)mt->w[j] * w[mt->k[j]];
	return s;
}

/* Candidates ahead whose terms are fetched while one is verified: they
 * are scattered over the groups' blocks (27 MB on the 1 GB dump); and
 * candidates matched ahead of the one whose dot product is summed. */
#define PREFETCH_AHEAD 16u
#define MATCH_AHEAD 8u

static inline void cand_prefetch(const groups_t *g, uint32_t h)
{
	const uint32_t *t = g->terms + (size_t)h * BF_ARTVEC_TOP;
	for (size_t b = 0; b < BF_ARTVEC_TOP; b += 64 / sizeof *t)
		__builtin_prefetch(t + b);
}

/* Fetches the first postings of group gi's runs (each a cache miss in a
 * table of 13 MB on the 1 GB dump), one group ahead of the counting. */
static void spans_prefetch(const index_t *x, uint32_t gi)
{
	for (uint64_t s = x->g_off[gi]; s < x->g_off[gi + 1]; s++)
		__builtin_prefetch(x->pg + x->g_from[s]);
}

_Static_assert(BF_STORY_INDEX_TERMS < UINT8_MAX, "shared-term counts are bytes");

/* Per-thread shared-term counts of one group's candidates: each entry is
 * the group's stamp (high byte) and the count (low byte), a stale stamp
 * reading as 0, so nothing is cleared between groups (the stamps wrap
 * every 255 groups, and the array is cleared then); two bytes a group
 * keep it in L2 (214 KB on the 1 GB dump).  A candidate is listed when
 * its count reaches BF_STORY_MIN_SHARED: most are touched once (on the
 * 1 GB dump 84 M postings, 77 M candidates, 5.2 M listed), and a pass
 * over every candidate to clear and test its count took edge finding
 * there from 1.25 to 1.4 s at -j1. */
typedef struct {
	uint16_t *v;  /* one per group */
	uint32_t gen; /* this group's stamp, 1..255 */
	size_t n;
} share_counts_t;

static bool share_counts_init(share_counts_t *k, size_t n)
{
	k->v = calloc(n ? n : 1, sizeof *k->v);
	k->gen = 0;
	k->n = n;
	return k->v != NULL;
}

/* Starts a group's counts. */
static void share_counts_next(share_counts_t *k)
{
	if (++k->gen > UINT8_MAX) {
		memset(k->v, 0, k->n * sizeof *k->v);
		k->gen = 1;
	}
}

/* Edges (gi, h), h > gi, of group gi, through the index and the counts k
 * (a count is at most gi's indexed terms).  The candidates that pass the
 * date window are then verified in two passes, so that their terms can be
 * prefetched. */
static void edges_of(uint32_t gi, const groups_t *g, const index_t *x,
                     share_counts_t *k, uint32_t *touched, probe_t *pr, edgebuf_t *out)
{
	size_t n_listed = 0;
	uint64_t n_cand = 0;
	uint16_t *cnt = k->v;
	uint32_t stamp = k->gen << 8;
	for (uint64_t s = x->g_off[gi]; s < x->g_off[gi + 1]; s++)
		for (uint32_t j = x->g_from[s]; j < x->g_to[s]; j++) {
			/* branch-free: whether h is new or listed is a coin toss */
			uint32_t h = x->pg[j], c = cnt[h];
			c = ((c & 0xff00u) == stamp ? c : stamp) + 1;
			cnt[h] = (uint16_t)c;
			touched[n_listed] = h;
			n_listed += (c & 0xffu) == BF_STORY_MIN_SHARED;
			n_cand += (c & 0xffu) == 1;
		}
	/* touched is in index order, which depends on nothing but the input;
	 * the edges get a total order (cmp_edge) in join_edges anyway, so the
	 * order they are found in does not matter */
	out->n_cand += n_cand;
	size_t m = 0;
	for (size_t t = 0; t < n_listed; t++) {
		uint32_t h = touched[t];
		if (!days_apart(g->day_lo[gi], g->day_hi[gi], g->day_lo[h], g->day_hi[h]))
			touched[m++] = h;
	}
	probe_load(pr, g->vec[gi], g->nt[gi]);
	const size_t pre = PREFETCH_AHEAD + MATCH_AHEAD;
	match_t ring[MATCH_AHEAD];
	for (size_t t = 0; t < m && t < pre; t++)
		cand_prefetch(g, touched[t]);
	for (size_t t = 0; t < m && t < MATCH_AHEAD; t++)
		cand_match(pr, g, touched[t], &ring[t]);
	for (size_t t = 0; t < m; t++) {
		uint32_t h = touched[t];
		if (t + pre < m)
			cand_prefetch(g, touched[t + pre]);
		match_t *mt = &ring[t % MATCH_AHEAD];
		double cs = match_dot(mt, g, h);
		if (t + MATCH_AHEAD < m)
			cand_match(pr, g, touched[t + MATCH_AHEAD], mt);
		/* the threshold is never below BF_STORY_EDGE_MIN: most candidates
		 * end here, without its two searches and a log */
		if (cs >= BF_STORY_EDGE_MIN &&
		    cs >= link_threshold(g, g->day_lo[gi], g->day_hi[gi], g->day_lo[h], g->day_hi[h]))
			edge_push(out, (edge_t){ gi, h,
			                         day_gap(g->day_lo[gi], g->day_hi[gi], g->day_lo[h],
			                                 g->day_hi[h]) > 0, (float)cs });
	}
}

/* Edges of every group into per-chunk buffers eb[0..n_chunks). */
static void find_edges(edgebuf_t *eb, const groups_t *g, const index_t *x, int nt)
{
	size_t n = g->n, n_chunks = (n + GROUP_CHUNK - 1) / GROUP_CHUNK;
#pragma omp parallel num_threads(nt)
	{
		share_counts_t k;
		bool got = share_counts_init(&k, n);
		uint32_t *touched = malloc((n ? n : 1) * sizeof *touched);
		probe_t *pr = calloc(1, sizeof *pr);
#pragma omp for schedule(dynamic, 1)
		for (long ch = 0; ch < (long)n_chunks; ch++) {
			size_t lo = (size_t)ch * GROUP_CHUNK, hi = lo + GROUP_CHUNK < n ? lo + GROUP_CHUNK : n;
			for (size_t i = lo; i < hi && got && touched && pr; i++) {
				if (i + 1 < n)
					spans_prefetch(x, (uint32_t)i + 1);
				share_counts_next(&k);
				edges_of((uint32_t)i, g, x, &k, touched, pr, &eb[ch]);
			}
			eb[ch].oom |= !got || !touched || !pr;
		}
		free(k.v);
		free(touched);
		free(pr);
	}
}

/* Edges at or below this many are sorted on one thread. */
#define EDGE_PAR_MIN 65536u

/* Sorts each run of one group a by b; false when a does not ascend. */
static bool sort_runs_by_b(edge_t *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (e[i].a < e[i - 1].a)
			return false;
		edge_t x = e[i];
		size_t j = i;
		for (; j > 0 && e[j - 1].a == x.a && e[j - 1].b > x.b; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
	return true;
}

/* Sorts e[0..n) by cmp_edge (a total order).  The edges come by group a
 * (groups in order, chunks in order); with each group's run sorted by b,
 * their positions are in (a, b) order, and a radix sort by the key
 * (edge_rank, a) and the position as the id (ascending, so the parallel
 * bf_bandkey_sort_mt applies) puts them in cmp_edge order.  The two-thread
 * qsort of the 0.65 M edges of the 1 GB dump took 0.16 s of CPU.  Without
 * memory, or for edges not by group, one qsort. */
static void sort_edges(edge_t *e, size_t n, int nt)
{
	bf_bandkey_t *k = malloc((n ? n : 1) * sizeof *k), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	edge_t *c = malloc((n ? n : 1) * sizeof *c);
	if (!k || !tmp || !c || n > UINT32_MAX || !sort_runs_by_b(e, n)) {
		free(k);
		free(tmp);
		free(c);
		qsort(e, n, sizeof *e, cmp_edge);
		return;
	}
#pragma omp parallel for schedule(static) num_threads(nt) if (n > EDGE_PAR_MIN)
	for (long i = 0; i < (long)n; i++) {
		k[i] = (bf_bandkey_t){ (uint64_t)edge_rank(&e[i]) << 32 | e[i].a, (uint32_t)i, 0 };
		c[i] = e[i];
	}
	bf_bandkey_sort_mt(k, n, tmp, nt);
#pragma omp parallel for schedule(static) num_threads(nt) if (n > EDGE_PAR_MIN)
	for (long i = 0; i < (long)n; i++)
		e[i] = c[k[i].id];
	free(k);
	free(tmp);
	free(c);
}

/* Concatenates the chunk buffers in chunk order into all (freeing them)
 * and sorts all into merging order.  The first chunk's buffer grows to
 * hold every edge and the others are freed as they are copied, so the
 * peak is the edges plus one chunk's, not twice the edges. */
static bool join_edges(edgebuf_t *all, edgebuf_t *eb, size_t n_chunks, int nt)
{
	bool ok = true;
	size_t tot = 0;
	for (size_t ch = 0; ch < n_chunks; ch++) {
		ok = ok && !eb[ch].oom;
		tot += eb[ch].n;
		all->n_cand += eb[ch].n_cand;
	}
	all->e = ok && n_chunks ? realloc(eb[0].e, (tot ? tot : 1) * sizeof *all->e) : NULL;
	ok = ok && all->e;
	if (ok)
		eb[0].e = NULL;
	for (size_t ch = 0; ch < n_chunks; ch++) {
		if (ok && ch > 0 && eb[ch].n)
			memcpy(all->e + all->n, eb[ch].e, eb[ch].n * sizeof *all->e);
		all->n += ok ? eb[ch].n : 0;
		free(eb[ch].e);
		eb[ch].e = NULL;
	}
	if (ok)
		sort_edges(all->e, all->n, nt);
	return ok;
}

/* ---- average-link merging --------------------------------------------- */

typedef struct {
	bf_tw_t **sum;      /* per root: vector sum (NULL: the group's own) */
	uint32_t *n_sum;    /* terms in sum */
	uint32_t *size;     /* groups per cluster */
	uint32_t *next;     /* member list: next group, UINT32_MAX at the end */
	uint32_t *tail;     /* per root: last member */
	int32_t *lo, *hi;   /* per root: date range */
	uint32_t *ver;      /* per group: merges it took part in (a root's
	                       cluster is unchanged while its count is) */
} clusters_t;

static void clusters_free(clusters_t *k, size_t n)
{
	for (size_t i = 0; k->sum && i < n; i++)
		free(k->sum[i]);
	free(k->sum);
	free(k->n_sum);
	free(k->size);
	free(k->next);
	free(k->tail);
	free(k->lo);
	free(k->hi);
	free(k->ver);
}

static bool clusters_init(clusters_t *k, const groups_t *g)
{
	size_t n = g->n ? g->n : 1;
	k->sum = calloc(n, sizeof *k->sum);
	k->n_sum = malloc(n * sizeof *k->n_sum);
	k->size = malloc(n * sizeof *k->size);
	k->next = malloc(n * sizeof *k->next);
	k->tail = malloc(n * sizeof *k->tail);
	k->lo = malloc(n * sizeof *k->lo);
	k->hi = malloc(n * sizeof *k->hi);
	k->ver = calloc(n, sizeof *k->ver);
	if (!k->sum || !k->n_sum || !k->size || !k->next || !k->tail || !k->lo || !k->hi ||
	    !k->ver)
		return false;
	for (size_t i = 0; i < g->n; i++) {
		k->n_sum[i] = 0;
		k->size[i] = 1;
		k->next[i] = UINT32_MAX;
		k->tail[i] = (uint32_t)i;
		k->lo[i] = g->day_lo[i];
		k->hi[i] = g->day_hi[i];
	}
	return true;
}

static const bf_tw_t *sum_of(const clusters_t *k, const groups_t *g, uint32_t r,
                             size_t *n)
{
	if (k->sum[r]) {
		*n = k->n_sum[r];
		return k->sum[r];
	}
	*n = g->nt[r];
	return g->vec[r];
}

/* Least mean cosine of a member of cluster rx (first BF_STORY_XDAY_CHECK
 * members) to the cluster whose sum is s[0..ns) of size sz. */
static double least_member_link(const clusters_t *k, const groups_t *g, uint32_t rx,
                                const bf_tw_t *s, size_t ns, uint32_t sz)
{
	double mn = INFINITY;
	uint32_t seen = 0;
	for (uint32_t x = rx; x != UINT32_MAX && seen < BF_STORY_XDAY_CHECK; x = k->next[x], seen++) {
		double sc = bf_tw_dot(g->vec[x], g->nt[x], s, ns) / sz;
		mn = sc < mn ? sc : mn;
	}
	return mn;
}

/* The sum of clusters ra and rb as merge_pair makes it, into tmp (room
 * for two sums); returns its count. */
static size_t merged_sum(const clusters_t *k, const groups_t *g, uint32_t ra, uint32_t rb,
                         bf_tw_t *tmp)
{
	size_t na, nb;
	const bf_tw_t *va = sum_of(k, g, ra, &na), *vb = sum_of(k, g, rb, &nb);
	return tw_trim(tmp, tw_add(va, na, vb, nb, tmp), BF_STORY_SUM_TERMS);
}

/* Merges clusters ra and rb whose sum merged_sum made, tmp[0..m): the
 * root is the smaller, member lists are concatenated. */
static bool merge_pair(clusters_t *k, bf_uf_t *guf, uint32_t ra, uint32_t rb,
                       const bf_tw_t *tmp, size_t m)
{
	uint32_t r = ra < rb ? ra : rb, o = ra < rb ? rb : ra;
	bf_tw_t *ns = realloc(k->sum[r], BF_STORY_SUM_TERMS * sizeof *ns);
	if (!ns)
		return false;
	k->sum[r] = ns;
	memcpy(ns, tmp, m * sizeof *ns);
	k->n_sum[r] = (uint32_t)m;
	free(k->sum[o]);
	k->sum[o] = NULL;
	bf_uf_union(guf, ra, rb);
	k->ver[ra]++;
	k->ver[rb]++;
	k->size[r] = k->size[ra] + k->size[rb];
	k->next[k->tail[r]] = o;
	k->tail[r] = k->tail[o];
	int32_t lo = k->lo[ra], hi = k->hi[ra];
	if (lo == INT32_MIN || (k->lo[rb] != INT32_MIN && k->lo[rb] < lo))
		lo = k->lo[rb];
	if (hi == INT32_MIN || (k->hi[rb] != INT32_MIN && k->hi[rb] > hi))
		hi = k->hi[rb];
	k->lo[r] = lo;
	k->hi[r] = hi;
	return true;
}

/* Whether edge e merges the clusters of roots ra and rb as they are now:
 * apart, dated close enough, mean cosine at the threshold, and for
 * clusters of different days every member close to the other cluster.
 * Reads only. */
static bool link_ok(const clusters_t *k, const groups_t *g, const edge_t *e,
                    uint32_t ra, uint32_t rb)
{
	if (ra == rb || days_apart(k->lo[ra], k->hi[ra], k->lo[rb], k->hi[rb]))
		return false;
	size_t na, nb;
	const bf_tw_t *va = sum_of(k, g, ra, &na), *vb = sum_of(k, g, rb, &nb);
	/* two single groups: their mean cosine is the edge's */
	double avg = k->size[ra] == 1 && k->size[rb] == 1
	             ? e->cos
	             : bf_tw_dot(va, na, vb, nb) / ((double)k->size[ra] * k->size[rb]);
	if (avg < link_threshold(g, k->lo[ra], k->hi[ra], k->lo[rb], k->hi[rb]))
		return false;
	return day_gap(k->lo[ra], k->hi[ra], k->lo[rb], k->hi[rb]) == 0 ||
	       (least_member_link(k, g, ra, vb, nb, k->size[rb]) >= BF_STORY_XDAY_MIN &&
	        least_member_link(k, g, rb, va, na, k->size[ra]) >= BF_STORY_XDAY_MIN);
}

/* A decision taken ahead: valid while both roots are still roots of
 * unchanged clusters (the same versions); a merge decided so also has its
 * sum made ahead (n_sum terms at its place in the window's sums). */
typedef struct {
	uint32_t ra, rb, va, vb;
	uint32_t n_sum;
	bool ok;
} spec_t;

/* Average-link merging in edge order.  The merges are sequential, but
 * most edges merge nothing (on the 1 GB dump 59 k of 653 k), so each
 * window's decisions are first taken in parallel on the clusters as they
 * are when the window starts, with the merged sum of each merge so
 * decided; an edge whose clusters a merge earlier in the window changed
 * is decided (and its sum made) again in turn.  The decisions and sums,
 * and so the clusters, are those of taking every edge in turn (this loop
 * was 0.45 s of one thread at -j2 on the 1 GB dump; making the sums ahead
 * took its serial part from 0.14 to 0.02 s, and the loop from 0.26 to
 * 0.19 s). */
static bool merge_edges(const edgebuf_t *eb, const groups_t *g, bf_uf_t *guf,
                        uint64_t *n_links, int nt, uint32_t window)
{
	clusters_t k = { 0 };
	const size_t sum_room = 2 * (BF_STORY_SUM_TERMS + BF_ARTVEC_TOP);
	bf_tw_t *tmp = malloc(sum_room * sizeof *tmp);
	size_t win = window ? window : BF_STORY_MERGE_WINDOW;
	spec_t *sp = malloc(win * sizeof *sp);
	bf_tw_t *sums = malloc(win * sum_room * sizeof *sums); /* per edge of the window */
	bool ok = tmp && sp && sums && clusters_init(&k, g);
	for (size_t w0 = 0; ok && w0 < eb->n; w0 += win) {
		size_t w1 = w0 + win < eb->n ? w0 + win : eb->n;
#pragma omp parallel for schedule(dynamic, 32) num_threads(nt) if (w1 - w0 > 64)
		for (long i = (long)w0; i < (long)w1; i++) {
			const edge_t *e = &eb->e[i];
			uint32_t ra = bf_uf_root(guf, e->a), rb = bf_uf_root(guf, e->b);
			bool yes = link_ok(&k, g, e, ra, rb);
			size_t m = yes ? merged_sum(&k, g, ra, rb, sums + (size_t)(i - (long)w0) * sum_room) : 0;
			sp[i - (long)w0] = (spec_t){ ra, rb, k.ver[ra], k.ver[rb], (uint32_t)m, yes };
		}
		for (size_t i = w0; ok && i < w1; i++) {
			const edge_t *e = &eb->e[i];
			const spec_t *s = &sp[i - w0];
			uint32_t ra = bf_uf_find(guf, e->a), rb = bf_uf_find(guf, e->b);
			bool same = s->ra == ra && s->rb == rb && s->va == k.ver[ra] &&
			            s->vb == k.ver[rb];
			if (same && s->ok)
				ok = merge_pair(&k, guf, ra, rb, sums + (i - w0) * sum_room, s->n_sum);
			else if (!same && link_ok(&k, g, e, ra, rb))
				ok = merge_pair(&k, guf, ra, rb, tmp, merged_sum(&k, g, ra, rb, tmp));
			else
				continue;
			*n_links += ok;
		}
	}
	clusters_free(&k, g->n);
	free(tmp);
	free(sp);
	free(sums);
	return ok;
}

bf_status_t bf_storylink(const bf_corpus_t *c, const bf_artvec_t *v,
                         const uint32_t *copy_of, int n_threads, uint32_t window,
                         bf_uf_t *uf, bf_storylink_counts_t *counts)
{
	int nt = n_threads > 0 ? n_threads : 1;
	groups_t g;
	index_t x = { 0 };
	edgebuf_t eb = { 0 };
	bf_uf_t guf = { 0 };
	bool ok = groups_build(&g, c, v, copy_of, nt) && index_build(&x, &g, nt);
	size_t n_chunks = (g.n + GROUP_CHUNK - 1) / GROUP_CHUNK;
	edgebuf_t *chunks = ok ? calloc(n_chunks ? n_chunks : 1, sizeof *chunks) : NULL;
	ok = ok && chunks;
	if (ok)
		find_edges(chunks, &g, &x, nt);
	index_free(&x); /* before the edges are joined: lower peak memory */
	ok = ok && join_edges(&eb, chunks, n_chunks, nt) && bf_uf_init(&guf, g.n) == BF_OK &&
	     merge_edges(&eb, &g, &guf, &counts->n_links, nt, window);
	for (size_t ch = 0; chunks && ch < n_chunks; ch++)
		free(chunks[ch].e);
	free(chunks);
	for (size_t a = 0; ok && a < c->n_art; a++)
		bf_uf_union(uf, (uint32_t)a, g.root[bf_uf_find(&guf, g.g_of[a])]);
	counts->n_groups = g.n;
	counts->n_candidates = eb.n_cand;
	counts->n_edges = eb.n;
	free(eb.e);
	bf_uf_destroy(&guf);
	groups_free(&g);
	return ok ? BF_OK : BF_ENOMEM;
}
