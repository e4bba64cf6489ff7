/*
 * daemon_fixture.h - what fuzz_cpg and fuzz_frames share: the model they
 * start from, the promises they check on it after every step, and the
 * model op path a change takes in clusterd (args encoded for CPG, decoded on
 * every node, applied).
 *
 * Every broken promise aborts (FZ_CHECK), which libFuzzer reports as a
 * crash with the input that led to it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef FUZZ_DAEMON_FIXTURE_H
#define FUZZ_DAEMON_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "answers.h"
#include "model.h"

#define FZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/*
 * Cluster "alpha": nodes n1 n2 n3 (ids 1 2 3, n3 paused); group g1 owned
 * by n1 (preferred n1 n2) with r1 (type "Physical Disk", private
 * properties, possible owners n1 n2, Online), r2 (depends on r1,
 * persistent) and r3; an empty group g2.
 */
void fz_model_fill(struct cs_model *m);

/* The model as bytes: its runtime snapshot and, as text, what the snapshot
 * does not show (nodes, dirty flags, local counters, deleted lists). */
struct fz_image {
	void *snap;
	size_t snap_size;
	char *text;
};
void fz_image_take(const struct cs_model *m, struct fz_image *img);
int fz_image_same(const struct fz_image *a, const struct fz_image *b);
void fz_image_free(struct fz_image *img);
/* Abort unless m still looks as img says. */
void fz_check_unchanged(const struct cs_model *m, const struct fz_image *img, const char *what);

/*
 * What must hold of any model clusterd can reach: the snapshot and the
 * status reply encode, and the snapshot loads into a fresh model with the
 * same nodes and encodes again to the same bytes (a joining node can be
 * given this model); the derived views (group order, placement) answer.
 */
void fz_check_model(const struct cs_model *m);

/*
 * A replicated change as clusterd makes it: the args encoded (repl_send_op),
 * decoded on the receiving node (on_op), applied.  A refused op must leave
 * the model unchanged; a config op that succeeds counts one version, a
 * runtime op none.  Returns model_apply's answer.  (fz_check_model() is
 * the caller's to run, once the changes it makes are done.)
 */
uint32_t fz_replicate(struct cs_model *m, uint32_t op, const struct cs_args *a);

/*
 * clusterd's own answer to a control (control.c's answer_from_model()),
 * with an OWNED and a MEASURE builder that must agree; the model must not
 * change; out_size applies the buffer contract.  Returns the status the
 * client would get.
 */
uint32_t fz_answer(const struct cs_model *m, const struct ctl_query *q, uint32_t out_size);

#endif
