// SPDX-License-Identifier: GPL-2.0
/*
 * VM tier self-test: a module whose init dereferences a null pointer, so
 * the harness can show that a case that oopses the guest is reported as a
 * failure (and the cases after it as not run).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

/* volatile: the compiler must not see through it and drop the access. */
static int *volatile sonde_vm_nowhere;

static int __init sonde_vm_oops_init(void)
{
	pr_info("sonde_vm_oops: about to dereference a null pointer\n");
	return *sonde_vm_nowhere;
}

module_init(sonde_vm_oops_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sonde VM tier self-test: oops on load");
