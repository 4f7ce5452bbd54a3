/*
 * same.c: render SAME bursts and the attention signal.
 *
 * The AFSK generator is phase-continuous: one phase accumulator runs
 * through the whole burst and only its step changes at bit boundaries.
 * Bit boundaries fall between samples (92.16 samples per bit at 48 kHz),
 * so the bit for sample i is floor(i * baud / rate), which carries the
 * fractional sample from bit to bit instead of rounding each bit.
 */
#include "engine/same.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

/* Make room for n more samples. */
static float *
grow(struct pcm *p, size_t n)
{
	if (p->n + n > p->cap) {
		p->cap = (p->n + n) * 2;
		p->data = xreallocarray(p->data, p->cap, sizeof *p->data);
	}
	p->n += n;
	return p->data + p->n - n;
}

/* Append one burst. */
void
same_burst(struct pcm *out, const char *text, float amp)
{
	size_t len = strlen(text), nbytes = SAME_PREAMBLE_BYTES + len, nbits = nbytes * 8;
	size_t nsamples, i, bit;
	unsigned char byte;
	double phase = 0, step;
	float *s;

	nsamples = (size_t)ceil((double)nbits * out->rate / SAME_BAUD);
	s = grow(out, nsamples);
	for (i = 0; i < nsamples; i++) {
		bit = (size_t)((double)i * SAME_BAUD / out->rate);
		if (bit >= nbits)
			bit = nbits - 1;
		byte = bit / 8 < SAME_PREAMBLE_BYTES ? 0xab :
		    (unsigned char)(text[bit / 8 - SAME_PREAMBLE_BYTES] & 0x7f);
		step = 2 * M_PI * ((byte >> (bit % 8)) & 1 ? SAME_MARK_HZ : SAME_SPACE_HZ) /
		    out->rate;
		s[i] = amp * (float)sin(phase);
		phase = fmod(phase + step, 2 * M_PI);
	}
}

/* Append the two-tone attention signal, with 5 ms ramps against clicks. */
void
same_attention(struct pcm *out, double seconds, float amp)
{
	size_t n = (size_t)(seconds * out->rate), i, ramp = (size_t)(0.005 * out->rate);
	double t, g;
	float *s = grow(out, n);

	for (i = 0; i < n; i++) {
		t = (double)i / out->rate;
		g = 1.0;
		if (i < ramp)
			g = (double)i / ramp;
		else if (n - i < ramp)
			g = (double)(n - i) / ramp;
		s[i] = (float)(amp * g * 0.5 * (sin(2 * M_PI * 853 * t) + sin(2 * M_PI * 960 * t)));
	}
}

/* Append silence. */
void
same_silence(struct pcm *out, double seconds)
{
	size_t n = (size_t)(seconds * out->rate);

	memset(grow(out, n), 0, n * sizeof *out->data);
}

/* Header ×3 then attention, or attention, or nothing. */
void
same_intro(struct pcm *out, const struct alert *a, enum alert_audio mode)
{
	char *header;
	int i;

	if (mode == ALERT_AUDIO_SAME) {
		header = alert_header(a);
		for (i = 0; i < 3; i++) {
			same_burst(out, header, 0.5f);
			same_silence(out, 1.0);
		}
		free(header);
	}
	if (mode != ALERT_AUDIO_NONE) {
		same_attention(out, a->attention_s, 0.5f);
		same_silence(out, 1.0);
	}
}

/* NNNN ×3 (SAME only). */
void
same_outro(struct pcm *out, enum alert_audio mode)
{
	int i;

	if (mode != ALERT_AUDIO_SAME)
		return;
	for (i = 0; i < 3; i++) {
		same_burst(out, "NNNN", 0.5f);
		same_silence(out, 1.0);
	}
}

/* The end of the pass that ends the message. */
int64_t
same_message_end(int64_t s, int64_t m, int64_t voice, int64_t pass, int64_t until)
{
	int64_t k = 2, need;

	if (pass <= 0)
		pass = 1;
	if ((need = m + voice - s) > 0 && (need + pass - 1) / pass > k)
		k = (need + pass - 1) / pass;
	if ((need = until - s) > 0 && (need + pass - 1) / pass > k)
		k = (need + pass - 1) / pass;
	return s + k * pass;
}

/* Free the samples. */
void
pcm_free(struct pcm *p)
{
	if (p == NULL)
		return;
	freep(&p->data);
	p->n = p->cap = 0;
}
