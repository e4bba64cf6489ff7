/*
 * q268835.c - the client of Microsoft KB Q268835, done right, with the
 * public libclusapi API only.
 *
 * Q268835: on a two-node MSCS cluster, ClusterResourceControl with
 * CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO asked of a node that did not own
 * the shared disks leaked memory in the cluster service at every call.
 * This program makes exactly those calls: it opens the cluster, lists the
 * resources, and asks every "Physical Disk" resource for its disk info -
 * of the node named by --node (a node that does not own the disk answers
 * ERROR_HOST_NODE_NOT_RESOURCE_OWNER, 5015, and that is printed plainly),
 * or of the owner (no --node: the request is routed to it).  --available
 * asks the resource type for STORAGE_GET_AVAILABLE_DISKS instead (on
 * --node, or the local node).
 *
 * The buffer contract: a first call with a small buffer gets
 * ERROR_MORE_DATA (234) and the size needed; a second call with a buffer of
 * that size gets the list (asked again should the answer have grown in
 * between: disk info is read live).  The value list is validated as a whole
 * by the iterator, then decoded: the disk's signature or GUID, its size, and
 * each partition's device, label and file system.  Every buffer and handle
 * is released on every path.
 *
 * usage: q268835 [--socket PATH] [--node NAME] [--available]
 * Exit status: 0 every call answered (5015 from a non-owner and 5004 for a
 * disk that nobody runs count as answers), 1 a call failed otherwise, 2 bad usage or no cluster.
 *
 * Build it out of tree:
 *   cc -std=c11 q268835.c $(pkg-config --cflags --libs libclusapi)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISK_TYPE "Physical Disk"

/* The first call's buffer: too small for any disk's list, on purpose. */
#define FIRST_TRY 16u

static void say_error(const char *what, uint32_t rc)
{
	const char *d = cluster_last_error_detail();

	fprintf(stderr, "q268835: %s: %s (%" PRIu32 ")%s%s\n", what, cluster_strerror(rc), rc,
		d ? ": " : "", d ? d : "");
}

/* One control call, resource or type, under one signature. */
struct ask {
	cluster_handle *h;
	cluster_resource *r; /* NULL: the type control GET_AVAILABLE_DISKS */
	cluster_node *node;  /* NULL: the owner (resource) or the local node (type) */
};

static uint32_t call(const struct ask *a, void *out, size_t out_size, size_t *got)
{
	if (a->r)
		return cluster_resource_control(a->r, a->node, CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO,
						NULL, 0, out, out_size, got);
	return cluster_resource_type_control(a->h, DISK_TYPE, a->node,
					     CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS, NULL,
					     0, out, out_size, got);
}

/*
 * Ask under the buffer contract.  On ERROR_SUCCESS *ret_buf (malloc'd, the
 * caller frees) holds *ret_size bytes; on any error nothing is returned.
 */
static uint32_t ask_list(const struct ask *a, uint8_t **ret_buf, size_t *ret_size)
{
	uint8_t small[FIRST_TRY];
	uint8_t *buf = NULL;
	size_t need = 0, got = 0;
	uint32_t rc;

	rc = call(a, small, sizeof(small), &need);
	if (rc == ERROR_SUCCESS) { /* it fitted: copy it out */
		if (!(buf = malloc(need ? need : 1)))
			return ERROR_NOT_ENOUGH_MEMORY;
		memcpy(buf, small, need);
		got = need;
		goto done;
	}
	/* The answer may grow between the two calls (a partition added, a
	 * label changed): ask again with the new size, a few times. */
	for (int tries = 0; rc == ERROR_MORE_DATA && tries < 4; tries++) {
		uint8_t *bigger = realloc(buf, need);
		if (!bigger) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
		buf = bigger;
		rc = call(a, buf, need, &got);
		if (rc == ERROR_MORE_DATA)
			need = got;
	}
	if (rc != ERROR_SUCCESS)
		goto out;
done:
	*ret_buf = buf;
	*ret_size = got;
	buf = NULL;
	rc = ERROR_SUCCESS;
out:
	free(buf);
	return rc;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A fixed UTF-16LE field of `units` code units, NUL-terminated inside it,
 * as UTF-8 in out; "?" if it does not convert. */
static const char *field_utf8(const uint8_t *p, size_t units, char *out, size_t out_size)
{
	size_t n = 0, got = 0;

	while (n < units && (p[2 * n] | p[2 * n + 1]))
		n++;
	if (clusprop_utf16le_to_utf8(p, 2 * n, out, out_size - 1, &got) != ERROR_SUCCESS)
		return "?";
	out[got] = '\0';
	return out;
}

static void print_partition(const clusprop_value *v)
{
	char dev[3 * CLUSPROP_MAX_PATH + 1], label[3 * CLUSPROP_MAX_PATH + 1];
	char fs[3 * CLUSPROP_FILESYSTEM_CHARS + 1];
	const uint8_t *p = v->data;

	if (v->length < sizeof(CLUS_PARTITION_INFO)) {
		printf("    partition: %" PRIu32 " bytes, too short for a PARTITION_INFO\n",
		       v->length);
		return;
	}
	field_utf8(p + offsetof(CLUS_PARTITION_INFO, szDeviceName), CLUSPROP_MAX_PATH, dev,
		   sizeof(dev));
	field_utf8(p + offsetof(CLUS_PARTITION_INFO, szVolumeLabel), CLUSPROP_MAX_PATH, label,
		   sizeof(label));
	field_utf8(p + offsetof(CLUS_PARTITION_INFO, szFileSystem), CLUSPROP_FILESYSTEM_CHARS, fs,
		   sizeof(fs));
	printf("    partition: %s, label \"%s\", file system %s%s\n", dev, label,
	       fs[0] ? fs : "(none)",
	       le32(p + offsetof(CLUS_PARTITION_INFO, dwFlags)) & CLUSPROP_PIFLAG_USABLE ?
		       ", usable" :
		       "");
}

/* Decode a disk value list (GET_DISK_INFO: one disk; GET_AVAILABLE_DISKS:
 * many, each starting with its signature or GUID).  Returns the disks seen,
 * or -1 for a list that does not validate or decode. */
static long print_disks(const uint8_t *buf, size_t size)
{
	clusprop_diag diag = { 0 };
	clusprop_iter it;
	clusprop_value v;
	long disks = 0;
	uint32_t rc;

	rc = clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, buf, size, &diag);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "q268835: a malformed answer (%zu bytes): %s at offset %zu\n", size,
			clusprop_fault_str(diag.fault), diag.offset);
		return -1;
	}
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		switch (v.syntax) {
		case CLUSPROP_SYNTAX_DISK_SIGNATURE:
			disks++;
			printf("  disk: MBR signature 0x%08" PRIx32 "\n", v.num.dw);
			break;
		case CLUSPROP_SYNTAX_DISK_GUID:
			disks++;
			printf("  disk: GPT GUID %s\n", v.str ? v.str : "?");
			break;
		case CLUSPROP_SYNTAX_DISK_SIZE:
			printf("    size: %" PRIu64 " bytes (%.1f MiB)\n", v.num.u64,
			       (double)v.num.u64 / (1024.0 * 1024.0));
			break;
		case CLUSPROP_SYNTAX_DISK_NUMBER:
			printf("    device number: %" PRIu32 ":%" PRIu32 "\n", v.num.dw >> 20,
			       v.num.dw & 0xFFFFFu);
			break;
		case CLUSPROP_SYNTAX_PARTITION_INFO:
			print_partition(&v);
			break;
		default:
			break; /* SCSI address and anything newer: not shown */
		}
	}
	clusprop_iter_done(&it);
	if (rc != ERROR_NO_MORE_ITEMS) {
		fprintf(stderr, "q268835: reading the answer: %s (%" PRIu32 ")\n",
			cluster_strerror(rc), rc);
		return -1;
	}
	return disks;
}

/* GET_DISK_INFO of one resource.  0 answered (a list, or 5015 from a node
 * that is not the owner), 1 otherwise. */
static int disk_info(cluster_handle *h, const char *name, cluster_node *node)
{
	struct ask a = { .h = h, .node = node };
	uint8_t *buf = NULL;
	size_t size = 0;
	uint32_t rc;
	int status = 1;

	printf("%s: STORAGE_GET_DISK_INFO asked of %s\n", name,
	       node ? cluster_node_name(node) : "its owner");
	if ((rc = cluster_resource_open(h, name, &a.r)) != ERROR_SUCCESS) {
		say_error(name, rc);
		goto out;
	}
	rc = ask_list(&a, &buf, &size);
	if (rc == ERROR_HOST_NODE_NOT_RESOURCE_OWNER) {
		printf("  node %s does not own %s: error 5015 "
		       "(ERROR_HOST_NODE_NOT_RESOURCE_OWNER); ask the owner\n",
		       cluster_node_name(node), name);
		status = 0;
		goto out;
	}
	if (rc == ERROR_RESOURCE_NOT_ONLINE) {
		printf("  %s is not online on any node: error 5004 (ERROR_RESOURCE_NOT_ONLINE)\n",
		       name);
		status = 0;
		goto out;
	}
	if (rc != ERROR_SUCCESS) {
		say_error(name, rc);
		goto out;
	}
	printf("  %zu bytes\n", size);
	if (print_disks(buf, size) == 1)
		status = 0;
	else
		fprintf(stderr, "q268835: %s: the answer does not describe exactly one disk\n",
			name);
out:
	free(buf);
	cluster_resource_close(a.r);
	return status;
}

static int available(cluster_handle *h, cluster_node *node)
{
	struct ask a = { .h = h, .node = node };
	uint8_t *buf = NULL;
	size_t size = 0;
	uint32_t rc;
	long n;

	printf("%s: STORAGE_GET_AVAILABLE_DISKS asked of %s\n", DISK_TYPE,
	       node ? cluster_node_name(node) : "the local node");
	if ((rc = ask_list(&a, &buf, &size)) != ERROR_SUCCESS) {
		say_error("GET_AVAILABLE_DISKS", rc);
		return 1;
	}
	n = print_disks(buf, size);
	if (n >= 0)
		printf("  %ld disk(s) available, %zu bytes\n", n, size);
	free(buf);
	return n < 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: q268835 [--socket PATH] [--node NAME] [--available]\n"
		   "Ask every Physical Disk resource for STORAGE_GET_DISK_INFO (of NAME, or\n"
		   "of its owner), or the type for STORAGE_GET_AVAILABLE_DISKS.\n");
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *node_name = NULL;
	int want_available = 0, status = 2, failed = 0;
	cluster_handle *h = NULL;
	cluster_node *node = NULL;
	cluster_status *st = NULL;
	size_t asked = 0;
	uint32_t rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			sock = argv[++i];
		} else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc) {
			node_name = argv[++i];
		} else if (strcmp(argv[i], "--available") == 0) {
			want_available = 1;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}

	if ((rc = cluster_open(sock, &h)) != ERROR_SUCCESS) {
		say_error("cannot reach clusterd", rc);
		goto out;
	}
	if (node_name && (rc = cluster_node_open(h, node_name, &node)) != ERROR_SUCCESS) {
		say_error(node_name, rc);
		goto out;
	}
	if (want_available) {
		status = available(h, node);
		goto out;
	}
	/* One snapshot names every resource with its type. */
	if ((rc = cluster_get_status(h, &st)) != ERROR_SUCCESS) {
		say_error("cluster status", rc);
		goto out;
	}
	for (size_t i = 0; i < st->n_resources; i++) {
		const cluster_resource_info *ri = &st->resources[i];
		if (strcmp(ri->type, DISK_TYPE) != 0)
			continue;
		asked++;
		failed += disk_info(h, ri->name, node);
	}
	if (!asked)
		printf("no %s resource in the cluster\n", DISK_TYPE);
	status = failed ? 1 : 0;
out:
	cluster_status_free(st);
	cluster_node_close(node);
	cluster_close(h);
	return status;
}
