/*
 * ext4-shutdown.c - cs-ext4-shutdown: shut an ext4 file system down the way
 * a power loss would, for tools/cluster-sandbox's `kill NODE`.
 *
 *     cs-ext4-shutdown [--nologflush | --logflush | --default] PATH...
 *
 * Issues the EXT4_IOC_SHUTDOWN ioctl on the file system that holds each
 * PATH (a mount point, or any file in it).  The default, --nologflush
 * (EXT4_GOING_FLAGS_NOLOGFLUSH), aborts the journal without writing what is
 * still in memory: the next mount (or e2fsck) replays the journal as after a
 * real crash, and data that was not synced is lost.  From then on every
 * write to the file system fails with EIO.  --logflush commits the journal
 * first; --default also syncs the data (as a clean freeze would).
 *
 * Debian 12 has no command for this ioctl (xfs_io's `shutdown` is in
 * xfsprogs, not installed here).  Refuses a PATH that is not on ext4.
 * Exit status: 0 all done, 1 some PATH failed, 2 usage.  Built, not
 * installed: never used by clusterd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

/* From the kernel's fs/ext4/ext4.h (not in the UAPI headers of Debian 12). */
#ifndef EXT4_IOC_SHUTDOWN
#define EXT4_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#endif
#define CS_EXT4_GOING_FLAGS_DEFAULT    0x0u /* sync the data and the journal */
#define CS_EXT4_GOING_FLAGS_LOGFLUSH   0x1u /* commit the journal, drop the data */
#define CS_EXT4_GOING_FLAGS_NOLOGFLUSH 0x2u /* write nothing: a power loss */
#define CS_EXT4_SUPER_MAGIC 0xEF53

static int shutdown_one(const char *path, uint32_t flags)
{
	struct statfs st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0) {
		fprintf(stderr, "cs-ext4-shutdown: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int rc = 1;
	if (fstatfs(fd, &st) != 0) {
		fprintf(stderr, "cs-ext4-shutdown: %s: statfs: %s\n", path, strerror(errno));
		goto out;
	}
	if (st.f_type != CS_EXT4_SUPER_MAGIC) {
		fprintf(stderr, "cs-ext4-shutdown: %s: not on ext4 (file system magic 0x%lx)\n",
			path, (unsigned long)st.f_type);
		goto out;
	}
	if (ioctl(fd, EXT4_IOC_SHUTDOWN, &flags) != 0) {
		fprintf(stderr, "cs-ext4-shutdown: %s: EXT4_IOC_SHUTDOWN: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	uint32_t flags = CS_EXT4_GOING_FLAGS_NOLOGFLUSH;
	int i = 1, rc = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--nologflush") == 0)
			flags = CS_EXT4_GOING_FLAGS_NOLOGFLUSH;
		else if (strcmp(argv[i], "--logflush") == 0)
			flags = CS_EXT4_GOING_FLAGS_LOGFLUSH;
		else if (strcmp(argv[i], "--default") == 0)
			flags = CS_EXT4_GOING_FLAGS_DEFAULT;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			goto usage;
	}
	if (i >= argc)
		goto usage;
	for (; i < argc; i++)
		rc |= shutdown_one(argv[i], flags);
	return rc;
usage:
	fprintf(stderr, "usage: cs-ext4-shutdown [--nologflush | --logflush | --default] PATH...\n");
	return 2;
}
