/* stemcache.c - content terms through a per-thread cache (see
 * bf_stemcache.h). */
#include "bf_stemcache.h"
#include "bf_terms.h"

#include <stdlib.h>
#include "bf_xxhash.h"

bf_status_t bf_stem_cache_init(bf_stem_cache_t *sc)
{
	size_t bytes = ((size_t)1 << BF_STEM_CACHE_SET_BITS) * sizeof *sc->set;
	sc->stem = bf_stemmer_create();
	sc->set = aligned_alloc(BF_STEM_CACHE_LINE, bytes);
	if (!sc->stem || !sc->set) {
		bf_stem_cache_free(sc);
		return BF_ENOMEM;
	}
	memset(sc->set, 0, bytes);
	return BF_OK;
}

void bf_stem_cache_free(bf_stem_cache_t *sc)
{
	bf_stemmer_free(sc->stem);
	free(sc->set);
	sc->stem = NULL;
	sc->set = NULL;
}

uint64_t bf_stem_cache_key(const char *w, size_t len)
{
	return XXH3_64bits(w, len);
}

bf_stem_entry_t bf_stem_cache_miss(bf_stem_cache_t *sc, uint64_t key, const char *w,
                                   size_t len, uint64_t seed)
{
	uint64_t t = bf_word_term(sc->stem, w, len, seed);
	return (bf_stem_entry_t){ (uint32_t)key | (t != 0), (uint32_t)(key >> 32),
	                          (uint32_t)(t >> 32) };
}
