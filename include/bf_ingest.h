/* bf_ingest.h - streaming readers for the inputs a user names.
 *
 * Inputs: a file, a directory (recursed; entries in byte order of their
 * names; names starting with '.' skipped; only *.txt, *.jsonl and their .zst
 * forms taken, others counted as ignored), or "-" (JSON Lines on standard
 * input; zstd recognized by its magic number).  *.txt: one article per file,
 * a short first line followed by a blank line is its title.  *.jsonl: one
 * article per line, "text" required; "id", "title", "source", "url", "date"
 * optional.  A named file of another extension is read as .txt.  .zst is
 * decompressed as a stream (multi-frame), memory bounded by the longest
 * record (at most BF_INGEST_MAX_RECORD bytes).
 *
 * Bad input never stops the run: each bad record is reported through on_skip
 * with the file and line (or byte offset) and counted by reason. */
#ifndef BF_INGEST_H
#define BF_INGEST_H

#include "bf_common.h"

#define BF_INGEST_MAX_RECORD ((size_t)64 << 20) /* bytes per line/file */

typedef enum {
	BF_SKIP_JSON = 0,     /* malformed JSON line, or not an object */
	BF_SKIP_NO_TEXT,      /* "text" missing, not a string, or blank */
	BF_SKIP_UTF8,         /* invalid UTF-8 beyond repair (see below) */
	BF_SKIP_ZSTD,         /* truncated or corrupt zstd frame */
	BF_SKIP_EMPTY,        /* empty file */
	BF_SKIP_BINARY,       /* file holds NUL bytes: not text */
	BF_SKIP_TOO_LONG,     /* record longer than BF_INGEST_MAX_RECORD */
	BF_SKIP_UNREADABLE,   /* cannot open or read */
	BF_SKIP_NO_SENTENCES, /* (set by later stages) nothing left after
	                         segmentation */
	BF_SKIP__COUNT
} bf_skip_reason_t;

/* Stable snake_case name: "malformed_json", "no_text", ... */
const char *bf_skip_reason_name(bf_skip_reason_t r);

/* One article as read.  Every pointer is valid only during the on_record
 * call; strings are NUL-terminated valid UTF-8 (invalid sequences replaced
 * by U+FFFD, counted in bf_ingest_counts_t.n_utf8_repaired). */
typedef struct {
	const char *id;     /* JSON "id", else "FILE:LINE" (jsonl) or path */
	const char *title;  /* NULL when absent */
	const char *source; /* NULL when absent */
	const char *url;    /* NULL when absent */
	const char *date;   /* NULL when absent */
	const char *text;
	size_t text_len;
	const char *file;   /* path as named ("-" for standard input) */
	uint64_t line;      /* 1-based line for jsonl, 0 for txt */
} bf_record_t;

typedef struct {
	/* Called for every good record in input order.  Return 0 to go on,
	 * nonzero to stop reading (the value is returned by bf_ingest_run). */
	int (*on_record)(void *ud, const bf_record_t *rec);
	/* Called once per skipped record.  where is "FILE:LINE" or
	 * "FILE:byte OFFSET" or "FILE"; detail is a short reason text. */
	void (*on_skip)(void *ud, bf_skip_reason_t why, const char *where,
	                const char *detail);
	void *ud;
	/* Threads that parse JSON Lines (0 or 1: the calling thread alone).
	 * Records and skips still reach the callbacks in input order, from the
	 * calling thread. */
	int n_threads;
} bf_ingest_cb_t;

typedef struct {
	uint64_t n_files;          /* files opened */
	uint64_t n_files_ignored;  /* directory entries not of a known type */
	uint64_t n_records;        /* good records passed to on_record */
	uint64_t n_skipped[BF_SKIP__COUNT];
	uint64_t n_utf8_repaired;  /* good records in which bytes were replaced */
	uint64_t bytes_in;         /* bytes of text read (after decompression) */
} bf_ingest_counts_t;

/* Reads every input in order.  Returns 0 after all inputs were read (bad
 * records are skipped, not errors), or the nonzero value on_record returned,
 * or -1 on allocation failure.  counts is added to (zero it first). */
int bf_ingest_run(const char *const *inputs, size_t n_inputs,
                  const bf_ingest_cb_t *cb, bf_ingest_counts_t *counts);

#endif
