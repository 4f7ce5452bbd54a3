/*
 * same.h: the audio of an emergency alert, rendered as mono float PCM:
 * SAME bursts (47 CFR 11.31: AFSK at 520 5/6 baud, mark 2083 1/3 Hz, space
 * 1562.5 Hz, 16 bytes of 0xAB preamble, ASCII LSB first), the two-tone
 * attention signal (853 + 960 Hz), and the sequences built from them.
 *
 * Retrovue is a private station; 47 CFR 11.45 forbids transmitting these
 * tones except in real emergencies and authorised tests (see README.md).
 */
#ifndef RV_ENGINE_SAME_H
#define RV_ENGINE_SAME_H

#include <stddef.h>
#include <stdint.h>

#include "src/alert.h"

#define SAME_BAUD (1562.5 / 3.0)        /* 520 5/6 */
#define SAME_MARK_HZ (6250.0 / 3.0)     /* 2083 1/3: four cycles per bit */
#define SAME_SPACE_HZ 1562.5            /* three cycles per bit */
#define SAME_PREAMBLE_BYTES 16

/* A growing PCM buffer. */
struct pcm {
	float *data;
	size_t n;
	size_t cap;
	int rate;
};

/* Append one burst: preamble + text, at amplitude amp (0..1). */
void same_burst(struct pcm *out, const char *text, float amp);
/* Append seconds of the 853 + 960 Hz attention signal. */
void same_attention(struct pcm *out, double seconds, float amp);
/* Append seconds of silence. */
void same_silence(struct pcm *out, double seconds);

/*
 * What plays when an alert starts: with ALERT_AUDIO_SAME the header three
 * times, each followed by a second of silence, then the attention signal;
 * with ALERT_AUDIO_TONE the attention signal alone; with ALERT_AUDIO_NONE
 * nothing. out->rate must be set; out is appended to.
 */
void same_intro(struct pcm *out, const struct alert *a, enum alert_audio mode);
/* What plays when it ends: "NNNN" three times with a second after each (SAME only). */
void same_outro(struct pcm *out, enum alert_audio mode);
/*
 * When the end of message begins on a channel (E), all times in one unit
 * (microseconds): the crawl starts at s and crosses the picture once every
 * pass (a slate: the time to read it); the message is spoken from m for
 * voice; the alert must stay on screen until until (s, or less, for no
 * such wish). E is the end of the first pass by which the message has
 * been spoken, the crawl has passed at least twice, and until is reached:
 * the crawl has just left the picture when the end of message sounds.
 */
int64_t same_message_end(int64_t s, int64_t m, int64_t voice, int64_t pass, int64_t until);
void pcm_free(struct pcm *p);

#endif
