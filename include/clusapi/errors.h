/*
 * clusapi/errors.h - error codes, with the numbers MSCS and Win32 give them.
 *
 * Every function of libclusapi that can fail returns one of these (a uint32_t,
 * ERROR_SUCCESS on success); cluster_strerror() explains each in one line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_ERRORS_H
#define CLUSAPI_ERRORS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Win32 codes */
#define ERROR_SUCCESS                   0u
#define ERROR_INVALID_FUNCTION          1u
#define ERROR_NOT_ENOUGH_MEMORY         8u
#define ERROR_INVALID_DATA              13u
#define ERROR_OUTOFMEMORY               14u
#define ERROR_INVALID_PARAMETER         87u
#define ERROR_INSUFFICIENT_BUFFER       122u
#define ERROR_MORE_DATA                 234u
#define ERROR_NO_MORE_ITEMS             259u
#define ERROR_NO_UNICODE_TRANSLATION    1113u

/* Cluster codes */
#define ERROR_RESOURCE_NOT_ONLINE       5004u

/*
 * cluster_strerror - a one-line English explanation of an error code.
 * Never NULL: an unknown code gives "unknown error". The string is static.
 */
const char *cluster_strerror(uint32_t code);

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_ERRORS_H */
