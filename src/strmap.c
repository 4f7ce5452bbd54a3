/*
 * strmap.c: open addressing with linear probing, FNV-1a hashes.
 */
#include "src/strmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/util.h"

struct slot {
	char *key;                      /* owned; NULL: empty */
	uint64_t hash;
	struct strmap_val val;
};

struct strmap {
	struct slot *slots;
	size_t cap;                     /* a power of two */
	size_t count;
	int nocase;                     /* keys compare without ASCII case */
};

/* FNV-1a (of the lower-cased key in a map without case). */
static uint64_t
hash(const struct strmap *m, const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= m->nocase ? (unsigned char)tolower((unsigned char)*s) : (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* New empty map. */
struct strmap *
strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof *m);

	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

/* New empty map whose keys compare without ASCII case. */
struct strmap *
strmap_new_nocase(void)
{
	struct strmap *m = strmap_new();

	m->nocase = 1;
	return m;
}

/* Free. */
void
strmap_free(struct strmap **mp)
{
	struct strmap *m;
	size_t i;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
	*mp = NULL;
}

/* The slot for key: its own or the empty one where it would go. */
static struct slot *
find(struct strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		struct slot *s = &m->slots[i];

		if (s->key == NULL || (s->hash == h && (m->nocase ? strcasecmp(s->key, key) :
		    strcmp(s->key, key)) == 0))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

/* Double the table. */
static void
grow(struct strmap *m)
{
	struct slot *old = m->slots, *s;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		s = find(m, old[i].key, old[i].hash);
		*s = old[i];
	}
	free(old);
}

/* Look up. */
struct strmap_val *
strmap_get(struct strmap *m, const char *key)
{
	struct slot *s = find(m, key, hash(m, key));

	return s->key != NULL ? &s->val : NULL;
}

/* Look up or insert. */
struct strmap_val *
strmap_put(struct strmap *m, const char *key)
{
	uint64_t h = hash(m, key);
	struct slot *s;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key, h);
	if (s->key == NULL) {
		s->key = xstrdup(key);
		s->hash = h;
		memset(&s->val, 0, sizeof s->val);
		m->count++;
	}
	return &s->val;
}

/* Number of keys. */
size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}

/* Visit every entry. */
void
strmap_each(struct strmap *m, void (*fn)(void *arg, const char *key, struct strmap_val *v),
    void *arg)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key != NULL)
			fn(arg, m->slots[i].key, &m->slots[i].val);
	}
}
