/*
 * test_widgets.c: the console's drawing pieces (tui/widgets.c) and the
 * thumbnails (tui/thumb.c), on an ncurses screen that writes to /dev/null.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "tests/unit/check_tap.h"
#include "tui/thumb.h"
#include "tui/widgets.h"

static SCREEN *scr;
static FILE *out, *in;

/* A screen of 80x24 on /dev/null. */
static void
setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(out);
	scr = newterm("xterm-256color", out, in);
	ck_assert_ptr_nonnull(scr);
	resizeterm(24, 80);
	start_color();
	use_default_colors();
}

static void
teardown(void)
{
	thumb_reset();
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

/* The text of row y of w, from x, n cells. */
static char *
row_text(WINDOW *w, int y, int x, int n, char *buf, size_t len)
{
	wchar_t wbuf[256];

	mvwinnwstr(w, y, x, wbuf, n);
	wcstombs(buf, wbuf, len);
	return buf;
}

START_TEST(times)
{
	char buf[32];

	ck_assert_str_eq(w_hmsf(3723500, buf, sizeof buf), "01:02:03.12");
	ck_assert_str_eq(w_hmsf(0, buf, sizeof buf), "00:00:00.00");
	ck_assert_str_eq(w_hmsf(-1, buf, sizeof buf), "-");
	ck_assert_str_eq(w_hms(3723500, buf, sizeof buf), "01:02:03");
	ck_assert_str_eq(w_hms(-5, buf, sizeof buf), "00:00:00");
	ck_assert_str_eq(w_hms(100LL * 3600000, buf, sizeof buf), "100:00:00");
}
END_TEST

START_TEST(put_clips_by_cells)
{
	char buf[256];

	/* Two-byte characters are one cell each; the text stops at the width. */
	ck_assert_int_eq(w_put(stdscr, 0, 0, 5, "h\xc3\xa9llo w\xc3\xb6rld", 0), 5);
	ck_assert_str_eq(row_text(stdscr, 0, 0, 5, buf, sizeof buf), "h\xc3\xa9llo");
	/* Padding fills the width; control characters become spaces. */
	ck_assert_int_eq(w_put(stdscr, 1, 0, 6, "a\tb", 1), 6);
	ck_assert_str_eq(row_text(stdscr, 1, 0, 6, buf, sizeof buf), "a b   ");
	/* Bytes that are not text in the locale show as '?', one each. */
	ck_assert_int_eq(w_put(stdscr, 2, 0, 10, "x\xff" "y", 0), 3);
	ck_assert_str_eq(row_text(stdscr, 2, 0, 3, buf, sizeof buf), "x?y");
	ck_assert_int_eq(w_put(stdscr, 3, 0, 0, "nothing", 1), 0);
}
END_TEST

START_TEST(wrap)
{
	char buf[256];

	ck_assert_int_eq(w_wrap(stdscr, 5, 0, 10, 4, "one two three four five"), 3);
	ck_assert_str_eq(row_text(stdscr, 5, 0, 10, buf, sizeof buf), "one two   ");
	ck_assert_str_eq(row_text(stdscr, 6, 0, 10, buf, sizeof buf), "three four");
	ck_assert_str_eq(row_text(stdscr, 7, 0, 10, buf, sizeof buf), "five      ");
	/* A word longer than the width is cut; lines stop at the limit. */
	ck_assert_int_eq(w_wrap(stdscr, 9, 0, 4, 2, "abcdefghij"), 2);
	ck_assert_str_eq(row_text(stdscr, 9, 0, 4, buf, sizeof buf), "abcd");
}
END_TEST

START_TEST(input)
{
	struct w_input inp;

	memset(&inp, 0, sizeof inp);
	ck_assert_int_eq(w_input_key(&inp, 'a'), 1);
	/* UTF-8 arrives a byte at a time; Backspace takes the whole character. */
	w_input_key(&inp, 0xc3);
	w_input_key(&inp, 0xa9);
	ck_assert_str_eq(inp.buf, "a\xc3\xa9");
	ck_assert_int_eq(w_input_key(&inp, KEY_BACKSPACE), 1);
	ck_assert_str_eq(inp.buf, "a");
	ck_assert_int_eq(w_input_key(&inp, 127), 1);
	ck_assert_str_eq(inp.buf, "");
	ck_assert_int_eq(w_input_key(&inp, KEY_BACKSPACE), 1);
	ck_assert_int_eq(inp.len, 0);
	/* Keys that are not text are left to the caller. */
	ck_assert_int_eq(w_input_key(&inp, KEY_UP), 0);
	ck_assert_int_eq(w_input_key(&inp, '\n'), 0);
	w_input_set(&inp, "hello");
	ck_assert_int_eq(w_input_key(&inp, 21), 1);      /* ^U */
	ck_assert_str_eq(inp.buf, "");
	/* It never overflows. */
	for (int i = 0; i < 1000; i++)
		w_input_key(&inp, 'x');
	ck_assert_int_eq(inp.len, sizeof inp.buf - 1);
}
END_TEST

START_TEST(list)
{
	struct w_list l = { .count = 100, .sel = 0, .top = 0 };

	ck_assert_int_eq(w_list_key(&l, KEY_DOWN, 10), 1);
	ck_assert_int_eq(l.sel, 1);
	w_list_key(&l, KEY_NPAGE, 10);
	ck_assert_int_eq(l.sel, 10);
	ck_assert_int_eq(l.top, 1);             /* the selection stays visible */
	w_list_key(&l, KEY_END, 10);
	ck_assert_int_eq(l.sel, 99);
	ck_assert_int_eq(l.top, 90);
	w_list_key(&l, 'g', 10);
	ck_assert_int_eq(l.sel, 0);
	ck_assert_int_eq(l.top, 0);
	w_list_key(&l, KEY_UP, 10);
	ck_assert_int_eq(l.sel, 0);
	ck_assert_int_eq(w_list_key(&l, 'z', 10), 0);
	/* The list shrinks under the selection. */
	l.sel = 99;
	l.count = 5;
	w_list_fix(&l, 10);
	ck_assert_int_eq(l.sel, 4);
	ck_assert_int_eq(l.top, 0);
	l.count = 0;
	w_list_fix(&l, 10);
	ck_assert_int_eq(l.sel, -1);
}
END_TEST

/* A picture: white on the left half, black on the right. */
static uint8_t *
halves(int w, int h)
{
	uint8_t *rgb = calloc((size_t)w * (size_t)h, 3);
	int x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w / 2; x++)
			memset(&rgb[(y * w + x) * 3], 255, 3);
	return rgb;
}

/* The colour pair and character of a cell. */
static void
cell(int y, int x, short *pair, wchar_t *ch)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t attr;

	mvwin_wch(stdscr, y, x, &cc);
	getcchar(&cc, wc, &attr, pair, NULL);
	*ch = wc[0];
}

START_TEST(thumb_symbols)
{
	uint8_t *rgb = halves(64, 36);
	short lp, rp;
	wchar_t lc, rc;
	int fg_l, bg_l, fg_r, bg_r;

	erase();
	thumb_draw(stdscr, 2, 4, 6, 16, rgb, 64, 36, THUMB_SYMBOLS);
	cell(4, 5, &lp, &lc);
	cell(4, 18, &rp, &rc);
	/* Both halves are drawn, in colours that differ. */
	ck_assert_int_gt(lp, 0);
	ck_assert_int_gt(rp, 0);
	extended_pair_content(lp, &fg_l, &bg_l);
	extended_pair_content(rp, &fg_r, &bg_r);
	ck_assert(fg_l != fg_r || bg_l != bg_r || lc != rc);
	/* Nothing outside the area. */
	cell(1, 5, &lp, &lc);
	ck_assert(lc == L' ');
	cell(4, 20, &lp, &lc);
	ck_assert(lc == L' ');
	/* The same picture again comes from the cache, and draws the same. */
	thumb_draw(stdscr, 10, 4, 6, 16, rgb, 64, 36, THUMB_SYMBOLS);
	cell(12, 18, &lp, &lc);
	ck_assert_int_eq(lp, rp);
	free(rgb);
}
END_TEST

START_TEST(thumb_ascii)
{
	uint8_t *rgb = halves(32, 18);
	short pair;
	wchar_t ch;
	int x, y;

	erase();
	thumb_draw(stdscr, 0, 0, 4, 12, rgb, 32, 18, THUMB_ASCII);
	for (y = 0; y < 4; y++) {
		for (x = 0; x < 12; x++) {
			cell(y, x, &pair, &ch);
			ck_assert(ch >= 32 && ch < 127);
		}
	}
	/* Nonsense sizes draw nothing and do not crash. */
	thumb_draw(stdscr, 0, 0, 0, 12, rgb, 32, 18, THUMB_ASCII);
	thumb_draw(stdscr, 0, 0, 4, 12, NULL, 32, 18, THUMB_ASCII);
	thumb_draw(stdscr, 0, 0, 4, 12, rgb, 0, 18, THUMB_ASCII);
	free(rgb);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("widgets");
	TCase *tc = tcase_create("widgets");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, times);
	tcase_add_test(tc, put_clips_by_cells);
	tcase_add_test(tc, wrap);
	tcase_add_test(tc, input);
	tcase_add_test(tc, list);
	tcase_add_test(tc, thumb_symbols);
	tcase_add_test(tc, thumb_ascii);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
