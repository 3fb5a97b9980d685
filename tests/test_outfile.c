/* test_outfile.c - atomic output files: a committed file appears whole with
 * the usual permissions, an aborted or failed one leaves the target as it
 * was, and no temporary file survives either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bf_outfile.h"
#include "testutil.h"

/* Entries of dir other than . and ..; *n_tmp counts those that look like
 * our temporary files. */
static int count_entries(const char *dir, int *n_tmp)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	*n_tmp = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		*n_tmp += strstr(e->d_name, ".tmp.") != NULL;
	}
	closedir(d);
	return n;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void remove_file(const char *dir, const char *name)
{
	char *p = join(dir, name);
	assert_int_equal(unlink(p), 0);
	free(p);
}

static void assert_file(const char *path, const char *want)
{
	size_t len;
	char *got = bf_test_read_file(path, &len);
	assert_non_null(got);
	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
}

/* While open, the data goes to a hidden temporary beside the target; on
 * commit the target holds all of it and the temporary is gone. */
static void test_commit(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir(), *path = join(dir, "out.md");
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, path), BF_OK);
	assert_non_null(o.fp);
	assert_non_null(o.tmp);
	assert_non_null(strstr(o.tmp, "/.out.md.tmp."));
	assert_int_equal(fputs("line 1\nline 2\n", o.fp) >= 0, 1);
	assert_int_equal(access(path, F_OK), -1); /* nothing visible yet */
	int n_tmp;
	assert_int_equal(count_entries(dir, &n_tmp), 1);
	assert_int_equal(n_tmp, 1);
	assert_int_equal(bf_outfile_commit(&o), BF_OK);
	assert_null(o.fp);
	assert_file(path, "line 1\nline 2\n");
	assert_int_equal(count_entries(dir, &n_tmp), 1);
	assert_int_equal(n_tmp, 0);
	remove_file(dir, "out.md");
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(dir);
}

/* Commit replaces an existing target in one step. */
static void test_commit_replaces(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir(), *path = join(dir, "out.md");
	bf_test_write_file(path, "stale\n", 6);
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, path), BF_OK);
	fputs("fresh\n", o.fp);
	assert_file(path, "stale\n"); /* readers see the old file meanwhile */
	assert_int_equal(bf_outfile_commit(&o), BF_OK);
	assert_file(path, "fresh\n");
	int n_tmp;
	assert_int_equal(count_entries(dir, &n_tmp), 1);
	assert_int_equal(n_tmp, 0);
	remove_file(dir, "out.md");
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(dir);
}

static void test_abort_keeps_target(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir(), *path = join(dir, "out.md");
	bf_test_write_file(path, "stale\n", 6);
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, path), BF_OK);
	fputs("half a briefing", o.fp);
	bf_outfile_abort(&o);
	assert_null(o.fp);
	assert_file(path, "stale\n");
	int n_tmp;
	assert_int_equal(count_entries(dir, &n_tmp), 1);
	assert_int_equal(n_tmp, 0);
	bf_outfile_abort(&o); /* a second abort is harmless */
	remove_file(dir, "out.md");
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(dir);
}

static void test_open_missing_dir(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir(), *path = join(dir, "no/such/out.md");
	bf_outfile_t o;
	errno = 0;
	assert_int_equal(bf_outfile_open(&o, path), BF_EIO);
	assert_int_equal(errno, ENOENT);
	assert_null(o.fp);
	assert_null(o.tmp);
	/* a path naming a directory fails up front too */
	char *slash = join(dir, "");
	assert_int_equal(bf_outfile_open(&o, slash), BF_EIO);
	assert_null(o.fp);
	int n_tmp;
	assert_int_equal(count_entries(dir, &n_tmp), 0);
	assert_int_equal(rmdir(dir), 0);
	free(slash);
	free(path);
	free(dir);
}

/* The rename fails (the target is a non-empty directory): commit reports
 * it and removes the temporary. */
static void test_commit_failure_cleans_up(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir(), *path = join(dir, "out.md");
	char *inner = join(path, "keep");
	assert_int_equal(mkdir(path, 0755), 0);
	bf_test_write_file(inner, "x", 1);
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, path), BF_OK);
	fputs("data\n", o.fp);
	errno = 0;
	assert_int_equal(bf_outfile_commit(&o), BF_EIO);
	assert_int_not_equal(errno, 0);
	assert_null(o.fp);
	assert_file(inner, "x");
	int n_tmp;
	assert_int_equal(count_entries(dir, &n_tmp), 1);
	assert_int_equal(n_tmp, 0);
	assert_int_equal(unlink(inner), 0);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(inner);
	free(path);
	free(dir);
}

static mode_t committed_mode(const char *dir, mode_t mask)
{
	char *path = join(dir, "perm.md");
	mode_t old = umask(mask);
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, path), BF_OK);
	fputs("x\n", o.fp);
	assert_int_equal(bf_outfile_commit(&o), BF_OK);
	umask(old);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(unlink(path), 0);
	free(path);
	return sb.st_mode & 07777;
}

/* mkstemp makes 0600; the briefing must be readable like any new file. */
static void test_permissions(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	assert_int_equal(committed_mode(dir, 022), 0644);
	assert_int_equal(committed_mode(dir, 027), 0640);
	assert_int_equal(committed_mode(dir, 077), 0600);
	assert_int_equal(rmdir(dir), 0);
	free(dir);
}

/* A bare file name: the temporary goes in the current directory. */
static void test_relative_path(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, "rel.md"), BF_OK);
	assert_int_equal(strncmp(o.tmp, ".rel.md.tmp.", 12), 0);
	fputs("rel\n", o.fp);
	assert_int_equal(bf_outfile_commit(&o), BF_OK);
	assert_int_equal(chdir(cwd), 0);
	char *path = join(dir, "rel.md");
	assert_file(path, "rel\n");
	int n_tmp;
	assert_int_equal(count_entries(dir, &n_tmp), 1);
	assert_int_equal(n_tmp, 0);
	remove_file(dir, "rel.md");
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(dir);
}

static void test_stdout(void **state)
{
	(void)state;
	const char *names[] = { NULL, "-" };
	for (int i = 0; i < 2; i++) {
		bf_outfile_t o;
		assert_int_equal(bf_outfile_open(&o, names[i]), BF_OK);
		assert_ptr_equal(o.fp, stdout);
		assert_null(o.tmp);
		assert_null(o.path);
		assert_int_equal(bf_outfile_commit(&o), BF_OK);
		assert_null(o.fp);
	}
}

/* A fifo (like /dev/null or /dev/stdout) is written through, never renamed
 * over: renaming would replace the special file with a regular one. */
static void test_special_file(void **state)
{
	(void)state;
	char *dir = bf_test_tmpdir();
	char fifo[4096], got[4096];
	snprintf(fifo, sizeof fifo, "%s/pipe", dir);
	snprintf(got, sizeof got, "%s/got", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10); /* a broken outfile never opens the fifo: do not hang */
		FILE *in = fopen(fifo, "r"), *out = fopen(got, "w");
		int ch;
		while (in && out && (ch = fgetc(in)) != EOF)
			fputc(ch, out);
		_exit(in && out && fclose(out) == 0 ? 0 : 1);
	}
	bf_outfile_t o;
	assert_int_equal(bf_outfile_open(&o, fifo), BF_OK);
	fputs("through the pipe\n", o.fp);
	assert_int_equal(bf_outfile_commit(&o), BF_OK);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct stat sb;
	assert_int_equal(stat(fifo, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	char *txt = bf_test_read_file(got, NULL);
	assert_non_null(txt);
	assert_string_equal(txt, "through the pipe\n");
	free(txt);
	unlink(fifo);
	unlink(got);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit),
		cmocka_unit_test(test_commit_replaces),
		cmocka_unit_test(test_abort_keeps_target),
		cmocka_unit_test(test_open_missing_dir),
		cmocka_unit_test(test_commit_failure_cleans_up),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_relative_path),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_special_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
