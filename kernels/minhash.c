/* minhash.c - MinHash signatures (Broder 1997).
 *
 * Broder, "On the resemblance and containment of documents", 1997: for a
 * random permutation pi, P[min pi(A) == min pi(B)] = J(A,B), so the share of
 * equal positions over n_perm permutations estimates J with standard error
 * sqrt(J(1-J)/n_perm).  The permutations are multiply-shift hashes (see
 * bf_minhash.h), cheap enough that signing is one multiply-add and one
 * minimum per (hash, permutation). */
#include "bf_minhash.h"

#include <stdbool.h>
#include <stdlib.h>

/* The AVX2 and AVX-512 band kernels are picked at run time (bf_x86.h). */
#include "bf_x86.h"

/* Increment of splitmix64 (Steele, Lea & Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): 2^64 / golden ratio. */
#define BF_SPLITMIX_GAMMA 0x9E3779B97F4A7C15ull

/* The parameters must be the same on every machine and compiler (the
 * briefing is diffed across runs), so they come from this fixed integer
 * generator, not from rand() or a library whose stream may change. */
static uint64_t mh_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += BF_SPLITMIX_GAMMA);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Draw order is part of the output format: for i = 0, 1, ... take a_i then
 * b_i from one splitmix64 stream started at seed.  Changing it changes every
 * signature and so the briefing. */
bf_minhash_t *bf_minhash_create(uint32_t n_perm, uint64_t seed)
{
	if (n_perm == 0)
		return NULL;
	bf_minhash_t *mh = malloc(sizeof *mh);
	if (!mh)
		return NULL;
	mh->n_perm = n_perm;
	mh->a = malloc((size_t)n_perm * sizeof *mh->a);
	mh->b = malloc((size_t)n_perm * sizeof *mh->b);
	if (!mh->a || !mh->b) {
		bf_minhash_free(mh);
		return NULL;
	}
	uint64_t state = seed;
	for (uint32_t i = 0; i < n_perm; i++) {
		/* An even multiplier would lose x's top bit (and more for each
		 * factor of 2), merging keys that differ only there. */
		mh->a[i] = mh_splitmix64(&state) | 1u;
		mh->b[i] = mh_splitmix64(&state);
	}
	return mh;
}

void bf_minhash_free(bf_minhash_t *mh)
{
	if (!mh)
		return;
	free(mh->a);
	free(mh->b);
	free(mh);
}

/* Loop order: hashes outside, permutations inside.  The inner loop then runs
 * over the contiguous a[], b[] and sig[] arrays with one broadcast x, a
 * branch-free running minimum the compiler can vectorize (restrict tells it
 * sig does not alias the parameters); sig (n_perm x 4 bytes) stays in L1
 * while the set streams through once. */
void bf_minhash_sign(const bf_minhash_t *mh, const uint64_t *h, size_t n,
                     uint32_t *sig)
{
	const uint64_t *restrict a = mh->a;
	const uint64_t *restrict b = mh->b;
	uint32_t *restrict s = sig;
	const uint32_t n_perm = mh->n_perm;

	for (uint32_t i = 0; i < n_perm; i++)
		s[i] = UINT32_MAX;
	for (size_t j = 0; j < n; j++) {
		const uint64_t x = h[j];
		for (uint32_t i = 0; i < n_perm; i++) {
			uint32_t v = (uint32_t)((a[i] * x + b[i]) >> 32);
			s[i] = v < s[i] ? v : s[i];
		}
	}
}

/* ---- 32-bit values: the band kernel -------------------------------------
 *
 * pipeline/dedup.c signs every distinct sentence one LSH band at a time (by
 * default 5 permutations over a sorted set of typically 10-40 32-bit shingle
 * hashes), so this is the MinHash cost of the whole program.
 *
 * Splitting the multiplier.  Write a = 2^32 a_hi + a_lo with a_hi, a_lo
 * < 2^32.  For x < 2^32, mod 2^64,
 *     a*x + b = (a_lo*x + b) + 2^32 (a_hi*x mod 2^32).
 * Adding 2^32 z to a 64-bit y = 2^32 y_hi + y_lo gives 2^32 (y_hi + z) + y_lo,
 * whose top half mod 2^64 is y_hi + z mod 2^32 (the carry out of bit 63 is
 * what mod 2^64 drops).  Hence, all in unsigned wrap-around arithmetic,
 *     pi(x) = hi32(a*x + b) = hi32(a_lo*x + b) + a_hi*x        (mod 2^32),
 * the same multiply-shift value (Dietzfelbinger et al. 1997) bit for bit.
 * a_lo*x < 2^64 is one 32x32->64 widening multiply (pmuludq, SSE2) and a_hi*x
 * one 32-bit low multiply (pmulld, SSE4.1); neither is the 64x64-bit lane
 * multiply x86 lacks before AVX-512DQ.  So the vector direction can be the set
 * (contiguous h[]) rather than a band's 5 permutations, too few to fill the
 * lanes: permutations outside, values inside, a running minimum each. */

static inline uint32_t mh_min32(const uint32_t *restrict h, size_t n,
                                uint64_t a, uint64_t b)
{
	const uint32_t a_lo = (uint32_t)a, a_hi = (uint32_t)(a >> 32);
	uint32_t m = UINT32_MAX;
	for (size_t j = 0; j < n; j++) {
		uint32_t x = h[j];
		uint32_t v = (uint32_t)(((uint64_t)a_lo * x + b) >> 32) + a_hi * x;
		m = v < m ? v : m;
	}
	return m;
}

void bf_minhash_sign32_range_portable(const bf_minhash_t *mh,
                                      const uint32_t *h, size_t n,
                                      uint32_t first, uint32_t count,
                                      uint32_t *sig)
{
	for (uint32_t i = 0; i < count; i++)
		sig[i] = mh_min32(h, n, mh->a[first + i], mh->b[first + i]);
}

#if BF_X86
/* Minimum of the 8 unsigned 32-bit lanes of m. */
__attribute__((target("avx2"))) static inline uint32_t mh_hmin8(__m256i m)
{
	__m128i v = _mm_min_epu32(_mm256_castsi256_si128(m),
	                          _mm256_extracti128_si256(m, 1));
	v = _mm_min_epu32(v, _mm_shuffle_epi32(v, 0x4e));
	v = _mm_min_epu32(v, _mm_shuffle_epi32(v, 0xb1));
	return (uint32_t)_mm_cvtsi128_si32(v);
}

/* pi(x) of the 8 lanes of x, by the split above.  _mm256_mul_epu32 reads
 * the even 32-bit lanes, so a_lo is simply a broadcast as 64 bits; the odd
 * lanes' products are made from x >> 32 and blended back in place. */
__attribute__((target("avx2"))) static inline __m256i
mh_pi8(__m256i x, __m256i a, __m256i a_hi, __m256i b)
{
	__m256i pe = _mm256_add_epi64(_mm256_mul_epu32(x, a), b);
	__m256i po = _mm256_add_epi64(
		_mm256_mul_epu32(_mm256_srli_epi64(x, 32), a), b);
	__m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xaa);
	return _mm256_add_epi32(hi, _mm256_mullo_epi32(x, a_hi));
}

/* n >= 8.  The last block of 8 is h[n-8..n), overlapping the one before:
 * a minimum does not change when a value is seen twice (Broder's min over
 * a set), so there is no scalar tail of up to 7 values per permutation. */
__attribute__((target("avx2"))) static void
mh_sign32_range_avx2(const bf_minhash_t *mh, const uint32_t *h, size_t n,
                     uint32_t first, uint32_t count, uint32_t *sig)
{
	for (uint32_t i = 0; i < count; i++) {
		const uint64_t a = mh->a[first + i], b = mh->b[first + i];
		const __m256i va = _mm256_set1_epi64x((long long)a);
		const __m256i va_hi = _mm256_set1_epi32((int)(uint32_t)(a >> 32));
		const __m256i vb = _mm256_set1_epi64x((long long)b);
		__m256i m = _mm256_set1_epi32(-1);
		for (size_t j = 0;;) {
			__m256i x = _mm256_loadu_si256((const __m256i *)(h + j));
			m = _mm256_min_epu32(m, mh_pi8(x, va, va_hi, vb));
			j += 8;
			if (j >= n)
				break;
			if (j + 8 > n)
				j = n - 8;
		}
		sig[i] = mh_hmin8(m);
	}
}

/* ---- AVX-512: 64-bit lanes -----------------------------------------------
 *
 * AVX-512DQ has the 64-bit low multiply (vpmullq) that the split above works
 * around: 16 values are widened into two vectors of 8 64-bit lanes, a*x + b
 * (mod 2^64) is taken directly, and the high halves are packed back into 16
 * lanes, two multiplies per 16 values where the split over 16 lanes takes
 * three (kbench minhash_band: AVX2 0.96, the split over 16 lanes 0.65, this
 * 0.58 ns per shingle and band on Zen 5).  A set's last, partial block is a
 * masked load whose empty lanes repeat the set's first value (a minimum over
 * a set does not change when a member is seen twice): no overlap, no padding
 * copy. */
__attribute__((target("avx512f,avx512dq"))) static inline __m512i
mh_pi16(__m512i x, __m512i a, __m512i b, __m512i odd)
{
	__m512i lo = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(x));
	__m512i hi = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(x, 1));
	lo = _mm512_add_epi64(_mm512_mullo_epi64(lo, a), b);
	hi = _mm512_add_epi64(_mm512_mullo_epi64(hi, a), b);
	return _mm512_permutex2var_epi32(lo, odd, hi);
}

/* n >= 1. */
__attribute__((target("avx512f,avx512dq"))) static void
mh_sign32_range_avx512(const bf_minhash_t *mh, const uint32_t *h, size_t n,
                       uint32_t first, uint32_t count, uint32_t *sig)
{
	const size_t full = n / 16;
	const __mmask16 rest = (__mmask16)((1u << (n % 16)) - 1);
	const __m512i tail = _mm512_mask_loadu_epi32(_mm512_set1_epi32((int)h[0]), rest,
	                                             h + 16 * full);
	/* the high halves: odd 32-bit lanes of lo, then of hi */
	const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17,
	                                     15, 13, 11, 9, 7, 5, 3, 1);
	for (uint32_t i = 0; i < count; i++) {
		const __m512i va = _mm512_set1_epi64((long long)mh->a[first + i]);
		const __m512i vb = _mm512_set1_epi64((long long)mh->b[first + i]);
		__m512i m = _mm512_set1_epi32(-1);
		for (size_t j = 0; j < full; j++)
			m = _mm512_min_epu32(m, mh_pi16(_mm512_loadu_si512(h + 16 * j), va, vb, odd));
		if (rest)
			m = _mm512_min_epu32(m, mh_pi16(tail, va, vb, odd));
		sig[i] = _mm512_reduce_min_epu32(m);
	}
}
#endif

/* The AVX2 kernel on any set: one shorter than 8 is padded with its first
 * value (the same set). */
#if BF_X86
static void mh_sign32_range_avx2_any(const bf_minhash_t *mh, const uint32_t *h,
                                     size_t n, uint32_t first, uint32_t count,
                                     uint32_t *sig)
{
	uint32_t pad[8];
	if (n < 8) {
		for (size_t k = 0; k < 8; k++)
			pad[k] = h[k < n ? k : 0];
		h = pad;
		n = 8;
	}
	mh_sign32_range_avx2(mh, h, n, first, count, sig);
}
#endif

bool bf_minhash_sign32_range_with(bf_mh_kernel_t k, const bf_minhash_t *mh,
                                  const uint32_t *h, size_t n, uint32_t first,
                                  uint32_t count, uint32_t *sig)
{
	if (k == BF_MH_PORTABLE || n == 0) {
		bf_minhash_sign32_range_portable(mh, h, n, first, count, sig);
		return true;
	}
#if BF_X86
	if (k == BF_MH_AVX512 && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512dq")) {
		mh_sign32_range_avx512(mh, h, n, first, count, sig);
		return true;
	}
	if (k == BF_MH_AVX2 && __builtin_cpu_supports("avx2")) {
		mh_sign32_range_avx2_any(mh, h, n, first, count, sig);
		return true;
	}
#endif
	return false;
}

/* Picks the widest kernel the CPU (and OS) has: AVX-512 (F and DQ), AVX2,
 * else the portable loop, which gcc vectorizes for the baseline ISA.  All give the
 * same bits (tests/test_k_minhash.c checks each against the 64-bit
 * formula). */
void bf_minhash_sign32_range(const bf_minhash_t *mh, const uint32_t *h,
                             size_t n, uint32_t first, uint32_t count,
                             uint32_t *sig)
{
	if (!bf_minhash_sign32_range_with(BF_MH_AVX512, mh, h, n, first, count, sig) &&
	    !bf_minhash_sign32_range_with(BF_MH_AVX2, mh, h, n, first, count, sig))
		bf_minhash_sign32_range_portable(mh, h, n, first, count, sig);
}

double bf_minhash_estimate(const uint32_t *s1, const uint32_t *s2,
                           uint32_t n_perm)
{
	if (n_perm == 0)
		return 0.0; /* no evidence of similarity */
	uint32_t n_equal = 0;
	for (uint32_t i = 0; i < n_perm; i++)
		n_equal += s1[i] == s2[i];
	return (double)n_equal / (double)n_perm;
}
