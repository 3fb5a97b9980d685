/* bf_corpus.h - the articles and sentences of one run, in input order.
 *
 * Built by bf_corpus_load(): ingest (bf_ingest.h) feeds batches of articles
 * that are segmented in parallel (bf_segment.h) and appended in input order,
 * so the corpus is the same at any thread count.  Articles left with no
 * sentence are not stored; they are counted as skipped (no_sentences).
 *
 * Ids: article a is corpus->art[a], sentence s is corpus->sent[s]; sentences
 * of an article are contiguous and in reading order. */
#ifndef BF_CORPUS_H
#define BF_CORPUS_H

#include "bf_common.h"
#include <stdbool.h>
#include "bf_ingest.h"
#include "bf_segment.h"
#include "bf_textstore.h"
#include "bf_log.h"

#define BF_NO_STR UINT64_MAX /* an absent optional string */

typedef struct {
	uint64_t id;       /* offsets into corpus->meta, NUL-terminated */
	uint64_t title;    /* BF_NO_STR when absent */
	uint64_t source;   /* BF_NO_STR when absent */
	uint64_t url;      /* BF_NO_STR when absent */
	uint64_t date;     /* BF_NO_STR when absent */
	uint32_t first_sent;
	uint32_t n_sent;
} bf_article_t;

typedef struct {
	uint64_t text;     /* offset in corpus->ts (NUL-terminated, white
	                      space runs squeezed to one space) */
	uint32_t text_len; /* bytes */
	uint32_t article;  /* owning article */
	uint32_t pos;      /* index within the article, from 0 */
} bf_sentence_t;

typedef struct {
	bf_article_t *art;
	size_t n_art, cap_art;
	bf_sentence_t *sent;
	size_t n_sent, cap_sent;
	bf_textstore_t ts;       /* sentence texts, spilled to a temporary
	                            file once a batch has been seen by
	                            on_batch */
	char *meta;              /* article strings */
	size_t meta_len, meta_cap;
	uint32_t *alias;         /* during on_batch: per new sentence, the
	                            earlier sentence whose identical text it
	                            shares, or UINT32_MAX */
	size_t batch_first, alias_cap;
	bf_ingest_counts_t in;   /* what ingest read and skipped */
	uint64_t n_drop[BF_DROP__COUNT]; /* segmentation drops, by reason */
} bf_corpus_t;

/* Called after each batch of articles is appended, with the new sentences
 * [s0, s1), while their text is at hand.  It may call bf_corpus_share_text.
 * Returns BF_OK to go on. */
typedef bf_status_t (*bf_corpus_batch_fn)(void *ud, bf_corpus_t *c,
                                          size_t s0, size_t s1);

/* From on_batch: sentence s (of the current batch) has exactly the text of
 * the earlier sentence rep, so its own copy is dropped before the batch is
 * spilled and s reads rep's.  Syndicated copies repeat most sentences byte
 * for byte: on a make_dump dump this halves the text kept. */
void bf_corpus_share_text(bf_corpus_t *c, size_t s, size_t rep);

/* Reads every input into c (zero it first).  n_threads: OpenMP threads for
 * segmentation.  Warnings for skipped records go to log.  on_batch (may be
 * NULL) sees every batch in input order.  Returns BF_OK or the first error
 * (BF_ENOMEM, or what on_batch returned). */
bf_status_t bf_corpus_load(bf_corpus_t *c, const char *const *inputs,
                           size_t n_inputs, int n_threads, bf_log_t *log,
                           bf_corpus_batch_fn on_batch, void *ud);
void bf_corpus_free(bf_corpus_t *c);

/* Accessors: NUL-terminated strings, NULL for absent optional fields. */
const char *bf_art_id(const bf_corpus_t *c, uint32_t a);
const char *bf_art_title(const bf_corpus_t *c, uint32_t a);
const char *bf_art_source(const bf_corpus_t *c, uint32_t a);
const char *bf_art_url(const bf_corpus_t *c, uint32_t a);
const char *bf_art_date(const bf_corpus_t *c, uint32_t a);
/* Sentence text: valid until a few other blocks of text are read by the
 * same thread (bf_textstore.h); call from threads numbered below the
 * n_threads given to bf_corpus_load. */
const char *bf_sent_text(const bf_corpus_t *c, uint32_t s);

/* Words of s separated by single spaces (as corpus sentence texts are):
 * tokens holding a letter or digit; lone punctuation does not count. */
uint32_t bf_count_words(const char *s);
/* True when the token [b, e) is a word of the budget (holds a letter or
 * digit; dashes, quotes and bullets do not count). */
bool bf_is_word(const char *b, const char *e);

#endif
