/*
 * cs_paths.h - where an installed Cluster Server keeps its parts.  The one
 * place that knows the defaults (set by meson from prefix/libdir/libexecdir)
 * and the environment variables that override them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PATHS_H
#define CS_PATHS_H

#define CS_PLUGIN_DIR_ENV   "CS_PLUGIN_DIR"
#define CS_RESHOST_PATH_ENV "CS_RESHOST_PATH"

/* $CS_PLUGIN_DIR, else the installed plugin directory. */
const char *cs_path_plugin_dir(void);
/* $CS_RESHOST_PATH, else the installed cluster-reshost. */
const char *cs_path_reshost(void);
/* The installed defaults, whatever the environment says (for --help). */
const char *cs_path_plugin_dir_default(void);
const char *cs_path_reshost_default(void);

#endif
