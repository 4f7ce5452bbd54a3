/*
 * test_same.c: SAME bursts decoded by an independent decoder (multimon-ng),
 * the attention signal's spectrum, and the shape of the sequences.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/same.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

#define T0 1795466700000LL      /* day 327, 20:45 UTC */

/* An alert for the tests. */
static void
make_alert(struct alert *a, const char *event, const char *locs)
{
	struct alert_input in = {
		.event = event, .locations = locs, .purge = "0015", .station = "KRVU/TV",
		.message = "Test", .now_ms = T0,
	};

	ck_assert_int_eq(alert_parse(&in, a, NULL), 0);
}

/* Decode pcm with multimon-ng; returns its output (static buffer). */
static const char *
multimon(const struct pcm *p)
{
	static char out[8192];
	char path[4200], cmd[4400];
	int16_t *s16;
	FILE *f;
	size_t i, n;

	snprintf(path, sizeof path, "%s/same.raw", check_tmpdir());
	s16 = xcalloc(p->n, sizeof *s16);
	for (i = 0; i < p->n; i++)
		s16[i] = (int16_t)lrintf(p->data[i] * 32767);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(s16, sizeof *s16, p->n, f);
	fclose(f);
	free(s16);
	snprintf(cmd, sizeof cmd, "multimon-ng -q -t raw -a EAS '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	pclose(f);
	return out;
}

/* Power of frequency hz in samples [from, from+len) (Goertzel). */
static double
goertzel(const struct pcm *p, size_t from, size_t len, double hz)
{
	double k = 2 * cos(2 * M_PI * hz / p->rate), s0, s1 = 0, s2 = 0;
	size_t i;

	for (i = from; i < from + len; i++) {
		s0 = p->data[i] + k * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return s1 * s1 + s2 * s2 - k * s1 * s2;
}

START_TEST(header_decodes)
{
	struct pcm p = { .rate = 22050 };
	struct alert a;
	const char *out;
	char *header, want[256];

	make_alert(&a, "RWT", "024031,051059");
	header = alert_header(&a);
	same_intro(&p, &a, ALERT_AUDIO_SAME);
	same_outro(&p, ALERT_AUDIO_SAME);
	out = multimon(&p);
	snprintf(want, sizeof want, "EAS: %s", header);
	ck_assert_msg(strstr(out, want) != NULL, "multimon-ng said: %s", out);
	ck_assert_msg(strstr(out, "EAS: NNNN") != NULL, "no EOM in: %s", out);
	free(header);
	alert_clear(&a);
	pcm_free(&p);
}
END_TEST

START_TEST(decodes_at_48k_too)
{
	struct pcm p = { .rate = 48000 }, q = { .rate = 22050 };
	struct alert a;
	size_t i, j;
	const char *out;

	/* Render at 48 kHz (the channel rate), then resample linearly to 22050. */
	make_alert(&a, "TOR", "048113");
	same_intro(&p, &a, ALERT_AUDIO_SAME);
	q.n = q.cap = (size_t)((double)p.n * 22050 / 48000);
	q.data = xcalloc(q.n, sizeof *q.data);
	for (i = 0; i < q.n; i++) {
		double x = (double)i * 48000 / 22050, f = x - floor(x);

		j = (size_t)x;
		q.data[i] = (float)(p.data[j] * (1 - f) + (j + 1 < p.n ? p.data[j + 1] : 0) * f);
	}
	out = multimon(&q);
	ck_assert_msg(strstr(out, "ZCZC-EAS-TOR-048113+0015-3272045-KRVU/TV -") != NULL,
	    "multimon-ng said: %s", out);
	alert_clear(&a);
	pcm_free(&p);
	pcm_free(&q);
}
END_TEST

START_TEST(three_bursts_timing)
{
	struct pcm p = { .rate = 48000 };
	struct alert a;
	char *header;
	double burst_s;

	make_alert(&a, "RWT", "000000");
	header = alert_header(&a);
	same_intro(&p, &a, ALERT_AUDIO_SAME);
	burst_s = (16.0 + strlen(header)) * 8 / SAME_BAUD;
	/* 3 × (burst + 1 s) + 8 s attention + 1 s. */
	ck_assert_double_eq_tol((double)p.n / p.rate, 3 * (burst_s + 1) + 8 + 1, 0.01);
	free(header);
	pcm_free(&p);

	same_intro(&p, &a, ALERT_AUDIO_TONE);
	ck_assert_double_eq_tol((double)p.n / p.rate, 9.0, 0.001);
	pcm_free(&p);
	same_intro(&p, &a, ALERT_AUDIO_NONE);
	same_outro(&p, ALERT_AUDIO_TONE);
	ck_assert_uint_eq(p.n, 0);
	alert_clear(&a);
}
END_TEST

START_TEST(attention_spectrum)
{
	struct pcm p = { .rate = 48000 };
	double f853, f960, f700, f1200, f1000;

	same_attention(&p, 8, 0.5f);
	ck_assert_uint_eq(p.n, 8 * 48000);
	f853 = goertzel(&p, 48000, 48000, 853);
	f960 = goertzel(&p, 48000, 48000, 960);
	f700 = goertzel(&p, 48000, 48000, 700);
	f1000 = goertzel(&p, 48000, 48000, 1000);
	f1200 = goertzel(&p, 48000, 48000, 1200);
	ck_assert(f853 > 1000 * f700);
	ck_assert(f960 > 1000 * f1000);
	ck_assert(f853 > 1000 * f1200);
	ck_assert_double_eq_tol(f853 / f960, 1.0, 0.05);
	pcm_free(&p);
}
END_TEST

START_TEST(phase_continuous)
{
	struct pcm p = { .rate = 48000 };
	double max_step = 2 * M_PI * SAME_MARK_HZ / 48000 * 0.5 * 1.001;
	size_t i;

	same_burst(&p, "ZCZC-EAS-RWT-000000+0015-3272045-KRVU/TV -", 0.5f);
	for (i = 1; i < p.n; i++)
		ck_assert_msg(fabs(p.data[i] - p.data[i - 1]) <= max_step,
		    "jump at sample %zu", i);
	for (i = 0; i < p.n; i++)
		ck_assert(fabsf(p.data[i]) <= 0.5f);
	pcm_free(&p);
}
END_TEST

/*
 * The end of message: at the end of a pass, once the message is spoken,
 * the crawl has passed twice and the time on screen asked for is over.
 */
START_TEST(message_end)
{
	const int64_t S = 1000000000, P = 20000000;     /* us */

	/* A short message: two passes are longer. */
	ck_assert_int_eq(same_message_end(S, S + 15000000, 8000000, P, 0), S + 2 * P);
	/* A long one: the pass during which the voice ends. */
	ck_assert_int_eq(same_message_end(S, S + 15000000, 50000000, P, 0), S + 4 * P);
	ck_assert_int_eq(same_message_end(S, S + 15000000, 45000000, P, 0), S + 3 * P);
	/* A voice that ends exactly at a pass's end ends that pass. */
	ck_assert_int_eq(same_message_end(S, S + 20000000, 40000000, P, 0), S + 3 * P);
	/* --duration 90 s: the pass that reaches it. */
	ck_assert_int_eq(same_message_end(S, S + 15000000, 8000000, P, S + 90000000),
	    S + 5 * P);
	/* A duration shorter than the message changes nothing. */
	ck_assert_int_eq(same_message_end(S, S + 15000000, 8000000, P, S + 1000000), S + 2 * P);
	/* No intro, no voice (audio none): two passes. */
	ck_assert_int_eq(same_message_end(S, S, 0, P, 0), S + 2 * P);
	/* Never before the message has been spoken, whatever the pass. */
	ck_assert(same_message_end(S, S + 30000000, 100000000, 7000000, 0) >= S + 130000000);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("same");
	TCase *tc = tcase_create("same");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, header_decodes);
	tcase_add_test(tc, decodes_at_48k_too);
	tcase_add_test(tc, three_bursts_timing);
	tcase_add_test(tc, attention_spectrum);
	tcase_add_test(tc, phase_continuous);
	tcase_add_test(tc, message_end);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
