/* options.c - command-line parsing and checking (see bf_options.h). */
#include "bf_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
"Usage: briefing [OPTIONS] INPUT...\n"
"Turn a day's dump of news articles into one short, de-duplicated briefing.\n"
"\n"
"  INPUT            file or directory (recursed, entries in byte order of their\n"
"                   names); *.txt = one article per file (a short first line\n"
"                   followed by a blank line is its title); *.jsonl = one article\n"
"                   per line, \"text\" required, \"id\", \"title\", \"source\", \"url\",\n"
"                   \"date\" optional; either may end in .zst; '-' reads JSON\n"
"                   Lines from standard input\n"
"  -o, --output F   write the briefing to F atomically (default: standard output)\n"
"  -f, --format X   md (default), json, or txt (chosen sentences, one per line,\n"
"                   stories separated by a blank line)\n"
"  -w, --words N    word budget of the whole briefing (default 400)\n"
"  -s, --stories N  at most N stories (default 10); 1 = the whole input is one story\n"
"  -t, --threshold J  near-duplicate Jaccard threshold (default 0.5)\n"
"  -k, --shingle K  words per shingle (default 3)\n"
"      --num-perm N MinHash permutations (default 128)\n"
"  -j, --threads N  worker threads (default: all cores)\n"
"      --clusters F write near-duplicate sentence clusters (size >= 2) as JSON Lines\n"
"      --sentences F write every kept sentence as JSON Lines\n"
"      --groups F   write every story and its near-copy article groups as JSON Lines\n"
"      --stats F    write counts and wall time per stage as JSON\n"
"      --seed N     hash seed (default fixed, so runs are reproducible)\n"
"      --strict     exit 3 when any record was skipped\n"
"  -q, --quiet      no progress, no warnings (errors are still printed)\n"
"  -h, --help       show this help\n"
"  -V, --version    show the version\n"
"\n"
"Sentence texts wait in an unlinked temporary file in $TMPDIR (default /tmp).\n"
"\n"
"Exit status: 0 briefing written (skipped records are reported, not fatal);\n"
"1 nothing written (unreadable output, no usable article, no temporary file);\n"
"2 usage error; 3 with --strict, when any record was skipped.\n";

enum { OPT_NUM_PERM = 256, OPT_CLUSTERS, OPT_SENTENCES, OPT_GROUPS, OPT_STATS,
       OPT_SEED, OPT_STRICT };

static const struct option LONG_OPTS[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "words", required_argument, NULL, 'w' },
	{ "stories", required_argument, NULL, 's' },
	{ "threshold", required_argument, NULL, 't' },
	{ "shingle", required_argument, NULL, 'k' },
	{ "num-perm", required_argument, NULL, OPT_NUM_PERM },
	{ "threads", required_argument, NULL, 'j' },
	{ "clusters", required_argument, NULL, OPT_CLUSTERS },
	{ "sentences", required_argument, NULL, OPT_SENTENCES },
	{ "groups", required_argument, NULL, OPT_GROUPS },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void bf_options_init(bf_options_t *o)
{
	memset(o, 0, sizeof *o);
	o->format = BF_FMT_MD;
	o->words = BF_DEFAULT_WORDS;
	o->stories = BF_DEFAULT_STORIES;
	o->threshold = BF_DEFAULT_THRESHOLD;
	o->shingle = BF_DEFAULT_SHINGLE;
	o->num_perm = BF_DEFAULT_NUM_PERM;
	o->seed = BF_DEFAULT_SEED;
}

const char *bf_format_name(bf_format_t f)
{
	return f == BF_FMT_JSON ? "json" : f == BF_FMT_TXT ? "txt" : "md";
}

/* Whole number in [lo, hi]; false when s is not one. */
static bool parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-')
		return false;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int usage_error(FILE *err, const char *fmt, const char *arg)
{
	fprintf(err, "briefing: ");
	fprintf(err, fmt, arg);
	fprintf(err, "\nTry 'briefing --help' for more information.\n");
	return BF_EXIT_USAGE;
}

/* Applies one option; returns -1 on success or an exit status. */
static int apply(bf_options_t *o, int c, const char *arg, FILE *out, FILE *err)
{
	uint64_t v;
	char *end;
	switch (c) {
	case 'o': o->output = arg; return -1;
	case 'f':
		if (!strcmp(arg, "md")) o->format = BF_FMT_MD;
		else if (!strcmp(arg, "json")) o->format = BF_FMT_JSON;
		else if (!strcmp(arg, "txt")) o->format = BF_FMT_TXT;
		else return usage_error(err, "--format: '%s' is not md, json or txt", arg);
		return -1;
	case 'w':
		if (!parse_u64(arg, 1, 1000000, &v))
			return usage_error(err, "--words: '%s' is not a number from 1 to 1000000", arg);
		o->words = (uint32_t)v;
		return -1;
	case 's':
		if (!parse_u64(arg, 1, 100000, &v))
			return usage_error(err, "--stories: '%s' is not a number from 1 to 100000", arg);
		o->stories = (uint32_t)v;
		return -1;
	case 't':
		errno = 0;
		o->threshold = strtod(arg, &end);
		if (errno || *end || end == arg || !(o->threshold > 0 && o->threshold <= 1))
			return usage_error(err, "--threshold: '%s' is not a Jaccard value in (0, 1]", arg);
		return -1;
	case 'k':
		if (!parse_u64(arg, 1, 16, &v))
			return usage_error(err, "--shingle: '%s' is not a number from 1 to 16", arg);
		o->shingle = (unsigned)v;
		return -1;
	case OPT_NUM_PERM:
		if (!parse_u64(arg, 8, 1024, &v))
			return usage_error(err, "--num-perm: '%s' is not a number from 8 to 1024", arg);
		o->num_perm = (uint32_t)v;
		return -1;
	case 'j':
		if (!parse_u64(arg, 1, 1024, &v))
			return usage_error(err, "--threads: '%s' is not a number from 1 to 1024", arg);
		o->threads = (int)v;
		return -1;
	case OPT_CLUSTERS: o->clusters_path = arg; return -1;
	case OPT_SENTENCES: o->sentences_path = arg; return -1;
	case OPT_GROUPS: o->groups_path = arg; return -1;
	case OPT_STATS: o->stats_path = arg; return -1;
	case OPT_SEED:
		if (!parse_u64(arg, 0, UINT64_MAX, &v))
			return usage_error(err, "--seed: '%s' is not a whole number", arg);
		o->seed = v;
		return -1;
	case OPT_STRICT: o->strict = true; return -1;
	case 'q': o->quiet = true; return -1;
	case 'h': fputs(USAGE, out); return BF_EXIT_OK;
	case 'V': fprintf(out, "briefing %s\n", BF_VERSION); return BF_EXIT_OK;
	default:
		return usage_error(err, "%s", "unknown option or missing argument");
	}
}

int bf_options_parse(bf_options_t *o, int argc, char **argv, FILE *out,
                     FILE *err)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:w:s:t:k:j:qhV", LONG_OPTS, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			return usage_error(err, c == ':' ? "option '%s' needs an argument"
			                                 : "unknown option '%s'", bad);
		}
		int rc = apply(o, c, optarg, out, err);
		if (rc >= 0)
			return rc;
	}
	if (optind >= argc)
		return usage_error(err, "%s", "no INPUT given");
	o->inputs = (const char *const *)(argv + optind);
	o->n_inputs = (size_t)(argc - optind);
	return -1;
}
