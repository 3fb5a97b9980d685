/* test_jsonl.c - bf_jsonl_parse: exact cases, then a differential test
 * against jansson (json_loadb with flags 0, the parser it replaced) on
 * generated and mutated lines.  Every line is parsed from a malloc'd copy
 * of exactly its length, so AddressSanitizer sees any read past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bf_jsonl.h"
#include "testutil.h"

static const char *const KEYS[BF_JSONL_N_FIELDS] = {
	[BF_JSONL_TEXT] = "text", [BF_JSONL_TITLE] = "title",
	[BF_JSONL_SOURCE] = "source", [BF_JSONL_URL] = "url",
	[BF_JSONL_DATE] = "date", [BF_JSONL_ID] = "id",
};

/* A parse of s[0..n) from an exact-size copy, which the record points
 * into: free it with done(). */
typedef struct {
	char *copy;
	bf_jsonl_rec_t rec;
	char err[BF_JSONL_ERR_LEN];
	bf_status_t st;
} parsed_t;

static parsed_t parse_n(const char *s, size_t n)
{
	parsed_t p;
	p.copy = malloc(n ? n : 1);
	assert_non_null(p.copy);
	memcpy(p.copy, s, n);
	p.st = bf_jsonl_parse(p.copy, n, &p.rec, p.err);
	return p;
}

static parsed_t parse(const char *s)
{
	return parse_n(s, strlen(s));
}

static void done(parsed_t *p)
{
	free(p->copy);
}

/* s parses, and field k is the string want (want_len bytes). */
static void check_str(const char *s, bf_jsonl_key_t k, const char *want,
                      size_t want_len)
{
	parsed_t p = parse(s);
	if (p.st != BF_OK)
		fail_msg("%s: %s", s, p.err);
	assert_int_equal(p.rec.f[k].type, BF_JSONL_STRING);
	assert_int_equal(p.rec.f[k].len, want_len);
	assert_memory_equal(p.rec.f[k].str, want, want_len);
	assert_int_equal(p.rec.f[k].str[want_len], '\0');
	done(&p);
}

/* s is refused with an error text that holds want. */
static void check_bad(const char *s, size_t n, const char *want)
{
	parsed_t p = parse_n(s, n);
	if (p.st == BF_OK)
		fail_msg("accepted: %.80s", s);
	if (!strstr(p.err, want))
		fail_msg("%.80s: error \"%s\" lacks \"%s\"", s, p.err, want);
	done(&p);
}

#define BAD(s, want) check_bad(s, sizeof(s) - 1, want)

/* ---- exact cases ---------------------------------------------------------- */

static void test_fields(void **state)
{
	(void)state;
	parsed_t p = parse("{\"id\":\"a1\",\"title\":\"T\",\"source\":\"S\",\"url\":\"U\","
	                   "\"date\":\"D\",\"text\":\"Hello.\",\"other\":\"x\"}");
	assert_int_equal(p.st, BF_OK);
	const char *want[] = { "Hello.", "T", "S", "U", "D", "a1" };
	for (int k = 0; k < BF_JSONL_N_FIELDS; k++) {
		assert_int_equal(p.rec.f[k].type, BF_JSONL_STRING);
		assert_string_equal(p.rec.f[k].str, want[k]);
	}
	done(&p);
	p = parse("{}");
	assert_int_equal(p.st, BF_OK);
	for (int k = 0; k < BF_JSONL_N_FIELDS; k++)
		assert_int_equal(p.rec.f[k].type, BF_JSONL_ABSENT);
	done(&p);
	p = parse("{\"text\":null,\"title\":true,\"source\":[1],\"url\":{},\"date\":1.5,\"id\":7}");
	assert_int_equal(p.st, BF_OK);
	for (int k = 0; k < BF_JSONL_ID; k++)
		assert_int_equal(p.rec.f[k].type, BF_JSONL_OTHER);
	assert_int_equal(p.rec.f[BF_JSONL_ID].type, BF_JSONL_INTEGER);
	assert_int_equal(p.rec.f[BF_JSONL_ID].num, 7);
	done(&p);
}

static void test_escapes(void **state)
{
	(void)state;
	const char *s = "{\"text\":\"q\\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t"
	                "A\\u0041e\\u00e9E\\u20AC\\ud83d\\ude00.\"}";
	const char want[] = "q\"b\\s/b\bf\fn\nr\rt\tAAe\xC3\xA9" "E\xE2\x82\xAC"
	                    "\xF0\x9F\x98\x80.";
	check_str(s, BF_JSONL_TEXT, want, sizeof want - 1);
	check_str("{\"text\":\"\"}", BF_JSONL_TEXT, "", 0);
	check_str("{\"text\":\"\\u007f\\u0080\\u07FF\\u0800\\uFFFF\\uDBFF\\uDFFF\"}",
	          BF_JSONL_TEXT, "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF4\x8F\xBF\xBF", 15);
	/* raw UTF-8 and DEL pass as they are */
	check_str("{\"text\":\"caf\xC3\xA9 \x7F\"}", BF_JSONL_TEXT, "caf\xC3\xA9 \x7F", 7);
	/* long runs around the 8-byte scan, an escape at each offset */
	char line[200], want2[200];
	for (int at = 0; at < 40; at++) {
		memset(want2, 'x', 60);
		want2[at] = '"';
		snprintf(line, sizeof line, "{\"text\":\"%.*s\\\"%.*s\"}", at, want2,
		         59 - at, want2 + at + 1);
		check_str(line, BF_JSONL_TEXT, want2, 60);
	}
	/* an escaped key names its field */
	check_str("{\"t\\u0065xt\":\"k\"}", BF_JSONL_TEXT, "k", 1);
	check_str("{\"\\u0069d\":\"k\"}", BF_JSONL_ID, "k", 1);
}

/* The first byte that ends a string's plain run (an escape, a control
 * byte) at every offset of strings of up to 100 bytes, around the 8- and
 * 32-byte steps of the scan: found there, not before or after it. */
static void test_string_scan_offsets(void **state)
{
	(void)state;
	char line[160], want[128], xs[128];
	memset(xs, 'x', sizeof xs);
	for (size_t n = 0; n <= 100; n++)
		for (size_t k = 0; k <= n; k++) {
			memset(want, 'x', n + 1);
			want[k] = '\n'; /* "\n" at k, n x's around it */
			int len = snprintf(line, sizeof line, "{\"text\": \"%.*s\\n%.*s\"}",
			                   (int)k, xs, (int)(n - k), xs);
			check_str(line, BF_JSONL_TEXT, want, n + 1);
			/* a raw control byte at k instead: refused */
			memmove(line + 10 + k, line + 11 + k, (size_t)len - 10 - k);
			line[10 + k] = '\t';
			check_bad(line, (size_t)len - 1, "unescaped control byte 0x09");
		}
}

static void test_duplicates_last_wins(void **state)
{
	(void)state;
	check_str("{\"text\":\"a\",\"text\":\"bc\"}", BF_JSONL_TEXT, "bc", 2);
	parsed_t p = parse("{\"id\":\"x\",\"id\":5}");
	assert_int_equal(p.rec.f[BF_JSONL_ID].type, BF_JSONL_INTEGER);
	assert_int_equal(p.rec.f[BF_JSONL_ID].num, 5);
	done(&p);
	p = parse("{\"text\":\"a\",\"text\":{\"text\":\"b\"}}");
	assert_int_equal(p.rec.f[BF_JSONL_TEXT].type, BF_JSONL_OTHER);
	done(&p);
	check_str("{\"id\":5,\"id\":\"y\"}", BF_JSONL_ID, "y", 1);
}

static void test_integers(void **state)
{
	(void)state;
	static const struct { const char *s; long long v; } ok[] = {
		{ "0", 0 }, { "-0", 0 }, { "-7", -7 }, { "12345", 12345 },
		{ "9223372036854775807", LLONG_MAX },
		{ "-9223372036854775808", LLONG_MIN },
	};
	char line[80];
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		snprintf(line, sizeof line, "{\"id\":%s}", ok[i].s);
		parsed_t p = parse(line);
		assert_int_equal(p.st, BF_OK);
		assert_int_equal(p.rec.f[BF_JSONL_ID].type, BF_JSONL_INTEGER);
		assert_true(p.rec.f[BF_JSONL_ID].num == ok[i].v);
		done(&p);
	}
	/* jansson refuses integers past long long (it does not make them reals) */
	BAD("{\"id\":9223372036854775808}", "integer too big");
	BAD("{\"id\":-9223372036854775809}", "integer too big");
	BAD("{\"x\":[123456789012345678901234]}", "integer too big");
	static const char *const real[] = { "1.5", "1e3", "-0.0", "1E+2", "0e0", "1e-400" };
	for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
		snprintf(line, sizeof line, "{\"id\":%s}", real[i]);
		parsed_t p = parse(line);
		assert_int_equal(p.st, BF_OK);
		assert_int_equal(p.rec.f[BF_JSONL_ID].type, BF_JSONL_OTHER);
		done(&p);
	}
	BAD("{\"id\":1e309}", "too big for a double");
	BAD("{\"id\":-1e309}", "too big for a double");
}

static void test_nested_and_whitespace(void **state)
{
	(void)state;
	check_str("{\"a\":{\"text\":\"inner\",\"b\":[1,{\"c\":[]},[[]],\"s\"]},"
	          "\"text\":\"outer\",\"z\":[{}]}", BF_JSONL_TEXT, "outer", 5);
	check_str(" \t\r\n{ \n\"text\" \t:\r\"x\" , \"id\" : [ 1 , { } ] ,\"u\":{ \"v\" : "
	          "null } } \n\r\t ", BF_JSONL_TEXT, "x", 1);
}

static void test_malformed(void **state)
{
	(void)state;
	BAD("{\"a\":1,}", "unexpected character '}' at column 8, expected a key");
	BAD("{\"a\":[1,]}", "unexpected character ']' at column 9, expected a value");
	BAD("{\"a\" 1}", "unexpected character '1' at column 6, expected ':'");
	BAD("{\"a\":01}", "leading zero at column 6");
	BAD("{\"a\":1.}", "column 8, expected a digit");
	BAD("{\"a\":-}", "column 7, expected a digit");
	BAD("{\"a\":1e}", "expected a digit");
	BAD("{\"a\":1e+}", "expected a digit");
	BAD("{\"a\":.5}", "unexpected character '.'");
	BAD("{\"a\":+1}", "unexpected character '+'");
	BAD("{\"a\":\"abc", "unterminated string at column 6");
	BAD("{\"a\":\"a\tb\"}", "unescaped control byte 0x09 in a string at column 8");
	BAD("{\"a\":\"a\nb\"}", "control byte 0x0A");
	BAD("{\"a\":\"a\0b\"}", "control byte 0x00");
	BAD("{\"a\":1} x", "unexpected character 'x' at column 9, expected the end");
	BAD("{\"a\":1}}", "expected the end");
	BAD("{\"a\":\"\\u0000\"}", "\\u0000 is not allowed at column 7");
	BAD("{\"a\\u0000\":1}", "\\u0000");
	BAD("{\"a\":\"\\ud800\"}", "unpaired surrogate \\uD800");
	BAD("{\"a\":\"\\udc00x\"}", "unpaired surrogate \\uDC00");
	BAD("{\"a\":\"\\ud800\\u0041\"}", "unpaired surrogate");
	BAD("{\"a\":\"\\ud800\\ud800\"}", "unpaired surrogate");
	BAD("{\"a\":\"\\x\"}", "unexpected character 'x' at column 8, expected an escape");
	BAD("{\"a\":\"\\u12G4\"}", "bad \\u escape at column 7, expected 4 hex digits");
	BAD("{\"a\":\"\\u12\"}", "bad \\u escape");
	BAD("{\"a\":tru}", "unexpected character 't'");
	BAD("{\"a\":truex}", "unexpected character 'x'");
	BAD("{\"a\":NaN}", "expected a value");
	BAD("{'a':1}", "expected a key or '}'");
	BAD("{\"a\":1 \"b\":2}", "expected ',' or '}'");
	BAD("[1 2]", "expected ',' or ']'");
	BAD("{,}", "expected a key or '}'");
	BAD("{\f}", "unexpected byte 0x0C at column 2"); /* not JSON whitespace */
	BAD("{}\v", "unexpected byte 0x0B at column 3");
	BAD("", "line ends at column 1, expected a value");
	BAD("{\"a\":", "line ends at column 6, expected a value");
	BAD("{\"a\":[", "line ends");
	BAD("{\"a\":\"x\\", "line ends");
	BAD("[1,2]", "not a JSON object");
	BAD("\"just a string\"", "not a JSON object");
	BAD("42", "not a JSON object");
	BAD("[1,", "line ends"); /* broken first, not "not an object" */
	BAD("\xEF\xBB\xBF{}", "unexpected byte 0xEF at column 1");
}

/* jansson refuses a value past nesting level 2048 (the top-level value is
 * level 1), counting scalars too; here so does the parser, without
 * recursion, and a 100000-deep bomb is a plain error. */
static void test_depth(void **state)
{
	(void)state;
	size_t n = 100000;
	char *s = malloc(2 * n + 16);
	assert_non_null(s);
	memset(s, '[', n);
	check_bad(s, n, "nested deeper than 2048 levels at column 2049");
	/* {"a": [ x k ... ] x k}: the arrays reach level k + 1 */
	static const struct { size_t k; bool scalar, ok; } c[] = {
		{ 2047, false, true }, { 2048, false, false },
		{ 2046, true, true }, { 2047, true, false },
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		size_t len = 0;
		len += (size_t)sprintf(s, "{\"a\":");
		memset(s + len, '[', c[i].k);
		len += c[i].k;
		if (c[i].scalar)
			s[len++] = '1';
		memset(s + len, ']', c[i].k);
		len += c[i].k;
		s[len++] = '}';
		parsed_t p = parse_n(s, len);
		json_error_t je;
		json_t *j = json_loadb(s, len, 0, &je);
		assert_int_equal(p.st == BF_OK, c[i].ok);
		assert_int_equal(j != NULL, c[i].ok); /* jansson agrees */
		json_decref(j);
		done(&p);
	}
	free(s);
}

/* The real overflow limit, 2^1024 - 2^970, against jansson. */
static void test_real_limit(void **state)
{
	(void)state;
	const char *lim = "179769313486231580793728971405303415079934132710037826936173778980444968"
	                  "292764750946649017977587207096330286416692887910946555547851940402630657"
	                  "488671505820681908902000708383676273854845817711531764475730270069855571"
	                  "366959622842914819860834936475292719074168444365510704342711559699508093"
	                  "042880177904174497792";
	static const char *const fmt[] = { "[%s]", "[%s.0]", "[%s.0000001]", "[0.%se309]", "[0.00%se311]",
	                "[%.308s]", "[%.308s9.9e1]", "[%.308s1.99e1]", "[%.308s1]",
	                "[-%s]", "[-0.%se309]", "[1.7976931348623157e308]",
	                "[1.7976931348623158e308]", "[17976931348623158e292]",
	                "[0.0000%se313]", "[%s]" };
	char line[800];
	for (size_t i = 0; i < sizeof fmt / sizeof *fmt; i++) {
		int n = snprintf(line, sizeof line, fmt[i], lim);
		json_error_t je;
		json_t *j = json_loadb(line, (size_t)n, 0, &je);
		parsed_t p = parse_n(line, (size_t)n);
		if ((j != NULL) != (p.st == BF_OK || !strcmp(p.err, "not a JSON object")))
			fail_msg("%s: jansson %s, here %s", line, j ? "ok" : je.text, p.err);
		json_decref(j);
		done(&p);
	}
}

/* ---- differential test against jansson ------------------------------------ */

typedef struct {
	char *p;
	size_t len, cap;
} sb_t;

static void sb_put(sb_t *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(sb_t *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_fmt(sb_t *b, const char *fmt, ...)
{
	char t[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t, sizeof t, fmt, ap);
	va_end(ap);
	sb_put(b, t, (size_t)n);
}

static uint64_t rnd(bf_test_rng_t *r, uint64_t n)
{
	return bf_test_rand(r) % n;
}

static const char *pick(bf_test_rng_t *r, const char *const *v, size_t n)
{
	return v[rnd(r, n)];
}

#define PICK(r, v) pick(r, v, sizeof v / sizeof *v)

/* Whitespace between tokens: mostly none, sometimes any of JSON's four. */
static void gen_ws(sb_t *b, bf_test_rng_t *r)
{
	static const char *const ws[] = { " ", "\t", "\n", "\r", "  " };
	while (rnd(r, 4) == 0)
		sb_str(b, PICK(r, ws));
}

/* One piece of a string's content: plain runs (long ones cross the
 * 8-byte scan), escapes of every kind, raw UTF-8, and rarely something
 * both parsers must refuse. */
static void gen_str_piece(sb_t *b, bf_test_rng_t *r)
{
	static const char *const esc[] = { "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n",
	                                   "\\r", "\\t", "\\u0041", "\\u00e9", "\\u20AC",
	                                   "\\uFFFF", "\\u0001", "\\u001f", "\\u007F" };
	static const char *const utf8[] = { "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
	                                    "\xD0\xB6", "\x7F" };
	static const char *const odd[] = { "\\ud800", "\\udfff", "\\u0000", "\\ud83d\\u0041",
	                                   "\\x", "\\u12", "\\U0041", "\t", "\x01", "\\'" };
	static const char plain[] = "abcdefgh XYZ 0123456789.,:{}[]-+e";
	unsigned k = (unsigned)rnd(r, 100);
	if (k < 45) {
		size_t n = 1 + rnd(r, rnd(r, 4) ? 12 : 90);
		for (size_t i = 0; i < n; i++)
			sb_put(b, &plain[rnd(r, sizeof plain - 1)], 1);
	} else if (k < 70) {
		sb_str(b, PICK(r, esc));
	} else if (k < 80) {
		unsigned hi = 0xD800 + (unsigned)rnd(r, 0x400), lo = 0xDC00 + (unsigned)rnd(r, 0x400);
		sb_fmt(b, rnd(r, 2) ? "\\u%04X\\u%04x" : "\\u%04x\\u%04X", hi, lo);
	} else if (k < 88) {
		unsigned cp = 1 + (unsigned)rnd(r, 0xFFFE);
		if (cp >= 0xD800 && cp <= 0xDFFF)
			cp -= 0x1000;
		sb_fmt(b, "\\u%04x", cp);
	} else if (k < 98) {
		sb_str(b, PICK(r, utf8));
	} else {
		sb_str(b, PICK(r, odd));
	}
}

static void gen_string(sb_t *b, bf_test_rng_t *r)
{
	sb_str(b, "\"");
	for (unsigned n = (unsigned)rnd(r, 8); n; n--)
		gen_str_piece(b, r);
	sb_str(b, "\"");
}

static void gen_number(sb_t *b, bf_test_rng_t *r)
{
	static const char *const edge[] = {
		"9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "18446744073709551616", "-0", "0", "1e308",
		"1e309", "-1e309", "1.7976931348623157e308", "1.7976931348623159e308",
		"0.1e310", "1e-400", "123456789012345678901", "-0.0e-0", "1E+2", "00", "1.",
		"-", "-a", "1e", "2.5e+", ".5",
	};
	/* drawn first: the order of a call's arguments is unspecified, and the
	 * lines must be the same whatever the compiler and flags */
	uint64_t x = bf_test_rand(r), y = rnd(r, 64);
	switch (rnd(r, 5)) {
	case 0: sb_fmt(b, "%lld", (long long)(x >> y)); break;
	case 1: sb_fmt(b, "-%llu", (unsigned long long)(x >> y)); break;
	case 2: sb_fmt(b, "%d.%02d", (int)(x % 1000), (int)(y % 100)); break;
	case 3: sb_fmt(b, "%de%+d", (int)(x % 20), (int)(x >> 32) % 640 - 320); break;
	default: sb_str(b, PICK(r, edge)); break;
	}
}

static void gen_value(sb_t *b, bf_test_rng_t *r, int depth);

/* Punctuation, now and then left out or doubled: a missing comma or
 * colon, a trailing comma, at every depth (rarer than mutate's faults,
 * but placed where the grammar is tested). */
static void gen_punct(sb_t *b, bf_test_rng_t *r, const char *p)
{
	unsigned k = (unsigned)rnd(r, 150);
	if (k > 1)
		sb_str(b, p);
	if (k == 1)
		sb_str(b, ",");
}

static void gen_container(sb_t *b, bf_test_rng_t *r, int depth, bool obj)
{
	sb_str(b, obj ? "{" : "[");
	gen_ws(b, r);
	for (unsigned n = (unsigned)rnd(r, 4), i = 0; i < n; i++) {
		if (i) {
			gen_punct(b, r, ",");
			gen_ws(b, r);
		}
		if (obj) {
			gen_string(b, r);
			gen_ws(b, r);
			gen_punct(b, r, ":");
			gen_ws(b, r);
		}
		gen_value(b, r, depth + 1);
		gen_ws(b, r);
	}
	if (rnd(r, 40) == 0)
		sb_str(b, ",");
	sb_str(b, obj ? "}" : "]");
}

static void gen_value(sb_t *b, bf_test_rng_t *r, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	unsigned k = (unsigned)rnd(r, depth > 3 ? 70 : 100);
	if (k < 40)
		gen_string(b, r);
	else if (k < 55)
		gen_number(b, r);
	else if (k < 70)
		sb_str(b, PICK(r, words));
	else
		gen_container(b, r, depth, k < 85);
}

/* A record: members whose keys are mostly the six fields (some escaped,
 * some repeated), values mostly strings for them. */
static void gen_record(sb_t *b, bf_test_rng_t *r)
{
	static const char *const keys[] = { "\"text\"", "\"title\"", "\"source\"", "\"url\"",
	                                    "\"date\"", "\"id\"", "\"t\\u0065xt\"", "\"\\u0069d\"",
	                                    "\"Text\"", "\"ids\"", "\"\"" };
	gen_ws(b, r);
	if (rnd(r, 20) == 0) { /* another top-level value */
		gen_value(b, r, 0);
		gen_ws(b, r);
		return;
	}
	sb_str(b, "{");
	gen_ws(b, r);
	for (unsigned n = (unsigned)rnd(r, 9), i = 0; i < n; i++) {
		if (i) {
			gen_punct(b, r, ",");
			gen_ws(b, r);
		}
		if (rnd(r, 4))
			sb_str(b, PICK(r, keys));
		else
			gen_string(b, r);
		gen_ws(b, r);
		gen_punct(b, r, ":");
		gen_ws(b, r);
		unsigned k = (unsigned)rnd(r, 10);
		if (k < 5)
			gen_string(b, r);
		else if (k < 7)
			gen_number(b, r);
		else if (k < 9)
			gen_value(b, r, 1);
		else
			gen_container(b, r, 1, rnd(r, 2));
		gen_ws(b, r);
	}
	if (rnd(r, 40) == 0)
		sb_str(b, ",");
	sb_str(b, "}");
	gen_ws(b, r);
}

/* A random position of a structural byte ({}[]:,), or a random one. */
static size_t structural_at(const sb_t *b, bf_test_rng_t *r)
{
	size_t at = b->len ? rnd(r, b->len) : 0;
	for (size_t i = 0; i < b->len; i++) {
		size_t k = (at + i) % b->len;
		if (strchr("{}[]:,", b->p[k]))
			return k;
	}
	return at;
}

/* Deletes, inserts, replaces or cuts at a random byte; half of the time
 * at a structural byte, so that faults such as a trailing comma in a
 * nested object (a few positions per line) come up often. */
static void mutate(sb_t *b, bf_test_rng_t *r)
{
	static const char set[] = "{}[]:,\"\\ \t\n0123456789.eE+-tfnrualsxu/\x01\x7f\f\v";
	size_t at = rnd(r, 2) ? structural_at(b, r) : b->len ? rnd(r, b->len) : 0;
	char c = rnd(r, 2) ? set[rnd(r, 7)] : set[rnd(r, sizeof set - 1)];
	switch (rnd(r, 4)) {
	case 0:
		if (b->len) {
			memmove(b->p + at, b->p + at + 1, b->len - at - 1);
			b->len--;
		}
		break;
	case 1:
		sb_put(b, "x", 1);
		memmove(b->p + at + 1, b->p + at, b->len - at - 1);
		b->p[at] = c;
		break;
	case 2:
		if (b->len)
			b->p[at] = c;
		break;
	default:
		b->len = at;
		break;
	}
}

/* Well-formed UTF-8 (Unicode Table 3-7), as jansson requires: lines that
 * are not are only parsed (for the sanitizers), not compared. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], lo = 0x80, hi = 0xBF;
		size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
		           : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (!len || i + len > n)
			return false;
		lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : lo;
		hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : hi;
		for (size_t k = 1; k < len; k++, lo = 0x80, hi = 0xBF)
			if (s[i + k] < lo || s[i + k] > hi)
				return false;
		i += len;
	}
	return true;
}

/* One field against jansson's json_object_get: type, string bytes and
 * length, integer value. */
static bool same_field(const bf_jsonl_field_t *f, json_t *v)
{
	if (!v)
		return f->type == BF_JSONL_ABSENT;
	if (json_is_string(v))
		return f->type == BF_JSONL_STRING && f->len == json_string_length(v) &&
		       memcmp(f->str, json_string_value(v), f->len) == 0 &&
		       f->str[f->len] == '\0';
	if (json_is_integer(v))
		return f->type == BF_JSONL_INTEGER && f->num == json_integer_value(v);
	return f->type == BF_JSONL_OTHER;
}

/* Compares one line; counts it in n[0] (refused), n[1] (accepted) or n[2]
 * (not UTF-8, not compared). */
static void differ(const char *s, size_t len, size_t n[3])
{
	parsed_t p = parse_n(s, len);
	if (!utf8_ok((const unsigned char *)s, len)) {
		n[2]++;
		done(&p);
		return;
	}
	json_error_t je;
	json_t *j = json_loadb(s, len, 0, &je);
	bool ok = j && json_is_object(j);
	if (ok != (p.st == BF_OK))
		fail_msg("disagree on [%.*s]: jansson %s, here %s", (int)len, s,
		         ok ? "accepts" : j ? "non-object" : je.text,
		         p.st == BF_OK ? "accepts" : p.err);
	if (!ok && (p.err[0] == '\0' || (j && strcmp(p.err, "not a JSON object"))))
		fail_msg("error text \"%s\" for [%.*s]", p.err, (int)len, s);
	for (int k = 0; ok && k < BF_JSONL_N_FIELDS; k++)
		if (!same_field(&p.rec.f[k], json_object_get(j, KEYS[k])))
			fail_msg("field %s differs in [%.*s]", KEYS[k], (int)len, s);
	n[ok]++;
	json_decref(j);
	done(&p);
}

#define N_LINES 20000

static void test_differential(void **state)
{
	(void)state;
	bf_test_rng_t r = { 20240603 };
	sb_t b = { 0 };
	size_t n[3] = { 0 };
	for (size_t i = 0; i < N_LINES; i++) {
		b.len = 0;
		gen_record(&b, &r);
		differ(b.p, b.len, n);
		for (unsigned m = 1 + (unsigned)rnd(&r, 3); m; m--) {
			mutate(&b, &r);
			differ(b.p, b.len, n);
		}
	}
	print_message("differential: %zu accepted, %zu refused, %zu not UTF-8\n",
	              n[1], n[0], n[2]);
	/* the generator must exercise both outcomes, not just one */
	assert_true(n[1] > N_LINES / 2);
	assert_true(n[0] > N_LINES);
	assert_true(n[2] < N_LINES / 4);
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_string_scan_offsets),
		cmocka_unit_test(test_duplicates_last_wins),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_nested_and_whitespace),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_real_limit),
		cmocka_unit_test(test_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
