/* bf_xxhash.h - xxHash, compiled into each caller (XXH_INLINE_ALL).
 *
 * Most keys hashed here are short (a word, a 3-word shingle, a 20-byte band
 * of MinHash rows), where a call through the shared library's PLT and
 * XXH3's length dispatch cost as much as the hashing itself.  xxhash.h
 * carries the whole implementation for this; the hashes are the same
 * functions, so every key and output is unchanged. */
#ifndef BF_XXHASH_H
#define BF_XXHASH_H

#define XXH_INLINE_ALL
#include <xxhash.h>

#endif
