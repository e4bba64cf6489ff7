/*
 * clusapi/clusprop.h - MSCS value-list and property-list vocabulary.
 *
 * Syntax, type and format constants, partition-info flags and the fixed-layout
 * structures that travel inside value lists, with the names and numbers of
 * Microsoft's published Cluster API documentation (MSCS, NT5 era).  A value
 * list is a sequence of entries {syntax u32, length u32, data padded to a
 * multiple of 4 bytes} closed by a lone CLUSPROP_SYNTAX_ENDMARK u32; all
 * integers little-endian, all strings UTF-16LE with a terminating NUL.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_CLUSPROP_H
#define CLUSAPI_CLUSPROP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Formats: the low 16 bits of a syntax ------------------------------ */
#define CLUSPROP_FORMAT_UNKNOWN             0
#define CLUSPROP_FORMAT_BINARY              1
#define CLUSPROP_FORMAT_DWORD               2
#define CLUSPROP_FORMAT_SZ                  3
#define CLUSPROP_FORMAT_EXPAND_SZ           4
#define CLUSPROP_FORMAT_MULTI_SZ            5
#define CLUSPROP_FORMAT_ULARGE_INTEGER      6
#define CLUSPROP_FORMAT_LONG                7
#define CLUSPROP_FORMAT_EXPANDED_SZ         8
#define CLUSPROP_FORMAT_SECURITY_DESCRIPTOR 9
#define CLUSPROP_FORMAT_LARGE_INTEGER       10
#define CLUSPROP_FORMAT_WORD                11
#define CLUSPROP_FORMAT_FILETIME            12
#define CLUSPROP_FORMAT_USER                32768

/* ---- Types: the high 16 bits of a syntax ------------------------------- */
#define CLUSPROP_TYPE_UNKNOWN               (-1)
#define CLUSPROP_TYPE_ENDMARK               0
#define CLUSPROP_TYPE_LIST_VALUE            1
#define CLUSPROP_TYPE_RESCLASS              2
#define CLUSPROP_TYPE_RESERVED1             3
#define CLUSPROP_TYPE_NAME                  4
#define CLUSPROP_TYPE_SIGNATURE             5
#define CLUSPROP_TYPE_SCSI_ADDRESS          6
#define CLUSPROP_TYPE_DISK_NUMBER           7
#define CLUSPROP_TYPE_PARTITION_INFO        8
#define CLUSPROP_TYPE_FTSET_INFO            9
#define CLUSPROP_TYPE_DISK_SERIALNUMBER     10
#define CLUSPROP_TYPE_DISK_GUID             11
#define CLUSPROP_TYPE_DISK_SIZE             12
#define CLUSPROP_TYPE_PARTITION_INFO_EX     13
#define CLUSPROP_TYPE_USER                  32768

/* A syntax is (type << 16) | format, as MSCS's CLUSPROP_SYNTAX union lays it out. */
#define CLUSPROP_SYNTAX_VALUE(type, format) \
	((uint32_t)(((uint32_t)(type) << 16) | (uint32_t)(format)))
#define CLUSPROP_SYNTAX_TYPE(syntax)   ((uint16_t)((uint32_t)(syntax) >> 16))
#define CLUSPROP_SYNTAX_FORMAT(syntax) ((uint16_t)((uint32_t)(syntax) & 0xFFFFu))

/* ---- Syntaxes ----------------------------------------------------------- */
#define CLUSPROP_SYNTAX_ENDMARK                  0x00000000u
#define CLUSPROP_SYNTAX_NAME                     0x00040003u /* NAME, SZ */
#define CLUSPROP_SYNTAX_RESCLASS                 0x00020002u /* RESCLASS, DWORD */
#define CLUSPROP_SYNTAX_LIST_VALUE_SZ            0x00010003u
#define CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ     0x00010004u
#define CLUSPROP_SYNTAX_LIST_VALUE_DWORD         0x00010002u
#define CLUSPROP_SYNTAX_LIST_VALUE_BINARY        0x00010001u
#define CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ      0x00010005u
#define CLUSPROP_SYNTAX_LIST_VALUE_LONG          0x00010007u
#define CLUSPROP_SYNTAX_LIST_VALUE_EXPANDED_SZ   0x00010008u
#define CLUSPROP_SYNTAX_LIST_VALUE_SECURITY_DESCRIPTOR 0x00010009u
#define CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER 0x0001000Au
#define CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER 0x00010006u
#define CLUSPROP_SYNTAX_LIST_VALUE_WORD          0x0001000Bu
#define CLUSPROP_SYNTAX_LIST_VALUE_FILETIME      0x0001000Cu
#define CLUSPROP_SYNTAX_DISK_SIGNATURE           0x00050002u /* SIGNATURE, DWORD */
#define CLUSPROP_SYNTAX_SCSI_ADDRESS             0x00060002u /* SCSI_ADDRESS, DWORD */
#define CLUSPROP_SYNTAX_DISK_NUMBER              0x00070002u /* DISK_NUMBER, DWORD */
#define CLUSPROP_SYNTAX_PARTITION_INFO           0x00080001u /* PARTITION_INFO, BINARY */
#define CLUSPROP_SYNTAX_FTSET_INFO               0x00090001u /* FTSET_INFO, BINARY */
#define CLUSPROP_SYNTAX_DISK_SERIALNUMBER        0x000A0003u /* DISK_SERIALNUMBER, SZ */
#define CLUSPROP_SYNTAX_DISK_GUID                0x000B0003u /* DISK_GUID, SZ */
#define CLUSPROP_SYNTAX_DISK_SIZE                0x000C0006u /* DISK_SIZE, ULARGE_INTEGER */
#define CLUSPROP_SYNTAX_PARTITION_INFO_EX        0x000D0001u /* PARTITION_INFO_EX, BINARY */

/* ---- Partition-info flags (CLUS_PARTITION_INFO.dwFlags) ----------------- */
#define CLUSPROP_PIFLAG_STICKY          0x00000001u
#define CLUSPROP_PIFLAG_REMOVABLE       0x00000002u
#define CLUSPROP_PIFLAG_USABLE          0x00000004u
#define CLUSPROP_PIFLAG_DEFAULT_QUORUM  0x00000008u

/* ---- Fixed-layout structures ------------------------------------------- */
/* MAX_PATH of the Windows headers: the size, in UTF-16 code units, of the
 * path fields of CLUS_PARTITION_INFO. */
#define CLUSPROP_MAX_PATH 260
#define CLUSPROP_FILESYSTEM_CHARS 32

/* SCSI address of a disk (CLUSPROP_SYNTAX_SCSI_ADDRESS), 4 bytes. */
typedef union CLUS_SCSI_ADDRESS {
	struct {
		uint8_t PortNumber;
		uint8_t PathId;
		uint8_t TargetId;
		uint8_t Lun;
	};
	uint32_t dw;
} CLUS_SCSI_ADDRESS, *PCLUS_SCSI_ADDRESS;

/* Partition information (CLUSPROP_SYNTAX_PARTITION_INFO), 1120 bytes.
 * Strings are UTF-16LE, NUL-terminated inside their arrays. */
typedef struct CLUS_PARTITION_INFO {
	uint32_t dwFlags;                                 /* CLUSPROP_PIFLAG_* */
	uint16_t szDeviceName[CLUSPROP_MAX_PATH];         /* e.g. "sdb1" or a mount path */
	uint16_t szVolumeLabel[CLUSPROP_MAX_PATH];
	uint32_t dwSerialNumber;
	uint32_t rgdwMaximumComponentLength;
	uint32_t dwFileSystemFlags;
	uint16_t szFileSystem[CLUSPROP_FILESYSTEM_CHARS]; /* e.g. "ext4" */
} CLUS_PARTITION_INFO, *PCLUS_PARTITION_INFO;

_Static_assert(sizeof(CLUS_SCSI_ADDRESS) == 4, "CLUS_SCSI_ADDRESS is 4 bytes");
_Static_assert(sizeof(CLUS_PARTITION_INFO) == 1120, "CLUS_PARTITION_INFO is 1120 bytes");
_Static_assert(offsetof(CLUS_PARTITION_INFO, dwFlags) == 0, "dwFlags at 0");
_Static_assert(offsetof(CLUS_PARTITION_INFO, szDeviceName) == 4, "szDeviceName at 4");
_Static_assert(offsetof(CLUS_PARTITION_INFO, szVolumeLabel) == 524, "szVolumeLabel at 524");
_Static_assert(offsetof(CLUS_PARTITION_INFO, dwSerialNumber) == 1044, "dwSerialNumber at 1044");
_Static_assert(offsetof(CLUS_PARTITION_INFO, rgdwMaximumComponentLength) == 1048,
	       "rgdwMaximumComponentLength at 1048");
_Static_assert(offsetof(CLUS_PARTITION_INFO, dwFileSystemFlags) == 1052, "dwFileSystemFlags at 1052");
_Static_assert(offsetof(CLUS_PARTITION_INFO, szFileSystem) == 1056, "szFileSystem at 1056");

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_CLUSPROP_H */
