/* rank.c - TextRank inside one story (see bf_rank.h).
 *
 * The graph of a story is small (at most BF_RANK_MAX_NODES nodes, after
 * near-duplicates are folded into one node), so its edges come from all
 * pairs of its nodes; stories are ranked independently, which is what keeps
 * the whole pass linear in the dump. */
#include "bf_rank.h"
#include "bf_pagerank.h"
#include "bf_shingle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint32_t cluster;
	uint32_t sent;
	uint32_t type;
} occ_t;

static int cmp_occ(const void *a, const void *b)
{
	const occ_t *x = a, *y = b;
	if (x->cluster != y->cluster)
		return x->cluster < y->cluster ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (x->sent > y->sent) - (x->sent < y->sent);
}

/* Sentences of the story's articles, stock text left out, sorted by
 * (cluster, type, sentence). */
static occ_t *story_occurrences(uint32_t story, const bf_corpus_t *c,
                                const bf_dedup_t *d, const bf_stories_t *st,
                                size_t *n_out)
{
	size_t n = 0;
	for (uint64_t i = st->st_off[story]; i < st->st_off[story + 1]; i++)
		n += c->art[st->st_art[i]].n_sent;
	occ_t *o = malloc((n ? n : 1) * sizeof *o);
	if (!o)
		return NULL;
	size_t k = 0;
	for (uint64_t i = st->st_off[story]; i < st->st_off[story + 1]; i++) {
		const bf_article_t *a = &c->art[st->st_art[i]];
		for (uint32_t j = 0; j < a->n_sent; j++) {
			uint32_t s = a->first_sent + j;
			if (!st->cl_stock[d->cluster_of[s]])
				o[k++] = (occ_t){ d->cluster_of[s], s, d->type_of[s] };
		}
	}
	qsort(o, k, sizeof *o, cmp_occ);
	*n_out = k;
	return o;
}

/* One node per cluster; its representative is the cluster's most frequent
 * exact text in the story, ties to the earliest sentence. */
static size_t make_nodes(const occ_t *o, size_t n, const bf_corpus_t *c,
                         const bf_dedup_t *d, bf_node_t *node)
{
	size_t nn = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, best_cnt = 0;
		uint32_t best = o[i].sent, pos = UINT32_MAX;
		while (j < n && o[j].cluster == o[i].cluster) {
			size_t k = j; /* a run of one type; o[j] is its first sentence */
			while (k < n && o[k].cluster == o[i].cluster && o[k].type == o[j].type) {
				if (c->sent[o[k].sent].pos < pos)
					pos = c->sent[o[k].sent].pos;
				k++;
			}
			if (k - j > best_cnt || (k - j == best_cnt && o[j].sent < best)) {
				best_cnt = k - j;
				best = o[j].sent;
			}
			j = k;
		}
		node[nn++] = (bf_node_t){ o[i].cluster, best, d->cl_support[o[i].cluster],
		                          pos, 0 };
		i = j;
	}
	return nn;
}

static int cmp_keep(const void *a, const void *b)
{
	const bf_node_t *x = a, *y = b;
	if (x->support != y->support)
		return x->support > y->support ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

static int cmp_cluster(const void *a, const void *b)
{
	const bf_node_t *x = a, *y = b;
	return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

static int cmp_score(const void *a, const void *b)
{
	const bf_node_t *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

/* Mihalcea & Tarau 2004 sentence similarity over content terms:
 * |Ti ∩ Tj| / (log|Ti| + log|Tj|); lengths get +1 so one-term sentences do
 * not divide by log 1 = 0. */
typedef struct {
	uint32_t *row, *src;
	double *w;
} graph_t;

static void graph_free(graph_t *g)
{
	free(g->row);
	free(g->src);
	free(g->w);
}

/* |Ti ∩ Tj| of every pair i < j into cnt (n x n, row i, column j; at most
 * BF_RANK_MAX_NODES^2 x 4 bytes = 9 MB): each
 * term adds 1 to the pairs of nodes that carry it, found by sorting
 * (term, node) postings.  Only pairs that share a term are touched,
 * instead of merging the term sets of all n²/2 pairs; the counts are the
 * same intersections (1 GB dump -j2, rank stage: 0.66 -> 0.23 s).
 * False when out of memory. */
static bool pair_counts(const bf_node_t *node, size_t n, const bf_features_t *f,
                        uint32_t *cnt)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += bf_feat_n_term(f, node[i].sent);
	uint64_t *post = malloc((np ? np : 1) * sizeof *post);
	if (!post)
		return false;
	np = 0;
	for (size_t i = 0; i < n; i++) {
		const uint32_t *t = bf_feat_term(f, node[i].sent);
		for (size_t k = 0, nt = bf_feat_n_term(f, node[i].sent); k < nt; k++)
			post[np++] = (uint64_t)t[k] << 32 | (uint32_t)i;
	}
	bf_hash_sort(post, np); /* each term's nodes: an ascending run */
	for (size_t a = 0, b; a < np; a = b) {
		for (b = a + 1; b < np && post[b] >> 32 == post[a] >> 32; b++)
			;
		for (size_t x = a; x < b; x++) {
			uint32_t *r = cnt + (size_t)(uint32_t)post[x] * n;
			for (size_t y = x + 1; y < b; y++)
				r[(uint32_t)post[y]]++;
		}
	}
	free(post);
	return true;
}

/* Undirected similarity graph as in-edge CSR (each edge in both rows, each
 * row's sources ascending), straight from the pair counts: one pass sizes
 * the rows, one fills them in (i, j) order. */
static bool build_graph(graph_t *g, const bf_node_t *node, size_t n,
                        const bf_features_t *f)
{
	double *lg = malloc((n ? n : 1) * sizeof *lg);
	uint32_t *cnt = calloc(n ? n * n : 1, sizeof *cnt);
	uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
	g->row = calloc(n + 1, sizeof *g->row);
	bool ok = lg && cnt && fill && g->row && pair_counts(node, n, f, cnt);
	for (size_t i = 0; ok && i < n; i++) {
		lg[i] = log((double)bf_feat_n_term(f, node[i].sent) + 1);
		for (size_t j = i + 1; j < n; j++)
			if (cnt[i * n + j]) {
				g->row[i + 1]++;
				g->row[j + 1]++;
			}
	}
	for (size_t i = 0; ok && i < n; i++)
		g->row[i + 1] += g->row[i];
	size_t m = ok ? g->row[n] : 0;
	g->src = malloc((m ? m : 1) * sizeof *g->src);
	g->w = malloc((m ? m : 1) * sizeof *g->w);
	ok = ok && g->src && g->w;
	if (ok)
		memcpy(fill, g->row, n * sizeof *fill);
	/* for row j, sources i < j arrive in ascending i, and sources i > j
	 * arrive afterwards in ascending order too */
	for (size_t i = 0; ok && i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			uint32_t inter = cnt[i * n + j];
			if (!inter)
				continue;
			double w = (double)inter / (lg[i] + lg[j]);
			g->src[fill[j]] = (uint32_t)i;
			g->w[fill[j]++] = w;
			g->src[fill[i]] = (uint32_t)j;
			g->w[fill[i]++] = w;
		}
	free(lg);
	free(cnt);
	free(fill);
	return ok;
}

bf_status_t bf_rank_story(bf_ranked_t *out, uint32_t story,
                          const bf_corpus_t *c, const bf_features_t *f,
                          const bf_dedup_t *d, const bf_stories_t *st)
{
	memset(out, 0, sizeof *out);
	size_t n_occ = 0;
	occ_t *occ = story_occurrences(story, c, d, st, &n_occ);
	bf_node_t *node = malloc((n_occ ? n_occ : 1) * sizeof *node);
	if (!occ || !node) {
		free(occ);
		free(node);
		return BF_ENOMEM;
	}
	size_t n = make_nodes(occ, n_occ, c, d, node);
	free(occ);
	if (n > BF_RANK_MAX_NODES) {
		qsort(node, n, sizeof *node, cmp_keep);
		n = BF_RANK_MAX_NODES;
		qsort(node, n, sizeof *node, cmp_cluster);
	}
	graph_t g = { 0 };
	double *jump = malloc((n ? n : 1) * sizeof *jump);
	double *x = malloc((n ? n : 1) * sizeof *x);
	double *work = malloc((2 * n + 1) * sizeof *work);
	bool ok = jump && x && work && build_graph(&g, node, n, f);
	if (ok && n) {
		/* the random jump follows support and the lead (bf_rank.h): a
		 * sentence carried by many articles, or near the top of one, is
		 * where a reader "lands" more often */
		double tot = 0;
		for (size_t i = 0; i < n; i++) {
			jump[i] = node[i].support / (1.0 + node[i].pos);
			tot += jump[i];
		}
		for (size_t i = 0; i < n; i++)
			jump[i] /= tot;
		bf_csr_t csr = { (uint32_t)n, g.row, g.src, g.w };
		bf_pagerank(&csr, jump, BF_RANK_DAMPING, BF_RANK_TOL, BF_RANK_MAX_ITER, x, work);
		for (size_t i = 0; i < n; i++)
			node[i].score = x[i];
		qsort(node, n, sizeof *node, cmp_score);
	}
	graph_free(&g);
	free(jump);
	free(x);
	free(work);
	if (!ok) {
		free(node);
		return BF_ENOMEM;
	}
	out->node = node;
	out->n = n;
	return BF_OK;
}

void bf_ranked_free(bf_ranked_t *r)
{
	free(r->node);
	memset(r, 0, sizeof *r);
}
