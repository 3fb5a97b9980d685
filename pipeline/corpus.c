/* corpus.c - ingest + segmentation into the corpus, in input order.
 *
 * Records from bf_ingest_run() are copied into a batch; a full batch is
 * segmented in parallel (one bf_segment_t and one output buffer per
 * thread) and appended to the corpus in input order, so the corpus does
 * not depend on the thread count.  Batches are cut by bytes, not
 * by thread count. */
#include "bf_array.h"
#include "bf_corpus.h"
#include "bf_entities.h"
#include "bf_swar.h"

#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bf_x86.h"

#define BATCH_MAX_BYTES ((size_t)16 << 20) /* text held before segmenting */
#define BATCH_MAX_ARTICLES 16384u
/* The first batch is cut sooner: until it is handed over only the reader
 * works (on the 1 GB dump 16 MB took ~50 ms of one thread).  The corpus
 * and everything after it do not depend on where batches are cut. */
#define FIRST_BATCH_BYTES ((size_t)2 << 20)

/* A squeezed sentence as segment_one measured it, so that appending it
 * needs no second pass over its bytes. */
typedef struct {
	uint32_t len;     /* bytes, NUL not counted */
} sent_info_t;

/* One article waiting in the batch; strings live in the batch arena. */
typedef struct {
	size_t id, title, source, url, date; /* arena offsets, SIZE_MAX absent */
	size_t text, text_len;
	/* segmentation result, in worker `owner`'s seg_out_t: squeezed
	 * sentence texts, NUL-separated, at sents; each sentence's length
	 * at info */
	size_t sents, sents_len, info;
	int owner;
	uint32_t n_sents;
	uint64_t n_drop[BF_DROP__COUNT];
	size_t meta_bytes;  /* its strings, NULs included */
	/* where append puts it (kept articles): article, first sentence,
	 * text and meta bytes from the batch's bases */
	size_t at_art, at_sent, at_text, at_meta;
} pending_t;

/* A record the reader skipped, warned about when its batch is appended,
 * after the `before` articles read ahead of it: warnings keep input order
 * whichever thread found them. */
typedef struct {
	size_t before;
	bf_skip_reason_t why;
	size_t where, detail; /* arena offsets */
} skipnote_t;

/* Articles read but not yet segmented, cut by bytes and count (not by
 * thread count, so the corpus is the same at any -j). */
typedef struct {
	pending_t *p;
	size_t n, cap;
	char *arena;
	size_t arena_len, arena_cap;
	skipnote_t *skip;
	size_t n_skip, cap_skip;
	uint64_t n_quiet[BF_SKIP__COUNT]; /* skips past the warnings shown */
	bool oom;
} batch_t;

/* A worker thread's segmentation output for the batch being flushed:
 * its articles' texts and sentence lengths end to end, emptied when the
 * next batch is segmented.  Why not a malloc per article: the append,
 * parallel too, freed them on other threads than made them, and the
 * threads slept on glibc's arena locks (perf: a quarter of the -j2 run's
 * context switches). */
typedef struct {
	bf_segment_t seg;
	char *text;
	size_t text_len, text_cap;
	sent_info_t *info;
	size_t n_info, cap_info;
} worker_t;

/* Batches in flight: the reader fills one while the workers segment the
 * other. */
#define N_BATCHES 2u

typedef struct {
	bf_corpus_t *c;
	bf_log_t *log;
	int n_threads;
	batch_t b[N_BATCHES];
	worker_t *wk; /* one per thread */
	bf_corpus_batch_fn on_batch;
	void *ud;
	bf_status_t batch_status;
	uint64_t n_no_sentences; /* articles left without a sentence */
	uint64_t n_noted[BF_SKIP__COUNT]; /* reader: skips seen, by reason */
	/* reader -> workers handoff (threaded mode only) */
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool full[N_BATCHES]; /* handed over, not yet appended */
	bool turn;            /* the reader may read (reader_turn) */
	int seg_done;         /* workers but the first through this batch's
	                         segmentation (flush_batch) */
	size_t fill;          /* batch the reader fills */
	size_t n_handed;      /* batches the reader handed over (its own) */
	bool done, stop;      /* reader finished / workers failed */
	int read_rc;
	const char *const *inputs;
	size_t n_inputs;
} loader_t;

/* Appends s (may be NULL) to an arena; returns its offset or absent. */
static size_t arena_put(char **a, size_t *len, size_t *cap, const char *s,
                        size_t n, size_t absent, bool *oom)
{
	if (!s)
		return absent;
	if (!bf_array_grow((void **)a, cap, *len + n + 1, 1)) {
		*oom = true;
		return absent;
	}
	size_t off = *len;
	memcpy(*a + off, s, n);
	(*a)[off + n] = '\0';
	*len += n + 1;
	return off;
}

static size_t put_str(batch_t *b, const char *s)
{
	return arena_put(&b->arena, &b->arena_len, &b->arena_cap, s,
	                 s ? strlen(s) : 0, SIZE_MAX, &b->oom);
}

/* Bytes squeeze() must look at; every other byte is copied as it is. */
enum { SQ_PLAIN = 0, SQ_SPACE, SQ_QUOTE };
static const unsigned char sq_class[256] = {
	[' '] = SQ_SPACE, ['\t'] = SQ_SPACE, ['\r'] = SQ_SPACE,
	['\n'] = SQ_SPACE, ['\v'] = SQ_SPACE, ['\f'] = SQ_SPACE,
	['`'] = SQ_QUOTE, ['\''] = SQ_QUOTE,
};

/* Bit 7 set in the bytes of x that squeeze must look at: white space
 * other than ' ' (and the other bytes below 0x0E, which the byte loop
 * then copies as plain) and the two quote bytes. */
static inline uint64_t sq_look(uint64_t x)
{
	return bf_swar_below(x, 0x0Eu) | bf_swar_eq(x, '`') | bf_swar_eq(x, '\'');
}

#if BF_X86
/* Bytes of v that squeeze must look at (sq_look), as a byte mask. */
__attribute__((target("avx2"))) static inline __m256i sq_look32(__m256i v)
{
	return _mm256_or_si256(
		_mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x0D)), v),
		_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('`')),
		                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\''))));
}

/* squeeze_run's plain copy 32 bytes a step (AVX2, bf_x86.h)
 * while 33 bytes are left: the bytes up to the first one to look at are
 * copied, and true returned when there was one. */
__attribute__((target("avx2"))) static bool squeeze_avx2(const char *s, size_t *ip, size_t n,
                                                        char *out, size_t *wp)
{
	size_t i = *ip, w = *wp;
	bool stopped = false;
	for (; i + 33 <= n; i += 32, w += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		__m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 1));
		__m256i sp = _mm256_set1_epi8(' ');
		__m256i stop = _mm256_or_si256(
			sq_look32(x),
			_mm256_and_si256(_mm256_cmpeq_epi8(x, sp),
			                 _mm256_or_si256(_mm256_cmpeq_epi8(y, sp), sq_look32(y))));
		uint32_t m = (uint32_t)_mm256_movemask_epi8(stop);
		if (m) {
			size_t k = (size_t)__builtin_ctz(m);
			memcpy(out + w, s + i, k);
			i += k;
			w += k;
			stopped = true;
			break;
		}
		_mm256_storeu_si256((__m256i *)(void *)(out + w), x);
	}
	*ip = i;
	*wp = w;
	return stopped;
}
#endif

/* Copies s[i..n), s[i] plain, to out + *o while it needs no squeezing:
 * plain bytes, and single spaces between two plain bytes (which squeeze
 * would copy as they are).  Only the loop's exit branches, at the rare
 * bytes that need a look (other white space, a second space, quotes), so
 * word lengths cause no mispredictions.  Returns where the copy stopped. */
static size_t squeeze_run(const char *s, size_t i, size_t n, char *out,
                          size_t *o)
{
	size_t w = *o;
	out[w++] = s[i++];
	/* 32 bytes a step (AVX2), then 8, while none needs a look (each
	 * byte's test also reads the next byte, so the block and one more
	 * must be there) */
	bool stopped = false;
#if BF_X86
	if (__builtin_cpu_supports("avx2"))
		stopped = squeeze_avx2(s, &i, n, out, &w);
#endif
	while (!stopped && i + 9 <= n) {
		uint64_t x = bf_load8(s + i), y = bf_load8(s + i + 1);
		uint64_t stop = sq_look(x) | (bf_swar_eq(x, ' ') & (bf_swar_eq(y, ' ') | sq_look(y)));
		if (stop) {
			size_t k = bf_first_flag(stop);
			memcpy(out + w, s + i, k);
			w += k;
			i += k;
			break;
		}
		bf_store8(out + w, x);
		w += 8;
		i += 8;
	}
	if (i == n) {
		*o = w;
		return i;
	}
	i--;
	w--;
	unsigned char ch = (unsigned char)s[i];
	for (;;) {
		out[w++] = (char)ch;
		if (++i == n)
			break;
		ch = (unsigned char)s[i];
		int next = i + 1 < n ? sq_class[(unsigned char)s[i + 1]] : SQ_SPACE;
		if (!((sq_class[ch] == SQ_PLAIN) |
		      ((ch == ' ') & (next == SQ_PLAIN))))
			break;
	}
	*o = w;
	return i;
}

/* Copies sentence span text into out, squeezing white-space runs to one
 * space (the segmenter trims the ends) and turning the typewriter quote
 * pairs of older newswire (`` and '', as in the LDC/DUC texts) into the
 * curly quotes a reader expects.  out has room for 3n/2 + 1 bytes (a
 * 2-byte pair becomes a 3-byte quote).  Returns bytes written. */
static size_t squeeze(const char *s, size_t n, char *out)
{
	size_t o = 0, i = 0;
	bool space = false;
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		int k = sq_class[ch];
		if (k == SQ_SPACE) {
			space = true;
			i++;
			continue;
		}
		if (space && o)
			out[o++] = ' ';
		space = false;
		if (k == SQ_PLAIN) {
			i = squeeze_run(s, i, n, out, &o);
			continue;
		}
		if (i + 1 < n && s[i + 1] == (char)ch) {
			memcpy(out + o, ch == '`' ? "\xE2\x80\x9C" : "\xE2\x80\x9D", 3);
			o += 3;
			i += 2;
			continue;
		}
		out[o++] = (char)ch;
		i++;
	}
	return o;
}

/* Decodes HTML entities of the text and title in place (never longer):
 * scraped text leaks "&quot;" and "&#8220;", and quotes and sentence ends
 * must be seen. */
static void decode_entities(pending_t *p, char *arena)
{
	char *t = arena + p->text;
	p->text_len = bf_entities_decode(t, p->text_len, t);
	t[p->text_len] = '\0';
	if (p->title != SIZE_MAX) {
		char *ti = arena + p->title;
		ti[bf_entities_decode(ti, strlen(ti), ti)] = '\0';
	}
}

/* Decodes and segments one pending article on worker thread t; its
 * sentences go to the worker's output.  Everything per article happens
 * here, on the worker threads: what stays for the ordered append is
 * copying. */
static bool segment_one(pending_t *p, char *arena, worker_t *wk, int t)
{
	bf_segment_t *seg = &wk->seg;
	decode_entities(p, arena);
	const char *text = arena + p->text;
	if (bf_segment_article(text, p->text_len, seg) != BF_OK)
		return false;
	size_t total = 0;
	for (size_t i = 0; i < seg->n; i++)
		total += seg->sent[i].len + 1;
	if (!bf_array_grow((void **)&wk->text, &wk->text_cap, wk->text_len + total + total / 2 + 1, 1) ||
	    !bf_array_grow((void **)&wk->info, &wk->cap_info, wk->n_info + seg->n + 1,
	                   sizeof *wk->info))
		return false;
	p->owner = t;
	p->sents = wk->text_len;
	p->info = wk->n_info;
	char *out = wk->text + p->sents;
	sent_info_t *info = wk->info + p->info;
	size_t o = 0;
	for (size_t i = 0; i < seg->n; i++) {
		size_t len = squeeze(text + seg->sent[i].off, seg->sent[i].len, out + o);
		out[o + len] = '\0';
		info[i] = (sent_info_t){ (uint32_t)len };
		o += len + 1;
	}
	p->sents_len = o;
	wk->text_len += o;
	wk->n_info += seg->n;
	p->n_sents = (uint32_t)seg->n;
	memcpy(p->n_drop, seg->n_drop, sizeof p->n_drop);
	const size_t field[] = { p->id, p->title, p->source, p->url, p->date };
	p->meta_bytes = 0;
	for (size_t f = 0; f < sizeof field / sizeof *field; f++)
		p->meta_bytes += field[f] == SIZE_MAX ? 0 : strlen(arena + field[f]) + 1;
	return true;
}

/* Byte classes of the word count: bf_is_word's rules as a table. */
enum {
	CW_OTHER = 0, /* punctuation, controls, 0x80..0xC1 */
	CW_WORD,      /* ASCII letter or digit, or a lead byte 0xC2.. but 0xE2 */
	CW_SPACE,     /* ' ', between tokens */
	CW_E2,        /* 0xE2: U+2000..U+2FFF; 0xE2 0x80/0x81 is punctuation */
	CW_END,       /* NUL */
};
#define CW4(b) [(b)] = CW_WORD, [(b) + 1] = CW_WORD, [(b) + 2] = CW_WORD, \
	[(b) + 3] = CW_WORD
#define CW8(b) CW4(b), CW4((b) + 4)
#define CW16(b) CW8(b), CW8((b) + 8)
static const unsigned char cw_class[256] = {
	[0] = CW_END, [' '] = CW_SPACE,
	CW8('0'), ['8'] = CW_WORD, ['9'] = CW_WORD,
	['A'] = CW_WORD, CW8('B'), CW8('J'), CW8('R'), ['Z'] = CW_WORD,
	['a'] = CW_WORD, CW8('b'), CW8('j'), CW8('r'), ['z'] = CW_WORD,
	[0xC2] = CW_WORD, [0xC3] = CW_WORD, CW4(0xC4), CW8(0xC8), CW16(0xD0),
	[0xE0] = CW_WORD, [0xE1] = CW_WORD, [0xE2] = CW_E2, [0xE3] = CW_WORD,
	CW4(0xE4), CW8(0xE8), CW16(0xF0),
};
#undef CW4
#undef CW8
#undef CW16

/* True when the token [b, e) holds a letter or digit: a lone dash, quote
 * or bullet is punctuation, not a word of the budget (ROUGE does not count
 * it either).  Bytes of U+2000..U+206F (general punctuation: dashes,
 * quotes, ellipsis) do not count; other non-ASCII bytes do. */
bool bf_is_word(const char *tb, const char *te)
{
	const unsigned char *b = (const unsigned char *)tb, *e = (const unsigned char *)te;
	for (const unsigned char *p = b; p < e; p++) {
		if ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			return true;
		if (*p >= 0x80) {
			if (*p == 0xE2 && p + 1 < e && (p[1] == 0x80 || p[1] == 0x81)) {
				p += 2;
				continue;
			}
			if (*p >= 0xC2)
				return true;
		}
	}
	return false;
}

/* bf_is_word over every space-separated token, in one pass.  Per byte the
 * state (inside a token, a word byte seen) is updated with bit arithmetic,
 * so no branch depends on where words end; only 0xE2 and the end leave
 * the loop. */
uint32_t bf_count_words(const char *s)
{
	uint32_t n = 0;
	unsigned in_tok = 0, has = 0;
	for (const unsigned char *p = (const unsigned char *)s;;) {
		unsigned k = cw_class[*p];
		if (k < CW_E2) {
			unsigned in = k != CW_SPACE;
			n += (in ^ 1u) & in_tok & has;
			has = in & (has | (k == CW_WORD));
			in_tok = in;
			p++;
		} else if (k == CW_END) {
			return n + (in_tok & has);
		} else {   /* 0xE2 inside a token */
			in_tok = 1;
			if (has || (p[1] != 0x80 && p[1] != 0x81)) {
				has = 1;
				p++;
			} else {   /* bf_is_word skips 3 bytes; the token may end */
				p += cw_class[p[2]] == CW_SPACE ||
				     cw_class[p[2]] == CW_END ? 2 : 3;
			}
		}
	}
}

/* Cuts an outlet's name off the end of its headline ("Stocks rally |
 * The Daily Star" from source "The Daily Star"): a briefing puts titles of
 * many outlets side by side, and the suffix says nothing about the story. */
static void strip_title_source(char *title, const char *source)
{
	static const char *const SEP[] = { " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", ": " };
	size_t tl = strlen(title), sl = strlen(source);
	if (sl == 0 || tl <= sl || strcmp(title + tl - sl, source) != 0)
		return;
	for (size_t i = 0; i < sizeof SEP / sizeof *SEP; i++) {
		size_t pl = strlen(SEP[i]);
		if (tl >= sl + pl + 1 && !memcmp(title + tl - sl - pl, SEP[i], pl)) {
			title[tl - sl - pl] = '\0';
			return;
		}
	}
}

/* Warns about the reader's skips that came before article i of b. */
static void emit_skips(loader_t *L, const batch_t *b, size_t *k, size_t i)
{
	for (; *k < b->n_skip && b->skip[*k].before <= i; (*k)++) {
		const skipnote_t *sn = &b->skip[*k];
		bf_log_warn(L->log, (int)sn->why, b->arena + sn->where, "skipped (%s): %s",
		            bf_skip_reason_name(sn->why), b->arena + sn->detail);
	}
}

/* Copies string a + off (absent: SIZE_MAX) to *dst; returns its offset
 * in c->meta, or BF_NO_STR. */
static uint64_t put_meta(bf_corpus_t *c, const char *a, size_t off, size_t *dst)
{
	if (off == SIZE_MAX)
		return BF_NO_STR;
	size_t n = strlen(a + off) + 1, at = *dst;
	memcpy(c->meta + at, a + off, n);
	*dst += n;
	return at;
}

/* Writes a planned article: its strings, its record, its sentences'
 * texts (one copy: its output already is NUL-separated texts) and
 * records.  Touches only its own places, so articles run in parallel. */
static void place_one(bf_corpus_t *c, const pending_t *p, const worker_t *wk, const char *a,
                      char *text, uint64_t text_first, size_t meta0)
{
	const worker_t *w = &wk[p->owner];
	const sent_info_t *info = w->info + p->info;
	size_t m = meta0 + p->at_meta;
	bf_article_t art = { .first_sent = (uint32_t)p->at_sent, .n_sent = p->n_sents };
	art.id = put_meta(c, a, p->id, &m);
	art.title = put_meta(c, a, p->title, &m);
	art.source = put_meta(c, a, p->source, &m);
	art.url = put_meta(c, a, p->url, &m);
	art.date = put_meta(c, a, p->date, &m);
	c->art[p->at_art] = art;
	memcpy(text + p->at_text, w->text + p->sents, p->sents_len);
	size_t o = 0;
	for (uint32_t i = 0; i < p->n_sents; i++) {
		c->sent[p->at_sent + i] = (bf_sentence_t){
			.text = text_first + p->at_text + o, .text_len = info[i].len,
			.article = (uint32_t)p->at_art, .pos = i };
		o += info[i].len + 1;
	}
}

/* In input order: warnings (the reader's skips, articles left without a
 * sentence), drop counts, and where each kept article goes.  Returns the
 * kept articles' sentences, text bytes and meta bytes in *n_s, *n_t, *n_m
 * and their count. */
static size_t plan_batch(loader_t *L, batch_t *b, size_t *n_s, size_t *n_t, size_t *n_m)
{
	bf_corpus_t *c = L->c;
	size_t k = 0, kept = 0;
	*n_s = *n_t = *n_m = 0;
	for (size_t i = 0; i < b->n; i++) {
		pending_t *p = &b->p[i];
		emit_skips(L, b, &k, i);
		for (int r = 0; r < BF_DROP__COUNT; r++)
			c->n_drop[r] += p->n_drop[r];
		if (p->n_sents == 0) {
			L->n_no_sentences++;
			bf_log_warn(L->log, BF_SKIP_NO_SENTENCES, b->arena + p->id,
			            "no sentence left after removing boilerplate");
			continue;
		}
		p->at_art = c->n_art + kept++;
		p->at_sent = c->n_sent + *n_s;
		p->at_text = *n_t;
		p->at_meta = *n_m;
		*n_s += p->n_sents;
		*n_t += p->sents_len;
		*n_m += p->meta_bytes;
	}
	emit_skips(L, b, &k, b->n);
	for (int r = 0; r < BF_SKIP__COUNT; r++)
		if (b->n_quiet[r])
			bf_log_count(L->log, r, b->n_quiet[r]);
	return kept;
}

/* Appends the segmented batch to the corpus in input order: planned in
 * one pass, then copied article by article in parallel. */
static bool append_batch(loader_t *L, batch_t *b)
{
	bf_corpus_t *c = L->c;
	size_t n_s, n_t, n_m, kept = plan_batch(L, b, &n_s, &n_t, &n_m);
	uint64_t text_first = 0;
	char *text = NULL;
	if (!bf_array_grow((void **)&c->art, &c->cap_art, c->n_art + kept, sizeof *c->art) ||
	    !bf_array_grow((void **)&c->sent, &c->cap_sent, c->n_sent + n_s, sizeof *c->sent) ||
	    !bf_array_grow((void **)&c->meta, &c->meta_cap, c->meta_len + n_m, 1) ||
	    !(text = bf_textstore_reserve(&c->ts, n_t, &text_first)))
		return false;
	size_t meta0 = c->meta_len;
	long n = (long)b->n;
#pragma omp parallel for schedule(dynamic, 64) num_threads(L->n_threads) if (n > 256)
	for (long i = 0; i < n; i++)
		if (b->p[i].n_sents)
			place_one(c, &b->p[i], L->wk, b->arena, text, text_first, meta0);
	c->n_art += kept;
	c->n_sent += n_s;
	c->meta_len += n_m;
	return true;
}

void bf_corpus_share_text(bf_corpus_t *c, size_t s, size_t rep)
{
	c->alias[s - c->batch_first] = (uint32_t)rep;
}

/* Sentences per parallel unit of spill_batch (fixed, so the texts' order
 * in the spill file does not depend on the thread count). */
#define SPILL_CHUNK 4096u

/* Pass 1 of spill_batch, sentences [lo, hi) of the batch: how many have
 * a text of their own, and its bytes. */
static void own_texts(const bf_corpus_t *c, size_t s0, size_t lo, size_t hi,
                      uint64_t *n_own, uint64_t *bytes)
{
	for (size_t i = lo; i < hi; i++) {
		if (c->alias[i] != UINT32_MAX)
			continue;
		++*n_own;
		*bytes += c->sent[s0 + i].text_len + 1;
	}
}

/* Pass 2: the own texts of [lo, hi) become pieces p[k..] of the spill,
 * placed from logical offset at on. */
static void place_own(bf_corpus_t *c, size_t s0, size_t lo, size_t hi, bf_text_piece_t *p,
                      uint64_t k, uint64_t at)
{
	for (size_t i = lo; i < hi; i++) {
		if (c->alias[i] != UINT32_MAX)
			continue;
		bf_sentence_t *t = &c->sent[s0 + i];
		p[k++] = (bf_text_piece_t){ t->text - c->ts.open_first, (uint64_t)t->text_len + 1 };
		t->text = at;
		at += (uint64_t)t->text_len + 1;
	}
}

/* Sends the batch's sentences [s0, n_sent) to the spill file: those with
 * a text of their own get places after the texts already spilled, in
 * sentence order; the others take their representative's (an own text,
 * earlier).  Three parallel passes over fixed chunks, then the texts are
 * copied out in parallel and written by the store's writer thread.
 * Returns BF_OK, BF_ENOMEM or BF_EIO. */
static bf_status_t spill_batch(bf_corpus_t *c, size_t s0, int nt)
{
	size_t n = c->n_sent - s0, n_ch = (n + SPILL_CHUNK - 1) / SPILL_CHUNK;
	uint64_t *own = calloc(n_ch + 1, sizeof *own), *bytes = calloc(n_ch + 1, sizeof *bytes);
	bf_text_piece_t *p = malloc((n ? n : 1) * sizeof *p);
	if (!own || !bytes || !p) {
		free(own);
		free(bytes);
		free(p);
		return BF_ENOMEM;
	}
#pragma omp parallel num_threads(nt) if (n_ch > 1)
	{
#pragma omp for schedule(dynamic, 1)
		for (long ch = 0; ch < (long)n_ch; ch++) {
			size_t lo = (size_t)ch * SPILL_CHUNK, hi = lo + SPILL_CHUNK < n ? lo + SPILL_CHUNK : n;
			own_texts(c, s0, lo, hi, &own[ch + 1], &bytes[ch + 1]);
		}
#pragma omp single
		for (size_t ch = 0; ch < n_ch; ch++) {
			own[ch + 1] += own[ch];
			bytes[ch + 1] += bytes[ch];
		}
#pragma omp for schedule(dynamic, 1)
		for (long ch = 0; ch < (long)n_ch; ch++) {
			size_t lo = (size_t)ch * SPILL_CHUNK, hi = lo + SPILL_CHUNK < n ? lo + SPILL_CHUNK : n;
			place_own(c, s0, lo, hi, p, own[ch], c->ts.open_first + bytes[ch]);
		}
#pragma omp for schedule(static)
		for (long i = 0; i < (long)n; i++) {
			uint32_t rep = c->alias[i];
			if (rep != UINT32_MAX)
				c->sent[s0 + (size_t)i].text = c->sent[rep].text;
		}
	}
	bf_status_t st = bf_textstore_seal_pieces(&c->ts, p, own[n_ch], nt);
	free(own);
	free(bytes);
	free(p);
	return st;
}

/* Makes room for the batch's alias marks, all "own text". */
static bool reset_alias(bf_corpus_t *c, size_t s0)
{
	size_t n = c->n_sent - s0;
	if (n > c->alias_cap) {
		uint32_t *a = realloc(c->alias, n * sizeof *a);
		if (!a)
			return false;
		c->alias = a;
		c->alias_cap = n;
	}
	memset(c->alias, 0xFF, n * sizeof *c->alias);
	c->batch_first = s0;
	return true;
}

static void reader_turn(loader_t *L, int others);

/* Segments batch b in parallel and appends it in order. */
static bool flush_batch(loader_t *L, batch_t *b)
{
	bool ok = !b->oom;
	long n = (long)b->n;
	for (int t = 0; t < L->n_threads; t++)
		L->wk[t].text_len = L->wk[t].n_info = 0;
	L->seg_done = 0;
#pragma omp parallel num_threads(L->n_threads) reduction(&& : ok) if (n > 32)
	{
		int t = omp_get_thread_num(), tn = omp_get_num_threads();
		if (t == 0 && L->threaded) /* the next batch, while the others segment */
			reader_turn(L, tn - 1);
#pragma omp for schedule(dynamic, 16) nowait
		for (long i = 0; i < n; i++)
			ok = segment_one(&b->p[i], b->arena, &L->wk[t], t) && ok;
		if (t > 0 && L->threaded) {
			pthread_mutex_lock(&L->mu);
			L->seg_done++;
			pthread_cond_broadcast(&L->cv);
			pthread_mutex_unlock(&L->mu);
		}
	}
	size_t s0 = L->c->n_sent;
	ok = ok && append_batch(L, b);
	if (ok && L->c->n_sent > s0) {
		ok = reset_alias(L->c, s0);
		if (ok && L->on_batch) {
			L->batch_status = L->on_batch(L->ud, L->c, s0, L->c->n_sent);
			ok = L->batch_status == BF_OK;
		}
		/* the batch has been seen: its texts can go to the spill file */
		bf_status_t st = ok ? spill_batch(L->c, s0, L->n_threads) : BF_OK;
		if (st != BF_OK) {
			L->batch_status = st;
			ok = false;
		}
	}
	b->n = b->n_skip = b->arena_len = 0;
	memset(b->n_quiet, 0, sizeof b->n_quiet);
	b->oom = false;
	if (L->c->n_art)
		bf_log_progress(L->log, "read %zu articles, %zu sentences",
		                L->c->n_art, L->c->n_sent);
	return ok;
}

/* The reader's batch is full: segment it here (one thread), or hand it to
 * the workers and go on with the next one once it is free.  Returns false
 * to stop reading. */
static bool hand_over(loader_t *L)
{
	L->n_handed++;
	if (!L->threaded)
		return flush_batch(L, &L->b[L->fill]);
	pthread_mutex_lock(&L->mu);
	L->full[L->fill] = true;
	L->turn = false; /* a turn is one batch */
	pthread_cond_broadcast(&L->cv);
	size_t next = (L->fill + 1) % N_BATCHES;
	while ((!L->turn || L->full[next]) && !L->stop)
		pthread_cond_wait(&L->cv, &L->mu);
	L->fill = next;
	bool go_on = !L->stop;
	pthread_mutex_unlock(&L->mu);
	return go_on;
}

static int on_record(void *ud, const bf_record_t *r)
{
	loader_t *L = ud;
	batch_t *b = &L->b[L->fill];
	if (!bf_array_grow((void **)&b->p, &b->cap, b->n + 1, sizeof *b->p))
		return -1;
	pending_t *p = &b->p[b->n];
	memset(p, 0, sizeof *p);
	p->id = put_str(b, r->id);
	p->title = put_str(b, r->title);
	p->source = put_str(b, r->source);
	p->url = put_str(b, r->url);
	p->date = put_str(b, r->date);
	if (p->title != SIZE_MAX && p->source != SIZE_MAX)
		strip_title_source(b->arena + p->title, b->arena + p->source);
	p->text = arena_put(&b->arena, &b->arena_len, &b->arena_cap, r->text,
	                    r->text_len, SIZE_MAX, &b->oom);
	p->text_len = r->text_len; /* entities are decoded when segmenting */
	if (b->oom)
		return -1;
	b->n++;
	size_t max_bytes = L->n_handed ? BATCH_MAX_BYTES : FIRST_BATCH_BYTES;
	if (b->arena_len >= max_bytes || b->n >= BATCH_MAX_ARTICLES)
		return hand_over(L) ? 0 : -1;
	return 0;
}

static void on_skip(void *ud, bf_skip_reason_t why, const char *where,
                    const char *detail)
{
	loader_t *L = ud;
	batch_t *b = &L->b[L->fill];
	/* the log shows BF_LOG_MAX_PER_KIND warnings of a kind (none when
	 * quiet); the rest are only counted, so a dump of broken lines keeps
	 * no note for each */
	if (L->log->quiet || L->n_noted[why]++ >= BF_LOG_MAX_PER_KIND) {
		b->n_quiet[why]++;
		return;
	}
	if (!bf_array_grow((void **)&b->skip, &b->cap_skip, b->n_skip + 1, sizeof *b->skip)) {
		b->oom = true;
		return;
	}
	skipnote_t *sn = &b->skip[b->n_skip++];
	sn->before = b->n;
	sn->why = why;
	sn->where = arena_put(&b->arena, &b->arena_len, &b->arena_cap, where,
	                      strlen(where), 0, &b->oom);
	sn->detail = arena_put(&b->arena, &b->arena_len, &b->arena_cap, detail ? detail : "",
	                       detail ? strlen(detail) : 0, 0, &b->oom);
}

/* Reads every input; the last batch, however short, is handed over too. */
static int read_all(loader_t *L)
{
	bf_ingest_cb_t cb = { on_record, on_skip, L, L->threaded ? 1 : L->n_threads };
	int rc = bf_ingest_run(L->inputs, L->n_inputs, &cb, &L->c->in);
	if (!L->threaded)
		return rc == 0 && !flush_batch(L, &L->b[L->fill]) ? -1 : rc;
	pthread_mutex_lock(&L->mu);
	L->read_rc = rc;
	L->full[L->fill] = rc == 0 && !L->stop;
	L->done = true;
	L->turn = false;
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
	return rc;
}

/* Reads from its first turn on (should the workers stop before it, the
 * first hand-over sees that and ends the reading). */
static void *reader_main(void *ud)
{
	loader_t *L = ud;
	pthread_mutex_lock(&L->mu);
	while (!L->turn && !L->stop)
		pthread_cond_wait(&L->cv, &L->mu);
	pthread_mutex_unlock(&L->mu);
	read_all(L);
	return NULL;
}

/* Threaded mode: lets the reader fill the next batch, and waits until it
 * has (or has read everything), or until the `others` workers that
 * segment meanwhile ran out of articles (then the reader goes on beside
 * the workers, as when many cores outrun it).  So the reader mostly
 * reads while this thread waits, and no more threads than -j want a
 * core.  Why: a reader running beside the workers on two cores, as it
 * always did, woke workers onto the busy core, where both stayed ~10 ms
 * after the reader stopped while the other core idled (perf; the load
 * stage used 1.81-1.83 of two cores, 1.92 with turns, and its CPU at -j2
 * fell to that of -j1: 7.71 against 7.65 s on the 1 GB dump). */
static void reader_turn(loader_t *L, int others)
{
	pthread_mutex_lock(&L->mu);
	if (!L->done && !L->stop) {
		L->turn = true;
		pthread_cond_broadcast(&L->cv);
		while (L->turn && !L->done && !(others > 0 && L->seg_done >= others))
			pthread_cond_wait(&L->cv, &L->mu);
	}
	pthread_mutex_unlock(&L->mu);
}

/* Workers' side of threaded mode: appends the batches in the order they
 * were read.  Returns 0, or -1 when a batch failed (the reader is told to
 * stop). */
static int consume(loader_t *L)
{
	reader_turn(L, 0); /* the first batch */
	for (size_t k = 0;; k = (k + 1) % N_BATCHES) {
		pthread_mutex_lock(&L->mu);
		while (!L->full[k] && !L->done)
			pthread_cond_wait(&L->cv, &L->mu);
		bool have = L->full[k];
		pthread_mutex_unlock(&L->mu);
		if (!have)
			return 0;
		bool ok = flush_batch(L, &L->b[k]);
		pthread_mutex_lock(&L->mu);
		L->full[k] = false;
		L->stop = !ok;
		pthread_cond_broadcast(&L->cv);
		pthread_mutex_unlock(&L->mu);
		if (!ok)
			return -1;
	}
}

/* With more than one thread, reading (decompression, UTF-8 checks, JSON
 * parsing: one thread's work) runs on a thread of its own, in turns
 * (reader_turn): the next batch is read while the first worker waits and
 * the others segment the batch before; one thread does everything in
 * turn. */
static int load_batches(loader_t *L)
{
	if (!L->threaded)
		return read_all(L);
	pthread_t rd;
	if (pthread_create(&rd, NULL, reader_main, L) != 0) {
		L->threaded = false;
		return read_all(L);
	}
	int rc = consume(L);
	pthread_join(rd, NULL);
	return rc ? rc : L->read_rc;
}

bf_status_t bf_corpus_load(bf_corpus_t *c, const char *const *inputs,
                           size_t n_inputs, int n_threads, bf_log_t *log,
                           bf_corpus_batch_fn on_batch, void *ud)
{
	loader_t L = { .c = c, .log = log, .n_threads = n_threads > 0 ? n_threads : 1,
	               .on_batch = on_batch, .ud = ud, .batch_status = BF_OK,
	               .inputs = inputs, .n_inputs = n_inputs };
	L.threaded = L.n_threads > 1;
	L.wk = calloc((size_t)L.n_threads, sizeof *L.wk);
	if (!L.wk || bf_textstore_init(&c->ts, L.n_threads) != BF_OK) {
		free(L.wk);
		return BF_ENOMEM;
	}
	pthread_mutex_init(&L.mu, NULL);
	pthread_cond_init(&L.cv, NULL);
	int rc = load_batches(&L);
	if (rc == 0) { /* the last batch's texts reach the spill file */
		L.batch_status = bf_textstore_sync(&c->ts);
		rc = L.batch_status == BF_OK ? 0 : -1;
	}
	/* counted apart: the reader thread adds to c->in meanwhile */
	c->in.n_skipped[BF_SKIP_NO_SENTENCES] += L.n_no_sentences;
	pthread_cond_destroy(&L.cv);
	pthread_mutex_destroy(&L.mu);
	for (int t = 0; t < L.n_threads; t++) {
		bf_segment_free(&L.wk[t].seg);
		free(L.wk[t].text);
		free(L.wk[t].info);
	}
	free(L.wk);
	for (size_t k = 0; k < N_BATCHES; k++) {
		free(L.b[k].p);
		free(L.b[k].arena);
		free(L.b[k].skip);
	}
	/* a failing batch hook says why; anything else that stops is memory */
	return rc == 0 ? BF_OK : L.batch_status != BF_OK ? L.batch_status : BF_ENOMEM;
}

void bf_corpus_free(bf_corpus_t *c)
{
	free(c->art);
	free(c->sent);
	bf_textstore_free(&c->ts);
	free(c->meta);
	free(c->alias);
	memset(c, 0, sizeof *c);
}

static const char *meta_str(const bf_corpus_t *c, uint64_t off)
{
	return off == BF_NO_STR ? NULL : c->meta + off;
}

const char *bf_art_id(const bf_corpus_t *c, uint32_t a) { return meta_str(c, c->art[a].id); }
const char *bf_art_title(const bf_corpus_t *c, uint32_t a) { return meta_str(c, c->art[a].title); }
const char *bf_art_source(const bf_corpus_t *c, uint32_t a) { return meta_str(c, c->art[a].source); }
const char *bf_art_url(const bf_corpus_t *c, uint32_t a) { return meta_str(c, c->art[a].url); }
const char *bf_art_date(const bf_corpus_t *c, uint32_t a) { return meta_str(c, c->art[a].date); }
const char *bf_sent_text(const bf_corpus_t *c, uint32_t s)
{
	const char *t = bf_textstore_get(&c->ts, c->sent[s].text);
	if (!t) {
		/* a failed allocation of a 64 KiB block, or a failed read of the
		 * spill file; going on would print a briefing with holes in it */
		fprintf(stderr, "briefing: error: cannot read sentence text back "
		        "from the temporary file in %s: %s\n",
		        c->ts.spill_dir ? c->ts.spill_dir : "?", strerror(errno));
		abort();
	}
	return t;
}
