/* terms.c - content terms of titles (see bf_terms.h). */
#include "bf_array.h"
#include "bf_terms.h"
#include "bf_shingle.h"

#include <stdlib.h>
#include "bf_xxhash.h"

uint64_t bf_term_hash(const char *stem, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(stem, len, seed ^ BF_TERM_SEED_SALT) | 1;
}

uint64_t bf_word_term(bf_stemmer_t *stem, const char *w, size_t len, uint64_t seed)
{
	if (bf_is_stopword(w, len))
		return 0;
	size_t sl;
	const char *st = bf_stem(stem, w, len, &sl);
	return bf_term_hash(st, sl, seed);
}

size_t bf_terms_of_text(const char *s, size_t len, bf_norm_t *nm,
                        bf_stem_cache_t *sc, uint64_t seed, bf_terms_buf_t *b)
{
	if (bf_normalize(s, len, nm) != BF_OK)
		return SIZE_MAX;
	if (nm->n_tok > b->cap) {
		size_t nc = bf_array_next_cap(b->cap, nm->n_tok);
		if (!bf_array_resize((void **)&b->h, nc, sizeof *b->h) ||
		    !bf_array_resize((void **)&b->t, nc, sizeof *b->t))
			return SIZE_MAX;
		b->cap = nc;
	}
	size_t n = 0;
	for (size_t i = 0; i < nm->n_tok; i++) {
		const char *w = nm->buf + nm->tok[i].off;
		uint64_t h = bf_stem_cache_term(sc, bf_stem_cache_key(w, nm->tok[i].len), w,
		                                nm->tok[i].len, seed);
		if (h)
			b->h[n++] = h;
	}
	return bf_hashset32_make(b->h, n, b->t);
}

void bf_terms_buf_free(bf_terms_buf_t *b)
{
	free(b->h);
	free(b->t);
	b->h = NULL;
	b->t = NULL;
	b->cap = 0;
}
