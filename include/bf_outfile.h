/* bf_outfile.h - atomic output files.
 *
 * A named output is written to a temporary file in the same directory and
 * renamed over the target only after every byte was written, flushed and
 * synced, so a reader (or a crash) never sees half a briefing.  The file
 * gets mode 0644 less the umask.  A target that exists and is neither a
 * regular file nor a directory (/dev/null, a fifo) is written directly. */
#ifndef BF_OUTFILE_H
#define BF_OUTFILE_H

#include "bf_common.h"
#include <stdio.h>

typedef struct {
	FILE *fp;     /* write here */
	char *path;   /* target, NULL for standard output */
	char *tmp;    /* temporary file, NULL for standard output */
} bf_outfile_t;

/* Opens path ("-" or NULL: standard output).  On failure returns BF_EIO with
 * errno set and o->fp NULL. */
bf_status_t bf_outfile_open(bf_outfile_t *o, const char *path);
/* Flushes, syncs, closes and renames into place.  On any failure the
 * temporary file is removed and BF_EIO returned (errno set). */
bf_status_t bf_outfile_commit(bf_outfile_t *o);
/* Closes and removes the temporary file (nothing reaches the target). */
void bf_outfile_abort(bf_outfile_t *o);

#endif
