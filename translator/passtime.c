#include "translator/passtime.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static void now(long *usr, long *sys, long *real)
{
	struct rusage ru;
	struct timespec ts;

	getrusage(RUSAGE_SELF, &ru);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*usr = ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000;
	*sys = ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000;
	*real = ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void passtime_start(struct passtime *t)
{
	now(&t->usr_ms, &t->sys_ms, &t->real_ms);
}

/* Memory from /proc/self/statm, in kB as upstream reports it. */
void passtime_print(FILE *out, const struct passtime *t)
{
	long pages[7] = { 0 }, usr, sys, real;
	long kb = sysconf(_SC_PAGESIZE) / 1024;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		for (int i = 0; i < 7 && fscanf(f, "%ld", &pages[i]) == 1; i++)
			;
		fclose(f);
	}
	now(&usr, &sys, &real);
	fprintf(out, "using %ldvirt/%ldres/%ldshr/%lddata kb, in %ldusr/%ldsys/%ldreal ms.\n",
		pages[0] * kb, pages[1] * kb, pages[2] * kb, pages[5] * kb,
		usr - t->usr_ms, sys - t->sys_ms, real - t->real_ms);
}
