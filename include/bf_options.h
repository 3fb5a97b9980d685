/* bf_options.h - the command line, parsed and checked. */
#ifndef BF_OPTIONS_H
#define BF_OPTIONS_H

#include "bf_common.h"
#include <stdbool.h>
#include <stdio.h>

typedef enum { BF_FMT_MD = 0, BF_FMT_JSON, BF_FMT_TXT } bf_format_t;

#define BF_DEFAULT_WORDS 400u
#define BF_DEFAULT_STORIES 10u
#define BF_DEFAULT_THRESHOLD 0.5
#define BF_DEFAULT_SHINGLE 3u
#define BF_DEFAULT_NUM_PERM 128u
#define BF_DEFAULT_SEED 0x62726566ull /* fixed so runs are reproducible */

typedef struct {
	const char *const *inputs;
	size_t n_inputs;
	const char *output;      /* NULL: standard output */
	bf_format_t format;
	uint32_t words;
	uint32_t stories;
	double threshold;
	unsigned shingle;
	uint32_t num_perm;
	int threads;             /* 0: all cores */
	const char *clusters_path;
	const char *sentences_path;
	const char *groups_path;
	const char *stats_path;
	uint64_t seed;
	bool quiet;
	bool strict;
} bf_options_t;

/* Exit statuses, for cron. */
enum {
	BF_EXIT_OK = 0,       /* briefing written (skips reported) */
	BF_EXIT_FAIL = 1,     /* nothing written */
	BF_EXIT_USAGE = 2,    /* bad command line */
	BF_EXIT_SKIPPED = 3,  /* --strict and a record was skipped */
};

void bf_options_init(bf_options_t *o);
/* Parses argv into o.  Returns -1 to go on, or an exit status to exit with
 * at once (0 after --help/--version, BF_EXIT_USAGE after an error, which is
 * printed to err naming the option). */
int bf_options_parse(bf_options_t *o, int argc, char **argv, FILE *out,
                     FILE *err);
const char *bf_format_name(bf_format_t f);

#endif
