/* main.c - briefing: read a day's news, fold duplicates, rank, write.
 *
 * Stages (each in its own file): corpus (ingest + segmentation), features
 * (normalize + shingle + terms), dedup (MinHash + LSH + verify + clusters),
 * stories (near-copies + story grouping), select (TextRank + budget),
 * report (writers).  All writes go through bf_outfile, so a failed run never
 * leaves half a file. */
#include "bf_corpus.h"
#include "bf_dedup.h"
#include "bf_features.h"
#include "bf_log.h"
#include "bf_options.h"
#include "bf_outfile.h"
#include "bf_report.h"
#include "bf_select.h"
#include "bf_stories.h"

#include <errno.h>
#include <signal.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	bf_corpus_t c;
	bf_features_t f;
	bf_dedup_t d;
	bf_stories_t st;
	bf_briefing_t b;
	bf_run_t run;
	bf_log_t log;
} ctx_t;

/* Peak resident set of the process so far, in KiB. */
static uint64_t peak_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss : 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void ctx_free(ctx_t *x)
{
	bf_briefing_free(&x->b);
	bf_stories_free(&x->st);
	bf_dedup_free(&x->d);
	bf_features_free(&x->f);
	bf_corpus_free(&x->c);
}

static bf_status_t add_features(void *ud, bf_corpus_t *c, size_t s0,
                                size_t s1)
{
	return bf_features_add(ud, c, s0, s1);
}

/* Reading, segmentation and per-type features, which run batch by batch
 * while the input streams in. */
static bool load(ctx_t *x, const bf_options_t *o, int nt)
{
	double t = now_s();
	bf_status_t st = bf_features_init(&x->f, o->shingle, o->seed, nt);
	if (st == BF_OK)
		st = bf_corpus_load(&x->c, o->inputs, o->n_inputs, nt, &x->log,
		                    add_features, &x->f);
	bf_features_finish(&x->f);
	x->run.stage_s[BF_STAGE_FEATURES] = x->f.seconds;
	x->run.stage_s[BF_STAGE_INGEST] = now_s() - t - x->f.seconds;
	x->run.stage_rss_kb[BF_STAGE_INGEST] = peak_rss_kb();
	x->run.stage_rss_kb[BF_STAGE_FEATURES] = peak_rss_kb();
	if (st != BF_OK && x->c.ts.spill_errno) {
		bf_log_error(&x->log, "cannot write the temporary file for sentence "
		             "texts in %s: %s (set TMPDIR to another directory)",
		             x->c.ts.spill_dir, strerror(x->c.ts.spill_errno));
		return false;
	}
	if (st != BF_OK) {
		bf_log_error(&x->log, "reading input: %s", bf_status_str(st));
		return false;
	}
	if (x->c.n_art == 0) {
		bf_log_error(&x->log, "no usable article in the input");
		return false;
	}
	return true;
}

/* Runs every stage; returns false (after logging) on failure. */
static bool run_stages(ctx_t *x, const bf_options_t *o, int nt)
{
	if (!load(x, o, nt))
		return false;
	bf_log_progress(&x->log, "%zu articles, %zu sentences; folding duplicates",
	                x->c.n_art, x->c.n_sent);
	double t = now_s();
	bf_dedup_opts_t dopt = { o->threshold, o->num_perm, o->seed, nt };
	bf_status_t st = bf_dedup_run(&x->d, &x->f, &x->c, &dopt);
	bf_features_drop_shingles(&x->f); /* clustered: only select needs a few */
	x->run.stage_s[BF_STAGE_DEDUP] = now_s() - t;
	x->run.stage_rss_kb[BF_STAGE_DEDUP] = peak_rss_kb();
	t = now_s();
	bf_stories_opts_t sopt = { o->stories == 1, o->num_perm, o->seed, nt, 0 };
	if (st == BF_OK)
		st = bf_stories_build(&x->st, &x->c, &x->f, &x->d, &sopt);
	x->run.stage_s[BF_STAGE_STORIES] = now_s() - t;
	x->run.stage_rss_kb[BF_STAGE_STORIES] = peak_rss_kb();
	bf_log_progress(&x->log, "%zu stories; ranking", x->st.n_stories);
	t = now_s();
	bf_select_opts_t selo = { o->words, o->stories, o->threshold, nt };
	if (st == BF_OK)
		st = bf_select_run(&x->b, &x->c, &x->f, &x->d, &x->st, &selo);
	x->run.stage_s[BF_STAGE_RANK] = now_s() - t;
	x->run.stage_rss_kb[BF_STAGE_RANK] = peak_rss_kb();
	if (st != BF_OK)
		bf_log_error(&x->log, "%s", bf_status_str(st));
	return st == BF_OK;
}

typedef bf_status_t (*writer_fn)(FILE *, const bf_run_t *);

/* Writes one output atomically; logs and returns false on failure. */
static bool write_one(const char *path, writer_fn fn, const bf_run_t *r,
                      bf_log_t *log)
{
	bf_outfile_t of;
	if (bf_outfile_open(&of, path) != BF_OK) {
		bf_log_error(log, "cannot write %s: %s", path ? path : "standard output",
		             strerror(errno));
		return false;
	}
	if (fn(of.fp, r) != BF_OK) {
		int e = errno;
		bf_outfile_abort(&of);
		bf_log_error(log, "writing %s failed: %s", path ? path : "standard output",
		             strerror(e));
		return false;
	}
	if (bf_outfile_commit(&of) != BF_OK) {
		bf_log_error(log, "writing %s failed: %s", path ? path : "standard output",
		             strerror(errno));
		return false;
	}
	return true;
}

/* Side files first, the briefing last: when the briefing exists, every
 * file the user asked for is complete. */
static bool write_outputs(ctx_t *x, const bf_options_t *o)
{
	double t = now_s();
	const struct { const char *path; writer_fn fn; } side[] = {
		{ o->clusters_path, bf_report_clusters },
		{ o->sentences_path, bf_report_sentences },
		{ o->groups_path, bf_report_groups },
	};
	bool ok = true;
	/* --clusters reads texts out of order: read them back once rather
	 * than a block per member */
	bf_status_t st = o->clusters_path || o->sentences_path ?
	                 bf_textstore_unpack(&x->c.ts) : BF_OK;
	if (st != BF_OK) {
		if (st == BF_EIO)
			bf_log_error(&x->log, "cannot read sentence texts back from the "
			             "temporary file in %s: %s", x->c.ts.spill_dir,
			             strerror(errno));
		else
			bf_log_error(&x->log, "out of memory reading sentence texts back");
		return false;
	}
	for (size_t i = 0; ok && i < sizeof side / sizeof *side; i++)
		if (side[i].path)
			ok = write_one(side[i].path, side[i].fn, &x->run, &x->log);
	ok = ok && write_one(o->output, bf_report_briefing, &x->run, &x->log);
	x->run.stage_s[BF_STAGE_WRITE] = now_s() - t;
	x->run.stage_rss_kb[BF_STAGE_WRITE] = peak_rss_kb();
	if (ok && o->stats_path)
		ok = write_one(o->stats_path, bf_report_stats, &x->run, &x->log);
	return ok;
}

static uint64_t total_skipped(const bf_corpus_t *c)
{
	uint64_t n = 0;
	for (int r = 0; r < BF_SKIP__COUNT; r++)
		n += c->in.n_skipped[r];
	return n;
}

/* libgomp reads OMP_WAIT_POLICY once, as it loads (before main).  Left
 * unset, a worker with nothing to do spins for a while before it sleeps,
 * on a core the reader thread needs (-j2 on two cores is three threads).
 * So unless the user chose a policy, the program runs itself again with
 * the passive one.  Measured, 1 GB -j2, two alternating runs each: idle
 * machine 10.53 / 11.19 s -> 10.22 / 10.90 s (1.3-1.5 s less CPU); with
 * another process running 13.88 / 12.89 s -> 11.05 / 12.67 s. */
static void wait_passively(char **argv)
{
	if (getenv("OMP_WAIT_POLICY"))
		return;
	if (setenv("OMP_WAIT_POLICY", "passive", 1) == 0)
		execv("/proc/self/exe", argv);
	/* no /proc, or no exec: go on with the policy as loaded */
}

int main(int argc, char **argv)
{
	wait_passively(argv);
	/* past a file size limit (ulimit -f) a write fails with EFBIG and the
	 * run says which file, instead of the signal ending it unexplained */
	signal(SIGXFSZ, SIG_IGN);
	bf_options_t o;
	bf_options_init(&o);
	int rc = bf_options_parse(&o, argc, argv, stdout, stderr);
	if (rc >= 0)
		return rc;
	static ctx_t x;
	bf_log_init(&x.log, stderr, o.quiet);
	int nt = o.threads > 0 ? o.threads : omp_get_num_procs();
	x.run = (bf_run_t){ .opt = &o, .c = &x.c, .f = &x.f, .d = &x.d, .st = &x.st,
	                    .b = &x.b, .n_threads = nt };
	bool ok = run_stages(&x, &o, nt) && write_outputs(&x, &o);
	bf_log_summary(&x.log);
	uint64_t skipped = total_skipped(&x.c);
	ctx_free(&x);
	if (!ok)
		return BF_EXIT_FAIL;
	return o.strict && skipped ? BF_EXIT_SKIPPED : BF_EXIT_OK;
}
