/* bf_report.h - everything a run writes: the briefing (Markdown, JSON, text)
 * and the side files (--clusters, --sentences, --groups, --stats).
 *
 * All writers are deterministic: they print only what the stages computed,
 * in id order, with fixed number formats, so the same input gives the same
 * bytes at any thread count (except the wall times in --stats). */
#ifndef BF_REPORT_H
#define BF_REPORT_H

#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_features.h"
#include "bf_options.h"
#include "bf_select.h"
#include "bf_stories.h"
#include <stdio.h>

typedef enum {
	BF_STAGE_INGEST = 0, /* read + segment */
	BF_STAGE_FEATURES,   /* normalize + shingle + terms */
	BF_STAGE_DEDUP,      /* minhash + lsh + verify + clusters */
	BF_STAGE_STORIES,    /* copies + story grouping */
	BF_STAGE_RANK,       /* textrank + selection */
	BF_STAGE_WRITE,      /* output files */
	BF_STAGE__COUNT
} bf_stage_t;

const char *bf_stage_name(bf_stage_t s); /* "ingest", ... */

/* The results of one run, read-only for the writers. */
typedef struct {
	const bf_options_t *opt;
	const bf_corpus_t *c;
	const bf_features_t *f;
	const bf_dedup_t *d;
	const bf_stories_t *st;
	const bf_briefing_t *b;
	double stage_s[BF_STAGE__COUNT]; /* wall seconds per stage */
	uint64_t stage_rss_kb[BF_STAGE__COUNT]; /* peak RSS when it ended */
	int n_threads;                   /* threads actually used */
} bf_run_t;

/* The briefing in r->opt->format.  Returns BF_OK or BF_EIO. */
bf_status_t bf_report_briefing(FILE *out, const bf_run_t *r);

/* JSON Lines {"cluster":id,"size":n,"members":[{"article":A,"sentence":i,
 * "text":T},...]} for every cluster of size >= 2, clusters in id order,
 * members in sentence order. */
bf_status_t bf_report_clusters(FILE *out, const bf_run_t *r);
/* JSON Lines {"article":A,"sentence":i,"text":T}, every kept sentence. */
bf_status_t bf_report_sentences(FILE *out, const bf_run_t *r);
/* JSON Lines {"story":id,"articles":[ids],"copies":[[ids],...]}, every
 * story in rank order; copies lists copy groups of size >= 2. */
bf_status_t bf_report_groups(FILE *out, const bf_run_t *r);
/* One JSON object: counts (read = used + skipped by reason) and seconds per
 * stage. */
bf_status_t bf_report_stats(FILE *out, const bf_run_t *r);

/* Writes s as a JSON string (quotes included, escaped per RFC 8259). */
void bf_json_str(FILE *out, const char *s);

#endif
