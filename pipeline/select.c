/* select.c - stories and sentences of the briefing (see bf_select.h). */
#include "bf_select.h"
#include "bf_coverage.h"
#include "bf_shingle.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	bf_ranked_t r;
	bf_concepts_t cs;
	double *best_tr;    /* per concept: highest TextRank score among the
	                       chosen sentences of the story with it, or 0 */
	uint8_t *used;      /* per node: chosen or ruled out */
	bf_story_out_t *out;
} story_state_t;

/* Content-term containment |Ts ∩ Tc| / min(|Ts|, |Tc|) of s in a chosen
 * sentence c at which s is redundant: "half of what the shorter of the two
 * says, the other says too". */
#define MAX_TERM_OVERLAP 0.5

/* True when sentence s repeats a sentence already chosen: a near-duplicate
 * (shingle Jaccard >= threshold, the definition of bf_dedup.h), or a
 * restatement in other words (content-term containment >= MAX_TERM_OVERLAP,
 * e.g. "X was fired by Y on Sept. 2" after "On Sept. 2, Y fired X").
 * Concept coverage alone only lowers the value of a restatement (its
 * bigrams differ where the words are reordered); this rules it out.
 * Measured on DUC 2004 (dev, ROUGE-1 / ROUGE-2 recall x100): 38.4 / 9.8
 * without it, 38.7 / 9.9 with it; a containment of 0.4, 0.6 or 0.7 measures
 * within 0.2 of 0.5, and 0.3 (too eager) loses 0.3 / 0.4. */
static bool repeats(const bf_corpus_t *co, const bf_features_t *f, uint32_t s,
                    const uint32_t *chosen, size_t n_chosen, double threshold)
{
	size_t ns = bf_feat_n_term(f, s);
	for (size_t i = 0; i < n_chosen; i++) {
		uint32_t c = chosen[i];
		size_t nc = bf_feat_n_term(f, c), m = ns < nc ? ns : nc;
		if (m && bf_hashset32_intersect(bf_feat_term(f, s), ns, bf_feat_term(f, c), nc) >=
		             MAX_TERM_OVERLAP * (double)m)
			return true;
		/* after the term test: the shingle sets are recomputed from text
		 * (bf_features_drop_shingles); a failure to do so counts as a
		 * repeat, so nothing is shown twice */
		double j = bf_feat_jaccard_any(f, co, s, c);
		if (j < 0 || j >= threshold)
			return true;
	}
	return false;
}

/* First n words of s (single-space separated; words as the budget counts
 * them, bf_count_words), with an ellipsis. */
static char *cut_words(const char *s, uint32_t n)
{
	const char *e = s;
	for (uint32_t w = 0; w < n && *e;) {
		while (*e == ' ')
			e++;
		const char *b = e;
		while (*e && *e != ' ')
			e++;
		w += bf_is_word(b, e);
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

/* Marginal gain of node i (bf_select.h): for each of its concepts, the
 * concept's df times how much its TextRank score raises the best score
 * the concept has among chosen sentences. */
static double gain(const story_state_t *ss, size_t i)
{
	const uint32_t *cid = bf_concepts_of(&ss->cs, i);
	size_t n = bf_concepts_n(&ss->cs, i);
	double tr = ss->r.node[i].score, g = 0;
	for (size_t k = 0; k < n; k++)
		if (tr > ss->best_tr[cid[k]])
			g += ss->cs.df[cid[k]] * (tr - ss->best_tr[cid[k]]);
	return g;
}

/* The unused node of the story of highest gain per word among those that
 * fit the words left and add something (gain > 0); SIZE_MAX when none.
 * Ties go to the earlier node (higher TextRank, then smaller cluster id),
 * so the choice is deterministic. */
static size_t best_node(const story_state_t *ss, uint32_t left, bool first)
{
	size_t best = SIZE_MAX;
	double best_v = 0;
	for (size_t i = 0; i < ss->r.n; i++) {
		if (ss->used[i])
			continue;
		uint32_t w = ss->cs.n_words[i];
		/* the briefing's first sentence may be cut to the budget */
		if ((w > left && !first) || w == 0 || left == 0)
			continue;
		double v = gain(ss, i) / w;
		if (v > best_v) {
			best_v = v;
			best = i;
		}
	}
	return best;
}

/* One round-robin turn of a story: it takes its best node (best_node) that
 * repeats no chosen sentence.  *picked tells whether it took one.  Returns
 * false on allocation failure. */
static bool take_turn(story_state_t *ss, const bf_corpus_t *c,
                      const bf_features_t *f, uint32_t *chosen, size_t *n_chosen,
                      uint32_t *left, bool first, double threshold, bool *picked)
{
	*picked = false;
	size_t i;
	while ((i = best_node(ss, *left, first)) != SIZE_MAX) {
		const bf_node_t *nd = &ss->r.node[i];
		ss->used[i] = 1;
		if (repeats(c, f, nd->sent, chosen, *n_chosen, threshold))
			continue;
		uint32_t w = ss->cs.n_words[i];
		char *cut = NULL;
		if (w > *left) {
			/* the one allowed overrun: cut the briefing's first sentence */
			cut = cut_words(bf_sent_text(c, nd->sent), *left);
			if (!cut)
				return false;
			w = *left;
		}
		const uint32_t *cid = bf_concepts_of(&ss->cs, i);
		for (size_t k = 0; k < bf_concepts_n(&ss->cs, i); k++)
			if (nd->score > ss->best_tr[cid[k]])
				ss->best_tr[cid[k]] = nd->score;
		chosen[(*n_chosen)++] = nd->sent;
		*left -= w;
		*picked = true;
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
			bool picked = false;
			ok = take_turn(&ss[i], c, f, chosen, &n_chosen, &left,
			               n_chosen == 0, o->threshold, &picked);
			more = more || picked;
		}
	}
	*words_used = o->max_words - left;
	return ok;
}

/* Story i ranked, its title picked, its nodes' texts asked for. */
static bool rank_story(story_state_t *ss, uint32_t i, const bf_corpus_t *c,
                       const bf_features_t *f, const bf_dedup_t *d,
                       const bf_stories_t *st)
{
	if (bf_rank_story(&ss->r, i, c, f, d, st) != BF_OK)
		return false;
	ss->out->title_art = pick_title(&ss->r, i, c, d, st);
	bf_concepts_prefetch(&ss->r, c);
	return true;
}

/* Story i's concepts (from its nodes' texts) and selection state. */
static bool prepare_story(story_state_t *ss, uint32_t i, const bf_corpus_t *c,
                          const bf_dedup_t *d, const bf_stories_t *st)
{
	if (bf_concepts_build(&ss->cs, &ss->r, i, c, d, st) != BF_OK)
		return false;
	size_t nc = ss->cs.n_concept;
	ss->best_tr = calloc(nc ? nc : 1, sizeof *ss->best_tr);
	ss->used = calloc(ss->r.n ? ss->r.n : 1, 1);
	return ss->best_tr && ss->used;
}

static void story_state_free(story_state_t *ss)
{
	bf_ranked_free(&ss->r);
	bf_concepts_free(&ss->cs);
	free(ss->best_tr);
	free(ss->used);
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
	/* every story ranked before any reads its texts: the reads asked for
	 * by the first ones come in while the others are ranked */
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) reduction(&& : ok) if (ns > 1)
	for (long i = 0; i < (long)(ok ? ns : 0); i++) { /* if() does not skip */
		ss[i].out = &b->st[i];
		b->st[i].story = (uint32_t)i;
		b->st[i].title_art = UINT32_MAX;
		ok = rank_story(&ss[i], (uint32_t)i, c, f, d, st) && ok;
	}
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) reduction(&& : ok) if (ns > 1)
	for (long i = 0; i < (long)(ok ? ns : 0); i++)
		ok = prepare_story(&ss[i], (uint32_t)i, c, d, st) && ok;
	ok = ok && fill_budget(ss, ns, c, f, o, chosen, &b->n_words);
	/* keep stories that got a sentence, in rank order, sentences in
	 * reading order */
	for (size_t i = 0; ss && b->st && i < ns; i++) {
		if (ok && b->st[i].n_pick) {
			qsort_r(b->st[i].pick, b->st[i].n_pick, sizeof *b->st[i].pick,
			        cmp_reading, (void *)c);
			b->st[b->n++] = b->st[i];
		} else {
			for (size_t j = 0; j < b->st[i].n_pick; j++)
				free(b->st[i].pick[j].cut_text);
			free(b->st[i].pick);
		}
		story_state_free(&ss[i]);
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
