/* HAVE_PROC_OPS: proc_create() takes a struct proc_ops (Linux 5.6) */
#include <linux/proc_fs.h>

static const struct proc_ops ops = { .proc_read = NULL };

void sonde_probe_proc_ops(void);

void sonde_probe_proc_ops(void)
{
	proc_create("x", 0, NULL, &ops);
}
