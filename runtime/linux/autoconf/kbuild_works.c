/* HAVE_KBUILD_WORKS: the control test, which compiles everywhere: when it
 * fails, the build tree is broken and no other result means anything */
#include <linux/kernel.h>

int sonde_probe_kbuild_works(void);

int sonde_probe_kbuild_works(void)
{
	return 0;
}
