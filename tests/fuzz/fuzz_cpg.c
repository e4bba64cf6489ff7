/*
 * fuzz_cpg.c - libFuzzer target for the messages clusterd receives over
 * CPG, decoded as repl.c's deliver() decodes them.
 *
 * Input: one whole CPG message (daemon/wire.h: a 32-byte header, then the
 * payload), copied into a heap block of exactly its size.  wire_decode(),
 * then by type, on a model holding a few objects (daemon_fixture.h):
 *   STATE          wire_decode_state(); another protocol version: the flags
 *                  read as on_foreign_state() reads them
 *   SNAPSHOT       model_load(runtime 1), as a joining node loads it, and
 *                  model_load(runtime 0), as a database; refused: the model
 *                  is unchanged; loaded: the model is used (status,
 *                  placement, controls on every object) and must transfer
 *                  again to a node that joins later
 *   OP             cs_args_parse() + model_apply(hdr.op), as on_op()
 *   CONTROL_REQ    cs_args_parse() + answer_control() (op = hdr.op), as
 *                  control.c's run_here() does when the plugin declines
 *   CONTROL_REPLY  cs_args_parse(), and the check control_on_reply() makes
 * Everything is freed; LeakSanitizer watches.  Any broken promise aborts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi/clusctl.h>

#include "clientproto.h"
#include "cs_bytes.h"
#include "daemon_fixture.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Controls asked of every object of a loaded model. */
static const uint32_t probe_functions[] = {
	CLCTL_GET_NAME, CLCTL_GET_COMMON_PROPERTIES, CLCTL_ENUM_PRIVATE_PROPERTIES,
	CLCTL_GET_PRIVATE_PROPERTIES,
};

static void probe(const struct cs_model *m, uint32_t op, uint32_t object, const char *name)
{
	for (size_t i = 0; i < sizeof(probe_functions) / sizeof(*probe_functions); i++) {
		struct ctl_query q = { .op = op, .name = name, .quorate = 1,
				       .code = (object << CLUSCTL_OBJECT_SHIFT) | probe_functions[i] };
		(void)fz_answer(m, &q, UINT32_MAX);
	}
}

static void on_snapshot(const uint8_t *p, size_t len)
{
	for (int runtime = 1; runtime >= 0; runtime--) {
		struct cs_model m;
		struct fz_image before;

		fz_model_fill(&m);
		fz_image_take(&m, &before);
		uint32_t rc = model_load(&m, p, len, runtime);
		FZ_CHECK(rc != ERROR_NOT_ENOUGH_MEMORY);
		if (rc != ERROR_SUCCESS) {
			FZ_CHECK(rc == ERROR_INVALID_DATA || rc == ERROR_NO_UNICODE_TRANSLATION ||
				 rc == ERROR_CLUSTER_INCOMPATIBLE_VERSIONS);
			fz_check_unchanged(&m, &before, "a refused snapshot");
		} else {
			fz_check_model(&m);
			for (size_t i = 0; i < m.n_groups; i++)
				probe(&m, CS_OP_GROUP_CONTROL, CLUS_OBJECT_GROUP, m.groups[i]->name);
			for (size_t i = 0; i < m.n_resources; i++) {
				probe(&m, CS_OP_RESOURCE_CONTROL, CLUS_OBJECT_RESOURCE,
				      m.resources[i]->name);
				probe(&m, CS_OP_TYPE_CONTROL, CLUS_OBJECT_RESOURCE_TYPE,
				      m.resources[i]->type);
			}
		}
		fz_image_free(&before);
		model_free(&m);
		if (rc != ERROR_SUCCESS && runtime == 1)
			break; /* the database load reads the same records */
	}
}

static void on_op(uint16_t op, const uint8_t *p, size_t len)
{
	struct cs_model m;
	struct cs_args a;
	struct fz_image before;
	const char *why = NULL;

	if (cs_args_parse(p, len, &a) != ERROR_SUCCESS)
		return;
	fz_model_fill(&m);
	fz_image_take(&m, &before);
	uint64_t version = m.version;
	uint32_t rc = model_apply(&m, op, &a, &why);
	FZ_CHECK(rc != ERROR_NOT_ENOUGH_MEMORY);
	if (rc != ERROR_SUCCESS)
		fz_check_unchanged(&m, &before, "a refused op");
	else
		FZ_CHECK(m.version == version + (op < MOP_CONFIG_MAX ? 1 : 0));
	fz_image_free(&before);
	fz_check_model(&m);
	model_free(&m);
	cs_args_free(&a);
}

static void on_control_request(uint16_t op, const uint8_t *p, size_t len)
{
	struct cs_model m;
	struct cs_args a;

	if (cs_args_parse(p, len, &a) != ERROR_SUCCESS)
		return;
	fz_model_fill(&m);
	/* run_here(): a resource must exist; then (the plugin declined) the model */
	if (op != CS_OP_RESOURCE_CONTROL || model_resource(&m, a.name)) {
		struct ctl_query q = { .op = op, .name = a.name, .code = a.code, .in = a.in,
				       .in_size = a.in_size, .quorate = 1 };
		(void)fz_answer(&m, &q, a.out_size);
	}
	model_free(&m);
	cs_args_free(&a);
}

static void on_control_reply(uint32_t status, const uint8_t *p, size_t len)
{
	struct cs_args a;

	if (cs_args_parse(p, len, &a) != ERROR_SUCCESS)
		return;
	/* control_on_reply(): more output than announced is refused */
	if (status == ERROR_SUCCESS && a.in_size <= a.out_size && a.in_size)
		FZ_CHECK(a.in != NULL);
	cs_args_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *msg = malloc(size ? size : 1);
	struct wire_hdr h;
	const uint8_t *p = NULL;

	if (!msg)
		return 0;
	if (size)
		memcpy(msg, data, size);
	if (wire_decode(msg, size, &h, &p) != ERROR_SUCCESS)
		goto out;
	FZ_CHECK(p == msg + WIRE_HEADER && h.len == size - WIRE_HEADER && h.version != 0);

	if (h.version != WIRE_VERSION) {
		/* deliver(): only a STATE is read, for its flags (its first 12
		 * bytes are the same in every version) */
		if (h.type == MSG_STATE && h.len >= 12)
			(void)cs_le32(p + 8);
		goto out;
	}
	switch (h.type) {
	case MSG_STATE: {
		struct wire_state st;
		uint32_t rc = wire_decode_state(p, h.len, &st);
		FZ_CHECK((rc == ERROR_SUCCESS) == (h.len == WIRE_STATE_SIZE));
		break;
	}
	case MSG_SNAPSHOT:
		on_snapshot(p, h.len);
		break;
	case MSG_OP:
		on_op(h.op, p, h.len);
		break;
	case MSG_CONTROL_REQ:
		on_control_request(h.op, p, h.len);
		break;
	case MSG_CONTROL_REPLY:
		on_control_reply(h.status, p, h.len);
		break;
	default:
		break;
	}
out:
	free(msg);
	return 0;
}
