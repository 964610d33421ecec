/* timer.s/sec/ms/msec/us/usec/ns/nsec(N)[.randomize(M)], timer.hz(N),
 * timer.jiffies(N)[.randomize(M)] and timer.profile.tick (spec/probes.md
 * §2.2), with upstream's checks and messages (tapset-timers.cxx).
 *
 * hrtimer forms are converted to nanoseconds: period N * unit, limited to
 * [100 us, 1 day] ("interval value out of range (MIN, MAX)" in the unit
 * written); hz: ceil(1e9 / N).  Jiffies stay in jiffies (the backend knows
 * HZ).  timer.profile is the tapset alias "timer.profile.tick !,
 * perf.sw.cpu_clock.sample(1000000)" built in here until tapsets exist
 * (p_perf.c). */
#include "translator/providers/prov_int.h"

#include <string.h>

#include "translator/debuginfo/kallsyms.h"

#define MIN_NS 100000LL
#define MAX_NS (1000000000LL * 60 * 60 * 24)

static const char *const patterns[] = {
	"timer.s(number)", "timer.s(number).randomize(number)",
	"timer.sec(number)", "timer.sec(number).randomize(number)",
	"timer.ms(number)", "timer.ms(number).randomize(number)",
	"timer.msec(number)", "timer.msec(number).randomize(number)",
	"timer.us(number)", "timer.us(number).randomize(number)",
	"timer.usec(number)", "timer.usec(number).randomize(number)",
	"timer.ns(number)", "timer.ns(number).randomize(number)",
	"timer.nsec(number)", "timer.nsec(number).randomize(number)",
	"timer.jiffies(number)", "timer.jiffies(number).randomize(number)",
	"timer.hz(number)",
	NULL,
};

static const struct { const char *name; int64_t scale; } units[] = {
	{ "s", 1000000000 }, { "sec", 1000000000 },
	{ "ms", 1000000 }, { "msec", 1000000 },
	{ "us", 1000 }, { "usec", 1000 },
	{ "ns", 1 }, { "nsec", 1 },
};

static int jiffies_build(struct prov_build *b, int64_t n, int64_t rnd)
{
	struct prov_probe *p;

	if (n <= 0 || n > 1000000)
		return prov_fail(b, NULL, "invalid interval for jiffies timer");
	if (rnd < 0 || rnd > n)
		return prov_fail(b, NULL, "invalid randomize for jiffies timer");
	p = prov_emit(b, PROV_TIMER);
	p->u.timer.jiffies = true;
	p->u.timer.period = n;
	p->u.timer.randomize = rnd;
	return 0;
}

static int hrtimer_build(struct prov_build *b, int64_t ns, int64_t rnd, int64_t scale)
{
	struct prov_probe *p;

	if (ns < MIN_NS || ns > MAX_NS)
		return prov_fail(b, NULL, "interval value out of range (%lld, %lld)",
				 (long long)(scale < MIN_NS ? MIN_NS / scale : 1),
				 (long long)(MAX_NS / scale));
	if (rnd < 0 || rnd > ns)
		return prov_fail(b, NULL, "randomization value out of range");
	p = prov_emit(b, PROV_TIMER);
	p->u.timer.period = ns;
	p->u.timer.randomize = rnd;
	return 0;
}

static int timer_build(struct prov_build *b)
{
	int64_t n, rnd = 0;

	prov_num(b, "randomize", &rnd);
	if (prov_num(b, "jiffies", &n))
		return jiffies_build(b, n, rnd);
	if (prov_num(b, "hz", &n)) {
		if (n <= 0)
			return prov_fail(b, NULL, "frequency must be greater than 0");
		return hrtimer_build(b, (1000000000 + n - 1) / n, 0, 1);
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (prov_num(b, units[i].name, &n))
			return hrtimer_build(b, n * units[i].scale,
					     rnd * units[i].scale, units[i].scale);
	return prov_fail(b, NULL, "unrecognized timer variant");
}

const struct provider prov_timer = {
	.name = "timer builder",
	.patterns = patterns,
	.build = timer_build,
};

/* The module runtime's per-tick hook is gone from modern kernels. */
static int profile_tick_build(struct prov_build *b)
{
	struct ksyms *k = prov_ksyms(b);
	size_t n = 0;
	struct prov_probe *p;

	if (!k)
		return -1;
	ksyms_lookup(k, "register_timer_hook", &n);
	if (n == 0 && !(b->ctx->opts.runtime && !strcmp(b->ctx->opts.runtime, "bpf")))
		return prov_fail(b, NULL, "profiling timer support (register_timer_hook) "
				 "not found in kernel!");
	p = prov_emit(b, PROV_TIMER_PROFILE);
	p->needs = PROV_NEED_TIMER_HOOK;
	return 0;
}

static const char *const profile_tick_patterns[] = { "timer.profile.tick", NULL };

const struct provider prov_timer_profile = {
	.name = "timer builder",
	.patterns = profile_tick_patterns,
	.build = profile_tick_build,
};
