/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/procfs.h - the control file: struct proc_ops since 5.6,
 * struct file_operations before (HAVE_PROC_OPS). */
#ifndef SONDE_COMPAT_PROCFS_H
#define SONDE_COMPAT_PROCFS_H

#include <linux/fs.h>
#include <linux/proc_fs.h>

static int sonde_ctl_open(struct inode *inode, struct file *file);
static int sonde_ctl_release(struct inode *inode, struct file *file);
static ssize_t sonde_ctl_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos);
static ssize_t sonde_ctl_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos);

#ifdef HAVE_PROC_OPS
static const struct proc_ops sonde_ctl_ops = {
	.proc_open = sonde_ctl_open,
	.proc_release = sonde_ctl_release,
	.proc_read = sonde_ctl_read,
	.proc_write = sonde_ctl_write,
	.proc_lseek = noop_llseek,
};
#else
static const struct file_operations sonde_ctl_ops = {
	.owner = THIS_MODULE,
	.open = sonde_ctl_open,
	.release = sonde_ctl_release,
	.read = sonde_ctl_read,
	.write = sonde_ctl_write,
	.llseek = noop_llseek,
};
#endif

static struct proc_dir_entry *sonde_ctl_create(const char *name)
{
	return proc_create(name, 0600, NULL, &sonde_ctl_ops);
}

#endif
