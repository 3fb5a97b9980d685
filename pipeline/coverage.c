/* coverage.c - word-bigram concepts of a story (see bf_coverage.h).
 *
 * Outline: each node's representative sentence is normalized and stemmed
 * again (the features keep term sets, not word sequences) and its bigrams
 * are hashed; the story's distinct hashes, sorted, give the concept ids;
 * then each article of the story adds each of its concepts once to their
 * df.  Work is linear in the words of the nodes plus a sort per article:
 * about 20 ms for a story of 1,500 nodes and 300 articles. */
#include "bf_array.h"
#include "bf_coverage.h"
#include "bf_normalize.h"
#include "bf_shingle.h"

#include <stdlib.h>
#include <string.h>
#include "bf_xxhash.h"

typedef struct {
	uint64_t *h;
	size_t n, cap;
} vec64_t;

static bool vec_reserve(vec64_t *v, size_t extra)
{
	return bf_array_grow((void **)&v->h, &v->cap, v->n + extra, sizeof *v->h);
}

/* Appends the distinct concept hashes of sentence text s to v (ascending);
 * returns how many, or SIZE_MAX on allocation failure.  A concept is a
 * pair of consecutive words, stemmed, unless both are stop words (Gillick &
 * Favre 2009): "the storm" and "death toll" count, "of the" does not. */
static size_t sentence_bigrams(const char *s, size_t len, bf_norm_t *nm,
                               bf_stemmer_t *stem, vec64_t *v)
{
	if (bf_normalize(s, len, nm) != BF_OK || !vec_reserve(v, nm->n_tok))
		return SIZE_MAX;
	uint64_t *out = v->h + v->n, prev = 0;
	size_t n = 0;
	bool prev_stop = true;
	for (size_t i = 0; i < nm->n_tok; i++) {
		const char *w = nm->buf + nm->tok[i].off;
		size_t wl = nm->tok[i].len, sl;
		bool stop = bf_is_stopword(w, wl);
		const char *st = bf_stem(stem, w, wl, &sl);
		uint64_t h = XXH3_64bits(st, sl);
		if (i > 0 && !(stop && prev_stop)) {
			uint64_t pair[2] = { prev, h };
			out[n++] = XXH3_64bits(pair, sizeof pair);
		}
		prev = h;
		prev_stop = stop;
	}
	n = bf_hashset_make(out, n);
	v->n += n;
	return n;
}

static size_t find_u64(const uint64_t *a, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Concept hashes of every node: node i's are h[cs->off[i] .. cs->off[i+1]),
 * ascending.  Texts are read in sentence order, which is their storage
 * order: stored texts are read back in blocks (bf_textstore.h), and a
 * story's nodes, read in rank order, would read a block for nearly every
 * node. */
static bool node_bigrams(bf_concepts_t *cs, const bf_ranked_t *r,
                         const bf_corpus_t *c, vec64_t *h)
{
	size_t n = r->n;
	uint64_t *ord = malloc((n ? n : 1) * sizeof *ord);
	size_t *span = malloc((n ? n : 1) * 2 * sizeof *span); /* start, count in tmp */
	vec64_t tmp = { 0 };
	bf_norm_t nm = { 0 };
	bf_stemmer_t *stem = bf_stemmer_create();
	bool ok = ord && span && stem;
	for (size_t i = 0; ok && i < n; i++)
		ord[i] = (uint64_t)r->node[i].sent << 32 | i;
	if (ok)
		qsort(ord, n, sizeof *ord, cmp_u64);
	for (size_t k = 0; ok && k < n; k++) {
		uint32_t s = (uint32_t)(ord[k] >> 32), i = (uint32_t)ord[k];
		const char *t = bf_sent_text(c, s);
		cs->n_words[i] = bf_count_words(t);
		span[2 * i] = tmp.n;
		ok = t && sentence_bigrams(t, c->sent[s].text_len, &nm, stem, &tmp) != SIZE_MAX;
		span[2 * i + 1] = tmp.n - span[2 * i];
	}
	/* back to node order */
	ok = ok && tmp.n <= UINT32_MAX && vec_reserve(h, tmp.n);
	cs->off[0] = 0;
	for (size_t i = 0; ok && i < n; i++) {
		memcpy(h->h + h->n, tmp.h + span[2 * i], span[2 * i + 1] * sizeof *h->h);
		h->n += span[2 * i + 1];
		cs->off[i + 1] = (uint32_t)h->n;
	}
	free(ord);
	free(span);
	free(tmp.h);
	bf_norm_free(&nm);
	bf_stemmer_free(stem);
	return ok;
}

/* cs->df: each article of the story counts each concept of its sentences
 * once (last[k] is the last article that counted concept k).  by_cl:
 * (cluster << 32 | node) ascending, for the lookup. */
static bool count_df(bf_concepts_t *cs, uint32_t story, const bf_corpus_t *c,
                     const bf_dedup_t *d, const bf_stories_t *st,
                     const uint64_t *by_cl, size_t n_node)
{
	uint64_t *last = malloc((cs->n_concept ? cs->n_concept : 1) * sizeof *last);
	if (!last)
		return false;
	for (size_t k = 0; k < cs->n_concept; k++)
		last[k] = UINT64_MAX;
	for (uint64_t i = st->st_off[story]; i < st->st_off[story + 1]; i++) {
		const bf_article_t *a = &c->art[st->st_art[i]];
		for (uint32_t j = 0; j < a->n_sent; j++) {
			uint64_t cl = d->cluster_of[a->first_sent + j];
			size_t k = find_u64(by_cl, n_node, cl << 32);
			if (k == n_node || by_cl[k] >> 32 != cl)
				continue; /* stock text, or a node past the graph cap */
			uint32_t nd = (uint32_t)by_cl[k];
			const uint32_t *cid = bf_concepts_of(cs, nd);
			for (size_t q = 0; q < bf_concepts_n(cs, nd); q++)
				if (last[cid[q]] != i) {
					last[cid[q]] = i;
					cs->df[cid[q]]++;
				}
		}
	}
	free(last);
	return true;
}

void bf_concepts_prefetch(const bf_ranked_t *r, const bf_corpus_t *c)
{
	uint64_t *at = malloc((r->n ? r->n : 1) * sizeof *at);
	if (!at)
		return; /* a hint only */
	for (size_t i = 0; i < r->n; i++)
		at[i] = c->sent[r->node[i].sent].text;
	bf_textstore_prefetch(&c->ts, at, r->n);
	free(at);
}

bf_status_t bf_concepts_build(bf_concepts_t *cs, const bf_ranked_t *r,
                              uint32_t story, const bf_corpus_t *c,
                              const bf_dedup_t *d, const bf_stories_t *st)
{
	memset(cs, 0, sizeof *cs);
	cs->n_node = r->n;
	cs->off = malloc((r->n + 1) * sizeof *cs->off);
	cs->n_words = malloc((r->n ? r->n : 1) * sizeof *cs->n_words);
	vec64_t h = { 0 };
	uint64_t *uniq = NULL, *by_cl = NULL;
	bool ok = cs->off && cs->n_words && node_bigrams(cs, r, c, &h);
	/* concept ids: the story's distinct hashes in ascending order, so each
	 * node's ids come out ascending as its hashes are */
	if (ok) {
		uniq = malloc((h.n ? h.n : 1) * sizeof *uniq);
		cs->concept = malloc((h.n ? h.n : 1) * sizeof *cs->concept);
		by_cl = malloc((r->n ? r->n : 1) * sizeof *by_cl);
		ok = uniq && cs->concept && by_cl;
	}
	if (ok) {
		memcpy(uniq, h.h, h.n * sizeof *uniq);
		cs->n_concept = bf_hashset_make(uniq, h.n);
		for (size_t k = 0; k < h.n; k++)
			cs->concept[k] = (uint32_t)find_u64(uniq, cs->n_concept, h.h[k]);
		cs->df = calloc(cs->n_concept ? cs->n_concept : 1, sizeof *cs->df);
		ok = cs->df != NULL;
	}
	if (ok) {
		for (size_t i = 0; i < r->n; i++)
			by_cl[i] = (uint64_t)r->node[i].cluster << 32 | i;
		qsort(by_cl, r->n, sizeof *by_cl, cmp_u64);
		ok = count_df(cs, story, c, d, st, by_cl, r->n);
	}
	free(h.h);
	free(uniq);
	free(by_cl);
	return ok ? BF_OK : BF_ENOMEM;
}

void bf_concepts_free(bf_concepts_t *cs)
{
	free(cs->off);
	free(cs->concept);
	free(cs->df);
	free(cs->n_words);
	memset(cs, 0, sizeof *cs);
}
