/* outfile.c - atomic output files (see bf_outfile.h).
 *
 * Outline: open creates ".<base>.tmp.XXXXXX" with mkstemp next to the
 * target (same directory, hence same file system, so rename(2) is atomic);
 * commit flushes, fsyncs, closes and renames it over the target.  The data
 * is synced before the rename, so after a crash the target is either the
 * old file or the complete new one, never a prefix.  (The directory itself
 * is not synced: at worst a crash brings back the old briefing.) */
#include "bf_outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mode fopen() would give a new file minus group/other write: mkstemp
 * creates 0600, which would hide the briefing from the web server or the
 * user's other accounts.  umask can only be read by setting it; this runs
 * once per output, after the parallel stages, so the brief change is safe. */
static mode_t out_mode(void)
{
	mode_t m = umask(0);
	umask(m);
	return 0644 & ~m;
}

/* "dir/.base.tmp.XXXXXX" for "dir/base"; NULL (errno set) when path names a
 * directory or memory runs out. */
static char *tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dir_len = (size_t)(base - path);
	if (!*base) {
		errno = EISDIR;
		return NULL;
	}
	static const char suffix[] = ".tmp.XXXXXX";
	size_t len = dir_len + 1 + strlen(base) + sizeof suffix;
	char *t = malloc(len);
	if (!t)
		return NULL;
	memcpy(t, path, dir_len);
	snprintf(t + dir_len, len - dir_len, ".%s%s", base, suffix);
	return t;
}

/* Frees o's strings and zeroes it, keeping errno for the caller. */
static void outfile_clear(bf_outfile_t *o)
{
	int e = errno;
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
	errno = e;
}

bf_status_t bf_outfile_open(bf_outfile_t *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return BF_OK;
	}
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		/* a device or pipe (/dev/null, /dev/stdout, a fifo): renaming a
		 * temporary file over it would replace the device itself, so
		 * write to it directly; there is no half-file to protect */
		o->path = strdup(path);
		o->fp = o->path ? fopen(path, "w") : NULL;
		if (!o->fp) {
			outfile_clear(o);
			return BF_EIO;
		}
		return BF_OK;
	}
	o->tmp = tmp_name(path);
	o->path = strdup(path);
	if (!o->tmp || !o->path) {
		outfile_clear(o);
		return BF_EIO;
	}
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		outfile_clear(o);
		return BF_EIO;
	}
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		errno = e;
		outfile_clear(o);
		return BF_EIO;
	}
	return BF_OK;
}

/* Standard output and devices cannot be renamed nor synced (they may be
 * pipes): flushing and checking the error flag is all there is to do. */
static bf_status_t commit_stdout(bf_outfile_t *o)
{
	bool bad = fflush(o->fp) != 0;
	if (!bad && ferror(o->fp)) {
		bad = true;
		errno = EIO; /* the failed write's errno is long gone */
	}
	if (o->path && fclose(o->fp) != 0 && !bad)
		bad = true;
	outfile_clear(o);
	return bad ? BF_EIO : BF_OK;
}

bf_status_t bf_outfile_commit(bf_outfile_t *o)
{
	if (!o->tmp)
		return commit_stdout(o);
	int fd = fileno(o->fp);
	bool ok = fflush(o->fp) == 0;
	if (ok && ferror(o->fp)) {
		ok = false;
		errno = EIO;
	}
	ok = ok && fchmod(fd, out_mode()) == 0 && fsync(fd) == 0;
	int e = errno;
	/* fclose always releases the stream, even when it fails */
	if (fclose(o->fp) != 0 && ok) {
		ok = false;
		e = errno;
	}
	o->fp = NULL;
	if (ok && rename(o->tmp, o->path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok)
		unlink(o->tmp);
	errno = e;
	outfile_clear(o);
	return ok ? BF_OK : BF_EIO;
}

void bf_outfile_abort(bf_outfile_t *o)
{
	if (o->tmp) {
		if (o->fp)
			fclose(o->fp);
		unlink(o->tmp);
	} else if (o->path && o->fp) {
		fclose(o->fp);
	}
	/* standard output: what was written is gone already; nothing to undo */
	outfile_clear(o);
}
