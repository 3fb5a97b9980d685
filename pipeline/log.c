/* log.c - warnings, errors and progress on standard error (see bf_log.h).
 *
 * A nightly cron run over a bad dump can skip thousands of records; printing
 * each would bury the one line that matters.  So warnings are counted per
 * kind and only the first BF_LOG_MAX_PER_KIND of each kind are printed, the
 * rest summarized at the end.  Errors are never capped nor silenced: a run
 * that fails must say why even under --quiet. */
#include "bf_log.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

void bf_log_init(bf_log_t *log, FILE *err, bool quiet)
{
	memset(log, 0, sizeof *log);
	log->err = err;
	log->quiet = quiet;
	/* progress lines are for a person watching, not for cron's mail */
	log->progress = !quiet && err && isatty(fileno(err));
}

/* Out-of-range kinds share the last slot rather than being lost. */
static int kind_slot(int kind)
{
	return kind >= 0 && kind < BF_LOG_KINDS ? kind : BF_LOG_KINDS - 1;
}

void bf_log_count(bf_log_t *log, int kind, uint64_t n)
{
	log->n_warn[kind_slot(kind)] += n;
}

void bf_log_warn(bf_log_t *log, int kind, const char *where, const char *fmt, ...)
{
	int k = kind_slot(kind);
	log->n_warn[k]++;
	if (log->quiet || log->n_warn[k] > BF_LOG_MAX_PER_KIND)
		return;
	fputs("briefing: warning: ", log->err);
	if (where)
		fprintf(log->err, "%s: ", where);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log->err, fmt, ap);
	va_end(ap);
	fputc('\n', log->err);
}

void bf_log_error(bf_log_t *log, const char *fmt, ...)
{
	fputs("briefing: error: ", log->err);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log->err, fmt, ap);
	va_end(ap);
	fputc('\n', log->err);
}

void bf_log_progress(bf_log_t *log, const char *fmt, ...)
{
	if (!log->progress)
		return;
	fputs("briefing: ", log->err);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log->err, fmt, ap);
	va_end(ap);
	fputc('\n', log->err);
}

/* The log does not know what a kind means (the caller passes e.g. a
 * bf_skip_reason_t), so the summary can only name it by number; the printed
 * warnings above it show what the kind is about. */
void bf_log_summary(bf_log_t *log)
{
	if (log->quiet)
		return;
	for (int k = 0; k < BF_LOG_KINDS; k++) {
		if (log->n_warn[k] <= BF_LOG_MAX_PER_KIND)
			continue;
		unsigned long long more = log->n_warn[k] - BF_LOG_MAX_PER_KIND;
		fprintf(log->err, "briefing: warning: %llu more warning%s of kind %d "
		        "not shown\n", more, more == 1 ? "" : "s", k);
	}
}
