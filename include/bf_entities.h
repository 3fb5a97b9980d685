/* bf_entities.h - decoding of HTML character references that leak into
 * scraped news text ("&quot;", "&#8220;", "&amp;", "&nbsp;").
 *
 * Hand-written on purpose: the only Debian libraries that decode entities
 * are whole HTML parsers (libxml2, gumbo), which would re-parse plain text
 * as a document.  Only complete references are decoded (numeric ones, and
 * the named ones news text uses); anything else is left as it is. */
#ifndef BF_ENTITIES_H
#define BF_ENTITIES_H

#include <stddef.h>

/* Decodes s[0..len) into out (room for len bytes: a decoded reference is
 * never longer than its source).  Returns the bytes written. */
size_t bf_entities_decode(const char *s, size_t len, char *out);

#endif
