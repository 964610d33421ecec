/* The target kernel's identity and .config, for %( kernel_v / CONFIG_ %)
 * conditions.  The config is read lazily, on the first CONFIG_ lookup. */
#ifndef SONDE_KCONFIG_H
#define SONDE_KCONFIG_H

struct kconfig;

struct kconfig *kconfig_new(const char *release);
/* "6.1.0" from "6.1.0-28-amd64": the release up to its first '-' */
const char *kconfig_version_of(struct kconfig *kc);
/* The value of CONFIG_NAME ("y", "m", "64", unquoted string), or NULL. */
const char *kconfig_lookup(void *kc, const char *name);
void kconfig_free(struct kconfig *kc);

#endif
