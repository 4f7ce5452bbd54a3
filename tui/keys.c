/*
 * keys.c: looking keys up in a key table, and naming them for the help
 * screen and the status bar.
 */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

/* The first row with key: the one that runs. */
const struct key_bind *
keys_find(const struct key_bind *t, int key)
{
	int i;

	if (t == NULL || key == 0)
		return NULL;
	for (; t->keys[0] != 0; t++) {
		for (i = 0; i < KEYS_MAX && t->keys[i] != 0; i++) {
			if (t->keys[i] == key)
				return t;
		}
	}
	return NULL;
}

/* A key's name: a few by name, F-keys, Ctrl-, printable as themselves. */
const char *
keys_name(int key, char *buf, size_t len)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ '\t', "Tab" }, { KEY_BTAB, "Shift-Tab" }, { '\n', "Enter" }, { '\r', "Enter" },
		{ KEY_ENTER, "Enter" }, { 27, "Esc" }, { ' ', "Space" }, { KEY_UP, "Up" },
		{ KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" },
		{ KEY_SLEFT, "Shift-Left" }, { KEY_SRIGHT, "Shift-Right" }, { KEY_PPAGE, "PgUp" },
		{ KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" }, { KEY_DC, "Del" },
		{ KEY_BACKSPACE, "Backspace" }, { 127, "Backspace" }, { KEY_RESIZE, "resize" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	}
	if (key >= KEY_F(1) && key <= KEY_F(24))
		snprintf(buf, len, "F%d", key - KEY_F0);
	else if (key > 0 && key < 32)
		snprintf(buf, len, "Ctrl-%c", '@' + key);
	else if (key > 32 && key < 127)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "key %d", key);
	return buf;
}

/* A row's keys by name, each name once. */
char *
keys_label(const struct key_bind *b, char *buf, size_t len)
{
	char name[32];
	size_t used = 0;
	int i, k;

	buf[0] = '\0';
	for (i = 0; i < KEYS_MAX && b->keys[i] != 0; i++) {
		keys_name(b->keys[i], name, sizeof name);
		/* Enter, ^M and the keypad's Enter are one name. */
		for (k = 0; k < i; k++) {
			char other[32];

			if (strcmp(keys_name(b->keys[k], other, sizeof other), name) == 0)
				break;
		}
		if (k < i)
			continue;
		snprintf(buf + used, len - used, "%s%s", used > 0 ? " " : "", name);
		used = strlen(buf);
	}
	return buf;
}

/* The rows' status-bar hints. */
char *
keys_bar(const struct key_bind *t, char *buf, size_t len)
{
	size_t used = strlen(buf);

	for (; t != NULL && t->keys[0] != 0; t++) {
		if (t->bar == NULL)
			continue;
		snprintf(buf + used, len - used, "%s%s", used > 0 ? "  " : "", t->bar);
		used = strlen(buf);
	}
	return buf;
}

/* How many rows. */
int
keys_count(const struct key_bind *t)
{
	int n = 0;

	for (; t != NULL && t->keys[0] != 0; t++)
		n++;
	return n;
}
