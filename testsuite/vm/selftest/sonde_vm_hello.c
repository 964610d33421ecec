// SPDX-License-Identifier: GPL-2.0
/*
 * VM tier self-test: a module that only says hello, so the harness can show
 * that a module built against a guest kernel's headers loads in that guest
 * and that its printk reaches the console.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/utsname.h>

static int __init sonde_vm_hello_init(void)
{
	pr_info("sonde_vm_hello: hello from %s\n", init_utsname()->release);
	return 0;
}

static void __exit sonde_vm_hello_exit(void)
{
	pr_info("sonde_vm_hello: goodbye\n");
}

module_init(sonde_vm_hello_init);
module_exit(sonde_vm_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sonde VM tier self-test: hello");
