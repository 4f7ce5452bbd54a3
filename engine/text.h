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
 */
char *text_value(const char *s);
/*
 * The same for an option string that is parsed once, with no graph
 * parser around it: the argument of a "reinit" command.
 */
char *text_option(const char *s);
/*
 * The TrueType font file to draw with (DejaVu Sans, bold or regular), or
 * NULL when the machine has none.
 */
const char *text_font(int bold);
/*
 * drawtext's font option, ready for a graph description: "fontfile=..."
 * of file (the operator's font; NULL or "": the default above), else of
 * fontconfig's "Sans" when that file cannot be read (with *why set, when
 * why is not NULL, to a new message naming the file; no DejaVu at all is
 * said once in the log). Never fails: whether fontconfig has a font is
 * for the filter graph to find out.
 */
char *text_font_arg(const char *file, int bold, char **why);
/*
 * Wrap s at spaces to lines of at most width characters (UTF-8 aware),
 * keeping at most max_lines (the last ending in "..." when cut).
 */
char *text_wrap(const char *s, size_t width, int max_lines);

#endif
