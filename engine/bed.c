/*
 * bed.c: the music bed under the generated items.
 *
 * The generated bed is an eight-second loop of four chords (Cmaj7, Am7,
 * Fmaj7, G6), two seconds each: a soft pad of the chord's four notes that
 * breathes with a slow swell, and a chime two octaves up picking one note
 * of the chord every half second, decaying like a struck bell, panned
 * left and right in turn. Oscillators read one sine table; the chord
 * changes keep each voice's phase, so nothing clicks. Its loudness is
 * measured once (the first time it is wanted: one loop through the
 * channel's own meter) and a gain brings it to the channel's target.
 *
 * Music tracks are asked of the channel's opener under an item id no
 * schedule item has, always one track ahead, so the next is open before
 * the one airing ends; while none is open, the generated bed plays.
 */
#include "engine/bed.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>

#include "engine/loudness.h"
#include "engine/opener.h"
#include "engine/output.h"
#include "src/log.h"
#include "src/util.h"

#define BED_ITEM_ID (-2)                /* the opener's asks for tracks: no item has it */
#define BED_JOIN_US INT64_MAX           /* ... never pruned, opened after every file */
#define FRAME 1024
#define TABLE 4096                      /* sine table */
#define CHORD_SAMPLES (2 * OUTPUT_SAMPLE_RATE)
#define CHIME_SAMPLES (OUTPUT_SAMPLE_RATE / 2)
#define LOOP_SAMPLES (4 * CHORD_SAMPLES)
#define CHIME_DECAY_S 0.45
#define RESCAN_MS 60000                 /* a folder with nothing that opens: look again */

/* The chords, Hz: the pad's notes (the chime plays them two octaves up). */
static const double chords[4][4] = {
	{ 130.81, 164.81, 196.00, 246.94 },     /* Cmaj7 */
	{ 110.00, 130.81, 164.81, 196.00 },     /* Am7 */
	{ 87.31, 110.00, 130.81, 164.81 },      /* Fmaj7 */
	{ 98.00, 123.47, 146.83, 164.81 },      /* G6 */
};
/* Which note of the chord the chime picks on each half second. */
static const int chime_pattern[4] = { 0, 2, 1, 3 };

/* The generated bed's voices. */
struct synth {
	int64_t n;                      /* sample of the loop */
	double pad[4];                  /* phases, 0..1 */
	double chime[2][2];             /* two chimes (the last still rings), two partials */
	double chime_f[2];
	int64_t chime_at[2];            /* sample each chime was struck (-1: silent) */
	int chime_next;
};

struct bed {
	char label[48];
	struct source_conf sc;
	struct opener *opener;
	char *dir;                      /* NULL: the generated bed only */
	char **tracks;
	size_t ntracks, next;
	int asked;                      /* a track is asked of the opener */
	size_t asked_i;                 /* which */
	int64_t rescan_ms;              /* monotonic ms: nothing opens; look again then */
	size_t fails;                   /* tracks in a row that did not open */
	struct source *music;
	struct synth syn;
	float table[TABLE + 1];
	double gain;                    /* linear, to the loudness target */
	int measured;
};

/* The folder's playable files, sorted. */
static void
scan(struct bed *b)
{
	static const char *exts[] = { ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac",
	    ".wav", ".mka", ".wma", ".mp2", ".ac3" };
	struct dirent **names = NULL;
	const char *dot;
	size_t i, k;
	int n, j;

	for (i = 0; i < b->ntracks; i++)
		free(b->tracks[i]);
	free(b->tracks);
	b->tracks = NULL;
	b->ntracks = b->next = 0;
	n = scandir(b->dir, &names, NULL, alphasort);
	if (n < 0) {
		log_warn("%s: music folder %s: %s; the generated bed under the cards", b->label,
		    b->dir, strerror(errno));
		return;
	}
	for (j = 0; j < n; j++) {
		dot = strrchr(names[j]->d_name, '.');
		for (k = 0; dot != NULL && names[j]->d_name[0] != '.' && k < nitems(exts); k++) {
			if (strcasecmp(dot, exts[k]) == 0) {
				b->tracks = xreallocarray(b->tracks, b->ntracks + 1, sizeof *b->tracks);
				xasprintf(&b->tracks[b->ntracks++], "%s/%s", b->dir, names[j]->d_name);
				break;
			}
		}
		free(names[j]);
	}
	free(names);
	if (b->ntracks == 0)
		log_warn("%s: music folder %s has no sound files; the generated bed under the "
		    "cards", b->label, b->dir);
}

/* Ask the opener for the next track (the folder again at the end of it). */
static void
ask(struct bed *b)
{
	struct source_conf sc;

	if (b->dir == NULL || b->asked || mono_us() / 1000 < b->rescan_ms)
		return;
	if (b->next >= b->ntracks)
		scan(b);
	if (b->ntracks == 0) {
		b->rescan_ms = mono_us() / 1000 + RESCAN_MS;
		return;
	}
	sc = b->sc;
	sc.no_video = 1;
	sc.no_audio = 0;
	sc.title = NULL;
	sc.gain_db = NAN;               /* measured, brought to the target */
	b->asked_i = b->next++;
	opener_want(b->opener, BED_ITEM_ID, BED_JOIN_US, b->tracks[b->asked_i], 0, &sc);
	b->asked = 1;
}

/* The track that is open, if any (taking it from the opener when ready). */
static struct source *
music(struct bed *b)
{
	struct source *src;
	char *cause = NULL;

	if (b->music != NULL || !b->asked)
		return b->music;
	switch (opener_take(b->opener, BED_ITEM_ID, BED_JOIN_US, &src, &cause)) {
	case OPENER_READY:
		log_info("%s: music under the generated items: %s", b->label,
		    b->tracks[b->asked_i]);
		b->asked = 0;
		b->fails = 0;
		b->music = src;
		ask(b);                 /* the next, ready before this one ends */
		break;
	case OPENER_FAILED:
		b->asked = 0;
		log_warn("%s: music: %s", b->label, cause != NULL ? cause : "cannot open a track");
		if (++b->fails >= b->ntracks) {
			b->fails = 0;
			b->rescan_ms = mono_us() / 1000 + RESCAN_MS;
			b->next = b->ntracks;   /* the folder again, later */
		}
		ask(b);
		break;
	case OPENER_UNKNOWN:
		b->asked = 0;
		ask(b);
		break;
	case OPENER_PENDING:
		break;
	}
	free(cause);
	return b->music;
}

/* A sine from the table, phase 0..1. */
static float
sine(const struct bed *b, double phase)
{
	double x = phase * TABLE;
	int i = (int)x;
	float f = (float)(x - i);

	return b->table[i] + f * (b->table[i + 1] - b->table[i]);
}

/* Advance a phase by f Hz for one sample. */
static double
step(double phase, double f)
{
	phase += f / OUTPUT_SAMPLE_RATE;
	return phase >= 1 ? phase - floor(phase) : phase;
}

/* n samples of the generated bed (unscaled) into l and r. */
static void
synth(struct bed *b, struct synth *s, float *l, float *r, int n)
{
	const double *chord;
	double swell, env, t;
	float pad, ch, pan;
	int i, v, k, note;

	for (i = 0; i < n; i++) {
		chord = chords[s->n / CHORD_SAMPLES];
		if (s->n % CHIME_SAMPLES == 0) {
			/* Strike the next chime. */
			v = s->chime_next;
			s->chime_next ^= 1;
			note = chime_pattern[(s->n / CHIME_SAMPLES) % 4];
			s->chime_f[v] = chord[note] * 4;
			s->chime_at[v] = s->n;
			s->chime[v][0] = s->chime[v][1] = 0;
		}
		swell = 0.8 + 0.2 * sin(2 * M_PI * (double)s->n / LOOP_SAMPLES * 2);
		pad = 0;
		for (k = 0; k < 4; k++) {
			pad += sine(b, s->pad[k]);
			s->pad[k] = step(s->pad[k], chord[k]);
		}
		pad *= (float)(0.12 * swell);
		l[i] = r[i] = pad;
		for (v = 0; v < 2; v++) {
			if (s->chime_at[v] < 0)
				continue;
			t = (double)((s->n - s->chime_at[v] + LOOP_SAMPLES) % LOOP_SAMPLES) /
			    OUTPUT_SAMPLE_RATE;
			env = (t < 0.01 ? t / 0.01 : 1) * exp(-t / CHIME_DECAY_S);
			ch = (float)(env * 0.25) * (sine(b, s->chime[v][0]) +
			    0.3f * sine(b, s->chime[v][1]));
			s->chime[v][0] = step(s->chime[v][0], s->chime_f[v]);
			s->chime[v][1] = step(s->chime[v][1], 2 * s->chime_f[v]);
			pan = v == 0 ? 0.35f : -0.35f;
			l[i] += ch * (1 - pan);
			r[i] += ch * (1 + pan);
		}
		s->n = (s->n + 1) % LOOP_SAMPLES;
	}
}

/* A fresh synth. */
static void
synth_reset(struct synth *s)
{
	memset(s, 0, sizeof *s);
	s->chime_at[0] = s->chime_at[1] = -1;
}

/* Measure one loop of the generated bed: the gain to the target. */
static void
measure(struct bed *b)
{
	struct loudness *m = loudness_new();
	struct synth s;
	float l[FRAME], r[FRAME];
	double lufs, target = b->sc.loudness_target != 0 ? b->sc.loudness_target : -24;
	int64_t k;

	synth_reset(&s);
	for (k = 0; k < LOOP_SAMPLES; k += FRAME) {
		synth(b, &s, l, r, FRAME);
		loudness_add(m, l, r, FRAME);
	}
	lufs = loudness_integrated(m);
	loudness_free(&m);
	b->gain = isfinite(lufs) ? pow(10, (target - lufs) / 20) : 1;
	b->measured = 1;
	log_debug("%s: the generated bed measures %.1f LUFS; %+.1f dB to %.0f LUFS", b->label,
	    lufs, target - lufs, target);
}

/* New bed. */
struct bed *
bed_new(const char *label, const char *mode, const char *music_dir,
    const struct source_conf *sc, struct opener *opener)
{
	struct bed *b;
	int i;

	if (mode != NULL && strcmp(mode, "silence") == 0)
		return NULL;
	b = xcalloc(1, sizeof *b);
	snprintf(b->label, sizeof b->label, "%s", label);
	b->sc = *sc;
	b->opener = opener;
	if (music_dir != NULL && *music_dir != '\0' && opener != NULL &&
	    (mode == NULL || strcmp(mode, "tone") != 0))
		b->dir = xstrdup(music_dir);
	for (i = 0; i <= TABLE; i++)
		b->table[i] = (float)sin(2 * M_PI * i / TABLE);
	synth_reset(&b->syn);
	ask(b);
	return b;
}

/* Free. */
void
bed_free(struct bed **bp)
{
	struct bed *b;
	size_t i;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	source_free(&b->music);
	for (i = 0; i < b->ntracks; i++)
		free(b->tracks[i]);
	free(b->tracks);
	free(b->dir);
	freep(bp);
}

/* Fade in and out within a stretch. */
static void
fade(AVFrame *f, int64_t in, int64_t left)
{
	float *l = (float *)f->extended_data[0], *r = (float *)f->extended_data[1], g;
	int64_t k;
	int i;

	if (in >= BED_FADE_SAMPLES && left >= BED_FADE_SAMPLES + f->nb_samples)
		return;
	for (i = 0; i < f->nb_samples; i++) {
		k = in + i < left - i ? in + i : left - i;
		if (k >= BED_FADE_SAMPLES)
			continue;
		g = k <= 0 ? 0 : (float)k / BED_FADE_SAMPLES;
		l[i] *= g * g;
		r[i] *= g * g;
	}
}

/* Next samples. */
int
bed_audio(struct bed *b, AVFrame *frame, int64_t in, int64_t left)
{
	struct source *src;
	float *l, *r;
	int ret, i;

	for (i = 0; i < 2 && (src = music(b)) != NULL; i++) {
		ret = source_audio(src, frame, NULL);
		if (ret == 0 && frame->format == AV_SAMPLE_FMT_FLTP &&
		    frame->ch_layout.nb_channels == 2 && frame->nb_samples > 0) {
			if ((ret = av_frame_make_writable(frame)) < 0)
				return ret;
			fade(frame, in, left);
			return 0;
		}
		av_frame_unref(frame);
		if (ret == AVERROR(EAGAIN))
			break;
		/* The track ended (or broke): the next one, open by now. */
		source_free(&b->music);
	}
	if (!b->measured)
		measure(b);
	frame->format = AV_SAMPLE_FMT_FLTP;
	frame->sample_rate = OUTPUT_SAMPLE_RATE;
	frame->nb_samples = FRAME;
	av_channel_layout_default(&frame->ch_layout, 2);
	if ((ret = av_frame_get_buffer(frame, 0)) < 0)
		return ret;
	l = (float *)frame->extended_data[0];
	r = (float *)frame->extended_data[1];
	synth(b, &b->syn, l, r, FRAME);
	for (i = 0; i < FRAME; i++) {
		l[i] *= (float)b->gain;
		r[i] *= (float)b->gain;
	}
	fade(frame, in, left);
	return 0;
}
