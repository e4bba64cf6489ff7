/*
 * mount.h - check, mount and unmount the disk's file systems (libmount,
 * e2fsck).  Each returns an MSCS error code and writes one clear line to
 * why (may be NULL) on failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PD_MOUNT_H
#define CS_PD_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* How long an fsck may run before it is killed (seconds). */
#define PD_FSCK_TIMEOUT_S 600u
/* How long offline retries unmounting a busy file system (seconds). */
#define PD_UMOUNT_WAIT_S 10u

/*
 * Check the file system on dev before mounting, when it is one that can
 * need it: ext2/3/4 get `e2fsck -p` (a no-op on a clean file system; it
 * replays the journal after a crash).  Others are left to the kernel.
 * *cancel (may be NULL) is polled: when it turns true the check is killed.
 */
/*
 * pd_drop_cache - forget what this node's kernel cached of block device dev.
 * Another node may have written the disk since this node last read it (a
 * partition's cache outlives its last close), and a file system checked or
 * mounted from stale blocks is corrupted by the first write.  Called after
 * arbitration, before fsck and mount.
 */
uint32_t pd_drop_cache(const char *dev, char *why, size_t why_len);

/* Shut the file system mounted at target down (ext4, XFS): the journal is
 * committed, every later write fails.  False where the file system cannot. */
bool pd_fs_shutdown(const char *target);

/* Whether a file system of block device dev is still mounted anywhere (any
 * mount namespace) or the device is held exclusively. */
bool pd_dev_in_use(dev_t dev);

/* How long pd_umount waits, after the unmount, for the file system to be gone
 * from every mount namespace (a lazily detached one: its users to go). */
#define PD_RELEASE_WAIT_MS 5000u
#define PD_RELEASE_WAIT_FORCE_MS 500u

uint32_t pd_fsck(const char *dev, const char *fstype, unsigned timeout_s, const volatile bool *cancel,
		 char *why, size_t why_len);

/* Mount dev (of type fstype, may be NULL) on target with options (may be
 * NULL); target is created (mode 0755) if missing. */
uint32_t pd_mount(const char *dev, const char *fstype, const char *target, const char *options,
		  char *why, size_t why_len);

/*
 * Unmount target if dev (by device number) is mounted there.  Not mounted:
 * ERROR_SUCCESS.  Busy: retried every 200 ms for up to wait_s seconds, then
 * ERROR_BUSY naming the mount point.  force (terminate): after one plain
 * attempt MNT_FORCE, then a lazy (detach) unmount as the last resort, which
 * is logged by the caller through *lazy.
 */
uint32_t pd_umount(dev_t dev, const char *target, unsigned wait_s, bool force, bool *lazy,
		   char *why, size_t why_len);

/* Whether dev is mounted on target now (/proc/self/mountinfo). */
bool pd_is_mounted(dev_t dev, const char *target);

/*
 * The mount point of the file system that holds path (the longest mounted
 * target that is a prefix of it, by path components) and its device number.
 * ERROR_SUCCESS, or ERROR_FILE_NOT_FOUND / ERROR_NOT_ENOUGH_MEMORY.
 * *ret_target is the caller's (cs_free).
 */
uint32_t pd_mount_of(const char *path, dev_t *ret_dev, char **ret_target);

/* Where each of devs[0..n) is mounted on this node, from one read of the
 * mount table: targets[i] a copy of its first mount's target, or NULL
 * (devs[i] 0 or not mounted).  On failure every targets[i] is NULL.  Free
 * with pd_targets_free(targets, n). */
uint32_t pd_mounted_targets(const dev_t *devs, size_t n, char **targets);
void pd_targets_free(char **targets, size_t n);

#endif /* CS_PD_MOUNT_H */
