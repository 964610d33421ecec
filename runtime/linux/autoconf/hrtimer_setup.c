/* HAVE_HRTIMER_SETUP: hrtimer_setup() replaces hrtimer_init() (6.13) */
#include <linux/hrtimer.h>

static enum hrtimer_restart fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void sonde_probe_hrtimer_setup(struct hrtimer *t);

void sonde_probe_hrtimer_setup(struct hrtimer *t)
{
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
