/* features.c - exact-text types and their features (see bf_features.h).
 *
 * Per batch of sentences:
 *   1. parallel: normalize each sentence, key it (XXH3-128);
 *   2. sequential: look the key up in the exact-text table; a new key makes
 *      a new type (numbered in input order);
 *   3. parallel over fixed chunks of the new types: shingles and content
 *      terms, appended in chunk order.
 * Content terms go through a per-thread stem cache: news text repeats its
 * words, and Snowball stemming per token was 12% of the run time.  The
 * cache is 4-way set-associative with the most recent word first in its
 * set: on the 100 MB dump (about 75k distinct words) it misses 89k times
 * in 6.3M words, where a direct-mapped cache of the same size missed 230k
 * times, and 347k as it was first written: indexed by the hash's low bits,
 * whose bit 0 is always set, so half of it was never used. */
#include "bf_array.h"
#include "bf_features.h"
#include "bf_normalize.h"
#include "bf_shingle.h"
#include "bf_terms.h"

#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define TYPE_CHUNK 1024u        /* new types per parallel work unit */
#define KEY_CHUNK 4096u         /* sentences per parallel work unit */
#define STEM_CACHE_BITS 16u     /* 65,536 cached words per thread (1 MiB) */
#define STEM_CACHE_WAYS 4u      /* words per set: 64 bytes, one cache line */
#define STEM_CACHE_LINE 64u     /* bytes; the cache is aligned to it */
#define STEM_SET_BITS 32u       /* sets are picked by the hash's high half */

typedef struct {
	uint64_t word; /* XXH3 of the word, | 1 so that 0 means empty */
	uint64_t term; /* term hash, 0 for a stop word */
} stem_entry_t;

_Static_assert(STEM_CACHE_WAYS * sizeof(stem_entry_t) == STEM_CACHE_LINE,
               "a set of the stem cache is one cache line");

struct bf_feat_scratch {
	bf_norm_t nm;
	bf_stemmer_t *stem;
	stem_entry_t *cache;
	uint64_t *buf;
	size_t buf_cap;
};

typedef struct {
	uint32_t *sh, *term;
	size_t n_sh, cap_sh, n_term, cap_term;
	bool oom;
} chunk_out_t;

/* Term hash of a normalized word, 0 for a stop word, through the cache. */
static uint64_t word_term(bf_feat_scratch_t *sc, const char *w, size_t len,
                          uint64_t seed)
{
	uint64_t h = XXH3_64bits(w, len) | 1;
	size_t n_sets = ((size_t)1 << STEM_CACHE_BITS) / STEM_CACHE_WAYS;
	stem_entry_t *set = &sc->cache[((h >> STEM_SET_BITS) & (n_sets - 1)) *
	                               STEM_CACHE_WAYS];
	stem_entry_t hit = { h, 0 };
	size_t k = 0;
	while (k < STEM_CACHE_WAYS && set[k].word != h)
		k++;
	if (k < STEM_CACHE_WAYS) {
		hit.term = set[k].term;
	} else {
		k = STEM_CACHE_WAYS - 1;   /* the least recent word goes */
		if (!bf_is_stopword(w, len)) {
			size_t sl;
			const char *s = bf_stem(sc->stem, w, len, &sl);
			hit.term = bf_term_hash(s, sl, seed);
		}
	}
	memmove(set + 1, set, k * sizeof *set);
	set[0] = hit;
	return hit.term;
}

static void scratch_free(bf_feat_scratch_t *sc)
{
	bf_norm_free(&sc->nm);
	bf_stemmer_free(sc->stem);
	free(sc->cache);
	free(sc->buf);
}

bf_status_t bf_features_init(bf_features_t *f, unsigned k, uint64_t seed,
                             int n_threads)
{
	memset(f, 0, sizeof *f);
	f->k = k;
	f->seed = seed;
	f->n_threads = n_threads > 0 ? n_threads : 1;
	f->scratch = calloc((size_t)f->n_threads, sizeof *f->scratch);
	f->tab_cap = 1024;
	f->tab = calloc(f->tab_cap, sizeof *f->tab);
	f->sh_off = calloc(1, sizeof *f->sh_off);
	f->term_off = calloc(1, sizeof *f->term_off);
	bool ok = f->scratch && f->tab && f->sh_off &&
	          f->term_off;
	for (int t = 0; ok && t < f->n_threads; t++) {
		bf_feat_scratch_t *sc = &f->scratch[t];
		sc->stem = bf_stemmer_create();
		size_t bytes = ((size_t)1 << STEM_CACHE_BITS) * sizeof *sc->cache;
		sc->cache = aligned_alloc(STEM_CACHE_LINE, bytes);
		if (sc->cache)
			memset(sc->cache, 0, bytes);
		ok = sc->stem && sc->cache;
	}
	if (!ok) {
		bf_features_free(f);
		return BF_ENOMEM;
	}
	return BF_OK;
}

void bf_features_finish(bf_features_t *f)
{
	for (int t = 0; f->scratch && t < f->n_threads; t++)
		scratch_free(&f->scratch[t]);
	free(f->scratch);
	free(f->tab);
	free(f->type_key);
	free(f->type_raw);
	f->type_raw = NULL;
	f->scratch = NULL;
	f->tab = NULL;
	f->type_key = NULL;
	f->tab_cap = 0;
}

void bf_features_free(bf_features_t *f)
{
	bf_features_finish(f);
	free(f->type_of);
	free(f->type_rep);
	free(f->sh_off);
	free(f->sh);
	free(f->term_off);
	free(f->term);
	memset(f, 0, sizeof *f);
}

/* Exact-text table: open addressing on the key's low bits.  Returns the
 * slot holding key k, or the empty slot where it belongs. */
static size_t tab_slot(const uint32_t *tab, size_t cap, const bf_key128_t *type_key,
                       bf_key128_t k)
{
	size_t mask = cap - 1, i = (size_t)k.lo & mask;
	while (tab[i] && (type_key[tab[i] - 1].lo != k.lo || type_key[tab[i] - 1].hi != k.hi))
		i = (i + 1) & mask;
	return i;
}

static bool tab_grow(bf_features_t *f)
{
	size_t cap = f->tab_cap * 2;
	uint32_t *tab = calloc(cap, sizeof *tab);
	if (!tab)
		return false;
	for (size_t i = 0; i < f->tab_cap; i++)
		if (f->tab[i])
			tab[tab_slot(tab, cap, f->type_key, f->type_key[f->tab[i] - 1])] = f->tab[i];
	free(f->tab);
	f->tab = tab;
	f->tab_cap = cap;
	return true;
}

/* Step 1: keys of sentences [s0, s1) into key[0..), and hashes of their
 * raw text into raw[0..). */
static bool key_batch(bf_features_t *f, const bf_corpus_t *c, size_t s0,
                      size_t s1, bf_key128_t *key, uint64_t *raw)
{
	bool ok = true;
	long n_chunks = (long)((s1 - s0 + KEY_CHUNK - 1) / KEY_CHUNK);
#pragma omp parallel for schedule(dynamic, 1) num_threads(f->n_threads) reduction(&& : ok) if (n_chunks > 1)
	for (long ch = 0; ch < n_chunks; ch++) {
		bf_norm_t *nm = &f->scratch[omp_get_thread_num()].nm;
		size_t lo = s0 + (size_t)ch * KEY_CHUNK;
		size_t hi = lo + KEY_CHUNK < s1 ? lo + KEY_CHUNK : s1;
		for (size_t s = lo; s < hi && ok; s++) {
			const char *t = bf_sent_text(c, (uint32_t)s);
			raw[s - s0] = XXH3_64bits(t, c->sent[s].text_len);
			ok = bf_normalize(t, c->sent[s].text_len, nm) == BF_OK;
			XXH128_hash_t h = XXH3_128bits_withSeed(nm->buf, nm->len, f->seed);
			key[s - s0] = (bf_key128_t){ h.low64, h.high64 };
		}
	}
	return ok;
}

/* Room for need types in every per-type array (one shared capacity). */
static bool grow_types(bf_features_t *f, size_t need)
{
	if (need <= f->cap_types)
		return true;
	size_t nc = bf_array_next_cap(f->cap_types, need);
	if (!bf_array_resize((void **)&f->type_rep, nc, sizeof *f->type_rep) ||
	    !bf_array_resize((void **)&f->sh_off, nc + 1, sizeof *f->sh_off) ||
	    !bf_array_resize((void **)&f->term_off, nc + 1, sizeof *f->term_off) ||
	    !bf_array_resize((void **)&f->type_key, nc, sizeof *f->type_key) ||
	    !bf_array_resize((void **)&f->type_raw, nc, sizeof *f->type_raw))
		return false;
	f->cap_types = nc;
	return true;
}

/* Step 2: types of sentences [s0, s1), in order.  Returns the number of new
 * types (their ids are f->n_types - new .. f->n_types - 1), or -1. */
static long assign_types(bf_features_t *f, bf_corpus_t *c, size_t s0, size_t s1,
                         const bf_key128_t *key, const uint64_t *raw)
{
	size_t before = f->n_types;
	for (size_t s = s0; s < s1; s++) {
		if (2 * (f->n_types + 1) > f->tab_cap && !tab_grow(f))
			return -1;
		size_t i = tab_slot(f->tab, f->tab_cap, f->type_key, key[s - s0]);
		if (!f->tab[i]) {
			if (!grow_types(f, f->n_types + 1))
				return -1;
			f->type_key[f->n_types] = key[s - s0];
			f->type_raw[f->n_types] = raw[s - s0];
			f->type_rep[f->n_types++] = (uint32_t)s;
			f->tab[i] = (uint32_t)f->n_types;
		} else if (f->type_raw[f->tab[i] - 1] == raw[s - s0] &&
		           c->sent[f->type_rep[f->tab[i] - 1]].text_len == c->sent[s].text_len) {
			/* same normalized key, same length, same 64-bit hash of the raw
			 * bytes: the same text (comparing the bytes would mean
			 * unpacking the first one's block for every repeat) */
			bf_corpus_share_text(c, s, f->type_rep[f->tab[i] - 1]);
		}
		f->type_of[s] = f->tab[i] - 1;
	}
	return (long)(f->n_types - before);
}

/* The stored shingle set of a normalized sentence: hashes into buf (room
 * for bf_shingle_count words), sorted, repeats out, upper halves into out
 * (same room).  Returns the set's size. */
static size_t shingle_set(const bf_features_t *f, const bf_norm_t *nm,
                          uint64_t *buf, uint32_t *out)
{
	size_t k = bf_shingle_hash(nm->buf, nm->tok, nm->n_tok, f->k, f->seed, buf);
	return bf_hashset_upper32(buf, bf_hashset_make(buf, k), out);
}

/* Features of type t into o (shingle and term sets). */
static bool type_features(bf_features_t *f, const bf_corpus_t *c, size_t t,
                          bf_feat_scratch_t *sc, chunk_out_t *o,
                          uint32_t *n_sh, uint32_t *n_term)
{
	uint32_t s = f->type_rep[t];
	bf_norm_t *nm = &sc->nm;
	if (bf_normalize(bf_sent_text(c, s), c->sent[s].text_len, nm) != BF_OK)
		return false;
	size_t nsh = bf_shingle_count(nm->n_tok, f->k);
	size_t room = nsh > nm->n_tok ? nsh : nm->n_tok;
	if (!bf_array_grow((void **)&sc->buf, &sc->buf_cap, room, sizeof(uint64_t)) ||
	    !bf_array_grow((void **)&o->sh, &o->cap_sh, o->n_sh + nsh, sizeof(uint32_t)) ||
	    !bf_array_grow((void **)&o->term, &o->cap_term, o->n_term + nm->n_tok, sizeof(uint32_t)))
		return false;
	nsh = shingle_set(f, nm, sc->buf, o->sh + o->n_sh);
	o->n_sh += nsh;
	*n_sh = (uint32_t)nsh;
	size_t nt = 0;
	for (size_t i = 0; i < nm->n_tok; i++) {
		uint64_t h = word_term(sc, nm->buf + nm->tok[i].off, nm->tok[i].len, f->seed);
		if (h)
			sc->buf[nt++] = h;
	}
	nt = bf_hashset_make(sc->buf, nt);
	nt = bf_hashset_upper32(sc->buf, nt, o->term + o->n_term);
	o->n_term += nt;
	*n_term = (uint32_t)nt;
	return true;
}

/* Appends a chunk's sets and turns its per-type counts into offsets. */
static bool append_chunk(bf_features_t *f, size_t t0, size_t t1, chunk_out_t *o,
                         const uint32_t *n_sh, const uint32_t *n_term)
{
	size_t sh_len = f->sh_off[t0], term_len = f->term_off[t0];
	if (!bf_array_grow((void **)&f->sh, &f->sh_cap, sh_len + o->n_sh, sizeof(uint32_t)) ||
	    !bf_array_grow((void **)&f->term, &f->term_cap, term_len + o->n_term, sizeof(uint32_t)))
		return false;
	memcpy(f->sh + sh_len, o->sh, o->n_sh * sizeof *o->sh);
	memcpy(f->term + term_len, o->term, o->n_term * sizeof *o->term);
	for (size_t t = t0; t < t1; t++) {
		f->sh_off[t + 1] = f->sh_off[t] + n_sh[t - t0];
		f->term_off[t + 1] = f->term_off[t] + n_term[t - t0];
	}
	return true;
}

/* Step 3: features of types [t0, t1) in fixed chunks. */
static bool new_type_features(bf_features_t *f, const bf_corpus_t *c,
                              size_t t0, size_t t1)
{
	size_t n = t1 - t0, n_chunks = (n + TYPE_CHUNK - 1) / TYPE_CHUNK;
	chunk_out_t *ch = calloc(n_chunks ? n_chunks : 1, sizeof *ch);
	uint32_t *cnt = malloc((2 * n + 1) * sizeof *cnt); /* n_sh, then n_term */
	bool ok = ch && cnt;
#pragma omp parallel for schedule(dynamic, 1) num_threads(f->n_threads) if (ok && n_chunks > 1)
	for (long i = 0; i < (long)(ok ? n_chunks : 0); i++) { /* if() does not skip */
		bf_feat_scratch_t *sc = &f->scratch[omp_get_thread_num()];
		size_t lo = t0 + (size_t)i * TYPE_CHUNK, hi = lo + TYPE_CHUNK < t1 ? lo + TYPE_CHUNK : t1;
		for (size_t t = lo; t < hi && !ch[i].oom; t++)
			ch[i].oom = !type_features(f, c, t, sc, &ch[i], &cnt[t - t0], &cnt[n + t - t0]);
	}
	for (size_t i = 0; ok && i < n_chunks; i++) {
		size_t lo = t0 + i * TYPE_CHUNK, hi = lo + TYPE_CHUNK < t1 ? lo + TYPE_CHUNK : t1;
		ok = !ch[i].oom && append_chunk(f, lo, hi, &ch[i], cnt + (lo - t0), cnt + n + (lo - t0));
	}
	for (size_t i = 0; ch && i < n_chunks; i++) {
		free(ch[i].sh);
		free(ch[i].term);
	}
	free(ch);
	free(cnt);
	return ok;
}

bf_status_t bf_features_add(bf_features_t *f, bf_corpus_t *c, size_t s0,
                            size_t s1)
{
	double t = omp_get_wtime();
	if (s1 > f->cap) {
		size_t nc = f->cap ? f->cap : 4096;
		while (nc < s1)
			nc *= 2;
		uint32_t *to = realloc(f->type_of, nc * sizeof *to);
		if (!to)
			return BF_ENOMEM;
		f->type_of = to;
		f->cap = nc;
	}
	bf_key128_t *key = malloc((s1 - s0 + 1) * sizeof *key);
	uint64_t *raw = malloc((s1 - s0 + 1) * sizeof *raw);
	bool ok = key && raw && key_batch(f, c, s0, s1, key, raw);
	long n_new = ok ? assign_types(f, c, s0, s1, key, raw) : -1;
	free(key);
	free(raw);
	ok = n_new >= 0 &&
	     new_type_features(f, c, f->n_types - (size_t)n_new, f->n_types);
	f->n = s1;
	f->seconds += omp_get_wtime() - t;
	return ok ? BF_OK : BF_ENOMEM;
}

void bf_features_drop_shingles(bf_features_t *f)
{
	free(f->sh);
	free(f->sh_off);
	f->sh = NULL;
	f->sh_off = NULL;
	f->sh_cap = 0;
}

/* Shingle set of sentence s from its text, as bf_features_add makes it. */
static bool text_shingles(const bf_features_t *f, const bf_corpus_t *c, size_t s,
                          bf_norm_t *nm, uint64_t **buf, size_t *cap,
                          uint32_t **set, size_t *set_cap, size_t *n)
{
	if (bf_normalize(bf_sent_text(c, (uint32_t)s), c->sent[s].text_len, nm) != BF_OK)
		return false;
	size_t k = bf_shingle_count(nm->n_tok, f->k);
	if (!bf_array_grow((void **)buf, cap, k + 1, sizeof **buf) ||
	    !bf_array_grow((void **)set, set_cap, k + 1, sizeof **set))
		return false;
	*n = shingle_set(f, nm, *buf, *set);
	return true;
}

double bf_feat_jaccard_any(const bf_features_t *f, const bf_corpus_t *c,
                           size_t a, size_t b)
{
	if (f->sh)
		return bf_feat_jaccard(f, a, b);
	bf_norm_t nm = { 0 };
	uint64_t *buf = NULL;
	uint32_t *sa = NULL, *sb = NULL;
	size_t cap = 0, ca = 0, cb = 0, na = 0, nb = 0;
	bool ok = text_shingles(f, c, a, &nm, &buf, &cap, &sa, &ca, &na) &&
	          text_shingles(f, c, b, &nm, &buf, &cap, &sb, &cb, &nb);
	double j = ok ? bf_jaccard32_sorted(sa, na, sb, nb) : -1.0;
	bf_norm_free(&nm);
	free(buf);
	free(sa);
	free(sb);
	return j;
}
