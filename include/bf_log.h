/* bf_log.h - warnings and progress on standard error.
 *
 * Warnings name the place of bad input ("FILE:LINE: reason").  To keep a
 * bad night's log readable, at most BF_LOG_MAX_PER_KIND warnings of one kind
 * are printed; the rest are counted and summarized by bf_log_summary().
 * Progress lines are printed only when standard error is a terminal. */
#ifndef BF_LOG_H
#define BF_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BF_LOG_MAX_PER_KIND 100
#define BF_LOG_KINDS 16

typedef struct {
	FILE *err;          /* where messages go (stderr) */
	bool quiet;         /* no progress, no warnings */
	bool progress;      /* print progress (stderr is a terminal) */
	uint64_t n_warn[BF_LOG_KINDS];
} bf_log_t;

void bf_log_init(bf_log_t *log, FILE *err, bool quiet);
/* Warning of kind (0..BF_LOG_KINDS-1): "briefing: warning: WHERE: TEXT". */
void bf_log_warn(bf_log_t *log, int kind, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Counts n warnings of kind that are not printed (they were past the
 * kind's limit when found): bf_log_summary reports them. */
void bf_log_count(bf_log_t *log, int kind, uint64_t n);
/* Error, always printed: "briefing: error: TEXT". */
void bf_log_error(bf_log_t *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Progress line (terminal only): "briefing: TEXT". */
void bf_log_progress(bf_log_t *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "N more warnings of this kind not shown" lines. */
void bf_log_summary(bf_log_t *log);

#endif
