// SPDX-License-Identifier: GPL-2.0
/*
 * VM tier self-test: a module whose init spins with preemption disabled,
 * so the harness can show that a soft lockup is reported as a failure.
 * The spin is bounded: if the watchdog never fires, loading fails after
 * 30 s with -EBUSY and the case ends normally, which the self-test counts
 * as the lockup going unnoticed.
 */
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/printk.h>

static int __init sonde_vm_spin_init(void)
{
	unsigned long end = jiffies + 30 * HZ;

	pr_info("sonde_vm_spin: spinning with preemption disabled\n");
	preempt_disable();
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
	return -EBUSY;
}

module_init(sonde_vm_spin_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sonde VM tier self-test: soft lockup on load");
