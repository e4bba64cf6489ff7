/*
 * arb_int.h - private to the arbitration code (arb.c, arb_sanlock.c,
 * arb_pr.c): the pd_arb object and the helpers the back ends share.
 *
 * One pd_arb owns: two strings (device, disk_id), the disk's descriptor, and
 * the back end's state inline (the sanlock resource buffer is its only other
 * allocation).  pd_arb_close() frees all of it through the back end's close
 * and then arb.c's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PD_ARB_INT_H
#define CS_PD_ARB_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arb.h"

struct sanlk_resource;

/* sanlock host ids are 1..2000 (its lockspace holds 2000 delta leases). */
#define PD_ARB_SANLOCK_MAX_HOST_ID 2000u
/* sanlock's names: 48 bytes, no terminating NUL needed. */
#define PD_ARB_NAME_LEN 48
/* The one resource lease in a disk's lockspace. */
#define PD_ARB_SANLOCK_RESOURCE_NAME "disk"
/* The layout above assumes 512-byte logical sectors (sanlock aligns its
 * leases to 1 MiB for those; 4 KiB sectors would need 8 MiB). */
#define PD_ARB_SECTOR 512u

/* PR: the key of node N is PD_ARB_PR_KEY_BASE | N ("CS" in the top bytes). */
#define PD_ARB_PR_KEY_BASE UINT64_C(0x4353000000000000)

struct pd_arb_sanlock {
	int sock;                       /* registered sanlock connection, -1 */
	bool held;                      /* our client holds the lease */
	bool added;                     /* we asked the daemon to join */
	char ls_name[PD_ARB_NAME_LEN + 1];
	struct sanlk_resource *res;     /* with one sanlk_disk; cs_malloc'd */
};

struct pd_arb_pr {
	uint64_t key;                   /* this node's registration key */
	bool held;                      /* we hold the reservation */
};

struct pd_arb {
	enum pd_arb_kind kind;
	char *device;                   /* cs_strdup'd */
	char *disk_id;                  /* cs_strdup'd */
	uint32_t node_id;
	uint32_t io_timeout_s;
	int fd;                         /* the whole disk; O_DIRECT for sanlock; -1 */
	union {
		struct pd_arb_sanlock sl;
		struct pd_arb_pr pr;
	} u;
};

/* Write one line to why (may be NULL); always NUL-terminated. */
void pd_arb_why(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Map an errno from open()/read()/write() on the disk to an MSCS code. */
uint32_t pd_arb_errno_code(int err);

/* Back ends.  open: a is allocated, device/disk_id/node_id/io_timeout_s are
 * set, fd is -1; on failure the back end leaves nothing to undo except what
 * its close frees (arb.c calls the back end's close on every failed open).
 * close: release if held, free the back end's state; never frees a. */
uint32_t pd_arb_sanlock_open(struct pd_arb *a, char *why, size_t why_len);
uint32_t pd_arb_sanlock_peek_owner(const struct pd_arb_params *p, uint32_t *owner, char *why,
				   size_t why_len);
uint32_t pd_arb_sanlock_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner,
				char *why, size_t why_len);
uint32_t pd_arb_sanlock_release(struct pd_arb *a, char *why, size_t why_len);
uint32_t pd_arb_sanlock_check(struct pd_arb *a, char *why, size_t why_len);
uint32_t pd_arb_sanlock_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len);
void pd_arb_sanlock_close(struct pd_arb *a);

uint32_t pd_arb_pr_open(struct pd_arb *a, char *why, size_t why_len);
uint32_t pd_arb_pr_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner,
			   char *why, size_t why_len);
uint32_t pd_arb_pr_release(struct pd_arb *a, char *why, size_t why_len);
uint32_t pd_arb_pr_check(struct pd_arb *a, char *why, size_t why_len);
uint32_t pd_arb_pr_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len);
void pd_arb_pr_close(struct pd_arb *a);

#endif /* CS_PD_ARB_INT_H */
