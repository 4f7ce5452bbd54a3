/*
 * voice.h: an emergency alert's message, spoken with a synthetic voice as
 * the weather radio and the automated alert systems spoke it: espeak-ng's
 * synthesiser, rendered once per alert into mono float PCM at the alert's
 * rate.
 *
 * espeak-ng keeps one synthesiser per process and is not thread-safe:
 * every call here takes one lock, so any thread may call them (the alert
 * system renders on its own thread "rv-voice", never a channel's).
 */
#ifndef RV_ENGINE_VOICE_H
#define RV_ENGINE_VOICE_H

#include "engine/same.h"

#define VOICE_DEFAULT "en-us"
#define VOICE_NAME_MAX 63
#define VOICE_MAX_S 120                 /* the longest message spoken (two minutes) */

/*
 * Speak text with voice (an espeak-ng voice: "en-us", "en-gb", with a
 * variant "en-us+m3"; NULL or "": VOICE_DEFAULT) and append it to out at
 * out->rate, its peak at amp (0..1). Speech past VOICE_MAX_S is cut at the
 * end of the sentence before. 0, or -1 with *cause (an unknown voice, no
 * espeak-ng data); out is unchanged then.
 */
int voice_render(const char *voice, const char *text, float amp, struct pcm *out,
    char **cause);
/* Is voice one espeak-ng knows? 0, or -1 with *cause saying why not. */
int voice_check(const char *voice, char **cause);
/*
 * Call fn for each voice: its name as voice_render takes it ("en-us") and
 * its description ("English (America)"); then for each variant ("+m3",
 * "+f2", "+klatt"). 0, or -1 with *cause.
 */
int voice_each(void (*fn)(void *arg, const char *name, const char *desc), void *arg,
    char **cause);
/* Free the synthesiser (at exit; it starts again on the next call). */
void voice_end(void);

#endif
