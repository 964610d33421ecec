/* HAVE_SCHED_CLOCK_H: local_clock() is declared in <linux/sched/clock.h>
 * (4.11); before, <linux/sched.h> declared it */
#include <linux/sched/clock.h>

u64 sonde_probe_sched_clock_h(void);

u64 sonde_probe_sched_clock_h(void)
{
	return local_clock();
}
