/* jsonl.c - the JSON Lines record parser (bf_jsonl.h).
 *
 * Hand-written on purpose.  jansson builds a tree for every line, one
 * allocation per value, which we walked for six fields and freed: it was
 * 14% of a one-thread run on a 100 MB dump.  Debian 12 packages no C
 * parser made for this: json-c, cJSON and json-parser build trees too,
 * laxjson accepts more than JSON, yyjson is not in bookworm and simdjson
 * is C++.  A record is a flat object of which we keep six strings, so a
 * small checker that decodes just those, in place, is enough (now about
 * 3 GB/s on the dump's lines, against jansson's 120 MB/s).
 *
 * Shape: a cursor over the line.  The top-level object is read member by
 * member; the values of the six keys are decoded, every other value is
 * checked and skipped by an iterative skipper (open containers are bits of
 * a fixed stack), so a line of 100000 '[' is an error, not a deep C stack.
 * Strings are most of the bytes: they are scanned 8 bytes at a time (32
 * with AVX2) for the three bytes that end a plain run ('"', '\\', control
 * bytes), and runs are moved with memmove only once an escape has shifted
 * them.
 *
 * On valid UTF-8, a line is accepted exactly when jansson 2.14's
 * json_loadb(flags 0) gives an object, and the fields are the same (the
 * differential test in tests/test_jsonl.c checks both); where jansson has
 * a limit beyond RFC 8259 (nesting, \u0000, number range) it is noted. */
#include "bf_jsonl.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "bf_x86.h"

#define EOL (-1) /* peek() past the last byte */

typedef struct {
	char *line;      /* first byte, for columns */
	char *s;         /* cursor */
	char *end;       /* one past the last byte */
	char *err;       /* BF_JSONL_ERR_LEN bytes */
} ps_t;

/* Open containers of skip_value: bit i set when container i is an object. */
typedef struct {
	uint64_t bits[BF_JSONL_MAX_DEPTH / 64 + 1];
	unsigned n;
} nest_t;

/* ---- cursor and errors ---------------------------------------------------- */

static inline int peek(const ps_t *ps)
{
	return ps->s < ps->end ? (unsigned char)*ps->s : EOL;
}

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* JSON whitespace is these four only (not \v or \f). */
static inline void skip_ws(ps_t *ps)
{
	while (ps->s < ps->end) {
		char c = *ps->s;
		if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
			return;
		ps->s++;
	}
}

/* Writes "WHAT at column N[, expected EXPECTED]" (N: 1-based byte of at)
 * and returns BF_EINPUT, so every error path is one return. */
static bf_status_t fail(ps_t *ps, const char *at, const char *expected,
                        const char *fmt, ...)
{
	char what[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(ps->err, BF_JSONL_ERR_LEN, "%s at column %zu%s%s", what,
	         (size_t)(at - ps->line) + 1, expected ? ", expected " : "",
	         expected ? expected : "");
	return BF_EINPUT;
}

/* The byte at the cursor is not what the grammar allows there. */
static bf_status_t unexpected(ps_t *ps, const char *expected)
{
	int c = peek(ps);
	if (c == EOL)
		return fail(ps, ps->s, expected, "line ends");
	if (c > ' ' && c < 0x7F)
		return fail(ps, ps->s, expected, "unexpected character '%c'", c);
	return fail(ps, ps->s, expected, "unexpected byte 0x%02X", (unsigned)c);
}

/* ---- strings ---------------------------------------------------------- */

/* First byte of [s, end) that ends a plain run inside a string: '"', '\\'
 * or a control byte (< 0x20, which must be escaped); end when none.  Eight
 * bytes w at a time: (v - 0x01..) & ~v & 0x80.. is nonzero exactly when a
 * byte of v is zero (v = w ^ '"'.., w ^ '\\'..), and (w - 0x20..) & ~w &
 * 0x80.. when a byte of w is below 0x20; the bytes are then looked at one
 * by one. */
static const char *str_special_swar(const char *s, const char *end)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones << 7;
	for (; end - s >= 8; s += 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
		uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) |
		               ((w - ones * 0x20) & ~w);
		if (hit & high)
			break;
	}
	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c < 0x20)
			return s;
	}
	return end;
}

/* str_special 32 bytes a step with AVX2 where the CPU has it (bf_x86.h):
 * the step's byte mask names the first special byte, with no byte loop
 * after a hit. */
#if BF_X86
__attribute__((target("avx2"))) static const char *str_special_avx2(const char *s,
                                                                   const char *end)
{
	for (; end - s >= 32; s += 32) {
		__m256i w = _mm256_loadu_si256((const __m256i *)(const void *)s);
		__m256i hit = _mm256_or_si256(
			_mm256_or_si256(_mm256_cmpeq_epi8(w, _mm256_set1_epi8('"')),
			                _mm256_cmpeq_epi8(w, _mm256_set1_epi8('\\'))),
			/* below 0x20: min(w, 0x1F) == w, unsigned */
			_mm256_cmpeq_epi8(_mm256_min_epu8(w, _mm256_set1_epi8(0x1F)), w));
		uint32_t m = (uint32_t)_mm256_movemask_epi8(hit);
		if (m)
			return s + __builtin_ctz(m);
	}
	return str_special_swar(s, end);
}
#endif

static const char *str_special(const char *s, const char *end)
{
#if BF_X86
	if (__builtin_cpu_supports("avx2"))
		return str_special_avx2(s, end);
#endif
	return str_special_swar(s, end);
}

/* The 4 hex digits at s as a number, or -1. */
static long hex4(const char *s)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)s[i], d;
		if (is_digit(c))
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Writes code point cp (not a surrogate, <= U+10FFFF) as UTF-8 at w. */
static char *put_utf8(char *w, unsigned long cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* The \uXXXX escape at *sp (its backslash), with its low half when it is
 * a high surrogate.  Refused as jansson refuses them: \u0000 (strings are
 * handed out NUL-terminated) and a surrogate that is not half of a pair.
 * Advances *sp; writes UTF-8 at *wp when wp is not NULL. */
static bf_status_t unescape_u(ps_t *ps, char **sp, char **wp)
{
	char *s = *sp;
	long cp = ps->end - s >= 6 ? hex4(s + 2) : -1;
	if (cp < 0)
		return fail(ps, s, "4 hex digits", "bad \\u escape");
	if (cp == 0)
		return fail(ps, s, NULL, "\\u0000 is not allowed");
	if (cp >= 0xD800 && cp <= 0xDFFF) {
		long lo = -1;
		char *t = s + 6;
		if (cp <= 0xDBFF && ps->end - t >= 6 && t[0] == '\\' && t[1] == 'u') {
			lo = hex4(t + 2);
			if (lo < 0)
				return fail(ps, t, "4 hex digits", "bad \\u escape");
		}
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(ps, s, NULL, "unpaired surrogate \\u%04lX", cp);
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		s += 6;
	}
	*sp = s + 6;
	if (wp)
		*wp = put_utf8(*wp, (unsigned long)cp);
	return BF_OK;
}

/* The escape at *sp (a backslash); as unescape_u. */
static bf_status_t unescape(ps_t *ps, char **sp, char **wp)
{
	char *s = *sp;
	int c = s + 1 < ps->end ? (unsigned char)s[1] : EOL;
	char b;
	switch (c) {
	case '"': case '\\': case '/': b = (char)c; break;
	case 'b': b = '\b'; break;
	case 'f': b = '\f'; break;
	case 'n': b = '\n'; break;
	case 'r': b = '\r'; break;
	case 't': b = '\t'; break;
	case 'u': return unescape_u(ps, sp, wp);
	default:
		ps->s = s + 1;
		return unexpected(ps, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
	}
	*sp = s + 2;
	if (wp)
		*(*wp)++ = b;
	return BF_OK;
}

/* Reads the string whose opening quote is at the cursor.  With keep, it is
 * decoded in place and NUL-terminated, into *out and *len.  In place is
 * safe: a decoded string is never longer than its JSON form (a 2-byte
 * escape gives 1 byte, \uXXXX at most 3, a 12-byte surrogate pair 4), so
 * the write cursor w never passes the read cursor s, and the NUL lands at
 * or before the closing quote.  Until the first escape w == s: no copy. */
static bf_status_t scan_str(ps_t *ps, bool keep, char **out, size_t *len)
{
	char *open = ps->s, *s = open + 1, *w = s;
	for (;;) {
		char *q = (char *)str_special(s, ps->end);
		if (keep && w != s)
			memmove(w, s, (size_t)(q - s));
		w += q - s;
		if (q == ps->end)
			return fail(ps, open, NULL, "unterminated string");
		if (*q == '"') {
			ps->s = q + 1;
			if (keep) {
				*w = '\0';
				*out = open + 1;
				*len = (size_t)(w - (open + 1));
			}
			return BF_OK;
		}
		if (*q != '\\')
			return fail(ps, q, NULL, "unescaped control byte 0x%02X in a string",
			            (unsigned)(unsigned char)*q);
		s = q;
		if (unescape(ps, &s, keep ? &w : NULL))
			return BF_EINPUT;
	}
}

/* ---- numbers ---------------------------------------------------------- */

/* Decimal digits of 2^1024 - 2^970: the midpoint between DBL_MAX and
 * 2^1024.  strtod rounds a value at or past it to infinity (ties to even:
 * DBL_MAX is odd), and jansson refuses that as "real number overflow". */
static const char real_limit[] =
	"179769313486231580793728971405303415079934132710037826936173778980444968"
	"292764750946649017977587207096330286416692887910946555547851940402630657"
	"488671505820681908902000708383676273854845817711531764475730270069855571"
	"366959622842914819860834936475292719074168444365510704342711559699508093"
	"042880177904174497792";

/* Whether the real with digits ip[0..ni) '.' fp[0..nf), times 10^exp,
 * reaches real_limit.  Compared in decimal: exact, and free of strtod's
 * locale.  exp is saturated by the caller; lengths are at most 64 MiB. */
static bool real_overflows(const char *ip, size_t ni, const char *fp,
                           size_t nf, long long exp)
{
	size_t nd = ni + nf, z = 0;
#define DIGIT(k) ((k) < ni ? ip[k] : fp[(k) - ni])
	while (z < nd && DIGIT(z) == '0')
		z++;
	if (z == nd)
		return false; /* zero */
	/* the value lies in [10^(e10-1), 10^e10); the limit's e10 is 309 */
	long long e10 = (long long)ni - (long long)z + exp;
	long long lim = (long long)sizeof real_limit - 1;
	if (e10 != lim)
		return e10 > lim;
	for (size_t j = 0; j < (size_t)lim; j++) {
		char d = z + j < nd ? DIGIT(z + j) : '0';
		if (d != real_limit[j])
			return d > real_limit[j];
	}
	return true; /* equal to the limit in all its digits: at or past it */
#undef DIGIT
}

/* An integer of n digits (no leading zero, so more than 19 never fits):
 * its long long value, or false past LLONG_MIN..LLONG_MAX, which jansson
 * refuses ("too big integer") rather than reading as a real. */
static bool int_value(const char *d, size_t n, bool neg, long long *val)
{
	if (n > 19)
		return false;
	uint64_t u = 0; /* 19 digits < 10^19 < 2^64 */
	for (size_t i = 0; i < n; i++)
		u = u * 10 + (uint64_t)(d[i] - '0');
	uint64_t lim = neg ? (uint64_t)LLONG_MAX + 1 : (uint64_t)LLONG_MAX;
	if (u > lim)
		return false;
	*val = !neg ? (long long)u : u == lim ? LLONG_MIN : -(long long)u;
	return true;
}

/* Digits at the cursor, at least one; their count in *n. */
static bf_status_t digits(ps_t *ps, size_t *n)
{
	char *d = ps->s;
	while (ps->s < ps->end && is_digit(*ps->s))
		ps->s++;
	*n = (size_t)(ps->s - d);
	return *n ? BF_OK : unexpected(ps, "a digit");
}

/* Reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.  Without
 * '.' and exponent it is an integer (*is_int, value in *val). */
static bf_status_t scan_num(ps_t *ps, bool *is_int, long long *val)
{
	char *start = ps->s;
	bool neg = *ps->s == '-';
	ps->s += neg;
	char *ip = ps->s, *fp = NULL;
	size_t ni, nf = 0, ne = 0;
	if (digits(ps, &ni))
		return BF_EINPUT;
	if (ni > 1 && *ip == '0')
		return fail(ps, ip, NULL, "number with a leading zero");
	if (peek(ps) == '.') {
		ps->s++;
		fp = ps->s;
		if (digits(ps, &nf))
			return BF_EINPUT;
	}
	long long exp = 0;
	if ((peek(ps) | 0x20) == 'e') {
		ps->s++;
		bool eneg = peek(ps) == '-';
		ps->s += eneg || peek(ps) == '+';
		char *ep = ps->s;
		if (digits(ps, &ne))
			return BF_EINPUT;
		for (size_t i = 0; i < ne && exp < 1000000000; i++) /* saturate */
			exp = exp * 10 + (ep[i] - '0');
		exp = eneg ? -exp : exp;
	}
	*is_int = !fp && !ne;
	if (*is_int && !int_value(ip, ni, neg, val))
		return fail(ps, start, NULL, "integer too big for 64 bits");
	if (!*is_int && real_overflows(ip, ni, fp, nf, exp))
		return fail(ps, start, NULL, "number too big for a double");
	return BF_OK;
}

/* ---- values ----------------------------------------------------------- */

/* true, false or null.  (A longer word such as "truex" then fails where
 * its next letter stands, as jansson refuses it as one bad token.) */
static bf_status_t scan_word(ps_t *ps)
{
	static const char *const words[] = { "true", "false", "null" };
	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(words[i]);
		if ((size_t)(ps->end - ps->s) >= k && memcmp(ps->s, words[i], k) == 0) {
			ps->s += k;
			return BF_OK;
		}
	}
	return unexpected(ps, "a value");
}

/* A value that is not a container. */
static bf_status_t scan_scalar(ps_t *ps)
{
	int c = peek(ps);
	char *str;
	size_t len;
	bool is_int;
	long long v;
	if (c == '"')
		return scan_str(ps, false, &str, &len);
	if (c == '-' || is_digit(c))
		return scan_num(ps, &is_int, &v);
	if (c == 't' || c == 'f' || c == 'n')
		return scan_word(ps);
	return unexpected(ps, "a value");
}

/* A member's key and colon, and the whitespace up to its value.  what:
 * the expectation to name when no key is there. */
static bf_status_t member_head(ps_t *ps, const char *what)
{
	char *key;
	size_t len;
	if (peek(ps) != '"')
		return unexpected(ps, what);
	if (scan_str(ps, false, &key, &len))
		return BF_EINPUT;
	skip_ws(ps);
	if (peek(ps) != ':')
		return unexpected(ps, "':'");
	ps->s++;
	skip_ws(ps);
	return BF_OK;
}

/* Consumes '{' or '[' at the cursor.  An empty container is a whole value
 * (*opened false); else it is pushed and, for an object, the first key
 * read, so a value follows (*opened true). */
static bf_status_t open_container(ps_t *ps, nest_t *nest, bool *opened)
{
	bool obj = *ps->s == '{';
	ps->s++;
	skip_ws(ps);
	*opened = peek(ps) != (obj ? '}' : ']');
	if (!*opened) {
		ps->s++;
		return BF_OK;
	}
	uint64_t bit = (uint64_t)1 << (nest->n % 64);
	if (obj)
		nest->bits[nest->n / 64] |= bit;
	else
		nest->bits[nest->n / 64] &= ~bit;
	nest->n++;
	return obj ? member_head(ps, "a key or '}'") : BF_OK;
}

/* After a value inside skip_value's containers: closes those that end
 * here.  *more: another value follows (its key read for an object); false
 * once no container is left open. */
static bf_status_t next_value(ps_t *ps, nest_t *nest, bool *more)
{
	for (*more = false; nest->n; nest->n--, ps->s++) {
		unsigned top = nest->n - 1;
		bool obj = nest->bits[top / 64] >> (top % 64) & 1;
		skip_ws(ps);
		int c = peek(ps);
		if (c == ',') {
			ps->s++;
			skip_ws(ps);
			*more = true;
			return obj ? member_head(ps, "a key") : BF_OK;
		}
		if (c != (obj ? '}' : ']'))
			return unexpected(ps, obj ? "',' or '}'" : "',' or ']'");
	}
	return BF_OK;
}

/* Checks and skips one value of any kind at the cursor, which stands at
 * nesting level `level` (the top-level value is 1).  jansson refuses a
 * value past level BF_JSONL_MAX_DEPTH; so does this, without recursion. */
static bf_status_t skip_value(ps_t *ps, unsigned level)
{
	nest_t nest;
	nest.n = 0;
	for (bool more = true; more;) {
		if (level + nest.n > BF_JSONL_MAX_DEPTH)
			return fail(ps, ps->s, NULL, "nested deeper than %d levels",
			            BF_JSONL_MAX_DEPTH);
		int c = peek(ps);
		bool opened = false;
		bf_status_t st = c == '{' || c == '[' ? open_container(ps, &nest, &opened)
		                                      : scan_scalar(ps);
		if (st)
			return st;
		if (!opened && next_value(ps, &nest, &more))
			return BF_EINPUT;
	}
	return BF_OK;
}

/* ---- the record ------------------------------------------------------- */

/* Which field a top-level key names, or -1. */
static int field_of(const char *k, size_t n)
{
	switch (n) {
	case 2: return memcmp(k, "id", 2) ? -1 : BF_JSONL_ID;
	case 3: return memcmp(k, "url", 3) ? -1 : BF_JSONL_URL;
	case 4: return !memcmp(k, "text", 4) ? BF_JSONL_TEXT
	             : !memcmp(k, "date", 4) ? BF_JSONL_DATE : -1;
	case 5: return memcmp(k, "title", 5) ? -1 : BF_JSONL_TITLE;
	case 6: return memcmp(k, "source", 6) ? -1 : BF_JSONL_SOURCE;
	}
	return -1;
}

/* The value of one of the six keys; a repeated key overwrites (jansson
 * keeps the last). */
static bf_status_t read_field(ps_t *ps, bf_jsonl_field_t *f)
{
	int c = peek(ps);
	*f = (bf_jsonl_field_t){ .type = BF_JSONL_OTHER };
	if (c == '"') {
		char *s;
		f->type = BF_JSONL_STRING;
		bf_status_t st = scan_str(ps, true, &s, &f->len);
		f->str = s;
		return st;
	}
	if (c == '-' || is_digit(c)) {
		bool is_int;
		if (scan_num(ps, &is_int, &f->num))
			return BF_EINPUT;
		f->type = is_int ? BF_JSONL_INTEGER : BF_JSONL_OTHER;
		return BF_OK;
	}
	return skip_value(ps, 2);
}

/* The top-level object, '{' at the cursor.  Keys are decoded in place
 * too, so an escaped key ("t\u0065xt") names its field as jansson sees it. */
static bf_status_t read_object(ps_t *ps, bf_jsonl_rec_t *rec)
{
	ps->s++;
	skip_ws(ps);
	if (peek(ps) == '}') {
		ps->s++;
		return BF_OK;
	}
	for (const char *what = "a key or '}'";; what = "a key") {
		char *key;
		size_t len;
		if (peek(ps) != '"')
			return unexpected(ps, what);
		if (scan_str(ps, true, &key, &len))
			return BF_EINPUT;
		int k = field_of(key, len);
		skip_ws(ps);
		if (peek(ps) != ':')
			return unexpected(ps, "':'");
		ps->s++;
		skip_ws(ps);
		if (k < 0 ? skip_value(ps, 2) : read_field(ps, &rec->f[k]))
			return BF_EINPUT;
		skip_ws(ps);
		int c = peek(ps);
		if (c == '}') {
			ps->s++;
			return BF_OK;
		}
		if (c != ',')
			return unexpected(ps, "',' or '}'");
		ps->s++;
		skip_ws(ps);
	}
}

bf_status_t bf_jsonl_parse(char *line, size_t n, bf_jsonl_rec_t *rec,
                           char err[BF_JSONL_ERR_LEN])
{
	ps_t ps = { .line = line, .s = line, .end = line + n, .err = err };
	*rec = (bf_jsonl_rec_t){ 0 };
	err[0] = '\0';
	skip_ws(&ps);
	/* Another kind of value is checked whole first, so a broken one is
	 * reported as broken (jansson refuses a top-level scalar outright,
	 * but either way the line is malformed). */
	bool obj = peek(&ps) == '{';
	if (obj ? read_object(&ps, rec) : skip_value(&ps, 1))
		return BF_EINPUT;
	skip_ws(&ps);
	if (ps.s != ps.end)
		return unexpected(&ps, "the end of the line");
	if (!obj) {
		*rec = (bf_jsonl_rec_t){ 0 };
		snprintf(err, BF_JSONL_ERR_LEN, "not a JSON object");
		return BF_EINPUT;
	}
	return BF_OK;
}
