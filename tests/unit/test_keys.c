/*
 * test_keys.c: the console's key tables (tui/keys.c and every table that
 * uses it): keys named as the help screen names them, looked up, the
 * status bar's hints made from the rows; every row of every table (the
 * console's, each pane's, each dialog's) says what it does and does
 * something, no key is bound twice where the second row could never run,
 * and every row is on the help screen, wrapped to its width.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tests/unit/check_tap.h"
#include "tui/console.h"
#include "tui/dialogs.h"
#include "tui/form.h"
#include "tui/keys.h"
#include "tui/pane.h"

/* Every dialog kind with keys. */
static const struct dlg_kind *const dialogs[] = {
	&dlg_keys, &dlg_alert, &dlg_chapters, &dlg_sync, &dlg_settings, &dlg_slots,
	&form_kind, &form_confirm_kind, &form_word_kind,
};
#define NDIALOGS ((int)(sizeof dialogs / sizeof dialogs[0]))

/* s with runs of white space made one space, trimmed (malloc'd). */
static char *
squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	int space = 1;

	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s)) {
			if (!space)
				*o++ = ' ';
			space = 1;
		} else {
			*o++ = *s;
			space = 0;
		}
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

START_TEST(names)
{
	char buf[32];

	ck_assert_str_eq(keys_name('\t', buf, sizeof buf), "Tab");
	ck_assert_str_eq(keys_name(KEY_BTAB, buf, sizeof buf), "Shift-Tab");
	ck_assert_str_eq(keys_name('\n', buf, sizeof buf), "Enter");
	ck_assert_str_eq(keys_name(27, buf, sizeof buf), "Esc");
	ck_assert_str_eq(keys_name(' ', buf, sizeof buf), "Space");
	ck_assert_str_eq(keys_name(KEY_F(9), buf, sizeof buf), "F9");
	ck_assert_str_eq(keys_name(12, buf, sizeof buf), "Ctrl-L");
	ck_assert_str_eq(keys_name('?', buf, sizeof buf), "?");
	ck_assert_str_eq(keys_name('q', buf, sizeof buf), "q");
	ck_assert_str_eq(keys_name(KEY_PPAGE, buf, sizeof buf), "PgUp");
	ck_assert_str_eq(keys_name(KEY_DC, buf, sizeof buf), "Del");
}
END_TEST

START_TEST(labels_and_lookup)
{
	static const struct key_bind t[] = {
		{ { '\n', '\r', KEY_ENTER }, "go", NULL, NULL, NULL, 0 },
		{ { '?', KEY_F(1) }, "help", "?:keys", NULL, NULL, 0 },
		{ { 'x' }, "x", "x:cut", NULL, NULL, 0 },
		{ { 0 }, NULL, NULL, NULL, NULL, 0 },
		{ { 'z' }, "after the end", NULL, NULL, NULL, 0 },
	};
	char buf[128];

	/* Enter, ^M and the keypad's Enter are one name. */
	ck_assert_str_eq(keys_label(&t[0], buf, sizeof buf), "Enter");
	ck_assert_str_eq(keys_label(&t[1], buf, sizeof buf), "? F1");
	ck_assert_ptr_eq(keys_find(t, '\r'), &t[0]);
	ck_assert_ptr_eq(keys_find(t, KEY_F(1)), &t[1]);
	ck_assert_ptr_null(keys_find(t, 'y'));
	ck_assert_ptr_null(keys_find(t, 0));
	ck_assert_ptr_null(keys_find(t, 'z'));
	ck_assert_ptr_null(keys_find(NULL, 'x'));
	ck_assert_int_eq(keys_count(t), 3);
	buf[0] = '\0';
	ck_assert_str_eq(keys_bar(t, buf, sizeof buf), "?:keys  x:cut");
	ck_assert_str_eq(keys_bar(t, buf, sizeof buf), "?:keys  x:cut  ?:keys  x:cut");
}
END_TEST

/* The status bar: the focused pane's hints, then the console's, as they always read. */
START_TEST(status_bar)
{
	static const char *const want[] = {
		"arrows:channel  u:start  d:stop  Enter:schedule  e:slots",
		"Up/Down:move  f:follow  r:reload",
		"/:search  t s r p:filter  o:sort  x:clear  Enter:metadata  c:chapters",
		"v:level  Up/Down:scroll  f:follow",
	};
	char buf[512], expect[512];
	int i;

	for (i = 0; console_panes[i] != NULL; i++) {
		ck_assert_int_lt(i, 4);
		buf[0] = '\0';
		keys_bar(console_panes[i]->keys, buf, sizeof buf);
		keys_bar(console_keys, buf, sizeof buf);
		snprintf(expect, sizeof expect, "%s  Tab:pane  !:alert  X:clear alert  ?:keys  q:quit",
		    want[i]);
		ck_assert_str_eq(buf, expect);
	}
	ck_assert_int_eq(i, 4);
}
END_TEST

/* One table's rows: each says what it does and does it; no key twice. */
static void
check_table(const char *where, const struct key_bind *t, int pane)
{
	const struct key_bind *b, *first;
	int k;

	ck_assert_msg(keys_count(t) > 0, "%s has no keys", where);
	for (b = t; b->keys[0] != 0; b++) {
		ck_assert_msg(b->help != NULL && b->help[0] != '\0', "%s: a row without help", where);
		ck_assert_msg((b->fn != NULL) != (b->dialog != NULL),
		    "%s: '%s' needs a function or a dialog, not both", where, b->help);
		if (b->dialog != NULL)
			ck_assert_msg(b->dialog->open != NULL, "%s: '%s' opens a dialog kind without "
			    "open()", where, b->help);
		for (k = 0; k < KEYS_MAX && b->keys[k] != 0; k++) {
			first = keys_find(t, b->keys[k]);
			ck_assert_msg(first == b, "%s: key %d of '%s' is bound before, to '%s'", where,
			    b->keys[k], b->help, first->help);
			/* Keys that work over dialogs are never typed into a field. */
			if (b->anywhere)
				ck_assert_msg(b->keys[k] < ' ' || b->keys[k] >= KEY_MIN,
				    "%s: '%s' works anywhere but types a character", where, b->help);
			/* The console's anywhere keys come before a pane's: its row would be dead. */
			if (pane) {
				const struct key_bind *any = keys_find(console_keys, b->keys[k]);

				ck_assert_msg(any == NULL || !any->anywhere, "%s: '%s' is shadowed by "
				    "the console's '%s'", where, b->help, any->help);
			}
		}
	}
}

START_TEST(every_table)
{
	int i;

	check_table("the console", console_keys, 0);
	for (i = 0; console_panes[i] != NULL; i++)
		check_table(console_panes[i]->name, console_panes[i]->keys, 1);
	for (i = 0; i < NDIALOGS; i++) {
		check_table(dialogs[i]->name, dialogs[i]->keys, 0);
		ck_assert_ptr_nonnull(dialogs[i]->draw);
		ck_assert_ptr_nonnull(dialogs[i]->close);
	}
}
END_TEST

/*
 * The help screen has a section per table and, in it, every row: its keys
 * then what they do (wrapped or not, the words follow each other).
 */
static void
check_section(char **lines, int n, const char *heading, const struct key_bind *t)
{
	char label[128], *want, *text, *joined;
	size_t len = 1;
	int i, start, end;

	for (start = 0; start < n && strcmp(lines[start], heading) != 0; start++)
		;
	ck_assert_msg(start < n, "no section '%s' on the help screen", heading);
	for (end = start + 1; end < n && lines[end][0] == ' '; end++)
		len += strlen(lines[end]) + 1;
	joined = calloc(1, len);
	for (i = start + 1; i < end; i++) {
		strcat(joined, lines[i]);
		strcat(joined, " ");
	}
	text = squeeze(joined);
	for (; t->keys[0] != 0; t++) {
		char both[512];

		keys_label(t, label, sizeof label);
		snprintf(both, sizeof both, "%s %s", label, t->help);
		want = squeeze(both);
		ck_assert_msg(strstr(text, want) != NULL, "section '%s' lacks '%s'", heading, want);
		free(want);
	}
	free(text);
	free(joined);
}

START_TEST(help_screen)
{
	static const int widths[] = { 76, 56, 96 };
	char **lines;
	size_t w;
	int n, i;

	for (w = 0; w < sizeof widths / sizeof widths[0]; w++) {
		lines = dlg_keys_lines(widths[w], &n);
		ck_assert_int_gt(n, 0);
		for (i = 0; i < n; i++)
			ck_assert_msg((int)strlen(lines[i]) <= widths[w], "line %d is wider than %d: "
			    "'%s'", i, widths[w], lines[i]);
		check_section(lines, n, "Everywhere (when the focused pane does not use the key)",
		    console_keys);
		for (i = 0; console_panes[i] != NULL; i++)
			check_section(lines, n, console_panes[i]->name, console_panes[i]->keys);
		for (i = 0; i < NDIALOGS; i++)
			check_section(lines, n, dialogs[i]->name, dialogs[i]->keys);
		dlg_keys_lines_free(&lines, n);
		ck_assert_ptr_null(lines);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("keys");

	tcase_add_test(tc, names);
	tcase_add_test(tc, labels_and_lookup);
	tcase_add_test(tc, status_bar);
	tcase_add_test(tc, every_table);
	tcase_add_test(tc, help_screen);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
