/*
 * scan.c - device discovery and identity with libblkid (see scan.h).
 *
 * Partitions come from libblkid's partition list (the table on the disk),
 * their file systems from a libblkid superblock probe of each partition's
 * byte range read through the whole disk's descriptor, so that a partition
 * the kernel made no device node for (loop devices without `partx -a`) is
 * still described.  Device nodes are found through
 * /sys/class/block/<disk>/<part>/partition.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "scan.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid/blkid.h>
#include <zlib.h>

#include <clusapi/errors.h>

#include "cs_alloc.h"
#include "cs_bytes.h"

#define WHY(...) do { if (why && why_len) snprintf(why, why_len, __VA_ARGS__); } while (0)

/* ---- identity helpers ---- */

bool pd_guid_parse(const char *text, char out[37])
{
	size_t len = strlen(text);
	const char *s = text;

	if (len == 38 && text[0] == '{' && text[37] == '}')
		s = text + 1;
	else if (len != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[36] = '\0';
	return true;
}

uint32_t pd_serial_from_uuid(const char *uuid)
{
	uint32_t v = 0;
	int digits = 0;

	if (!uuid)
		return 0;
	for (const char *p = uuid; *p && digits < 8; p++) {
		if (*p == '-')
			continue;
		if (!isxdigit((unsigned char)*p))
			return 0;
		int c = tolower((unsigned char)*p);
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
		digits++;
	}
	return digits == 8 ? v : 0;
}

bool pd_id_equal(const struct pd_id *a, const struct pd_id *b)
{
	if (a->kind != b->kind || a->kind == PD_ID_NONE)
		return false;
	if (a->kind == PD_ID_MBR)
		return a->signature == b->signature;
	return strcmp(a->guid, b->guid) == 0;
}

void pd_id_text(const struct pd_id *id, char *buf, size_t len)
{
	if (id->kind == PD_ID_MBR)
		snprintf(buf, len, "SIG:%08x", id->signature);
	else if (id->kind == PD_ID_GPT)
		snprintf(buf, len, "GUID:%s", id->guid);
	else
		snprintf(buf, len, "NONE");
}

const struct pd_part *pd_disk_part(const struct pd_disk *d, uint32_t number)
{
	for (size_t i = 0; i < d->n_parts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

/* ---- scope ---- */

void pd_paths_free(char **paths, size_t n)
{
	if (!paths)
		return;
	for (size_t i = 0; i < n; i++)
		cs_free(paths[i]);
	cs_free(paths);
}

/* Does /sys/class/block/<name>/<leaf> exist? */
static bool sys_exists(const char *name, const char *leaf)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "/sys/class/block/%s/%s", name, leaf);
	return access(p, F_OK) == 0;
}

/* Is block device dev a partition (sysfs says so)? */
static bool is_partition(dev_t dev)
{
	char p[96];

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
	return access(p, F_OK) == 0;
}

/* A whole-disk block device (not a partition)?  Resolved path in. */
static bool is_whole_disk(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISBLK(st.st_mode) && !is_partition(st.st_rdev);
}

/* The canonical path of the whole-disk block device at path, symlinks
 * resolved, into out (PATH_MAX bytes): /dev/<kernel name> when that node is
 * the same device (four system calls), else realpath().  false if path is
 * not a whole-disk block device. */
static bool resolve_disk(const char *path, char *out)
{
	struct stat st, st2;
	char link[96], target[PATH_MAX];
	ssize_t n;

	if (stat(path, &st) != 0 || !S_ISBLK(st.st_mode) || is_partition(st.st_rdev))
		return false;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		const char *name = strrchr(target, '/');
		name = name ? name + 1 : target;
		if (strlen(name) < 250 && snprintf(out, PATH_MAX, "/dev/%.250s", name) > 0 &&
		    stat(out, &st2) == 0 && S_ISBLK(st2.st_mode) && st2.st_rdev == st.st_rdev)
			return true;
	}
	return realpath(path, out) != NULL; /* the same device, named where it lies */
}

/* Append s (taken: freed on failure) unless already there. */
static uint32_t paths_add(char ***arr, size_t *n, size_t *cap, char *s)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*arr)[i], s) == 0) {
			cs_free(s);
			return ERROR_SUCCESS;
		}
	}
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		char **na = cs_realloc(*arr, nc * sizeof(*na));
		if (!na) {
			cs_free(s);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		*arr = na;
		*cap = nc;
	}
	(*arr)[(*n)++] = s;
	return ERROR_SUCCESS;
}

static uint32_t scope_from_env(const char *env, char ***arr, size_t *n, size_t *cap, char *why,
			       size_t why_len)
{
	char *copy = cs_strdup(env);
	uint32_t err = ERROR_SUCCESS;
	char *save = NULL;

	if (!copy)
		return ERROR_NOT_ENOUGH_MEMORY;
	for (char *pat = strtok_r(copy, " \t\n", &save); pat; pat = strtok_r(NULL, " \t\n", &save)) {
		glob_t g;
		int rc = glob(pat, 0, NULL, &g);
		if (rc == GLOB_NOMATCH)
			continue;
		if (rc != 0) {
			err = rc == GLOB_NOSPACE ? ERROR_NOT_ENOUGH_MEMORY : ERROR_READ_FAULT;
			WHY("CS_DISK_DEVICES: cannot expand \"%s\"", pat);
			globfree(&g);
			break;
		}
		for (size_t i = 0; i < g.gl_pathc && err == ERROR_SUCCESS; i++) {
			char res[PATH_MAX];
			if (!resolve_disk(g.gl_pathv[i], res))
				continue;
			char *s = cs_strdup(res);
			err = s ? paths_add(arr, n, cap, s) : ERROR_NOT_ENOUGH_MEMORY;
		}
		globfree(&g);
		if (err != ERROR_SUCCESS)
			break;
	}
	cs_free(copy);
	return err;
}

static uint32_t scope_from_sysfs(char ***arr, size_t *n, size_t *cap, char *why, size_t why_len)
{
	DIR *dir = opendir("/sys/class/block");
	struct dirent *e;
	uint32_t err = ERROR_SUCCESS;

	if (!dir) {
		WHY("cannot list /sys/class/block: %s", strerror(errno));
		return ERROR_PATH_NOT_FOUND;
	}
	while ((e = readdir(dir)) != NULL) {
		const char *nm = e->d_name;
		if (nm[0] == '.' || strncmp(nm, "ram", 3) == 0 || strncmp(nm, "zram", 4) == 0)
			continue;
		if (sys_exists(nm, "partition"))
			continue;
		if (strncmp(nm, "loop", 4) == 0 && !sys_exists(nm, "loop/backing_file"))
			continue;
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "/dev/%s", nm);
		if (!is_whole_disk(p))
			continue;
		char *s = cs_strdup(p);
		if (!s || (err = paths_add(arr, n, cap, s)) != ERROR_SUCCESS) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
	}
	closedir(dir);
	return err;
}

uint32_t pd_scope_list(char ***ret_paths, size_t *ret_n, char *why, size_t why_len)
{
	char **arr = NULL;
	size_t n = 0, cap = 0;
	const char *env = getenv("CS_DISK_DEVICES");
	uint32_t err;

	if (env)
		err = scope_from_env(env, &arr, &n, &cap, why, why_len);
	else
		err = scope_from_sysfs(&arr, &n, &cap, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;
	*ret_paths = arr;
	*ret_n = n;
	arr = NULL;
	n = 0;
out:
	pd_paths_free(arr, n);
	return err;
}

bool pd_scope_contains(const char *path)
{
	char **paths = NULL;
	size_t n = 0;
	bool found = false;

	if (pd_scope_list(&paths, &n, NULL, 0) != ERROR_SUCCESS)
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = strcmp(paths[i], path) == 0;
	pd_paths_free(paths, n);
	return found;
}

/* ---- probing ---- */

void pd_disk_free(struct pd_disk *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_parts; i++) {
		cs_free(d->parts[i].devname);
		cs_free(d->parts[i].label);
		cs_free(d->parts[i].fstype);
		cs_free(d->parts[i].uuid);
	}
	cs_free(d->parts);
	cs_free(d->path);
	cs_free(d->name);
	cs_free(d);
}

/* *dst = a copy of the probe's value for name, or NULL if it has none. */
static uint32_t lookup_dup(blkid_probe pr, const char *name, char **dst)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) != 0 || !v || !v[0])
		return ERROR_SUCCESS;
	*dst = cs_strdup(v);
	return *dst ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* A superblock probe of partition p through fd from byte off (p->start
 * through the whole disk's descriptor, 0 through the partition's own).  only
 * (may be NULL): look for this file-system type alone (a re-read of a
 * partition whose type is known: one probe instead of libblkid's ~60).
 * NULL on failure: *err says why. */
static blkid_probe fs_probe_new(int fd, uint64_t off, const struct pd_part *p, const char *only,
				uint32_t *err)
{
	blkid_probe pr = blkid_new_probe();
	char *types[2] = { (char *)only, NULL };

	if (!pr) {
		*err = ERROR_NOT_ENOUGH_MEMORY;
		return NULL;
	}
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)p->size) != 0 ||
	    blkid_probe_enable_superblocks(pr, 1) != 0 ||
	    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
							  BLKID_SUBLKS_TYPE) != 0 ||
	    blkid_probe_enable_partitions(pr, 0) != 0 ||
	    (only && blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_ONLYIN, types) != 0)) {
		blkid_free_probe(pr);
		*err = ERROR_READ_FAULT;
		return NULL;
	}
	return pr;
}

/* Read p's file system with probe pr (from fs_probe_new). */
static uint32_t fs_probe_read(blkid_probe pr, struct pd_part *p)
{
	uint32_t err;

	/* 1: nothing recognised; -2: ambivalent (two signatures): no file
	 * system we would mount either way; -1: a read error */
	int rc = blkid_do_safeprobe(pr);
	if (rc == -1)
		return ERROR_READ_FAULT;
	if (rc != 0)
		return ERROR_SUCCESS;
	if ((err = lookup_dup(pr, "TYPE", &p->fstype)) != ERROR_SUCCESS ||
	    (err = lookup_dup(pr, "LABEL", &p->label)) != ERROR_SUCCESS ||
	    (err = lookup_dup(pr, "UUID", &p->uuid)) != ERROR_SUCCESS)
		return err;
	p->serial = pd_serial_from_uuid(p->uuid);
	return ERROR_SUCCESS;
}

/* The file system of partition p, read through fd from byte off, once. */
static uint32_t probe_fs(int fd, uint64_t off, struct pd_part *p, const char *only)
{
	uint32_t err = ERROR_SUCCESS;
	blkid_probe pr = fs_probe_new(fd, off, p, only, &err);

	if (!pr)
		return err;
	err = fs_probe_read(pr, p);
	blkid_free_probe(pr);
	return err;
}

/* Device nodes of the disk's partitions, from sysfs. */
static uint32_t find_part_nodes(struct pd_disk *d)
{
	char dp[PATH_MAX / 2];
	DIR *dir;
	struct dirent *e;
	uint32_t err = ERROR_SUCCESS;

	snprintf(dp, sizeof(dp), "/sys/class/block/%s", d->name);
	if (!(dir = opendir(dp)))
		return ERROR_SUCCESS; /* no sysfs entry: names unknown, not an error */
	while ((e = readdir(dir)) != NULL) {
		char fp[PATH_MAX];
		unsigned num = 0, ma = 0, mi = 0;
		FILE *f;
		int ok;

		if (e->d_name[0] == '.')
			continue;
		snprintf(fp, sizeof(fp), "%s/%s/partition", dp, e->d_name);
		if (!(f = fopen(fp, "re")))
			continue;
		ok = fscanf(f, "%u", &num) == 1;
		fclose(f);
		snprintf(fp, sizeof(fp), "%s/%s/dev", dp, e->d_name);
		if (!ok || !(f = fopen(fp, "re")))
			continue;
		ok = fscanf(f, "%u:%u", &ma, &mi) == 2;
		fclose(f);
		if (!ok)
			continue;
		/* the kernel's idea of where the partition lies (sectors of 512
		 * bytes): a partition node left from an older table - another
		 * node repartitioned the LUN, or a loop device reused for another
		 * image - must not be taken for this table's partition */
		unsigned long long start = 0, size = 0;
		snprintf(fp, sizeof(fp), "%s/%s/start", dp, e->d_name);
		if ((f = fopen(fp, "re"))) {
			ok = fscanf(f, "%llu", &start) == 1;
			fclose(f);
		}
		snprintf(fp, sizeof(fp), "%s/%s/size", dp, e->d_name);
		if (ok && (f = fopen(fp, "re"))) {
			ok = fscanf(f, "%llu", &size) == 1;
			fclose(f);
		}
		if (!ok)
			continue;
		for (size_t i = 0; i < d->n_parts; i++) {
			struct pd_part *p = &d->parts[i];
			if (p->number != num || p->devname)
				continue;
			if (start * 512u != p->start || size * 512u != p->size) {
				p->stale_node = true;
				continue;
			}
			char node[PATH_MAX];
			snprintf(node, sizeof(node), "/dev/%s", e->d_name);
			if (!(p->devname = cs_strdup(node))) {
				err = ERROR_NOT_ENOUGH_MEMORY;
				goto out;
			}
			p->devno = makedev(ma, mi);
		}
	}
out:
	closedir(dir);
	return err;
}

static void read_scsi(struct pd_disk *d)
{
	char dp[PATH_MAX];
	DIR *dir;
	struct dirent *e;

	snprintf(dp, sizeof(dp), "/sys/class/block/%s/device/scsi_device", d->name);
	if (!(dir = opendir(dp)))
		return; /* not SCSI (loop, nvme, virtio-blk): no SCSI_ADDRESS */
	while ((e = readdir(dir)) != NULL) {
		unsigned h, c, t, l;
		if (sscanf(e->d_name, "%u:%u:%u:%u", &h, &c, &t, &l) == 4 && h < 256 && c < 256 &&
		    t < 256 && l < 256) {
			d->scsi = true;
			d->scsi_addr[0] = (uint8_t)h;
			d->scsi_addr[1] = (uint8_t)c;
			d->scsi_addr[2] = (uint8_t)t;
			d->scsi_addr[3] = (uint8_t)l;
			break;
		}
	}
	closedir(dir);
}

static uint32_t read_table(blkid_probe pr, struct pd_disk *d, char *why, size_t why_len)
{
	blkid_partlist pl = blkid_probe_get_partitions(pr);
	blkid_parttable tab;
	const char *type, *id;

	if (!pl || !(tab = blkid_partlist_get_table(pl)))
		return ERROR_SUCCESS; /* no partition table */
	type = blkid_parttable_get_type(tab);
	id = blkid_parttable_get_id(tab);
	if (type && id && strcmp(type, "dos") == 0) {
		char *end = NULL;
		errno = 0;
		unsigned long v = strtoul(id, &end, 16);
		if (errno == 0 && end && *end == '\0' && v <= UINT32_MAX && v != 0) {
			d->id.kind = PD_ID_MBR;
			d->id.signature = (uint32_t)v;
		}
	} else if (type && id && strcmp(type, "gpt") == 0) {
		if (pd_guid_parse(id, d->id.guid))
			d->id.kind = PD_ID_GPT;
	}
	int n = blkid_partlist_numof_partitions(pl);
	if (n <= 0)
		return ERROR_SUCCESS;
	d->parts = cs_calloc((size_t)n, sizeof(*d->parts));
	if (!d->parts)
		return ERROR_NOT_ENOUGH_MEMORY;
	for (int i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(pl, i);
		if (!par || blkid_partition_is_extended(par))
			continue; /* a container of logical partitions, no file system */
		struct pd_part *p = &d->parts[d->n_parts];
		int num = blkid_partition_get_partno(par);
		blkid_loff_t st = blkid_partition_get_start(par), sz = blkid_partition_get_size(par);
		if (num <= 0 || st < 0 || sz <= 0) {
			WHY("%s: partition %d: unreadable entry", d->path, i + 1);
			return ERROR_INVALID_DATA;
		}
		p->number = (uint32_t)num;
		p->start = (uint64_t)st * 512u;
		p->size = (uint64_t)sz * 512u;
		d->n_parts++;
	}
	return ERROR_SUCCESS;
}

uint32_t pd_disk_identify(const char *path, struct pd_disk **ret, char *why, size_t why_len)
{
	struct pd_disk *d = NULL;
	blkid_probe pr = NULL;
	struct stat st;
	char link[PATH_MAX];
	uint32_t err;

	if (stat(path, &st) != 0 || !S_ISBLK(st.st_mode)) {
		WHY("%s: not a block device", path);
		err = ERROR_DEV_NOT_EXIST;
		goto out;
	}
	err = ERROR_NOT_ENOUGH_MEMORY;
	if (!(d = cs_calloc(1, sizeof(*d))) || !(d->path = cs_strdup(path)))
		goto out;
	d->devno = st.st_rdev;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	char res[PATH_MAX];
	const char *base = realpath(link, res) ? strrchr(res, '/') : NULL;
	if (!(d->name = cs_strdup(base ? base + 1 : strrchr(path, '/') + 1)))
		goto out;

	/* a probe of libblkid's own opening drops the device's cached pages
	 * when freed: the next reads come from the disk, which another node
	 * may have written since */
	pr = blkid_new_probe_from_filename(path);
	if (!pr) {
		WHY("%s: cannot open for probing: %s", path, strerror(errno));
		err = errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED : ERROR_OPEN_FAILED;
		goto out;
	}
	if (blkid_probe_enable_superblocks(pr, 0) != 0 || blkid_probe_enable_partitions(pr, 1) != 0) {
		WHY("%s: libblkid refused the probe settings", path);
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	int rc = blkid_do_safeprobe(pr);
	if (rc == -1) {
		WHY("%s: read error while probing", path);
		err = ERROR_READ_FAULT;
		goto out;
	}
	blkid_loff_t sz = blkid_probe_get_size(pr);
	d->size = sz > 0 ? (uint64_t)sz : 0;
	if (rc == 0 && (err = read_table(pr, d, why, why_len)) != ERROR_SUCCESS)
		goto out;
	*ret = d;
	d = NULL;
	err = ERROR_SUCCESS;
out:
	if (pr)
		blkid_free_probe(pr);
	pd_disk_free(d);
	return err;
}

/* ---- identities remembered by the disk's first bytes ---- */

/* Everything libblkid reads to name a disk - the MBR and the primary GPT
 * header, at LBA 1 of 512- or 4096-byte sectors - lies in its first 8 KiB. */
#define HEAD_BYTES 8192

struct id_entry {
	char *path;
	dev_t devno;
	uint64_t head;          /* FNV-1a of the first HEAD_BYTES */
	struct pd_id id;
};

static pthread_mutex_t idc_mu = PTHREAD_MUTEX_INITIALIZER;
static struct id_entry *idc;
static size_t idc_n, idc_cap;

/* The device number and a hash of the first HEAD_BYTES of path, read with
 * O_DIRECT: from the disk, which another node may have written. */
static uint32_t read_head(const char *path, dev_t *devno, uint64_t *hash, char *why, size_t why_len)
{
	alignas(4096) uint8_t buf[HEAD_BYTES]; /* O_DIRECT: aligned to any sector size */
	struct stat st;
	uint64_t h = 14695981039346656037ull;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		WHY("%s: %s", path, strerror(errno));
		return errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED : ERROR_OPEN_FAILED;
	}
	if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode)) {
		close(fd);
		WHY("%s: not a block device", path);
		return ERROR_DEV_NOT_EXIST;
	}
	got = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (got < 0) {
		WHY("%s: read error: %s", path, strerror(errno));
		return ERROR_READ_FAULT;
	}
	for (ssize_t i = 0; i < got; i++)
		h = (h ^ buf[i]) * 1099511628211ull;
	*devno = st.st_rdev;
	*hash = h ^ (uint64_t)got;
	return ERROR_SUCCESS;
}

uint32_t pd_disk_id_cached(const char *path, struct pd_id *id, char *why, size_t why_len)
{
	struct pd_disk *d = NULL;
	dev_t dev = 0;
	uint64_t h = 0;
	char *copy = NULL;
	uint32_t err;
	bool hit = false;

	if ((err = read_head(path, &dev, &h, why, why_len)) != ERROR_SUCCESS)
		return err;
	pthread_mutex_lock(&idc_mu);
	for (size_t i = 0; i < idc_n && !hit; i++) {
		if (strcmp(idc[i].path, path) == 0 && idc[i].devno == dev && idc[i].head == h) {
			*id = idc[i].id;
			hit = true;
		}
	}
	pthread_mutex_unlock(&idc_mu);
	if (hit)
		return ERROR_SUCCESS;
	/* a disk not seen before, or whose first bytes changed: ask libblkid */
	if ((err = pd_disk_identify(path, &d, why, why_len)) != ERROR_SUCCESS)
		return err;
	*id = d->id;
	pd_disk_free(d);
	if (!(copy = cs_strdup(path)))
		return ERROR_NOT_ENOUGH_MEMORY;
	pthread_mutex_lock(&idc_mu);
	size_t i = 0;
	while (i < idc_n && strcmp(idc[i].path, path) != 0)
		i++;
	if (i == idc_n && idc_n == idc_cap) {
		size_t cap = idc_cap ? idc_cap * 2 : 16;
		struct id_entry *grown = cs_realloc(idc, cap * sizeof(*idc));
		if (!grown) {
			pthread_mutex_unlock(&idc_mu);
			cs_free(copy);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		idc = grown;
		idc_cap = cap;
	}
	if (i == idc_n)
		idc_n++;
	else
		cs_free(idc[i].path);
	idc[i] = (struct id_entry){ .path = copy, .devno = dev, .head = h, .id = *id };
	pthread_mutex_unlock(&idc_mu);
	return ERROR_SUCCESS;
}

void pd_id_cache_prune(char *const *paths, size_t n)
{
	pthread_mutex_lock(&idc_mu);
	for (size_t i = 0; i < idc_n;) {
		bool in_scope = false;
		for (size_t j = 0; j < n && !in_scope; j++)
			in_scope = strcmp(idc[i].path, paths[j]) == 0;
		if (in_scope) {
			i++;
			continue;
		}
		cs_free(idc[i].path);
		idc[i] = idc[--idc_n];
	}
	if (idc_n == 0) {
		cs_free(idc);
		idc = NULL;
		idc_cap = 0;
	}
	pthread_mutex_unlock(&idc_mu);
}

uint32_t pd_disk_complete(struct pd_disk *d, char *why, size_t why_len)
{
	uint32_t err = ERROR_SUCCESS;
	int fd = -1;

	if (d->n_parts) {
		fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			WHY("%s: cannot open for probing: %s", d->path, strerror(errno));
			return errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED
								 : ERROR_OPEN_FAILED;
		}
		/* read the file systems from the disk, not from pages cached
		 * before another node wrote them */
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	for (size_t i = 0; i < d->n_parts; i++) {
		if ((err = probe_fs(fd, d->parts[i].start, &d->parts[i], NULL)) != ERROR_SUCCESS) {
			WHY("%s: partition %u: %s", d->path, d->parts[i].number,
			    err == ERROR_NOT_ENOUGH_MEMORY ? "out of memory" : "read error");
			goto out;
		}
	}
	if ((err = find_part_nodes(d)) != ERROR_SUCCESS)
		goto out;
	read_scsi(d);
out:
	if (fd >= 0) {
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	return err;
}

uint32_t pd_disk_probe(const char *path, struct pd_disk **ret, char *why, size_t why_len)
{
	struct pd_disk *d = NULL;
	uint32_t err;

	if ((err = pd_disk_identify(path, &d, why, why_len)) != ERROR_SUCCESS)
		return err;
	if ((err = pd_disk_complete(d, why, why_len)) != ERROR_SUCCESS) {
		pd_disk_free(d);
		return err;
	}
	*ret = d;
	return ERROR_SUCCESS;
}

/*
 * A GPT's table, kept while the bytes it was read from stay the same.
 * libblkid's GPT probe reads the protective MBR, the primary header and the
 * entry array, and spends about 90 µs of CPU on them (a byte-wise CRC-32 of
 * the 16 KiB array): most of a live GET_DISK_INFO of a GPT disk.  The live
 * read reads those bytes itself (page cache, a few µs) and, while they equal
 * what the last full probe read, takes that probe's result - the table's id
 * and each partition's number, start and size, all read_table() takes: read
 * live still, just not parsed again.  Kept only when both CRCs of the
 * primary header are right, so that libblkid took the table from these
 * bytes and not from the backup at the disk's end; anything else (a sector
 * size over 4 KiB, no primary header, an entry array over GPT_RAW_MAX, no
 * memory for it) is probed in full at every call, as an MBR disk is (its
 * probe takes about 1 µs).
 */
#define GPT_RAW_MAX (256u * 1024u)

struct table_part {
	uint32_t number;
	uint64_t start, size;
};

struct table_memo {
	uint8_t *raw;           /* sector 0, the primary header's sector, the entries */
	size_t raw_len;
	struct pd_id id;
	size_t n_parts;
	struct table_part *parts;
};

/* An online disk kept open for live re-reads: the whole disk's descriptor
 * and a partition-table probe on it; per partition of the disk as found, its
 * own node's descriptor (-1 where there is none, or the node is not the one
 * found) and a superblock probe on it (or on the whole disk at its offset),
 * set up once: a re-read drops the probes' buffers and probes again; and a
 * GPT's table kept from the last full probe (above). */
struct pd_live {
	struct pd_disk *d;
	int fd;
	blkid_probe table;
	int *part_fd;
	blkid_probe *part_pr;
	struct table_memo memo;
};

static void memo_clear(struct table_memo *m)
{
	cs_free(m->raw);
	cs_free(m->parts);
	memset(m, 0, sizeof(*m));
}

/* The bytes a GPT probe of l's disk reads, in *ret (cs_free) - NULL when
 * there is no GPT primary header there or it cannot be read (a full probe
 * says more).  ERROR_NOT_ENOUGH_MEMORY, else ERROR_SUCCESS. */
static uint32_t gpt_raw_read(const struct pd_live *l, uint8_t **ret, size_t *ret_len)
{
	alignas(8) uint8_t head[2 * 4096];
	unsigned ss = blkid_probe_get_sectorsize(l->table);
	uint8_t *raw = NULL;

	*ret = NULL;
	if (ss < 512 || ss > 4096 || (ss & (ss - 1)))
		return ERROR_SUCCESS;
	if (pread(l->fd, head, 2u * ss, 0) != (ssize_t)(2u * ss) || memcmp(head + ss, "EFI PART", 8))
		return ERROR_SUCCESS;
	uint64_t lba = cs_le64(head + ss + 72);
	uint64_t len = (uint64_t)cs_le32(head + ss + 80) * cs_le32(head + ss + 84);
	if (lba < 2 || len == 0 || len > GPT_RAW_MAX || lba > l->d->size / ss)
		return ERROR_SUCCESS;
	if (!(raw = cs_malloc(2u * ss + (size_t)len)))
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(raw, head, 2u * ss);
	if (pread(l->fd, raw + 2u * ss, (size_t)len, (off_t)(lba * ss)) != (ssize_t)len) {
		cs_free(raw);
		return ERROR_SUCCESS;
	}
	*ret = raw;
	*ret_len = 2u * ss + (size_t)len;
	return ERROR_SUCCESS;
}

/* Whether raw's primary header and entry array carry the CRC-32s they
 * state (UEFI: the header's over header-size bytes with its CRC field
 * taken as zero). */
static bool gpt_crcs_right(const uint8_t *raw, size_t raw_len, unsigned ss)
{
	const uint8_t *h = raw + ss;
	uint32_t hsize = cs_le32(h + 12);
	uint8_t copy[512];

	if (hsize < 92 || hsize > sizeof(copy) || hsize > ss)
		return false;
	memcpy(copy, h, hsize);
	memset(copy + 16, 0, 4);
	return crc32(0, copy, hsize) == cs_le32(h + 16) &&
	       crc32(0, raw + 2u * ss, (uInt)(raw_len - 2u * ss)) == cs_le32(h + 88);
}

/* Keep d's table as read from raw (taken; freed if not kept).
 * ERROR_NOT_ENOUGH_MEMORY, else ERROR_SUCCESS. */
static uint32_t memo_store(struct pd_live *l, uint8_t *raw, size_t raw_len, const struct pd_disk *d)
{
	struct table_part *parts = NULL;

	memo_clear(&l->memo);
	if (d->id.kind != PD_ID_GPT ||
	    !gpt_crcs_right(raw, raw_len, blkid_probe_get_sectorsize(l->table))) {
		cs_free(raw);
		return ERROR_SUCCESS;
	}
	if (d->n_parts && !(parts = cs_calloc(d->n_parts, sizeof(*parts)))) {
		cs_free(raw);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	for (size_t i = 0; i < d->n_parts; i++)
		parts[i] = (struct table_part){ d->parts[i].number, d->parts[i].start,
						d->parts[i].size };
	l->memo = (struct table_memo){ .raw = raw, .raw_len = raw_len, .id = d->id,
				       .n_parts = d->n_parts, .parts = parts };
	return ERROR_SUCCESS;
}

/* d's table from the memo, if raw is what it was read from: 1; 0 if not;
 * ERROR_NOT_ENOUGH_MEMORY as -1. */
static int memo_take(const struct table_memo *m, const uint8_t *raw, size_t raw_len,
		     struct pd_disk *d)
{
	if (!m->raw || !raw || raw_len != m->raw_len || memcmp(raw, m->raw, raw_len))
		return 0;
	if (m->n_parts && !(d->parts = cs_calloc(m->n_parts, sizeof(*d->parts))))
		return -1;
	d->id = m->id;
	d->n_parts = m->n_parts;
	for (size_t i = 0; i < m->n_parts; i++) {
		d->parts[i].number = m->parts[i].number;
		d->parts[i].start = m->parts[i].start;
		d->parts[i].size = m->parts[i].size;
	}
	return 1;
}

void pd_live_close(struct pd_live *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->part_pr && i < l->d->n_parts; i++)
		if (l->part_pr[i])
			blkid_free_probe(l->part_pr[i]);
	for (size_t i = 0; l->part_fd && i < l->d->n_parts; i++)
		if (l->part_fd[i] >= 0)
			close(l->part_fd[i]);
	if (l->table)
		blkid_free_probe(l->table);
	if (l->fd >= 0)
		close(l->fd);
	cs_free(l->part_pr);
	cs_free(l->part_fd);
	memo_clear(&l->memo);
	pd_disk_free(l->d);
	cs_free(l);
}

/* The partition's own node, open for reading, if it is still the node
 * found; else -1. */
static int part_node_open(const struct pd_part *q)
{
	struct stat st;
	int fd = q->devname ? open(q->devname, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;

	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode) || st.st_rdev != q->devno)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

uint32_t pd_live_open(struct pd_disk *d, struct pd_live **ret, char *why, size_t why_len)
{
	struct pd_live *l = NULL;
	char *types[2] = { d->id.kind == PD_ID_GPT ? "gpt" : "dos", NULL };
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	if (!(l = cs_calloc(1, sizeof(*l)))) {
		pd_disk_free(d);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	l->d = d;
	l->fd = -1;
	if (d->n_parts && (!(l->part_fd = cs_calloc(d->n_parts, sizeof(*l->part_fd))) ||
			   !(l->part_pr = cs_calloc(d->n_parts, sizeof(*l->part_pr)))))
		goto out;
	for (size_t i = 0; l->part_fd && i < d->n_parts; i++)
		l->part_fd[i] = -1;
	if ((l->fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		WHY("%s: %s", d->path, strerror(errno));
		err = ERROR_OPEN_FAILED;
		goto out;
	}
	if (!(l->table = blkid_new_probe()))
		goto out;
	if (blkid_probe_set_device(l->table, l->fd, 0, 0) != 0 ||
	    blkid_probe_enable_superblocks(l->table, 0) != 0 ||
	    blkid_probe_enable_partitions(l->table, 1) != 0 ||
	    (d->id.kind != PD_ID_NONE &&
	     blkid_probe_filter_partitions_type(l->table, BLKID_FLTR_ONLYIN, types) != 0)) {
		WHY("%s: libblkid refused the probe settings", d->path);
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	for (size_t i = 0; i < d->n_parts; i++) {
		const struct pd_part *q = &d->parts[i];
		l->part_fd[i] = part_node_open(q);
		l->part_pr[i] = fs_probe_new(l->part_fd[i] >= 0 ? l->part_fd[i] : l->fd,
					     l->part_fd[i] >= 0 ? 0 : q->start, q, q->fstype, &err);
		if (!l->part_pr[i]) {
			WHY("%s: partition %u: cannot set up its probe", d->path, q->number);
			goto out;
		}
	}
	*ret = l;
	l = NULL;
	err = ERROR_SUCCESS;
out:
	pd_live_close(l);
	return err;
}

const struct pd_disk *pd_live_disk(const struct pd_live *l)
{
	return l->d;
}

/* The partition of prev that p is (same number, start and size), or NULL. */
static const struct pd_part *same_part(const struct pd_disk *prev, const struct pd_part *p)
{
	const struct pd_part *q = pd_disk_part(prev, p->number);
	return q && q->start == p->start && q->size == p->size ? q : NULL;
}

/* Partition p of a re-read: through its kept probe when it did not move
 * (*known: it did not, and its device node is the one found at open). */
static uint32_t live_part(struct pd_live *l, struct pd_part *p, bool *known)
{
	const struct pd_part *q = same_part(l->d, p);
	size_t i = q ? (size_t)(q - l->d->parts) : 0;
	uint32_t err;

	*known = q != NULL;
	if (!q) /* a new or moved partition: a full probe through the whole disk */
		return probe_fs(l->fd, p->start, p, NULL);
	if (blkid_probe_reset_buffers(l->part_pr[i]) != 0)
		return ERROR_READ_FAULT;
	err = fs_probe_read(l->part_pr[i], p);
	/* not the type it had: reformatted since, or gone; a full probe says */
	if (err == ERROR_SUCCESS && q->fstype && !p->fstype)
		err = probe_fs(l->part_fd[i] >= 0 ? l->part_fd[i] : l->fd,
			       l->part_fd[i] >= 0 ? 0 : p->start, p, NULL);
	if (err != ERROR_SUCCESS)
		return err;
	p->stale_node = q->stale_node;
	p->devno = q->devno;
	if (q->devname && !(p->devname = cs_strdup(q->devname)))
		return ERROR_NOT_ENOUGH_MEMORY;
	return ERROR_SUCCESS;
}

uint32_t pd_live_read(struct pd_live *l, struct pd_disk **ret, char *why, size_t why_len)
{
	const struct pd_disk *prev = l->d;
	struct pd_disk *d = NULL;
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	bool all_known = true;
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	if (!(d = cs_calloc(1, sizeof(*d))) || !(d->path = cs_strdup(prev->path)) ||
	    !(d->name = cs_strdup(prev->name)))
		goto out;
	d->devno = prev->devno;
	d->scsi = prev->scsi;
	memcpy(d->scsi_addr, prev->scsi_addr, sizeof(d->scsi_addr));
	blkid_loff_t sz = blkid_probe_get_size(l->table);
	d->size = sz > 0 ? (uint64_t)sz : 0;
	if (prev->id.kind == PD_ID_GPT && gpt_raw_read(l, &raw, &raw_len) != ERROR_SUCCESS)
		goto out;
	int kept = memo_take(&l->memo, raw, raw_len, d);
	if (kept < 0)
		goto out;
	if (!kept) {
		if (blkid_probe_reset_buffers(l->table) != 0) {
			WHY("%s: libblkid cannot drop its buffers", d->path);
			err = ERROR_GEN_FAILURE;
			goto out;
		}
		int rc = blkid_do_safeprobe(l->table);
		if (rc == -1) {
			WHY("%s: read error while probing", d->path);
			err = ERROR_READ_FAULT;
			goto out;
		}
		if (rc == 0 && (err = read_table(l->table, d, why, why_len)) != ERROR_SUCCESS)
			goto out;
		if (raw) {
			/* kept only if the disk did not change while libblkid read it */
			size_t again_len = 0;
			uint8_t *again = NULL;
			err = gpt_raw_read(l, &again, &again_len);
			if (err == ERROR_SUCCESS && again && again_len == raw_len &&
			    !memcmp(again, raw, raw_len)) {
				err = memo_store(l, raw, raw_len, d); /* takes raw */
				raw = NULL;
			}
			cs_free(again);
			if (err != ERROR_SUCCESS)
				goto out;
		}
	}
	for (size_t i = 0; i < d->n_parts; i++) {
		struct pd_part *p = &d->parts[i];
		bool known;
		if ((err = live_part(l, p, &known)) != ERROR_SUCCESS) {
			WHY("%s: partition %u: %s", d->path, p->number,
			    err == ERROR_NOT_ENOUGH_MEMORY ? "out of memory" : "read error");
			goto out;
		}
		all_known = all_known && known;
	}
	/* the same table as before: the kernel's partition nodes are the ones
	 * found then (they change only when a table is re-read) */
	if (!all_known && (err = find_part_nodes(d)) != ERROR_SUCCESS)
		goto out;
	*ret = d;
	d = NULL;
	err = ERROR_SUCCESS;
out:
	cs_free(raw);
	pd_disk_free(d);
	return err;
}

uint32_t pd_disk_find(const struct pd_id *id, const char *hint, struct pd_disk **ret,
		      char *why, size_t why_len)
{
	char **paths = NULL;
	size_t n = 0;
	struct pd_disk *found = NULL, *d = NULL;
	char idt[64];
	uint32_t err;

	pd_id_text(id, idt, sizeof(idt));
	if (hint && pd_scope_contains(hint) && pd_disk_identify(hint, &d, NULL, 0) == ERROR_SUCCESS &&
	    pd_id_equal(&d->id, id)) {
		if ((err = pd_disk_complete(d, why, why_len)) != ERROR_SUCCESS) {
			pd_disk_free(d);
			return err;
		}
		*ret = d;
		return ERROR_SUCCESS;
	}
	pd_disk_free(d);
	d = NULL;
	if ((err = pd_scope_list(&paths, &n, why, why_len)) != ERROR_SUCCESS)
		goto out;
	for (size_t i = 0; i < n; i++) {
		/* a disk we cannot read is not the one we look for */
		if (pd_disk_identify(paths[i], &d, NULL, 0) != ERROR_SUCCESS)
			continue;
		if (pd_id_equal(&d->id, id)) {
			if (found) {
				WHY("two disks in scope carry %s: %s and %s (a cloned image?)", idt,
				    found->path, d->path);
				err = ERROR_DUP_NAME;
				goto out;
			}
			found = d;
			d = NULL;
		}
		pd_disk_free(d);
		d = NULL;
	}
	if (!found) {
		WHY("no disk in this node's scope (disk_devices) carries %s", idt);
		err = ERROR_DEV_NOT_EXIST;
		goto out;
	}
	if ((err = pd_disk_complete(found, why, why_len)) != ERROR_SUCCESS)
		goto out;
	*ret = found;
	found = NULL;
	err = ERROR_SUCCESS;
out:
	pd_disk_free(d);
	pd_disk_free(found);
	pd_paths_free(paths, n);
	return err;
}
