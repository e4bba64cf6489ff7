/*
 * disk_info.c - build, check and read back the value list that a Physical
 * Disk resource returns for CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, using
 * only the public libclusapi API.
 *
 * The list is produced the way a resource answers a control code under the
 * MSCS buffer contract: clusprop_build() is first called without a buffer
 * (ERROR_MORE_DATA and the size needed), then with a buffer of that size.
 * The bytes are printed as a hex dump, validated as a whole, and printed
 * decoded, one line per value.
 *
 * Build it out of tree:
 *   cc -std=c11 disk_info.c $(pkg-config --cflags --libs libclusapi)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The disk this example describes: what a node would read from /dev/sdb. */
static const clusprop_partition partitions[] = {
	{
		.flags = CLUSPROP_PIFLAG_USABLE | CLUSPROP_PIFLAG_STICKY,
		.device_name = "/dev/sdb1",
		.volume_label = "data",
		.serial_number = 0x1A2B3C4Du,
		.max_component_length = 255,
		.file_system_flags = 0,
		.file_system = "ext4",
	},
	{
		.flags = CLUSPROP_PIFLAG_USABLE | CLUSPROP_PIFLAG_STICKY,
		.device_name = "/dev/sdb2",
		.volume_label = "logs",
		.serial_number = 0x5E6F7A8Bu,
		.max_component_length = 255,
		.file_system_flags = 0,
		.file_system = "ext4",
	},
};

/* Appends the whole list; clusprop_build() calls it once to measure and
 * once to write.  Builder errors are sticky, so checking the last one is
 * enough. */
static uint32_t produce_disk_info(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	CLUS_SCSI_ADDRESS scsi = { .PortNumber = 2, .PathId = 0, .TargetId = 1, .Lun = 0 };

	clusprop_put_disk_signature(b, 0x5CA1AB1Eu);
	clusprop_put_scsi_address(b, &scsi);
	clusprop_put_disk_number(b, 1);
	clusprop_put_disk_size(b, UINT64_C(8) << 30);
	for (size_t i = 0; i < sizeof(partitions) / sizeof(partitions[0]); i++)
		clusprop_put_partition_info(b, &partitions[i]);
	return clusprop_put_endmark(b);
}

/* Hex dump, 16 bytes a line; repeated lines are shown once, then "*". */
static void hex_dump(const uint8_t *p, size_t n)
{
	int starred = 0;

	for (size_t off = 0; off < n; off += 16) {
		size_t len = n - off < 16 ? n - off : 16;
		if (off >= 16 && len == 16 && memcmp(p + off, p + off - 16, 16) == 0) {
			if (!starred)
				printf("*\n");
			starred = 1;
			continue;
		}
		starred = 0;
		printf("%06zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i < len)
				printf(" %02x", p[off + i]);
			else
				printf("   ");
		}
		printf("  |");
		for (size_t i = 0; i < len; i++)
			putchar(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.');
		printf("|\n");
	}
	printf("%06zx\n", n);
}

static const char *syntax_name(uint32_t syntax)
{
	switch (syntax) {
	case CLUSPROP_SYNTAX_DISK_SIGNATURE: return "DISK_SIGNATURE";
	case CLUSPROP_SYNTAX_SCSI_ADDRESS: return "SCSI_ADDRESS";
	case CLUSPROP_SYNTAX_DISK_NUMBER: return "DISK_NUMBER";
	case CLUSPROP_SYNTAX_DISK_SIZE: return "DISK_SIZE";
	case CLUSPROP_SYNTAX_DISK_GUID: return "DISK_GUID";
	case CLUSPROP_SYNTAX_DISK_SERIALNUMBER: return "DISK_SERIALNUMBER";
	case CLUSPROP_SYNTAX_PARTITION_INFO: return "PARTITION_INFO";
	default: return "(other)";
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A NUL-terminated UTF-16LE string in a fixed array of n code units, as
 * UTF-8 in out (out_size bytes).  Returns out, or "?" if it cannot. */
static const char *fixed_utf16(const uint8_t *p, size_t n, char *out, size_t out_size)
{
	size_t units = 0;
	size_t got = 0;

	while (units < n && (p[2 * units] | p[2 * units + 1]) != 0)
		units++;
	if (clusprop_utf16le_to_utf8(p, 2 * units, out, out_size - 1, &got) != ERROR_SUCCESS)
		return "?";
	out[got] = '\0';
	return out;
}

static void print_partition(const uint8_t *p)
{
	/* Each UTF-16 code unit becomes at most 3 bytes of UTF-8. */
	char dev[3 * CLUSPROP_MAX_PATH + 1], label[3 * CLUSPROP_MAX_PATH + 1];
	char fs[3 * CLUSPROP_FILESYSTEM_CHARS + 1];
	uint32_t flags = le32(p + offsetof(CLUS_PARTITION_INFO, dwFlags));
	uint32_t serial = le32(p + offsetof(CLUS_PARTITION_INFO, dwSerialNumber));

	printf("%s, label \"%s\", file system %s, serial %04X-%04X, max name %" PRIu32 ", flags%s%s%s%s\n",
	       fixed_utf16(p + offsetof(CLUS_PARTITION_INFO, szDeviceName), CLUSPROP_MAX_PATH,
			   dev, sizeof(dev)),
	       fixed_utf16(p + offsetof(CLUS_PARTITION_INFO, szVolumeLabel), CLUSPROP_MAX_PATH,
			   label, sizeof(label)),
	       fixed_utf16(p + offsetof(CLUS_PARTITION_INFO, szFileSystem),
			   CLUSPROP_FILESYSTEM_CHARS, fs, sizeof(fs)),
	       (unsigned)(serial >> 16), (unsigned)(serial & 0xFFFFu),
	       le32(p + offsetof(CLUS_PARTITION_INFO, rgdwMaximumComponentLength)),
	       flags & CLUSPROP_PIFLAG_STICKY ? " STICKY" : "",
	       flags & CLUSPROP_PIFLAG_REMOVABLE ? " REMOVABLE" : "",
	       flags & CLUSPROP_PIFLAG_USABLE ? " USABLE" : "",
	       flags & CLUSPROP_PIFLAG_DEFAULT_QUORUM ? " DEFAULT_QUORUM" : "");
}

static void print_value(const clusprop_value *v)
{
	printf("  %-16s ", syntax_name(v->syntax));
	switch (v->syntax) {
	case CLUSPROP_SYNTAX_DISK_SIGNATURE:
		printf("0x%08" PRIX32 "\n", v->num.dw);
		break;
	case CLUSPROP_SYNTAX_SCSI_ADDRESS: {
		const uint8_t *a = v->data; /* PortNumber, PathId, TargetId, Lun */
		printf("port %u, path %u, target %u, lun %u\n", a[0], a[1], a[2], a[3]);
		break;
	}
	case CLUSPROP_SYNTAX_DISK_NUMBER:
		printf("%" PRIu32 "\n", v->num.dw);
		break;
	case CLUSPROP_SYNTAX_DISK_SIZE:
		printf("%" PRIu64 " bytes (%.1f GiB)\n", v->num.u64, (double)v->num.u64 / (1u << 30));
		break;
	case CLUSPROP_SYNTAX_PARTITION_INFO:
		if (v->length >= sizeof(CLUS_PARTITION_INFO))
			print_partition(v->data);
		else
			printf("(%" PRIu32 " bytes, too short)\n", v->length);
		break;
	default:
		if (v->str)
			printf("\"%s\"\n", v->str);
		else
			printf("syntax 0x%08" PRIX32 ", %" PRIu32 " bytes\n", v->syntax, v->length);
		break;
	}
}

int main(void)
{
	size_t size = 0;
	uint8_t *buf = NULL;
	clusprop_diag diag;
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc;
	int status = EXIT_FAILURE;

	printf("libclusapi %s: CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO (0x%08" PRIX32 ")\n",
	       cluster_library_version(), (uint32_t)CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO);

	/* 1. Ask for the size: no buffer, so ERROR_MORE_DATA and the size needed. */
	rc = clusprop_build(NULL, 0, &size, produce_disk_info, NULL);
	if (rc != ERROR_MORE_DATA) {
		fprintf(stderr, "disk_info: measuring: %s (%" PRIu32 ")\n", cluster_strerror(rc), rc);
		return EXIT_FAILURE;
	}
	/* 2. Build into a buffer of exactly that size. */
	buf = malloc(size);
	if (!buf) {
		fprintf(stderr, "disk_info: out of memory\n");
		return EXIT_FAILURE;
	}
	rc = clusprop_build(buf, size, &size, produce_disk_info, NULL);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "disk_info: building: %s (%" PRIu32 ")\n", cluster_strerror(rc), rc);
		goto out;
	}
	printf("value list, %zu bytes:\n", size);
	hex_dump(buf, size);

	/* 3. Validate the whole list before reading any of it. */
	rc = clusprop_validate_value_list(buf, size, &diag);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "disk_info: invalid list: %s at offset %zu\n",
			clusprop_fault_str(diag.fault), diag.offset);
		goto out;
	}
	printf("validated: a well-formed value list\n");

	/* 4. Read it back, one line per value. */
	rc = clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, buf, size, &diag);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "disk_info: %s\n", cluster_strerror(rc));
		goto out;
	}
	printf("decoded:\n");
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS)
		print_value(&v);
	clusprop_iter_done(&it);
	if (rc != ERROR_NO_MORE_ITEMS) {
		fprintf(stderr, "disk_info: reading: %s (%" PRIu32 ")\n", cluster_strerror(rc), rc);
		goto out;
	}
	status = EXIT_SUCCESS;
out:
	free(buf);
	return status;
}
