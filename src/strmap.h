/*
 * strmap.h: the hash map from strings to a few integers: the sync's "what
 * do we have already" tables (a Plex ratingKey to a row id, its stored
 * updatedAt and whether this run saw it), the scheduler's interned names.
 */
#ifndef RV_STRMAP_H
#define RV_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_val {
	int64_t id;                     /* a row id */
	int64_t stamp;                  /* e.g. updated_at_plex */
	int64_t aux;                    /* e.g. an owner or a count */
	int64_t aux2;
	int seen;                       /* set by the user */
};

struct strmap;

struct strmap *strmap_new(void);
/* A map whose keys compare without ASCII case ("ACME" is "Acme"). */
struct strmap *strmap_new_nocase(void);
/* Free; accepts NULL and sets *mp to NULL. */
void strmap_free(struct strmap **mp);
/* The value for key, or NULL. */
struct strmap_val *strmap_get(struct strmap *m, const char *key);
/* The value for key, created zeroed if missing. */
struct strmap_val *strmap_put(struct strmap *m, const char *key);
size_t strmap_count(const struct strmap *m);
/* Call fn for every entry, in no particular order. */
void strmap_each(struct strmap *m, void (*fn)(void *arg, const char *key,
    struct strmap_val *v), void *arg);

#endif
