/*
 * iso639.c: the languages a library is likely to hold, by every code and
 * name they go by.
 */
#include "src/iso639.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/util.h"

static const struct lang {
	const char *b;                  /* ISO 639-2/B */
	const char *t;                  /* ISO 639-2/T, NULL: the same */
	const char *one;                /* ISO 639-1, NULL: none */
	const char *name;               /* English */
} langs[] = {
	{ "alb", "sqi", "sq", "Albanian" },
	{ "ara", NULL, "ar", "Arabic" },
	{ "arm", "hye", "hy", "Armenian" },
	{ "baq", "eus", "eu", "Basque" },
	{ "ben", NULL, "bn", "Bengali" },
	{ "bos", NULL, "bs", "Bosnian" },
	{ "bul", NULL, "bg", "Bulgarian" },
	{ "bur", "mya", "my", "Burmese" },
	{ "cat", NULL, "ca", "Catalan" },
	{ "chi", "zho", "zh", "Chinese" },
	{ "cze", "ces", "cs", "Czech" },
	{ "dan", NULL, "da", "Danish" },
	{ "dut", "nld", "nl", "Dutch" },
	{ "eng", NULL, "en", "English" },
	{ "est", NULL, "et", "Estonian" },
	{ "fil", NULL, NULL, "Filipino" },
	{ "fin", NULL, "fi", "Finnish" },
	{ "fre", "fra", "fr", "French" },
	{ "geo", "kat", "ka", "Georgian" },
	{ "ger", "deu", "de", "German" },
	{ "gle", NULL, "ga", "Irish" },
	{ "glg", NULL, "gl", "Galician" },
	{ "gre", "ell", "el", "Greek" },
	{ "heb", NULL, "he", "Hebrew" },
	{ "hin", NULL, "hi", "Hindi" },
	{ "hrv", NULL, "hr", "Croatian" },
	{ "hun", NULL, "hu", "Hungarian" },
	{ "ice", "isl", "is", "Icelandic" },
	{ "ind", NULL, "id", "Indonesian" },
	{ "ita", NULL, "it", "Italian" },
	{ "jpn", NULL, "ja", "Japanese" },
	{ "kor", NULL, "ko", "Korean" },
	{ "lat", NULL, "la", "Latin" },
	{ "lav", NULL, "lv", "Latvian" },
	{ "lit", NULL, "lt", "Lithuanian" },
	{ "mac", "mkd", "mk", "Macedonian" },
	{ "may", "msa", "ms", "Malay" },
	{ "nor", NULL, "no", "Norwegian" },
	{ "nob", NULL, "nb", "Norwegian Bokmal" },
	{ "nno", NULL, "nn", "Norwegian Nynorsk" },
	{ "per", "fas", "fa", "Persian" },
	{ "pol", NULL, "pl", "Polish" },
	{ "por", NULL, "pt", "Portuguese" },
	{ "rum", "ron", "ro", "Romanian" },
	{ "rus", NULL, "ru", "Russian" },
	{ "slo", "slk", "sk", "Slovak" },
	{ "slv", NULL, "sl", "Slovenian" },
	{ "spa", NULL, "es", "Spanish" },
	{ "srp", NULL, "sr", "Serbian" },
	{ "swe", NULL, "sv", "Swedish" },
	{ "tam", NULL, "ta", "Tamil" },
	{ "tel", NULL, "te", "Telugu" },
	{ "tha", NULL, "th", "Thai" },
	{ "tur", NULL, "tr", "Turkish" },
	{ "ukr", NULL, "uk", "Ukrainian" },
	{ "urd", NULL, "ur", "Urdu" },
	{ "vie", NULL, "vi", "Vietnamese" },
	{ "wel", "cym", "cy", "Welsh" },
};

/* The table's row for s (one language word, no region), or NULL. */
static const struct lang *
find(const char *s)
{
	size_t i;

	for (i = 0; i < nitems(langs); i++) {
		if (strcasecmp(s, langs[i].b) == 0 || (langs[i].t != NULL &&
		    strcasecmp(s, langs[i].t) == 0) || (langs[i].one != NULL &&
		    strcasecmp(s, langs[i].one) == 0) || strcasecmp(s, langs[i].name) == 0)
			return &langs[i];
	}
	/* "Portuguese (Brazil)", "Spanish Latin American" are not asked for. */
	return NULL;
}

/* s up to a region or script, into word; 0 if it is not all letters. */
static int
word_of(const char *s, char *word, size_t len)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	while (s[n] != '\0' && s[n] != '-' && s[n] != '_') {
		if (!isalpha((unsigned char)s[n]) || n + 1 >= len)
			return 0;
		word[n] = s[n];
		n++;
	}
	word[n] = '\0';
	return n >= 2;
}

/* Normalise. */
const char *
iso639_norm(const char *s, char *buf, size_t len)
{
	const struct lang *l;
	char word[32];
	size_t i;

	if (!word_of(s, word, sizeof word) || len < 4)
		return NULL;
	if ((l = find(word)) != NULL) {
		snprintf(buf, len, "%s", l->b);
		return buf;
	}
	if (strlen(word) != 3 || strcasecmp(word, "und") == 0 || strcasecmp(word, "mul") == 0 ||
	    strcasecmp(word, "zxx") == 0)
		return NULL;
	for (i = 0; i < 3; i++)
		buf[i] = (char)tolower((unsigned char)word[i]);
	buf[3] = '\0';
	return buf;
}

/* The same language? */
int
iso639_same(const char *a, const char *b)
{
	char x[8], y[8];

	return iso639_norm(a, x, sizeof x) != NULL && iso639_norm(b, y, sizeof y) != NULL &&
	    strcmp(x, y) == 0;
}

/* For HLS. */
const char *
iso639_bcp47(const char *s, char *buf, size_t len)
{
	const struct lang *l;
	char code[8];

	if (iso639_norm(s, code, sizeof code) == NULL)
		return NULL;
	l = find(code);
	snprintf(buf, len, "%s", l != NULL && l->one != NULL ? l->one : code);
	return buf;
}

/* English name. */
const char *
iso639_name(const char *s)
{
	const struct lang *l;
	char code[8];

	if (iso639_norm(s, code, sizeof code) == NULL || (l = find(code)) == NULL)
		return NULL;
	return l->name;
}

/* Add a language code to a comma list, once. */
void
iso639_list_add(char **list, const char *code)
{
	const char *p;
	char *n;
	size_t len = strlen(code);

	if (len == 0 || len > 8 || strcmp(code, "und") == 0)
		return;
	for (p = *list; p != NULL && (p = strstr(p, code)) != NULL; p += len) {
		if ((p == *list || p[-1] == ',') && (p[len] == '\0' || p[len] == ','))
			return;
	}
	xasprintf(&n, "%s%s%s", *list != NULL ? *list : "", *list != NULL ? "," : "", code);
	free(*list);
	*list = n;
}
