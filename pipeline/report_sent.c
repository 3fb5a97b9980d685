/* report_sent.c - sentence-level JSON Lines: --clusters and --sentences
 * (see bf_report.h).
 *
 * These files can hold one line per sentence of a whole night's news,
 * millions of records, so records are printed straight from the corpus
 * arrays. */
#include "bf_report.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>

/* {"article":A,"sentence":i,"text":T}: the sentence's own place and text. */
static void json_sentence(FILE *out, const bf_corpus_t *c, uint32_t s)
{
	fputs("{\"article\":", out);
	bf_json_str(out, bf_art_id(c, c->sent[s].article));
	fprintf(out, ",\"sentence\":%" PRIu32 ",\"text\":", c->sent[s].pos);
	bf_json_str(out, bf_sent_text(c, s));
	putc('}', out);
}

bf_status_t bf_report_sentences(FILE *out, const bf_run_t *r)
{
	for (size_t s = 0; s < r->c->n_sent; s++) {
		json_sentence(out, r->c, (uint32_t)s);
		putc('\n', out);
	}
	return ferror(out) ? BF_EIO : BF_OK;
}

/* Members of every cluster in sentence order by one counting sort over
 * cluster_of: O(sentences + clusters), where scanning all sentences per
 * cluster would be quadratic on a big night.  Returns false on ENOMEM. */
static bool cluster_members(const bf_dedup_t *d, uint32_t **off_out,
                            uint32_t **mem_out)
{
	uint32_t *off = calloc(d->n_clusters + 2, sizeof *off);
	uint32_t *mem = malloc((d->n_sent ? d->n_sent : 1) * sizeof *mem);
	if (!off || !mem) {
		free(off);
		free(mem);
		return false;
	}
	for (size_t s = 0; s < d->n_sent; s++) {
		assert(d->cluster_of[s] < d->n_clusters); /* else out of bounds */
		off[d->cluster_of[s] + 2]++;
	}
	for (size_t k = 0; k < d->n_clusters; k++)
		off[k + 2] += off[k + 1];
	/* off[k + 1] is the fill cursor of cluster k; afterwards cluster k
	 * spans off[k]..off[k + 1] */
	for (size_t s = 0; s < d->n_sent; s++)
		mem[off[d->cluster_of[s] + 1]++] = (uint32_t)s;
	*off_out = off;
	*mem_out = mem;
	return true;
}

bf_status_t bf_report_clusters(FILE *out, const bf_run_t *r)
{
	const bf_dedup_t *d = r->d;
	uint32_t *off, *mem;
	if (!cluster_members(d, &off, &mem))
		return BF_ENOMEM;
	for (size_t k = 0; k < d->n_clusters; k++) {
		if (d->cl_size[k] < 2)
			continue;
		fprintf(out, "{\"cluster\":%zu,\"size\":%" PRIu32 ",\"members\":[", k,
		        d->cl_size[k]);
		for (uint32_t i = off[k]; i < off[k + 1]; i++) {
			if (i > off[k])
				putc(',', out);
			json_sentence(out, r->c, mem[i]);
		}
		fputs("]}\n", out);
	}
	free(off);
	free(mem);
	return ferror(out) ? BF_EIO : BF_OK;
}
