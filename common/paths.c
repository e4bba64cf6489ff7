/*
 * paths.c - see cs_paths.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cs_paths.h"

#include <stdlib.h>

#ifndef CS_PLUGIN_DEFAULT_DIR
#error "meson passes CS_PLUGIN_DEFAULT_DIR"
#endif
#ifndef CS_RESHOST_DEFAULT_PATH
#error "meson passes CS_RESHOST_DEFAULT_PATH"
#endif

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

const char *cs_path_plugin_dir(void)
{
	return env_or(CS_PLUGIN_DIR_ENV, CS_PLUGIN_DEFAULT_DIR);
}

const char *cs_path_reshost(void)
{
	return env_or(CS_RESHOST_PATH_ENV, CS_RESHOST_DEFAULT_PATH);
}

const char *cs_path_plugin_dir_default(void)
{
	return CS_PLUGIN_DEFAULT_DIR;
}

const char *cs_path_reshost_default(void)
{
	return CS_RESHOST_DEFAULT_PATH;
}
