#include "translator/kconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kconfig {
	char *release;
	char *version;
	bool loaded;
	char **names, **values;
	size_t n, cap;
};

struct kconfig *kconfig_new(const char *release)
{
	struct kconfig *kc = calloc(1, sizeof(*kc));

	if (!kc)
		abort();
	kc->release = strdup(release);
	kc->version = strndup(release, strcspn(release, "-"));
	return kc;
}

const char *kconfig_version_of(struct kconfig *kc)
{
	return kc->version;
}

static void add(struct kconfig *kc, const char *name, const char *value)
{
	if (kc->n == kc->cap) {
		kc->cap = kc->cap ? kc->cap * 2 : 1024;
		kc->names = realloc(kc->names, kc->cap * sizeof(*kc->names));
		kc->values = realloc(kc->values, kc->cap * sizeof(*kc->values));
		if (!kc->names || !kc->values)
			abort();
	}
	kc->names[kc->n] = strdup(name);
	kc->values[kc->n++] = strdup(value);
}

static void read_config(struct kconfig *kc, FILE *f)
{
	char line[4096];

	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		*eq = 0;
		char *v = eq + 1;
		v[strcspn(v, "\n")] = 0;
		size_t vl = strlen(v);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v[vl - 1] = 0;
			v++;
		}
		add(kc, line, v);
	}
}

/* The build tree's .config, /boot's copy, or the running kernel's. */
static void load(struct kconfig *kc)
{
	char path[4096];
	FILE *f;

	kc->loaded = true;
	snprintf(path, sizeof(path), "/lib/modules/%s/build/.config", kc->release);
	f = fopen(path, "r");
	if (!f) {
		snprintf(path, sizeof(path), "/boot/config-%s", kc->release);
		f = fopen(path, "r");
	}
	if (f) {
		read_config(kc, f);
		fclose(f);
		return;
	}
	f = popen("zcat /proc/config.gz 2>/dev/null", "r");
	if (f) {
		read_config(kc, f);
		pclose(f);
	}
}

const char *kconfig_lookup(void *ctx, const char *name)
{
	struct kconfig *kc = ctx;

	if (!kc->loaded)
		load(kc);
	for (size_t i = 0; i < kc->n; i++)
		if (!strcmp(kc->names[i], name))
			return kc->values[i];
	return NULL;
}

void kconfig_free(struct kconfig *kc)
{
	if (!kc)
		return;
	for (size_t i = 0; i < kc->n; i++) {
		free(kc->names[i]);
		free(kc->values[i]);
	}
	free(kc->names);
	free(kc->values);
	free(kc->release);
	free(kc->version);
	free(kc);
}
