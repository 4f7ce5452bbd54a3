/*
 * loudness.h: an EBU R128 / ITU-R BS.1770-4 loudness meter for 48 kHz
 * stereo: K-weighting, 400 ms blocks every 100 ms, the absolute gate at
 * -70 LUFS and the relative gate 10 LU below, over a histogram of 0.1 LU
 * bins, so a meter costs the same however long it runs. The same measure
 * as FFmpeg's ebur128 filter (which `retrovue validate` uses).
 */
#ifndef RV_ENGINE_LOUDNESS_H
#define RV_ENGINE_LOUDNESS_H

struct loudness;

/* A meter for 48 kHz stereo. */
struct loudness *loudness_new(void);
/* Measure n more samples of each channel. */
void loudness_add(struct loudness *m, const float *left, const float *right, int n);
/* Integrated loudness so far in LUFS; NAN while no block passed the gates. */
double loudness_integrated(const struct loudness *m);
/* Seconds of audio measured. */
double loudness_seconds(const struct loudness *m);
/* Free; accepts NULL, sets *mp to NULL. */
void loudness_free(struct loudness **mp);

#endif
