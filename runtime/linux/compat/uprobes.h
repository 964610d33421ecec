/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat/uprobes.h - registering a uprobe consumer on an inode and
 * offset: uprobe_register() returns the struct uprobe since 6.12
 * (HAVE_UPROBE_REGISTER_PTR) and is undone by uprobe_unregister_nosync()
 * plus one uprobe_unregister_sync(); before, it returns 0 or -errno and
 * uprobe_unregister() takes the inode and offset again. */
#ifndef SONDE_COMPAT_UPROBES_H
#define SONDE_COMPAT_UPROBES_H

#include <linux/err.h>
#include <linux/uprobes.h>

static int sonde_uprobe_register(struct sonde_uprobe *u)
{
#ifdef HAVE_UPROBE_REGISTER_PTR
	struct uprobe *up = uprobe_register(u->inode, u->offset, 0, &u->uc);

	if (IS_ERR(up))
		return PTR_ERR(up);
	u->handle = up;
	return 0;
#else
	return uprobe_register(u->inode, u->offset, &u->uc);
#endif
}

static void sonde_uprobe_unregister(struct sonde_uprobe *u)
{
#ifdef HAVE_UPROBE_REGISTER_PTR
	uprobe_unregister_nosync(u->handle, &u->uc);
#else
	uprobe_unregister(u->inode, u->offset, &u->uc);
#endif
}

/* after a batch of sonde_uprobe_unregister(): no handler still runs */
static void sonde_uprobe_sync(void)
{
#ifdef HAVE_UPROBE_REGISTER_PTR
	uprobe_unregister_sync();
#endif
}

#endif
