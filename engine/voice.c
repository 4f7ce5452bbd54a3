/*
 * voice.c: speak an alert's message with espeak-ng, resampled to the
 * alert's rate with libswresample.
 *
 * espeak-ng has one synthesiser per process (its state is global), so the
 * state here is too: one lock around every use, the synthesiser started
 * on first use, and the speech being made while the lock is held.
 */
#include "engine/voice.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>

#include "src/log.h"
#include "src/util.h"

#define VOICE_WPM 165                   /* a weather radio's unhurried pace */

/* The speech being made (under lock). */
struct speech {
	int16_t *s;
	size_t n, cap;
	size_t limit;                   /* samples at most */
	size_t cut;                     /* the last sentence start within the limit */
	int rate;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int started;                     /* the synthesiser is up */
static int rate;                        /* its sample rate */
static struct speech *cur;

/* espeak-ng's message for a status into buf. */
static const char *
status_text(espeak_ng_STATUS st, char *buf, size_t len)
{
	espeak_ng_GetStatusCodeMessage(st, buf, len);
	return buf;
}

/* Start the synthesiser; caller holds the lock. */
static int
start(char **cause)
{
	espeak_ng_ERROR_CONTEXT ctx = NULL;
	espeak_ng_STATUS st;
	char buf[256];

	if (started)
		return 0;
	espeak_ng_InitializePath(NULL);
	if ((st = espeak_ng_Initialize(&ctx)) != ENS_OK) {
		set_cause(cause, "the speech synthesiser (espeak-ng) cannot start: %s "
		    "(is espeak-ng-data installed?)", status_text(st, buf, sizeof buf));
		espeak_ng_ClearErrorContext(&ctx);
		return -1;
	}
	if ((st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL)) != ENS_OK) {
		set_cause(cause, "the speech synthesiser (espeak-ng) has no output: %s",
		    status_text(st, buf, sizeof buf));
		espeak_ng_Terminate();
		return -1;
	}
	rate = espeak_ng_GetSampleRate();
	started = 1;
	return 0;
}

/* espeak-ng hands over speech as it makes it. */
static int
take(short *wav, int n, espeak_EVENT *ev)
{
	struct speech *sp = cur;

	if (sp == NULL)
		return 1;
	for (; ev != NULL && ev->type != espeakEVENT_LIST_TERMINATED; ev++) {
		size_t at = (size_t)ev->audio_position * (size_t)sp->rate / 1000;

		if (ev->type == espeakEVENT_SENTENCE && at <= sp->limit)
			sp->cut = at;
	}
	if (wav == NULL || n <= 0)
		return 0;
	if (sp->n + (size_t)n > sp->cap) {
		sp->cap = (sp->n + (size_t)n) * 2;
		sp->s = xreallocarray(sp->s, sp->cap, sizeof *sp->s);
	}
	memcpy(sp->s + sp->n, wav, (size_t)n * sizeof *wav);
	sp->n += (size_t)n;
	return sp->n > sp->limit ? 1 : 0;       /* enough: stop */
}

/*
 * The voice file of a language ("en-gb" is the file "gmw/en"), with the
 * variant ("+m3") kept, into buf; -1 if no voice speaks it. Caller holds
 * the lock.
 */
static int
voice_file(const char *voice, char *buf, size_t len)
{
	const espeak_VOICE **v;
	const char *variant = strchr(voice, '+'), *l;
	size_t n = variant != NULL ? (size_t)(variant - voice) : strlen(voice), i;

	for (v = espeak_ListVoices(NULL), i = 0; v != NULL && v[i] != NULL; i++) {
		/* languages: (priority byte, name, NUL) pairs, then a zero byte. */
		for (l = v[i]->languages; *l != '\0'; l += strlen(l + 1) + 2) {
			if (strlen(l + 1) == n && strncasecmp(l + 1, voice, n) == 0) {
				snprintf(buf, len, "%s%s", v[i]->identifier,
				    variant != NULL ? variant : "");
				return 0;
			}
		}
	}
	return -1;
}

/* Is "+name" a variant espeak-ng has? Caller holds the lock. */
static int
variant_known(const char *variant)
{
	const espeak_VOICE **v;
	espeak_VOICE spec;
	const char *id;
	size_t i;

	memset(&spec, 0, sizeof spec);
	spec.languages = "variant";
	for (v = espeak_ListVoices(&spec), i = 0; v != NULL && v[i] != NULL; i++) {
		id = strrchr(v[i]->identifier, '/');
		if (strcasecmp(id != NULL ? id + 1 : v[i]->identifier, variant + 1) == 0)
			return 1;
	}
	return 0;
}

/* Set the voice (a voice file, or a language's); caller holds the lock. */
static int
set_voice(const char *voice, char **cause)
{
	espeak_ng_STATUS st;
	char buf[256], file[VOICE_NAME_MAX + 64];

	if (voice == NULL || *voice == '\0')
		voice = VOICE_DEFAULT;
	if (strchr(voice, '+') != NULL && !variant_known(strchr(voice, '+'))) {
		set_cause(cause, "voice '%s': espeak-ng has no variant %s (retrovue alert voice "
		    "list shows the voices and the variants)", voice, strchr(voice, '+'));
		return -1;
	}
	if ((st = espeak_ng_SetVoiceByName(voice)) != ENS_OK &&
	    voice_file(voice, file, sizeof file) == 0)
		st = espeak_ng_SetVoiceByName(file);
	if (st != ENS_OK) {
		set_cause(cause, "voice '%s': %s (retrovue alert voice list shows the voices)",
		    voice, status_text(st, buf, sizeof buf));
		return -1;
	}
	return 0;
}

/* s16 at from Hz into out (float, appended) at out->rate, peak at amp. */
static int
resample(const int16_t *s, size_t n, int from, float amp, struct pcm *out, char **cause)
{
	AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
	SwrContext *swr = NULL;
	float *buf = NULL, peak = 0, g;
	const uint8_t *in[1] = { (const uint8_t *)s };
	uint8_t *o[1];
	int got, cap, total = 0;
	size_t i;

	if (swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, out->rate, &mono,
	    AV_SAMPLE_FMT_S16, from, 0, NULL) < 0 || swr_init(swr) < 0) {
		swr_free(&swr);
		set_cause(cause, "cannot resample the speech from %d Hz", from);
		return -1;
	}
	cap = (int)((int64_t)n * out->rate / from) + 4096;
	buf = xreallocarray(NULL, (size_t)cap, sizeof *buf);
	o[0] = (uint8_t *)buf;
	/* All of it, then what the resampler still holds. */
	if ((got = swr_convert(swr, o, cap, in, (int)n)) >= 0) {
		total = got;
		do {
			o[0] = (uint8_t *)(buf + total);
			if ((got = swr_convert(swr, o, cap - total, NULL, 0)) > 0)
				total += got;
		} while (got > 0 && total < cap);
	}
	swr_free(&swr);
	if (got < 0) {
		free(buf);
		set_cause(cause, "cannot resample the speech from %d Hz", from);
		return -1;
	}
	for (i = 0; i < (size_t)total; i++) {
		if (buf[i] > peak)
			peak = buf[i];
		else if (-buf[i] > peak)
			peak = -buf[i];
	}
	g = peak > 0 ? amp / peak : 0;
	if (out->n + (size_t)total > out->cap) {
		out->cap = out->n + (size_t)total;
		out->data = xreallocarray(out->data, out->cap, sizeof *out->data);
	}
	for (i = 0; i < (size_t)total; i++)
		out->data[out->n + i] = buf[i] * g;
	out->n += (size_t)total;
	free(buf);
	return 0;
}

/* Speak. */
int
voice_render(const char *voice, const char *text, float amp, struct pcm *out, char **cause)
{
	struct speech sp = { 0 };
	espeak_ng_STATUS st;
	char buf[256];
	size_t keep, fade, i;
	int rc = -1, from;

	pthread_mutex_lock(&lock);
	if (start(cause) != 0 || set_voice(voice, cause) != 0)
		goto out;
	espeak_ng_SetParameter(espeakRATE, VOICE_WPM, 0);
	espeak_SetSynthCallback(take);
	sp.rate = from = rate;
	sp.limit = (size_t)VOICE_MAX_S * (size_t)rate;
	cur = &sp;
	st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
	    NULL, NULL);
	cur = NULL;
	if (st != ENS_OK && sp.n <= sp.limit) {
		set_cause(cause, "speaking the message: %s", status_text(st, buf, sizeof buf));
		goto out;
	}
	rc = 0;
out:
	pthread_mutex_unlock(&lock);
	if (rc != 0) {
		free(sp.s);
		return -1;
	}
	keep = sp.n;
	if (sp.n > sp.limit) {
		/* Too long: up to the last sentence that starts in time, faded out. */
		keep = sp.cut > 0 ? sp.cut : sp.limit;
		fade = (size_t)from / 20;
		for (i = 0; i < fade && i < keep; i++)
			sp.s[keep - 1 - i] = (int16_t)(sp.s[keep - 1 - i] * (int)i / (int)fade);
		log_warn("alert voice: the message takes over %d s to speak; it is spoken up to "
		    "%.1f s (the crawl carries all of it)", VOICE_MAX_S, (double)keep / from);
	}
	if (keep == 0) {
		free(sp.s);
		return 0;
	}
	rc = resample(sp.s, keep, from, amp, out, cause);
	free(sp.s);
	return rc;
}

/* Is the voice known? */
int
voice_check(const char *voice, char **cause)
{
	int rc;

	pthread_mutex_lock(&lock);
	rc = start(cause) == 0 && set_voice(voice, cause) == 0 ? 0 : -1;
	pthread_mutex_unlock(&lock);
	return rc;
}

/* The voices and the variants. */
int
voice_each(void (*fn)(void *arg, const char *name, const char *desc), void *arg,
    char **cause)
{
	espeak_VOICE spec;
	const espeak_VOICE **v;
	char name[VOICE_NAME_MAX + 2];
	size_t i;

	pthread_mutex_lock(&lock);
	if (start(cause) != 0) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	/* languages: a priority byte, then the language ("en-us"). */
	for (v = espeak_ListVoices(NULL), i = 0; v != NULL && v[i] != NULL; i++)
		fn(arg, v[i]->languages + 1, v[i]->name);
	memset(&spec, 0, sizeof spec);
	spec.languages = "variant";
	for (v = espeak_ListVoices(&spec), i = 0; v != NULL && v[i] != NULL; i++) {
		/* identifier "!v/m3": the variant is what follows the slash. */
		const char *id = strrchr(v[i]->identifier, '/');

		snprintf(name, sizeof name, "+%s", id != NULL ? id + 1 : v[i]->identifier);
		fn(arg, name, v[i]->name);
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

/* Free the synthesiser. */
void
voice_end(void)
{
	pthread_mutex_lock(&lock);
	if (started)
		espeak_ng_Terminate();
	started = 0;
	pthread_mutex_unlock(&lock);
}
