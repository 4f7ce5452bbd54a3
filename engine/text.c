/*
 * text.c: quoting for drawtext, the font, word wrapping.
 *
 * A value in "filter=key=VALUE:key=VALUE" goes through av_get_token twice:
 * the graph parser reads the whole argument string (stopping at [ ] , ;),
 * then the option parser reads each value (stopping at :). Both honour
 * backslash escapes and '...' quotes. So the value is first wrapped in
 * single quotes for the option parser ('\'' for a quote inside), and the
 * result is backslash-escaped for the graph parser.
 */
#include "engine/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

#include "src/log.h"
#include "src/util.h"

/* Quote for the option parser: '...' with '\'' for each quote. */
char *
text_option(const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *quoted = xmalloc(n * 4 + 3);

	quoted[k++] = '\'';
	for (i = 0; i < n; i++) {
		if (s[i] == '\'') {
			memcpy(quoted + k, "'\\''", 4);
			k += 4;
		} else
			quoted[k++] = s[i];
	}
	quoted[k++] = '\'';
	quoted[k] = '\0';
	return quoted;
}

/* Quote for the option parser, then escape for the graph parser. */
char *
text_value(const char *s)
{
	char *quoted = text_option(s), *out;
	size_t k = strlen(quoted), i, n;

	/* Level two: backslash before what the graph parser treats specially. */
	out = xmalloc(k * 2 + 1);
	for (i = 0, n = 0; i < k; i++) {
		if (strchr("\\'[],;", quoted[i]) != NULL)
			out[n++] = '\\';
		out[n++] = quoted[i];
	}
	out[n] = '\0';
	free(quoted);
	return out;
}

/* fontconfig's file for a pattern ("Sans:style=Bold"), or NULL. */
static char *
fc_file(const char *pattern)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)pattern), *best;
	FcResult r = FcResultNoMatch;
	FcChar8 *file;
	char *out = NULL;

	if (pat == NULL)
		return NULL;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	best = FcFontMatch(NULL, pat, &r);
	if (best != NULL && r == FcResultMatch &&
	    FcPatternGetString(best, FC_FILE, 0, &file) == FcResultMatch &&
	    access((const char *)file, R_OK) == 0)
		out = xstrdup((const char *)file);
	if (best != NULL)
		FcPatternDestroy(best);
	FcPatternDestroy(pat);
	return out;
}

/* DejaVu, else fontconfig's Sans. */
char *
text_font(int bold)
{
	static const char *regular[] = {
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
		"/usr/share/fonts/TTF/DejaVuSans.ttf",
		"/usr/share/fonts/dejavu/DejaVuSans.ttf",
	};
	static const char *heavy[] = {
		"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
		"/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
		"/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
	};
	static int said;                /* atomic: 1 said Sans, 2 said no font */
	const char **list = bold ? heavy : regular;
	char *file;
	size_t i;

	for (i = 0; i < nitems(regular); i++) {
		if (access(list[i], R_OK) == 0)
			return xstrdup(list[i]);
	}
	for (i = 0; bold && i < nitems(regular); i++) {
		if (access(regular[i], R_OK) == 0)
			return xstrdup(regular[i]);     /* DejaVu without its bold */
	}
	/*
	 * Resolved here rather than with drawtext's own font=: FFmpeg 5.1 leaks
	 * a fontconfig configuration at each drawtext that finds no font.
	 */
	if ((file = fc_file(bold ? "Sans:style=Bold" : "Sans")) != NULL) {
		if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED) == 0)
			log_warn("no DejaVu Sans font on this machine (Debian: fonts-dejavu-core); "
			    "text on the picture uses fontconfig's Sans (%s)", file);
		return file;
	}
	if (__atomic_exchange_n(&said, 2, __ATOMIC_RELAXED) != 2)
		log_warn("no font at all on this machine (Debian: fonts-dejavu-core): the picture "
		    "carries no text (lower thirds, alert text, cards); everything else airs");
	return NULL;
}

/* drawtext's font option: the file, else the default; NULL: no font. */
char *
text_font_arg(const char *file, int bold, char **why)
{
	char *v, *arg, *dflt = NULL;

	if (why != NULL)
		*why = NULL;
	if (file != NULL && *file != '\0' && access(file, R_OK) != 0) {
		if (why != NULL)
			xasprintf(why, "the font %s cannot be read (%s); using DejaVu Sans, else "
			    "fontconfig's Sans", file, strerror(errno));
		file = NULL;
	}
	if (file == NULL || *file == '\0') {
		if ((file = dflt = text_font(bold)) == NULL)
			return NULL;
	}
	v = text_value(file);
	xasprintf(&arg, "fontfile=%s", v);
	free(v);
	free(dflt);
	return arg;
}

/* Greedy wrap at spaces. */
char *
text_wrap(const char *s, size_t width, int max_lines)
{
	size_t cap = strlen(s) + 8, len = 0, line = 0, w;
	char *out = xmalloc(cap + 1);
	const char *p = s, *end;
	int lines = 1;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \n\t");
		w = utf8_chars(p, (size_t)(end - p));
		if (line > 0 && line + 1 + w > width) {
			if (lines == max_lines) {
				memcpy(out + len, "...", 3);
				len += 3;
				break;
			}
			out[len++] = '\n';
			lines++;
			line = 0;
		} else if (line > 0) {
			out[len++] = ' ';
			line++;
		}
		if (len + (size_t)(end - p) + 4 > cap) {
			cap = (len + (size_t)(end - p) + 4) * 2;
			out = xreallocarray(out, cap + 1, 1);
		}
		memcpy(out + len, p, (size_t)(end - p));
		len += (size_t)(end - p);
		line += w;
		p = end;
	}
	out[len] = '\0';
	return out;
}
