/*
 * test_text.c: awkward titles reach drawtext unchanged through a real
 * filter graph description; fonts; wrapping.
 */
#include <string.h>

#include <libavfilter/avfilter.h>
#include <libavutil/opt.h>

#include "engine/text.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/*
 * Parse a graph with drawtext text=text_value(s) and read the text back;
 * with live set, build it with a blank text and set s on the running
 * filter's text option, as the graphics do on the air (tail_set_text: not
 * drawtext's "reinit" command, which in FFmpeg 5.1 leaks the old options).
 */
static char *
round_trip2(const char *s, int live)
{
	AVFilterGraph *g = avfilter_graph_alloc();
	AVFilterInOut *in = NULL, *out = NULL;
	AVFilterContext *dt;
	char *desc, *v = text_value(live ? " " : s), *font = text_font_arg(NULL, 0, NULL);
	uint8_t *got = NULL;
	char *copy;
	int ret;

	xasprintf(&desc, "color=s=64x64:d=1,drawtext@t=%s:expansion=none:text=%s:"
	    "x=w-mod(n*4\\,w+tw),nullsink", font, v);
	ret = avfilter_graph_parse2(g, desc, &in, &out);
	ck_assert_msg(ret >= 0, "graph '%s' did not parse: %s", desc, av_err2str(ret));
	ck_assert_int_ge(avfilter_graph_config(g, NULL), 0);
	dt = avfilter_graph_get_filter(g, "drawtext@t");
	ck_assert_ptr_nonnull(dt);
	if (live) {
		ret = av_opt_set(dt, "text", s, AV_OPT_SEARCH_CHILDREN);
		ck_assert_msg(ret >= 0, "setting '%s' failed: %s", s, av_err2str(ret));
	}
	ck_assert_int_ge(av_opt_get(dt->priv, "text", 0, &got), 0);
	copy = xstrdup((char *)got);
	av_free(got);
	avfilter_inout_free(&in);
	avfilter_inout_free(&out);
	avfilter_graph_free(&g);
	free(desc);
	free(v);
	free(font);
	return copy;
}

/* Both ways. */
static char *
round_trip(const char *s)
{
	char *a = round_trip2(s, 0), *b = *s != '\0' ? round_trip2(s, 1) : xstrdup("");

	ck_assert_msg(strcmp(a, b) == 0, "'%s' parsed as '%s' but set live gave '%s'", s, a, b);
	free(b);
	return a;
}

START_TEST(awkward_titles)
{
	static const char *titles[] = {
		"It's \"Bob's\" Show",
		"100% Fun: Part 2",
		"back\\slash \\n not a newline \\\\",
		"a;b,c [x] {y} = z",
		"Ça va — Émilie's café, 日本語, Ελληνικά",
		"  leading and trailing  ",
		"two\nlines",
		"'",
		"''''",
		"%{localtime} %{pts} %%",
		":::",
		"",
	};
	size_t i;
	char *got;

	for (i = 0; i < nitems(titles); i++) {
		got = round_trip(titles[i]);
		ck_assert_msg(strcmp(got, titles[i]) == 0, "'%s' came back as '%s'", titles[i],
		    got);
		free(got);
	}
}
END_TEST

START_TEST(fonts)
{
	char *arg, *why = (char *)"unset", *file = text_font(0), *heavy = text_font(1);
	AVFilterGraph *g;
	AVFilterInOut *in = NULL, *out = NULL;
	char *desc;

	/* fonts-dejavu-core is a dependency (contrib/setup.sh). */
	ck_assert_ptr_nonnull(file);
	ck_assert_ptr_nonnull(strstr(file, ".ttf"));
	ck_assert_ptr_nonnull(heavy);
	ck_assert_ptr_nonnull(strstr(heavy, "Bold"));
	free(heavy);
	arg = text_font_arg(NULL, 1, &why);
	ck_assert_ptr_null(why);
	ck_assert_ptr_nonnull(strstr(arg, "fontfile="));
	ck_assert_ptr_nonnull(strstr(arg, "Bold"));
	free(arg);
	arg = text_font_arg(file, 0, &why);
	ck_assert_ptr_null(why);
	free(arg);
	/* An operator's font that is gone: the default, and why. */
	arg = text_font_arg("/nonexistent/Fancy.ttf", 0, &why);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "/nonexistent/Fancy.ttf") != NULL, "%s", why);
	ck_assert_msg(strstr(why, "Sans") != NULL, "%s", why);
	ck_assert_msg(strncmp(arg, "fontfile=", 9) == 0 && strstr(arg, file) != NULL, "%s", arg);
	free(why);
	/* ... which drawtext takes. */
	g = avfilter_graph_alloc();
	xasprintf(&desc, "color=s=64x64:d=1,drawtext=%s:expansion=none:text=x,nullsink", arg);
	ck_assert_int_ge(avfilter_graph_parse2(g, desc, &in, &out), 0);
	ck_assert_int_ge(avfilter_graph_config(g, NULL), 0);
	avfilter_inout_free(&in);
	avfilter_inout_free(&out);
	avfilter_graph_free(&g);
	free(desc);
	free(arg);
	arg = text_font_arg("/nonexistent/Fancy.ttf", 1, NULL);
	ck_assert_msg(strstr(arg, "Bold") != NULL, "%s", arg);
	free(arg);
	free(file);
}
END_TEST

START_TEST(wrapping)
{
	char *w;

	w = text_wrap("the quick brown fox jumps over the lazy dog", 10, 10);
	ck_assert_str_eq(w, "the quick\nbrown fox\njumps over\nthe lazy\ndog");
	free(w);
	w = text_wrap("the quick brown fox jumps over the lazy dog", 10, 2);
	ck_assert_str_eq(w, "the quick\nbrown fox...");
	free(w);
	w = text_wrap("  été  à   Zürich ", 9, 3);
	ck_assert_str_eq(w, "été à\nZürich");
	free(w);
	w = text_wrap("supercalifragilistic x", 5, 3);
	ck_assert_str_eq(w, "supercalifragilistic\nx");
	free(w);
	w = text_wrap("", 5, 3);
	ck_assert_str_eq(w, "");
	free(w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, awkward_titles);
	tcase_add_test(tc, fonts);
	tcase_add_test(tc, wrapping);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
