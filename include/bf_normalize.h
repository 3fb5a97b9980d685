/* bf_normalize.h - text normalization into words (pipeline stage helper).
 *
 * The near-duplicate definition: the sentence is put in Unicode NFKC and case
 * folded (utf8proc), typographic quotes and dashes are folded to ASCII, and
 * every character that is not a letter (L*) or digit (N*) separates words.
 * The result is the words joined by single ASCII spaces.  ASCII stretches
 * of the input take a fast path (NFKC is the identity there and case fold is
 * tolower); utf8proc sees only the non-ASCII runs, each with the ASCII byte
 * before it (normalize.c says why that is exact). */
#ifndef BF_NORMALIZE_H
#define BF_NORMALIZE_H

#include "bf_common.h"
#include <stdbool.h>

/* Reusable output buffers; one per thread.  Zero-initialize, then call
 * bf_norm_free() when done. */
typedef struct {
	char *buf;        /* normalized words joined by ' ', NUL-terminated */
	size_t len;       /* bytes in buf, without the NUL */
	size_t cap;
	bf_span_t *tok;   /* n_tok word spans into buf */
	size_t n_tok;
	size_t cap_tok;
} bf_norm_t;

/* Normalizes s[0..len) (valid UTF-8 expected; invalid bytes act as
 * separators) into out.  Returns BF_OK or BF_ENOMEM. */
bf_status_t bf_normalize(const char *s, size_t len, bf_norm_t *out);
void bf_norm_free(bf_norm_t *n);

/* Content words for ranking: a per-thread Snowball English stemmer
 * (libstemmer) plus a fixed English stop-word list. */
typedef struct bf_stemmer bf_stemmer_t;
bf_stemmer_t *bf_stemmer_create(void);      /* NULL on failure */
void bf_stemmer_free(bf_stemmer_t *st);     /* accepts NULL */

/* Stem of a normalized (case-folded) word; the result stays valid until the
 * next call on the same stemmer.  *out_len receives its length. */
const char *bf_stem(bf_stemmer_t *st, const char *w, size_t len,
                    size_t *out_len);

/* True when the normalized word is an English stop word (or a single
 * character / pure number, which carry no topic). */
bool bf_is_stopword(const char *w, size_t len);

#endif
