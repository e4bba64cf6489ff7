/*
 * version.c - library version query.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

const char *cluster_library_version(void)
{
	return CLUSAPI_VERSION_STRING;
}
