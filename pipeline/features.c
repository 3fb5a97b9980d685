/* features.c - normalize, shingle and extract content terms per sentence.
 *
 * Sentences are cut into fixed chunks of CHUNK_SENTENCES; threads take chunks
 * dynamically, each writing only its chunk's private arrays with its own
 * normalizer and stemmer; the chunks are then concatenated in chunk order.
 * Chunk boundaries do not depend on the thread count, so neither do the
 * arrays. */
#include "bf_features.h"
#include "bf_normalize.h"
#include "bf_shingle.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define CHUNK_SENTENCES 4096u
/* Salt so that a content-term hash never equals a shingle hash of the same
 * bytes by construction (they live in different sets, but keep them apart). */
#define TERM_SEED_SALT 0x7465726d73ull

typedef struct {
	uint64_t *sh;
	size_t n_sh, cap_sh;
	uint64_t *term;
	size_t n_term, cap_term;
	bool oom;
} chunk_out_t;

static bool reserve(uint64_t **a, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : 4096;
	while (nc < need)
		nc *= 2;
	uint64_t *na = realloc(*a, nc * sizeof *na);
	if (!na)
		return false;
	*a = na;
	*cap = nc;
	return true;
}

/* Content terms of a normalized sentence: stems of non-stop words. */
static size_t content_terms(const bf_norm_t *nm, bf_stemmer_t *stem,
                            uint64_t seed, uint64_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < nm->n_tok; i++) {
		const char *w = nm->buf + nm->tok[i].off;
		size_t len = nm->tok[i].len;
		if (bf_is_stopword(w, len))
			continue;
		size_t sl;
		const char *s = bf_stem(stem, w, len, &sl);
		out[n++] = XXH3_64bits_withSeed(s, sl, seed ^ TERM_SEED_SALT);
	}
	return bf_hashset_make(out, n);
}

/* Features of sentences [lo, hi) into o (shingles, terms) and f (per
 * sentence counts and keys, at their global index). */
static void do_chunk(bf_features_t *f, const bf_corpus_t *c, size_t lo,
                     size_t hi, unsigned k, uint64_t seed, bf_norm_t *nm,
                     bf_stemmer_t *stem, chunk_out_t *o)
{
	for (size_t s = lo; s < hi && !o->oom; s++) {
		const char *t = bf_sent_text(c, (uint32_t)s);
		if (bf_normalize(t, c->sent[s].text_len, nm) != BF_OK) {
			o->oom = true;
			break;
		}
		XXH128_hash_t h = XXH3_128bits_withSeed(nm->buf, nm->len, seed);
		f->key[s] = (bf_key128_t){ h.low64, h.high64 };
		f->n_norm_words[s] = (uint32_t)nm->n_tok;
		size_t nsh = bf_shingle_count(nm->n_tok, k);
		if (!reserve(&o->sh, &o->cap_sh, o->n_sh + nsh) ||
		    !reserve(&o->term, &o->cap_term, o->n_term + nm->n_tok)) {
			o->oom = true;
			break;
		}
		nsh = bf_shingle_hash(nm->buf, nm->tok, nm->n_tok, k, seed, o->sh + o->n_sh);
		nsh = bf_hashset_make(o->sh + o->n_sh, nsh);
		o->n_sh += nsh;
		f->sh_off[s + 1] = nsh; /* counts for now; prefix-summed later */
		size_t nt = content_terms(nm, stem, seed, o->term + o->n_term);
		o->n_term += nt;
		f->term_off[s + 1] = nt;
	}
}

/* Turns per-sentence counts into offsets and concatenates chunk arrays. */
static bool concat(bf_features_t *f, chunk_out_t *ch, size_t n_chunks)
{
	size_t tot_sh = 0, tot_t = 0;
	for (size_t i = 0; i < n_chunks; i++) {
		tot_sh += ch[i].n_sh;
		tot_t += ch[i].n_term;
	}
	f->sh = malloc((tot_sh ? tot_sh : 1) * sizeof *f->sh);
	f->term = malloc((tot_t ? tot_t : 1) * sizeof *f->term);
	if (!f->sh || !f->term)
		return false;
	size_t a = 0, b = 0;
	for (size_t i = 0; i < n_chunks; i++) {
		if (ch[i].n_sh)
			memcpy(f->sh + a, ch[i].sh, ch[i].n_sh * sizeof *f->sh);
		if (ch[i].n_term)
			memcpy(f->term + b, ch[i].term, ch[i].n_term * sizeof *f->term);
		a += ch[i].n_sh;
		b += ch[i].n_term;
	}
	f->sh_off[0] = f->term_off[0] = 0;
	for (size_t s = 0; s < f->n; s++) {
		f->sh_off[s + 1] += f->sh_off[s];
		f->term_off[s + 1] += f->term_off[s];
	}
	return true;
}

bf_status_t bf_features_compute(bf_features_t *f, const bf_corpus_t *c,
                                unsigned k, uint64_t seed, int n_threads)
{
	memset(f, 0, sizeof *f);
	size_t n = c->n_sent;
	f->n = n;
	f->sh_off = calloc(n + 1, sizeof *f->sh_off);
	f->term_off = calloc(n + 1, sizeof *f->term_off);
	f->key = malloc((n ? n : 1) * sizeof *f->key);
	f->n_norm_words = malloc((n ? n : 1) * sizeof *f->n_norm_words);
	size_t n_chunks = (n + CHUNK_SENTENCES - 1) / CHUNK_SENTENCES;
	chunk_out_t *ch = calloc(n_chunks ? n_chunks : 1, sizeof *ch);
	if (!f->sh_off || !f->term_off || !f->key || !f->n_norm_words || !ch) {
		free(ch);
		bf_features_free(f);
		return BF_ENOMEM;
	}
	bool ok = true;
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1) reduction(&& : ok)
	{
		bf_norm_t nm = { 0 };
		bf_stemmer_t *stem = bf_stemmer_create();
		ok = stem != NULL;
#pragma omp for schedule(dynamic, 1)
		for (long i = 0; i < (long)n_chunks; i++) {
			size_t lo = (size_t)i * CHUNK_SENTENCES;
			size_t hi = lo + CHUNK_SENTENCES < n ? lo + CHUNK_SENTENCES : n;
			if (stem)
				do_chunk(f, c, lo, hi, k, seed, &nm, stem, &ch[i]);
		}
		bf_norm_free(&nm);
		bf_stemmer_free(stem);
	}
	for (size_t i = 0; i < n_chunks; i++)
		ok = ok && !ch[i].oom;
	ok = ok && concat(f, ch, n_chunks);
	for (size_t i = 0; i < n_chunks; i++) {
		free(ch[i].sh);
		free(ch[i].term);
	}
	free(ch);
	if (!ok) {
		bf_features_free(f);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_features_free(bf_features_t *f)
{
	free(f->sh_off);
	free(f->sh);
	free(f->term_off);
	free(f->term);
	free(f->key);
	free(f->n_norm_words);
	memset(f, 0, sizeof *f);
}
