/* select.c - stories and sentences of the briefing (see bf_select.h). */
#include "bf_select.h"
#include "bf_shingle.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	bf_ranked_t r;
	size_t cursor;   /* next node to consider */
	bf_story_out_t *out;
} story_state_t;

/* True when sentence s is a near-duplicate of a sentence already chosen. */
static bool repeats(const bf_features_t *f, uint32_t s, const uint32_t *chosen,
                    size_t n_chosen, double threshold)
{
	for (size_t i = 0; i < n_chosen; i++)
		if (bf_jaccard_sorted(bf_feat_sh(f, s), bf_feat_n_sh(f, s),
		                      bf_feat_sh(f, chosen[i]), bf_feat_n_sh(f, chosen[i])) >= threshold)
			return true;
	return false;
}

/* First n words of s (single-space separated), with an ellipsis. */
static char *cut_words(const char *s, uint32_t n)
{
	const char *e = s;
	for (uint32_t w = 0; w < n && *e; w++) {
		while (*e == ' ')
			e++;
		while (*e && *e != ' ')
			e++;
	}
	size_t len = (size_t)(e - s);
	char *out = malloc(len + sizeof "…");
	if (out) {
		memcpy(out, s, len);
		memcpy(out + len, "…", sizeof "…");
	}
	return out;
}

static bool push_pick(bf_story_out_t *so, const bf_node_t *nd, uint32_t words,
                      char *cut)
{
	bf_pick_t *np = realloc(so->pick, (so->n_pick + 1) * sizeof *np);
	if (!np) {
		free(cut);
		return false;
	}
	so->pick = np;
	so->pick[so->n_pick++] = (bf_pick_t){ nd->sent, nd->cluster, nd->support,
	                                       words, nd->score, cut };
	return true;
}

/* One round-robin turn of a story: its best remaining sentence that fits
 * and repeats nothing.  Returns false on allocation failure. */
static bool take_turn(story_state_t *ss, const bf_corpus_t *c,
                      const bf_features_t *f, uint32_t *chosen, size_t *n_chosen,
                      uint32_t *left, bool first, double threshold)
{
	while (ss->cursor < ss->r.n) {
		const bf_node_t *nd = &ss->r.node[ss->cursor++];
		uint32_t w = c->sent[nd->sent].n_words;
		char *cut = NULL;
		if (w > *left && first) {
			/* the one allowed overrun: cut the briefing's first sentence */
			cut = cut_words(bf_sent_text(c, nd->sent), *left);
			if (!cut)
				return false;
			w = *left;
		}
		if (w > *left || repeats(f, nd->sent, chosen, *n_chosen, threshold)) {
			free(cut);
			continue;
		}
		chosen[(*n_chosen)++] = nd->sent;
		*left -= w;
		return push_pick(ss->out, nd, w, cut);
	}
	return true;
}

static int cmp_reading(const void *a, const void *b, void *ctx)
{
	const bf_corpus_t *c = ctx;
	const bf_pick_t *x = a, *y = b;
	uint32_t px = c->sent[x->sent].pos, py = c->sent[y->sent].pos;
	if (px != py)
		return px < py ? -1 : 1;
	return (x->sent > y->sent) - (x->sent < y->sent);
}

static double node_score(const bf_node_t *by_cluster, size_t n, uint32_t cl)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (by_cluster[mid].cluster < cl)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && by_cluster[lo].cluster == cl ? by_cluster[lo].score : 0;
}

static int cmp_node_cluster(const void *a, const void *b)
{
	const bf_node_t *x = a, *y = b;
	return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

/* The titled article whose sentences carry the most TextRank score: the
 * story's most representative article.  UINT32_MAX when none has a title. */
static uint32_t pick_title(const bf_ranked_t *r, uint32_t story,
                           const bf_corpus_t *c, const bf_dedup_t *d,
                           const bf_stories_t *st)
{
	bf_node_t *bc = malloc((r->n ? r->n : 1) * sizeof *bc);
	if (!bc)
		return UINT32_MAX;
	memcpy(bc, r->node, r->n * sizeof *bc);
	qsort(bc, r->n, sizeof *bc, cmp_node_cluster);
	uint32_t best = UINT32_MAX;
	double best_s = -1;
	for (uint64_t i = st->st_off[story]; i < st->st_off[story + 1]; i++) {
		uint32_t a = st->st_art[i];
		const char *t = bf_art_title(c, a);
		if (!t || !*t)
			continue;
		double s = 0;
		for (uint32_t j = 0; j < c->art[a].n_sent; j++)
			s += node_score(bc, r->n, d->cluster_of[c->art[a].first_sent + j]);
		if (s > best_s) {
			best_s = s;
			best = a;
		}
	}
	free(bc);
	return best;
}

/* Round robin over the stories until no story can add a sentence. */
static bool fill_budget(story_state_t *ss, size_t ns, const bf_corpus_t *c,
                        const bf_features_t *f, const bf_select_opts_t *o,
                        uint32_t *chosen, uint32_t *words_used)
{
	size_t n_chosen = 0;
	uint32_t left = o->max_words;
	bool more = true, ok = true;
	while (more && ok && left > 0) {
		more = false;
		for (size_t i = 0; i < ns && ok; i++) {
			ok = take_turn(&ss[i], c, f, chosen, &n_chosen, &left,
			               n_chosen == 0, o->threshold);
			more = more || ss[i].cursor < ss[i].r.n;
		}
	}
	*words_used = o->max_words - left;
	return ok;
}

bf_status_t bf_select_run(bf_briefing_t *b, const bf_corpus_t *c,
                          const bf_features_t *f, const bf_dedup_t *d,
                          const bf_stories_t *st, const bf_select_opts_t *o)
{
	memset(b, 0, sizeof *b);
	size_t ns = st->n_stories < o->max_stories ? st->n_stories : o->max_stories;
	story_state_t *ss = calloc(ns ? ns : 1, sizeof *ss);
	b->st = calloc(ns ? ns : 1, sizeof *b->st);
	uint32_t *chosen = malloc(((size_t)o->max_words + 1) * sizeof *chosen);
	bool ok = ss && b->st && chosen;
	int nt = o->n_threads > 0 ? o->n_threads : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) reduction(&& : ok)
	for (long i = 0; i < (long)(ss ? ns : 0); i++) {
		ss[i].out = &b->st[i];
		b->st[i].story = (uint32_t)i;
		bool ranked = bf_rank_story(&ss[i].r, (uint32_t)i, c, f, d, st) == BF_OK;
		b->st[i].title_art = ranked ? pick_title(&ss[i].r, (uint32_t)i, c, d, st) : UINT32_MAX;
		ok = ranked && ok;
	}
	ok = ok && fill_budget(ss, ns, c, f, o, chosen, &b->n_words);
	/* keep stories that got a sentence, in rank order, sentences in
	 * reading order */
	for (size_t i = 0; ss && i < ns; i++) {
		if (ok && b->st[i].n_pick) {
			qsort_r(b->st[i].pick, b->st[i].n_pick, sizeof *b->st[i].pick,
			        cmp_reading, (void *)c);
			b->st[b->n++] = b->st[i];
		} else {
			for (size_t j = 0; j < b->st[i].n_pick; j++)
				free(b->st[i].pick[j].cut_text);
			free(b->st[i].pick);
		}
		bf_ranked_free(&ss[i].r);
	}
	free(ss);
	free(chosen);
	if (!ok) {
		bf_briefing_free(b);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_briefing_free(bf_briefing_t *b)
{
	for (size_t i = 0; b->st && i < b->n; i++) {
		for (size_t j = 0; j < b->st[i].n_pick; j++)
			free(b->st[i].pick[j].cut_text);
		free(b->st[i].pick);
	}
	free(b->st);
	memset(b, 0, sizeof *b);
}
