/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel_types.h - the kernel headers that define the structures scripts
 * reach through $var->member, included by modules that do (the emitter
 * adds it): member offsets then come from the target kernel's own
 * headers.  A structure defined only in a .c file of the kernel cannot
 * be reached this way.
 */
#ifndef SONDE_RUNTIME_LINUX_KERNEL_TYPES_H
#define SONDE_RUNTIME_LINUX_KERNEL_TYPES_H

#include <linux/binfmts.h>
#include <linux/blkdev.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mount.h>
#include <linux/net.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/sock.h>

#endif
