/* Private to tracefs*.c. */
#ifndef SONDE_DEBUGINFO_TRACEFS_INT_H
#define SONDE_DEBUGINFO_TRACEFS_INT_H

#include "translator/debuginfo/symindex.h"

struct tfs {
	char *root;		/* the tracefs mount in use */
	char *buf;		/* available_events, split into "sys\0ev\0" */
	struct sidx events;	/* "sys:ev" (owned copies) -> "sys\0ev" in buf */
};

#endif
