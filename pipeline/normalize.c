/* normalize.c - sentence text to normalized words; stems and stop words.
 *
 * bf_normalize() outline:
 *   all bytes < 0x80  ->  ASCII fast path: tolower, split on non-alnum.  NFKC
 *                         and the lumping below are the identity on ASCII, and
 *                         case folding is tolower, so the result is the same
 *                         as the full path (tests/test_normalize.c checks it).
 *   otherwise         ->  utf8proc_decompose (compatibility decomposition,
 *                         case fold, default ignorables removed, typographic
 *                         quotes/dashes/spaces lumped to ASCII) into 32-bit
 *                         code points, utf8proc_normalize_utf32 to compose
 *                         (NFKC), then one pass that keeps letters (L*),
 *                         digits (N*) and marks (M*) inside a word and turns
 *                         every other code point into a word break.
 *
 * The code points live in out->buf itself and the UTF-8 result is written
 * over them from the front: code point i is read before any byte at or past
 * 4*i is written (each code point emits at most 4 bytes, and the single space
 * between words is paid for by the separator code point that ended the
 * previous word), so no second buffer is needed and bf_norm_t stays as the
 * header declares it. */
#include "bf_normalize.h"

#include <libstemmer.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* NFKC + case fold (the near-duplicate definition), and LUMP so that U+2019
 * and friends become the ASCII punctuation they stand for.  No IGNORE: the
 * definition makes every non letter/digit a separator, soft hyphens and
 * zero-width characters included, and tests/check_briefing.py and
 * bench/cluster_recall.py check against exactly that. */
#define NORM_UOPTS (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | \
		    UTF8PROC_CASEFOLD | UTF8PROC_LUMP)

/* Spans are 32-bit.  NFKC + case fold turns one code point into at most 18
 * (U+FDFA, 3 bytes) of at most 4 bytes each: 24 output bytes per input
 * byte, so inputs under this cap keep every offset below 2^32. */
#define NORM_MAX_LEN ((size_t)UINT32_MAX / 32)

/* ASCII letter or digit; locale-independent (main may call setlocale). */
static inline int norm_ascii_alnum(unsigned c)
{
	return (c - '0' < 10u) || ((c | 0x20u) - 'a' < 26u);
}

static inline char norm_ascii_lower(unsigned c)
{
	return (char)(c - 'A' < 26u ? c | 0x20u : c);
}

static bf_status_t norm_grow_buf(bf_norm_t *out, size_t need)
{
	if (need <= out->cap)
		return BF_OK;
	size_t cap = out->cap ? out->cap : 256;
	while (cap < need)
		cap *= 2;
	char *b = realloc(out->buf, cap);
	if (!b)
		return BF_ENOMEM;
	out->buf = b;
	out->cap = cap;
	return BF_OK;
}

/* n units of input yield at most (n+1)/2 words: every word but the last is
 * followed by a separator. */
static bf_status_t norm_grow_tok(bf_norm_t *out, size_t n_units)
{
	size_t need = n_units / 2 + 1;
	if (need <= out->cap_tok)
		return BF_OK;
	size_t cap = out->cap_tok ? out->cap_tok : 64;
	while (cap < need)
		cap *= 2;
	bf_span_t *t = realloc(out->tok, cap * sizeof *t);
	if (!t)
		return BF_ENOMEM;
	out->tok = t;
	out->cap_tok = cap;
	return BF_OK;
}

/* Opens a word at byte w of the output, writing the joining space first. */
static inline size_t norm_word_open(bf_norm_t *out, size_t w)
{
	if (w > 0)
		out->buf[w++] = ' ';
	out->tok[out->n_tok].off = (uint32_t)w;
	return w;
}

static inline void norm_word_close(bf_norm_t *out, size_t w)
{
	bf_span_t *t = &out->tok[out->n_tok++];
	t->len = (uint32_t)(w - t->off);
}

static bf_status_t norm_ascii(const unsigned char *s, size_t len,
                              bf_norm_t *out)
{
	bf_status_t st = norm_grow_buf(out, len + 1);
	if (st == BF_OK)
		st = norm_grow_tok(out, len);
	if (st != BF_OK)
		return st;
	size_t w = 0;
	int in_word = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (norm_ascii_alnum(c)) {
			if (!in_word)
				w = norm_word_open(out, w);
			in_word = 1;
			out->buf[w++] = norm_ascii_lower(c);
		} else if (in_word) {
			norm_word_close(out, w);
			in_word = 0;
		}
	}
	if (in_word)
		norm_word_close(out, w);
	out->buf[w] = '\0';
	out->len = w;
	return BF_OK;
}

static inline utf8proc_int32_t *norm_cp(bf_norm_t *out)
{
	return (utf8proc_int32_t *)(void *)out->buf; /* malloc'd: aligned */
}

/* Room for n code points plus the final NUL of the in-place UTF-8 pass. */
static inline size_t norm_cp_cap(const bf_norm_t *out)
{
	return out->cap ? (out->cap - 1) / sizeof(utf8proc_int32_t) : 0;
}

/* Appends the decomposition of the valid UTF-8 run s[0..len) after the *n
 * code points already in out->buf, growing it when utf8proc reports that
 * it needs more room. */
static bf_status_t norm_decompose_run(const unsigned char *s, size_t len,
                                      bf_norm_t *out, size_t *n)
{
	for (;;) {
		size_t avail = norm_cp_cap(out) - *n;
		utf8proc_ssize_t r = utf8proc_decompose(s, (utf8proc_ssize_t)len,
		                                        norm_cp(out) + *n,
		                                        (utf8proc_ssize_t)avail,
		                                        NORM_UOPTS);
		if (r < 0)
			return r == UTF8PROC_ERROR_NOMEM ? BF_ENOMEM : BF_EINPUT;
		if ((size_t)r <= avail) {
			*n += (size_t)r;
			return BF_OK;
		}
		size_t need = (*n + (size_t)r) * sizeof(utf8proc_int32_t) + 1;
		if (norm_grow_buf(out, need) != BF_OK)
			return BF_ENOMEM;
	}
}

/* Slow path for input with invalid UTF-8: valid runs are decomposed one by
 * one and every invalid byte becomes a space, i.e. a word break. */
static bf_status_t norm_decompose_lenient(const unsigned char *s, size_t len,
                                          bf_norm_t *out, size_t *n)
{
	size_t run = 0, i = 0;
	*n = 0;
	while (i <= len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = i < len ? utf8proc_iterate(s + i,
		                     (utf8proc_ssize_t)(len - i), &c) : -1;
		if (k > 0) {
			i += (size_t)k;
			continue;
		}
		bf_status_t st = norm_decompose_run(s + run, i - run, out, n);
		if (st != BF_OK)
			return st;
		if (i == len)
			return BF_OK;
		if (*n + 1 > norm_cp_cap(out) &&
		    norm_grow_buf(out, (*n + 1) * sizeof(utf8proc_int32_t) + 1))
			return BF_ENOMEM;
		norm_cp(out)[(*n)++] = ' ';
		run = ++i;
	}
	return BF_OK;
}

static bf_status_t norm_decompose(const unsigned char *s, size_t len,
                                  bf_norm_t *out, size_t *n)
{
	/* Most inputs map to at most one code point per byte. */
	if (norm_grow_buf(out, (len + 16) * sizeof(utf8proc_int32_t) + 1))
		return BF_ENOMEM;
	*n = 0;
	bf_status_t st = norm_decompose_run(s, len, out, n);
	if (st == BF_EINPUT)
		st = norm_decompose_lenient(s, len, out, n);
	return st;
}

/* Letters and digits make words; combining marks only continue one. */
static inline int norm_is_word_cp(utf8proc_int32_t c, int in_word)
{
	if (c < 0x80)
		return norm_ascii_alnum((unsigned)c);
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return in_word;
	default:
		return 0;
	}
}

static bf_status_t norm_unicode(const unsigned char *s, size_t len,
                                bf_norm_t *out)
{
	size_t n;
	bf_status_t st = norm_decompose(s, len, out, &n);
	if (st != BF_OK)
		return st;
	utf8proc_ssize_t r = utf8proc_normalize_utf32(norm_cp(out),
	                                              (utf8proc_ssize_t)n,
	                                              NORM_UOPTS);
	if (r < 0)
		return BF_EINPUT; /* not reached: code points come from utf8proc */
	n = (size_t)r;
	if (norm_grow_tok(out, n) != BF_OK)
		return BF_ENOMEM;
	const utf8proc_int32_t *cp = norm_cp(out);
	size_t w = 0;
	int in_word = 0;
	for (size_t i = 0; i < n; i++) {
		utf8proc_int32_t c = cp[i]; /* read before bytes >= 4*i change */
		if (norm_is_word_cp(c, in_word)) {
			if (!in_word)
				w = norm_word_open(out, w);
			in_word = 1;
			w += (size_t)utf8proc_encode_char(c,
			                (utf8proc_uint8_t *)out->buf + w);
		} else if (in_word) {
			norm_word_close(out, w);
			in_word = 0;
		}
	}
	if (in_word)
		norm_word_close(out, w);
	out->buf[w] = '\0';
	out->len = w;
	return BF_OK;
}

static int norm_all_ascii(const unsigned char *s, size_t len)
{
	unsigned char acc = 0;
	for (size_t i = 0; i < len; i++)
		acc |= s[i];
	return acc < 0x80;
}

bf_status_t bf_normalize(const char *s, size_t len, bf_norm_t *out)
{
	if (len > NORM_MAX_LEN || (!s && len))
		return BF_EARG;
	out->len = 0;
	out->n_tok = 0;
	const unsigned char *u = (const unsigned char *)s;
	if (norm_all_ascii(u, len))
		return norm_ascii(u, len, out);
	return norm_unicode(u, len, out);
}

void bf_norm_free(bf_norm_t *n)
{
	if (!n)
		return;
	free(n->buf);
	free(n->tok);
	memset(n, 0, sizeof *n);
}

/* ---- stemming ---------------------------------------------------------- */

struct bf_stemmer {
	struct sb_stemmer *sb;
};

bf_stemmer_t *bf_stemmer_create(void)
{
	bf_stemmer_t *st = malloc(sizeof *st);
	if (!st)
		return NULL;
	st->sb = sb_stemmer_new("english", "UTF_8");
	if (!st->sb) {
		free(st);
		return NULL;
	}
	return st;
}

void bf_stemmer_free(bf_stemmer_t *st)
{
	if (!st)
		return;
	sb_stemmer_delete(st->sb);
	free(st);
}

/* libstemmer fails only on allocation failure; the word itself is then the
 * most useful answer (a term that matches only itself), so no error path
 * reaches the ranking code. */
const char *bf_stem(bf_stemmer_t *st, const char *w, size_t len,
                    size_t *out_len)
{
	*out_len = len;
	if (len == 0 || len > INT_MAX)
		return w;
	const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)w,
	                                     (int)len);
	if (!r)
		return w;
	*out_len = (size_t)sb_stemmer_length(st->sb);
	return (const char *)r;
}

/* ---- stop words -------------------------------------------------------- */

/* Hand-written because no Debian C library ships an English stop list
 * (libstemmer has only stemmers; Xapian's list is C++ and internal).  This is
 * the NLTK English list with its contractions split the way bf_normalize()
 * splits them ("don't" -> "don" "t", so the apostrophe forms are dropped),
 * plus a few SMART-list function words frequent in news ("also", "would",
 * "said", ...).  Left out on purpose: NLTK's "won" (also the verb of
 * elections and titles), and SMART's "us" and "may", which after case folding
 * are also "US" and the month (or Theresa May).  Sorted by strcmp for bf_stop_cmp's binary search; the test
 * checks every entry is found, so an unsorted edit fails it. */
static const char *const bf_stop[] = {
	"a", "about", "above", "after", "again", "against", "ain", "all",
	"also", "am", "among", "an", "and", "any", "are", "aren", "as", "at",
	"be", "because", "been", "before", "being", "below", "between",
	"both", "but", "by", "can", "could", "couldn", "d", "did", "didn",
	"do", "does", "doesn", "doing", "don", "down", "during", "each",
	"either", "else", "etc", "ever", "few", "for", "from", "further",
	"had", "hadn", "has", "hasn", "have", "haven", "having", "he", "her",
	"here", "hers", "herself", "him", "himself", "his", "how", "however",
	"i", "if", "in", "into", "is", "isn", "it", "its", "itself", "just",
	"ll", "m", "ma", "me", "might", "mightn", "more", "most",
	"mr", "mrs", "ms", "much", "must", "mustn", "my", "myself", "needn",
	"neither", "no", "nor", "not", "now", "o", "of", "off", "on", "once",
	"only", "or", "other", "others", "our", "ours", "ourselves", "out",
	"over", "own", "per", "re", "s", "said", "same", "say", "says",
	"shall", "shan", "she", "should", "shouldn", "since", "so", "some",
	"such", "t", "than", "that", "the", "their", "theirs", "them",
	"themselves", "then", "there", "these", "they", "this", "those",
	"though", "through", "thus", "to", "too", "under", "until", "up",
	"upon", "ve", "very", "via", "was", "wasn", "we", "were",
	"weren", "what", "when", "where", "whether", "which", "while", "who",
	"whom", "why", "will", "with", "within", "without", "would",
	"wouldn", "y", "yet", "you", "your", "yours", "yourself",
	"yourselves",
};

/* strcmp order between the counted word w[0..len) and a C string. */
static int bf_stop_cmp(const char *w, size_t len, const char *k)
{
	size_t i = 0;
	for (; i < len && k[i]; i++)
		if (w[i] != k[i])
			return (unsigned char)w[i] - (unsigned char)k[i];
	if (i < len)
		return 1;
	return k[i] ? -1 : 0;
}

static bool bf_stop_listed(const char *w, size_t len)
{
	size_t lo = 0, hi = sizeof bf_stop / sizeof bf_stop[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = bf_stop_cmp(w, len, bf_stop[mid]);
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* One code point, or only digits (N*): neither names a topic. */
static bool bf_stop_trivial(const char *w, size_t len)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)w;
	size_t i = 0, n_cp = 0, n_num = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(u + i,
		                        (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0)
			return false;
		utf8proc_category_t cat = utf8proc_category(c);
		n_num += cat == UTF8PROC_CATEGORY_ND ||
		         cat == UTF8PROC_CATEGORY_NL ||
		         cat == UTF8PROC_CATEGORY_NO;
		n_cp++;
		i += (size_t)k;
	}
	return n_cp <= 1 || n_num == n_cp;
}

bool bf_is_stopword(const char *w, size_t len)
{
	if (len <= 1)
		return true;
	return bf_stop_listed(w, len) || bf_stop_trivial(w, len);
}
