/* bf_x86.h - x86 vector kernels beside the portable code.
 *
 * The Makefile targets the SSE2 baseline, so the program runs on any
 * x86-64; a kernel for a wider instruction set is built with a per-function
 * target attribute (__attribute__((target("avx2"))) and the like) inside
 * #if BF_X86, and picked at run time with __builtin_cpu_supports.  On
 * other machines and compilers BF_X86 is 0 and only the portable code is
 * built.  Every kernel gives the same bits as the portable one (each has a
 * test against it). */
#ifndef BF_X86_H
#define BF_X86_H

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BF_X86 1
#else
#define BF_X86 0
#endif

#endif
