/* The tracefs event list: available_events read once, sorted, globbed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "translator/debuginfo/symindex.h"
#include "translator/debuginfo/tracefs.h"
#include "translator/debuginfo/tracefs_int.h"
#include "translator/debuginfo/util.h"

static const char *const default_roots[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing", NULL,
};

/* 0 if root looks like a usable tracefs, else why not (-ENOENT when
 * it is not there at all, -EACCES when only root may read it). */
static int probe_root(const char *root)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/available_events", root);
	return access(p, R_OK) == 0 ? 0 : -errno;
}

/* available_events is "system:event\n" per line.  Each line becomes
 * "system\0event\0" in the buffer; the index holds the joined name
 * "system:event" (kept in a second copy) for sorting and globbing. */
static void index_events(struct tfs *t)
{
	char *next;

	for (char *line = t->buf; line && *line; line = next) {
		char *nl = strchr(line, '\n'), *colon;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		colon = strchr(line, ':');
		if (!colon || colon == line)
			continue;
		sidx_add(&t->events, dbg_xstrdup(line), (uintptr_t)line);
		*colon = '\0';
	}
	sidx_finish(&t->events);
}

static struct tfs *open_root(const char *root)
{
	struct tfs *t = dbg_xcalloc(1, sizeof(*t));
	char p[PATH_MAX];
	int r;

	t->root = dbg_xstrdup(root);
	snprintf(p, sizeof(p), "%s/available_events", root);
	if ((r = dbg_read_file(p, &t->buf, NULL)) < 0) {
		tfs_close(t);
		errno = -r;
		return NULL;
	}
	index_events(t);
	return t;
}

struct tfs *tfs_open(const char *root)
{
	int why = -ENOENT;

	if (root)
		return open_root(root);
	for (int i = 0; default_roots[i]; i++) {
		int r = probe_root(default_roots[i]);
		if (r == 0)
			return open_root(default_roots[i]);
		if (why == -ENOENT)
			why = r;	/* keep the more telling EACCES */
	}
	errno = -why;
	return NULL;
}

void tfs_close(struct tfs *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->events.n; i++)
		free((char *)t->events.v[i].name);
	sidx_release(&t->events);
	free(t->buf);
	free(t->root);
	free(t);
}

const char *tfs_root(const struct tfs *t)
{
	return t->root;
}

struct glob_state {
	tfs_event_cb cb;
	void *arg;
};

static int glob_one(const struct sidx_ent *e, void *arg)
{
	struct glob_state *g = arg;
	const char *sys = (const char *)(uintptr_t)e->val;

	return g->cb ? g->cb(sys, sys + strlen(sys) + 1, g->arg) : 0;
}

int tfs_glob(struct tfs *t, const char *pattern, tfs_event_cb cb, void *arg)
{
	struct glob_state g = { cb, arg };
	char full[512];

	/* A bare event glob means any system.  fnmatch's '*' also matches
	 * ':', which is harmless: names hold a single colon. */
	if (!strchr(pattern, ':')) {
		snprintf(full, sizeof(full), "*:%s", pattern);
		pattern = full;
	}
	return sidx_glob(&t->events, pattern, glob_one, &g);
}

bool tfs_exists(struct tfs *t, const char *system, const char *event)
{
	char full[512];

	snprintf(full, sizeof(full), "%s:%s", system, event);
	return sidx_find(&t->events, full, NULL) != NULL;
}
