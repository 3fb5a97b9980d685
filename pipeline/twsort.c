/* twsort.c - sorting weighed-term lists (see bf_artvec.h).
 *
 * Hand-written because qsort's comparison through a function pointer was
 * the cost: sorting the 64 terms of every article and copy group took
 * 5.7 % of a one-thread run on the 100 MB dump (msort plus the two
 * comparators).  Quicksort (Hoare 1962 partition, median of three) with
 * insertion sort below TW_INSERTION items, the comparison inlined. */
#include "bf_artvec.h"

#include <stdbool.h>

#define TW_INSERTION 16u /* items below which insertion sort is faster */

static inline bool tw_less(const bf_tw_t *a, const bf_tw_t *b, bool by_weight)
{
	if (by_weight && a->w != b->w)
		return a->w > b->w;
	return a->term < b->term;
}

static inline void tw_swap(bf_tw_t *a, bf_tw_t *b)
{
	bf_tw_t t = *a;
	*a = *b;
	*b = t;
}

static void tw_insertion(bf_tw_t *v, size_t n, bool by_weight)
{
	for (size_t i = 1; i < n; i++) {
		bf_tw_t x = v[i];
		size_t j = i;
		for (; j > 0 && tw_less(&x, &v[j - 1], by_weight); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Hoare partition around the median of v[0], v[n/2], v[n-1] (n >= 3):
 * returns p with v[0..p] <= pivot <= v[p+1..n), 0 < p + 1 < n. */
static size_t tw_partition(bf_tw_t *v, size_t n, bool by_weight)
{
	size_t m = n / 2;
	if (tw_less(&v[m], &v[0], by_weight))
		tw_swap(&v[m], &v[0]);
	if (tw_less(&v[n - 1], &v[m], by_weight)) {
		tw_swap(&v[n - 1], &v[m]);
		if (tw_less(&v[m], &v[0], by_weight))
			tw_swap(&v[m], &v[0]);
	}
	bf_tw_t p = v[m];
	size_t i = 0, j = n - 1;
	for (;;) {
		while (tw_less(&v[i], &p, by_weight))
			i++;
		while (tw_less(&p, &v[j], by_weight))
			j--;
		if (i >= j)
			return j;
		tw_swap(&v[i++], &v[j--]);
	}
}

static void tw_sort(bf_tw_t *v, size_t n, bool by_weight)
{
	while (n > TW_INSERTION) {
		size_t left = tw_partition(v, n, by_weight) + 1;
		/* recurse on the smaller side: stack depth O(log n) */
		if (left < n - left) {
			tw_sort(v, left, by_weight);
			v += left;
			n -= left;
		} else {
			tw_sort(v + left, n - left, by_weight);
			n = left;
		}
	}
	tw_insertion(v, n, by_weight);
}

void bf_tw_sort_term(bf_tw_t *tw, size_t n)
{
	tw_sort(tw, n, false);
}

void bf_tw_sort_weight(bf_tw_t *tw, size_t n)
{
	tw_sort(tw, n, true);
}
