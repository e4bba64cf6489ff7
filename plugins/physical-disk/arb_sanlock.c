/*
 * arb_sanlock.c - arbitration with sanlock disk leases.
 *
 * The disk carries its own lockspace (delta leases, one 512-byte sector per
 * host id, at PD_ARB_SANLOCK_LOCKSPACE_OFFSET) and one resource (paxos)
 * lease named "disk" (at PD_ARB_SANLOCK_RESOURCE_OFFSET), both 1 MiB aligned
 * for 512-byte sectors.  The lockspace is named after the disk id, so every
 * node derives the same name from the disk itself: "cs-" + the MBR
 * signature's 8 or the GPT GUID's 32 hex digits.  The host id is the
 * corosync node id.
 *
 * Each pd_arb registers its own connection with the sanlock daemon: the
 * lease belongs to that connection, and the daemon releases it when the
 * connection closes (the process died or closed it).  The descriptor is
 * close-on-exec, so a child does not keep the lease alive.
 *
 * We read the leader records ourselves (one O_DIRECT sector; the format is
 * sanlock's documented on-disk leader: little-endian magic at 0, owner_id at
 * 32, lver at 48, lockspace name at 56, resource name at 104, timestamp at
 * 152; a timestamp of 0 means free).  Everything that writes goes through
 * the daemon.  doc/arbitration.md has the timings and the argument.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>

#include <stdint.h> /* sanlock.h uses the fixed-width types without including it */
#include <sanlock.h>
#include <sanlock_admin.h>
#include <sanlock_resource.h>
#include <sanlock_rv.h>

#include <clusapi/errors.h>

#include "arb_int.h"
#include "cs_alloc.h"
#include "cs_bytes.h"

/* sanlock's on-disk leader record (fields we read). */
#define LEADER_MAGIC_DELTA      UINT32_C(0x12212010)
#define LEADER_MAGIC_PAXOS      UINT32_C(0x06152010)
#define LEADER_OFF_MAGIC        0
#define LEADER_OFF_OWNER_ID     32
#define LEADER_OFF_OWNER_GEN    40
#define LEADER_OFF_LVER         48
#define LEADER_OFF_SPACE_NAME   56
#define LEADER_OFF_RES_NAME     104
#define LEADER_OFF_TIMESTAMP    152

#define AREA_SIZE               (UINT64_C(1) << 20)
#define CHUNK                   (16u * 1024u)

struct leader {
	uint32_t magic;
	uint64_t owner_id;
	uint64_t owner_gen;
	uint64_t lver;
	uint64_t timestamp;
	char space_name[PD_ARB_NAME_LEN + 1];
	char res_name[PD_ARB_NAME_LEN + 1];
};

enum area_state { AREA_VALID, AREA_BLANK, AREA_FOREIGN };

/* ---- names and structures ---- */

/* "SIG:5ca1ab1e" -> "cs-5ca1ab1e"; "GUID:0a1b...-..." -> "cs-0a1b..." (32 hex). */
static uint32_t lockspace_name(const char *disk_id, char *name, char *why, size_t why_len)
{
	const char *p;
	size_t want, n = 0;
	char hex[33];

	if (strncmp(disk_id, "SIG:", 4) == 0) {
		p = disk_id + 4;
		want = 8;
	} else if (strncmp(disk_id, "GUID:", 5) == 0) {
		p = disk_id + 5;
		want = 32;
	} else {
		goto bad;
	}
	for (; *p; p++) {
		if (*p == '-' && want == 32)
			continue;
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F')) || n == want)
			goto bad;
		hex[n++] = (char)((*p >= 'A' && *p <= 'F') ? *p - 'A' + 'a' : *p);
	}
	if (n != want)
		goto bad;
	hex[n] = '\0';
	snprintf(name, PD_ARB_NAME_LEN + 1, "cs-%s", hex);
	return ERROR_SUCCESS;
bad:
	pd_arb_why(why, why_len, "disk id \"%s\" is neither SIG:<8 hex digits> nor "
		   "GUID:<36-character GUID>", disk_id);
	return ERROR_INVALID_PARAMETER;
}

static void fill_lockspace(const struct pd_arb *a, struct sanlk_lockspace *ls)
{
	memset(ls, 0, sizeof(*ls));
	memcpy(ls->name, a->u.sl.ls_name, strlen(a->u.sl.ls_name));
	ls->host_id = a->node_id;
	ls->flags = SANLK_LSF_ALIGN1M | SANLK_LSF_SECTOR512;
	snprintf(ls->host_id_disk.path, sizeof(ls->host_id_disk.path), "%s", a->device);
	ls->host_id_disk.offset = PD_ARB_SANLOCK_LOCKSPACE_OFFSET;
}

/* ---- error mapping ---- */

static bool daemon_gone(int rv)
{
	return rv == -ECONNREFUSED || rv == -ENOENT || rv == -ENOTCONN || rv == -EPIPE ||
	       rv == -ECONNRESET;
}

/* The code and a short text for a sanlock failure that is not "held by
 * another node". */
static uint32_t sanlock_code(int rv)
{
	if (daemon_gone(rv))
		return ERROR_SERVICE_NOT_ACTIVE;
	switch (rv) {
	case SANLK_AIO_TIMEOUT:
	case SANLK_DBLOCK_READ:
	case SANLK_DBLOCK_WRITE:
	case SANLK_LEADER_READ:
	case SANLK_LEADER_WRITE:
	case -EIO:
		return ERROR_IO_DEVICE;
	case SANLK_DBLOCK_LVER:
	case SANLK_DBLOCK_MBAL:
	case SANLK_DBLOCK_CHECKSUM:
	case SANLK_LEADER_DIFF:
	case SANLK_LEADER_MAGIC:
	case SANLK_LEADER_VERSION:
	case SANLK_LEADER_SECTORSIZE:
	case SANLK_LEADER_LOCKSPACE:
	case SANLK_LEADER_RESOURCE:
	case SANLK_LEADER_NUMHOSTS:
	case SANLK_LEADER_CHECKSUM:
		return ERROR_DISK_CORRUPT;
	case -ENOMEM:
		return ERROR_NOT_ENOUGH_MEMORY;
	case -EACCES:
	case -EPERM:
		return ERROR_ACCESS_DENIED;
	case -EINVAL:
		return ERROR_INVALID_PARAMETER;
	default:
		return ERROR_GEN_FAILURE;
	}
}

static const char *sanlock_text(int rv)
{
	static _Thread_local char buf[64];

	if (daemon_gone(rv))
		return "the sanlock daemon is not running (no socket in SANLOCK_RUN_DIR)";
	if (rv > -200) {
		snprintf(buf, sizeof(buf), "%s", strerror(-rv));
		return buf;
	}
	snprintf(buf, sizeof(buf), "sanlock error %d", rv);
	return buf;
}

/* ---- reading the disk ourselves ---- */

static int read_at(int fd, uint64_t off, uint8_t *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EIO;
		done += (size_t)n;
	}
	return 0;
}

static void copy_name(char *dst, const uint8_t *src)
{
	memcpy(dst, src, PD_ARB_NAME_LEN);
	dst[PD_ARB_NAME_LEN] = '\0';
}

static int read_leader(int fd, uint64_t off, struct leader *l)
{
	_Alignas(4096) uint8_t sec[PD_ARB_SECTOR];
	int e;

	e = read_at(fd, off, sec, sizeof(sec));
	if (e != 0)
		return e;
	l->magic = cs_le32(sec + LEADER_OFF_MAGIC);
	l->owner_id = cs_le64(sec + LEADER_OFF_OWNER_ID);
	l->owner_gen = cs_le64(sec + LEADER_OFF_OWNER_GEN);
	l->lver = cs_le64(sec + LEADER_OFF_LVER);
	l->timestamp = cs_le64(sec + LEADER_OFF_TIMESTAMP);
	copy_name(l->space_name, sec + LEADER_OFF_SPACE_NAME);
	copy_name(l->res_name, sec + LEADER_OFF_RES_NAME);
	return 0;
}

static bool resource_leader_ours(const struct pd_arb *a, const struct leader *l)
{
	return l->magic == LEADER_MAGIC_PAXOS && strcmp(l->space_name, a->u.sl.ls_name) == 0 &&
	       strcmp(l->res_name, PD_ARB_SANLOCK_RESOURCE_NAME) == 0;
}

/* Whether one 1 MiB area holds our lease (VALID), nothing (BLANK: all
 * zero), or anything else (FOREIGN: a partition that starts too early, an
 * old lockspace of another disk id, a cleared lease). */
static int classify_area(const struct pd_arb *a, uint64_t off, uint32_t magic,
			 const char *res_name, enum area_state *state)
{
	_Alignas(4096) uint8_t buf[CHUNK];
	struct leader l;
	uint64_t pos;
	size_t i;
	int e;

	e = read_leader(a->fd, off, &l);
	if (e != 0)
		return e;
	if (l.magic == magic && strcmp(l.space_name, a->u.sl.ls_name) == 0 &&
	    (!res_name || strcmp(l.res_name, res_name) == 0)) {
		*state = AREA_VALID;
		return 0;
	}
	for (pos = 0; pos < AREA_SIZE; pos += CHUNK) {
		e = read_at(a->fd, off + pos, buf, CHUNK);
		if (e != 0)
			return e;
		for (i = 0; i < CHUNK; i++) {
			if (buf[i] != 0) {
				*state = AREA_FOREIGN;
				return 0;
			}
		}
	}
	*state = AREA_BLANK;
	return 0;
}

/* ---- open ---- */

static uint32_t open_disk(struct pd_arb *a, char *why, size_t why_len)
{
	uint64_t size = 0;
	int ssz = 0, e;

	a->fd = open(a->device, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (a->fd < 0) {
		e = errno;
		pd_arb_why(why, why_len, "cannot open %s: %s", a->device, strerror(e));
		return pd_arb_errno_code(e);
	}
	if (ioctl(a->fd, BLKSSZGET, &ssz) != 0 || ioctl(a->fd, BLKGETSIZE64, &size) != 0) {
		e = errno;
		pd_arb_why(why, why_len, "%s is not a block device (%s)", a->device, strerror(e));
		return ERROR_INVALID_PARAMETER;
	}
	if (ssz != (int)PD_ARB_SECTOR) {
		pd_arb_why(why, why_len, "%s has %d-byte sectors; the sanlock layout needs %u",
			   a->device, ssz, PD_ARB_SECTOR);
		return ERROR_NOT_SUPPORTED;
	}
	if (size < PD_ARB_SANLOCK_AREA_END) {
		pd_arb_why(why, why_len, "%s (%llu bytes) is smaller than the sanlock area (3 MiB)",
			   a->device, (unsigned long long)size);
		return ERROR_INVALID_PARAMETER;
	}
	return ERROR_SUCCESS;
}

static uint32_t classify_both(struct pd_arb *a, enum area_state *ls_st, enum area_state *res_st,
			      char *why, size_t why_len)
{
	int e;

	e = classify_area(a, PD_ARB_SANLOCK_LOCKSPACE_OFFSET, LEADER_MAGIC_DELTA, NULL, ls_st);
	if (e == 0)
		e = classify_area(a, PD_ARB_SANLOCK_RESOURCE_OFFSET, LEADER_MAGIC_PAXOS,
				  PD_ARB_SANLOCK_RESOURCE_NAME, res_st);
	if (e != 0) {
		pd_arb_why(why, why_len, "reading the sanlock area of %s: %s", a->device, strerror(e));
		return pd_arb_errno_code(e);
	}
	return ERROR_SUCCESS;
}

/* How long an area that reads as foreign (or, after our write, as not
 * valid) is read again before it is refused as such. */
#define FOREIGN_SETTLE_MS 2000u

/*
 * Classify the area until it settles: until neither part reads as foreign
 * (need_valid false) or both read as valid (need_valid true), reading again
 * every 100 ms for at most FOREIGN_SETTLE_MS.  Another node may be writing
 * the area right now (it saw it blank too): half written, it reads as
 * neither blank nor valid.  The area is written in a few direct writes:
 * milliseconds, or a few hundred on a loaded machine (tests saw both this
 * node's first read and its read-back after its own write land inside the
 * other node's writes).
 */
static uint32_t classify_settled(struct pd_arb *a, bool need_valid, enum area_state *ls_st,
				 enum area_state *res_st, char *why, size_t why_len)
{
	for (unsigned waited = 0;; waited += 100) {
		uint32_t err = classify_both(a, ls_st, res_st, why, why_len);
		if (err != ERROR_SUCCESS)
			return err;
		bool settled = need_valid ? *ls_st == AREA_VALID && *res_st == AREA_VALID
					  : *ls_st != AREA_FOREIGN && *res_st != AREA_FOREIGN;
		if (settled || waited >= FOREIGN_SETTLE_MS)
			return ERROR_SUCCESS;
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000000L }, NULL);
	}
}

/*
 * Initialise what is blank; refuse what is foreign.  Two nodes may both see
 * the area blank and both write it: they write the same thing (the content
 * depends only on the disk id), and each writer's window from its read to
 * its write is one I/O, while joining the lockspace written first takes at
 * least 2 x io_timeout + 1 s of delta-lease writes and re-reads, and any
 * acquire comes after the join: a late identical write cannot clobber a
 * lease in use, and a clobbered delta lease makes that join fail and be
 * retried.  The resource is written first and the lockspace last, so that a
 * valid lockspace means a complete area.
 */
static uint32_t init_area(struct pd_arb *a, char *why, size_t why_len)
{
	struct sanlk_lockspace ls;
	enum area_state ls_st, res_st;
	uint32_t err;
	int rv;

	/* only what still reads as foreign after FOREIGN_SETTLE_MS is someone
	 * else's data */
	err = classify_settled(a, false, &ls_st, &res_st, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;
	if (ls_st == AREA_FOREIGN || res_st == AREA_FOREIGN) {
		pd_arb_why(why, why_len, "the sanlock area of %s (at %s MiB) holds other data: "
			   "a partition starting before 3 MiB, or a lease for another disk id "
			   "than %s; not overwriting it", a->device,
			   ls_st == AREA_FOREIGN ? "1" : "2", a->disk_id);
		err = ERROR_DISK_CORRUPT;
		goto out;
	}
	if (res_st == AREA_BLANK) {
		rv = sanlock_write_resource(a->u.sl.res, 0, 0, 0);
		if (rv < 0) {
			pd_arb_why(why, why_len, "initialising the lease of %s: %s", a->device,
				   sanlock_text(rv));
			err = sanlock_code(rv);
			goto out;
		}
	}
	if (ls_st == AREA_BLANK) {
		fill_lockspace(a, &ls);
		rv = sanlock_write_lockspace(&ls, 0, 0, a->io_timeout_s);
		if (rv < 0) {
			pd_arb_why(why, why_len, "initialising the lockspace of %s: %s", a->device,
				   sanlock_text(rv));
			err = sanlock_code(rv);
			goto out;
		}
	}
	if (ls_st == AREA_BLANK || res_st == AREA_BLANK) {
		/* the other node's identical writes may still be landing */
		err = classify_settled(a, true, &ls_st, &res_st, why, why_len);
		if (err != ERROR_SUCCESS)
			goto out;
		if (ls_st != AREA_VALID || res_st != AREA_VALID) {
			pd_arb_why(why, why_len, "the sanlock area of %s does not read back as "
				   "written", a->device);
			err = ERROR_IO_DEVICE;
			goto out;
		}
	}
	err = ERROR_SUCCESS;
out:
	return err;
}

/* Ask the daemon to join the lockspace, without waiting for it.  Already
 * joined or joining (by us or another client on this node) is fine. */
static uint32_t start_join(struct pd_arb *a, char *why, size_t why_len)
{
	struct sanlk_lockspace ls;
	int rv;

	fill_lockspace(a, &ls);
	rv = sanlock_add_lockspace_timeout(&ls, SANLK_ADD_ASYNC, a->io_timeout_s);
	if (rv == 0) {
		a->u.sl.added = true;
		return ERROR_SUCCESS;
	}
	if (rv == -EEXIST || rv == -EINPROGRESS || rv == -EAGAIN)
		return ERROR_SUCCESS;
	pd_arb_why(why, why_len, "joining the lockspace %s on %s: %s", a->u.sl.ls_name, a->device,
		   sanlock_text(rv));
	return sanlock_code(rv);
}

uint32_t pd_arb_sanlock_open(struct pd_arb *a, char *why, size_t why_len)
{
	struct sanlk_resource *res;
	uint32_t err;
	int fl;

	a->u.sl.sock = -1;
	if (a->node_id > PD_ARB_SANLOCK_MAX_HOST_ID) {
		pd_arb_why(why, why_len, "node id %u cannot be a sanlock host id (1..%u)",
			   a->node_id, PD_ARB_SANLOCK_MAX_HOST_ID);
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	if (strlen(a->device) >= SANLK_PATH_LEN) {
		pd_arb_why(why, why_len, "device path too long for sanlock");
		err = ERROR_FILENAME_EXCED_RANGE;
		goto out;
	}
	err = lockspace_name(a->disk_id, a->u.sl.ls_name, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;

	res = cs_calloc(1, sizeof(*res) + sizeof(struct sanlk_disk));
	if (!res) {
		pd_arb_why(why, why_len, "out of memory");
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	a->u.sl.res = res;
	memcpy(res->lockspace_name, a->u.sl.ls_name, strlen(a->u.sl.ls_name));
	memcpy(res->name, PD_ARB_SANLOCK_RESOURCE_NAME, strlen(PD_ARB_SANLOCK_RESOURCE_NAME));
	res->flags = SANLK_RES_ALIGN1M | SANLK_RES_SECTOR512;
	res->num_disks = 1;
	snprintf(res->disks[0].path, sizeof(res->disks[0].path), "%s", a->device);
	res->disks[0].offset = PD_ARB_SANLOCK_RESOURCE_OFFSET;

	err = open_disk(a, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;
	err = init_area(a, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;

	a->u.sl.sock = sanlock_register();
	if (a->u.sl.sock < 0) {
		int rv = a->u.sl.sock;

		a->u.sl.sock = -1;
		pd_arb_why(why, why_len, "registering with sanlock: %s", sanlock_text(rv));
		err = sanlock_code(rv);
		goto out;
	}
	fl = fcntl(a->u.sl.sock, F_GETFD);
	if (fl < 0 || fcntl(a->u.sl.sock, F_SETFD, fl | FD_CLOEXEC) < 0) {
		pd_arb_why(why, why_len, "sanlock connection: %s", strerror(errno));
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	err = start_join(a, why, why_len);
out:
	return err;
}

/* ---- the lease ---- */

/* Whether the daemon has joined the lockspace: ERROR_SUCCESS, or
 * ERROR_NOT_READY (joining; or not joined, and a join is started now). */
static uint32_t joined(struct pd_arb *a, char *why, size_t why_len)
{
	struct sanlk_lockspace ls;
	uint32_t err;
	int rv;

	fill_lockspace(a, &ls);
	rv = sanlock_inq_lockspace(&ls, 0);
	if (rv == 0)
		return ERROR_SUCCESS;
	if (rv == -ENOENT) {
		err = start_join(a, why, why_len);
		if (err != ERROR_SUCCESS)
			return err;
	} else if (rv != -EINPROGRESS) {
		pd_arb_why(why, why_len, "asking sanlock about lockspace %s: %s", a->u.sl.ls_name,
			   sanlock_text(rv));
		return sanlock_code(rv);
	}
	pd_arb_why(why, why_len, "joining the lockspace %s of %s (takes about 3 x io_timeout "
		   "= %u s): retry", a->u.sl.ls_name, a->device, 3 * a->io_timeout_s);
	return ERROR_NOT_READY;
}

/* Who holds the lease according to the disk: node id, 0 when free. */
static uint32_t disk_owner(struct pd_arb *a, uint32_t *owner, struct leader *l,
			   char *why, size_t why_len)
{
	int e;

	e = read_leader(a->fd, PD_ARB_SANLOCK_RESOURCE_OFFSET, l);
	if (e != 0) {
		pd_arb_why(why, why_len, "reading the lease of %s: %s", a->device, strerror(e));
		return pd_arb_errno_code(e);
	}
	if (!resource_leader_ours(a, l)) {
		pd_arb_why(why, why_len, "the lease area of %s no longer holds the lease of %s",
			   a->device, a->disk_id);
		return ERROR_DISK_CORRUPT;
	}
	*owner = l->timestamp == 0 ? 0 : (uint32_t)l->owner_id;
	return ERROR_SUCCESS;
}

/* Whether node id's sanlock daemon still renews its host (delta) lease in
 * the disk's lockspace, as this node's daemon sees it: LIVE, or not yet
 * known.  A powered-off node stops renewing; its status turns FAIL after
 * sanlock's id_renewal_fail (8 x io_timeout).  Unreadable: counts as alive. */
static bool holder_renews(struct pd_arb *a, uint32_t id)
{
	struct sanlk_host *hss = NULL;
	int count = 0, rv;
	bool live = true;

	rv = sanlock_get_hosts(a->u.sl.ls_name, id, &hss, &count, 0);
	if (rv == 0 && hss && count > 0) {
		uint32_t st = hss[0].flags & SANLK_HOST_MASK;
		live = !(st == SANLK_HOST_FAIL || st == SANLK_HOST_DEAD || st == SANLK_HOST_FREE);
	}
	free(hss); /* allocated by libsanlock */
	return live;
}

static bool held_elsewhere(int rv)
{
	return rv == SANLK_ACQUIRE_IDLIVE || rv == SANLK_ACQUIRE_OWNED ||
	       rv == SANLK_ACQUIRE_OTHER || rv == SANLK_ACQUIRE_SHRETRY ||
	       rv == SANLK_ACQUIRE_OWNED_RETRY;
}

uint32_t pd_arb_sanlock_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner,
				char *why, size_t why_len)
{
	struct sanlk_resource *res_args[1] = { a->u.sl.res };
	struct leader l;
	uint32_t owner = 0, err;
	bool took_over = false;
	int rv;

	if (a->u.sl.held) {
		err = ERROR_SUCCESS;
		goto out;
	}
	err = joined(a, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;

	if ((flags & PD_ARB_TAKEOVER_FENCED) && prev_owner != 0 && prev_owner != a->node_id) {
		err = disk_owner(a, &owner, &l, why, why_len);
		if (err != ERROR_SUCCESS)
			goto out;
		if (owner == prev_owner && holder_renews(a, prev_owner)) {
			/* Its sanlock still renews its host lease: the node runs
			 * and reaches the disk.  Left the cluster's membership
			 * and back (a short cut), it may never have learnt that
			 * it lost the disk's group - a test saw two writers so.
			 * It releases the lease when it stops the disk. */
			pd_arb_why(why, why_len, "disk %s: node %u, which holds its lease, still "
				   "renews its sanlock host lease (alive, reaching the disk): "
				   "waiting for it to release", a->disk_id, prev_owner);
			err = ERROR_NOT_READY;
			goto out;
		}
		if (owner == prev_owner) {
			/* The cluster proved prev_owner stopped (arb.h) and its
			 * sanlock no longer renews: clear its lease instead of
			 * waiting out sanlock's host_dead (8 x io_timeout + 60 s).
			 * Only ever prev_owner's. */
			rv = sanlock_write_resource(a->u.sl.res, 0, 0, 0);
			if (rv < 0) {
				pd_arb_why(why, why_len, "clearing fenced node %u's lease on %s: %s",
					   prev_owner, a->device, sanlock_text(rv));
				err = sanlock_code(rv);
				goto out;
			}
			took_over = true;
		}
	}

	rv = sanlock_acquire(a->u.sl.sock, -1, SANLK_ACQUIRE_OWNER_NOWAIT, 1, res_args, NULL);
	if (rv == 0 || rv == -EEXIST) {
		a->u.sl.held = true;
		if (took_over)
			pd_arb_why(why, why_len, "took %s from node %u, which the cluster proved "
				   "fenced: its sanlock lease (lver %llu) was cleared",
				   a->device, prev_owner, (unsigned long long)l.lver);
		err = ERROR_SUCCESS;
		goto out;
	}
	if (held_elsewhere(rv)) {
		err = disk_owner(a, &owner, &l, why, why_len);
		if (err != ERROR_SUCCESS)
			goto out;
		if (owner != 0 && owner != a->node_id)
			pd_arb_why(why, why_len, "disk %s held by node %u%s", a->disk_id, owner,
				   rv == SANLK_ACQUIRE_OWNED_RETRY ?
				   " (sanlock has not seen its host lease renewed lately; "
				   "it is not timed out)" : "");
		else
			pd_arb_why(why, why_len, "disk %s is being taken by another node (sanlock "
				   "%d): retry", a->disk_id, rv);
		err = ERROR_SHARING_VIOLATION;
		goto out;
	}
	if (rv == -ENOSPC || rv == -EAGAIN) {
		/* The lockspace went away (removed, or its host lease failed). */
		a->u.sl.added = false;
		pd_arb_why(why, why_len, "the lockspace %s is not joined (sanlock %d): retry",
			   a->u.sl.ls_name, rv);
		err = ERROR_NOT_READY;
		goto out;
	}
	pd_arb_why(why, why_len, "acquiring the lease of %s: %s", a->device, sanlock_text(rv));
	err = sanlock_code(rv);
out:
	return err;
}

uint32_t pd_arb_sanlock_release(struct pd_arb *a, char *why, size_t why_len)
{
	struct sanlk_resource *res_args[1] = { a->u.sl.res };
	int rv;

	if (!a->u.sl.held)
		return ERROR_SUCCESS;
	rv = sanlock_release(a->u.sl.sock, -1, 0, 1, res_args);
	if (rv == 0 || rv == -ENOENT) {
		a->u.sl.held = false;
		return ERROR_SUCCESS;
	}
	if (daemon_gone(rv)) {
		/* Nothing renews our host lease any more: the lease times out
		 * on its own; it is not ours in any useful sense. */
		a->u.sl.held = false;
	}
	pd_arb_why(why, why_len, "releasing the lease of %s: %s", a->device, sanlock_text(rv));
	return sanlock_code(rv);
}

uint32_t pd_arb_sanlock_check(struct pd_arb *a, char *why, size_t why_len)
{
	struct leader l;
	char *state = NULL;
	uint32_t owner, err;
	int count = 0, rv;

	if (!a->u.sl.held) {
		pd_arb_why(why, why_len, "the lease of %s is not held by this node", a->device);
		err = ERROR_NOT_OWNER;
		goto out;
	}
	/* The daemon's view: does our connection still hold it? */
	rv = sanlock_inquire(a->u.sl.sock, -1, 0, &count, &state);
	if (rv < 0) {
		/* Our connection is how the daemon knows the lease is ours; a
		 * daemon that died answers EPIPE, EPERM or a reset. */
		pd_arb_why(why, why_len, "the lease of %s is lost: the sanlock daemon does not "
			   "answer on our connection (%s)", a->device, sanlock_text(rv));
		err = ERROR_SERVICE_NOT_ACTIVE;
		goto out;
	}
	if (count < 1) {
		pd_arb_why(why, why_len, "the lease of %s is lost: sanlock no longer counts it "
			   "as ours", a->device);
		err = ERROR_NOT_OWNER;
		goto out;
	}
	/* The disk's view: is it still recorded as ours? */
	err = disk_owner(a, &owner, &l, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;
	if (owner != a->node_id) {
		if (owner)
			pd_arb_why(why, why_len, "the lease of %s is lost: the disk records node %u "
				   "as its holder", a->device, owner);
		else
			pd_arb_why(why, why_len, "the lease of %s is lost: the disk records it "
				   "free", a->device);
		err = ERROR_NOT_OWNER;
		goto out;
	}
	err = ERROR_SUCCESS;
out:
	free(state); /* allocated by libsanlock with malloc */
	return err;
}

uint32_t pd_arb_sanlock_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len)
{
	struct leader l;
	uint32_t o = 0, err;

	err = disk_owner(a, &o, &l, why, why_len);
	if (err == ERROR_SUCCESS)
		*owner = o;
	return err;
}

void pd_arb_sanlock_close(struct pd_arb *a)
{
	if (a->u.sl.held)
		(void)pd_arb_sanlock_release(a, NULL, 0);
	/* The lockspace stays joined: leaving it is asynchronous, and a lease
	 * taken in it meanwhile (the same disk brought online again at once, by
	 * this or another process of the node) would have its holder killed by
	 * sanlock when the removal completes - seen in tests.  Staying joined
	 * also spares the next online the join (about 3 s at io_timeout 1).
	 * The daemon's own shutdown leaves it. */
	a->u.sl.added = false;
	if (a->u.sl.sock >= 0) {
		close(a->u.sl.sock);
		a->u.sl.sock = -1;
	}
	cs_freep(&a->u.sl.res);
}

uint32_t pd_arb_sanlock_peek_owner(const struct pd_arb_params *p, uint32_t *owner, char *why,
				   size_t why_len)
{
	struct pd_arb a;
	struct leader l;
	uint32_t err;
	int fd = -1, e;

	*owner = 0;
	memset(&a, 0, sizeof(a));
	a.fd = -1;
	err = lockspace_name(p->disk_id, a.u.sl.ls_name, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;
	fd = open(p->device, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		pd_arb_why(why, why_len, "opening %s: %s", p->device, strerror(e));
		err = pd_arb_errno_code(e);
		goto out;
	}
	e = read_leader(fd, PD_ARB_SANLOCK_RESOURCE_OFFSET, &l);
	if (e != 0) {
		pd_arb_why(why, why_len, "reading the lease of %s: %s", p->device, strerror(e));
		err = pd_arb_errno_code(e);
		goto out;
	}
	/* a lease of this disk: its holder, if any; anything else (never
	 * arbitrated, or not a lease of ours) has none */
	if (resource_leader_ours(&a, &l) && l.timestamp != 0)
		*owner = (uint32_t)l.owner_id;
	err = ERROR_SUCCESS;
out:
	if (fd >= 0)
		close(fd);
	return err;
}
