/*
 * progress.c: terminal progress bars for commands.
 */
#include "tui/progress.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "src/util.h"

struct bar {
	long done;
	long total;
	char label[160];
};

struct progress {
	FILE *f;
	int tty;
	int nbars;
	int drawn;              /* bar lines currently on screen */
	int64_t last_draw_us;
	struct bar bars[2];
};

/* Start. */
struct progress *
progress_new(FILE *f, int nbars)
{
	struct progress *p = xcalloc(1, sizeof *p);

	p->f = f;
	p->tty = isatty(fileno(f));
	p->nbars = nbars < 1 ? 1 : nbars > 2 ? 2 : nbars;
	return p;
}

/* Terminal width, 80 if unknown. */
static int
term_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

/* Move up over the bars and clear them. */
static void
erase(struct progress *p)
{
	for (; p->drawn > 0; p->drawn--)
		fputs("\033[1A\r\033[2K", p->f);
}

/* Draw the bars below the cursor. */
static void
draw(struct progress *p)
{
	char line[512];
	int i, width, barw, fill, pct;
	struct bar *b;

	width = term_width(p->f);
	erase(p);
	for (i = 0; i < p->nbars; i++) {
		b = &p->bars[i];
		pct = b->total > 0 ? (int)(b->done * 100 / b->total) : 0;
		if (pct > 100)
			pct = 100;
		barw = width / 3;
		fill = barw * pct / 100;
		snprintf(line, sizeof line, "[%.*s%*s] %3d%% %s", fill,
		    "##############################################################",
		    barw - fill, "", pct, b->label);
		if ((int)strlen(line) >= width)
			line[width - 1] = '\0';
		fprintf(p->f, "%s\n", line);
		p->drawn++;
	}
	fflush(p->f);
	p->last_draw_us = mono_us();
}

/* Update a bar. */
void
progress_set(struct progress *p, int bar, long done, long total, const char *label)
{
	struct bar *b;
	int changed;

	if (p == NULL || bar < 0 || bar >= p->nbars)
		return;
	b = &p->bars[bar];
	changed = strcmp(b->label, label) != 0;
	b->done = done;
	b->total = total;
	utf8_copy(b->label, sizeof b->label, label);
	if (!p->tty) {
		if (changed) {
			fprintf(p->f, "%s\n", label);
			fflush(p->f);
		}
		return;
	}
	/* At most 20 redraws a second, but always the last state. */
	if (changed || done == total || mono_us() - p->last_draw_us > 50000)
		draw(p);
}

/* A line above the bars. */
void
progress_message(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (p == NULL)
		return;
	if (p->tty)
		erase(p);
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
	fputc('\n', p->f);
	if (p->tty)
		draw(p);
	else
		fflush(p->f);
}

/* Erase and free. */
void
progress_free(struct progress **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	if ((*pp)->tty)
		erase(*pp);
	fflush((*pp)->f);
	freep(pp);
}
