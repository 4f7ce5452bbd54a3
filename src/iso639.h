/*
 * iso639.h: language codes as files and players write them. Streams say
 * "eng" or "fre" (ISO 639-2/B) or "fra" (639-2/T), sidecar file names
 * "en" or "English" or "pt-BR", HLS wants "en" (BCP 47). Each is brought
 * to one code, ISO 639-2/B, so they compare.
 */
#ifndef RV_ISO639_H
#define RV_ISO639_H

#include <stddef.h>

/*
 * The ISO 639-2/B code of a language written as a 639-1 code ("en"), a
 * 639-2/B or /T code ("eng", "fra"), its English name ("French"), any
 * case, with a region or script after '-' or '_' ("pt-BR"). A three-letter
 * code not in the table is taken as it is (lower case); NULL when s is
 * none of these.
 */
const char *iso639_norm(const char *s, char *buf, size_t len);
/* Do two codes (any of the forms above) name the same language? */
int iso639_same(const char *a, const char *b);
/* The 639-1 code of a language ("en") for HLS, else its 639-2 code; NULL if unknown. */
const char *iso639_bcp47(const char *s, char *buf, size_t len);
/* Its English name ("English"), or NULL. */
const char *iso639_name(const char *s);
/*
 * Add a stream's language code to a comma list ("eng,spa"), once; "und"
 * (undetermined) and empty codes are left out. *list is NULL or allocated.
 */
void iso639_list_add(char **list, const char *code);

#endif
