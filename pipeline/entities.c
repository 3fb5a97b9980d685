/* entities.c - HTML character references in news text (see bf_entities.h). */
#include "bf_entities.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longest reference looked at, "&#x10FFFF;" or "&hellip;" and the like. */
#define MAX_REF_LEN 10

static const struct {
	const char *name;
	uint32_t cp;
} NAMED[] = {
	{ "amp", '&' }, { "apos", '\'' }, { "bull", 0x2022 }, { "gt", '>' },
	{ "hellip", 0x2026 }, { "laquo", 0xAB }, { "ldquo", 0x201C }, { "lsquo", 0x2018 },
	{ "lt", '<' }, { "mdash", 0x2014 }, { "middot", 0xB7 }, { "nbsp", 0xA0 },
	{ "ndash", 0x2013 }, { "quot", '"' }, { "raquo", 0xBB }, { "rdquo", 0x201D },
	{ "rsquo", 0x2019 }, { "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 },
	{ "euro", 0x20AC }, { "pound", 0xA3 }, { "cent", 0xA2 }, { "yen", 0xA5 },
	{ "deg", 0xB0 },
};

static size_t put_utf8(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Code point of the reference body between '&' and ';' (exclusive), or 0
 * when it is not one we decode. */
static uint32_t ref_value(const char *b, size_t n)
{
	if (n >= 2 && b[0] == '#') {
		bool hex = b[1] == 'x' || b[1] == 'X';
		size_t i = hex ? 2 : 1;
		if (i >= n)
			return 0;
		uint32_t v = 0;
		for (; i < n; i++) {
			char ch = b[i];
			int d = ch >= '0' && ch <= '9' ? ch - '0'
			      : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			      : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
			if (d < 0 || v > 0x10FFFF)
				return 0;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		/* no NULs, surrogates or out-of-range values: output stays valid UTF-8 */
		return v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF ? 0 : v;
	}
	for (size_t k = 0; k < sizeof NAMED / sizeof *NAMED; k++)
		if (strlen(NAMED[k].name) == n && !memcmp(NAMED[k].name, b, n))
			return NAMED[k].cp;
	return 0;
}

size_t bf_entities_decode(const char *s, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t run = amp ? (size_t)(amp - (s + i)) : len - i;
		memmove(out + o, s + i, run);
		o += run;
		i += run;
		if (!amp)
			break;
		size_t lim = len - i < MAX_REF_LEN + 2 ? len - i : MAX_REF_LEN + 2;
		const char *semi = memchr(s + i + 1, ';', lim > 1 ? lim - 1 : 0);
		uint32_t cp = semi ? ref_value(s + i + 1, (size_t)(semi - (s + i + 1))) : 0;
		if (cp) {
			o += put_utf8(cp, out + o);
			i = (size_t)(semi - s) + 1;
		} else {
			out[o++] = '&';
			i++;
		}
	}
	return o;
}
