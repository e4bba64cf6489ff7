/*
 * clusapi/clusapi.h - Cluster Server client API (libclusapi).
 *
 * Include this one header: it brings the control codes (clusctl.h), the
 * value/property-list vocabulary (clusprop.h) and codec (proplist.h), and the
 * error codes (errors.h).  Link with `pkg-config --libs libclusapi`.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_CLUSAPI_H
#define CLUSAPI_CLUSAPI_H

#include <clusapi/errors.h>
#include <clusapi/clusctl.h>
#include <clusapi/clusprop.h>
#include <clusapi/proplist.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLUSAPI_VERSION_STRING "0.1.0"

/* The version of the libclusapi in use, e.g. "0.1.0". */
const char *cluster_library_version(void);

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_CLUSAPI_H */
