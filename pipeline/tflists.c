/* tflists.c - kept term-frequency lists (see bf_tflists.h). */
#include "bf_array.h"
#include "bf_tflists.h"

#include <stdlib.h>
#include <string.h>

bool bf_tfl_init(bf_tflists_t *l, size_t n_art)
{
	size_t n_ch = (n_art + BF_TFL_CHUNK - 1) / BF_TFL_CHUNK;
	memset(l, 0, sizeof *l);
	l->n_art = n_art;
	l->ch = calloc(n_ch ? n_ch : 1, sizeof *l->ch);
	l->at = malloc((n_art ? n_art : 1) * sizeof *l->at);
	l->n = malloc((n_art ? n_art : 1) * sizeof *l->n);
	if (!l->ch || !l->at || !l->n) {
		bf_tfl_free(l);
		return false;
	}
	for (size_t a = 0; a < n_art; a++)
		l->n[a] = BF_TFL_NONE;
	return true;
}

void bf_tfl_free(bf_tflists_t *l)
{
	size_t n_ch = (l->n_art + BF_TFL_CHUNK - 1) / BF_TFL_CHUNK;
	for (size_t i = 0; l->ch && i < n_ch; i++) {
		free(l->ch[i].term);
		free(l->ch[i].tf);
	}
	free(l->ch);
	free(l->at);
	free(l->n);
	memset(l, 0, sizeof *l);
}

bf_tfl_chunk_t *bf_tfl_room(bf_tflists_t *l, uint32_t a, size_t n)
{
	bf_tfl_chunk_t *ch = &l->ch[a / BF_TFL_CHUNK];
	if (ch->n + n <= ch->cap)
		return ch;
	/* offsets into a chunk are 32-bit */
	size_t cap = bf_array_next_cap(ch->cap, ch->n + n);
	if (cap > UINT32_MAX || !bf_array_resize((void **)&ch->term, cap, sizeof *ch->term) ||
	    !bf_array_resize((void **)&ch->tf, cap, sizeof *ch->tf))
		return NULL;
	ch->cap = cap;
	return ch;
}

void bf_tfl_done(bf_tflists_t *l, uint32_t a, uint32_t k)
{
	bf_tfl_chunk_t *ch = &l->ch[a / BF_TFL_CHUNK];
	l->n[a] = k;
	if (k == BF_TFL_NONE)
		return;
	l->at[a] = (uint32_t)ch->n;
	ch->n += k;
}

void bf_tfl_trim(bf_tflists_t *l, uint32_t a)
{
	bf_tfl_chunk_t *ch = &l->ch[a / BF_TFL_CHUNK];
	/* a failed shrink leaves the larger block, which is as good */
	if (ch->n && ch->n < ch->cap &&
	    bf_array_resize((void **)&ch->term, ch->n, sizeof *ch->term)) {
		ch->cap = ch->n;
		bf_array_resize((void **)&ch->tf, ch->n, sizeof *ch->tf);
	}
}
