/*
 * test_voice.c: the alert's voice. espeak-ng speaks a message into 48 kHz
 * float PCM, its peak where asked, for about as long as the words take;
 * an unknown voice or variant is refused by name; a language's voice is
 * found by its code (en-gb); a message past two minutes is cut at a
 * sentence; and two threads speaking at once (the daemon's rv-voice and a
 * command checking a voice) each get their whole message.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/voice.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define MSG "This is a test of the Emergency Alert System. This is only a test."

/* Seconds of sound louder than -40 dBFS (in 10 ms steps). */
static double
voiced_s(const struct pcm *p)
{
	size_t i, j, step = (size_t)p->rate / 100, n = 0;
	double e;

	for (i = 0; i + step <= p->n; i += step) {
		for (e = 0, j = i; j < i + step; j++)
			e += (double)p->data[j] * p->data[j];
		if (sqrt(e / step) > 0.01)
			n++;
	}
	return n / 100.0;
}

START_TEST(speaks)
{
	struct pcm p = { .rate = 48000 };
	char *cause = NULL;
	float peak = 0;
	size_t i;

	ck_assert_msg(voice_render(NULL, MSG, 0.5f, &p, &cause) == 0, "%s", cause);
	/* About 14 characters a second: 66 characters, 3 to 8 s. */
	ck_assert_msg(p.n > 3 * 48000 && p.n < 8 * 48000, "%zu samples", p.n);
	for (i = 0; i < p.n; i++)
		peak = fmaxf(peak, fabsf(p.data[i]));
	ck_assert_float_eq_tol(peak, 0.5f, 0.001f);
	ck_assert_msg(voiced_s(&p) > 2.0, "voiced %.2f s", voiced_s(&p));
	pcm_free(&p);
	voice_end();
}
END_TEST

START_TEST(appends)
{
	struct pcm p = { .rate = 22050 };
	size_t n;

	same_silence(&p, 1.0);
	n = p.n;
	ck_assert_int_eq(voice_render("en-us", "Test.", 0.25f, &p, NULL), 0);
	ck_assert(p.n > n);
	ck_assert(p.data[0] == 0.0f);
	pcm_free(&p);
}
END_TEST

START_TEST(voices)
{
	struct pcm p = { .rate = 48000 };
	char *cause = NULL;

	ck_assert_int_eq(voice_check("en-gb", NULL), 0);       /* the file is "gmw/en" */
	ck_assert_int_eq(voice_check("en-us+m3", NULL), 0);
	ck_assert_int_eq(voice_check("EN-GB+F2", NULL), 0);
	ck_assert_int_eq(voice_check("xx-nope", &cause), -1);
	ck_assert_msg(strstr(cause, "voice 'xx-nope'") != NULL, "%s", cause);
	freep(&cause);
	ck_assert_int_eq(voice_check("en-us+nosuch", &cause), -1);
	ck_assert_msg(strstr(cause, "no variant +nosuch") != NULL, "%s", cause);
	freep(&cause);
	ck_assert_int_eq(voice_render("xx-nope", MSG, 0.5f, &p, &cause), -1);
	ck_assert_uint_eq(p.n, 0);
	free(cause);
	pcm_free(&p);
}
END_TEST

/* voice_each: count the voices and variants, and find en-us. */
static void
count(void *arg, const char *name, const char *desc)
{
	int *n = arg;

	n[0]++;
	if (strcmp(name, "en-us") == 0 && strstr(desc, "English") != NULL)
		n[1] = 1;
	if (name[0] == '+')
		n[2]++;
}

START_TEST(lists)
{
	int n[3] = { 0, 0, 0 };

	ck_assert_int_eq(voice_each(count, n, NULL), 0);
	ck_assert_int_gt(n[0], 50);
	ck_assert_int_eq(n[1], 1);
	ck_assert_int_gt(n[2], 5);
}
END_TEST

START_TEST(two_minutes_at_most)
{
	struct pcm p = { .rate = 16000 };
	char *text = NULL, *next;
	int i;

	/* 200 sentences: over four minutes of speech. */
	xasprintf(&text, "%s", "");
	for (i = 0; i < 200; i++) {
		xasprintf(&next, "%sSentence number %d of a very long alert message. ", text, i);
		free(text);
		text = next;
	}
	ck_assert_int_eq(voice_render(NULL, text, 0.5f, &p, NULL), 0);
	ck_assert_msg(p.n <= (size_t)VOICE_MAX_S * 16000, "%.1f s", (double)p.n / 16000);
	ck_assert_msg(p.n > (size_t)(VOICE_MAX_S - 10) * 16000, "%.1f s", (double)p.n / 16000);
	/* Cut where a sentence starts: the last 20 ms are (nearly) silent. */
	for (i = 1; i <= 320; i++)
		ck_assert(fabsf(p.data[p.n - (size_t)i]) < 0.05f);
	free(text);
	pcm_free(&p);
}
END_TEST

struct job {
	const char *text;
	struct pcm p;
	int rc;
};

static void *
speak(void *arg)
{
	struct job *j = arg;

	j->p.rate = 48000;
	j->rc = voice_render("en-us", j->text, 0.5f, &j->p, NULL);
	return NULL;
}

START_TEST(two_threads)
{
	struct job a = { .text = MSG }, b = { .text = "Short." }, c = { .text = MSG };
	pthread_t ta, tb;

	pthread_create(&ta, NULL, speak, &a);
	pthread_create(&tb, NULL, speak, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	speak(&c);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(b.rc, 0);
	/* Each has its own message: the same text speaks as long (within 10 ms). */
	ck_assert_msg(labs((long)a.p.n - (long)c.p.n) < 480, "%zu and %zu samples", a.p.n,
	    c.p.n);
	ck_assert(b.p.n < a.p.n / 3);
	pcm_free(&a.p);
	pcm_free(&b.p);
	pcm_free(&c.p);
	voice_end();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("voice");
	TCase *tc = tcase_create("voice");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, speaks);
	tcase_add_test(tc, appends);
	tcase_add_test(tc, voices);
	tcase_add_test(tc, lists);
	tcase_add_test(tc, two_minutes_at_most);
	tcase_add_test(tc, two_threads);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
