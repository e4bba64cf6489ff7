/*
 * scan.h - the disks this node may use, and who they are.
 *
 * Scope: CS_DISK_DEVICES (the node setting disk_devices, exported by
 * clusterd): whitespace-separated glob patterns of block-device paths,
 * symlinks resolved; unset: every whole-disk block device in
 * /sys/class/block but ram*, zram* and unattached loop devices.
 *
 * Identity: the partition table's id read with libblkid - the MBR disk
 * signature (PTUUID of a "dos" table) or the GPT disk GUID - never the /dev
 * name, which differs between nodes.
 *
 * Everything here only reads (O_RDONLY opens, libblkid probes); it is safe on
 * a node that does not own a disk.  Each function returns an MSCS error code
 * and writes one line to why (may be NULL) on failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PD_SCAN_H
#define CS_PD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pd_id_kind {
	PD_ID_NONE = 0, /* no partition table we can name the disk by */
	PD_ID_MBR = 1,
	PD_ID_GPT = 2,
};

/* A disk's identity.  guid: 36 lower-case characters, no braces. */
struct pd_id {
	enum pd_id_kind kind;
	uint32_t signature;
	char guid[37];
};

struct pd_part {
	uint32_t number;        /* partition number in the table (1-based) */
	char *devname;          /* "/dev/loop7p1"; NULL when the kernel has no node for it */
	dev_t devno;            /* 0 when devname is NULL */
	char *label;            /* file-system label, NULL if none */
	char *fstype;           /* "ext4", ...; NULL if no file system was recognised */
	char *uuid;             /* file-system UUID text, NULL if none */
	uint32_t serial;        /* derived from uuid (pd_serial_from_uuid) */
	uint64_t start;         /* bytes from the start of the disk */
	uint64_t size;          /* bytes */
	bool stale_node;        /* the kernel has a node for this number, but where an
	                           older table put it (devname stays NULL) */
};

struct pd_disk {
	char *path;             /* /dev/<name> */
	char *name;             /* sysfs name, e.g. "loop7" */
	dev_t devno;
	struct pd_id id;
	uint64_t size;          /* bytes */
	bool scsi;              /* scsi_addr is valid */
	uint8_t scsi_addr[4];   /* port (host), path (channel), target, lun */
	size_t n_parts;
	struct pd_part *parts;
};

/* The whole-disk device paths in this node's scope, resolved and without
 * duplicates; *ret_paths is freed with pd_paths_free().  An empty scope is
 * ERROR_SUCCESS with *ret_n 0. */
uint32_t pd_scope_list(char ***ret_paths, size_t *ret_n, char *why, size_t why_len);
void pd_paths_free(char **paths, size_t n);

/* Whether path (resolved) is in this node's scope. */
bool pd_scope_contains(const char *path);

/* Probe one whole disk: identity, size, partitions and their file systems.
 * A disk with no partition table is ERROR_SUCCESS with id.kind PD_ID_NONE.
 * pd_disk_identify() + pd_disk_complete(). */
uint32_t pd_disk_probe(const char *path, struct pd_disk **ret, char *why, size_t why_len);

/* The first half, a few reads: identity, size and the partition table
 * (number, start, size); no file systems, device nodes or SCSI address. */
uint32_t pd_disk_identify(const char *path, struct pd_disk **ret, char *why, size_t why_len);

/* A disk's identity alone, cheaply: the identity libblkid found the last
 * time, as long as the device and its first 8 KiB (read with O_DIRECT) are
 * what they were then; else pd_disk_identify() again.  For scans of many
 * disks (GET_AVAILABLE_DISKS).  The remembered identities are freed by
 * pd_id_cache_prune(paths, n): all but those of paths (n 0: all). */
uint32_t pd_disk_id_cached(const char *path, struct pd_id *id, char *why, size_t why_len);
void pd_id_cache_prune(char *const *paths, size_t n);

/* The second half, for a disk from pd_disk_identify(): each partition's file
 * system (read from the disk, not the page cache), the partitions' device
 * nodes, the SCSI address.  On failure d is as it was or partly filled: free
 * it. */
uint32_t pd_disk_complete(struct pd_disk *d, char *why, size_t why_len);
void pd_disk_free(struct pd_disk *d);

/*
 * A disk kept open, while online, for live re-reads (STORAGE_GET_DISK_INFO
 * on the owner): the partition table through a descriptor of the whole disk,
 * each partition's file system through the partition's own device node (the
 * page cache a mounted file system writes its superblock through; the whole
 * disk's where there is no node), with libblkid probes set up once for the
 * table and file-system types found (a fraction of a full probe's work; a
 * type not found again falls back to a full probe).  A GPT's table is taken
 * from the last full probe while the bytes it was read from are unchanged.
 * The descriptors read the page cache: right on the owner, through which
 * alone the disk is written.
 *
 * pd_live_open takes d (from pd_disk_probe/pd_disk_find; freed on failure
 * too).  pd_live_read probes again, now: partition device nodes are taken
 * from d for partitions that did not move.  The caller compares the
 * identity: a disk repartitioned or replaced under the descriptors comes
 * back with another id (or PD_ID_NONE).  Not thread-safe: one caller at a
 * time per pd_live.
 */
struct pd_live;
uint32_t pd_live_open(struct pd_disk *d, struct pd_live **ret, char *why, size_t why_len);
uint32_t pd_live_read(struct pd_live *l, struct pd_disk **ret, char *why, size_t why_len);
/* The disk as found at pd_live_open. */
const struct pd_disk *pd_live_disk(const struct pd_live *l);
void pd_live_close(struct pd_live *l);

/* Find the disk with identity id in scope.  hint (may be NULL) is tried
 * first: the path where it was last seen.  ERROR_DEV_NOT_EXIST if no disk
 * in scope carries it; ERROR_DUP_NAME if two do (a cloned image). */
uint32_t pd_disk_find(const struct pd_id *id, const char *hint, struct pd_disk **ret,
		      char *why, size_t why_len);

bool pd_id_equal(const struct pd_id *a, const struct pd_id *b);
/* "SIG:5ca1ab1e" / "GUID:<36>" (arb's disk_id); buf of at least 48 bytes. */
void pd_id_text(const struct pd_id *id, char *buf, size_t len);

/* Parse a GUID: 36 hex-and-dash characters, optionally in braces; out gets
 * the lower-case 36-character form.  false if malformed. */
bool pd_guid_parse(const char *text, char out[37]);

/* The MSCS volume serial (a DWORD) for a file-system UUID text: the first
 * 8 hex digits, read as a big-endian number ("1a2b3c4d-..." -> 0x1A2B3C4D;
 * a FAT "ABCD-1234" -> 0xABCD1234, the serial Windows shows).  0 if none. */
uint32_t pd_serial_from_uuid(const char *uuid);

/* A partition of d by number, or NULL. */
const struct pd_part *pd_disk_part(const struct pd_disk *d, uint32_t number);

#endif /* CS_PD_SCAN_H */
