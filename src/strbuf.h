/*
 * strbuf.h: a string that grows as it is written to, for the lists and
 * statements built a piece at a time ("a, b, c", "INSERT ... (cols)").
 * Allocation cannot fail (xmalloc). A zeroed struct strbuf is empty.
 */
#ifndef RV_STRBUF_H
#define RV_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;                        /* NUL-terminated once anything was added */
	size_t len, cap;
};

/* Append printf-style. */
void strbuf_add(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append sep (unless b is still empty), then printf-style: a list item. */
void strbuf_item(struct strbuf *b, const char *sep, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The text so far ("" when empty); valid until the next change. */
const char *strbuf_str(const struct strbuf *b);
/* The text as a new string the caller frees ("" when empty); b is empty again. */
char *strbuf_take(struct strbuf *b);
/* Free; b is empty again. */
void strbuf_free(struct strbuf *b);

#endif
