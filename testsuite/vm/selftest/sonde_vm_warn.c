// SPDX-License-Identifier: GPL-2.0
/*
 * VM tier self-test: a module whose init hits a WARN() and then refuses to
 * load, so the harness can show that a kernel warning fails the case that
 * caused it while the guest goes on with the next case.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init sonde_vm_warn_init(void)
{
	WARN(1, "sonde_vm_warn: a deliberate warning\n");
	return -EINVAL;
}

module_init(sonde_vm_warn_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sonde VM tier self-test: WARN on load");
