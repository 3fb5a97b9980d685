/* report_json.c - the JSON string writer shared by every JSON output.
 *
 * Hand-written on purpose: jansson (used to parse the input) would build
 * and free a tree per record to print the millions of JSON Lines records a
 * big night's --sentences file holds; this streams bytes straight out. */
#include "bf_report.h"

static void json_escape_byte(FILE *out, unsigned char ch)
{
	switch (ch) {
	case '"': fputs("\\\"", out); break;
	case '\\': fputs("\\\\", out); break;
	case '\n': fputs("\\n", out); break;
	case '\t': fputs("\\t", out); break;
	case '\r': fputs("\\r", out); break;
	case '\b': fputs("\\b", out); break;
	case '\f': fputs("\\f", out); break;
	default: fprintf(out, "\\u%04X", ch); break;
	}
}

/* RFC 8259 requires escaping only '"', '\\' and U+0000..U+001F.  Input is
 * valid UTF-8 (ingest repairs it), so bytes >= 0x80 pass through as they
 * are and runs of plain bytes go out in one fwrite.  NULL prints as JSON
 * null, for optional fields such as a story's title. */
void bf_json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	const char *run = s; /* start of bytes that need no escape */
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		fwrite(run, 1, (size_t)(s - run), out);
		json_escape_byte(out, ch);
		run = s + 1;
	}
	fwrite(run, 1, (size_t)(s - run), out);
	putc('"', out);
}
