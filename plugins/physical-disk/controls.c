/*
 * controls.c - the storage control codes (see controls.h).
 *
 * Value lists are built with libclusapi's builders.  Two entries have no
 * public builder yet and are made here from MS-CMRP's layout with the raw
 * clusprop_put_binary(): CLUS_PARTITION_INFO_EX (STORAGE_GET_DISK_INFO_EX).
 *
 * Definitions (doc/physical-disk.md):
 *   DISK_NUMBER   the kernel's device number of the whole disk,
 *                 major << 20 | minor: unique on the node while attached.
 *   serial        pd_serial_from_uuid() of the file system's UUID.
 *   USABLE        a file system libblkid recognises and that can be mounted
 *                 (not swap, not a RAID/LVM member, not LUKS).
 *   STICKY        the partition has a MountPoints entry (MSCS: a sticky
 *                 drive letter).
 *   EX free bytes statvfs() of the mount where mounted on this node, else 0.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "controls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <clusapi/clusprop.h>
#include <clusapi/errors.h>
#include <clusapi/proplist.h>

#include "arb.h"
#include "cs_alloc.h"
#include "mount.h"

#define WHY(...) do { if (why && why_len) snprintf(why, why_len, __VA_ARGS__); } while (0)

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

uint32_t pd_ctl_class_info(void *out, size_t out_size, size_t *bytes_returned)
{
	uint8_t b[8];
	le32(b, PD_CLUS_RESCLASS_STORAGE);
	le32(b + 4, PD_CLUS_RESSUBCLASS_SHARED);
	*bytes_returned = sizeof(b);
	if (!out || out_size < sizeof(b))
		return ERROR_MORE_DATA;
	memcpy(out, b, sizeof(b));
	return ERROR_SUCCESS;
}

uint32_t pd_ctl_characteristics(void *out, size_t out_size, size_t *bytes_returned)
{
	uint8_t b[4];
	le32(b, PD_CLUS_CHAR_QUORUM | PD_CLUS_CHAR_DELETE_REQUIRES_ALL_NODES);
	*bytes_returned = sizeof(b);
	if (!out || out_size < sizeof(b))
		return ERROR_MORE_DATA;
	memcpy(out, b, sizeof(b));
	return ERROR_SUCCESS;
}

static bool fs_usable(const char *t)
{
	size_t n;
	if (!t || strcmp(t, "swap") == 0 || strcmp(t, "crypto_LUKS") == 0)
		return false;
	n = strlen(t);
	return !(n > 7 && strcmp(t + n - 7, "_member") == 0);
}

/* Windows FS_* flags for a Linux file system: case-sensitive names (1),
 * case preserved (2), Unicode on disk (4, UTF-8 names) and persistent ACLs
 * (8, POSIX ACLs) for the native ones; FAT: preserved and Unicode only. */
static uint32_t fs_flags(const char *t)
{
	if (!t)
		return 0;
	if (strcmp(t, "vfat") == 0 || strcmp(t, "exfat") == 0)
		return 0x2 | 0x4;
	if (strncmp(t, "ext", 3) == 0 || strcmp(t, "xfs") == 0 || strcmp(t, "btrfs") == 0)
		return 0x1 | 0x2 | 0x4 | 0x8;
	return 0x1 | 0x2;
}

static uint32_t disk_number(const struct pd_disk *dk)
{
	return (uint32_t)major(dk->devno) << 20 | (minor(dk->devno) & 0xFFFFFu);
}

struct part_view {
	uint32_t flags;
	char devname[300];
	uint32_t namemax;
	uint64_t free_bytes;
};

/* at: where the partition is mounted on this node, or NULL. */
static void part_view(const struct pd_disk *dk, const struct pd_part *p, const struct pd_props *props,
		      const char *at, struct part_view *v)
{
	memset(v, 0, sizeof(*v));
	v->namemax = 255;
	if (fs_usable(p->fstype))
		v->flags |= CLUSPROP_PIFLAG_USABLE;
	for (size_t i = 0; props && i < props->n_mounts; i++)
		if (props->mounts[i].part == p->number)
			v->flags |= CLUSPROP_PIFLAG_STICKY;
	if (p->devname)
		snprintf(v->devname, sizeof(v->devname), "%s", p->devname);
	else
		snprintf(v->devname, sizeof(v->devname), "%s partition %u", dk->path, p->number);
	struct statvfs sv;
	if (at && statvfs(at, &sv) == 0) {
		v->free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
		v->namemax = (uint32_t)sv.f_namemax;
	}
}

/* UTF-8 s into a fixed UTF-16LE field of units code units (NUL kept). */
static uint32_t put_fixed16(uint8_t *field, size_t units, const char *s)
{
	size_t got = 0;
	if (!s)
		return ERROR_SUCCESS;
	uint32_t err = clusprop_utf8_to_utf16le(s, strlen(s), field, (units - 1) * 2, &got);
	return err == ERROR_MORE_DATA ? ERROR_INVALID_PARAMETER : err;
}

/* GUID binary layout of a UUID text: Data1-3 little-endian, Data4 as is.
 * Zero if the UUID is not 128 bits (FAT serials). */
static void guid_bytes(const char *uuid, uint8_t g[16])
{
	uint8_t raw[16];
	int n = 0;

	memset(g, 0, 16);
	if (!uuid || strlen(uuid) != 36)
		return;
	for (const char *p = uuid; *p; p++) {
		if (*p == '-')
			continue;
		int hi, lo;
		if (!p[1])
			return;
		if (sscanf((char[3]){ p[0], p[1], 0 }, "%1x%1x", &hi, &lo) != 2 || n >= 16)
			return;
		raw[n++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	if (n != 16)
		return;
	g[0] = raw[3], g[1] = raw[2], g[2] = raw[1], g[3] = raw[0];
	g[4] = raw[5], g[5] = raw[4];
	g[6] = raw[7], g[7] = raw[6];
	memcpy(g + 8, raw + 8, 8);
}

static uint32_t put_partition_ex(clusprop_builder *b, const struct pd_disk *dk,
				 const struct pd_part *p, const struct part_view *v)
{
	uint8_t e[PD_PARTITION_INFO_EX_SIZE];
	uint32_t err;

	memset(e, 0, sizeof(e));
	le32(e + 0, v->flags);
	if ((err = put_fixed16(e + 4, CLUSPROP_MAX_PATH, v->devname)) != ERROR_SUCCESS ||
	    (err = put_fixed16(e + 524, CLUSPROP_MAX_PATH, p->label)) != ERROR_SUCCESS ||
	    (err = put_fixed16(e + 1056, CLUSPROP_FILESYSTEM_CHARS, p->fstype)) != ERROR_SUCCESS)
		return err;
	le32(e + 1044, p->serial);
	le32(e + 1048, v->namemax);
	le32(e + 1052, fs_flags(p->fstype));
	le64(e + 1120, p->size);
	le64(e + 1128, v->free_bytes);
	le32(e + 1136, disk_number(dk));
	le32(e + 1140, p->number);
	guid_bytes(p->uuid, e + 1144);
	return clusprop_put_binary(b, CLUSPROP_SYNTAX_PARTITION_INFO_EX, e, sizeof(e));
}

/* Where each partition of dk is mounted on this node: at[i] a copy of the
 * target, or NULL.  From the resource's own mounts where given, else from
 * one read of the mount table. */
static uint32_t mounted_at(const struct pd_disk *dk, const struct pd_mount_list *mounted,
			   char **at)
{
	dev_t *devs = NULL;
	uint32_t err = ERROR_SUCCESS;

	if (!mounted) {
		if (!(devs = cs_calloc(dk->n_parts, sizeof(*devs))))
			return ERROR_NOT_ENOUGH_MEMORY;
		for (size_t i = 0; i < dk->n_parts; i++)
			devs[i] = dk->parts[i].devno;
		err = pd_mounted_targets(devs, dk->n_parts, at);
		cs_free(devs);
		return err;
	}
	for (size_t i = 0; i < dk->n_parts; i++) {
		dev_t dev = dk->parts[i].devno;
		for (size_t j = 0; dev && j < mounted->n && !at[i]; j++) {
			const struct pd_mounted *m = &mounted->v[j];
			struct stat st;
			/* still mounted there (a MaintenanceMode change may have
			 * unmounted it): the file system at the target is dev */
			if (m->dev != dev || stat(m->target, &st) != 0 || st.st_dev != dev)
				continue;
			if (!(at[i] = cs_strdup(m->target))) {
				pd_targets_free(at, dk->n_parts);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
		}
	}
	return ERROR_SUCCESS;
}

/* One disk's entries (no ENDMARK). */
static uint32_t put_disk(clusprop_builder *b, const struct pd_disk *dk, const struct pd_props *props,
			 bool ex, const struct pd_mount_list *mounted)
{
	char **at = NULL;
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	if (dk->n_parts && (!(at = cs_calloc(dk->n_parts, sizeof(*at))) ||
			    (err = mounted_at(dk, mounted, at)) != ERROR_SUCCESS))
		goto out;
	if (dk->id.kind == PD_ID_MBR) {
		clusprop_put_disk_signature(b, dk->id.signature);
	} else if (dk->id.kind == PD_ID_GPT) {
		char g[40];
		snprintf(g, sizeof(g), "{%s}", dk->id.guid);
		for (char *c = g; *c; c++)
			if (*c >= 'a' && *c <= 'f')
				*c = (char)(*c - 'a' + 'A');
		clusprop_put_disk_guid(b, g);
	}
	if (dk->scsi) {
		CLUS_SCSI_ADDRESS a;
		memset(&a, 0, sizeof(a));
		a.PortNumber = dk->scsi_addr[0];
		a.PathId = dk->scsi_addr[1];
		a.TargetId = dk->scsi_addr[2];
		a.Lun = dk->scsi_addr[3];
		clusprop_put_scsi_address(b, &a);
	}
	clusprop_put_disk_number(b, disk_number(dk));
	clusprop_put_disk_size(b, dk->size);
	for (size_t i = 0; i < dk->n_parts; i++) {
		const struct pd_part *p = &dk->parts[i];
		struct part_view v;
		part_view(dk, p, props, at[i], &v);
		if (ex) {
			err = put_partition_ex(b, dk, p, &v);
		} else {
			clusprop_partition cp = {
				.flags = v.flags,
				.device_name = v.devname,
				.volume_label = p->label,
				.serial_number = p->serial,
				.max_component_length = v.namemax,
				.file_system_flags = fs_flags(p->fstype),
				.file_system = p->fstype,
			};
			err = clusprop_put_partition_info(b, &cp);
		}
		if (err != ERROR_SUCCESS)
			goto out;
	}
	err = clusprop_builder_status(b);
out:
	pd_targets_free(at, dk->n_parts);
	cs_free(at);
	return err;
}

/* Build with an OWNED builder once (the entries read live state: statvfs,
 * mountinfo, which could differ between a measuring and a writing pass),
 * then copy out under the buffer contract. */
uint32_t pd_ctl_disk_info(const struct pd_disk *dk, const struct pd_props *p, bool ex,
			  const struct pd_mount_list *mounted,
			  void *out, size_t out_size, size_t *bytes_returned)
{
	clusprop_builder b;
	uint32_t err;

	clusprop_builder_init_owned(&b);
	if ((err = put_disk(&b, dk, p, ex, mounted)) == ERROR_SUCCESS) {
		clusprop_put_endmark(&b);
		err = clusprop_builder_status(&b);
	}
	if (err == ERROR_SUCCESS)
		err = clusprop_builder_copy_out(&b, out, out_size, bytes_returned);
	clusprop_builder_free(&b);
	return err;
}

/* Lexical normalisation of an absolute path: "//" and "." dropped, ".."
 * pops a component.  false if not absolute. */
static bool normalise(const char *in, char *out, size_t out_len)
{
	size_t o = 0;

	if (in[0] != '/' || out_len < 2)
		return false;
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t n = (size_t)(q - p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o + 1 + n + 1 > out_len)
				return false;
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		out[o] = '\0';
		p = q;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return true;
}

uint32_t pd_ctl_is_path_valid(const struct pd_disk *dk, const void *in, size_t in_size)
{
	const uint8_t *u = in;
	char *path = NULL;
	char *target = NULL;
	char norm[4096];
	size_t got = 0;
	dev_t dev = 0;
	uint32_t err;

	if (!in || in_size < 2 || in_size % 2 || u[in_size - 2] || u[in_size - 1])
		return ERROR_INVALID_PARAMETER;
	for (size_t i = 0; i + 2 < in_size; i += 2)
		if (!u[i] && !u[i + 1])
			return ERROR_INVALID_PARAMETER; /* an embedded NUL */
	if (in_size / 2 > 4096)
		return ERROR_INVALID_PARAMETER;
	err = clusprop_utf16le_to_utf8(in, in_size - 2, NULL, 0, &got);
	if (err != ERROR_MORE_DATA && err != ERROR_SUCCESS)
		return ERROR_INVALID_PARAMETER;
	if (!(path = cs_malloc(got + 1)))
		return ERROR_NOT_ENOUGH_MEMORY;
	if (clusprop_utf16le_to_utf8(in, in_size - 2, path, got, &got) != ERROR_SUCCESS) {
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	path[got] = '\0';
	if (!normalise(path, norm, sizeof(norm))) {
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	err = ERROR_FILE_NOT_FOUND;
	if (!dk)
		goto out;
	uint32_t rc = pd_mount_of(norm, &dev, &target);
	if (rc != ERROR_SUCCESS) {
		err = rc == ERROR_NOT_ENOUGH_MEMORY ? rc : ERROR_FILE_NOT_FOUND;
		goto out;
	}
	if (dev == dk->devno) {
		err = ERROR_SUCCESS;
		goto out;
	}
	for (size_t i = 0; i < dk->n_parts; i++)
		if (dk->parts[i].devno && dk->parts[i].devno == dev)
			err = ERROR_SUCCESS;
out:
	cs_free(target);
	cs_free(path);
	return err;
}

/* Whose is the disk at path, of identity id?  0: nobody's (never
 * arbitrated counts as free). */
static uint32_t disk_owner(const char *path, const struct pd_id *id, uint32_t node_id,
			   pd_held_here_fn held_here, uint32_t *owner)
{
	char idt[64];
	struct pd_arb_params ap;

	*owner = 0;
	if (held_here && held_here(id)) {
		*owner = node_id ? node_id : UINT32_MAX;
		return ERROR_SUCCESS;
	}
	pd_id_text(id, idt, sizeof(idt));
	memset(&ap, 0, sizeof(ap));
	ap.kind = PD_ARB_SANLOCK;
	ap.device = path;
	ap.disk_id = idt;
	ap.node_id = node_id;
	ap.io_timeout_s = PD_LEASE_IO_TIMEOUT_DEFAULT;
	return pd_arb_peek_owner(&ap, owner, NULL, 0);
}

uint32_t pd_ctl_available_disks(pd_held_here_fn held_here, uint32_t node_id,
				void *out, size_t out_size, size_t *bytes_returned,
				char *why, size_t why_len)
{
	char **paths = NULL;
	size_t n = 0;
	struct pd_disk *dk = NULL;
	clusprop_builder b;
	uint32_t err;

	clusprop_builder_init_owned(&b);
	if ((err = pd_scope_list(&paths, &n, why, why_len)) != ERROR_SUCCESS)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint32_t owner = 0;
		struct pd_id id;
		/* identity and owner first (two reads of a disk seen before);
		 * only a disk that is offered is read whole */
		err = pd_disk_id_cached(paths[i], &id, NULL, 0);
		if (err == ERROR_NOT_ENOUGH_MEMORY)
			goto out;
		/* a disk we cannot read, or that has no MBR/GPT identity, is
		 * not offered; neither is one someone owns */
		if (err != ERROR_SUCCESS || id.kind == PD_ID_NONE ||
		    disk_owner(paths[i], &id, node_id, held_here, &owner) != ERROR_SUCCESS || owner != 0)
			continue;
		err = pd_disk_probe(paths[i], &dk, NULL, 0);
		if (err == ERROR_NOT_ENOUGH_MEMORY ||
		    (err == ERROR_SUCCESS && pd_id_equal(&dk->id, &id) &&
		     (err = put_disk(&b, dk, NULL, false, NULL)) != ERROR_SUCCESS))
			goto out;
		pd_disk_free(dk);
		dk = NULL;
	}
	pd_id_cache_prune(paths, n); /* forget disks that left the scope */
	clusprop_put_endmark(&b);
	if ((err = clusprop_builder_status(&b)) != ERROR_SUCCESS)
		goto out;
	err = clusprop_builder_copy_out(&b, out, out_size, bytes_returned);
out:
	pd_disk_free(dk);
	pd_paths_free(paths, n);
	clusprop_builder_free(&b);
	return err;
}
