/*
 * test_torture_disk.c - the storage controls of KB Q268835 under
 * allocation-failure injection (torture.h: every allocation fails in turn;
 * the call must return an error and leave nothing allocated).
 *
 *   filter     clusterd's half of GET_AVAILABLE_DISKS (daemon/disks.c,
 *              linked in): a plugin's list of four disks (MBR and GPT, with
 *              partitions) filtered against a model whose Physical Disk
 *              resources name two of them; the answer checked.  No root.
 *   path_none  the plugin's IS_PATH_VALID for a disk not visible here
 *              (ERROR_FILE_NOT_FOUND: its path conversion allocates).  No root.
 *   disk_info  the plugin's GET_DISK_INFO (controls.c, scan.c linked in) of
 *              a real loop device over an MBR image made here: probe, the
 *              buffer contract (ERROR_MORE_DATA and the size, then the list),
 *              free.  Root (else skipped).
 *   path       IS_PATH_VALID of that disk for "/" (not on it: the mount
 *              table is read).  Root.
 *   live       the online owner's live re-read of that disk through kept
 *              descriptors (pd_live_open, pd_live_read twice), also where a
 *              file system the first probe saw is gone, and of a second
 *              disk with a GPT (the second read takes the table kept from
 *              the first).  Root.  Not under torture: that GPT changed under
 *              the live disk (a partition added, a new disk GUID) is read as
 *              it is now.
 *   available  GET_AVAILABLE_DISKS with CS_DISK_DEVICES = that loop
 *              device: scope, probe, the owner read from its (never
 *              initialised) lease area, the list.  Root.
 *
 * The loop device is attached with losetup and detached at the end (only
 * the one this test attached).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clusapi/clusctl.h>
#include <clusapi/clusprop.h>
#include <clusapi/errors.h>
#include <clusapi/proplist.h>

#include "controls.h"
#include "cs_alloc.h"
#include "disks.h"
#include "model.h"
#include "scan.h"
#include "torture.h"

#define SIG 0x7a11ed00u

static int torture_ok(const char *name, torture_fn fn, void *ctx)
{
	struct torture_result res;
	int rc = torture_run(name, fn, ctx, &res);

	if (rc != 0)
		fprintf(stderr, "%s\n", res.error);
	else if (res.allocations == 0)
		fprintf(stderr, "%s: no allocation to fail: the scenario tests nothing\n", name);
	return rc == 0 && res.allocations > 0;
}

/* ---- filter (daemon/disks.c) ---- */

struct filter_ctx {
	struct cs_model m;
	void *plugin_list;
	size_t plugin_size;
};

static uint32_t put_one_disk(clusprop_builder *b, int gpt, uint32_t sig, const char *guid,
			     int parts)
{
	if (gpt)
		clusprop_put_disk_guid(b, guid);
	else
		clusprop_put_disk_signature(b, sig);
	clusprop_put_disk_number(b, 7u << 20 | 1);
	clusprop_put_disk_size(b, 64u << 20);
	for (int i = 0; i < parts; i++) {
		clusprop_partition p = { .flags = CLUSPROP_PIFLAG_USABLE, .device_name = "/dev/loop1p1",
					 .volume_label = "x", .file_system = "ext4",
					 .max_component_length = 255 };
		clusprop_put_partition_info(b, &p);
	}
	return clusprop_builder_status(b);
}

/* A success with a wrong list is a broken promise: noted here, and the test
 * fails on it after the torture run (returning an error from the scenario
 * alone would let the torture count it as a proper failure). */
static unsigned filter_wrong;
static char filter_first[256];

/* Count the disks of a value list by hand (no allocation, so only the
 * filter's own allocations are failed): DISK_SIGNATURE SIG+2 and the
 * DISK_GUID ending in ...03 may be left; anything else is wrong. */
static int filter_left_right(const uint8_t *p, size_t n, int *sigs, int *guids)
{
	size_t off = 0;

	*sigs = *guids = 0;
	while (off + 4 <= n) {
		uint32_t syntax = p[off] | p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
				  (uint32_t)p[off + 3] << 24;
		if (syntax == CLUSPROP_SYNTAX_ENDMARK)
			return off + 4 == n;
		if (off + 8 > n)
			return 0;
		uint32_t len = p[off + 4] | p[off + 5] << 8 | (uint32_t)p[off + 6] << 16 |
			       (uint32_t)p[off + 7] << 24;
		const uint8_t *d = p + off + 8;
		if (off + 8 + len > n)
			return 0;
		if (syntax == CLUSPROP_SYNTAX_DISK_SIGNATURE)
			*sigs += len == 4 && (d[0] | d[1] << 8 | (uint32_t)d[2] << 16 |
					      (uint32_t)d[3] << 24) == SIG + 2 ? 1 : 100;
		/* "{...-000000000003}" in UTF-16LE: '3' then '}' then NUL */
		if (syntax == CLUSPROP_SYNTAX_DISK_GUID)
			*guids += len >= 6 && d[len - 6] == '3' && d[len - 4] == '}' ? 1 : 100;
		off += 8 + ((len + 3u) & ~3u);
	}
	return 0;
}

static uint32_t scen_filter(void *arg)
{
	struct filter_ctx *c = arg;
	uint8_t *out = NULL;
	size_t n = 0;
	int sigs = 0, guids = 0;
	uint32_t rc = disks_filter_available(&c->m, c->plugin_list, c->plugin_size, &out, &n);

	if (rc != ERROR_SUCCESS)
		return rc;
	if (!filter_left_right(out, n, &sigs, &guids) || sigs != 1 || guids != 1) {
		if (!filter_wrong++)
			snprintf(filter_first, sizeof(filter_first),
				 "disks_filter_available returned success with a wrong list "
				 "(%d signature entries, %d GUID entries; %" PRIu64
				 " allocations were made, failing at %s)",
				 sigs, guids, cs_alloc_count(),
				 cs_alloc_failed() ? "one of them" : "none");
		rc = ERROR_INVALID_DATA;
	}
	cs_free(out);
	return rc;
}

static struct cs_resource *disk_resource(const char *name, int gpt, uint32_t sig, const char *guid)
{
	struct cs_resource *r = calloc(1, sizeof(*r));
	clusprop_builder b;
	void *buf = NULL;
	size_t size = 0;

	assert_non_null(r);
	r->name = (char *)name;
	r->type = (char *)DISKS_TYPE;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	if (gpt)
		clusprop_add_sz(&b, "DiskIdGuid", guid);
	else
		clusprop_add_dword(&b, "DiskSignature", sig);
	clusprop_add_dword(&b, "LeaseIoTimeout", 1);
	assert_int_equal(clusprop_builder_take(&b, &buf, &size), ERROR_SUCCESS);
	r->priv = buf;
	r->priv_size = size;
	return r;
}

static void test_filter(void **state)
{
	(void)state;
	struct filter_ctx c;
	struct cs_resource *res[3];
	clusprop_builder b;

	memset(&c, 0, sizeof(c));
	res[0] = disk_resource("D0", 0, SIG, NULL);
	/* braces and case differ from the plugin's text: still the same disk */
	res[1] = disk_resource("D1", 1, 0, "7a11ed00-0000-4000-8000-000000000001");
	res[2] = calloc(1, sizeof(*res[2])); /* a resource of another type */
	assert_non_null(res[2]);
	res[2]->name = (char *)"X";
	res[2]->type = (char *)"Dummy";
	c.m.resources = res;
	c.m.n_resources = 3;

	clusprop_builder_init_owned(&b);
	put_one_disk(&b, 0, SIG, NULL, 1);
	put_one_disk(&b, 1, 0, "{7A11ED00-0000-4000-8000-000000000001}", 2);
	put_one_disk(&b, 0, SIG + 2, NULL, 3);
	put_one_disk(&b, 1, 0, "{7A11ED00-0000-4000-8000-000000000003}", 4);
	clusprop_put_endmark(&b);
	assert_int_equal(clusprop_builder_take(&b, &c.plugin_list, &c.plugin_size), ERROR_SUCCESS);

	int ok = torture_ok("disks_filter_available", scen_filter, &c);
	if (filter_wrong)
		fprintf(stderr, "broken promise, %u time(s); the first: %s\n", filter_wrong,
			filter_first);
	assert_true(ok);
	assert_int_equal(filter_wrong, 0);

	clusprop_free(c.plugin_list);
	for (int i = 0; i < 3; i++) {
		clusprop_free(res[i]->priv);
		free(res[i]);
	}
}

/* ---- the plugin's controls ---- */

static uint8_t *utf16(const char *s, size_t *ret_size)
{
	size_t got = 0;
	uint8_t *u;

	clusprop_utf8_to_utf16le(s, strlen(s), NULL, 0, &got);
	u = calloc(1, got + 2);
	assert_non_null(u);
	assert_int_equal(clusprop_utf8_to_utf16le(s, strlen(s), u, got, &got), ERROR_SUCCESS);
	*ret_size = got + 2;
	return u;
}

struct path_ctx {
	const char *device; /* NULL: the disk is not visible */
	const uint8_t *in;
	size_t in_size;
	uint32_t want;
};

static uint32_t scen_path(void *arg)
{
	struct path_ctx *c = arg;
	struct pd_disk *dk = NULL;
	uint32_t rc;

	if (c->device && (rc = pd_disk_probe(c->device, &dk, NULL, 0)) != ERROR_SUCCESS)
		return rc;
	rc = pd_ctl_is_path_valid(dk, c->in, c->in_size);
	pd_disk_free(dk);
	if (rc == ERROR_NOT_ENOUGH_MEMORY)
		return rc;
	if (rc != c->want) {
		fprintf(stderr, "IS_PATH_VALID: %u instead of %u\n", rc, c->want);
		return rc == ERROR_SUCCESS ? ERROR_INVALID_DATA : rc;
	}
	return ERROR_SUCCESS;
}

static void test_path_none(void **state)
{
	(void)state;
	size_t size;
	uint8_t *in = utf16("/srv/data/../data/./f", &size);
	struct path_ctx c = { .device = NULL, .in = in, .in_size = size,
			      .want = ERROR_FILE_NOT_FOUND };

	assert_true(torture_ok("pd_ctl_is_path_valid (no disk)", scen_path, &c));
	free(in);
}

/* A 64 MiB image with an MBR (signature SIG, one Linux partition from
 * 4 MiB) on a loop device this test attaches. */
static char image[64] = "/tmp/cs-torture-disk.XXXXXX";
static char loopdev[64];

/* Attach img to a free loop device, its path in dev: 0, or -1. */
static int attach_loop(const char *img, char *dev, size_t len)
{
	char cmd[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "losetup -f --show %s", img);
	if (!(p = popen(cmd, "r")))
		return -1;
	if (!fgets(dev, (int)len, p))
		dev[0] = '\0';
	pclose(p);
	dev[strcspn(dev, "\n")] = '\0';
	return dev[0] ? 0 : -1;
}

static void detach_loop(const char *dev)
{
	char cmd[128];

	if (!dev[0])
		return;
	snprintf(cmd, sizeof(cmd), "losetup -d %s", dev);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot detach %s\n", dev);
}

static int setup_loop(void **state)
{
	(void)state;
	uint8_t mbr[512] = { 0 };
	int fd;

	if (geteuid() != 0)
		return 0;
	if ((fd = mkstemp(image)) < 0)
		return -1;
	mbr[440] = SIG & 0xff;
	mbr[441] = SIG >> 8 & 0xff;
	mbr[442] = SIG >> 16 & 0xff;
	mbr[443] = SIG >> 24 & 0xff;
	uint8_t *e = mbr + 446; /* partition 1: type 0x83, LBA 8192, 65536 sectors */
	e[4] = 0x83;
	e[8] = 0x00; e[9] = 0x20; e[10] = 0; e[11] = 0;
	e[12] = 0x00; e[13] = 0x00; e[14] = 0x01; e[15] = 0;
	mbr[510] = 0x55;
	mbr[511] = 0xAA;
	if (pwrite(fd, mbr, sizeof(mbr), 0) != (ssize_t)sizeof(mbr) ||
	    ftruncate(fd, 64 << 20) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return attach_loop(image, loopdev, sizeof(loopdev));
}

/* A 64 MiB image with a GPT (two partitions, made by sfdisk) on a second
 * loop device: the live re-read keeps a GPT's table while its bytes stay
 * the same (scan.c). */
static char gpt_image[64] = "/tmp/cs-torture-gpt.XXXXXX";
static char gpt_loopdev[64];

static int run_cmd(const char *cmd)
{
	int rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static int setup_gpt(void)
{
	char cmd[256];
	int fd;

	if (geteuid() != 0)
		return 0;
	if ((fd = mkstemp(gpt_image)) < 0)
		return -1;
	if (ftruncate(fd, 64 << 20) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "printf 'label: gpt\\nlabel-id: 7A11ED00-0000-4000-8000-000000000001\\n"
		 "size=16MiB\\nsize=8MiB\\n' | sfdisk -q %s", gpt_image);
	if (run_cmd(cmd) != 0)
		return -1;
	return attach_loop(gpt_image, gpt_loopdev, sizeof(gpt_loopdev));
}

static int teardown_loop(void **state)
{
	(void)state;
	detach_loop(loopdev);
	detach_loop(gpt_loopdev);
	if (geteuid() == 0) {
		unlink(image);
		unlink(gpt_image);
	}
	return 0;
}

struct info_ctx {
	const char *device;
};

static uint32_t scen_disk_info(void *arg)
{
	struct info_ctx *c = arg;
	struct pd_disk *dk = NULL;
	uint8_t *buf = NULL;
	size_t need = 0, got = 0;
	uint32_t rc;

	if ((rc = pd_disk_probe(c->device, &dk, NULL, 0)) != ERROR_SUCCESS)
		return rc;
	if (dk->id.kind != PD_ID_MBR || dk->id.signature != SIG) {
		fprintf(stderr, "disk_info: %s is not the disk made here\n", c->device);
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	rc = pd_ctl_disk_info(dk, NULL, false, NULL, NULL, 0, &need);
	if (rc != ERROR_MORE_DATA)
		goto out;
	if (!(buf = cs_malloc(need))) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if ((rc = pd_ctl_disk_info(dk, NULL, false, NULL, buf, need, &got)) != ERROR_SUCCESS)
		goto out;
	if (got != need || clusprop_validate_value_list(buf, got, NULL) != ERROR_SUCCESS ||
	    buf[0] != (CLUSPROP_SYNTAX_DISK_SIGNATURE & 0xff)) {
		fprintf(stderr, "disk_info: a wrong list (%zu of %zu bytes)\n", got, need);
		rc = ERROR_INVALID_DATA;
	}
out:
	cs_free(buf);
	pd_disk_free(dk);
	return rc;
}

static void test_disk_info(void **state)
{
	(void)state;
	if (!loopdev[0])
		skip();
	struct info_ctx c = { .device = loopdev };
	assert_true(torture_ok("pd_ctl_disk_info", scen_disk_info, &c));
}

static void test_path_disk(void **state)
{
	(void)state;
	if (!loopdev[0])
		skip();
	size_t size;
	uint8_t *in = utf16("/", &size);
	struct path_ctx c = { .device = loopdev, .in = in, .in_size = size,
			      .want = ERROR_FILE_NOT_FOUND };
	assert_true(torture_ok("pd_ctl_is_path_valid (disk)", scen_path, &c));
	free(in);
}

struct live_ctx {
	const char *device;
	bool fs_gone; /* pretend the first probe saw ext4 on partition 1 */
};

/* The online owner's live re-read: a disk kept open (pd_live_open), read
 * again (pd_live_read): the same disk and table as the full probe. */
static uint32_t scen_live(void *arg)
{
	struct live_ctx *c = arg;
	struct pd_disk *dk = NULL, *again = NULL;
	struct pd_live *l = NULL;
	uint64_t size;
	size_t n_parts;
	struct pd_id id;
	uint32_t rc;

	if ((rc = pd_disk_probe(c->device, &dk, NULL, 0)) != ERROR_SUCCESS)
		return rc;
	if (c->fs_gone && !(dk->parts[0].fstype = cs_strdup("ext4"))) {
		pd_disk_free(dk);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	id = dk->id;
	size = dk->size;
	n_parts = dk->n_parts;
	if ((rc = pd_live_open(dk, &l, NULL, 0)) != ERROR_SUCCESS) /* takes dk */
		return rc;
	/* twice: the second through the probes' dropped buffers */
	for (int i = 0; i < 2 && rc == ERROR_SUCCESS; i++) {
		if ((rc = pd_live_read(l, &again, NULL, 0)) != ERROR_SUCCESS)
			break;
		if (!pd_id_equal(&again->id, &id) || again->n_parts != n_parts ||
		    again->size != size || (again->n_parts && again->parts[0].fstype)) {
			fprintf(stderr, "live read: not the disk the full probe saw\n");
			rc = ERROR_INVALID_DATA;
		}
		pd_disk_free(again);
		again = NULL;
	}
	pd_live_close(l);
	return rc;
}

static void test_live(void **state)
{
	(void)state;
	if (!loopdev[0])
		skip();
	struct live_ctx c = { .device = loopdev };
	assert_true(torture_ok("pd_live_open/read", scen_live, &c));
	/* a partition that had a file system and has none now: the probe for
	 * its type misses, the full one runs (and finds none) */
	c.fs_gone = true;
	assert_true(torture_ok("pd_live_read (file system gone)", scen_live, &c));
	/* a GPT: the second read takes the table kept from the first */
	c = (struct live_ctx){ .device = gpt_loopdev };
	assert_true(torture_ok("pd_live_open/read (GPT)", scen_live, &c));
}

/* Run the command `before DEVICE after` on the GPT loop device, then read
 * the live disk again. */
static struct pd_disk *change_and_read(struct pd_live *l, const char *before, const char *after)
{
	struct pd_disk *again = NULL;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "%s %s %s", before, gpt_loopdev, after);
	assert_int_equal(run_cmd(cmd), 0);
	assert_int_equal(pd_live_read(l, &again, NULL, 0), ERROR_SUCCESS);
	assert_int_equal(again->id.kind, PD_ID_GPT);
	return again;
}

/* Not under torture: a GPT changed under a live disk is read as it is now,
 * not as the table kept from the read before (a partition added, then the
 * disk's GUID changed, each through the same loop device). */
static void test_live_gpt_change(void **state)
{
	struct pd_disk *dk = NULL, *again = NULL;
	struct pd_live *l = NULL;
	struct pd_id id;

	(void)state;
	if (!gpt_loopdev[0])
		skip();
	assert_int_equal(pd_disk_probe(gpt_loopdev, &dk, NULL, 0), ERROR_SUCCESS);
	assert_int_equal(dk->id.kind, PD_ID_GPT);
	assert_int_equal(dk->n_parts, 2);
	id = dk->id;
	assert_int_equal(pd_live_open(dk, &l, NULL, 0), ERROR_SUCCESS);
	for (int i = 0; i < 2; i++) { /* the second from the kept table */
		assert_int_equal(pd_live_read(l, &again, NULL, 0), ERROR_SUCCESS);
		assert_true(pd_id_equal(&again->id, &id));
		assert_int_equal(again->n_parts, 2);
		assert_int_equal(again->parts[1].start, again->parts[0].start + (16u << 20));
		pd_disk_free(again);
	}
	again = change_and_read(l, "printf 'size=4MiB\\n' | sfdisk -q --append --no-reread", "");
	assert_true(pd_id_equal(&again->id, &id));
	assert_int_equal(again->n_parts, 3);
	assert_int_equal(again->parts[2].size, 4u << 20);
	pd_disk_free(again);
	again = change_and_read(l, "sfdisk -q --disk-id", "7A11ED00-0000-4000-8000-000000000002");
	assert_false(pd_id_equal(&again->id, &id));
	assert_int_equal(again->n_parts, 3);
	pd_disk_free(again);
	pd_live_close(l);
}

/* Twice (the second through the identities remembered by the first), each
 * time with a NULL buffer and then the size asked; the remembered
 * identities are dropped at the end (the plugin's cleanup does so). */
static uint32_t scen_available(void *arg)
{
	(void)arg;
	uint8_t *buf = NULL;
	size_t need = 0, got = 0;
	char why[256] = "";
	uint32_t rc = ERROR_SUCCESS;

	for (int round = 0; round < 2 && rc == ERROR_SUCCESS; round++) {
		rc = pd_ctl_available_disks(NULL, 1, NULL, 0, &need, why, sizeof(why));
		if (rc != ERROR_MORE_DATA) {
			rc = rc == ERROR_SUCCESS ? ERROR_INVALID_DATA : rc;
			break;
		}
		if (!(buf = cs_malloc(need))) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		rc = pd_ctl_available_disks(NULL, 1, buf, need, &got, why, sizeof(why));
		/* the one disk in scope, free: its signature first */
		if (rc == ERROR_SUCCESS &&
		    (got != need || clusprop_validate_value_list(buf, got, NULL) != ERROR_SUCCESS ||
		     got < 12 || buf[0] != (CLUSPROP_SYNTAX_DISK_SIGNATURE & 0xff))) {
			fprintf(stderr, "available: a wrong list (%zu bytes)\n", got);
			rc = ERROR_INVALID_DATA;
		}
		cs_free(buf);
		buf = NULL;
	}
	pd_id_cache_prune(NULL, 0);
	return rc;
}

static void test_available(void **state)
{
	(void)state;
	if (!loopdev[0])
		skip();
	assert_int_equal(setenv("CS_DISK_DEVICES", loopdev, 1), 0);
	assert_true(torture_ok("pd_ctl_available_disks", scen_available, NULL));
	unsetenv("CS_DISK_DEVICES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_path_none),
		cmocka_unit_test(test_disk_info),
		cmocka_unit_test(test_path_disk),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_live_gpt_change),
		cmocka_unit_test(test_available),
	};
	int failed;

	/* Set up and torn down here, not as cmocka group fixtures: the loop
	 * device must go whatever the tests did. */
	if (setup_loop(NULL) != 0 || setup_gpt() != 0) {
		fprintf(stderr, "cannot make the loop devices over %s and %s\n", image, gpt_image);
		teardown_loop(NULL);
		return 1;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	teardown_loop(NULL);
	return failed;
}
