/* features.c - exact-text types and their features (see bf_features.h).
 *
 * Per batch of sentences (the steps below, "Step N"):
 *   1. parallel: each raw text hashed and looked up;
 *   2. parallel by hash part, then listed in order: repeats of a raw text
 *      inside the batch;
 *   3. parallel over fixed chunks of the first of each raw text: normalized,
 *      keyed (XXH3-128), looked up; shingles and content terms of a key no
 *      earlier batch had;
 *   4. sequential, in a batch-local table: new keys numbered as new types
 *      in input order, then added to the big tables (prefetched inserts);
 *   5. parallel: every sentence's type;
 *   6. the new types' sets appended in type order, copied in parallel.
 * (Numbering in step 4 used to probe the big tables once per candidate,
 * in order: 0.7 s of one thread on the 1 GB dump at -j2.)
 * Content terms go through a per-thread stem cache (bf_stemcache.h). */
#include "bf_array.h"
#include "bf_features.h"
#include "bf_normalize.h"
#include "bf_shingle.h"
#include "bf_stemcache.h"
#include "bf_terms.h"

#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "bf_xxhash.h"

#define TYPE_CHUNK 1024u        /* candidates per parallel work unit */
#define KEY_CHUNK 4096u         /* sentences per parallel work unit */

struct bf_feat_scratch {
	bf_norm_t nm[2];   /* a candidate's and the next one's (key_candidates) */
	bf_stem_cache_t terms;
	uint64_t *buf;
	size_t buf_cap;
};

typedef struct {
	uint32_t *sh, *term;
	size_t n_sh, cap_sh, n_term, cap_term;
	bool oom;
} chunk_out_t;

static void scratch_free(bf_feat_scratch_t *sc)
{
	bf_norm_free(&sc->nm[0]);
	bf_norm_free(&sc->nm[1]);
	bf_stem_cache_free(&sc->terms);
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
	f->rtab = calloc(f->tab_cap, sizeof *f->rtab);
	f->sh_off = calloc(1, sizeof *f->sh_off);
	f->term_off = calloc(1, sizeof *f->term_off);
	bool ok = f->scratch && f->tab && f->rtab && f->sh_off &&
	          f->term_off;
	for (int t = 0; ok && t < f->n_threads; t++) {
		bf_feat_scratch_t *sc = &f->scratch[t];
		ok = bf_stem_cache_init(&sc->terms) == BF_OK;
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
	free(f->rtab);
	free(f->type_key);
	free(f->type_raw);
	f->type_raw = NULL;
	f->rtab = NULL;
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

static inline bool key_eq(bf_key128_t a, bf_key128_t b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

static inline uint32_t key_tag(bf_key128_t k)
{
	return (uint32_t)(k.hi >> 32);
}

/* Exact-text table: open addressing on the key's low bits.  Returns the
 * slot holding key k, or the empty slot where it belongs. */
static size_t tab_slot(const bf_tab_slot_t *tab, size_t cap, const bf_key128_t *type_key,
                       bf_key128_t k)
{
	size_t mask = cap - 1, i = (size_t)k.lo & mask;
	uint32_t tag = key_tag(k);
	while (tab[i].ref && (tab[i].tag != tag || !key_eq(type_key[tab[i].ref - 1], k)))
		i = (i + 1) & mask;
	return i;
}

/* Raw-text table: types by the XXH3-128 and length of their first
 * sentence's raw bytes.  Returns the slot holding (raw, len), or the empty
 * slot. */
static size_t raw_slot(const bf_features_t *f, const bf_tab_slot_t *rtab, size_t cap,
                       bf_key128_t raw, uint32_t len)
{
	size_t mask = cap - 1, i = (size_t)raw.lo & mask;
	uint32_t tag = key_tag(raw);
	while (rtab[i].ref) {
		const bf_raw_rec_t *r = &f->type_raw[rtab[i].ref - 1];
		if (rtab[i].tag == tag && key_eq(r->raw, raw) && r->len == len)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Inserts issued ahead of use in insert_types: the tables are tens of
 * MB, so each insert's home slot is a cache miss; these overlap them. */
#define INSERT_AHEAD 8u

static inline void insert_prefetch(const bf_features_t *f, size_t t)
{
	size_t mask = f->tab_cap - 1;
	__builtin_prefetch(&f->tab[(size_t)f->type_key[t].lo & mask], 1);
	__builtin_prefetch(&f->rtab[(size_t)f->type_raw[t].raw.lo & mask], 1);
}

/* Puts v in the first free slot from i on (its key is in no slot yet, so
 * none needs comparing).  A compare-and-swap claims the slot, so threads
 * can insert at once: which slot a type lands in may then vary, what the
 * table answers does not. */
static void slot_put(bf_tab_slot_t *tab, size_t mask, size_t i, bf_tab_slot_t v)
{
	for (;; i = (i + 1) & mask) {
		bf_tab_slot_t empty = { 0, 0 };
		if (__atomic_compare_exchange(&tab[i], &empty, &v, false, __ATOMIC_RELAXED,
		                              __ATOMIC_RELAXED))
			return;
	}
}

/* Types [lo, hi) (keys and records filled in; none in the tables yet)
 * into both tables, in parallel over fixed chunks. */
static void insert_types(bf_features_t *f, size_t lo, size_t hi)
{
	size_t mask = f->tab_cap - 1;
	long n_ch = (long)((hi - lo + TYPE_CHUNK - 1) / TYPE_CHUNK);
#pragma omp parallel for schedule(dynamic, 1) num_threads(f->n_threads) if (n_ch > 8)
	for (long ch = 0; ch < n_ch; ch++) {
		size_t a = lo + (size_t)ch * TYPE_CHUNK, z = a + TYPE_CHUNK < hi ? a + TYPE_CHUNK : hi;
		for (size_t t = a; t < z && t < a + INSERT_AHEAD; t++)
			insert_prefetch(f, t);
		for (size_t t = a; t < z; t++) {
			if (t + INSERT_AHEAD < z)
				insert_prefetch(f, t + INSERT_AHEAD);
			bf_key128_t k = f->type_key[t], r = f->type_raw[t].raw;
			slot_put(f->tab, mask, (size_t)k.lo & mask,
			         (bf_tab_slot_t){ (uint32_t)t + 1, key_tag(k) });
			slot_put(f->rtab, mask, (size_t)r.lo & mask,
			         (bf_tab_slot_t){ (uint32_t)t + 1, key_tag(r) });
		}
	}
}

/* Both tables doubled (they hold the same types). */
static bool tabs_grow(bf_features_t *f)
{
	size_t cap = f->tab_cap * 2;
	bf_tab_slot_t *tab = calloc(cap, sizeof *tab), *rtab = calloc(cap, sizeof *rtab);
	if (!tab || !rtab) {
		free(tab);
		free(rtab);
		return false;
	}
	free(f->tab);
	free(f->rtab);
	f->tab = tab;
	f->rtab = rtab;
	f->tab_cap = cap;
	insert_types(f, 0, f->n_types);
	return true;
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

/* The stored shingle set of a normalized sentence: hashes into buf (room
 * for bf_shingle_count words, left as scratch), the ascending set of their
 * upper halves into out (same room).  Returns the set's size. */
static size_t shingle_set(const bf_features_t *f, const bf_norm_t *nm,
                          uint64_t *buf, uint32_t *out)
{
	size_t k = bf_shingle_hash(nm->buf, nm->tok, nm->n_tok, f->k, f->seed, buf);
	return bf_hashset32_make(buf, k, out);
}

/* Features of the normalized text nm into o (shingle and term
 * sets). */
static bool norm_features(const bf_features_t *f, bf_feat_scratch_t *sc,
                          const bf_norm_t *nm, chunk_out_t *o, uint32_t *n_sh,
                          uint32_t *n_term)
{
	size_t nsh = bf_shingle_count(nm->n_tok, f->k);
	size_t room = nsh > nm->n_tok ? nsh : nm->n_tok;
	if (!bf_array_grow((void **)&sc->buf, &sc->buf_cap, room, sizeof(uint64_t)) ||
	    !bf_array_grow((void **)&o->sh, &o->cap_sh, o->n_sh + nsh, sizeof(uint32_t)) ||
	    !bf_array_grow((void **)&o->term, &o->cap_term, o->n_term + nm->n_tok, sizeof(uint32_t)))
		return false;
	nsh = shingle_set(f, nm, sc->buf, o->sh + o->n_sh);
	o->n_sh += nsh;
	*n_sh = (uint32_t)nsh;
	/* every word hashed and its cache set fetched first, then looked up:
	 * the sets are 512 KiB of random lines, and the misses then overlap
	 * (key_candidates samples -17% on the 100 MB dump) */
	for (size_t i = 0; i < nm->n_tok; i++) {
		sc->buf[i] = bf_stem_cache_key(nm->buf + nm->tok[i].off, nm->tok[i].len);
		__builtin_prefetch(bf_stem_cache_set(&sc->terms, sc->buf[i]));
	}
	size_t nt = 0;
	for (size_t i = 0; i < nm->n_tok; i++) { /* nt <= i: buf[i] is read first */
		uint64_t h = bf_stem_cache_term(&sc->terms, sc->buf[i], nm->buf + nm->tok[i].off,
		                                nm->tok[i].len, f->seed);
		if (h)
			sc->buf[nt++] = h;
	}
	nt = bf_hashset32_make(sc->buf, nt, o->term + o->n_term);
	o->n_term += nt;
	*n_term = (uint32_t)nt;
	return true;
}

/* ---- one batch ------------------------------------------------------------
 *
 * Most sentences of a dump repeat an earlier one byte for byte (on the
 * 20 MB make_dump dump 58 %), so a sentence is first looked up by its raw
 * bytes' XXH3-128 and length (equal texts, but for odds of about n^2 /
 * 2^129); only the first sentence of each new raw text is normalized,
 * keyed, and (when its key is new too) given features, each once.  The
 * lookups of old texts and keys read the tables as they were when the batch
 * began, in parallel; what is new is added in sentence order. */

enum {
	K_KNOWN,   /* raw text of an earlier batch's type: ref = type */
	K_REPEAT,  /* raw text of an earlier sentence of this batch: ref = it */
	K_CAND,    /* first of its raw text: ref = candidate number */
};

typedef struct {
	size_t s0, n;        /* sentences [s0, s0 + n) */
	bf_key128_t *raw;    /* XXH3-128 of each raw text */
	uint8_t *kind;
	uint32_t *ref;
	uint32_t *cand;      /* sentence (batch index) of each candidate */
	size_t n_cand;
	bf_key128_t *key;    /* per candidate */
	uint32_t *old_type;  /* per candidate: type of its key before the
	                        batch, or UINT32_MAX */
	uint32_t *cnt;       /* per candidate: n_sh, then (at n_cand +) n_term */
	chunk_out_t *ch;     /* features of new-key candidates, per chunk */
	size_t n_chunks;
	uint8_t *keep;       /* per candidate: made a new type */
} batch_t;

static void batch_free(batch_t *b)
{
	for (size_t i = 0; b->ch && i < b->n_chunks; i++) {
		free(b->ch[i].sh);
		free(b->ch[i].term);
	}
	free(b->ch);
	free(b->raw);
	free(b->kind);
	free(b->ref);
	free(b->cand);
	free(b->key);
	free(b->old_type);
	free(b->cnt);
	free(b->keep);
}

/* Lookups whose type record is fetched ahead of the probe in raw_lookup:
 * the table and the records are tens of MB, so each step of a probe is a
 * cache miss, and these overlap them. */
#define RAW_AHEAD 8u

/* Prefetches the record of the type in key k's home slot (the slot
 * itself was prefetched when k was hashed). */
static inline void raw_prefetch(const bf_features_t *f, bf_key128_t k)
{
	const bf_tab_slot_t *sl = &f->rtab[(size_t)k.lo & (f->tab_cap - 1)];
	if (sl->ref && sl->tag == key_tag(k))
		__builtin_prefetch(&f->type_raw[sl->ref - 1]);
}

/* Step 1 (parallel): raw hashes; a raw text already known gets its type
 * and shares its first sentence's text here.  A chunk is hashed first
 * (prefetching each home slot), then looked up. */
static void raw_lookup(bf_features_t *f, bf_corpus_t *c, batch_t *b)
{
	long n_chunks = (long)((b->n + KEY_CHUNK - 1) / KEY_CHUNK);
#pragma omp parallel for schedule(dynamic, 1) num_threads(f->n_threads) if (n_chunks > 1)
	for (long ch = 0; ch < n_chunks; ch++) {
		size_t lo = (size_t)ch * KEY_CHUNK, hi = lo + KEY_CHUNK < b->n ? lo + KEY_CHUNK : b->n;
		for (size_t i = lo; i < hi; i++) {
			size_t s = b->s0 + i;
			XXH128_hash_t h = XXH3_128bits(bf_sent_text(c, (uint32_t)s), c->sent[s].text_len);
			b->raw[i] = (bf_key128_t){ h.low64, h.high64 };
			__builtin_prefetch(&f->rtab[(size_t)h.low64 & (f->tab_cap - 1)]);
		}
		for (size_t i = lo; i < hi && i < lo + RAW_AHEAD; i++)
			raw_prefetch(f, b->raw[i]);
		for (size_t i = lo; i < hi; i++) {
			if (i + RAW_AHEAD < hi)
				raw_prefetch(f, b->raw[i + RAW_AHEAD]);
			size_t s = b->s0 + i;
			uint32_t t = f->rtab[raw_slot(f, f->rtab, f->tab_cap, b->raw[i],
			                              c->sent[s].text_len)].ref;
			b->kind[i] = t ? K_KNOWN : K_CAND;
			b->ref[i] = t - 1;
			if (t) { /* each sentence writes only its own slots */
				f->type_of[s] = t - 1;
				bf_corpus_share_text(c, s, f->type_raw[t - 1].rep);
			}
		}
	}
}

/* Step 2, one thread's part: the sentences whose raw text falls in part t
 * of tn (by the hash's high half), in batch order, through a table of the
 * part's first sentences (cap slots, zeroed): a repeat of an earlier one
 * becomes K_REPEAT with ref its first; the first keeps K_CAND. */
static void repeats_part(const bf_corpus_t *c, batch_t *b, int t, int tn, uint32_t *seen,
                         size_t cap)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->kind[i] == K_KNOWN || (b->raw[i].hi >> 32) % (uint32_t)tn != (uint32_t)t)
			continue;
		uint32_t len = c->sent[b->s0 + i].text_len;
		size_t j = (size_t)b->raw[i].lo & (cap - 1);
		while (seen[j] && (!key_eq(b->raw[seen[j] - 1], b->raw[i]) ||
		                   c->sent[b->s0 + seen[j] - 1].text_len != len))
			j = (j + 1) & (cap - 1);
		if (seen[j]) {
			b->kind[i] = K_REPEAT;
			b->ref[i] = seen[j] - 1;
		} else {
			seen[j] = (uint32_t)i + 1;
		}
	}
}

/* Step 2: repeats inside the batch, each thread taking the raw texts of
 * one part (0.045 s of one thread on the 1 GB dump); then, in order, the
 * first sentences become the candidates. */
static bool mark_repeats(const bf_corpus_t *c, batch_t *b, int nt)
{
	size_t cap = 1024;
	while (cap < 2 * b->n)
		cap *= 2;
	nt = b->n > KEY_CHUNK * (size_t)nt ? nt : 1;
	b->cand = malloc((b->n ? b->n : 1) * sizeof *b->cand);
	bool ok = b->cand != NULL;
#pragma omp parallel num_threads(nt) reduction(&& : ok) if (nt > 1)
	{
		uint32_t *seen = calloc(cap, sizeof *seen); /* batch index + 1 */
		ok = seen != NULL;
		if (ok)
			repeats_part(c, b, omp_get_thread_num(), omp_get_num_threads(), seen, cap);
		free(seen);
	}
	for (size_t i = 0; ok && i < b->n; i++)
		if (b->kind[i] == K_CAND) {
			b->ref[i] = (uint32_t)b->n_cand;
			b->cand[b->n_cand++] = (uint32_t)i;
		}
	return ok;
}

/* Candidate q normalized into nm and keyed, its table slot prefetched. */
static bool key_one(const bf_features_t *f, const bf_corpus_t *c, batch_t *b, size_t q,
                    bf_norm_t *nm)
{
	size_t s = b->s0 + b->cand[q];
	if (bf_normalize(bf_sent_text(c, (uint32_t)s), c->sent[s].text_len, nm) != BF_OK)
		return false;
	XXH128_hash_t h = XXH3_128bits_withSeed(nm->buf, nm->len, f->seed);
	b->key[q] = (bf_key128_t){ h.low64, h.high64 };
	__builtin_prefetch(&f->tab[(size_t)h.low64 & (f->tab_cap - 1)]);
	return true;
}

/* Step 3 (parallel, fixed chunks of candidates): normalize and key each
 * candidate once; a key already known names its type, a new one gets its
 * features computed here, from the same normalization. */
static bool key_candidates(bf_features_t *f, const bf_corpus_t *c, batch_t *b)
{
	size_t n = b->n_cand;
	b->n_chunks = (n + TYPE_CHUNK - 1) / TYPE_CHUNK;
	b->ch = calloc(b->n_chunks ? b->n_chunks : 1, sizeof *b->ch);
	b->key = malloc((n ? n : 1) * sizeof *b->key);
	b->old_type = malloc((n ? n : 1) * sizeof *b->old_type);
	b->cnt = calloc(2 * n + 1, sizeof *b->cnt);
	b->keep = calloc(n ? n : 1, 1);
	if (!b->ch || !b->key || !b->old_type || !b->cnt || !b->keep)
		return false;
#pragma omp parallel for schedule(dynamic, 1) num_threads(f->n_threads) if (b->n_chunks > 1)
	for (long k = 0; k < (long)b->n_chunks; k++) {
		bf_feat_scratch_t *sc = &f->scratch[omp_get_thread_num()];
		size_t lo = (size_t)k * TYPE_CHUNK, hi = lo + TYPE_CHUNK < n ? lo + TYPE_CHUNK : n;
		/* each candidate is keyed one ahead of its lookup: normalizing
		 * the next hides the cache miss of this one's table slot */
		bool oom = lo < hi && !key_one(f, c, b, lo, &sc->nm[0]);
		for (size_t q = lo, cur = 0; q < hi && !oom; q++, cur ^= 1) {
			oom = q + 1 < hi && !key_one(f, c, b, q + 1, &sc->nm[cur ^ 1]);
			uint32_t t = f->tab[tab_slot(f->tab, f->tab_cap, f->type_key, b->key[q])].ref;
			b->old_type[q] = t - 1;
			if (!t && !oom)
				oom = !norm_features(f, sc, &sc->nm[cur], &b->ch[k], &b->cnt[q],
				                     &b->cnt[n + q]);
		}
		b->ch[k].oom = oom;
	}
	for (size_t k = 0; k < b->n_chunks; k++)
		if (b->ch[k].oom)
			return false;
	return true;
}

/* Step 4 (sequential, candidate order): the candidates that make new
 * types.  A candidate whose key no earlier batch had takes the type of
 * the batch's first candidate with that key (a batch-local table: no
 * cache miss in the big ones), and that first one makes it, numbered in
 * order.  old_type becomes every candidate's type; keep marks the new
 * ones.  Returns the count of new types, or SIZE_MAX when out of memory. */
static size_t number_new_types(const bf_features_t *f, batch_t *b)
{
	size_t n = b->n_cand, cap = 1024, t = f->n_types;
	while (cap < 2 * n)
		cap *= 2;
	uint32_t *first = calloc(cap, sizeof *first); /* candidate + 1 */
	if (!first)
		return SIZE_MAX;
	for (size_t q = 0; q < n; q++) {
		if (b->old_type[q] != UINT32_MAX)
			continue;
		size_t j = (size_t)b->key[q].lo & (cap - 1);
		while (first[j] && !key_eq(b->key[first[j] - 1], b->key[q]))
			j = (j + 1) & (cap - 1);
		if (first[j]) {
			b->old_type[q] = b->old_type[first[j] - 1];
		} else {
			first[j] = (uint32_t)q + 1;
			b->old_type[q] = (uint32_t)t++;
			b->keep[q] = 1;
		}
	}
	free(first);
	return t - f->n_types;
}

/* The n_new types that number_new_types made: their keys and records,
 * in both tables (grown first to stay at most half full). */
static bool add_types(bf_features_t *f, const bf_corpus_t *c, const batch_t *b,
                      size_t n_new)
{
	size_t t0 = f->n_types, t1 = t0 + n_new;
	while (2 * t1 > f->tab_cap)
		if (!tabs_grow(f))
			return false;
	if (!grow_types(f, t1))
		return false;
	/* each new type's own slots: in parallel (0.07-0.12 s of one thread
	 * on the 1 GB dump, reading the candidates' scattered records) */
	long n = (long)b->n_cand;
#pragma omp parallel for schedule(static) num_threads(f->n_threads) if (n > (long)KEY_CHUNK)
	for (long q = 0; q < n; q++) {
		if (!b->keep[q])
			continue;
		size_t t = b->old_type[q], s = b->s0 + b->cand[q];
		f->type_key[t] = b->key[q];
		f->type_raw[t] = (bf_raw_rec_t){ b->raw[b->cand[q]], c->sent[s].text_len,
		                                 (uint32_t)s };
		f->type_rep[t] = (uint32_t)s;
	}
	f->n_types = t1;
	insert_types(f, t0, t1);
	return true;
}

/* Step 5 (parallel): the types of the batch's sentences that raw_lookup
 * left; a repeat of a raw text earlier in the batch shares that
 * sentence's text. */
static void assign_types(bf_features_t *f, bf_corpus_t *c, const batch_t *b)
{
	long n = (long)b->n;
#pragma omp parallel for schedule(dynamic, KEY_CHUNK) num_threads(f->n_threads) if (n > (long)KEY_CHUNK)
	for (long i = 0; i < n; i++) {
		size_t s = b->s0 + (size_t)i;
		if (b->kind[i] == K_REPEAT) { /* ref: the first, a candidate */
			f->type_of[s] = b->old_type[b->ref[b->ref[i]]];
			bf_corpus_share_text(c, s, b->s0 + b->ref[i]);
		} else if (b->kind[i] == K_CAND) {
			f->type_of[s] = b->old_type[b->ref[i]];
		}
	}
}

/* Step 6: the sets of the candidates that made new types, appended in
 * type order (candidates are in sentence order, and so are new types):
 * offsets in one pass, then each chunk's sets copied in parallel. */
static bool append_sets(bf_features_t *f, const batch_t *b, size_t t0)
{
	size_t n = b->n_cand, t = t0;
	for (size_t q = 0; q < n; q++)
		if (b->keep[q]) {
			f->sh_off[t + 1] = f->sh_off[t] + b->cnt[q];
			f->term_off[t + 1] = f->term_off[t] + b->cnt[n + q];
			t++;
		}
	if (t != f->n_types ||
	    !bf_array_grow((void **)&f->sh, &f->sh_cap, f->sh_off[t], sizeof(uint32_t)) ||
	    !bf_array_grow((void **)&f->term, &f->term_cap, f->term_off[t], sizeof(uint32_t)))
		return false;
	/* first new type of each chunk */
	size_t *t_of = malloc((b->n_chunks + 1) * sizeof *t_of);
	if (!t_of)
		return false;
	t_of[0] = t0;
	for (size_t k = 0; k < b->n_chunks; k++) {
		size_t lo = k * TYPE_CHUNK, hi = lo + TYPE_CHUNK < n ? lo + TYPE_CHUNK : n;
		t_of[k + 1] = t_of[k];
		for (size_t q = lo; q < hi; q++)
			t_of[k + 1] += b->keep[q];
	}
#pragma omp parallel for schedule(dynamic, 1) num_threads(f->n_threads) if (b->n_chunks > 1)
	for (long k = 0; k < (long)b->n_chunks; k++) {
		const chunk_out_t *o = &b->ch[k];
		size_t lo = (size_t)k * TYPE_CHUNK, hi = lo + TYPE_CHUNK < n ? lo + TYPE_CHUNK : n;
		size_t sh = 0, term = 0, tt = t_of[k]; /* read positions in the chunk */
		for (size_t q = lo; q < hi; q++) {
			uint32_t nsh = b->cnt[q], nterm = b->cnt[n + q];
			if (b->keep[q]) {
				memcpy(f->sh + f->sh_off[tt], o->sh + sh, nsh * sizeof *f->sh);
				memcpy(f->term + f->term_off[tt], o->term + term, nterm * sizeof *f->term);
				tt++;
			}
			sh += nsh;
			term += nterm;
		}
	}
	free(t_of);
	return true;
}

bf_status_t bf_features_add(bf_features_t *f, bf_corpus_t *c, size_t s0,
                            size_t s1)
{
	double t = omp_get_wtime();
	if (!bf_array_grow((void **)&f->type_of, &f->cap, s1, sizeof *f->type_of))
		return BF_ENOMEM;
	batch_t b = { .s0 = s0, .n = s1 - s0 };
	b.raw = malloc((b.n + 1) * sizeof *b.raw);
	b.kind = malloc(b.n + 1);
	b.ref = malloc((b.n + 1) * sizeof *b.ref);
	size_t t0 = f->n_types;
	bool ok = b.raw && b.kind && b.ref;
	if (ok)
		raw_lookup(f, c, &b);
	ok = ok && mark_repeats(c, &b, f->n_threads) && key_candidates(f, c, &b);
	size_t n_new = ok ? number_new_types(f, &b) : SIZE_MAX;
	ok = n_new != SIZE_MAX && add_types(f, c, &b, n_new);
	if (ok)
		assign_types(f, c, &b);
	ok = ok && append_sets(f, &b, t0);
	batch_free(&b);
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
