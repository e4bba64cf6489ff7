/*
 * mount.c - fsck, mount and unmount with libmount (see mount.h).
 *
 * Mounts are looked up by device number in /proc/self/mountinfo, never by
 * /dev name: the same disk has different names on different nodes, and a
 * partition may be reached by several names on one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mount.h"

#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmount/libmount.h>

#include <clusapi/errors.h>

#include "cs_alloc.h"

#define WHY(...) do { if (why && why_len) snprintf(why, why_len, __VA_ARGS__); } while (0)

extern char **environ;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const char *find_e2fsck(void)
{
	static const char *const cand[] = { "/sbin/e2fsck", "/usr/sbin/e2fsck", "/usr/bin/e2fsck" };
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (access(cand[i], X_OK) == 0)
			return cand[i];
	return NULL;
}

uint32_t pd_drop_cache(const char *dev, char *why, size_t why_len)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	int e = 0;

	if (fd < 0) {
		e = errno;
		snprintf(why, why_len, "opening %s to drop its cache: %s", dev, strerror(e));
		return e == ENOENT ? ERROR_DEV_NOT_EXIST : ERROR_IO_DEVICE;
	}
	/* BLKFLSBUF writes back and invalidates the device's buffer cache;
	 * DONTNEED drops what is left of its page cache */
	if (ioctl(fd, BLKFLSBUF, 0) != 0)
		e = errno;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (e) {
		snprintf(why, why_len, "dropping the cache of %s: %s", dev, strerror(e));
		return ERROR_IO_DEVICE;
	}
	return ERROR_SUCCESS;
}

uint32_t pd_fsck(const char *dev, const char *fstype, unsigned timeout_s, const volatile bool *cancel,
		 char *why, size_t why_len)
{
	posix_spawn_file_actions_t fa;
	bool fa_ok = false;
	pid_t pid = -1;
	const char *prog;
	uint32_t err;
	int status = 0;

	if (!fstype || (strcmp(fstype, "ext2") != 0 && strcmp(fstype, "ext3") != 0 &&
			strcmp(fstype, "ext4") != 0))
		return ERROR_SUCCESS;
	if (!(prog = find_e2fsck())) {
		WHY("%s: e2fsck not found (e2fsprogs): cannot check %s before mounting", dev, fstype);
		return ERROR_FILE_NOT_FOUND;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	fa_ok = true;
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, 1, 2) != 0) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	char *const argv[] = { (char *)prog, (char *)"-p", (char *)dev, NULL };
	int rc = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	if (rc != 0) {
		pid = -1;
		WHY("%s: cannot run %s: %s", dev, prog, strerror(rc));
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	uint64_t deadline = now_ms() + (uint64_t)timeout_s * 1000u;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			WHY("%s: waiting for e2fsck: %s", dev, strerror(errno));
			err = ERROR_GEN_FAILURE;
			pid = -1;
			goto out;
		}
		bool stop = cancel && *cancel;
		if (stop || now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			pid = -1;
			WHY("%s: e2fsck -p %s", dev, stop ? "cancelled" : "did not finish in time: killed");
			err = stop ? ERROR_OPERATION_ABORTED : ERROR_SEM_TIMEOUT;
			goto out;
		}
		sleep_ms(50);
	}
	pid = -1;
	/* e2fsck: 0 clean, 1 errors corrected, 2 corrected (reboot wanted:
	 * not for an unmounted file system), 4 and up: not fixed */
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 4) {
		WHY("%s: e2fsck -p %s %d: the file system needs a manual check", dev,
		    WIFEXITED(status) ? "exited with" : "killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		err = ERROR_DISK_OPERATION_FAILED;
		goto out;
	}
	err = ERROR_SUCCESS;
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	return err;
}

static uint32_t mkdir_p(const char *path, char *why, size_t why_len)
{
	char *p = cs_strdup(path);
	uint32_t err = ERROR_SUCCESS;

	if (!p)
		return ERROR_NOT_ENOUGH_MEMORY;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			WHY("cannot create mount point %s: %s", p, strerror(errno));
			err = ERROR_PATH_NOT_FOUND;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	cs_free(p);
	return err;
}

uint32_t pd_mount(const char *dev, const char *fstype, const char *target, const char *options,
		  char *why, size_t why_len)
{
	struct libmnt_context *cxt = NULL;
	uint32_t err;
	struct stat st;

	if (stat(target, &st) != 0) {
		if ((err = mkdir_p(target, why, why_len)) != ERROR_SUCCESS)
			return err;
	} else if (!S_ISDIR(st.st_mode)) {
		WHY("mount point %s is not a directory", target);
		return ERROR_DIRECTORY;
	}
	if (!(cxt = mnt_new_context()))
		return ERROR_NOT_ENOUGH_MEMORY;
	/* source and target given: no fstab lookup; no /sbin/mount.<type> helpers */
	if (mnt_context_set_source(cxt, dev) != 0 || mnt_context_set_target(cxt, target) != 0 ||
	    (fstype && mnt_context_set_fstype(cxt, fstype) != 0) ||
	    (options && mnt_context_set_options(cxt, options) != 0) ||
	    mnt_context_disable_helpers(cxt, 1) != 0 || mnt_context_disable_swapmatch(cxt, 1) != 0) {
		WHY("mount %s on %s: libmount refused the settings", dev, target);
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	int rc = mnt_context_mount(cxt);
	if (rc != 0 || mnt_context_get_status(cxt) != 1) {
		char buf[256] = "";
		mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
		WHY("mount %s on %s%s%s: %s", dev, target, options ? " with " : "", options ? options : "",
		    buf[0] ? buf : "failed");
		err = ERROR_DISK_OPERATION_FAILED;
		goto out;
	}
	err = ERROR_SUCCESS;
out:
	mnt_free_context(cxt);
	return err;
}

static struct libmnt_table *load_mountinfo(void)
{
	return mnt_new_table_from_file("/proc/self/mountinfo");
}

bool pd_is_mounted(dev_t dev, const char *target)
{
	struct libmnt_table *tab = load_mountinfo();
	struct libmnt_iter *itr = NULL;
	struct libmnt_fs *fs;
	bool found = false;

	if (!tab || !(itr = mnt_new_iter(MNT_ITER_FORWARD)))
		goto out;
	while (!found && mnt_table_next_fs(tab, itr, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);
		found = mnt_fs_get_devno(fs) == dev && t && strcmp(t, target) == 0;
	}
out:
	mnt_free_iter(itr);
	mnt_unref_table(tab);
	return found;
}

uint32_t pd_mounted_targets(const dev_t *devs, size_t n, char **targets)
{
	struct libmnt_table *tab = NULL;
	struct libmnt_iter *itr = NULL;
	struct libmnt_fs *fs;
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	for (size_t i = 0; i < n; i++)
		targets[i] = NULL;
	if (!(tab = load_mountinfo()) || !(itr = mnt_new_iter(MNT_ITER_FORWARD)))
		goto out;
	while (mnt_table_next_fs(tab, itr, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);
		dev_t dev = mnt_fs_get_devno(fs);
		for (size_t i = 0; t && dev && i < n; i++) {
			if (devs[i] != dev || targets[i])
				continue;
			if (!(targets[i] = cs_strdup(t)))
				goto out;
		}
	}
	err = ERROR_SUCCESS;
out:
	if (err != ERROR_SUCCESS)
		pd_targets_free(targets, n);
	mnt_free_iter(itr);
	mnt_unref_table(tab);
	return err;
}

void pd_targets_free(char **targets, size_t n)
{
	for (size_t i = 0; targets && i < n; i++) {
		cs_free(targets[i]);
		targets[i] = NULL;
	}
}

/* Is target a path-component prefix of path? */
static size_t prefix_len(const char *target, const char *path)
{
	size_t n = strlen(target);
	if (strcmp(target, "/") == 0)
		return 1;
	if (strncmp(target, path, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return 0;
	return n;
}

uint32_t pd_mount_of(const char *path, dev_t *ret_dev, char **ret_target)
{
	struct libmnt_table *tab = load_mountinfo();
	struct libmnt_iter *itr = NULL;
	struct libmnt_fs *fs, *best = NULL;
	size_t best_len = 0;
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	if (!tab || !(itr = mnt_new_iter(MNT_ITER_FORWARD)))
		goto out;
	/* later entries cover earlier ones on the same target: >= keeps the last */
	while (mnt_table_next_fs(tab, itr, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);
		size_t l = t ? prefix_len(t, path) : 0;
		if (l && l >= best_len) {
			best = fs;
			best_len = l;
		}
	}
	if (!best) {
		err = ERROR_FILE_NOT_FOUND;
		goto out;
	}
	char *t = cs_strdup(mnt_fs_get_target(best));
	if (!t)
		goto out;
	*ret_dev = mnt_fs_get_devno(best);
	*ret_target = t;
	err = ERROR_SUCCESS;
out:
	mnt_free_iter(itr);
	mnt_unref_table(tab);
	return err;
}

/* One unmount attempt: 0, or -errno. */
static int umount_once(const char *target, bool force, bool lazy)
{
	struct libmnt_context *cxt = mnt_new_context();
	int rc;

	if (!cxt)
		return -ENOMEM;
	if (mnt_context_set_target(cxt, target) != 0 || mnt_context_disable_helpers(cxt, 1) != 0 ||
	    (force && mnt_context_enable_force(cxt, 1) != 0) ||
	    (lazy && mnt_context_enable_lazy(cxt, 1) != 0)) {
		rc = -EINVAL;
		goto out;
	}
	rc = mnt_context_umount(cxt);
	if (rc == 0 && mnt_context_get_status(cxt) == 1)
		goto out;
	/* rc > 0: the syscall failed, its errno is kept by the context */
	rc = mnt_context_get_syscall_errno(cxt);
	rc = rc ? -rc : -EIO;
out:
	mnt_free_context(cxt);
	return rc;
}

bool pd_dev_in_use(dev_t dev)
{
	char path[96], line[128], node[160] = "";
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major(dev), minor(dev));
	if (!(f = fopen(path, "re")))
		return false; /* the device is gone: nothing can use it */
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(node, sizeof(node), "/dev/%s", line + 8);
			break;
		}
	}
	fclose(f);
	if (!node[0])
		return false;
	/* an exclusive open fails while any mount namespace still mounts a file
	 * system from the device (or anyone else holds it exclusively) */
	fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return errno == EBUSY;
	close(fd);
	return false;
}

/* The file-system "going down" ioctl that ext4 and XFS share
 * (EXT4_IOC_SHUTDOWN, XFS_IOC_GOINGDOWN), with the log flushed first. */
#define PD_FS_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#define PD_FS_GOING_LOGFLUSH 1u

bool pd_fs_shutdown(const char *target)
{
	uint32_t how = PD_FS_GOING_LOGFLUSH;
	int fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return false;
	rc = ioctl(fd, PD_FS_IOC_SHUTDOWN, &how);
	close(fd);
	return rc == 0;
}

/* Wait up to ms for the device to be free of every mount; true when it is. */
static bool wait_released(dev_t dev, unsigned ms)
{
	uint64_t deadline = now_ms() + ms;

	for (;;) {
		if (!pd_dev_in_use(dev))
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_ms(50);
	}
}

uint32_t pd_umount(dev_t dev, const char *target, unsigned wait_s, bool force, bool *lazy,
		   char *why, size_t why_len)
{
	uint64_t deadline = now_ms() + (uint64_t)wait_s * 1000u;
	unsigned settle_ms = force ? PD_RELEASE_WAIT_FORCE_MS : PD_RELEASE_WAIT_MS;
	bool shut = false;
	int rc;

	if (why && why_len)
		why[0] = '\0';
	if (lazy)
		*lazy = false;
	for (;;) {
		if (!pd_is_mounted(dev, target))
			goto gone;
		rc = umount_once(target, false, false);
		if (rc == 0)
			continue; /* look again: a file system mounted twice there */
		if (rc == -EINVAL && !pd_is_mounted(dev, target))
			goto gone; /* gone meanwhile */
		if (rc != -EBUSY || force || now_ms() >= deadline)
			break;
		sleep_ms(200);
	}
	if (force) {
		if (umount_once(target, true, false) == 0 && !pd_is_mounted(dev, target))
			goto gone;
		/* still busy: stop the file system itself - its journal committed,
		 * every later write of whoever still has files open fails - so
		 * that detaching it lazily leaves nothing that writes the disk */
		shut = pd_fs_shutdown(target);
		if (umount_once(target, false, true) == 0) {
			if (lazy)
				*lazy = true;
			goto gone;
		}
	}
	WHY("cannot unmount %s: %s%s", target, strerror(-rc),
	    rc == -EBUSY ? " (files are open there; see fuser -m)" : "");
	return rc == -EBUSY ? ERROR_BUSY : ERROR_DISK_OPERATION_FAILED;
gone:
	/* gone from this mount namespace; the file system itself lives on while
	 * another namespace (a container, a service started while it was
	 * mounted) still mounts it, or while a lazily detached one is in use -
	 * and its dirty data with it: then the disk must not be given up */
	if (shut) {
		/* whoever still holds it cannot write the disk any more */
		WHY("%s was busy: its file system was shut down (its journal committed, every "
		    "later write fails) and detached", target);
		return ERROR_SUCCESS;
	}
	if (wait_released(dev, settle_ms))
		return ERROR_SUCCESS;
	WHY("%s is unmounted here, but its file system is still in use (mounted in another "
	    "mount namespace, or open files on a detached mount): the disk cannot be released",
	    target);
	return ERROR_BUSY;
}
