/* report.c - the briefing in Markdown, JSON or plain text, the --stats
 * object and the --groups file (see bf_report.h).
 *
 * Every writer prints only what the stages computed, walking arrays in id
 * or rank order with fixed number formats, so equal runs give equal bytes.
 * Writers print with stdio and look at ferror() once at the end: a failed
 * write sets the stream's error flag, which stays set. */
#include "bf_report.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MD_TITLE_WORDS 12u   /* words of a sentence standing in for a title */
#define MD_MAX_ART_IDS 8u    /* article ids listed under a story */

const char *bf_stage_name(bf_stage_t s)
{
	switch (s) {
	case BF_STAGE_INGEST: return "ingest";
	case BF_STAGE_FEATURES: return "features";
	case BF_STAGE_DEDUP: return "dedup";
	case BF_STAGE_STORIES: return "stories";
	case BF_STAGE_RANK: return "rank";
	case BF_STAGE_WRITE: return "write";
	case BF_STAGE__COUNT: break;
	}
	return "unknown";
}

/* ---- shared counts -------------------------------------------------------- */

static bf_status_t written(FILE *out)
{
	return ferror(out) ? BF_EIO : BF_OK;
}

static uint64_t n_skipped_total(const bf_corpus_t *c)
{
	uint64_t n = 0;
	for (int r = 0; r < BF_SKIP__COUNT; r++)
		n += c->in.n_skipped[r];
	return n;
}

/* Clusters that folded something: size-1 clusters are just sentences. */
static size_t n_multi_clusters(const bf_dedup_t *d)
{
	size_t n = 0;
	for (size_t k = 0; k < d->n_clusters; k++)
		n += d->cl_size[k] >= 2;
	return n;
}

static uint64_t story_n_art(const bf_stories_t *st, uint32_t s)
{
	return st->st_off[s + 1] - st->st_off[s];
}

/* What the reader sees of a pick: the cut text when it was cut. */
static const char *pick_text(const bf_corpus_t *c, const bf_pick_t *p)
{
	return p->cut_text ? p->cut_text : bf_sent_text(c, p->sent);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- Markdown ------------------------------------------------------------- */

/* "YYYY-MM-DD..." as the number YYYYMMDD (ordered as the strings are), or 0
 * when s does not start with a plausible date.  Stops at the first
 * mismatch, so it never reads past a short string's NUL. */
static uint32_t date_key(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	uint32_t k = 0;
	for (int i = 0; s && pat[i]; i++) {
		if (pat[i] == '-' ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
		if (pat[i] == 'd')
			k = k * 10 + (uint32_t)(s[i] - '0');
	}
	uint32_t mon = k / 100 % 100, day = k % 100;
	return s && mon >= 1 && mon <= 12 && day >= 1 && day <= 31 ? k : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The day of the briefing: the most common article date (a dump may hold a
 * few stragglers from yesterday), ties to the latest.  *key = 0 when no
 * article is dated. */
static bf_status_t briefing_date(const bf_corpus_t *c, uint32_t *key)
{
	uint32_t *k = malloc((c->n_art ? c->n_art : 1) * sizeof *k);
	if (!k)
		return BF_ENOMEM;
	size_t n = 0;
	for (size_t a = 0; a < c->n_art; a++)
		if ((k[n] = date_key(bf_art_date(c, (uint32_t)a))) != 0)
			n++;
	qsort(k, n, sizeof *k, cmp_u32);
	size_t best_n = 0;
	*key = 0;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && k[j] == k[i]; j++)
			;
		if (j - i >= best_n) { /* >=: ascending, so ties go to the later */
			best_n = j - i;
			*key = k[i];
		}
	}
	free(k);
	return BF_OK;
}

/* Writes s[0..len) on one line: a newline inside a title or id (JSON input
 * may carry one) would end the heading or list early. */
static void md_line(FILE *out, const char *s, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x20)
			continue;
		fwrite(s + run, 1, i - run, out);
		putc(' ', out);
		run = i + 1;
	}
	fwrite(s + run, 1, len - run, out);
}

/* A list item whose text starts like a block marker would render as a
 * heading, quote or nested list.  Punctuation markers are always escaped
 * (cheap and harmless); a number only when CommonMark would take it for a
 * list marker ("1. " or "1) "), since news sentences often open with
 * figures like "2.5 million" that should stay readable in the raw file. */
static void md_item_text(FILE *out, const char *s)
{
	size_t nd = strspn(s, "0123456789");
	if (s[0] && strchr("#-*+>", s[0])) {
		putc('\\', out);
	} else if (nd > 0 && (s[nd] == '.' || s[nd] == ')') &&
	           (s[nd + 1] == ' ' || s[nd + 1] == '\0')) {
		fwrite(s, 1, nd, out);
		putc('\\', out);
		s += nd;
	}
	md_line(out, s, strlen(s));
}

static void md_header(FILE *out, const bf_run_t *r, uint32_t date)
{
	const bf_corpus_t *c = r->c;
	if (date)
		fprintf(out, "# Briefing — %04" PRIu32 "-%02" PRIu32 "-%02" PRIu32 "\n\n",
		        date / 10000, date / 100 % 100, date % 100);
	else
		fputs("# Briefing\n\n", out);
	uint64_t skipped = n_skipped_total(c), used = c->n_art;
	fprintf(out, "%" PRIu64 " %s read, %" PRIu64 " used, %" PRIu64 " skipped",
	        used + skipped, plural(used + skipped, "article", "articles"),
	        used, skipped);
	const char *sep = " (";
	for (int k = 0; k < BF_SKIP__COUNT; k++) {
		if (!c->in.n_skipped[k])
			continue;
		fprintf(out, "%s%s %" PRIu64, sep, bf_skip_reason_name((bf_skip_reason_t)k),
		        c->in.n_skipped[k]);
		sep = ", ";
	}
	if (skipped)
		putc(')', out);
	size_t folded = r->d->n_sent - r->d->n_clusters, k2 = n_multi_clusters(r->d);
	fprintf(out, " · %zu %s, %zu %s folded into %zu %s · %zu %s, showing %zu\n",
	        c->n_sent, plural(c->n_sent, "sentence", "sentences"),
	        folded, plural(folded, "near-duplicate", "near-duplicates"),
	        k2, plural(k2, "cluster", "clusters"),
	        r->st->n_stories, plural(r->st->n_stories, "story", "stories"),
	        r->b->n);
}

/* The story's article title, else the opening words of its first pick. */
static void md_title(FILE *out, const bf_corpus_t *c, const bf_story_out_t *so)
{
	const char *t = so->title_art != UINT32_MAX ? bf_art_title(c, so->title_art)
	                                            : NULL;
	if (t) {
		md_line(out, t, strlen(t));
		return;
	}
	if (!so->n_pick) { /* bf_select keeps no such story; stay readable */
		fputs("Untitled story", out);
		return;
	}
	const char *s = pick_text(c, &so->pick[0]), *e = s;
	for (unsigned w = 0; w < MD_TITLE_WORDS && *e; w++) {
		while (*e == ' ')
			e++;
		while (*e && *e != ' ')
			e++;
	}
	md_line(out, s, (size_t)(e - s));
	if (e[strspn(e, " ")])
		fputs("…", out);
}

static void md_articles(FILE *out, const bf_run_t *r, uint32_t story)
{
	const bf_stories_t *st = r->st;
	uint64_t n = story_n_art(st, story);
	const uint32_t *art = st->st_art + st->st_off[story];
	fputs("Articles: ", out);
	for (uint64_t i = 0; i < n && i < MD_MAX_ART_IDS; i++) {
		const char *id = bf_art_id(r->c, art[i]);
		if (i)
			fputs(", ", out);
		md_line(out, id, strlen(id));
	}
	if (n > MD_MAX_ART_IDS)
		fprintf(out, ", and %" PRIu64 " more", n - MD_MAX_ART_IDS);
	putc('\n', out);
}

static void md_story(FILE *out, const bf_run_t *r, size_t i)
{
	const bf_story_out_t *so = &r->b->st[i];
	uint64_t n_art = story_n_art(r->st, so->story);
	uint32_t n_src = r->st->st_sources[so->story];
	fprintf(out, "\n## %zu. ", i + 1);
	md_title(out, r->c, so);
	fprintf(out, "\n\n*%" PRIu64 " %s from %" PRIu32 " %s*\n\n", n_art,
	        plural(n_art, "article", "articles"), n_src,
	        plural(n_src, "source", "sources"));
	for (size_t j = 0; j < so->n_pick; j++) {
		const bf_pick_t *p = &so->pick[j];
		fputs("- ", out);
		md_item_text(out, pick_text(r->c, p));
		fprintf(out, " *(%" PRIu32 " %s)*\n", p->support,
		        plural(p->support, "article", "articles"));
	}
	putc('\n', out);
	md_articles(out, r, so->story);
}

static bf_status_t report_md(FILE *out, const bf_run_t *r)
{
	uint32_t date;
	bf_status_t s = briefing_date(r->c, &date);
	if (s != BF_OK)
		return s;
	md_header(out, r, date);
	for (size_t i = 0; i < r->b->n; i++)
		md_story(out, r, i);
	return BF_OK;
}

/* ---- plain text ----------------------------------------------------------- */

/* The sentences alone, for piping into mail or speech synthesis. */
static bf_status_t report_txt(FILE *out, const bf_run_t *r)
{
	bool first = true;
	for (size_t i = 0; i < r->b->n; i++) {
		const bf_story_out_t *so = &r->b->st[i];
		if (!so->n_pick)
			continue;
		if (!first)
			putc('\n', out);
		first = false;
		for (size_t j = 0; j < so->n_pick; j++) {
			fputs(pick_text(r->c, &so->pick[j]), out);
			putc('\n', out);
		}
	}
	return BF_OK;
}

/* ---- JSON ----------------------------------------------------------------- */

/* fmt must print a finite double; NaN or infinity has no JSON spelling. */
static void json_double(FILE *out, const char *fmt, double x)
{
	if (isfinite(x))
		fprintf(out, fmt, x);
	else
		fputs("null", out);
}

static void json_ids(FILE *out, const bf_corpus_t *c, const uint32_t *art,
                     size_t n)
{
	putc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', out);
		bf_json_str(out, bf_art_id(c, art[i]));
	}
	putc(']', out);
}

/* "input":{...}; stats adds the byte and ignored-file counts. */
static void json_input(FILE *out, const bf_corpus_t *c, bool stats)
{
	const bf_ingest_counts_t *in = &c->in;
	uint64_t used = c->n_art, skipped = n_skipped_total(c);
	fprintf(out, "\"input\":{\"files\":%" PRIu64 ",\"articles_read\":%" PRIu64
	        ",\"articles_used\":%" PRIu64 ",\"skipped\":{",
	        in->n_files, used + skipped, used);
	for (int k = 0; k < BF_SKIP__COUNT; k++) {
		fputs(k ? "," : "", out);
		bf_json_str(out, bf_skip_reason_name((bf_skip_reason_t)k));
		fprintf(out, ":%" PRIu64, in->n_skipped[k]);
	}
	fprintf(out, "},\"utf8_repaired\":%" PRIu64 ",\"sentences\":%zu,\"dropped\":{",
	        in->n_utf8_repaired, c->n_sent);
	for (int k = 0; k < BF_DROP__COUNT; k++) {
		fputs(k ? "," : "", out);
		bf_json_str(out, bf_drop_reason_name((bf_drop_reason_t)k));
		fprintf(out, ":%" PRIu64, c->n_drop[k]);
	}
	putc('}', out);
	if (stats)
		fprintf(out, ",\"bytes\":%" PRIu64 ",\"files_ignored\":%" PRIu64,
		        in->bytes_in, in->n_files_ignored);
	putc('}', out);
}

/* "dedup":{...}: the knobs that change the bytes, then what they gave. */
static void json_dedup(FILE *out, const bf_run_t *r, bool stats)
{
	const bf_options_t *o = r->opt;
	const bf_dedup_t *d = r->d;
	fputs("\"dedup\":{\"threshold\":", out);
	json_double(out, "%.6f", o->threshold);
	fprintf(out, ",\"shingle\":%u,\"num_perm\":%" PRIu32 ",\"bands\":%" PRIu32
	        ",\"rows\":%" PRIu32 ",\"seed\":%" PRIu64 ",\"types\":%zu"
	        ",\"clusters\":%zu,\"sentences_folded\":%zu",
	        o->shingle, o->num_perm, d->bands, d->rows, o->seed, d->n_types,
	        n_multi_clusters(d), d->n_sent - d->n_clusters);
	if (stats)
		fprintf(out, ",\"candidates\":%" PRIu64 ",\"links\":%" PRIu64,
		        d->n_candidates, d->n_links);
	putc('}', out);
}

static void json_pick(FILE *out, const bf_corpus_t *c, const bf_pick_t *p)
{
	const bf_sentence_t *s = &c->sent[p->sent];
	fputs("{\"text\":", out);
	bf_json_str(out, pick_text(c, p));
	fputs(",\"article\":", out);
	bf_json_str(out, bf_art_id(c, s->article));
	fprintf(out, ",\"position\":%" PRIu32 ",\"support\":%" PRIu32 ",\"score\":",
	        s->pos, p->support);
	json_double(out, "%.9g", p->score); /* same bits, same digits */
	putc('}', out);
}

static void json_story(FILE *out, const bf_run_t *r, size_t i)
{
	const bf_story_out_t *so = &r->b->st[i];
	const bf_stories_t *st = r->st;
	fprintf(out, "%s{\"rank\":%zu,\"story\":%" PRIu32 ",\"title\":",
	        i ? "," : "", i + 1, so->story);
	bf_json_str(out, so->title_art != UINT32_MAX
	                 ? bf_art_title(r->c, so->title_art) : NULL);
	fprintf(out, ",\"sources\":%" PRIu32 ",\"n_articles\":%" PRIu64 ",\"articles\":",
	        st->st_sources[so->story], story_n_art(st, so->story));
	json_ids(out, r->c, st->st_art + st->st_off[so->story],
	         (size_t)story_n_art(st, so->story));
	fputs(",\"sentences\":[", out);
	for (size_t j = 0; j < so->n_pick; j++) {
		if (j)
			putc(',', out);
		json_pick(out, r->c, &so->pick[j]);
	}
	fputs("]}", out);
}

static bf_status_t report_json(FILE *out, const bf_run_t *r)
{
	fputs("{\"version\":1,", out);
	json_input(out, r->c, false);
	putc(',', out);
	json_dedup(out, r, false);
	fputs(",\"stories\":[", out);
	for (size_t i = 0; i < r->b->n; i++)
		json_story(out, r, i);
	fputs("]}\n", out);
	return BF_OK;
}

bf_status_t bf_report_briefing(FILE *out, const bf_run_t *r)
{
	bf_status_t s;
	switch (r->opt->format) {
	case BF_FMT_MD: s = report_md(out, r); break;
	case BF_FMT_JSON: s = report_json(out, r); break;
	case BF_FMT_TXT: s = report_txt(out, r); break;
	default: errno = EINVAL; return BF_EARG;
	}
	return s != BF_OK ? s : written(out);
}

/* ---- --stats -------------------------------------------------------------- */

bf_status_t bf_report_stats(FILE *out, const bf_run_t *r)
{
	const bf_stories_t *st = r->st;
	const bf_briefing_t *b = r->b;
	fprintf(out, "{\"version\":1,\"threads\":%d,", r->n_threads);
	json_input(out, r->c, true);
	putc(',', out);
	json_dedup(out, r, true);
	fprintf(out, ",\"stories\":{\"stories\":%zu,\"copy_pairs\":%" PRIu64
	        ",\"story_links\":%" PRIu64 "}", st->n_stories, st->n_copy_pairs,
	        st->n_story_links);
	/* the sentence texts kept (each distinct one once), and how many
	 * went to the spill file: most of what a big run has read */
	fprintf(out, ",\"texts\":{\"bytes\":%" PRIu64 ",\"spilled_bytes\":%" PRIu64 "}",
	        r->c->ts.open_first + r->c->ts.open_len, r->c->ts.spilled_bytes);
	size_t n_pick = 0;
	for (size_t i = 0; i < b->n; i++)
		n_pick += b->st[i].n_pick;
	fprintf(out, ",\"briefing\":{\"stories\":%zu,\"sentences\":%zu,\"words\":%"
	        PRIu32 "},\"seconds\":{", b->n, n_pick, b->n_words);
	double total = 0;
	for (int s = 0; s < BF_STAGE__COUNT; s++) {
		fprintf(out, "%s\"%s\":", s ? "," : "", bf_stage_name((bf_stage_t)s));
		json_double(out, "%.3f", r->stage_s[s]);
		total += r->stage_s[s];
	}
	fputs(",\"total\":", out);
	json_double(out, "%.3f", total);
	/* peak resident memory of the process when each stage ended: where
	 * the memory goes, for the bench */
	fputs("},\"peak_rss_kb\":{", out);
	for (int s = 0; s < BF_STAGE__COUNT; s++)
		fprintf(out, "%s\"%s\":%" PRIu64, s ? "," : "",
		        bf_stage_name((bf_stage_t)s), r->stage_rss_kb[s]);
	fputs("}}\n", out);
	return written(out);
}

/* ---- --groups ------------------------------------------------------------- */

/* Articles bucketed by copy group: off[g]..off[g+1] in art lists, ascending,
 * the articles whose copy_of is g.  Counting sort, O(articles). */
typedef struct {
	uint32_t *off, *art;
} copy_index_t;

static bool copy_index_build(copy_index_t *x, const bf_stories_t *st)
{
	size_t n = st->n_art;
	x->off = calloc(n + 2, sizeof *x->off);
	x->art = malloc((n ? n : 1) * sizeof *x->art);
	if (!x->off || !x->art)
		return false;
	for (size_t a = 0; a < n; a++) {
		/* bf_stories.h: copy_of is an article id; anything else would
		 * write out of bounds below */
		assert(st->copy_of[a] < n);
		x->off[st->copy_of[a] + 2]++;
	}
	for (size_t g = 0; g < n; g++)
		x->off[g + 2] += x->off[g + 1];
	for (size_t a = 0; a < n; a++) /* off shifted by one: the fill cursor */
		x->art[x->off[st->copy_of[a] + 1]++] = (uint32_t)a;
	return true;
}

/* Copy groups of a story, by smallest article.  A group's id is its
 * smallest article (bf_stories.h) and copies always share a story, so
 * walking the story's ascending articles and taking the bucket named by
 * each (empty unless the article leads a group) meets the groups in order. */
static void groups_story(FILE *out, const bf_run_t *r, const copy_index_t *x,
                         uint32_t s)
{
	const bf_stories_t *st = r->st;
	const uint32_t *art = st->st_art + st->st_off[s];
	size_t n = (size_t)story_n_art(st, s);
	fprintf(out, "{\"story\":%" PRIu32 ",\"articles\":", s);
	json_ids(out, r->c, art, n);
	fputs(",\"copies\":[", out);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = art[i], size = x->off[a + 1] - x->off[a];
		if (size < 2)
			continue;
		fputs(first ? "" : ",", out);
		first = false;
		json_ids(out, r->c, x->art + x->off[a], size);
	}
	fputs("]}\n", out);
}

/* Stories per parallel unit of the --groups file (fixed, so the units'
 * text concatenates in story order at any thread count). */
#define GROUP_STORIES 2048u

/* Stories [lo, hi) into a buffer of their own (open_memstream); false
 * when out of memory. */
static bool groups_chunk(const bf_run_t *r, const copy_index_t *x, size_t lo, size_t hi,
                         char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	if (!f)
		return false;
	for (size_t s = lo; s < hi; s++)
		groups_story(f, r, x, (uint32_t)s);
	bool ok = !ferror(f);
	return fclose(f) == 0 && ok;
}

/* The stories' lines, in parallel units of GROUP_STORIES each made in
 * memory, then written in order (looking up article ids scattered over
 * the corpus: 0.1 s of one thread for the 1 GB dump's 11 MB); on one
 * thread straight to out.  False when out of memory. */
static bool groups_lines(FILE *out, const bf_run_t *r, const copy_index_t *x)
{
	size_t ns = r->st->n_stories, n_ch = (ns + GROUP_STORIES - 1) / GROUP_STORIES;
	if (r->n_threads < 2 || n_ch < 2) {
		for (size_t s = 0; s < ns; s++)
			groups_story(out, r, x, (uint32_t)s);
		return true;
	}
	char **buf = calloc(n_ch, sizeof *buf);
	size_t *len = calloc(n_ch, sizeof *len);
	bool ok = buf && len;
#pragma omp parallel for schedule(dynamic, 1) num_threads(r->n_threads) reduction(&& : ok)
	for (long k = 0; k < (long)(ok ? n_ch : 0); k++) {
		size_t lo = (size_t)k * GROUP_STORIES, hi = lo + GROUP_STORIES < ns ? lo + GROUP_STORIES : ns;
		ok = groups_chunk(r, x, lo, hi, &buf[k], &len[k]) && ok;
	}
	for (size_t k = 0; ok && k < n_ch; k++)
		fwrite(buf[k], 1, len[k], out); /* a failure shows in ferror */
	for (size_t k = 0; buf && k < n_ch; k++)
		free(buf[k]);
	free(buf);
	free(len);
	return ok;
}

bf_status_t bf_report_groups(FILE *out, const bf_run_t *r)
{
	copy_index_t x = { 0 };
	bool ok = copy_index_build(&x, r->st) && groups_lines(out, r, &x);
	free(x.off);
	free(x.art);
	if (!ok)
		return BF_ENOMEM;
	return written(out);
}
