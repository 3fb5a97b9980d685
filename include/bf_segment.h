/* bf_segment.h - article text to sentences, boilerplate dropped.
 *
 * Paragraphs are lines (any run of newlines ends one).  Each paragraph is
 * split into sentences by a news-aware rule set: a sentence ends at . ! ? or
 * an ellipsis followed by space and a capital/quote/digit, except after known
 * abbreviations (Mr., Mrs., Dr., Jan., Gov., U.S., etc.), single-letter
 * initials (J.D. Vance), and inside decimals (3.5) or numbers; closing quotes
 * and brackets after the terminal mark stay with the sentence.
 *
 * Boilerplate is dropped and counted by reason: consent/cookie banners,
 * "Reply", "Read more", "You May Also Like", share prompts, copyright lines,
 * bylines ("By First Last"), and lines that are not sentences (headings
 * without terminal punctuation, too few words). */
#ifndef BF_SEGMENT_H
#define BF_SEGMENT_H

#include "bf_common.h"

typedef enum {
	BF_DROP_BOILERPLATE = 0, /* banners, share prompts, "Read more", ... */
	BF_DROP_BYLINE,          /* "By First Last", "Reporting by ..." */
	BF_DROP_NOT_SENTENCE,    /* headings, fragments, too few words */
	BF_DROP__COUNT
} bf_drop_reason_t;

const char *bf_drop_reason_name(bf_drop_reason_t r); /* "boilerplate", ... */

/* Reusable output; one per thread.  Zero-initialize, free with
 * bf_segment_free(). */
typedef struct {
	bf_span_t *sent;       /* kept sentences: spans into the article text,
	                          trimmed of surrounding white space */
	uint32_t *para;        /* paragraph number (from 0) of each sentence */
	size_t n;
	size_t cap;
	size_t n_drop[BF_DROP__COUNT]; /* sentences/lines dropped, by reason */
} bf_segment_t;

/* Splits text[0..len) (valid UTF-8) into out, replacing its previous
 * contents.  Returns BF_OK or BF_ENOMEM. */
bf_status_t bf_segment_article(const char *text, size_t len,
                               bf_segment_t *out);
void bf_segment_free(bf_segment_t *s);

/* Minimum words for a kept sentence (shorter ones are BF_DROP_NOT_SENTENCE). */
#define BF_SEGMENT_MIN_WORDS 4

#endif
