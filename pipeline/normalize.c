/* normalize.c - sentence text to normalized words; stems and stop words.
 *
 * The definition (bf_normalize.h) is utf8proc's: compatibility decomposition,
 * case fold, typographic quotes/dashes/spaces lumped to ASCII, canonical
 * composition (NFKC), then letters (L*) and digits (N*) make words, marks
 * (M*) only continue one, and every other code point is a word break.
 *
 * bf_normalize() cuts the input into segments and carries the word state
 * (bytes written, inside a word or not) from one to the next:
 *   ASCII segments   ->  tolower, split on non-alnum, straight from the input
 *   Unicode segments ->  a maximal run of bytes >= 0x80 together with the
 *                        ASCII byte before it, through utf8proc_decompose and
 *                        utf8proc_normalize_utf32, then the category pass.
 * Why the ASCII route is exact: on an ASCII code point the decomposition and
 * the lumping are the identity and the case fold is tolower, so each ASCII
 * byte maps to itself, lower-cased.  And NFKC of a string equals the NFKC of
 * its pieces concatenated when every cut is just before an ASCII byte:
 * ASCII code points are starters (combining class 0), so canonical reordering
 * never moves a mark across them, and none is the second half of any
 * canonical composition (they occur only first, as in "=" + U+0338), so no
 * composition reaches back over a cut.  An ASCII byte before a non-ASCII run
 * can be the first half ("e" + U+0301 -> "é"), which is why it travels with
 * the run.  Sentences are mostly ASCII with a curly quote or dash here and
 * there, so utf8proc sees a few code points instead of the whole sentence.
 * tests/test_normalize.c checks the composition claim over every code point
 * and the result against utf8proc run over the whole input.
 *
 * A Unicode segment's code points live in out->buf itself, past the output
 * written so far, and its UTF-8 is written over them from the front: code
 * point i is read before any byte at or past its slot is written (each code
 * point emits at most 4 bytes, the one space that may open the segment's
 * first word has its own byte before the first slot, and any later space is
 * paid for by the separator code point that ended the previous word), so no
 * second buffer is needed and bf_norm_t stays as the header declares it. */
#include "bf_array.h"
#include "bf_normalize.h"
#include "bf_swar.h"

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

#define NORM_CP_BYTES sizeof(utf8proc_int32_t)

/* Where the output stands between segments. */
typedef struct {
	size_t w;     /* bytes of out->buf written */
	int in_word;  /* the last code point written belongs to an open word */
} norm_pos_t;

/* ASCII letter or digit; locale-independent (main may call setlocale). */
static inline int norm_ascii_alnum(unsigned c)
{
	return (c - '0' < 10u) || ((c | 0x20u) - 'a' < 26u);
}

/* Byte -> its lower case when it is an ASCII letter or digit, else 0: the
 * ASCII route's whole classification in one load. */
#define NORM_AZ(k) ['a' + (k)] = 'a' + (k), ['A' + (k)] = 'a' + (k)
#define NORM_09(k) ['0' + (k)] = '0' + (k)
static const unsigned char norm_word_byte[256] = {
	NORM_09(0), NORM_09(1), NORM_09(2), NORM_09(3), NORM_09(4),
	NORM_09(5), NORM_09(6), NORM_09(7), NORM_09(8), NORM_09(9),
	NORM_AZ(0), NORM_AZ(1), NORM_AZ(2), NORM_AZ(3), NORM_AZ(4),
	NORM_AZ(5), NORM_AZ(6), NORM_AZ(7), NORM_AZ(8), NORM_AZ(9),
	NORM_AZ(10), NORM_AZ(11), NORM_AZ(12), NORM_AZ(13), NORM_AZ(14),
	NORM_AZ(15), NORM_AZ(16), NORM_AZ(17), NORM_AZ(18), NORM_AZ(19),
	NORM_AZ(20), NORM_AZ(21), NORM_AZ(22), NORM_AZ(23), NORM_AZ(24),
	NORM_AZ(25),
};
#undef NORM_AZ
#undef NORM_09

static bf_status_t norm_grow_buf(bf_norm_t *out, size_t need)
{
	return bf_array_grow((void **)&out->buf, &out->cap, need, 1) ? BF_OK : BF_ENOMEM;
}

/* Room for the words that n_units more units of input can open: at most
 * (n+1)/2, since every word but the last is followed by a separator. */
static bf_status_t norm_grow_tok(bf_norm_t *out, size_t n_units)
{
	size_t need = out->n_tok + n_units / 2 + 1;
	return bf_array_grow((void **)&out->tok, &out->cap_tok, need, sizeof *out->tok)
	       ? BF_OK : BF_ENOMEM;
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

#define NORM_ONES BF_SWAR_ONES
#define NORM_HIGHS BF_SWAR_HIGHS
#define NORM_BLOCK sizeof(uint64_t)     /* bytes a step of the ASCII loop */

/* Bit 7 set in each byte of x in [lo, hi]; every byte of x below 0x80.
 * Per byte b: b + 0x80 - lo reaches bit 7 iff b >= lo, b + 0x7F - hi iff
 * b > hi, and neither sum carries out of its byte. */
static inline uint64_t norm_in_range(uint64_t x, unsigned lo, unsigned hi)
{
	uint64_t ge = x + NORM_ONES * (0x80u - lo);
	uint64_t gt = x + NORM_ONES * (0x7Fu - hi);
	return ge & ~gt & NORM_HIGHS;
}

/* The ASCII segment s[0..len) at the output position *p.  Eight bytes a
 * step: a word's letters are lower-cased and stored together, and its end
 * (or the next word's start) is the lowest flag of an alnum mask, so the
 * branches follow words, not bytes.  The tail is done byte by byte.  A
 * block is stored whole; what lies past the word is written over later or
 * past the end. */
static bf_status_t norm_ascii(const unsigned char *s, size_t len,
                              bf_norm_t *out, norm_pos_t *p)
{
	/* a joining space, the bytes, and the final NUL (a block stored at w
	 * ends by w + 8 <= p->w + i + 9 <= p->w + len + 1: no more room) */
	bf_status_t st = norm_grow_buf(out, p->w + len + 2);
	if (st == BF_OK)
		st = norm_grow_tok(out, len);
	if (st != BF_OK)
		return st;
	size_t w = p->w, i = 0;
	int in = p->in_word;
	while (len - i >= NORM_BLOCK) {
		uint64_t x = bf_load8(s + i), f = x | (NORM_ONES * 0x20u);
		uint64_t alnum = norm_in_range(x, '0', '9') |
		                 norm_in_range(f, 'a', 'z');
		if (!in) {
			if (!alnum) {
				i += NORM_BLOCK;
				continue;
			}
			i += bf_first_flag(alnum);
			w = norm_word_open(out, w);
			in = 1;
			continue;
		}
		bf_store8(out->buf + w, x | (norm_in_range(x, 'A', 'Z') >> 2));
		uint64_t end = ~alnum & NORM_HIGHS;
		size_t k = end ? bf_first_flag(end) : NORM_BLOCK;
		w += k;
		i += k;
		if (end) {
			norm_word_close(out, w);
			in = 0;
		}
	}
	for (; i < len; i++) {
		unsigned char c = norm_word_byte[s[i]];
		if (c) {
			if (!in)
				w = norm_word_open(out, w);
			out->buf[w++] = (char)c;
		} else if (in) {
			norm_word_close(out, w);
		}
		in = c != 0;
	}
	p->w = w;
	p->in_word = in;
	return BF_OK;
}

static inline utf8proc_int32_t *norm_cp(bf_norm_t *out)
{
	return (utf8proc_int32_t *)(void *)out->buf; /* malloc'd: aligned */
}

/* Room for code points, counted from slot 0, leaving a byte for the NUL. */
static inline size_t norm_cp_cap(const bf_norm_t *out)
{
	return out->cap ? (out->cap - 1) / NORM_CP_BYTES : 0;
}

/* Room for slots [0, n) of code points and the NUL after them. */
static inline bf_status_t norm_grow_cp(bf_norm_t *out, size_t n)
{
	return norm_grow_buf(out, n * NORM_CP_BYTES + 1);
}

/* Appends the decomposition of the valid UTF-8 run s[0..len) at slot *n,
 * growing out->buf when utf8proc reports that it needs more room. */
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
		if (norm_grow_cp(out, *n + (size_t)r) != BF_OK)
			return BF_ENOMEM;
	}
}

/* Slow path for input with invalid UTF-8: valid runs are decomposed one by
 * one and every invalid byte becomes a space, i.e. a word break. */
static bf_status_t norm_decompose_lenient(const unsigned char *s, size_t len,
                                          bf_norm_t *out, size_t *n)
{
	size_t run = 0, i = 0;
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
		if (*n + 1 > norm_cp_cap(out) && norm_grow_cp(out, *n + 1))
			return BF_ENOMEM;
		norm_cp(out)[(*n)++] = ' ';
		run = ++i;
	}
	return BF_OK;
}

/* Decomposes s[0..len) into slots [first, *end). */
static bf_status_t norm_decompose(const unsigned char *s, size_t len,
                                  bf_norm_t *out, size_t first, size_t *end)
{
	/* Most inputs map to at most one code point per byte. */
	if (norm_grow_cp(out, first + len + 16))
		return BF_ENOMEM;
	*end = first;
	bf_status_t st = norm_decompose_run(s, len, out, end);
	if (st == BF_EINPUT) {
		*end = first;
		st = norm_decompose_lenient(s, len, out, end);
	}
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

/* The Unicode segment s[0..len) at the output position *p.  Its code points
 * start at the first slot past the output and one byte for a space. */
static bf_status_t norm_unicode(const unsigned char *s, size_t len,
                                bf_norm_t *out, norm_pos_t *p)
{
	size_t first = (p->w + 1 + NORM_CP_BYTES - 1) / NORM_CP_BYTES, end;
	bf_status_t st = norm_decompose(s, len, out, first, &end);
	if (st != BF_OK)
		return st;
	utf8proc_ssize_t r = utf8proc_normalize_utf32(norm_cp(out) + first,
	                                              (utf8proc_ssize_t)(end - first),
	                                              NORM_UOPTS);
	if (r < 0)
		return BF_EINPUT; /* not reached: code points come from utf8proc */
	size_t n = (size_t)r;
	if (norm_grow_tok(out, n) != BF_OK)
		return BF_ENOMEM;
	const utf8proc_int32_t *cp = norm_cp(out) + first;
	size_t w = p->w;
	int in_word = p->in_word;
	for (size_t i = 0; i < n; i++) {
		utf8proc_int32_t c = cp[i]; /* read before its slot is written */
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
	p->w = w;
	p->in_word = in_word;
	return BF_OK;
}


/* First index at or after i of a byte >= 0x80, else len; 8 bytes a step,
 * since most sentences have none or only a few. */
static inline size_t norm_scan_high(const unsigned char *s, size_t i,
                                    size_t len)
{
	for (; i + sizeof(uint64_t) <= len; i += sizeof(uint64_t)) {
		uint64_t x;
		memcpy(&x, s + i, sizeof x);
		if (x & BF_SWAR_HIGHS)
			break;
	}
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

/* First index at or after i of an ASCII byte, else len. */
static inline size_t norm_scan_ascii(const unsigned char *s, size_t i,
                                     size_t len)
{
	while (i < len && s[i] >= 0x80)
		i++;
	return i;
}

bf_status_t bf_normalize(const char *s, size_t len, bf_norm_t *out)
{
	if (len > NORM_MAX_LEN || (!s && len))
		return BF_EARG;
	out->len = 0;
	out->n_tok = 0;
	const unsigned char *u = (const unsigned char *)s;
	norm_pos_t p = { 0, 0 };
	bf_status_t st = norm_grow_buf(out, 1);
	for (size_t i = 0; st == BF_OK && i < len;) {
		size_t j = norm_scan_high(u, i, len);
		/* the ASCII byte before a non-ASCII run may compose with it */
		size_t a = j > i && j < len ? j - 1 : j;
		st = norm_ascii(u + i, a - i, out, &p);
		if (st != BF_OK || j == len)
			break;
		size_t k = norm_scan_ascii(u, j, len);
		st = norm_unicode(u + a, k - a, out, &p);
		i = k;
	}
	if (st != BF_OK)
		return st;
	if (p.in_word)
		norm_word_close(out, p.w);
	out->buf[p.w] = '\0';
	out->len = p.w;
	return BF_OK;
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
