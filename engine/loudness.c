/*
 * loudness.c: integrated loudness after ITU-R BS.1770-4 (EBU R128).
 *
 * Each channel goes through the two K-weighting biquads (the standard's
 * 48 kHz coefficients); the mean square of every 100 ms is kept, and each
 * 400 ms block (four of them, so blocks overlap by 75%) is one loudness
 * value. Blocks above -70 LUFS go into a histogram that keeps, per 0.1 LU
 * bin, the count and the summed power: the gates then pick whole bins and
 * the mean is exact for the blocks they keep.
 */
#include "engine/loudness.h"

#include <math.h>
#include <string.h>

#include "src/util.h"

#define RATE 48000
#define STEP (RATE / 10)                /* 100 ms */
#define ABS_GATE (-70.0)
#define REL_GATE (-10.0)
#define BIN_LU 0.1
#define NBINS 1000                      /* -70 .. +30 LUFS */

struct biquad {
	double b0, b1, b2, a1, a2;
	double z1, z2;
};

struct loudness {
	struct biquad k[2][2];          /* [channel][stage] */
	double sum;                     /* weighted square sum of the current 100 ms */
	int filled;                     /* samples in it */
	double sub[4];                  /* the last four 100 ms sums */
	int nsub;
	long long samples;
	long long count[NBINS];
	double power[NBINS];
};

/* The K-weighting filter of one channel: a high shelf, then a high pass. */
static void
k_weighting(struct biquad *k)
{
	memset(k, 0, 2 * sizeof *k);
	k[0].b0 = 1.53512485958697;
	k[0].b1 = -2.69169618940638;
	k[0].b2 = 1.19839281085285;
	k[0].a1 = -1.69065929318241;
	k[0].a2 = 0.73248077421585;
	k[1].b0 = 1.0;
	k[1].b1 = -2.0;
	k[1].b2 = 1.0;
	k[1].a1 = -1.99004745483398;
	k[1].a2 = 0.99007225036621;
}

/* One sample through one biquad (transposed direct form II). */
static inline double
run(struct biquad *q, double x)
{
	double y = q->b0 * x + q->z1;

	q->z1 = q->b1 * x - q->a1 * y + q->z2;
	q->z2 = q->b2 * x - q->a2 * y;
	return y;
}

/* New meter. */
struct loudness *
loudness_new(void)
{
	struct loudness *m = xcalloc(1, sizeof *m);

	k_weighting(m->k[0]);
	k_weighting(m->k[1]);
	return m;
}

/* A 400 ms block ended: file its loudness. */
static void
block(struct loudness *m)
{
	double z = (m->sub[0] + m->sub[1] + m->sub[2] + m->sub[3]) / (4.0 * STEP), l;
	int bin;

	if (z <= 0)
		return;
	l = -0.691 + 10 * log10(z);
	if (l <= ABS_GATE)
		return;
	bin = (int)((l - ABS_GATE) / BIN_LU);
	if (bin >= NBINS)
		bin = NBINS - 1;
	m->count[bin]++;
	m->power[bin] += z;
}

/* Measure. */
void
loudness_add(struct loudness *m, const float *left, const float *right, int n)
{
	double l, r;
	int i;

	for (i = 0; i < n; i++) {
		l = run(&m->k[0][1], run(&m->k[0][0], left[i]));
		r = run(&m->k[1][1], run(&m->k[1][0], right[i]));
		m->sum += l * l + r * r;
		if (++m->filled < STEP)
			continue;
		memmove(m->sub, m->sub + 1, 3 * sizeof *m->sub);
		m->sub[3] = m->sum;
		m->sum = 0;
		m->filled = 0;
		if (++m->nsub >= 4)
			block(m);
	}
	m->samples += n;
	/* Denormals in a long silence slow the filters down: flush them. */
	for (i = 0; i < 2; i++) {
		if (fabs(m->k[i][0].z1) < 1e-30 && fabs(m->k[i][1].z1) < 1e-30) {
			m->k[i][0].z1 = m->k[i][0].z2 = 0;
			m->k[i][1].z1 = m->k[i][1].z2 = 0;
		}
	}
}

/* Integrated loudness. */
double
loudness_integrated(const struct loudness *m)
{
	double p = 0, gate;
	long long c = 0;
	int i, from;

	for (i = 0; i < NBINS; i++) {
		c += m->count[i];
		p += m->power[i];
	}
	if (c == 0)
		return NAN;
	gate = -0.691 + 10 * log10(p / (double)c) + REL_GATE;
	from = gate <= ABS_GATE ? 0 : (int)ceil((gate - ABS_GATE) / BIN_LU);
	p = 0;
	c = 0;
	for (i = from; i < NBINS; i++) {
		c += m->count[i];
		p += m->power[i];
	}
	if (c == 0)
		return NAN;
	return -0.691 + 10 * log10(p / (double)c);
}

/* Seconds measured. */
double
loudness_seconds(const struct loudness *m)
{
	return (double)m->samples / RATE;
}

/* Free. */
void
loudness_free(struct loudness **mp)
{
	freep(mp);
}
