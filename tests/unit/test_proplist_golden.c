/*
 * test_proplist_golden.c - golden vectors for the value-list / property-list
 * codec, written out by hand, byte for byte, from Microsoft's published
 * format descriptions:
 *
 *   - CLUSPROP_VALUE: { CLUSPROP_SYNTAX Syntax (DWORD); DWORD cbLength; }
 *     followed by cbLength bytes of data; cbLength does not count padding,
 *     and every entry is padded to a DWORD boundary (ALIGN_CLUSPROP(count)
 *     = (count + 3) & ~3).
 *   - CLUSPROP_SZ / CLUSPROP_PROPERTY_NAME: UTF-16 string whose cbLength
 *     counts the terminating NUL; CLUSPROP_MULTI_SZ: strings, each with its
 *     NUL, followed by an additional NUL.
 *   - A value list ends with CLUSPROP_SYNTAX_ENDMARK, a lone DWORD 0.
 *   - A property list (CLUSPROP_LIST) is a DWORD nPropertyCount followed,
 *     per property, by a CLUSPROP_PROPERTY_NAME (CLUSPROP_SYNTAX_NAME,
 *     0x00040003), its value(s) and an ENDMARK (MS-CMRP 2.2.3.10.1).
 *   - Syntax numbers: type << 16 | format (CLUSPROP_SYNTAX_LIST_VALUE_DWORD
 *     0x00010002, ..._SZ 0x00010003, DISK_SIGNATURE 0x00050002, ...).
 *   - CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO returns DISK_SIGNATURE (or
 *     DISK_GUID), then SCSI_ADDRESS, DISK_NUMBER, DISK_SIZE, and one
 *     PARTITION_INFO per partition ("Value Lists for Storage Class
 *     Resources"); CLUS_PARTITION_INFO is 1120 bytes: dwFlags @0,
 *     szDeviceName[260] @4, szVolumeLabel[260] @524, dwSerialNumber @1044,
 *     rgdwMaximumComponentLength @1048, dwFileSystemFlags @1052,
 *     szFileSystem[32] @1056 (MS-CMRP 2.2.3.9).
 *   - CLUS_SCSI_ADDRESS: bytes PortNumber, PathId, TargetId, Lun, overlaid
 *     on a DWORD.
 *
 * No expected byte here comes from the project's encoder.  For each vector:
 * (a) the owned builder, a FIXED builder, and clusprop_build() into a caller
 * buffer all produce exactly these bytes; (b) the validator accepts them
 * (also at an unaligned address); (c) the iterator returns the expected
 * values in order, then ERROR_NO_MORE_ITEMS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <clusapi/proplist.h>

#include "proplist_test_util.h"

/* ======================================================================
 * Vector 1: property list with a DWORD and two SZ properties
 *   RestartAction = 2 (DWORD), Description = "Disk Q:" (SZ),
 *   Name = "Cluster Disk 1" (SZ, needs 2 bytes of padding; so does "Name")
 * ====================================================================== */
static const uint8_t gv_plist_basic[] = {
	/*   0 */ 0x03, 0x00, 0x00, 0x00,             /* nPropertyCount = 3 */
	/* ---- property 0 ---- */
	/*   4 */ 0x03, 0x00, 0x04, 0x00,             /* Syntax CLUSPROP_SYNTAX_NAME 0x00040003 */
	/*   8 */ 0x1c, 0x00, 0x00, 0x00,             /* cbLength 28 */
	/*  12 */ 0x52, 0x00, 0x65, 0x00, 0x73, 0x00, 0x74, 0x00, /* "RestartAction\0" */
	          0x61, 0x00, 0x72, 0x00, 0x74, 0x00, 0x41, 0x00,
	          0x63, 0x00, 0x74, 0x00, 0x69, 0x00, 0x6f, 0x00,
	          0x6e, 0x00, 0x00, 0x00,             /* (28 bytes, no padding) */
	/*  40 */ 0x02, 0x00, 0x01, 0x00,             /* Syntax LIST_VALUE_DWORD 0x00010002 */
	/*  44 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  48 */ 0x02, 0x00, 0x00, 0x00,             /* dw = 2 */
	/*  52 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
	/* ---- property 1 ---- */
	/*  56 */ 0x03, 0x00, 0x04, 0x00,             /* Syntax NAME */
	/*  60 */ 0x18, 0x00, 0x00, 0x00,             /* cbLength 24 */
	/*  64 */ 0x44, 0x00, 0x65, 0x00, 0x73, 0x00, 0x63, 0x00, /* "Description\0" */
	          0x72, 0x00, 0x69, 0x00, 0x70, 0x00, 0x74, 0x00,
	          0x69, 0x00, 0x6f, 0x00, 0x6e, 0x00, 0x00, 0x00,
	/*  88 */ 0x03, 0x00, 0x01, 0x00,             /* Syntax LIST_VALUE_SZ 0x00010003 */
	/*  92 */ 0x10, 0x00, 0x00, 0x00,             /* cbLength 16 */
	/*  96 */ 0x44, 0x00, 0x69, 0x00, 0x73, 0x00, 0x6b, 0x00, /* "Disk Q:\0" */
	          0x20, 0x00, 0x51, 0x00, 0x3a, 0x00, 0x00, 0x00,
	/* 112 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
	/* ---- property 2 ---- */
	/* 116 */ 0x03, 0x00, 0x04, 0x00,             /* Syntax NAME */
	/* 120 */ 0x0a, 0x00, 0x00, 0x00,             /* cbLength 10 */
	/* 124 */ 0x4e, 0x00, 0x61, 0x00, 0x6d, 0x00, 0x65, 0x00, /* "Name\0" */
	          0x00, 0x00,
	/* 134 */ 0x00, 0x00,                         /* padding to 136 */
	/* 136 */ 0x03, 0x00, 0x01, 0x00,             /* Syntax LIST_VALUE_SZ */
	/* 140 */ 0x1e, 0x00, 0x00, 0x00,             /* cbLength 30 */
	/* 144 */ 0x43, 0x00, 0x6c, 0x00, 0x75, 0x00, 0x73, 0x00, /* "Cluster Disk 1\0" */
	          0x74, 0x00, 0x65, 0x00, 0x72, 0x00, 0x20, 0x00,
	          0x44, 0x00, 0x69, 0x00, 0x73, 0x00, 0x6b, 0x00,
	          0x20, 0x00, 0x31, 0x00, 0x00, 0x00,
	/* 174 */ 0x00, 0x00,                         /* padding to 176 */
	/* 176 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const struct pt_want gw_plist_basic[] = {
	{ .name = "RestartAction", .prop = 0, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_DWORD,
	  .length = 4, .kind = PT_NUM32, .u = 2, .data_off = 48 },
	{ .name = "Description", .prop = 1, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ,
	  .length = 16, .kind = PT_STR, .str = "Disk Q:", .data_off = 96 },
	{ .name = "Name", .prop = 2, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ,
	  .length = 30, .kind = PT_STR, .str = "Cluster Disk 1", .data_off = 144 },
};

static uint32_t produce_plist_basic(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	uint32_t rc = clusprop_builder_begin_plist(b);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_add_dword(b, "RestartAction", 2);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_add_sz(b, "Description", "Disk Q:");
	if (rc == ERROR_SUCCESS)
		rc = clusprop_add_sz(b, "Name", "Cluster Disk 1");
	return rc;
}

/* The same list through the low-level calls (NAME, value, ENDMARK). */
static uint32_t produce_plist_basic_raw(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_builder_begin_plist(b);
	clusprop_put_name(b, "RestartAction");
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	clusprop_put_endmark(b);
	clusprop_put_name(b, "Description");
	clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "Disk Q:");
	clusprop_put_endmark(b);
	clusprop_put_name(b, "Name");
	clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "Cluster Disk 1");
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vector 2: value list with every numeric syntax, a BINARY needing one
 * byte of padding, a WORD (2 bytes + 2 of padding) and an EXPAND_SZ.
 * ====================================================================== */
static const uint8_t gv_numbers[] = {
	/*   0 */ 0x02, 0x00, 0x01, 0x00,             /* LIST_VALUE_DWORD 0x00010002 */
	/*   4 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*   8 */ 0xef, 0xbe, 0xad, 0xde,             /* 0xDEADBEEF */
	/*  12 */ 0x07, 0x00, 0x01, 0x00,             /* LIST_VALUE_LONG 0x00010007 */
	/*  16 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  20 */ 0xfe, 0xff, 0xff, 0xff,             /* -2 */
	/*  24 */ 0x0b, 0x00, 0x01, 0x00,             /* LIST_VALUE_WORD 0x0001000B */
	/*  28 */ 0x02, 0x00, 0x00, 0x00,             /* cbLength 2 */
	/*  32 */ 0xef, 0xbe,                         /* 0xBEEF */
	/*  34 */ 0x00, 0x00,                         /* padding */
	/*  36 */ 0x06, 0x00, 0x01, 0x00,             /* LIST_VALUE_ULARGE_INTEGER 0x00010006 */
	/*  40 */ 0x08, 0x00, 0x00, 0x00,             /* cbLength 8 */
	/*  44 */ 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01, /* 0x0123456789ABCDEF */
	/*  52 */ 0x0a, 0x00, 0x01, 0x00,             /* LIST_VALUE_LARGE_INTEGER 0x0001000A */
	/*  56 */ 0x08, 0x00, 0x00, 0x00,             /* cbLength 8 */
	/*  60 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* INT64_MIN */
	/*  68 */ 0x01, 0x00, 0x01, 0x00,             /* LIST_VALUE_BINARY 0x00010001 */
	/*  72 */ 0x03, 0x00, 0x00, 0x00,             /* cbLength 3 */
	/*  76 */ 0x01, 0x02, 0x03,                   /* data */
	/*  79 */ 0x00,                               /* padding */
	/*  80 */ 0x04, 0x00, 0x01, 0x00,             /* LIST_VALUE_EXPAND_SZ 0x00010004 */
	/*  84 */ 0x0e, 0x00, 0x00, 0x00,             /* cbLength 14 */
	/*  88 */ 0x25, 0x00, 0x54, 0x00, 0x45, 0x00, 0x4d, 0x00, /* "%TEMP%\0" */
	          0x50, 0x00, 0x25, 0x00, 0x00, 0x00,
	/* 102 */ 0x00, 0x00,                         /* padding */
	/* 104 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const uint8_t gv_numbers_bin[] = { 0x01, 0x02, 0x03 };

static const struct pt_want gw_numbers[] = {
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_DWORD, .length = 4, .kind = PT_NUM32,
	  .u = 0xDEADBEEFu, .data_off = 8 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_LONG, .length = 4, .kind = PT_LONG,
	  .i = -2, .data_off = 20 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_WORD, .length = 2, .kind = PT_NUM32,
	  .u = 0xBEEF, .data_off = 32 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER, .length = 8, .kind = PT_U64,
	  .u = UINT64_C(0x0123456789ABCDEF), .data_off = 44 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER, .length = 8, .kind = PT_I64,
	  .i = INT64_MIN, .data_off = 60 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_BINARY, .length = 3, .kind = PT_RAW,
	  .raw = gv_numbers_bin, .data_off = 76 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ, .length = 14, .kind = PT_STR,
	  .str = "%TEMP%", .data_off = 88 },
};

static uint32_t produce_numbers(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 0xDEADBEEFu);
	clusprop_put_long(b, CLUSPROP_SYNTAX_LIST_VALUE_LONG, -2);
	clusprop_put_word(b, CLUSPROP_SYNTAX_LIST_VALUE_WORD, 0xBEEF);
	clusprop_put_ularge(b, CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER,
			    UINT64_C(0x0123456789ABCDEF));
	clusprop_put_large(b, CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER, INT64_MIN);
	clusprop_put_binary(b, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, gv_numbers_bin, 3);
	clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ, "%TEMP%");
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vector 3: CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO for an MBR disk
 *   DISK_SIGNATURE 0x1A2B3C4D, SCSI_ADDRESS port 2 / path 0 / target 1 /
 *   lun 3, DISK_NUMBER 1, DISK_SIZE 10 GiB, two PARTITION_INFO, ENDMARK.
 * The two 1120-byte CLUS_PARTITION_INFO images are filled in by
 * make_partition_image() at the documented offsets.
 * ====================================================================== */
#define GV_DISK_SIZE 2312u

static const uint8_t gv_disk_head[] = {
	/*   0 */ 0x02, 0x00, 0x05, 0x00,             /* CLUSPROP_SYNTAX_DISK_SIGNATURE 0x00050002 */
	/*   4 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*   8 */ 0x4d, 0x3c, 0x2b, 0x1a,             /* signature 0x1A2B3C4D */
	/*  12 */ 0x02, 0x00, 0x06, 0x00,             /* CLUSPROP_SYNTAX_SCSI_ADDRESS 0x00060002 */
	/*  16 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  20 */ 0x02, 0x00, 0x01, 0x03,             /* PortNumber 2, PathId 0, TargetId 1, Lun 3 */
	/*  24 */ 0x02, 0x00, 0x07, 0x00,             /* CLUSPROP_SYNTAX_DISK_NUMBER 0x00070002 */
	/*  28 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  32 */ 0x01, 0x00, 0x00, 0x00,             /* disk number 1 */
	/*  36 */ 0x06, 0x00, 0x0c, 0x00,             /* CLUSPROP_SYNTAX_DISK_SIZE 0x000C0006 */
	/*  40 */ 0x08, 0x00, 0x00, 0x00,             /* cbLength 8 */
	/*  44 */ 0x00, 0x00, 0x00, 0x80, 0x02, 0x00, 0x00, 0x00, /* 10 GiB = 0x280000000 */
};

static const uint8_t gv_partition_hdr[] = {
	0x01, 0x00, 0x08, 0x00,                       /* CLUSPROP_SYNTAX_PARTITION_INFO 0x00080001 */
	0x60, 0x04, 0x00, 0x00,                       /* cbLength 1120 (0x460) */
};

static const uint8_t gv_endmark[] = { 0x00, 0x00, 0x00, 0x00 }; /* ENDMARK */

/* Code units of the partition strings (UTF-16, no NUL). */
static const uint16_t p1_dev[] = { 's', 'd', 'b', '1' };
static const uint16_t p1_label[] = { 'D', 'A', 'T', 'A' };
static const uint16_t p1_fs[] = { 'e', 'x', 't', '4' };
static const uint16_t p2_dev[] = { 's', 'd', 'b', '2' };
static const uint16_t p2_label[] = { 'D', 'o', 'n', 'n', 0x00E9, 'e', 's', ' ', 0xD83D, 0xDE00 };
static const uint16_t p2_fs[] = { 'x', 'f', 's' };

static void put_units(uint8_t *at, const uint16_t *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pt_put16(at + 2 * i, u[i]);
	/* the NUL and the rest of the array stay zero */
}

/* A CLUS_PARTITION_INFO image, by documented offsets. */
static void make_partition_image(uint8_t img[1120], uint32_t flags,
				 const uint16_t *dev, size_t ndev,
				 const uint16_t *label, size_t nlabel,
				 uint32_t serial, uint32_t max_comp, uint32_t fs_flags,
				 const uint16_t *fs, size_t nfs)
{
	memset(img, 0, 1120);
	pt_put32(img + 0, flags);          /* dwFlags */
	put_units(img + 4, dev, ndev);     /* szDeviceName[260] */
	put_units(img + 524, label, nlabel); /* szVolumeLabel[260] */
	pt_put32(img + 1044, serial);      /* dwSerialNumber */
	pt_put32(img + 1048, max_comp);    /* rgdwMaximumComponentLength */
	pt_put32(img + 1052, fs_flags);    /* dwFileSystemFlags */
	put_units(img + 1056, fs, nfs);    /* szFileSystem[32] */
}

static uint8_t gv_part1[1120], gv_part2[1120];
static uint8_t gv_disk[GV_DISK_SIZE];

static void make_gv_disk(void)
{
	make_partition_image(gv_part1, CLUSPROP_PIFLAG_STICKY | CLUSPROP_PIFLAG_USABLE,
			     p1_dev, 4, p1_label, 4, 0x12345678u, 255, 0x00000003u, p1_fs, 4);
	make_partition_image(gv_part2, CLUSPROP_PIFLAG_USABLE,
			     p2_dev, 4, p2_label, 10, 0xCAFEBABEu, 255, 0x00000001u, p2_fs, 3);
	memcpy(gv_disk + 0, gv_disk_head, 52);
	memcpy(gv_disk + 52, gv_partition_hdr, 8);
	memcpy(gv_disk + 60, gv_part1, 1120);
	memcpy(gv_disk + 1180, gv_partition_hdr, 8);
	memcpy(gv_disk + 1188, gv_part2, 1120);
	memcpy(gv_disk + 2308, gv_endmark, 4);
}

static const struct pt_want gw_disk[] = {
	{ .syntax = CLUSPROP_SYNTAX_DISK_SIGNATURE, .length = 4, .kind = PT_NUM32,
	  .u = 0x1A2B3C4Du, .data_off = 8 },
	{ .syntax = CLUSPROP_SYNTAX_SCSI_ADDRESS, .length = 4, .kind = PT_NUM32,
	  .u = 0x03010002u, .data_off = 20 },
	{ .syntax = CLUSPROP_SYNTAX_DISK_NUMBER, .length = 4, .kind = PT_NUM32,
	  .u = 1, .data_off = 32 },
	{ .syntax = CLUSPROP_SYNTAX_DISK_SIZE, .length = 8, .kind = PT_U64,
	  .u = UINT64_C(10) << 30, .data_off = 44 },
	{ .syntax = CLUSPROP_SYNTAX_PARTITION_INFO, .length = 1120, .kind = PT_RAW,
	  .raw = gv_part1, .data_off = 60 },
	{ .syntax = CLUSPROP_SYNTAX_PARTITION_INFO, .length = 1120, .kind = PT_RAW,
	  .raw = gv_part2, .data_off = 1188 },
};

static uint32_t produce_disk(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	CLUS_SCSI_ADDRESS addr;
	memset(&addr, 0, sizeof(addr));
	addr.PortNumber = 2;
	addr.PathId = 0;
	addr.TargetId = 1;
	addr.Lun = 3;
	const clusprop_partition p1 = {
		.flags = CLUSPROP_PIFLAG_STICKY | CLUSPROP_PIFLAG_USABLE,
		.device_name = "sdb1", .volume_label = "DATA",
		.serial_number = 0x12345678u, .max_component_length = 255,
		.file_system_flags = 3, .file_system = "ext4",
	};
	const clusprop_partition p2 = {
		.flags = CLUSPROP_PIFLAG_USABLE,
		.device_name = "sdb2", .volume_label = "Donn\xc3\xa9" "es \xf0\x9f\x98\x80",
		.serial_number = 0xCAFEBABEu, .max_component_length = 255,
		.file_system_flags = 1, .file_system = "xfs",
	};
	uint32_t rc = clusprop_put_disk_signature(b, 0x1A2B3C4Du);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_scsi_address(b, &addr);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_disk_number(b, 1);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_disk_size(b, UINT64_C(10) << 30);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_partition_info(b, &p1);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_partition_info(b, &p2);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_endmark(b);
	return rc;
}

/* ======================================================================
 * Vector 4: STORAGE_GET_DISK_INFO for a GPT disk: DISK_GUID (an SZ),
 * DISK_NUMBER 3, DISK_SIZE 1 TiB, ENDMARK.
 * ====================================================================== */
#define GV_GUID_TEXT "{0f5e6c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b}"

static const uint8_t gv_gpt[] = {
	/*   0 */ 0x03, 0x00, 0x0b, 0x00,             /* CLUSPROP_SYNTAX_DISK_GUID 0x000B0003 */
	/*   4 */ 0x4e, 0x00, 0x00, 0x00,             /* cbLength 78 (38 chars + NUL) */
	/*   8 */ 0x7b, 0x00, 0x30, 0x00, 0x66, 0x00, 0x35, 0x00, /* "{0f5" */
	/*  16 */ 0x65, 0x00, 0x36, 0x00, 0x63, 0x00, 0x32, 0x00, /* "e6c2" */
	/*  24 */ 0x61, 0x00, 0x2d, 0x00, 0x31, 0x00, 0x62, 0x00, /* "a-1b" */
	/*  32 */ 0x33, 0x00, 0x64, 0x00, 0x2d, 0x00, 0x34, 0x00, /* "3d-4" */
	/*  40 */ 0x65, 0x00, 0x35, 0x00, 0x66, 0x00, 0x2d, 0x00, /* "e5f-" */
	/*  48 */ 0x38, 0x00, 0x61, 0x00, 0x39, 0x00, 0x62, 0x00, /* "8a9b" */
	/*  56 */ 0x2d, 0x00, 0x30, 0x00, 0x63, 0x00, 0x31, 0x00, /* "-0c1" */
	/*  64 */ 0x64, 0x00, 0x32, 0x00, 0x65, 0x00, 0x33, 0x00, /* "d2e3" */
	/*  72 */ 0x66, 0x00, 0x34, 0x00, 0x61, 0x00, 0x35, 0x00, /* "f4a5" */
	/*  80 */ 0x62, 0x00, 0x7d, 0x00, 0x00, 0x00, /* "b}\0" */
	/*  86 */ 0x00, 0x00,                         /* padding */
	/*  88 */ 0x02, 0x00, 0x07, 0x00,             /* DISK_NUMBER 0x00070002 */
	/*  92 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  96 */ 0x03, 0x00, 0x00, 0x00,             /* 3 */
	/* 100 */ 0x06, 0x00, 0x0c, 0x00,             /* DISK_SIZE 0x000C0006 */
	/* 104 */ 0x08, 0x00, 0x00, 0x00,             /* cbLength 8 */
	/* 108 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, /* 1 TiB = 0x10000000000 */
	/* 116 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const struct pt_want gw_gpt[] = {
	{ .syntax = CLUSPROP_SYNTAX_DISK_GUID, .length = 78, .kind = PT_STR,
	  .str = GV_GUID_TEXT, .data_off = 8 },
	{ .syntax = CLUSPROP_SYNTAX_DISK_NUMBER, .length = 4, .kind = PT_NUM32,
	  .u = 3, .data_off = 96 },
	{ .syntax = CLUSPROP_SYNTAX_DISK_SIZE, .length = 8, .kind = PT_U64,
	  .u = UINT64_C(1) << 40, .data_off = 108 },
};

static uint32_t produce_gpt(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_put_disk_guid(b, GV_GUID_TEXT);
	clusprop_put_disk_number(b, 3);
	clusprop_put_disk_size(b, UINT64_C(1) << 40);
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vector 5: value list with a MULTI_SZ of two strings and an empty one
 * ====================================================================== */
static const uint8_t gv_multi[] = {
	/*   0 */ 0x05, 0x00, 0x01, 0x00,             /* LIST_VALUE_MULTI_SZ 0x00010005 */
	/*   4 */ 0x1a, 0x00, 0x00, 0x00,             /* cbLength 26 */
	/*   8 */ 0x6e, 0x00, 0x6f, 0x00, 0x64, 0x00, 0x65, 0x00, /* "node1\0" */
	          0x31, 0x00, 0x00, 0x00,
	/*  20 */ 0x6e, 0x00, 0x6f, 0x00, 0x64, 0x00, 0x65, 0x00, /* "node2\0" */
	          0x32, 0x00, 0x00, 0x00,
	/*  32 */ 0x00, 0x00,                         /* final NUL of the MULTI_SZ */
	/*  34 */ 0x00, 0x00,                         /* padding */
	/*  36 */ 0x05, 0x00, 0x01, 0x00,             /* LIST_VALUE_MULTI_SZ */
	/*  40 */ 0x02, 0x00, 0x00, 0x00,             /* cbLength 2: no strings */
	/*  44 */ 0x00, 0x00,                         /* final NUL */
	/*  46 */ 0x00, 0x00,                         /* padding */
	/*  48 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const struct pt_want gw_multi[] = {
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, .length = 26, .kind = PT_MULTI,
	  .str = "node1\0node2", .str_len = 12, .str_count = 2, .data_off = 8 },
	{ .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, .length = 2, .kind = PT_MULTI,
	  .str = "", .str_len = 0, .str_count = 0, .data_off = 44 },
};

static uint32_t produce_multi(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	static const char *const nodes[] = { "node1", "node2" };
	clusprop_put_multi_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, nodes, 2);
	clusprop_put_multi_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, NULL, 0);
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vector 6: property list with one MULTI_SZ property
 *   PossibleOwners = { "alpha", "b", "gamma" }
 * ====================================================================== */
static const uint8_t gv_multi_plist[] = {
	/*   0 */ 0x01, 0x00, 0x00, 0x00,             /* nPropertyCount = 1 */
	/*   4 */ 0x03, 0x00, 0x04, 0x00,             /* NAME */
	/*   8 */ 0x1e, 0x00, 0x00, 0x00,             /* cbLength 30 */
	/*  12 */ 0x50, 0x00, 0x6f, 0x00, 0x73, 0x00, 0x73, 0x00, /* "PossibleOwners\0" */
	          0x69, 0x00, 0x62, 0x00, 0x6c, 0x00, 0x65, 0x00,
	          0x4f, 0x00, 0x77, 0x00, 0x6e, 0x00, 0x65, 0x00,
	          0x72, 0x00, 0x73, 0x00, 0x00, 0x00,
	/*  42 */ 0x00, 0x00,                         /* padding */
	/*  44 */ 0x05, 0x00, 0x01, 0x00,             /* LIST_VALUE_MULTI_SZ */
	/*  48 */ 0x1e, 0x00, 0x00, 0x00,             /* cbLength 30 */
	/*  52 */ 0x61, 0x00, 0x6c, 0x00, 0x70, 0x00, 0x68, 0x00, /* "alpha\0" */
	          0x61, 0x00, 0x00, 0x00,
	/*  64 */ 0x62, 0x00, 0x00, 0x00,             /* "b\0" */
	/*  68 */ 0x67, 0x00, 0x61, 0x00, 0x6d, 0x00, 0x6d, 0x00, /* "gamma\0" */
	          0x61, 0x00, 0x00, 0x00,
	/*  80 */ 0x00, 0x00,                         /* final NUL */
	/*  82 */ 0x00, 0x00,                         /* padding */
	/*  84 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const struct pt_want gw_multi_plist[] = {
	{ .name = "PossibleOwners", .prop = 0, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
	  .length = 30, .kind = PT_MULTI, .str = "alpha\0b\0gamma", .str_len = 14,
	  .str_count = 3, .data_off = 52 },
};

static uint32_t produce_multi_plist(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	static const char *const owners[] = { "alpha", "b", "gamma" };
	clusprop_builder_begin_plist(b);
	clusprop_add_multi_sz(b, "PossibleOwners", owners, 3);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vector 7: non-ASCII and astral-plane text, in names and values
 *   "Nom-é中😀" = "😀 été 中文"            (SZ)
 *   "Emoji"     = { "😀", "𝄞" }           (MULTI_SZ; U+1D11E = D834 DD1E)
 *   "Max"       = U+10FFFF U+10000        (SZ; DBFF DFFF, D800 DC00)
 * ====================================================================== */
#define U8_E_ACUTE "\xc3\xa9"              /* U+00E9 */
#define U8_ZHONG "\xe4\xb8\xad"            /* U+4E2D */
#define U8_WEN "\xe6\x96\x87"              /* U+6587 */
#define U8_GRIN "\xf0\x9f\x98\x80"         /* U+1F600 */
#define U8_GCLEF "\xf0\x9d\x84\x9e"        /* U+1D11E */
#define U8_MAXCP "\xf4\x8f\xbf\xbf"        /* U+10FFFF */
#define U8_FIRST_ASTRAL "\xf0\x90\x80\x80" /* U+10000 */

static const uint8_t gv_unicode[] = {
	/*   0 */ 0x03, 0x00, 0x00, 0x00,             /* nPropertyCount = 3 */
	/* ---- property 0 ---- */
	/*   4 */ 0x03, 0x00, 0x04, 0x00,             /* NAME */
	/*   8 */ 0x12, 0x00, 0x00, 0x00,             /* cbLength 18 */
	/*  12 */ 0x4e, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x2d, 0x00, /* "Nom-" */
	/*  20 */ 0xe9, 0x00,                         /* U+00E9 */
	/*  22 */ 0x2d, 0x4e,                         /* U+4E2D */
	/*  24 */ 0x3d, 0xd8, 0x00, 0xde,             /* U+1F600 = D83D DE00 */
	/*  28 */ 0x00, 0x00,                         /* NUL */
	/*  30 */ 0x00, 0x00,                         /* padding */
	/*  32 */ 0x03, 0x00, 0x01, 0x00,             /* LIST_VALUE_SZ */
	/*  36 */ 0x14, 0x00, 0x00, 0x00,             /* cbLength 20 */
	/*  40 */ 0x3d, 0xd8, 0x00, 0xde,             /* U+1F600 */
	/*  44 */ 0x20, 0x00, 0xe9, 0x00, 0x74, 0x00, 0xe9, 0x00, 0x20, 0x00, /* " été " */
	/*  54 */ 0x2d, 0x4e, 0x87, 0x65,             /* U+4E2D U+6587 */
	/*  58 */ 0x00, 0x00,                         /* NUL */
	/*  60 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
	/* ---- property 1 ---- */
	/*  64 */ 0x03, 0x00, 0x04, 0x00,             /* NAME */
	/*  68 */ 0x0c, 0x00, 0x00, 0x00,             /* cbLength 12 */
	/*  72 */ 0x45, 0x00, 0x6d, 0x00, 0x6f, 0x00, 0x6a, 0x00, /* "Emoji\0" */
	          0x69, 0x00, 0x00, 0x00,
	/*  84 */ 0x05, 0x00, 0x01, 0x00,             /* LIST_VALUE_MULTI_SZ */
	/*  88 */ 0x0e, 0x00, 0x00, 0x00,             /* cbLength 14 */
	/*  92 */ 0x3d, 0xd8, 0x00, 0xde, 0x00, 0x00, /* U+1F600 NUL */
	/*  98 */ 0x34, 0xd8, 0x1e, 0xdd, 0x00, 0x00, /* U+1D11E NUL */
	/* 104 */ 0x00, 0x00,                         /* final NUL */
	/* 106 */ 0x00, 0x00,                         /* padding */
	/* 108 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
	/* ---- property 2 ---- */
	/* 112 */ 0x03, 0x00, 0x04, 0x00,             /* NAME */
	/* 116 */ 0x08, 0x00, 0x00, 0x00,             /* cbLength 8 */
	/* 120 */ 0x4d, 0x00, 0x61, 0x00, 0x78, 0x00, 0x00, 0x00, /* "Max\0" */
	/* 128 */ 0x03, 0x00, 0x01, 0x00,             /* LIST_VALUE_SZ */
	/* 132 */ 0x0a, 0x00, 0x00, 0x00,             /* cbLength 10 */
	/* 136 */ 0xff, 0xdb, 0xff, 0xdf,             /* U+10FFFF = DBFF DFFF */
	/* 140 */ 0x00, 0xd8, 0x00, 0xdc,             /* U+10000 = D800 DC00 */
	/* 144 */ 0x00, 0x00,                         /* NUL */
	/* 146 */ 0x00, 0x00,                         /* padding */
	/* 148 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const struct pt_want gw_unicode[] = {
	{ .name = "Nom-" U8_E_ACUTE U8_ZHONG U8_GRIN, .prop = 0,
	  .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ, .length = 20, .kind = PT_STR,
	  .str = U8_GRIN " " U8_E_ACUTE "t" U8_E_ACUTE " " U8_ZHONG U8_WEN, .data_off = 40 },
	{ .name = "Emoji", .prop = 1, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
	  .length = 14, .kind = PT_MULTI, .str = U8_GRIN "\0" U8_GCLEF, .str_len = 10,
	  .str_count = 2, .data_off = 92 },
	{ .name = "Max", .prop = 2, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ, .length = 10,
	  .kind = PT_STR, .str = U8_MAXCP U8_FIRST_ASTRAL, .data_off = 136 },
};

static uint32_t produce_unicode(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	static const char *const emoji[] = { U8_GRIN, U8_GCLEF };
	clusprop_builder_begin_plist(b);
	clusprop_add_sz(b, "Nom-" U8_E_ACUTE U8_ZHONG U8_GRIN,
			U8_GRIN " " U8_E_ACUTE "t" U8_E_ACUTE " " U8_ZHONG U8_WEN);
	clusprop_add_multi_sz(b, "Emoji", emoji, 2);
	clusprop_add_sz(b, "Max", U8_MAXCP U8_FIRST_ASTRAL);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vector 8: a multi-valued property (MSCS allows several values before the
 * ENDMARK), followed by a plain one.
 *   Values = 7 (DWORD), "x" (SZ);  Next = 9 (DWORD)
 * ====================================================================== */
static const uint8_t gv_multivalue[] = {
	/*   0 */ 0x02, 0x00, 0x00, 0x00,             /* nPropertyCount = 2 */
	/*   4 */ 0x03, 0x00, 0x04, 0x00,             /* NAME */
	/*   8 */ 0x0e, 0x00, 0x00, 0x00,             /* cbLength 14 */
	/*  12 */ 0x56, 0x00, 0x61, 0x00, 0x6c, 0x00, 0x75, 0x00, /* "Values\0" */
	          0x65, 0x00, 0x73, 0x00, 0x00, 0x00,
	/*  26 */ 0x00, 0x00,                         /* padding */
	/*  28 */ 0x02, 0x00, 0x01, 0x00,             /* LIST_VALUE_DWORD */
	/*  32 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  36 */ 0x07, 0x00, 0x00, 0x00,             /* 7 */
	/*  40 */ 0x03, 0x00, 0x01, 0x00,             /* LIST_VALUE_SZ */
	/*  44 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  48 */ 0x78, 0x00, 0x00, 0x00,             /* "x\0" */
	/*  52 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
	/*  56 */ 0x03, 0x00, 0x04, 0x00,             /* NAME */
	/*  60 */ 0x0a, 0x00, 0x00, 0x00,             /* cbLength 10 */
	/*  64 */ 0x4e, 0x00, 0x65, 0x00, 0x78, 0x00, 0x74, 0x00, /* "Next\0" */
	          0x00, 0x00,
	/*  74 */ 0x00, 0x00,                         /* padding */
	/*  76 */ 0x02, 0x00, 0x01, 0x00,             /* LIST_VALUE_DWORD */
	/*  80 */ 0x04, 0x00, 0x00, 0x00,             /* cbLength 4 */
	/*  84 */ 0x09, 0x00, 0x00, 0x00,             /* 9 */
	/*  88 */ 0x00, 0x00, 0x00, 0x00,             /* ENDMARK */
};

static const struct pt_want gw_multivalue[] = {
	{ .name = "Values", .prop = 0, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_DWORD, .length = 4,
	  .kind = PT_NUM32, .u = 7, .data_off = 36 },
	{ .name = "Values", .prop = 0, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ, .length = 4,
	  .kind = PT_STR, .str = "x", .data_off = 48 },
	{ .name = "Next", .prop = 1, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_DWORD, .length = 4,
	  .kind = PT_NUM32, .u = 9, .data_off = 84 },
};

static uint32_t produce_multivalue(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_builder_begin_plist(b);
	clusprop_put_name(b, "Values");
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 7);
	clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "x");
	clusprop_put_endmark(b);
	clusprop_add_dword(b, "Next", 9);
	return clusprop_builder_status(b);
}

/* ======================================================================
 * Vectors 9, 10: the empty value list (a lone ENDMARK) and the empty
 * property list (a count of 0).
 * ====================================================================== */
static const uint8_t gv_empty_vlist[] = { 0x00, 0x00, 0x00, 0x00 }; /* ENDMARK */
static const uint8_t gv_empty_plist[] = { 0x00, 0x00, 0x00, 0x00 }; /* nPropertyCount 0 */

static uint32_t produce_empty_vlist(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	return clusprop_put_endmark(b);
}

static uint32_t produce_empty_plist(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	return clusprop_builder_begin_plist(b);
}

/* Every hand-written array has exactly the size its offsets add up to. */
_Static_assert(sizeof(gv_plist_basic) == 180, "gv_plist_basic is 180 bytes");
_Static_assert(sizeof(gv_numbers) == 108, "gv_numbers is 108 bytes");
_Static_assert(sizeof(gv_numbers_bin) == 3, "gv_numbers_bin is 3 bytes");
_Static_assert(sizeof(gv_disk_head) == 52, "gv_disk_head is 52 bytes");
_Static_assert(sizeof(gv_partition_hdr) == 8, "gv_partition_hdr is 8 bytes");
_Static_assert(sizeof(gv_endmark) == 4, "gv_endmark is 4 bytes");
_Static_assert(sizeof(gv_gpt) == 120, "gv_gpt is 120 bytes");
_Static_assert(sizeof(gv_multi) == 52, "gv_multi is 52 bytes");
_Static_assert(sizeof(gv_multi_plist) == 88, "gv_multi_plist is 88 bytes");
_Static_assert(sizeof(gv_unicode) == 152, "gv_unicode is 152 bytes");
_Static_assert(sizeof(gv_multivalue) == 92, "gv_multivalue is 92 bytes");
_Static_assert(sizeof(gv_empty_vlist) == 4, "gv_empty_vlist is 4 bytes");
_Static_assert(sizeof(gv_empty_plist) == 4, "gv_empty_plist is 4 bytes");

/* ======================================================================
 * The checks, common to every vector
 * ====================================================================== */
struct golden {
	const char *label;
	enum clusprop_list_kind kind;
	const uint8_t *bytes;
	size_t size;
	clusprop_produce_fn produce;
	const struct pt_want *wants;
	size_t nwants;
};

/* (a) builders: owned (data, size, take), measure, fixed, clusprop_build. */
static void check_builders(const struct golden *g)
{
	clusprop_builder b;

	/* OWNED */
	clusprop_builder_init_owned(&b);
	assert_int_equal(g->produce(&b, NULL), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	pt_expect_bytes(g->label, clusprop_builder_data(&b), clusprop_builder_size(&b),
			g->bytes, g->size);
	void *taken = NULL;
	size_t taken_size = 0;
	assert_int_equal(clusprop_builder_take(&b, &taken, &taken_size), ERROR_SUCCESS);
	assert_non_null(taken);
	pt_expect_bytes(g->label, taken, taken_size, g->bytes, g->size);
	assert_int_equal(clusprop_builder_size(&b), 0);
	clusprop_free(taken);
	clusprop_builder_free(&b);

	/* MEASURE: the same size, nothing written */
	clusprop_builder_init_measure(&b);
	assert_int_equal(g->produce(&b, NULL), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), g->size);
	assert_null(clusprop_builder_data(&b));
	clusprop_builder_free(&b);

	/* FIXED over a heap buffer of exactly the size */
	uint8_t *fixed = malloc(g->size);
	assert_non_null(fixed);
	memset(fixed, 0xA5, g->size);
	clusprop_builder_init_fixed(&b, fixed, g->size);
	assert_int_equal(g->produce(&b, NULL), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), g->size);
	assert_ptr_equal(clusprop_builder_data(&b), fixed);
	pt_expect_bytes(g->label, fixed, g->size, g->bytes, g->size);
	clusprop_builder_free(&b);
	free(fixed);

	/* clusprop_build: ask for the size, then fill an exact heap buffer */
	size_t need = 0;
	assert_int_equal(clusprop_build(NULL, 0, &need, g->produce, NULL), ERROR_MORE_DATA);
	assert_int_equal(need, g->size);
	uint8_t *out = malloc(g->size);
	assert_non_null(out);
	memset(out, 0xA5, g->size);
	size_t got = 0;
	assert_int_equal(clusprop_build(out, g->size, &got, g->produce, NULL), ERROR_SUCCESS);
	assert_int_equal(got, g->size);
	pt_expect_bytes(g->label, out, got, g->bytes, g->size);
	free(out);
}

/* (b) the validator accepts the vector, aligned and not. */
static void check_validator(const struct golden *g)
{
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	uint8_t *copy = pt_heap_copy(g->bytes, g->size);
	uint32_t rc = g->kind == CLUSPROP_VALUE_LIST
		? clusprop_validate_value_list(copy, g->size, &diag)
		: clusprop_validate_property_list(copy, g->size, &diag);
	if (rc != ERROR_SUCCESS)
		fail_msg("%s: validator says %u, fault %d (%s) at %zu", g->label, rc,
			 (int)diag.fault, clusprop_fault_str(diag.fault), diag.offset);
	/* diag may be NULL */
	rc = g->kind == CLUSPROP_VALUE_LIST ? clusprop_validate_value_list(copy, g->size, NULL)
					    : clusprop_validate_property_list(copy, g->size, NULL);
	assert_int_equal(rc, ERROR_SUCCESS);
	free(copy);

	/* at an odd address (the buffer need not be aligned) */
	uint8_t *raw = malloc(g->size + 1);
	assert_non_null(raw);
	memcpy(raw + 1, g->bytes, g->size);
	rc = g->kind == CLUSPROP_VALUE_LIST ? clusprop_validate_value_list(raw + 1, g->size, &diag)
					    : clusprop_validate_property_list(raw + 1, g->size, &diag);
	assert_int_equal(rc, ERROR_SUCCESS);
	free(raw);
}

/* (c) the iterator: in place (data offsets checked), and from an unaligned copy. */
static void check_iterator(const struct golden *g)
{
	pt_check_iter(g->kind, g->bytes, g->size, g->wants, g->nwants);

	uint8_t *raw = malloc(g->size + 3);
	assert_non_null(raw);
	memcpy(raw + 3, g->bytes, g->size);
	pt_check_iter(g->kind, raw + 3, g->size, g->wants, g->nwants);
	free(raw);
}

static void check_golden(const struct golden *g)
{
	check_builders(g);
	check_validator(g);
	check_iterator(g);
}

#define GOLDEN(lbl, k, arr, prod, w) \
	{ lbl, k, arr, sizeof(arr), prod, w, sizeof(w) / sizeof((w)[0]) }

static void test_golden_plist_basic(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("plist RestartAction/Description/Name",
					      CLUSPROP_PROPERTY_LIST, gv_plist_basic,
					      produce_plist_basic, gw_plist_basic);
	assert_int_equal(sizeof(gv_plist_basic), 180);
	check_golden(&g);
}

static void test_golden_plist_basic_low_level(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("plist via put_name/put_*/put_endmark",
					      CLUSPROP_PROPERTY_LIST, gv_plist_basic,
					      produce_plist_basic_raw, gw_plist_basic);
	check_builders(&g);
}

static void test_golden_numbers(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("value list of numbers", CLUSPROP_VALUE_LIST,
					      gv_numbers, produce_numbers, gw_numbers);
	check_golden(&g);
}

static void test_golden_disk_info(void **state)
{
	(void)state;
	make_gv_disk();
	const struct golden g = { "STORAGE_GET_DISK_INFO (MBR)", CLUSPROP_VALUE_LIST, gv_disk,
				  GV_DISK_SIZE, produce_disk, gw_disk,
				  sizeof(gw_disk) / sizeof(gw_disk[0]) };
	/* spot checks of the hand-made partition images against the documented layout */
	assert_int_equal(pt_get32(gv_disk + 60 + 0), 5);            /* dwFlags */
	assert_int_equal(gv_disk[60 + 4], 's');                     /* szDeviceName */
	assert_int_equal(gv_disk[60 + 524], 'D');                   /* szVolumeLabel */
	assert_int_equal(pt_get32(gv_disk + 60 + 1044), 0x12345678u); /* dwSerialNumber */
	assert_int_equal(pt_get32(gv_disk + 60 + 1048), 255);       /* max component */
	assert_int_equal(pt_get32(gv_disk + 60 + 1052), 3);         /* fs flags */
	assert_int_equal(gv_disk[60 + 1056], 'e');                  /* szFileSystem */
	assert_int_equal(gv_disk[1188 + 524 + 8], 0xE9);            /* U+00E9 in the label */
	assert_int_equal(pt_get32(gv_disk + 1188 + 524 + 16), 0xDE00D83Du); /* U+1F600 */
	check_golden(&g);
}

static void test_golden_disk_info_gpt(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("STORAGE_GET_DISK_INFO (GPT)", CLUSPROP_VALUE_LIST,
					      gv_gpt, produce_gpt, gw_gpt);
	check_golden(&g);
}

static void test_golden_multi_sz(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("value list of MULTI_SZ", CLUSPROP_VALUE_LIST,
					      gv_multi, produce_multi, gw_multi);
	check_golden(&g);
}

static void test_golden_multi_sz_property(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("plist PossibleOwners", CLUSPROP_PROPERTY_LIST,
					      gv_multi_plist, produce_multi_plist,
					      gw_multi_plist);
	check_golden(&g);
}

static void test_golden_unicode(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("plist with non-ASCII names and values",
					      CLUSPROP_PROPERTY_LIST, gv_unicode,
					      produce_unicode, gw_unicode);
	check_golden(&g);
}

static void test_golden_multivalue(void **state)
{
	(void)state;
	static const struct golden g = GOLDEN("plist with a multi-valued property",
					      CLUSPROP_PROPERTY_LIST, gv_multivalue,
					      produce_multivalue, gw_multivalue);
	check_golden(&g);
}

static void test_golden_empty(void **state)
{
	(void)state;
	static const struct golden gv = { "empty value list", CLUSPROP_VALUE_LIST, gv_empty_vlist,
					  4, produce_empty_vlist, NULL, 0 };
	static const struct golden gp = { "empty property list", CLUSPROP_PROPERTY_LIST,
					  gv_empty_plist, 4, produce_empty_plist, NULL, 0 };
	check_golden(&gv);
	check_golden(&gp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_plist_basic),
		cmocka_unit_test(test_golden_plist_basic_low_level),
		cmocka_unit_test(test_golden_numbers),
		cmocka_unit_test(test_golden_disk_info),
		cmocka_unit_test(test_golden_disk_info_gpt),
		cmocka_unit_test(test_golden_multi_sz),
		cmocka_unit_test(test_golden_multi_sz_property),
		cmocka_unit_test(test_golden_unicode),
		cmocka_unit_test(test_golden_multivalue),
		cmocka_unit_test(test_golden_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
