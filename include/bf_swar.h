/* bf_swar.h - eight bytes at a time in a uint64_t ("SIMD within a
 * register"), for the byte scans of the text stages.
 *
 * Byte k of a loaded word is bits 8k..8k+7 on any machine, so "the lowest
 * flagged byte" is the first in the text.  Flags are bit 7 of a byte. */
#ifndef BF_SWAR_H
#define BF_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BF_SWAR_ONES 0x0101010101010101u  /* 1 in each of 8 bytes */
#define BF_SWAR_HIGHS 0x8080808080808080u /* bit 7 of each of 8 bytes */

/* p[0..8) as a little-endian number; gcc and clang make this one load. */
static inline uint64_t bf_load8(const void *p)
{
	const unsigned char *s = p;
	return (uint64_t)s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16 |
	       (uint64_t)s[3] << 24 | (uint64_t)s[4] << 32 |
	       (uint64_t)s[5] << 40 | (uint64_t)s[6] << 48 |
	       (uint64_t)s[7] << 56;
}

/* The inverse of bf_load8, one store: gcc does not merge the byte loop
 * into one (it stayed a loop of 8 shifts and byte stores inside the
 * squeeze of corpus.c), so a little-endian machine copies the word. */
static inline void bf_store8(void *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &x, sizeof x);
#else
	unsigned char *d = p;
	for (int k = 0; k < 8; k++)
		d[k] = (unsigned char)(x >> (8 * k));
#endif
}

/* Bit 7 set in each byte of x that equals c, exactly (no carry crosses
 * bytes: the low 7 bits plus 0x7F stay within the byte). */
static inline uint64_t bf_swar_eq(uint64_t x, unsigned c)
{
	uint64_t v = x ^ (BF_SWAR_ONES * c);
	return ~(((v & ~BF_SWAR_HIGHS) + ~BF_SWAR_HIGHS) | v) & BF_SWAR_HIGHS;
}

/* Bit 7 set in each byte of x below c (c <= 0x80), exactly. */
static inline uint64_t bf_swar_below(uint64_t x, unsigned c)
{
	return ~(((x & ~BF_SWAR_HIGHS) + BF_SWAR_ONES * (0x80u - c)) | x) & BF_SWAR_HIGHS;
}

/* Index of the lowest byte whose bit 7 is set in m (m != 0). */
static inline size_t bf_first_flag(uint64_t m)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctzll(m) / 8;
#else
	size_t k = 0;
	while (!(m & 0x80u))
		m >>= 8, k++;
	return k;
#endif
}

#endif
