/*
 * strbuf.c: growing strings.
 */
#include "src/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/util.h"

/* Append a formatted piece. */
static void
vadd(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xreallocarray(b->s, 1, b->cap);
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void
strbuf_add(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(b, fmt, ap);
	va_end(ap);
}

void
strbuf_item(struct strbuf *b, const char *sep, const char *fmt, ...)
{
	va_list ap;

	if (b->len > 0)
		strbuf_add(b, "%s", sep);
	va_start(ap, fmt);
	vadd(b, fmt, ap);
	va_end(ap);
}

const char *
strbuf_str(const struct strbuf *b)
{
	return b->s != NULL ? b->s : "";
}

char *
strbuf_take(struct strbuf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
