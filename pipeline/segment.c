/* segment.c - article text to sentences, boilerplate dropped.
 *
 * Hand-written because no well-kept C library in Debian does news-aware
 * sentence boundary detection: ICU's break iterator needs its own exception
 * lists to get past "Mr." or "U.S." and knows nothing of bylines, datelines
 * or consent banners, and Punkt or spaCy are Python.  The rules are few,
 * documented at each function, and each has a case in tests/test_segment.c.
 *
 * Outline, one linear pass per paragraph and no allocation beyond growing
 * the caller's arrays:
 *   bf_segment_article  lines (memchr '\n'); each non-blank line is a
 *                       paragraph and gets the next number
 *   seg_paragraph       trims it, strips a wire dateline from the lead,
 *                       then cuts sentences with seg_find_end and keeps or
 *                       counts each one (seg_classify)
 *   seg_find_end        scans for . ! ? ... and asks seg_is_boundary
 * Byte scans are ASCII; utf8proc decodes only at non-ASCII bytes that can
 * matter (white space, quotes, capitals after a mark).  The scans that read
 * every byte (marks, word ends, phrases) test 8 bytes at a time with word
 * arithmetic (marks and phrases 32 with AVX2) and stop only at candidates,
 * which are then checked byte by byte: branches that follow each byte of
 * text mispredict at every word and were most of the time here.
 * tests/test_segment.c checks each fast scan against a plain byte-by-byte
 * one. */
#include "bf_array.h"
#include "bf_segment.h"
#include "bf_swar.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "bf_x86.h"

#define SEG_KEEP (-1)

typedef struct {
	const char *t;       /* the article text */
	bf_segment_t *out;
	uint32_t para;       /* number of the current paragraph */
	bool lead;           /* nothing kept yet: a dateline may open the text */
} seg_ctx_t;

const char *bf_drop_reason_name(bf_drop_reason_t r)
{
	switch (r) {
	case BF_DROP_BOILERPLATE: return "boilerplate";
	case BF_DROP_BYLINE: return "byline";
	case BF_DROP_NOT_SENTENCE: return "not_sentence";
	case BF_DROP__COUNT: break;
	}
	return "unknown";
}

/* ---- characters -------------------------------------------------------- */

static inline bool seg_upper(unsigned c) { return c - 'A' < 26u; }
static inline bool seg_lower(unsigned c) { return c - 'a' < 26u; }
static inline bool seg_digit(unsigned c) { return c - '0' < 10u; }
static inline bool seg_alpha(unsigned c) { return (c | 0x20u) - 'a' < 26u; }
static inline bool seg_alnum(unsigned c) { return seg_alpha(c) || seg_digit(c); }
static inline unsigned seg_fold(unsigned c) { return seg_upper(c) ? c | 0x20u : c; }
static inline unsigned seg_u8(const char *t, size_t i) { return (unsigned char)t[i]; }

/* Byte classes, so that the scans over every byte of the text take one
 * load per byte and branch only where something may happen. */
#define SEG_C_P1_SHIFT 4   /* first letters of "al", "co", "ou" (seg_phrases) */
#define SEG_C_P2_SHIFT 7   /* their second letters, pair for pair */
#define SEG_C_PAIRS 7u     /* the three pair bits, shifted down */
enum {
	SEG_C_MARK = 1 << 0,     /* . ! ? and 0xE2, which opens "…" */
	SEG_C_WS = 1 << 1,       /* ASCII white space */
	SEG_C_WS_LEAD = 1 << 2,  /* lead bytes of the non-ASCII spaces */
	SEG_C_ALNUM = 1 << 3,    /* ASCII letter or digit */
	SEG_C_P1_A = 1 << SEG_C_P1_SHIFT, SEG_C_P1_C = 2 << SEG_C_P1_SHIFT,
	SEG_C_P1_O = 4 << SEG_C_P1_SHIFT,
	SEG_C_P2_L = 1 << SEG_C_P2_SHIFT, SEG_C_P2_O = 2 << SEG_C_P2_SHIFT,
	SEG_C_P2_U = 4 << SEG_C_P2_SHIFT,
};

#define SEG_L(ch, more) \
	[ch] = SEG_C_ALNUM | (more), [(ch) - 'a' + 'A'] = SEG_C_ALNUM | (more)
#define SEG_D(k) ['0' + (k)] = SEG_C_ALNUM
static const uint16_t seg_class[256] = {
	['.'] = SEG_C_MARK, ['!'] = SEG_C_MARK, ['?'] = SEG_C_MARK,
	[' '] = SEG_C_WS, ['\t'] = SEG_C_WS, ['\n'] = SEG_C_WS,
	['\v'] = SEG_C_WS, ['\f'] = SEG_C_WS, ['\r'] = SEG_C_WS,
	[0xC2] = SEG_C_WS_LEAD, [0xE2] = SEG_C_WS_LEAD | SEG_C_MARK,
	[0xE3] = SEG_C_WS_LEAD, [0xEF] = SEG_C_WS_LEAD,
	SEG_D(0), SEG_D(1), SEG_D(2), SEG_D(3), SEG_D(4),
	SEG_D(5), SEG_D(6), SEG_D(7), SEG_D(8), SEG_D(9),
	SEG_L('a', SEG_C_P1_A), SEG_L('b', 0), SEG_L('c', SEG_C_P1_C),
	SEG_L('d', 0), SEG_L('e', 0), SEG_L('f', 0), SEG_L('g', 0),
	SEG_L('h', 0), SEG_L('i', 0), SEG_L('j', 0), SEG_L('k', 0),
	SEG_L('l', SEG_C_P2_L), SEG_L('m', 0), SEG_L('n', 0),
	SEG_L('o', SEG_C_P1_O | SEG_C_P2_O), SEG_L('p', 0), SEG_L('q', 0),
	SEG_L('r', 0), SEG_L('s', 0), SEG_L('t', 0), SEG_L('u', SEG_C_P2_U),
	SEG_L('v', 0), SEG_L('w', 0), SEG_L('x', 0), SEG_L('y', 0),
	SEG_L('z', 0),
};
#undef SEG_L
#undef SEG_D

/* First index at or after i in [i, e) whose byte has a class in mask. */
static inline size_t seg_skip_to(const char *t, size_t i, size_t e,
                                 unsigned mask)
{
	while (i < e && !(seg_class[seg_u8(t, i)] & mask))
		i++;
	return i;
}

#define SEG_ONES BF_SWAR_ONES
#define SEG_HIGHS BF_SWAR_HIGHS

/* Nonzero exactly when some byte of x is c (a borrow may flag a wrong
 * byte, but only above one that is c). */
static inline uint64_t seg_has_byte(uint64_t x, unsigned c)
{
	uint64_t v = x ^ (SEG_ONES * c);
	return (v - SEG_ONES) & ~v & SEG_HIGHS;
}

/* seg_skip_to(SEG_C_MARK), 8 bytes a step: most 8-byte blocks of running
 * text hold no mark, and this scan reads every byte of a paragraph. */
static inline size_t seg_skip_to_mark_swar(const char *t, size_t i, size_t e)
{
	for (; e - i >= sizeof(uint64_t); i += sizeof(uint64_t)) {
		uint64_t x;
		memcpy(&x, t + i, sizeof x);
		if (seg_has_byte(x, '.') | seg_has_byte(x, '!') |
		    seg_has_byte(x, '?') | seg_has_byte(x, 0xE2))
			break;
	}
	return seg_skip_to(t, i, e, SEG_C_MARK);
}

/* The scans that read every byte (marks, phrase openings) go 32 bytes a
 * step with AVX2 where the CPU has it (bf_x86.h), and the step's byte
 * masks name the exact
 * candidates, with no byte loop after a hit (kbench segment 1005 -> 1630
 * MB/s; 1 GB -j1 run, segmentation 1.56 -> 0.68 s of samples). */
#if BF_X86

/* Bit k set when byte k of t[i..i+32) is one of . ! ? 0xE2. */
__attribute__((target("avx2"))) static inline uint32_t seg_marks32(const char *t, size_t i)
{
	__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(t + i));
	__m256i m = _mm256_or_si256(
		_mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('.')),
		                _mm256_cmpeq_epi8(x, _mm256_set1_epi8('!'))),
		_mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('?')),
		                _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xE2))));
	return (uint32_t)_mm256_movemask_epi8(m);
}

__attribute__((target("avx2"))) static size_t seg_skip_to_mark_avx2(const char *t, size_t i,
                                                                   size_t e)
{
	for (; e - i >= 32; i += 32) {
		uint32_t m = seg_marks32(t, i);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	return seg_skip_to_mark_swar(t, i, e);
}
#endif

static inline size_t seg_skip_to_mark(const char *t, size_t i, size_t e)
{
#if BF_X86
	if (__builtin_cpu_supports("avx2"))
		return seg_skip_to_mark_avx2(t, i, e);
#endif
	return seg_skip_to_mark_swar(t, i, e);
}

/* Code point at t[i] (-1 for an invalid byte) and its length in *n. */
static utf8proc_int32_t seg_cp(const char *t, size_t i, size_t e, size_t *n)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
	                                      (utf8proc_ssize_t)(e - i), &c);
	*n = k > 0 ? (size_t)k : 1;
	return k > 0 ? c : -1;
}

static bool seg_cp_is(utf8proc_int32_t c, const char *cats)
{
	if (c < 0)
		return false;
	const char *name = utf8proc_category_string(c);
	return strchr(cats, name[0]) != NULL;
}

/* Start of the code point that ends at i (i > b). */
static size_t seg_prev_cp(const char *t, size_t b, size_t i)
{
	size_t j = i - 1;
	while (j > b && i - j < 4 && (seg_u8(t, j) & 0xC0u) == 0x80u)
		j--;
	return j;
}

/* Non-ASCII white space: NEL, NBSP, the U+2000..U+200B spaces, the line
 * and paragraph separators, U+202F, U+205F, U+3000 and the BOM, which text
 * scraped from web pages carries. */
static size_t seg_ws_u8(const char *t, size_t i, size_t e)
{
	if (!(seg_class[seg_u8(t, i)] & SEG_C_WS_LEAD))
		return 0;
	size_t n;
	utf8proc_int32_t cp = seg_cp(t, i, e, &n);
	if (cp == 0x85 || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	    cp == 0x3000 || cp == 0xFEFF)
		return n;
	return 0;
}

/* Bytes of white space at t[i], 0 if none. */
static inline size_t seg_ws(const char *t, size_t i, size_t e)
{
	unsigned c = seg_u8(t, i);
	if (c < 0x80)
		return (seg_class[c] & SEG_C_WS) != 0;
	return seg_ws_u8(t, i, e);
}

static size_t seg_skip_ws(const char *t, size_t i, size_t e)
{
	size_t n;
	while (i < e && (n = seg_ws(t, i, e)) > 0)
		i += n;
	return i;
}

/* t[i..i+8) as a little-endian number (bf_swar.h). */
static inline uint64_t seg_load8(const char *t, size_t i)
{
	return bf_load8(t + i);
}

/* First index at or after i whose byte starts white space, else e.  Only
 * bytes below 0x21 or from 0x80 can, so 8 bytes are tested at once: the
 * lowest byte flagged by (x - 0x21..) & ~x | x is exactly the first such
 * byte (bytes before it, 0x21..0x7F, neither borrow nor have bit 7). */
static inline size_t seg_word_end(const char *t, size_t i, size_t e)
{
	for (;;) {
		if (e - i >= sizeof(uint64_t)) {
			uint64_t x = seg_load8(t, i);
			uint64_t m = (((x - SEG_ONES * 0x21u) & ~x) | x) & SEG_HIGHS;
			if (!m) {
				i += sizeof(uint64_t);
				continue;
			}
			i += bf_first_flag(m);
		} else {   /* the tail: skip bytes 0x21..0x7F */
			while (i < e && seg_u8(t, i) - 0x21u < 0x5Fu)
				i++;
			if (i == e)
				return e;
		}
		if (seg_ws(t, i, e))
			return i;
		i++;
	}
}

static size_t seg_trim_end(const char *t, size_t b, size_t e)
{
	while (e > b) {
		size_t j = seg_prev_cp(t, b, e);
		if (seg_ws(t, j, e) != e - j)
			break;
		e = j;
	}
	return e;
}

/* Bytes of a terminal mark at t[i]: . ! ? (1) or U+2026 "…" (3), else 0. */
static inline size_t seg_mark(const char *t, size_t i, size_t e)
{
	unsigned c = seg_u8(t, i);
	if (c == '.' || c == '!' || c == '?')
		return 1;
	if (c == 0xE2 && e - i >= 3 && seg_u8(t, i + 1) == 0x80 &&
	    seg_u8(t, i + 2) == 0xA6)
		return 3;
	return 0;
}

/* Bytes of a closing quote or bracket at t[i]: " ' ) ] » ” ’ ›, else 0. */
static size_t seg_closer(const char *t, size_t i, size_t e)
{
	unsigned c = seg_u8(t, i);
	if (c == '"' || c == '\'' || c == ')' || c == ']')
		return 1;
	if (c == 0xC2 && e - i >= 2 && seg_u8(t, i + 1) == 0xBB)
		return 2;
	if (c == 0xE2 && e - i >= 3 && seg_u8(t, i + 1) == 0x80) {
		unsigned d = seg_u8(t, i + 2);
		if (d == 0x9D || d == 0x99 || d == 0xBA)
			return 3;
	}
	return 0;
}

/* Can a sentence start at t[k]?  A capital, a digit, or an opening quote or
 * bracket (ASCII " ' ( [ and DUC's ``, or Unicode Ps/Pi: “ ‘ « „).  A
 * bracket followed by a space is a Reuters ticker ("Inc. ( GOOG.O ) said"). */
static bool seg_starts_sentence(const char *t, size_t k, size_t e)
{
	unsigned c = seg_u8(t, k);
	if (c == '(' || c == '[')
		return k + 1 < e && !seg_ws(t, k + 1, e);
	if (c < 0x80)
		return seg_upper(c) || seg_digit(c) || c == '"' || c == '\'' ||
		       c == '`';
	size_t n;
	utf8proc_int32_t cp = seg_cp(t, k, e, &n);
	if (cp < 0)
		return false;
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ||
	       cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PI;
}

/* ---- word lists -------------------------------------------------------- */

/* strcmp order between the counted string w[0..n) and a C string. */
static int seg_cmp(const char *w, size_t n, const char *k)
{
	size_t i = 0;
	for (; i < n && k[i]; i++)
		if (w[i] != k[i])
			return (unsigned char)w[i] - (unsigned char)k[i];
	if (i < n)
		return 1;
	return k[i] ? -1 : 0;
}

/* Index of w in the strcmp-sorted list, or -1. */
static int seg_find(const char *const *list, size_t n_list,
                    const char *w, size_t n)
{
	size_t lo = 0, hi = n_list;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = seg_cmp(w, n, list[mid]);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

#define SEG_FIND(list, w, n) seg_find(list, sizeof list / sizeof list[0], w, n)

/* Abbreviations after which a period never ends a sentence: titles and
 * "vs."; a capitalized name always follows.  Sorted by strcmp. */
static const char *const seg_titles[] = {
	"Adm", "Amb", "Atty", "Brig", "Capt", "Cdr", "Cmdr", "Col", "Cpl",
	"Det", "Dr", "Drs", "Fr", "Ft", "Gen", "Gens", "Gov", "Hon", "Insp",
	"Lt", "Maj", "Messrs", "Mme", "Mmes", "Mr", "Mrs", "Ms", "Msgr", "Mt",
	"Mx", "Pfc", "Pres", "Prof", "Pvt", "Rep", "Reps", "Rev", "Sen",
	"Sens", "Sgt", "Supt", "v", "vs",
};

/* Abbreviations that may also end a sentence ("Apple Inc. The company",
 * "on Jan. 5").  After these, and after dotted forms (U.S., a.m., J.D.) and
 * single capitals (George W. Bush), seg_starter_next decides.  Sorted. */
static const char *const seg_abbrevs[] = {
	"Apr", "Assn", "Aug", "Ave", "Blvd", "Bros", "Co", "Corp", "Cos",
	"Dec", "Dept", "Feb", "Inc", "Jan", "Jr", "Jul", "Jun", "Ltd", "Mar",
	"No", "Nos", "Nov", "Oct", "Plc", "Rd", "Sep", "Sept", "Sr", "St",
	"Univ", "Vol", "al", "approx", "cf", "etc", "plc",
};

/* Bytes of the longest entry of seg_titles and seg_abbrevs, so that longer
 * words skip both searches (tests/test_segment.c checks the lists). */
#define SEG_ABBREV_MAX_LEN 6

/* Words that open sentences but rarely follow an abbreviation inside one.
 * "I" is left out (E. I. du Pont).  Sorted by strcmp. */
static const char *const seg_starters[] = {
	"A", "About", "According", "After", "Again", "Against", "All", "Also",
	"Although", "Among", "An", "And", "Another", "Any", "As", "At",
	"Because", "Before", "Both", "But", "By", "Despite", "During", "Each",
	"Earlier", "Even", "Every", "Finally", "For", "From", "He", "Her",
	"Here", "His", "How", "However", "If", "In", "Instead", "It", "Its",
	"Last", "Later", "Many", "Meanwhile", "More", "Most", "My", "No", "Not",
	"Now", "On", "Once", "One", "Only", "Our", "Shares", "She", "Since",
	"So", "Some", "Still", "That", "The", "Their", "Then", "There", "These",
	"They", "This", "Those", "Though", "Thus", "To", "Under", "Until",
	"We", "What", "When", "Where", "While", "Who", "Why", "With", "Yet",
	"You",
};

/* ---- sentence boundaries ----------------------------------------------- */

static bool seg_next_token(const char *t, size_t *i, size_t e,
                           size_t *tb, size_t *te);

enum { SEG_STOP, SEG_ELLIPSIS, SEG_STRONG };      /* kinds of mark runs */
enum { SEG_W_WORD, SEG_W_TITLE, SEG_W_ABBREV };   /* word before a period */

/* End of the run of marks at t[i]; *kind: one '.', an ellipsis ("..." or
 * "…"), or one with ! or ?. */
static size_t seg_mark_run(const char *t, size_t i, size_t e, int *kind)
{
	size_t n_dot = 0, ml;
	bool strong = false, ell = false;
	while (i < e && (ml = seg_mark(t, i, e)) > 0) {
		if (ml == 3)
			ell = true;
		else if (t[i] == '.')
			n_dot++;
		else
			strong = true;
		i += ml;
	}
	*kind = strong ? SEG_STRONG : (ell || n_dot > 1) ? SEG_ELLIPSIS
	                                                : SEG_STOP;
	return i;
}

static bool seg_all_digits(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!seg_digit((unsigned char)w[i]))
			return false;
	return n > 0;
}

/* Classifies the ASCII token (letters, digits, inner periods) that the
 * period at t[i] ends.  Dotted tokens are abbreviations (U.S., a.m., J.D.)
 * unless the last part is digits (a number: "$12.50."); one capital is an
 * initial; a token glued to a non-ASCII letter is a plain word. */
static int seg_word_before(const char *t, size_t s, size_t i)
{
	size_t b = i;
	while (b > s && (seg_alnum(seg_u8(t, b - 1)) || t[b - 1] == '.'))
		b--;
	if (b == i)
		return SEG_W_WORD;
	if (b > s && seg_u8(t, b - 1) >= 0x80) {
		size_t n, j = seg_prev_cp(t, s, b);
		if (seg_cp_is(seg_cp(t, j, b, &n), "LMN"))
			return SEG_W_WORD;
	}
	const char *w = t + b;
	size_t n = i - b, d = n;
	while (d > 0 && w[d - 1] != '.')
		d--;
	if (d > 0)
		return seg_all_digits(w + d, n - d) ? SEG_W_WORD : SEG_W_ABBREV;
	if (n == 1 && seg_upper((unsigned char)w[0]))
		return SEG_W_ABBREV;
	if (n > SEG_ABBREV_MAX_LEN)
		return SEG_W_WORD;
	if (SEG_FIND(seg_titles, w, n) >= 0)
		return SEG_W_TITLE;
	return SEG_FIND(seg_abbrevs, w, n) >= 0 ? SEG_W_ABBREV : SEG_W_WORD;
}

/* After an ambiguous abbreviation: a sentence starts only if the next word
 * is a common sentence opener or an opening quote/bracket follows.  So
 * "the U.S. The talks" splits and "U.S. President Trump" does not; "...with
 * the U.S. Zelensky said" stays one sentence (a known, rarer miss). */
static bool seg_starter_next(const char *t, size_t k, size_t e)
{
	unsigned c = seg_u8(t, k);
	if (seg_digit(c))
		return false;
	if (c == '(' || c == '[')   /* "Co. (Reporting by", not "Co. (DIS.N)" */
		return k + 2 < e && seg_upper(seg_u8(t, k + 1)) &&
		       seg_lower(seg_u8(t, k + 2));
	if (!seg_upper(c))
		return !seg_cp_is(seg_cp(t, k, e, &(size_t){0}), "L");
	size_t m = k;
	while (m < e && seg_alpha(seg_u8(t, m)))
		m++;
	if (m < e && seg_u8(t, m) >= 0x80 &&
	    seg_cp_is(seg_cp(t, m, e, &(size_t){0}), "LM"))
		return false;
	return SEG_FIND(seg_starters, t + k, m - k) >= 0;
}

/* Verbs of attribution after a quoted question or exclamation.  Sorted. */
static const char *const seg_speech_verbs[] = {
	"added", "asked", "asks", "countered", "declared", "demanded",
	"exclaimed", "explained", "insisted", "joked", "noted", "quipped",
	"recalled", "replied", "responded", "said", "says", "shouted", "told",
	"wondered", "wrote",
};

#define SEG_ATTRIB_MAX_NAMES 3   /* "Prime Minister Netanyahu said" */

/* "“Why not?” Frei asked." continues the sentence: up to three capitalized
 * words, then a verb of attribution. */
static bool seg_attribution(const char *t, size_t k, size_t e)
{
	size_t i = k, tb, te;
	for (size_t n = 0; n <= SEG_ATTRIB_MAX_NAMES; n++) {
		if (!seg_next_token(t, &i, e, &tb, &te))
			return false;
		while (te > tb && (t[te - 1] == '.' || t[te - 1] == ','))
			te--;
		if (tb == te)
			return false;
		if (seg_lower(seg_u8(t, tb)))
			return n > 0 && SEG_FIND(seg_speech_verbs, t + tb,
			                         te - tb) >= 0;
		if (!seg_upper(seg_u8(t, tb)))
			return false;
	}
	return false;
}

/* Does the mark run starting at t[i] (of the sentence that began at s) end
 * the sentence, given that the next one would start at t[k]?  quoted: a
 * closing quote follows the marks. */
static bool seg_is_boundary(const char *t, size_t s, size_t i, int kind,
                            bool quoted, size_t k, size_t e)
{
	if (!seg_starts_sentence(t, k, e))
		return false;       /* "p.m. on", "ceasefire... would" */
	if (kind == SEG_STRONG && quoted && seg_attribution(t, k, e))
		return false;
	if (kind != SEG_STOP)
		return true;
	switch (seg_word_before(t, s, i)) {
	case SEG_W_TITLE:
		return false;
	case SEG_W_ABBREV:
		return seg_starter_next(t, k, e);
	default:
		return true;
	}
}

/* DUC and Penn Treebank text write a closing quote as '' and often after a
 * space ("said. '' Next"); such a quote still belongs to the sentence. */
static size_t seg_duc_close(const char *t, size_t *j, size_t k, size_t e)
{
	if (k + 1 < e && t[k] == '\'' && t[k + 1] == '\'' &&
	    (k + 2 == e || seg_ws(t, k + 2, e))) {
		*j = k + 2;
		return seg_skip_ws(t, k + 2, e);
	}
	return k;
}

/* End of the sentence that starts at s: past its marks and closing quotes
 * or brackets; e when the paragraph ends first.  *next: where the next
 * sentence starts.  A mark not followed by white space ("3.5", "U.S.-led")
 * never ends a sentence. */
static size_t seg_find_end(const char *t, size_t s, size_t e, size_t *next)
{
	size_t i = s;
	*next = e;
	while ((i = seg_skip_to_mark(t, i, e)) < e) {
		if (!seg_mark(t, i, e)) {
			i++;           /* 0xE2 of something other than "…" */
			continue;
		}
		int kind;
		size_t j = seg_mark_run(t, i, e, &kind), n, j_mark = j;
		while (j < e && (n = seg_closer(t, j, e)) > 0)
			j += n;
		size_t k = seg_skip_ws(t, j, e);
		if (k == j) {
			i = j;
			continue;
		}
		k = seg_duc_close(t, &j, k, e);
		if (k >= e)
			return e;
		if (seg_is_boundary(t, s, i, kind, j > j_mark, k, e)) {
			*next = k;
			return j;
		}
		i = k;
	}
	return e;
}

/* Does the unit end with a terminal mark (closing quotes allowed after)? */
static bool seg_terminated(const char *t, size_t b, size_t e)
{
	for (;;) {
		e = seg_trim_end(t, b, e);
		if (e == b)
			return false;
		size_t j = seg_prev_cp(t, b, e);
		if (seg_closer(t, j, e) != e - j)
			return seg_mark(t, j, e) != 0;
		e = j;
	}
}

/* White-space separated words holding a letter or digit, counted up to
 * max, or until min_lower are counted and one of them starts in lower case
 * (so long text is not read to the end); *n_lower: how many of the counted
 * words start with an ASCII lower-case letter.  Most words start with a
 * letter or digit; their ends are found by seg_word_end, 8 bytes a step. */
static size_t seg_count_words(const char *t, size_t b, size_t e, size_t max,
                              size_t min_lower, size_t *n_lower)
{
	size_t n_word = 0, i = seg_skip_ws(t, b, e);
	*n_lower = 0;
	while (i < e && n_word < max && (n_word < min_lower || !*n_lower)) {
		bool has = seg_class[seg_u8(t, i)] & SEG_C_ALNUM;
		*n_lower += seg_lower(seg_u8(t, i));
		if (has)
			i = seg_word_end(t, i + 1, e);
		while (i < e && seg_ws(t, i, e) == 0) {   /* has is false */
			unsigned c = seg_u8(t, i);
			size_t k = 1;
			if (c < 0x80)
				has |= seg_alnum(c);
			else if (!has)
				has = seg_cp_is(seg_cp(t, i, e, &k), "LN");
			i += k;
		}
		n_word += has;
		i = seg_skip_ws(t, i, e);
	}
	return n_word;
}

/* ---- boilerplate ------------------------------------------------------- */

/* Does t[b..e) start with lit (lower case), ignoring ASCII case? */
static bool seg_at(const char *t, size_t b, size_t e, const char *lit)
{
	size_t i = 0;
	for (; lit[i]; i++)
		if (b + i >= e || seg_fold(seg_u8(t, b + i)) != (unsigned char)lit[i])
			return false;
	return true;
}

/* seg_at at a word boundary: lit ends in punctuation, or no letter or
 * digit follows it.  Inline with the first byte compared here, because the
 * prefix lists are tried on every unit and almost all differ at once. */
static inline bool seg_prefix(const char *t, size_t b, size_t e,
                              const char *lit)
{
	if (b >= e || seg_fold(seg_u8(t, b)) != (unsigned char)lit[0] ||
	    !seg_at(t, b, e, lit))
		return false;
	size_t n = strlen(lit);
	return b + n == e || !seg_alnum((unsigned char)lit[n - 1]) ||
	       !seg_alnum(seg_u8(t, b + n));
}

/* Bit of byte c in a mask of the first bytes of a prefix list (list_first
 * next to each list; bytes 64 apart share a bit, which only lets more
 * units through to the list). */
#define SEG_BIT(c) ((uint64_t)1 << ((unsigned)(c) & 63u))

/* Index of the first entry of list[0..n) that seg_prefix finds at t[b], or
 * -1; the folded first byte is read once for the whole list, and a unit
 * whose first byte opens no entry (first: their SEG_BITs), as "The" opens
 * none of seg_bp_note, is let go without walking the list (kbench
 * segment: 862 -> 896 MB/s). */
static int seg_prefix_of(const char *t, size_t b, size_t e,
                         const char *const *list, size_t n, uint64_t first)
{
	if (b >= e)
		return -1;
	unsigned c = seg_fold(seg_u8(t, b));
	if (!(first & SEG_BIT(c)))
		return -1;
	for (size_t p = 0; p < n; p++)
		if ((unsigned char)list[p][0] == c && seg_prefix(t, b, e, list[p]))
			return (int)p;
	return -1;
}

#define SEG_PREFIX_OF(list, t, b, e) \
	seg_prefix_of(t, b, e, list, sizeof list / sizeof list[0], list##_first)

/* Does t[b..e) contain lit (lower case), ignoring ASCII case? */
static bool seg_contains(const char *t, size_t b, size_t e, const char *lit)
{
	for (size_t i = b; i < e; i++)
		if (seg_at(t, i, e, lit))
			return true;
	return false;
}

/* Phrases found anywhere in a unit, in one pass (seg_scan_phrases). */
enum {
	SEG_PH_COOKIE = 1,   /* "cookie" */
	SEG_PH_POLICY = 2,   /* site furniture: "all rights reserved", ... */
	SEG_PH_CREDIT = 4,   /* "contributed to this report" */
};

static const struct { const char *lit; unsigned bit; } seg_phrases[] = {
	{ "all rights reserved", SEG_PH_POLICY },
	{ "contributed reporting", SEG_PH_CREDIT },
	{ "contributed to this report", SEG_PH_CREDIT },
	{ "cookie", SEG_PH_COOKIE },
	{ "our cookie policy", SEG_PH_POLICY },
	{ "our privacy policy", SEG_PH_POLICY },
	{ "our terms of service", SEG_PH_POLICY },
	{ "our terms of use", SEG_PH_POLICY },
};

/* Phrases of seg_phrases that start at t[i]. */
static unsigned seg_phrases_at(const char *t, size_t i, size_t e)
{
	unsigned found = 0;
	unsigned c = seg_fold(seg_u8(t, i)), c2 = seg_fold(seg_u8(t, i + 1));
	for (size_t p = 0; p < sizeof seg_phrases / sizeof seg_phrases[0]; p++)
		if ((unsigned char)seg_phrases[p].lit[0] == c &&
		    (unsigned char)seg_phrases[p].lit[1] == c2 &&
		    seg_at(t, i, e, seg_phrases[p].lit))
			found |= seg_phrases[p].bit;
	return found;
}


/* Bit 7 set in byte k (k < 7) of the little-endian block x when bytes k
 * and k+1 are "al", "co" or "ou" in any case, the pairs that open
 * seg_phrases.  x | 0x20.. lower-cases letters and maps no other byte onto
 * a, c, l, o or u. */
static inline uint64_t seg_phrase_pairs(uint64_t x)
{
	uint64_t f = x | (SEG_ONES * 0x20u), o = bf_swar_eq(f, 'o');
	return (bf_swar_eq(f, 'a') & (bf_swar_eq(f, 'l') >> 8)) |
	       (bf_swar_eq(f, 'c') & (o >> 8)) |
	       (o & (bf_swar_eq(f, 'u') >> 8));
}

#define SEG_PAIR_STEP 7 /* an 8-byte block holds the pairs starting at 0..6 */

/* The phrases that start at j, a word start (the unit starts at b) with
 * the opening pair of one; 0 inside a word. */
static inline unsigned seg_phrase_hit(const char *t, size_t b, size_t j, size_t e)
{
	return j == b || !seg_alpha(seg_u8(t, j - 1)) ? seg_phrases_at(t, j, e) : 0;
}

/* One pass over the unit from i (the unit starts at b); phrases are
 * compared only at the start of a word (no ASCII letter before it) whose
 * first two letters open one ("al", "co", "ou"): a few words in a hundred.
 * Blocks of 8 bytes are tested for such pairs at once, so most of the text
 * is passed over without a branch per byte. */
static unsigned seg_scan_phrases_swar(const char *t, size_t b, size_t i, size_t e)
{
	unsigned found = 0;
	for (; e - i >= sizeof(uint64_t); i += SEG_PAIR_STEP) {
		uint64_t m = seg_phrase_pairs(seg_load8(t, i));
		while (m) {
			found |= seg_phrase_hit(t, b, i + bf_first_flag(m), e);
			m &= m - 1;
		}
	}
	for (; i + 1 < e; i++) {
		unsigned pair = (seg_class[seg_u8(t, i)] >> SEG_C_P1_SHIFT) &
		                (seg_class[seg_u8(t, i + 1)] >> SEG_C_P2_SHIFT) &
		                SEG_C_PAIRS;
		if (pair)
			found |= seg_phrase_hit(t, b, i, e);
	}
	return found;
}

#if BF_X86
/* Bit k set when bytes k and k+1 of t[i..i+33) are "al", "co" or "ou" in
 * any case (| 0x20 as in seg_phrase_pairs). */
__attribute__((target("avx2"))) static inline uint32_t seg_pairs32(const char *t, size_t i)
{
	const __m256i low = _mm256_set1_epi8(0x20);
	__m256i x = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(const void *)(t + i)), low);
	__m256i y = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(const void *)(t + i + 1)), low);
	__m256i xo = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('o'));
	__m256i p = _mm256_or_si256(
		_mm256_and_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('a')),
		                 _mm256_cmpeq_epi8(y, _mm256_set1_epi8('l'))),
		_mm256_or_si256(
			_mm256_and_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('c')),
			                 _mm256_cmpeq_epi8(y, _mm256_set1_epi8('o'))),
			_mm256_and_si256(xo, _mm256_cmpeq_epi8(y, _mm256_set1_epi8('u')))));
	return (uint32_t)_mm256_movemask_epi8(p);
}

/* seg_scan_phrases_swar, 32 pairs a step; the last 32 bytes or fewer go
 * to it. */
__attribute__((target("avx2"))) static unsigned seg_scan_phrases_avx2(const char *t, size_t b,
                                                                     size_t e)
{
	unsigned found = 0;
	size_t i = b;
	for (; e - i > 32; i += 32)
		for (uint32_t m = seg_pairs32(t, i); m; m &= m - 1)
			found |= seg_phrase_hit(t, b, i + (size_t)__builtin_ctz(m), e);
	return found | seg_scan_phrases_swar(t, b, i, e);
}
#endif

static unsigned seg_scan_phrases(const char *t, size_t b, size_t e)
{
#if BF_X86
	if (__builtin_cpu_supports("avx2"))
		return seg_scan_phrases_avx2(t, b, e);
#endif
	return seg_scan_phrases_swar(t, b, b, e);
}

/* Whole-unit boilerplate (after bullets and trailing punctuation are cut,
 * case and inner white space folded).  Sorted by strcmp (seg_whole_match
 * relies on it). */
static const char *const seg_bp_whole[] = {
	"advertisement", "advertisements", "back to top", "comment",
	"comments", "continue reading", "copy link", "email", "facebook",
	"leave a comment", "leave a reply", "linkedin", "loading", "log in",
	"login", "more stories", "most popular", "most read", "newsletter",
	"print", "read less", "read more", "recommended",
	"recommended for you", "recommended stories", "register", "related",
	"related articles", "related content", "related news",
	"related posts", "related stories", "reply", "see more", "share",
	"share article", "share this", "share this article",
	"share this post", "share this story", "show comments", "sign in",
	"skip to content", "skip to main content", "sponsored",
	"sponsored content", "subscribe", "subscribe now", "top stories",
	"trending", "trending now", "tweet", "twitter", "view comments",
	"whatsapp", "you may also like", "you might also like",
};

/* Units that start like this are prompts, not news.  "Read more" only in
 * prompt forms: "Read more closely, the memo ..." is a sentence. */
static const char *const seg_bp_prefix[] = {
	"read more:", "read more about", "read more at", "read more from",
	"read more here", "read more news", "read more on", "read more stories",
	"read also", "also read", "see also:", "related:",
	"click here", "please click", "subscribe to", "subscribe for",
	"sign up here", "follow us", "share on",
	"share this", "you may also like", "you might also like",
	"continue reading", "scroll to continue", "story continues below",
	"listen to this article", "download our app", "download the app",
	"advertisement -", "\xC2\xA9" /* © */,
};
static const uint64_t seg_bp_prefix_first =
	SEG_BIT('a') | SEG_BIT('c') | SEG_BIT('d') | SEG_BIT('f') |
	SEG_BIT('l') | SEG_BIT('p') | SEG_BIT('r') | SEG_BIT('s') |
	SEG_BIT('y') | SEG_BIT(0xC2);

/* Wire editorial notes: "(Adds analyst comment)", "(Corrects paragraph 3
 * ...)", "Corrects 6th paragraph to ...".  Sorted. */
static const char *const seg_bp_note[] = {
	"(adds", "(changes", "(clarifies", "(corrects", "(edits", "(fixes",
	"(inserts", "(recasts", "(refiles", "(removes", "(repeats",
	"(rewrites", "(updates", "(writes through",
};
static const uint64_t seg_bp_note_first = SEG_BIT('(');

static bool seg_is_wire_note(const char *t, size_t b, size_t e)
{
	if (SEG_PREFIX_OF(seg_bp_note, t, b, e) >= 0)
		return true;
	return seg_prefix(t, b, e, "corrects") &&
	       (seg_contains(t, b, e, "paragraph") ||
	        seg_contains(t, b, e, "headline"));
}

/* "Sign up for our newsletter" but not "Sign up for the biggest loan". */
static bool seg_is_signup(const char *t, size_t b, size_t e)
{
	return (seg_prefix(t, b, e, "sign up") ||
	        seg_prefix(t, b, e, "subscribe")) &&
	       (seg_contains(t, b, e, "newsletter") ||
	        seg_contains(t, b, e, "email") ||
	        seg_contains(t, b, e, "e-mail") ||
	        seg_contains(t, b, e, "alerts") ||
	        seg_contains(t, b, e, "inbox"));
}

/* Cut from both ends of a unit before matching whole-unit patterns
 * ("• Advertisement", "Read more »", "Share this:"): ASCII other than
 * letters and digits, and non-ASCII P*, S* and Z*. */
static bool seg_junk_at(const char *t, size_t i, size_t e, size_t *n)
{
	unsigned c = seg_u8(t, i);
	*n = 1;
	if (c < 0x80)
		return !seg_alnum(c);
	return seg_cp_is(seg_cp(t, i, e, n), "PSZ");
}

static void seg_core(const char *t, size_t *b, size_t *e)
{
	size_t n;
	while (*b < *e && seg_u8(t, *b) != 0xC2 && seg_junk_at(t, *b, *e, &n))
		*b += n;    /* 0xC2: keep a leading © for the prefix list */
	while (*e > *b) {
		size_t j = seg_prev_cp(t, *b, *e);
		if (!seg_junk_at(t, j, *e, &n) || j + n != *e)
			break;
		*e = j;
	}
}

/* First entry in [lo, hi) of seg_bp_whole whose byte n is c or more.  The
 * entries in [lo, hi) share their first n bytes and are sorted, so their
 * bytes at n rise ('\0' first, for an entry n long). */
static size_t seg_whole_bound(size_t lo, size_t hi, size_t n, unsigned c)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((unsigned char)seg_bp_whole[mid][n] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bytes of the longest entry of seg_bp_whole (tests/test_segment.c checks
 * it), and the bytes seg_whole_too_long reads: three blocks. */
#define SEG_WHOLE_MAX_LEN 20
#define SEG_WHOLE_PEEK 24

/* Does the unit fold to more than SEG_WHOLE_MAX_LEN characters, as its
 * first SEG_WHOLE_PEEK bytes show?  seg_whole_match makes a character of
 * every byte except the later bytes of a white-space run or of a non-ASCII
 * space, so ASCII bytes with no two adjacent spaces fold one to one.  Most
 * units are sentences longer than that, which then skip the binary
 * searches (9% of segmentation on dump100M; its MB/s 458 -> 477). */
static bool seg_whole_too_long(const char *t, size_t b, size_t e)
{
	if (e - b < SEG_WHOLE_PEEK)
		return false;
	uint64_t bad = 0, prev_ws = 0; /* bit 7: the byte before was white */
	for (size_t k = 0; k < SEG_WHOLE_PEEK; k += sizeof(uint64_t)) {
		uint64_t x = seg_load8(t, b + k);
		uint64_t ws = bf_swar_eq(x, ' ') |   /* ' ' and '\t'..'\r' */
		              (bf_swar_below(x, '\r' + 1) & ~bf_swar_below(x, '\t'));
		bad |= (x & SEG_HIGHS) | (ws & ((ws >> 8) | prev_ws));
		prev_ws = ws >> 56;
	}
	return !bad;
}

/* Is the unit, case and inner white space folded, one of seg_bp_whole?
 * The folded text is compared as it is made, narrowing [lo, hi) to the
 * entries that start with it, so a sentence is let go after a letter or
 * two ("Th..." has no entry) instead of being folded and searched. */
static bool seg_whole_match(const char *t, size_t b, size_t e)
{
	size_t lo = 0, hi = sizeof seg_bp_whole / sizeof seg_bp_whole[0];
	size_t n = 0;      /* characters folded so far */
	unsigned prev = 0; /* the last of them */
	if (seg_whole_too_long(t, b, e))
		return false;
	for (size_t i = b; i < e; i++) {
		unsigned c = seg_fold(seg_u8(t, i));
		size_t w = seg_ws(t, i, e);
		if (w) {
			i += w - 1;
			c = ' ';
			if (n && prev == ' ')
				continue;
		}
		lo = seg_whole_bound(lo, hi, n, c);
		hi = seg_whole_bound(lo, hi, n, c + 1);
		if (lo == hi)
			return false;
		prev = c;
		n++;
	}
	return lo < hi && seg_bp_whole[lo][n] == '\0';
}

/* "Copyright © 2024 ...", "Copyright (c) ...", "Copyright 2024 ..." but not
 * "Copyright law ...". */
static bool seg_is_copyright(const char *t, size_t b, size_t e)
{
	if (!seg_prefix(t, b, e, "copyright"))
		return false;
	size_t i = seg_skip_ws(t, b + 9, e);
	return i < e && (seg_digit(seg_u8(t, i)) ||
	                 seg_prefix(t, i, e, "(c)") ||
	                 seg_prefix(t, i, e, "\xC2\xA9"));
}

/* Cookie banners: "cookie" next to a word of consent forms.  A news sentence
 * on cookie regulation can match too; that trade is taken on purpose. */
static bool seg_is_cookie_banner(const char *t, size_t b, size_t e)
{
	return seg_contains(t, b, e, "website") ||
	       seg_contains(t, b, e, "consent") ||
	       seg_contains(t, b, e, "privacy") ||
	       seg_contains(t, b, e, "accept");
}

static bool seg_is_boilerplate(const char *t, size_t b, size_t e,
                               unsigned ph)
{
	if (ph & SEG_PH_POLICY)
		return true;
	if ((ph & SEG_PH_COOKIE) && seg_is_cookie_banner(t, b, e))
		return true;
	if (seg_is_copyright(t, b, e) || seg_is_wire_note(t, b, e))
		return true;
	seg_core(t, &b, &e);
	if (seg_is_signup(t, b, e))
		return true;
	return SEG_PREFIX_OF(seg_bp_prefix, t, b, e) >= 0 ||
	       seg_whole_match(t, b, e);
}

/* ---- bylines and datelines --------------------------------------------- */

/* Lower-case words that may sit inside a byline or credit.  Sorted. */
static const char *const seg_name_glue[] = {
	"additional", "al", "and", "bin", "by", "da", "das", "de", "del",
	"den", "der", "di", "dos", "du", "e", "editing", "el", "for", "ibn",
	"in", "la", "le", "reporting", "ten", "ter", "van", "von", "with",
	"writing", "y",
};

enum { SEG_TOK_NAME, SEG_TOK_GLUE, SEG_TOK_BAD };

/* Next white-space separated token at or after *i: [*tb, *te). */
static bool seg_next_token(const char *t, size_t *i, size_t e,
                           size_t *tb, size_t *te)
{
	size_t b = seg_skip_ws(t, *i, e), x = b;
	if (b >= e)
		return false;
	x = seg_word_end(t, x, e);
	*tb = b;
	*te = *i = x;
	return true;
}

/* "G.", "J.D.", "Jr.": every dot-separated part has one or two letters. */
static bool seg_initials(const char *t, size_t b, size_t e)
{
	size_t run = 0;
	for (size_t i = b; i < e; i++) {
		if (t[i] == '.') {
			if (run == 0)
				return false;
			run = 0;
		} else if (!seg_alpha(seg_u8(t, i)) || ++run > 2) {
			return false;
		}
	}
	return true;
}

/* A token of a byline: a capitalized name or initial ("Peter", "G.",
 * "Shalal-Esa", "Émile"), glue ("and", "de", "reporting"), or bare
 * punctuation ("|", "&", "-").  Brackets, commas and semicolons around it
 * do not count. */
static int seg_name_token(const char *t, size_t b, size_t e)
{
	while (b < e && (t[b] == '(' || t[b] == ','))
		b++;
	while (e > b && (t[e - 1] == ')' || t[e - 1] == ',' || t[e - 1] == ';'))
		e--;
	if (b == e)
		return SEG_TOK_GLUE;
	unsigned c = seg_u8(t, b);
	if (seg_lower(c))
		return SEG_FIND(seg_name_glue, t + b, e - b) >= 0 ? SEG_TOK_GLUE
		                                                  : SEG_TOK_BAD;
	if (seg_digit(c))
		return SEG_TOK_BAD;
	if (c >= 0x80) {
		size_t n;
		utf8proc_int32_t cp = seg_cp(t, b, e, &n);
		if (seg_cp_is(cp, "PS"))
			return n == e - b ? SEG_TOK_GLUE : SEG_TOK_BAD;
		if (!seg_cp_is(cp, "L") ||
		    utf8proc_category(cp) == UTF8PROC_CATEGORY_LL)
			return SEG_TOK_BAD;
	} else if (!seg_upper(c)) {
		return e - b == 1 ? SEG_TOK_GLUE : SEG_TOK_BAD;
	}
	if (t[e - 1] == '.' && !seg_initials(t, b, e))
		return SEG_TOK_BAD;   /* "By Friday." is a fragment, not a name */
	return SEG_TOK_NAME;
}

/* Are all tokens of t[b..e) byline tokens, at most max_tok, with a name? */
static bool seg_names_ok(const char *t, size_t b, size_t e, size_t max_tok)
{
	size_t i = b, tb, te, n_tok = 0, n_name = 0;
	while (seg_next_token(t, &i, e, &tb, &te)) {
		int k = seg_name_token(t, tb, te);
		if (k == SEG_TOK_BAD || ++n_tok > max_tok)
			return false;
		n_name += k == SEG_TOK_NAME;
	}
	return n_name > 0;
}

/* Wire credit lines: "(Reporting by X; Editing by Y)", "Writing by ...". */
static const char *const seg_credit_prefix[] = {
	"additional reporting by", "compiled by", "editing by",
	"photos by", "produced by", "reported by", "reporting and writing by",
	"reporting by", "research by", "story by", "text by",
	"with additional reporting by", "with reporting by", "words by",
	"writing by", "written by",
};
static const uint64_t seg_credit_prefix_first =
	SEG_BIT('a') | SEG_BIT('c') | SEG_BIT('e') | SEG_BIT('p') |
	SEG_BIT('r') | SEG_BIT('s') | SEG_BIT('t') | SEG_BIT('w');

#define SEG_BYLINE_MAX_TOK 12  /* "By" + up to this many name tokens */
#define SEG_CREDIT_MAX_TOK 80  /* a Reuters credit line can list many */

/* A unit that only credits people: "By Peter G. Killigang", "By X and Y,
 * Reuters", "(Reporting by ...; Editing by ...)", "... contributed to this
 * report".  Each token after "By" must be a name, initial or glue word, so
 * "By using the website, ..." and "By Friday, Russia had ..." stay. */
static bool seg_is_byline(const char *t, size_t b, size_t e, unsigned ph)
{
	if (ph & SEG_PH_CREDIT)
		return true;
	if (t[e - 1] == '?' || t[e - 1] == '!')
		return false;
	bool bracket = t[b] == '(';
	if (bracket)
		b = seg_skip_ws(t, b + 1, e);
	int p = SEG_PREFIX_OF(seg_credit_prefix, t, b, e);
	if (p >= 0)      /* a bracketed credit may trail e-mail addresses, rates */
		return bracket ||
		       seg_names_ok(t, b + strlen(seg_credit_prefix[p]),
		                    t[e - 1] == '.' ? e - 1 : e,
		                    SEG_CREDIT_MAX_TOK);
	return seg_prefix(t, b, e, "by") &&
	       seg_names_ok(t, b + 2, e, SEG_BYLINE_MAX_TOK);
}

/* A dateline city: two or more capitals and no lower case or digits
 * ("WASHINGTON", "NEW", "MOSCOW/WARSAW", "TOKYO,"). */
static bool seg_allcaps(const char *t, size_t b, size_t e)
{
	size_t n_up = 0;
	for (size_t i = b; i < e; i++) {
		unsigned c = seg_u8(t, i);
		if (seg_lower(c) || seg_digit(c))
			return false;
		n_up += seg_upper(c);
		if (c >= 0xC0) {
			size_t n;
			utf8proc_int32_t cp = seg_cp(t, i, e, &n);
			if (cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL)
				return false;
		}
	}
	return n_up >= 2;
}

/* Region, date or agency between a dateline city and its dash: "Va.,",
 * "March", "27", "(Reuters)", "(AP)".  *agency: it was in brackets. */
static bool seg_dateline_extra(const char *t, size_t b, size_t e,
                               bool *agency)
{
	bool open = t[b] == '(';
	b += open;
	while (e > b && (t[e - 1] == ')' || t[e - 1] == ',' || t[e - 1] == '.'))
		e--;
	if (b == e)
		return false;
	if (seg_all_digits(t + b, e - b))
		return e - b <= 4;
	if (!seg_upper(seg_u8(t, b)))
		return false;
	for (size_t i = b + 1; i < e; i++)
		if (!seg_alpha(seg_u8(t, i)) && t[i] != '.' && t[i] != '-')
			return false;
	*agency |= open;
	return true;
}

/* Bytes of the dash that opens token t[b..e): - -- – —, else 0. */
static size_t seg_dash_len(const char *t, size_t b, size_t e)
{
	if (t[b] == '-')
		return e - b >= 2 && t[b + 1] == '-' ? 2 : 1;
	if (e - b >= 3 && (!memcmp(t + b, "\xE2\x80\x94", 3) ||  /* — */
	                   !memcmp(t + b, "\xE2\x80\x93", 3)))   /* – */
		return 3;
	return 0;
}

/* "(Adds analyst comment, share prices) " that Reuters puts before the
 * byline: skipped when a dateline follows. */
static size_t seg_wire_note_end(const char *t, size_t b, size_t lim)
{
	if (t[b] != '(')
		return b;
	const char *c = memchr(t + b, ')', lim - b);
	return c ? seg_skip_ws(t, (size_t)(c - t) + 1, lim) : b;
}

#define SEG_DATELINE_MAX 240 /* bytes, wire note included */
#define SEG_DATELINE_MAX_BY 8     /* name tokens of a fused byline */
#define SEG_DATELINE_MAX_CITY 4   /* "TEL AVIV", "NEW YORK/CHICAGO" */
#define SEG_DATELINE_MAX_EXTRA 6  /* ", Va., Feb 26 (Reuters)" */

/* Reads [By Name(s)] [CITY...] [Region/Date/(Agency)...] from *i up to
 * the dash, which it leaves in [*tb, *te); false when the grammar breaks
 * or there is neither a city nor an agency.  *by: a byline was read. */
static bool seg_dateline_head(const char *t, size_t *i, size_t lim,
                              bool *by, size_t *tb, size_t *te)
{
	size_t n_by = 0, n_city = 0, n_more = 0;
	bool agency = false;
	*by = seg_prefix(t, *i, lim, "by");
	*i += *by ? 2 : 0;
	while (seg_next_token(t, i, lim, tb, te)) {
		bool caps = n_more == 0 && seg_allcaps(t, *tb, *te);
		if (*by && n_city == 0 && !caps) {
			if (seg_name_token(t, *tb, *te) == SEG_TOK_BAD ||
			    ++n_by > SEG_DATELINE_MAX_BY)
				return false;
		} else if (caps) {
			if ((*by && n_by == 0) || ++n_city > SEG_DATELINE_MAX_CITY)
				return false;
		} else if (seg_dash_len(t, *tb, *te)) {
			return n_city > 0 || agency;
		} else if (!seg_dateline_extra(t, *tb, *te, &agency) ||
		           ++n_more > SEG_DATELINE_MAX_EXTRA) {
			return false;
		}
	}
	return false;
}

/* Wire datelines opening the lead, with what Reuters fuses into them:
 *   [(note)] [By Name(s)] [CITY...][, Region][ Mon DD][ (Agency)] - Text
 * as in "By Glenn Somerville WASHINGTON Oct 27 (Reuters) - A slumping ...",
 * "TOKYO, March 2 - Japanese banks ..." or "(Reuters) - Enron ...".  Only
 * the text is kept, so wire copies of one story compare equal; a removed
 * byline counts as one.  Returns where the text starts (b if no dateline). */
static size_t seg_dateline(seg_ctx_t *cx, size_t b, size_t e)
{
	const char *t = cx->t;
	size_t lim = e - b > SEG_DATELINE_MAX ? b + SEG_DATELINE_MAX : e;
	size_t i = seg_wire_note_end(t, b, lim), tb, te;
	bool by;
	if (!seg_dateline_head(t, &i, lim, &by, &tb, &te) &&
	    (i = b, !seg_dateline_head(t, &i, lim, &by, &tb, &te)))
		return b;   /* the bracket was "(Reuters)", not a note */
	size_t d = seg_dash_len(t, tb, te);
	size_t k = tb + d < te ? tb + d : seg_skip_ws(t, te, e); /* "-U.S." */
	if (k >= e || !seg_starts_sentence(t, k, e))
		return b;
	cx->out->n_drop[BF_DROP_BYLINE] += by;
	return k;
}

/* ---- paragraphs -------------------------------------------------------- */

/* An unterminated paragraph end is a heading unless it is long and mostly
 * lower case: wire text drops the period after a ticker ("... switched to
 * rival Boeing Co. ( BA.N )"), while headings, even in sentence case
 * ("The White House's stance on peace negotiations and the order of
 * diplomatic steps", 13 words), stay shorter. */
#define SEG_RUNON_MIN_WORDS 20

/* A short unit in which no word starts in lower case is a heading even with
 * a mark: "A WHITE KNIGHT IN THE WINGS?", "Why Does It Matter?". */
#define SEG_CAPS_MAX_WORDS 10

_Static_assert(BF_SEGMENT_MIN_WORDS <= SEG_CAPS_MAX_WORDS &&
               SEG_CAPS_MAX_WORDS <= SEG_RUNON_MIN_WORDS,
               "seg_unit_words stops at these counts");

/* Words of the unit as far as seg_classify needs them.  A terminated unit
 * is kept once it has BF_SEGMENT_MIN_WORDS words, one in lower case, or
 * SEG_CAPS_MAX_WORDS words, and the tests below give the same answer for
 * the count stopped there as for the full one (up to SEG_RUNON_MIN_WORDS):
 * most sentences are decided after 4 or 5 of their ~25 words (kbench
 * segment: 626 -> 857 MB/s).  An unterminated one needs the full count. */
static size_t seg_unit_words(const char *t, size_t b, size_t e, bool term,
                             size_t *n_lower)
{
	if (term)
		return seg_count_words(t, b, e, SEG_CAPS_MAX_WORDS,
		                       BF_SEGMENT_MIN_WORDS, n_lower);
	return seg_count_words(t, b, e, SEG_RUNON_MIN_WORDS,
	                       SEG_RUNON_MIN_WORDS, n_lower);
}

/* Why the unit t[b..e) is dropped, or SEG_KEEP.  last: it ends the
 * paragraph, so it may lack a terminal mark. */
static int seg_classify(const char *t, size_t b, size_t e, bool last)
{
	unsigned ph = seg_scan_phrases(t, b, e);
	if (seg_is_boilerplate(t, b, e, ph))
		return BF_DROP_BOILERPLATE;
	if (seg_is_byline(t, b, e, ph))
		return BF_DROP_BYLINE;
	bool term = !last || seg_terminated(t, b, e);
	size_t n_lower, n = seg_unit_words(t, b, e, term, &n_lower);
	if (n < BF_SEGMENT_MIN_WORDS)
		return BF_DROP_NOT_SENTENCE;
	if (!term && (n < SEG_RUNON_MIN_WORDS || 2 * n_lower < n))
		return BF_DROP_NOT_SENTENCE;
	if (n_lower == 0 && n < SEG_CAPS_MAX_WORDS)
		return BF_DROP_NOT_SENTENCE;
	return SEG_KEEP;
}

static bf_status_t seg_push(bf_segment_t *out, size_t b, size_t e,
                            uint32_t para)
{
	if (out->n == out->cap) { /* two arrays, one capacity */
		size_t cap = bf_array_next_cap(out->cap, out->n + 1);
		if (!bf_array_resize((void **)&out->sent, cap, sizeof *out->sent) ||
		    !bf_array_resize((void **)&out->para, cap, sizeof *out->para))
			return BF_ENOMEM;
		out->cap = cap;
	}
	out->sent[out->n] = (bf_span_t){ (uint32_t)b, (uint32_t)(e - b) };
	out->para[out->n++] = para;
	return BF_OK;
}

static bf_status_t seg_paragraph(seg_ctx_t *cx, size_t b, size_t e)
{
	const char *t = cx->t;
	b = seg_skip_ws(t, b, e);
	e = seg_trim_end(t, b, e);
	if (b == e)
		return BF_OK;
	if (cx->lead)
		b = seg_dateline(cx, b, e);
	for (size_t s = b, next; s < e; s = next) {
		size_t end = seg_trim_end(t, s, seg_find_end(t, s, e, &next));
		int why = seg_classify(t, s, end, next >= e);
		if (why != SEG_KEEP) {
			cx->out->n_drop[why]++;
			continue;
		}
		if (seg_push(cx->out, s, end, cx->para) != BF_OK)
			return BF_ENOMEM;
		cx->lead = false;
	}
	cx->para++;
	return BF_OK;
}

bf_status_t bf_segment_article(const char *text, size_t len,
                               bf_segment_t *out)
{
	if (len > UINT32_MAX || (!text && len))
		return BF_EARG;    /* spans are 32-bit */
	out->n = 0;
	memset(out->n_drop, 0, sizeof out->n_drop);
	seg_ctx_t cx = { .t = text, .out = out, .para = 0, .lead = true };
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		bf_status_t st = seg_paragraph(&cx, i, e);
		if (st != BF_OK)
			return st;
		i = e + 1;
	}
	return BF_OK;
}

void bf_segment_free(bf_segment_t *s)
{
	if (!s)
		return;
	free(s->sent);
	free(s->para);
	memset(s, 0, sizeof *s);
}
