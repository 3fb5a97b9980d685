/* bf_storylink.h - stories: near-copy groups joined by content (stage
 * helper of bf_stories.h).
 *
 * The units are copy groups (syndicated copies count once), each with the
 * normalized sum of its articles' tf-idf vectors (bf_artvec.h).  Nothing is
 * compared all-pairs:
 *
 *  1. Candidates: an inverted index maps each of a group's
 *     BF_STORY_INDEX_TERMS heaviest terms to the groups listing it; pairs
 *     sharing >= BF_STORY_MIN_SHARED listed terms are candidates.  Posting
 *     lists longer than BF_STORY_MAX_POSTING (a topic word, not an event's)
 *     are left out, which bounds the work per group.
 *  2. Edges: candidates whose dates are at most BF_STORY_MAX_DAYS apart (or
 *     undated) and whose cosine reaches their merge threshold (below).
 *  3. Merging (average linkage, UPGMA, Sokal & Michener 1958, restricted to
 *     the edges): edges are taken same-day first, then by decreasing cosine;
 *     an edge merges its two clusters A, B when their mean pairwise cosine
 *         sum(A) . sum(B) / (|A| |B|)        (unit vectors: exact)
 *     reaches the threshold
 *         BF_STORY_LINK_MIN - BF_STORY_DATE_NAT * ln(N_dated / n_window)
 *     (never below BF_STORY_EDGE_MIN), where n_window is the number of
 *     dated articles within the merged cluster's date range: a date shared
 *     by few of the input's articles is evidence of a common event (a
 *     one-day dump has none, so there the text alone decides); undated
 *     clusters get BF_STORY_LINK_MIN.  Average linkage does not chain: a
 *     cluster joins another only when it is close to all of it on average,
 *     not to one member.  (Keeping only the edges that reach their pair's
 *     threshold in step 2 changed no grouping on the benchmarks, and with
 *     one edge buffer cut the stage's peak on the 1 GB dump by 90 MB.)
 *     A merge across days (the clusters' date ranges do not overlap) also
 *     needs every member's mean cosine to the other cluster to be at least
 *     BF_STORY_XDAY_MIN: a late report of one event is close to each early
 *     report, while the next day's chapter of a running story (a separate
 *     event) is close only to the story's core.
 *
 * Deterministic: edges are found in fixed chunks, concatenated in order and
 * sorted by a total key; merges happen in that order (decisions taken
 * ahead in parallel are used only where nothing they read has changed). */
#ifndef BF_STORYLINK_H
#define BF_STORYLINK_H

#include "bf_artvec.h"
#include "bf_corpus.h"
#include "bf_uf.h"

/* Measured effects below: B-cubed F1 of bench/stories.sh, BASIL / AllSides
 * with dates, then without ("undated"); "dump": B-cubed precision against
 * base_id on a 20 MB make_dump.py dump (one date: the text alone decides).
 * Final settings: BASIL 0.977 / 0.918 undated, AllSides 0.948 / 0.772
 * undated, dump 0.915 (bench/RESULTS.md "Quality: stories"). */

/* Terms per group vector (bf_artvec.h top).  64: undated BASIL 0.918,
 * dump 0.915; 48: undated BASIL 0.909, dump 0.908, 42 MB less on the 1 GB
 * dump (where the run peaks at 1.03 GB either way since the shingle sets
 * are freed after clustering); 32: AllSides undated 0.764, dump 0.898. */
#define BF_STORY_VEC_TERMS 64u
/* tf weight added to a title's terms (bf_artvec.h title_boost): a title
 * names the event in a few words, and AllSides excerpts are a few
 * sentences.  0: BASIL 0.932 / 0.811, AllSides 0.925 / 0.697 (dump 0.959:
 * titles also pull together different stories of one company). */
#define BF_STORY_TITLE_BOOST 2.5
/* Heaviest terms of each group put in the inverted index.  20: AllSides
 * 0.941; 10: 0.914 (missed candidates). */
#define BF_STORY_INDEX_TERMS 30u
/* Indexed terms a candidate pair must share.  3: AllSides 0.941; 1: the
 * same as 2 with more candidates to verify. */
#define BF_STORY_MIN_SHARED 2u
/* Longest posting list used, in groups; bounds the candidate work per
 * group at BF_STORY_INDEX_TERMS * BF_STORY_MAX_POSTING.  100 and 3000
 * measured the same as 300. */
#define BF_STORY_MAX_POSTING 300u
/* Cosine floor of an edge and of any merge threshold. */
#define BF_STORY_EDGE_MIN 0.12
/* Average-link threshold without date evidence.  0.32: undated BASIL
 * 0.928, AllSides 0.769, dump 0.893; 0.36: 0.900, 0.765, dump 0.928. */
#define BF_STORY_LINK_MIN 0.34
/* Threshold drop per nat of date selectivity ln(N_dated / n_window).
 * 0 (dates only as the BF_STORY_MAX_DAYS window): BASIL 0.929, AllSides
 * 0.837; 0.045: 0.977, 0.950. */
#define BF_STORY_DATE_NAT 0.04
/* Farthest apart two articles of one story may be dated, in days (BASIL
 * triplets span up to 4 days, AllSides events one).  2: BASIL 0.970; 5:
 * AllSides 0.946; no limit: BASIL 0.968, AllSides 0.920. */
#define BF_STORY_MAX_DAYS 3
/* Cross-day merges: least mean cosine of every member to the other
 * cluster.  0 (off): BASIL 0.998, AllSides 0.891 (running stories' days
 * merged); 0.28: 0.982, 0.943. */
#define BF_STORY_XDAY_MIN 0.3
/* Members per side checked for BF_STORY_XDAY_MIN (bounds the check). */
#define BF_STORY_XDAY_CHECK 64u
/* Edges decided ahead, in parallel, per window of the merging (on the
 * 1 GB dump 1,024 re-decides 2.5 % of them and took 0.28-0.31 s, 256
 * 0.8 % and 0.33 s). */
#define BF_STORY_MERGE_WINDOW 1024u
/* Terms kept in a cluster's vector sum.  64: undated BASIL 0.900. */
#define BF_STORY_SUM_TERMS 128u

typedef struct {
	uint64_t n_groups;    /* copy groups */
	uint64_t n_candidates;/* pairs counted through the index */
	uint64_t n_edges;     /* verified edges */
	uint64_t n_links;     /* merges */
} bf_storylink_counts_t;

/* Joins into uf (one item per article of c; copies already joined, with
 * copy_of[a] the smallest article of a's copy group) the articles of each
 * story.  v: article vectors built with BF_STORY_VEC_TERMS terms and
 * BF_STORY_TITLE_BOOST.  window: edges whose merge decisions are taken
 * ahead at once (0: BF_STORY_MERGE_WINDOW; 1: each in turn); the result is
 * the same for any.  Returns BF_OK or BF_ENOMEM. */
bf_status_t bf_storylink(const bf_corpus_t *c, const bf_artvec_t *v,
                         const uint32_t *copy_of, int n_threads, uint32_t window,
                         bf_uf_t *uf, bf_storylink_counts_t *counts);

/* Day number (days since 1970-01-01) of an ISO 8601 date's YYYY-MM-DD
 * prefix, or INT32_MIN when s is NULL or does not start with one. */
int32_t bf_day_of(const char *s);

#endif
