/* testutil.h - small helpers shared by the cmocka tests. */
#ifndef BF_TESTUTIL_H
#define BF_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64: a fixed, seedable generator so every test run sees the same
 * "random" data. */
typedef struct { uint64_t s; } bf_test_rng_t;
uint64_t bf_test_rand(bf_test_rng_t *r);
double bf_test_uniform(bf_test_rng_t *r); /* [0,1) */

/* Writes len bytes to path (creating or truncating it); aborts the test
 * program on failure. */
void bf_test_write_file(const char *path, const void *data, size_t len);

/* Makes a fresh empty temporary directory and returns its malloc'd path. */
char *bf_test_tmpdir(void);

/* Reads a whole file into a malloc'd NUL-terminated buffer (NULL on error). */
char *bf_test_read_file(const char *path, size_t *len);

#endif
