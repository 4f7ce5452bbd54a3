/*
 * look.c: the CRT and VHS looks, as filter chains in the channel's tail.
 *
 * Every effect here is chosen for its cost at 720p on one core (measured
 * with bench/bench_cpu.sh and ffmpeg -benchmark; the budget is a quarter
 * of a channel's CPU): softness is a horizontal scale down and up
 * (fast_bilinear: the way a tube's and a tape's bandwidth lose detail),
 * scan lines, vignette and rounded corners are one still picture made
 * once per tail graph and multiplied in (blend's SIMD path), the bloom is
 * the highlights blurred at a 64th of the picture and screened in,
 * the tape's chroma is kept at a quarter of the reduced width (yuv410p:
 * the tape's narrow colour band, which is the bleed when it is scaled
 * back) and shifted there, and the head-switching band and the tracking
 * wobble touch a few lines only. Measured at 720p on one core (ffmpeg
 * -benchmark, -threads 1, best of three): CRT 1.4 ms a frame, VHS 1.1 ms
 * (an avgblur for the bleed made it 2.3 ms).
 * Real barrel curvature (lenscorrection) cost 2.2 ms a 720p frame, as
 * much as the rest of the CRT look: the rounded corners stand in for it.
 */
#include "engine/look.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/channels.h"
#include "src/log.h"
#include "src/util.h"

struct look_chan {
	char number[16];
	char look[8];
	int strength;
	struct tail_format fmt;
};

/* An even number near x, at least min. */
static int
even(double x, int min)
{
	int n = (int)(x / 2 + 0.5) * 2;

	return n < min ? min : n;
}

/*
 * CRT: soft horizontally, the highlights glowing, then one still mask
 * multiplied in: scan lines (one dark line every H/240 lines, as a
 * 480-line tube draws them), a vignette and the tube's rounded corners.
 */
static char *
crt_chain(double f, const struct tail_format *fmt, const char *in, const char *out)
{
	int w = fmt->width, h = fmt->height, sw = even(w * (1 - 0.3 * f), 16);
	int mw = even(w / 4.0, 16), mh = even(h / 4.0, 16), gw = even(w / 8.0, 16);
	int gh = even(h / 8.0, 16);
	int period = h / 240 > 2 ? h / 240 : 2, thick = period / 2 > 1 ? period / 2 : 1;
	double glow_from = 200 - 60 * f, glow = 2.5 * f, alpha = 0.12 + 0.4 * f;
	double vig = 0.1 + 0.4 * f, radius = (0.03 + 0.06 * f) * mh;
	char *desc;

	xasprintf(&desc,
	    "[%s]scale=%d:ih:flags=fast_bilinear,scale=%d:ih:flags=fast_bilinear,"
	    "split[lookc][lookg];"
	    "[lookg]scale=%d:%d:flags=fast_bilinear,"
	    "lutyuv=y='clip((val-%.0f)*%.3f,0,255)':u=128:v=128,boxblur=2:1,"
	    "scale=%d:%d:flags=fast_bilinear[lookglow];"
	    "[lookc][lookglow]blend=c0_mode=screen:c1_mode=normal:c2_mode=normal[lookb];"
	    "color=c=white:s=%dx%d:r=%d/%d,format=yuv420p,trim=end_frame=1,"
	    "geq=lum='255*(1-%.3f*(pow(2*X/W-1,2)+pow(2*Y/H-1,2))/2)*"
	    "clip((%.3f-hypot(max(0,abs(X-W/2)-(W/2-%.3f)),max(0,abs(Y-H/2)-(H/2-%.3f))))/1.5,0,1)'"
	    ":cb=128:cr=128,"
	    "scale=%d:%d:flags=bilinear,"
	    "drawgrid=w=iw+8:h=%d:t=%d:x=iw+4:c=black@%.3f[lookmask];"
	    "[lookb][lookmask]blend=c0_mode=multiply:c1_mode=normal:c2_mode=normal[%s]",
	    in, sw, w,
	    gw, gh, glow_from, glow, w, h,
	    mw, mh, fmt->fps_num, fmt->fps_den, vig, radius, radius, radius,
	    w, h, period, thick, alpha, out);
	return desc;
}

/*
 * VHS: luma soft at a tape's width, the chroma at a quarter of it
 * (bleeding), shifted right, less saturated; tape noise at the tape's
 * width (soft grain, and cheaper to encode than sharp noise); the
 * head-switching band (the bottom lines shifted right, jittering, noisy);
 * and now and then a tracking wobble (a noisy band rolling up the
 * picture, shifted).
 */
static char *
vhs_chain(double f, const struct tail_format *fmt, const char *in, const char *out)
{
	int w = fmt->width, h = fmt->height, sw = even(w * (0.8 - 0.35 * f) / 2, 8) * 2;
	int shift = (int)(sw / 4 * (0.003 + 0.007 * f) + 0.5);
	int band = even(h * (0.012 + 0.016 * f), 4), dx = (int)(w * (0.01 + 0.03 * f)) + 2;
	int wob = even(h * (0.05 + 0.08 * f), 4), wdx = (int)(w * (0.02 + 0.04 * f)) + 2;
	double noise = 3 + 10 * f, period = 47 - 20 * f, dur = 0.6 + 0.8 * f;
	char *desc;

	if (shift < 1)
		shift = 1;
	xasprintf(&desc,
	    "[%s]scale=%d:ih:flags=fast_bilinear,format=yuv410p,"
	    "chromashift=cbh=%d:crh=%d:edge=smear,"
	    "eq=saturation=%.3f,"
	    "noise=c0s=%.0f:c0f=t+u,"
	    "scale=%d:ih:flags=fast_bilinear,format=yuv420p,"
	    "split=3[lookhs][lookwb][lookv];"
	    /* Head switching: the bottom lines, shifted right a jittering dx. */
	    "[lookhs]crop=iw:%d:0:ih-%d,noise=alls=%.0f:allf=t,"
	    "pad=iw+%d:ih:%d:0:black[lookhsb];"
	    /* The wobble: a band rolling up, every period seconds for dur. */
	    "[lookwb]crop=iw:%d:0:'(ih-%d)*(1-mod(t,%.2f)/%.2f)':exact=1,"
	    "noise=alls=%.0f:allf=t,pad=iw+%d:ih:%d:0:black[lookwbb];"
	    "[lookv][lookhsb]overlay=x='-%d+%d*(0.7+0.3*sin(n*1.7))':y=H-h:eval=frame[lookv2];"
	    "[lookv2][lookwbb]overlay=x='-%d+%d*(0.5+0.5*sin(n*2.3))':"
	    "y='(H-h)*(1-mod(t,%.2f)/%.2f)':eval=frame:enable='lt(mod(t,%.2f),%.2f)'[%s]",
	    in, sw, shift, shift, 1 - 0.3 * f, noise, w,
	    band, band, 30 + 30 * f, dx, dx,
	    wob, wob, period, dur, 40 + 40 * f, wdx, wdx,
	    dx, dx,
	    wdx, wdx, period, dur, period, dur, out);
	return desc;
}

/* The chain of a look. */
char *
look_chain(const char *look, int strength, const struct tail_format *fmt, const char *in,
    const char *out)
{
	double f;

	if (strength < 1)
		strength = 1;
	if (strength > 100)
		strength = 100;
	f = strength / 100.0;
	if (look == NULL || fmt->width < 64 || fmt->height < 64)
		return NULL;
	if (strcmp(look, "crt") == 0)
		return crt_chain(f, fmt, in, out);
	if (strcmp(look, "vhs") == 0)
		return vhs_chain(f, fmt, in, out);
	return NULL;
}

/* open: a channel with a look, at the place its look_alerts says. */
static void *
open_at(const struct channel_conf *conf, const struct tail_format *fmt, int over)
{
	const char *look = channel_conf_str(conf, "look");
	struct look_chan *c;

	if (look == NULL || strcmp(look, "clean") == 0 ||
	    (channel_conf_int(conf, "look_alerts") != 0) != over)
		return NULL;
	if (fmt->width < 64 || fmt->height < 64) {
		log_warn("channel %s: the %s look needs a picture of 64x64 at least; it airs "
		    "clean", conf->number, look);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	snprintf(c->number, sizeof c->number, "%s", conf->number);
	snprintf(c->look, sizeof c->look, "%s", look);
	c->strength = (int)channel_conf_int(conf, "look_strength");
	c->fmt = *fmt;
	log_info("channel %s: %s look at strength %d%s", c->number, c->look, c->strength,
	    over ? ", over the emergency alerts too" : " (an emergency alert stays crisp)");
	return c;
}

static void *
plug_open_under(void *global, const struct channel_conf *conf, const struct tail_format *fmt)
{
	(void)global;
	return open_at(conf, fmt, 0);
}

static void *
plug_open_over(void *global, const struct channel_conf *conf, const struct tail_format *fmt)
{
	(void)global;
	return open_at(conf, fmt, 1);
}

/* video_chain: the look, always the same for the channel. */
static int
plug_video_chain(void *state, const char *in, const char *out, char **desc)
{
	struct look_chan *c = state;

	*desc = look_chain(c->look, c->strength, &c->fmt, in, out);
	return 0;
}

/* close. */
static void
plug_close(void *state)
{
	free(state);
}

const struct tail_plugin look_plugin = {
	.name = "look",
	.open = plug_open_under,
	.video_chain = plug_video_chain,
	.close = plug_close,
};

const struct tail_plugin look_over_plugin = {
	.name = "look",
	.open = plug_open_over,
	.video_chain = plug_video_chain,
	.close = plug_close,
};
