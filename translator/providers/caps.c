/* What the host kernel offers, and whether a runtime can attach a given
 * probe there.  Providers resolve whatever the debug information shows
 * (so -l/-L list kernel.function from BTF on a kernel without kprobes);
 * each probe records the mechanisms it needs (PROV_NEED_*), and the
 * backends ask prov_unsupported() before emitting, so the user learns
 * which feature is missing rather than meeting a load failure.
 *
 * Features are probed, not inferred from versions: the kernel's CONFIG_
 * values when the .config is readable, else the PMUs and files the
 * kernel exposes. */
#include "translator/providers/prov_int.h"

#include <string.h>
#include <unistd.h>

static bool config_y(struct prov_ctx *c, const char *name)
{
	const char *v = c->opts.config ? c->opts.config(c->opts.config_ctx, name) : NULL;

	return v && !strcmp(v, "y");
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

unsigned prov_host_caps(struct prov_ctx *c)
{
	unsigned caps = PROV_NEED_TRACEPOINT | PROV_NEED_TASK_FINDER;

	if (c->caps_done)
		return c->host_caps;
	if (config_y(c, "CONFIG_KPROBES") || exists("/sys/bus/event_source/devices/kprobe"))
		caps |= PROV_NEED_KPROBES;
	if (config_y(c, "CONFIG_UPROBES") || exists("/sys/bus/event_source/devices/uprobe"))
		caps |= PROV_NEED_UPROBES;
	if (exists("/proc/sys/kernel/perf_event_paranoid"))
		caps |= PROV_NEED_PERF;
	if (exists("/sys/kernel/btf/vmlinux"))
		caps |= PROV_NEED_BTF;
	if (exists("/sys/kernel/tracing/events") || exists("/sys/kernel/debug/tracing/events"))
		caps |= PROV_NEED_TRACEFS;
	if ((caps & PROV_NEED_BTF) &&
	    (config_y(c, "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS") ||
	     exists("/sys/kernel/tracing/available_filter_functions")))
		caps |= PROV_NEED_FENTRY;
	c->host_caps = caps;
	c->caps_done = true;
	return caps;
}

static const char *kfunc_reason(unsigned caps, bool bpf)
{
	if (caps & PROV_NEED_KPROBES)
		return NULL;
	if (bpf && (caps & PROV_NEED_FENTRY))
		return NULL;
	return bpf ? "kernel.function probes need kprobes or BPF trampolines "
		     "(fentry/fexit), and this kernel has neither"
		   : "kernel.function probes need kprobes, and this kernel has none "
		     "(CONFIG_KPROBES is not set); try --runtime=bpf";
}

const char *prov_unsupported(struct prov_ctx *c, const struct prov_probe *p,
			     const char *runtime)
{
	unsigned caps = prov_host_caps(c);
	bool bpf = runtime && !strcmp(runtime, "bpf");

	switch (p->family) {
	case PROV_KFUNC:
		return kfunc_reason(caps, bpf);
	case PROV_KPROBE:
		return (caps & PROV_NEED_KPROBES) ? NULL :
			"kprobe probes need kprobes, and this kernel has none "
			"(CONFIG_KPROBES is not set)";
	case PROV_UPROBE:
		return (caps & PROV_NEED_UPROBES) ? NULL :
			"process probes need uprobes, and this kernel has none "
			"(CONFIG_UPROBES is not set)";
	case PROV_PERF:
		return (caps & PROV_NEED_PERF) ? NULL :
			"perf probes need perf events (CONFIG_PERF_EVENTS)";
	case PROV_TIMER_PROFILE:
		/* the module runtime's hook was checked when resolving */
		return !bpf || (caps & PROV_NEED_PERF) ? NULL :
			"timer.profile.tick needs perf events under --runtime=bpf";
	case PROV_TRACEPOINT:
		if (p->u.trace.kind == PROV_TP_TRACEFS && !(caps & PROV_NEED_TRACEFS))
			return "this trace event needs tracefs for its id";
		return NULL;
	case PROV_UTRACE:
		return bpf ? "process lifecycle and syscall probes are not supported "
			     "by the bpf runtime yet" : NULL;
	default:
		return NULL;
	}
}
