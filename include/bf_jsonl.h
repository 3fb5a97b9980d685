/* bf_jsonl.h - one JSON Lines record: the whole line checked as one JSON
 * value (RFC 8259), and six fields of its top-level object extracted
 * without allocating.
 *
 * What is accepted is what jansson's json_loadb(flags 0) accepts, then
 * json_is_object: the same grammar, \u0000 refused (strings handed out are
 * NUL-terminated), lone surrogates refused, integers past long long and
 * reals past DBL_MAX refused, nesting at most BF_JSONL_MAX_DEPTH values.
 * Duplicate keys: the last one counts, as in jansson.  The line must be
 * valid UTF-8 (ingest repairs it first); bytes >= 0x80 are not checked.
 *
 * Strings are decoded in place ("in situ"): a decoded string is never
 * longer than its JSON form, so each field is rewritten over its own bytes
 * and NUL-terminated where its closing quote was.  The record's pointers
 * therefore point into the line, which the parse modifies and which must
 * outlive the record; nothing is allocated. */
#ifndef BF_JSONL_H
#define BF_JSONL_H

#include "bf_common.h"

#define BF_JSONL_ERR_LEN 96      /* bytes of an error text, NUL included */
#define BF_JSONL_MAX_DEPTH 2048  /* jansson's JSON_PARSER_MAX_DEPTH */

/* The fields extracted, by key. */
typedef enum {
	BF_JSONL_TEXT,   /* "text" */
	BF_JSONL_TITLE,  /* "title" */
	BF_JSONL_SOURCE, /* "source" */
	BF_JSONL_URL,    /* "url" */
	BF_JSONL_DATE,   /* "date" */
	BF_JSONL_ID,     /* "id" */
	BF_JSONL_N_FIELDS
} bf_jsonl_key_t;

typedef enum {
	BF_JSONL_ABSENT = 0,
	BF_JSONL_STRING,
	BF_JSONL_INTEGER, /* a number without '.' or exponent */
	BF_JSONL_OTHER    /* real, true, false, null, object, array */
} bf_jsonl_type_t;

typedef struct {
	const char *str;      /* BF_JSONL_STRING: UTF-8, NUL-terminated */
	size_t len;           /* bytes of str (no NUL inside) */
	long long num;        /* BF_JSONL_INTEGER: the value */
	bf_jsonl_type_t type;
} bf_jsonl_field_t;

typedef struct {
	bf_jsonl_field_t f[BF_JSONL_N_FIELDS]; /* indexed by bf_jsonl_key_t */
} bf_jsonl_rec_t;

/* Parses line[0..n) (no newline) into rec.  Returns BF_OK, or BF_EINPUT
 * with a message in err such as "unexpected character ',' at column 17"
 * (columns count bytes from 1), or "not a JSON object" for a valid value
 * of another kind.  The line's bytes are modified either way. */
bf_status_t bf_jsonl_parse(char *line, size_t n, bf_jsonl_rec_t *rec,
                           char err[BF_JSONL_ERR_LEN]);

#endif
