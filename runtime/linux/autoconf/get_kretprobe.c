/* HAVE_GET_KRETPROBE: a kretprobe instance gives its kretprobe through
 * get_kretprobe() (5.11), not ri->rp */
#include <linux/kprobes.h>

struct kretprobe *sonde_probe_get_kretprobe(struct kretprobe_instance *ri);

struct kretprobe *sonde_probe_get_kretprobe(struct kretprobe_instance *ri)
{
	return get_kretprobe(ri);
}
