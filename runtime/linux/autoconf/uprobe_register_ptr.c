/* HAVE_UPROBE_REGISTER_PTR: uprobe_register() returns the struct uprobe
 * and takes a ref_ctr_offset; unregistering is nosync + sync (6.12) */
#include <linux/uprobes.h>

void sonde_probe_uprobe_register_ptr(struct inode *inode, struct uprobe_consumer *uc);

void sonde_probe_uprobe_register_ptr(struct inode *inode, struct uprobe_consumer *uc)
{
	struct uprobe *u = uprobe_register(inode, 0, 0, uc);

	uprobe_unregister_nosync(u, uc);
	uprobe_unregister_sync();
}
