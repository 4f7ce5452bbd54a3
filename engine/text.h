/*
 * text.h: text on the picture. Any string (a title with quotes, colons,
 * percent signs, backslashes, accents) must reach drawtext unchanged and
 * must never break a filter graph description, so values are quoted for
 * the two parsers they pass through: the option parser and the graph
 * parser. Also the font to draw with, and word wrapping.
 */
#ifndef RV_ENGINE_TEXT_H
#define RV_ENGINE_TEXT_H

#include <stddef.h>

/*
 * A filter option value for use inside a filter graph description:
 * "drawtext=text=%s" with text_value(s) gives drawtext exactly s (use
 * expansion=none so % is literal). Also right for expressions and paths.
 * This and the functions below return new strings the caller frees.
 */
char *text_value(const char *s);
/*
 * The same for an option string that is parsed once, with no graph
 * parser around it: the argument of a "reinit" command.
 */
char *text_option(const char *s);
/*
 * The font file to draw with: DejaVu Sans (bold or regular), else what
 * fontconfig gives for "Sans"; a new string, or NULL when the machine has
 * no font at all.
 */
char *text_font(int bold);
/*
 * drawtext's font option, ready for a graph description: "fontfile=..."
 * of file (the operator's font; NULL or "": the default above), else of
 * the default when that file cannot be read (with *why set, when why is
 * not NULL, to a new message naming the file). NULL when there is no
 * font at all: draw no text (said once in the log). Other fallbacks are
 * said once in the log too.
 */
char *text_font_arg(const char *file, int bold, char **why);
/*
 * Wrap s at spaces to lines of at most width characters (UTF-8 aware),
 * keeping at most max_lines (the last ending in "..." when cut).
 */
char *text_wrap(const char *s, size_t width, int max_lines);

#endif
