/*
 * xjson.c: JSON from outside text that never drops an element.
 */
#include "src/xjson.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/util.h"

/* A string, repaired if it is not UTF-8. */
json_t *
xjson_str(const char *s)
{
	json_t *v;
	char *fixed;
	size_t n;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	n = strlen(s) + 1;
	fixed = xmalloc(n);
	utf8_copy(fixed, n, s);
	v = json_string(fixed);
	free(fixed);
	return v;
}

/* Skip what jansson ignores between tokens. */
static void
skip(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == ':' || **p == ',')
		(*p)++;
}

static json_t *value(const char **p, va_list *ap, int *bad);

/* An object after '{', up to its '}'. */
static json_t *
object(const char **p, va_list *ap, int *bad)
{
	json_t *o = json_object(), *v, *k;
	const char *key;

	for (;;) {
		skip(p);
		if (**p == '}') {
			(*p)++;
			return o;
		}
		if (**p != 's') {
			*bad = 1;
			return o;
		}
		(*p)++;
		key = va_arg(*ap, const char *);
		skip(p);
		v = value(p, ap, bad);
		if (*bad) {
			json_decref(v);
			return o;
		}
		if (key == NULL) {
			log_error("xjson_pack: a NULL key; its value is left out");
			json_decref(v);
			continue;
		}
		/* The key repaired too (json_object_set_new would drop the value). */
		k = xjson_str(key);
		json_object_set_new(o, json_string_value(k), v);
		json_decref(k);
	}
}

/* An array after '[', up to its ']'. */
static json_t *
array(const char **p, va_list *ap, int *bad)
{
	json_t *a = json_array(), *v;

	for (;;) {
		skip(p);
		if (**p == ']') {
			(*p)++;
			return a;
		}
		v = value(p, ap, bad);
		if (*bad) {
			json_decref(v);
			return a;
		}
		json_array_append_new(a, v);
	}
}

/* One value of the format, with its arguments. */
static json_t *
value(const char **p, va_list *ap, int *bad)
{
	json_t *o;
	char c;

	skip(p);
	if (**p == '\0') {
		*bad = 1;
		return NULL;
	}
	c = *(*p)++;
	switch (c) {
	case '{':
		return object(p, ap, bad);
	case '[':
		return array(p, ap, bad);
	case 's':
		if (**p == '?')
			(*p)++;
		return xjson_str(va_arg(*ap, const char *));
	case 'n':
		return json_null();
	case 'b':
		return json_boolean(va_arg(*ap, int));
	case 'i':
		return json_integer(va_arg(*ap, int));
	case 'I':
		return json_integer(va_arg(*ap, json_int_t));
	case 'f':
		return json_real(va_arg(*ap, double));
	case 'o':
	case 'O':
		if (**p == '?')
			(*p)++;
		o = va_arg(*ap, json_t *);
		if (o == NULL)
			return json_null();
		return c == 'O' ? json_incref(o) : o;
	default:
		*bad = 1;
		return NULL;
	}
}

/* json_pack that keeps every element. */
json_t *
xjson_pack(const char *fmt, ...)
{
	const char *p = fmt;
	va_list ap;
	json_t *v;
	int bad = 0;

	va_start(ap, fmt);
	v = value(&p, &ap, &bad);
	va_end(ap);
	skip(&p);
	if (bad || *p != '\0') {
		log_error("xjson_pack: bad format \"%s\" at %d", fmt, (int)(p - fmt));
		json_decref(v);
		return NULL;
	}
	return v;
}
