/* HAVE_GET_RANDOM_U32: get_random_u32() (4.11) */
#include <linux/random.h>

u32 sonde_probe_get_random_u32(void);

u32 sonde_probe_get_random_u32(void)
{
	return get_random_u32();
}
