/* bf_common.h - types shared by every layer of briefing.
 *
 * All symbols of the project carry the bf_ prefix.  Offsets and lengths are
 * in bytes; "len" means bytes, "n_" means a count. */
#ifndef BF_COMMON_H
#define BF_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define BF_VERSION "0.1.0"

/* A byte range [off, off+len) inside a buffer the caller names. */
typedef struct {
	uint32_t off;
	uint32_t len;
} bf_span_t;

/* Status codes of functions that can fail.  Values are pinned: they may be
 * logged or compared across versions. */
typedef enum {
	BF_OK = 0,
	BF_ENOMEM = 1,   /* allocation failed */
	BF_EIO = 2,      /* read or write failed (errno is set) */
	BF_EINPUT = 3,   /* malformed input */
	BF_EARG = 4,     /* invalid argument */
} bf_status_t;

/* Marks a hot loop the compiler vectorizes (integer work, or float work
 * without a sum that could be contracted or reordered) for extra builds
 * with AVX-512 and AVX2 beside the baseline one, picked once at load time
 * by the CPU (GCC function multiversioning: target_clones and an ifunc).
 * The program still runs on any x86-64, and every build gives the same
 * bits: the Makefile targets the SSE2 baseline.  Elsewhere: nothing. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define BF_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define BF_SIMD_CLONES
#endif

/* Human-readable name of a status, never NULL. */
const char *bf_status_str(bf_status_t st);

#endif
