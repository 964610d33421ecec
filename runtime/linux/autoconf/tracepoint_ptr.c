/* HAVE_TRACEPOINT_PTR: tracepoints are found with
 * for_each_kernel_tracepoint() and registered by pointer (3.15) */
#include <linux/tracepoint.h>

static void each(struct tracepoint *tp, void *priv)
{
}

int sonde_probe_tracepoint_ptr(struct tracepoint *tp, void *probe);

int sonde_probe_tracepoint_ptr(struct tracepoint *tp, void *probe)
{
	for_each_kernel_tracepoint(each, NULL);
	return tracepoint_probe_register(tp, probe, NULL);
}
