/*
 * test_torture_daemon.c - what clusterd computes from its model, under
 * allocation-failure injection (torture.h: each allocation fails in turn;
 * the call must return an error and leave nothing allocated).
 *
 *   controls  answer_control() for every code clusterd answers itself, for
 *             a resource with and without private properties, a group, a
 *             node, a resource type and the cluster; each answer checked
 *             for its shape.  A sweep of the code space checks that every
 *             other code gets ERROR_INVALID_FUNCTION and allocates nothing.
 *   requests  cs_args_parse() of a request of every op of clientproto.h
 *             (encoded by cs_args_encode) and of hand-made lists (unknown
 *             names, repeated names, wrong types, malformed lists);
 *             model_encode_status().
 *   ops       every model op: an allocation failing inside it gives
 *             ERROR_NOT_ENOUGH_MEMORY and the model exactly as before (the
 *             runtime snapshot's bytes, the deleted-object lists, every
 *             object's dirty flag and local counters).  An op refused for
 *             its arguments changes nothing either.
 *   transfer  a snapshot in a CPG message: wire_encode_hdr, wire_decode,
 *             model_load (runtime 1 and 0); STATE payloads; refused
 *             snapshots leave the receiver's model as it was.
 *
 * A broken promise met inside a scenario is noted (note()) and the test
 * fails on it after the torture run, whichever run met it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi/clusctl.h>
#include <clusapi/proplist.h>

#include "answers.h"
#include "clientproto.h"
#include "cs_alloc.h"
#include "cs_bytes.h"
#include "model.h"
#include "torture.h"
#include "wire.h"

#define S(x) ((char *)(x))
#define N(a) (sizeof(a) / sizeof(*(a)))

/* ---- broken promises, noted from inside scenarios ---- */

static struct {
	unsigned n;
	char first[1024];
} notes;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	va_list ap;

	if (notes.n++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(notes.first, sizeof(notes.first), fmt, ap);
	va_end(ap);
}

static void notes_reset(void)
{
	notes.n = 0;
	notes.first[0] = '\0';
}

/* Run a scenario under torture; fail on its misbehaviour or a note. */
static void run_torture(const char *name, torture_fn fn, void *ctx, struct torture_result *res)
{
	struct torture_result own;

	if (!res)
		res = &own;
	notes_reset();
	int r = torture_run(name, fn, ctx, res);
	if (notes.n)
		fail_msg("%s: %u broken promise(s), the first: %s%s%s", name, notes.n, notes.first,
			 r ? "; torture: " : "", r ? res->error : "");
	if (r)
		fail_msg("%s", res->error);
	assert_true(res->allocations > 0);
}

/* ---- the model every scenario starts from ---- */

#define NODE1 1u
#define NODE2 2u
#define NODE3 3u
#define R1_PRIVATE_PROPS 3

static uint32_t apply(struct cs_model *m, uint32_t op, const struct cs_args *a)
{
	return model_apply(m, op, a, NULL);
}

/* r1's private properties: 3 of them. */
static uint32_t build_private(clusprop_builder *b)
{
	static const char *const mounts[] = { "/srv/data", "/srv/logs" };

	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "Signature", 0x5CA1AB1Eu);
	clusprop_add_multi_sz(b, "MountPoints", mounts, 2);
	clusprop_add_sz(b, "Label", "data");
	return clusprop_builder_status(b);
}

/* SET_COMMON_PROPERTIES op with one DWORD (dw_name) and one string (sz_name;
 * NULL: none) for object name (NULL: the cluster). */
static uint32_t set_props(struct cs_model *m, uint32_t op, const char *name, const char *dw_name,
			  uint32_t dw, const char *sz_name, const char *sz)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	if (dw_name)
		clusprop_add_dword(&b, dw_name, dw);
	if (sz_name)
		clusprop_add_sz(&b, sz_name, sz);
	rc = clusprop_builder_status(&b);
	if (rc == ERROR_SUCCESS) {
		struct cs_args a = { .name = (char *)name, .in = (void *)clusprop_builder_data(&b),
				     .in_size = clusprop_builder_size(&b), .has_in = 1 };
		rc = apply(m, op, &a);
	}
	clusprop_builder_free(&b);
	return rc;
}

/* Settings of n1, of type "Physical Disk" and of the cluster. */
static uint32_t build_settings(struct cs_model *m)
{
	uint32_t rc;

	if ((rc = set_props(m, MOP_NODE_SET_COMMON, "n1", NULL, 0, "Description", "rack 1")) ||
	    (rc = set_props(m, MOP_TYPE_SET_COMMON, "Physical Disk", "IsAlivePollInterval", 30000,
			    "Description", "SAN disks")))
		return rc;
	return set_props(m, MOP_CLUSTER_SET_COMMON, NULL, NULL, 0, "Description", "alpha site");
}

/*
 * Cluster "alpha": nodes n1, n2, n3 (n3 paused; n1 with a description);
 * type "Physical Disk" with settings, and the cluster's; group g1 (owner n1,
 * preferred n1 n2, AutoFailbackType 1) with r1 (type "Physical Disk", private properties,
 * possible owners n1 n2, Online), r2 (depends on r1) and r3; an empty group
 * g2; gx and rx created and deleted (so the deleted lists are not empty).
 * As if a store flush had happened, only g2 and r3 are left dirty.
 */
static uint32_t build_model(struct cs_model *m)
{
	char *pref[] = { S("n1"), S("n2") };
	clusprop_builder pb;
	uint32_t rc;

	clusprop_builder_init_owned(&pb);
	if (!(m->cluster_name = cs_strdup("alpha"))) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if ((rc = model_set_node(m, NODE1, "n1", ClusterNodeUp)) ||
	    (rc = model_set_node(m, NODE2, "n2", ClusterNodeUp)) ||
	    (rc = model_set_node(m, NODE3, "n3", ClusterNodeUp)) ||
	    (rc = model_set_node(m, 4, "n4", ClusterNodeDown)) ||
	    (rc = model_set_node(m, 5, "n5", ClusterNodeDown)) ||
	    (rc = model_set_node(m, 6, "n6", ClusterNodeDown)) ||
	    (rc = model_set_node(m, 7, "n7", ClusterNodeDown)) ||
	    (rc = build_private(&pb)))
		goto out;

	struct cs_args g1 = { .name = S("g1") }, g2 = { .name = S("g2") }, gx = { .name = S("gx") };
	struct cs_args r1 = { .name = S("r1"), .type = S("Physical Disk"), .group = S("g1"),
			      .priv = (void *)clusprop_builder_data(&pb),
			      .priv_size = clusprop_builder_size(&pb), .has_priv = 1 };
	struct cs_args r2 = { .name = S("r2"), .type = S("Dummy"), .group = S("g1") };
	struct cs_args r3 = { .name = S("r3"), .type = S("Dummy"), .group = S("g1") };
	struct cs_args rx = { .name = S("rx"), .type = S("Dummy"), .group = S("g2") };
	struct cs_args dep = { .name = S("r2"), .depends_on = S("r1") };
	struct cs_args own1 = { .name = S("r1"), .node = S("n1") };
	struct cs_args own2 = { .name = S("r1"), .node = S("n2") };
	struct cs_args pref1 = { .name = S("g1"), .nodes = pref, .n_nodes = 2 };
	struct cs_args owner = { .name = S("g1"), .node_id = NODE1, .has_node_id = 1 };
	struct cs_args online = { .name = S("r1"), .state = ClusterResourceOnline, .has_state = 1 };
	struct cs_args pause = { .name = S("n3"), .state = 1, .has_state = 1 };
	/* down nodes: n4 in owner lists beside others (evictable), n5 the only
	 * possible owner of r2 (not evictable), n6 evicted, n7 with a description */
	char *pref2[] = { S("n1"), S("n4"), S("n2") };
	struct cs_args pref_g2 = { .name = S("g1"), .nodes = pref2, .n_nodes = 3 };
	struct cs_args own3 = { .name = S("r3"), .node = S("n4") };
	struct cs_args own4 = { .name = S("r3"), .node = S("n1") };
	struct cs_args own5 = { .name = S("r2"), .node = S("n5") };
	struct cs_args evict6 = { .name = S("n6"), .state = 1, .has_state = 1 };
	if ((rc = build_settings(m)))
		goto out;
	if ((rc = apply(m, MOP_GROUP_CREATE, &g1)) || (rc = apply(m, MOP_GROUP_CREATE, &g2)) ||
	    (rc = apply(m, MOP_GROUP_CREATE, &gx)) || (rc = apply(m, MOP_RES_CREATE, &r1)) ||
	    (rc = apply(m, MOP_RES_CREATE, &r2)) || (rc = apply(m, MOP_RES_CREATE, &r3)) ||
	    (rc = apply(m, MOP_RES_CREATE, &rx)) || (rc = apply(m, MOP_RES_ADD_DEP, &dep)) ||
	    (rc = apply(m, MOP_RES_ADD_OWNER, &own1)) || (rc = apply(m, MOP_RES_ADD_OWNER, &own2)) ||
	    (rc = apply(m, MOP_GROUP_SET_OWNERS, &pref1)) || (rc = apply(m, MOP_RES_DELETE, &rx)) ||
	    (rc = apply(m, MOP_GROUP_DELETE, &gx)) || (rc = apply(m, MOP_GROUP_OWNER, &owner)) ||
	    (rc = apply(m, MOP_RES_STATE, &online)) || (rc = apply(m, MOP_NODE_PAUSE, &pause)) ||
	    (rc = set_props(m, MOP_GROUP_SET_COMMON, "g1", "AutoFailbackType", 1, "Description",
			    "the disks")) ||
	    (rc = apply(m, MOP_GROUP_SET_OWNERS, &pref_g2)) || (rc = apply(m, MOP_RES_ADD_OWNER, &own3)) ||
	    (rc = apply(m, MOP_RES_ADD_OWNER, &own4)) || (rc = apply(m, MOP_RES_ADD_OWNER, &own5)) ||
	    (rc = apply(m, MOP_NODE_EVICT, &evict6)) ||
	    (rc = set_props(m, MOP_NODE_SET_COMMON, "n7", NULL, 0, "Description", "spare")))
		goto out;
	for (size_t i = 0; i < m->n_node_confs; i++)
		m->node_confs[i]->dirty = 0;
	for (size_t i = 0; i < m->n_type_confs; i++)
		m->type_confs[i]->dirty = 0;
	m->cluster.dirty = 0;
	for (size_t i = 0; i < m->n_groups; i++)
		m->groups[i]->dirty = !strcmp(m->groups[i]->name, "g2");
	for (size_t i = 0; i < m->n_resources; i++)
		m->resources[i]->dirty = !strcmp(m->resources[i]->name, "r3");
out:
	clusprop_builder_free(&pb);
	return rc;
}

/* ======================================================================
 * a. controls
 * ====================================================================== */

enum shape {
	OUT_NONE = 0,   /* nothing (the VALIDATE codes; every refusal) */
	OUT_SZ,         /* a bare UTF-16LE string with its NUL: .text */
	OUT_DWORD,      /* 4 bytes */
	OUT_ULARGE,     /* 8 bytes (CLUS_RESOURCE_CLASS_INFO) */
	OUT_VALUE_LIST, /* a value list */
	OUT_MULTI,      /* a bare MULTI_SZ of .count strings */
	OUT_PLIST,      /* a property list of .count properties */
};

/* Control inputs, built inside the scenario. */
enum input {
	IN_NONE = 0,
	IN_COMMON,          /* {RestartThreshold 5, PendingTimeout 1000} */
	IN_COMMON_RANGE,    /* {RestartAction 9}: out of range */
	IN_COMMON_UNKNOWN,  /* {RestartThreshold 5, Bogus 1} */
	IN_COMMON_RO,       /* {Type "x"}: read-only */
	IN_PRIVATE,         /* a private property list */
	IN_PRIVATE_UPDATE,  /* {Label "logs", Extra 7} */
	IN_MALFORMED,       /* not a property list */
	IN_GROUP,           /* {Description, FailoverPeriod 2, FailbackWindowStart 22, End 4} */
	IN_GROUP_HALF,      /* {FailbackWindowStart 3}: a window needs both hours */
	IN_GROUP_HOUR,      /* {FailbackWindowStart 24, FailbackWindowEnd 1}: no such hour */
	IN_GROUP_PERIOD,    /* {FailoverPeriod 1194}: past MSCS's range */
	IN_GROUP_RO,        /* {PersistentState 1}: read-only */
	IN_FAILBACK,        /* {AutoFailbackType 1}: needs preferred owners */
	IN_DESCRIPTION,     /* {Description "rack 2"} */
	IN_DESCRIPTION_DW,  /* {Description 5}: not a string */
	IN_TYPE,            /* {LooksAlivePollInterval 2000, IsAlivePollInterval 20000} */
	IN_TYPE_ZERO,       /* {Description "x", LooksAlivePollInterval 0} */
	IN_COUNT
};

struct inputs {
	clusprop_builder b[IN_COUNT];
};

static const uint8_t malformed_list[] = { 2, 0, 0, 0, 3, 0, 4, 0, 4, 0, 0, 0, 'A', 0 };

static uint32_t inputs_build(struct inputs *in)
{
	for (int i = 0; i < IN_COUNT; i++)
		clusprop_builder_init_owned(&in->b[i]);
	clusprop_builder *b = &in->b[IN_COMMON];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "RestartThreshold", 5);
	clusprop_add_dword(b, "PendingTimeout", 1000);
	b = &in->b[IN_COMMON_RANGE];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "RestartAction", 9);
	b = &in->b[IN_COMMON_UNKNOWN];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "RestartThreshold", 5);
	clusprop_add_dword(b, "Bogus", 1);
	b = &in->b[IN_COMMON_RO];
	clusprop_builder_begin_plist(b);
	clusprop_add_sz(b, "Type", "x");
	build_private(&in->b[IN_PRIVATE]);
	b = &in->b[IN_PRIVATE_UPDATE];
	clusprop_builder_begin_plist(b);
	clusprop_add_sz(b, "Label", "logs");
	clusprop_add_dword(b, "Extra", 7);
	b = &in->b[IN_GROUP];
	clusprop_builder_begin_plist(b);
	clusprop_add_sz(b, "Description", "web tier");
	clusprop_add_dword(b, "FailoverPeriod", 2);
	clusprop_add_dword(b, "FailbackWindowStart", 22);
	clusprop_add_dword(b, "FailbackWindowEnd", 4);
	b = &in->b[IN_GROUP_HALF];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "FailbackWindowStart", 3);
	b = &in->b[IN_GROUP_HOUR];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "FailbackWindowStart", 24);
	clusprop_add_dword(b, "FailbackWindowEnd", 1);
	b = &in->b[IN_GROUP_PERIOD];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "FailoverPeriod", 1194);
	b = &in->b[IN_GROUP_RO];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "PersistentState", 1);
	b = &in->b[IN_FAILBACK];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "AutoFailbackType", 1);
	b = &in->b[IN_DESCRIPTION];
	clusprop_builder_begin_plist(b);
	clusprop_add_sz(b, "Description", "rack 2");
	b = &in->b[IN_DESCRIPTION_DW];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "Description", 5);
	b = &in->b[IN_TYPE];
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "LooksAlivePollInterval", 2000);
	clusprop_add_dword(b, "IsAlivePollInterval", 20000);
	b = &in->b[IN_TYPE_ZERO];
	clusprop_builder_begin_plist(b);
	clusprop_add_sz(b, "Description", "x");
	clusprop_add_dword(b, "LooksAlivePollInterval", 0);
	for (int i = 0; i < IN_COUNT; i++)
		if (clusprop_builder_status(&in->b[i]) != ERROR_SUCCESS)
			return clusprop_builder_status(&in->b[i]);
	return ERROR_SUCCESS;
}

static void inputs_get(const struct inputs *in, enum input which, const void **p, size_t *size)
{
	if (which == IN_MALFORMED) {
		*p = malformed_list;
		*size = sizeof(malformed_list);
	} else if (which == IN_NONE) {
		*p = NULL;
		*size = 0;
	} else {
		*p = clusprop_builder_data(&in->b[which]);
		*size = clusprop_builder_size(&in->b[which]);
	}
}

static void inputs_free(struct inputs *in)
{
	for (int i = 0; i < IN_COUNT; i++)
		clusprop_builder_free(&in->b[i]);
}

struct ctl_case {
	uint32_t code;
	enum shape shape;
	const char *text;   /* OUT_SZ */
	int count;          /* OUT_MULTI, OUT_PLIST */
	enum input input;
	uint32_t expect;    /* ERROR_SUCCESS unless said */
};

/* One kind of object and the codes clusterd answers for it. */
struct ctl_kind {
	const char *label;
	uint32_t op;
	const char *name;
	uint32_t object;
	const struct ctl_case *cases;
	size_t n_cases;
	uint32_t not_found;   /* the answer for a name that does not exist, 0: any name is fine */
};

#define OK(code_, shape_, ...) { .code = (code_), .shape = (shape_), __VA_ARGS__ }
#define REFUSED(code_, err_, ...) { .code = (code_), .shape = OUT_NONE, .expect = (err_), __VA_ARGS__ }

/* Answered for every resource; the rest differs between r1 and r2. */
#define RESOURCE_COMMON_CASES(name_, type_)                                                        \
	OK(CLUSCTL_RESOURCE_GET_CHARACTERISTICS, OUT_DWORD),                                       \
	OK(CLUSCTL_RESOURCE_GET_FLAGS, OUT_DWORD),                                                 \
	OK(CLUSCTL_RESOURCE_GET_CLASS_INFO, OUT_ULARGE),                                           \
	OK(CLUSCTL_RESOURCE_GET_REQUIRED_DEPENDENCIES, OUT_VALUE_LIST),                            \
	OK(CLUSCTL_RESOURCE_GET_NAME, OUT_SZ, .text = (name_)),                                    \
	OK(CLUSCTL_RESOURCE_GET_ID, OUT_SZ, .text = (name_)),                                      \
	OK(CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, OUT_SZ, .text = (type_)),                           \
	OK(CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES, OUT_MULTI, .count = 9),                        \
	OK(CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES, OUT_PLIST, .count = 3),                      \
	OK(CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, OUT_PLIST, .count = 9),                         \
	OK(CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES, OUT_NONE, .input = IN_COMMON),             \
	OK(CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES, OUT_NONE, .input = IN_PRIVATE),           \
	OK(CLUSCTL_RESOURCE_GET_RO_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),                     \
	/* bad input */                                                                            \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER),             \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,              \
		.input = IN_COMMON_RANGE),                                                         \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,              \
		.input = IN_COMMON_UNKNOWN),                                                       \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,              \
		.input = IN_COMMON_RO),                                                            \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_DATA,                   \
		.input = IN_MALFORMED),                                                            \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES, ERROR_INVALID_PARAMETER),            \
	REFUSED(CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES, ERROR_INVALID_DATA,                  \
		.input = IN_MALFORMED),                                                            \
	/* not clusterd's: the plugin's, or changes (control.c), or another object's */            \
	REFUSED(CLUSCTL_RESOURCE_UNKNOWN, ERROR_INVALID_FUNCTION),                                 \
	REFUSED(CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES, ERROR_INVALID_FUNCTION, .input = IN_COMMON), \
	REFUSED(CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, ERROR_INVALID_FUNCTION,                   \
		.input = IN_PRIVATE),                                                              \
	REFUSED(CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, ERROR_INVALID_FUNCTION),                   \
	REFUSED(CLUSCTL_RESOURCE_GET_COMMON_PROPERTY_FMTS, ERROR_INVALID_FUNCTION),                \
	REFUSED(CLUSCTL_RESOURCE_DELETE, ERROR_INVALID_FUNCTION),                                  \
	REFUSED(CLUSCTL_GROUP_GET_NAME, ERROR_INVALID_FUNCTION)

static const struct ctl_case resource_priv_cases[] = {
	RESOURCE_COMMON_CASES("r1", "Physical Disk"),
	OK(CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES, OUT_MULTI, .count = R1_PRIVATE_PROPS),
	OK(CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, OUT_PLIST, .count = R1_PRIVATE_PROPS),
};

static const struct ctl_case resource_plain_cases[] = {
	RESOURCE_COMMON_CASES("r2", "Dummy"),
	OK(CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES, OUT_MULTI, .count = 0),
	OK(CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
};

static const struct ctl_case group_cases[] = {
	OK(CLUSCTL_GROUP_GET_CHARACTERISTICS, OUT_DWORD),
	OK(CLUSCTL_GROUP_GET_FLAGS, OUT_DWORD),
	OK(CLUSCTL_GROUP_GET_NAME, OUT_SZ, .text = "g1"),
	OK(CLUSCTL_GROUP_GET_ID, OUT_SZ, .text = "g1"),
	OK(CLUSCTL_GROUP_ENUM_COMMON_PROPERTIES, OUT_MULTI, .count = 8),
	OK(CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES, OUT_PLIST, .count = 2),
	OK(CLUSCTL_GROUP_GET_COMMON_PROPERTIES, OUT_PLIST, .count = 8),
	OK(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, OUT_NONE, .input = IN_GROUP),
	OK(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, OUT_NONE, .input = IN_FAILBACK),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_GROUP_HALF),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_GROUP_HOUR),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_GROUP_PERIOD),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_GROUP_RO),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_DESCRIPTION_DW),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_DATA,
		.input = IN_MALFORMED),
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER),
	OK(CLUSCTL_GROUP_ENUM_PRIVATE_PROPERTIES, OUT_MULTI, .count = 0),
	OK(CLUSCTL_GROUP_GET_RO_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	OK(CLUSCTL_GROUP_GET_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	REFUSED(CLUSCTL_GROUP_UNKNOWN, ERROR_INVALID_FUNCTION),
	/* a resource's property is not a group's */
	REFUSED(CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER, .input = IN_COMMON),
	REFUSED(CLUSCTL_GROUP_VALIDATE_PRIVATE_PROPERTIES, ERROR_INVALID_FUNCTION,
		.input = IN_PRIVATE),
	REFUSED(CLUSCTL_GROUP_SET_COMMON_PROPERTIES, ERROR_INVALID_FUNCTION, .input = IN_COMMON),
	REFUSED(CLUSCTL_GROUP_QUERY_DELETE, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_RESOURCE_GET_NAME, ERROR_INVALID_FUNCTION),
};

static const struct ctl_case node_cases[] = {
	OK(CLUSCTL_NODE_GET_CHARACTERISTICS, OUT_DWORD),
	OK(CLUSCTL_NODE_GET_FLAGS, OUT_DWORD),
	OK(CLUSCTL_NODE_GET_NAME, OUT_SZ, .text = "n2"),
	OK(CLUSCTL_NODE_GET_ID, OUT_SZ, .text = "2"),
	OK(CLUSCTL_NODE_ENUM_COMMON_PROPERTIES, OUT_MULTI, .count = 4),
	OK(CLUSCTL_NODE_GET_RO_COMMON_PROPERTIES, OUT_PLIST, .count = 3),
	OK(CLUSCTL_NODE_GET_COMMON_PROPERTIES, OUT_PLIST, .count = 4),
	OK(CLUSCTL_NODE_VALIDATE_COMMON_PROPERTIES, OUT_NONE, .input = IN_DESCRIPTION),
	REFUSED(CLUSCTL_NODE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_DESCRIPTION_DW),
	OK(CLUSCTL_NODE_ENUM_PRIVATE_PROPERTIES, OUT_MULTI, .count = 0),
	OK(CLUSCTL_NODE_GET_RO_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	OK(CLUSCTL_NODE_GET_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	REFUSED(CLUSCTL_NODE_UNKNOWN, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_NODE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER, .input = IN_COMMON),
	REFUSED(CLUSCTL_NODE_SET_PRIVATE_PROPERTIES, ERROR_INVALID_FUNCTION, .input = IN_PRIVATE),
	REFUSED(CLUSCTL_NODE_GET_CLUSTER_SERVICE_ACCOUNT_NAME, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_CLUSTER_GET_FQDN, ERROR_INVALID_FUNCTION),
};

static const struct ctl_case type_cases[] = {
	OK(CLUSCTL_RESOURCE_TYPE_GET_CHARACTERISTICS, OUT_DWORD),
	OK(CLUSCTL_RESOURCE_TYPE_GET_FLAGS, OUT_DWORD),
	OK(CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO, OUT_ULARGE),
	OK(CLUSCTL_RESOURCE_TYPE_GET_REQUIRED_DEPENDENCIES, OUT_VALUE_LIST),
	/* clusctl.h names no RESOURCE_TYPE_GET_NAME; clusterd answers it all the same */
	OK(CLUSCTL_RESOURCE_TYPE_CODE(CLCTL_GET_NAME), OUT_SZ, .text = "Physical Disk"),
	OK(CLUSCTL_RESOURCE_TYPE_ENUM_COMMON_PROPERTIES, OUT_MULTI, .count = 4),
	OK(CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, OUT_PLIST, .count = 1),
	OK(CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES, OUT_PLIST, .count = 4),
	OK(CLUSCTL_RESOURCE_TYPE_VALIDATE_COMMON_PROPERTIES, OUT_NONE, .input = IN_TYPE),
	REFUSED(CLUSCTL_RESOURCE_TYPE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_TYPE_ZERO),
	OK(CLUSCTL_RESOURCE_TYPE_ENUM_PRIVATE_PROPERTIES, OUT_MULTI, .count = 0),
	OK(CLUSCTL_RESOURCE_TYPE_GET_RO_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	OK(CLUSCTL_RESOURCE_TYPE_GET_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	REFUSED(CLUSCTL_RESOURCE_TYPE_UNKNOWN, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_RESOURCE_TYPE_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_COMMON),
	REFUSED(CLUSCTL_RESOURCE_TYPE_VALIDATE_PRIVATE_PROPERTIES, ERROR_INVALID_FUNCTION,
		.input = IN_PRIVATE),
	REFUSED(CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_RESOURCE_TYPE_GET_ARB_TIMEOUT, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, ERROR_INVALID_FUNCTION),
};

static const struct ctl_case cluster_cases[] = {
	OK(CLUSCTL_CLUSTER_GET_FQDN, OUT_SZ, .text = "alpha"),
	OK(CLUSCTL_CLUSTER_ENUM_COMMON_PROPERTIES, OUT_MULTI, .count = 3),
	OK(CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES, OUT_PLIST, .count = 2),
	OK(CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES, OUT_PLIST, .count = 3),
	OK(CLUSCTL_CLUSTER_VALIDATE_COMMON_PROPERTIES, OUT_NONE, .input = IN_DESCRIPTION),
	REFUSED(CLUSCTL_CLUSTER_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_GROUP),
	OK(CLUSCTL_CLUSTER_ENUM_PRIVATE_PROPERTIES, OUT_MULTI, .count = 0),
	OK(CLUSCTL_CLUSTER_GET_RO_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	OK(CLUSCTL_CLUSTER_GET_PRIVATE_PROPERTIES, OUT_PLIST, .count = 0),
	REFUSED(CLUSCTL_CLUSTER_UNKNOWN, ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_CLUSTER_VALIDATE_COMMON_PROPERTIES, ERROR_INVALID_PARAMETER,
		.input = IN_COMMON),
	REFUSED(CLUSCTL_CLUSTER_SET_COMMON_PROPERTIES, ERROR_INVALID_FUNCTION, .input = IN_COMMON),
	REFUSED(CLUSCTL_CLUSTER_CODE(CLCTL_GET_NAME), ERROR_INVALID_FUNCTION),
	REFUSED(CLUSCTL_NODE_GET_NAME, ERROR_INVALID_FUNCTION),
};

static const struct ctl_kind kinds[] = {
	{ "resource with private properties", CS_OP_RESOURCE_CONTROL, "r1", CLUS_OBJECT_RESOURCE,
	  resource_priv_cases, N(resource_priv_cases), ERROR_RESOURCE_NOT_FOUND },
	{ "resource without private properties", CS_OP_RESOURCE_CONTROL, "r2",
	  CLUS_OBJECT_RESOURCE, resource_plain_cases, N(resource_plain_cases),
	  ERROR_RESOURCE_NOT_FOUND },
	{ "group", CS_OP_GROUP_CONTROL, "g1", CLUS_OBJECT_GROUP, group_cases, N(group_cases),
	  ERROR_GROUP_NOT_FOUND },
	{ "node", CS_OP_NODE_CONTROL, "n2", CLUS_OBJECT_NODE, node_cases, N(node_cases),
	  ERROR_CLUSTER_NODE_NOT_FOUND },
	{ "resource type", CS_OP_TYPE_CONTROL, "Physical Disk", CLUS_OBJECT_RESOURCE_TYPE,
	  type_cases, N(type_cases), 0 },
	{ "cluster", CS_OP_CLUSTER_CONTROL, NULL, CLUS_OBJECT_CLUSTER, cluster_cases,
	  N(cluster_cases), 0 },
};

/* Strings of a bare MULTI_SZ (each non-empty, valid UTF-16, one more NUL
 * at the end), or -1. */
static int multi_count(const uint8_t *p, size_t size)
{
	size_t off = 0;
	int n = 0;

	if (size < 2 || size % 2)
		return -1;
	while (off + 2 <= size && cs_le16(p + off) != 0) {
		size_t start = off, got;
		while (off + 2 <= size && cs_le16(p + off) != 0)
			off += 2;
		if (off + 2 > size ||
		    clusprop_utf16le_to_utf8(p + start, off - start, NULL, 0, &got) != ERROR_MORE_DATA)
			return -1;
		off += 2;
		n++;
	}
	return off + 2 == size ? n : -1;
}

/* NULL if out[0..size) has the shape c promises, else what is wrong. */
static const char *bad_shape(const struct ctl_case *c, const uint8_t *out, size_t size)
{
	char text[256];
	size_t got = 0;

	switch (c->shape) {
	case OUT_NONE:
		return size == 0 ? NULL : "output where none is due";
	case OUT_SZ:
		if (size < 2 || size % 2 || cs_le16(out + size - 2) != 0)
			return "not a NUL-terminated UTF-16LE string";
		if (clusprop_utf16le_to_utf8(out, size - 2, text, sizeof(text) - 1, &got) !=
		    ERROR_SUCCESS)
			return "not valid UTF-16LE";
		text[got] = '\0';
		return strcmp(text, c->text) ? "not the string expected" : NULL;
	case OUT_DWORD:
		return size == 4 ? NULL : "not a DWORD";
	case OUT_ULARGE:
		return size == 8 ? NULL : "not 8 bytes";
	case OUT_VALUE_LIST:
		return clusprop_validate_value_list(out, size, NULL) == ERROR_SUCCESS
			       ? NULL : "not a value list";
	case OUT_MULTI:
		return multi_count(out, size) == c->count ? NULL
			: "not a MULTI_SZ of the number of names expected";
	case OUT_PLIST:
		if (clusprop_validate_property_list(out, size, NULL) != ERROR_SUCCESS)
			return "not a property list";
		return cs_le32(out) == (uint32_t)c->count ? NULL
			: "not the number of properties expected";
	}
	return "unknown shape";
}

/* One control, with an OWNED and a MEASURE builder; ERROR_SUCCESS when it
 * answered as c says (the caller goes on), else the error to return. */
static uint32_t check_control(const struct cs_model *m, const struct ctl_kind *k,
			      const struct ctl_case *c, const struct inputs *in)
{
	clusprop_builder b, mb;
	struct ctl_query q = { .op = k->op, .name = k->name, .code = c->code, .quorate = 1 };
	uint32_t rc, rm;

	inputs_get(in, c->input, &q.in, &q.in_size);
	clusprop_builder_init_owned(&b);
	clusprop_builder_init_measure(&mb);
	/* as control.c's answer_from_model() takes it */
	rc = answer_control(m, &q, &b);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_builder_status(&b);
	rm = answer_control(m, &q, &mb);
	if (rm == ERROR_SUCCESS)
		rm = clusprop_builder_status(&mb);
	if (rc == ERROR_NOT_ENOUGH_MEMORY || rm == ERROR_NOT_ENOUGH_MEMORY) {
		if (!cs_alloc_failed())
			note("%s 0x%08x: out of memory with no failure injected", k->label, c->code);
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (rc != c->expect || rm != c->expect) {
		note("%s 0x%08x: answered %u (measuring: %u), expected %u", k->label, c->code, rc,
		     rm, c->expect);
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	rc = ERROR_SUCCESS;
	const char *why = bad_shape(c, clusprop_builder_data(&b), clusprop_builder_size(&b));
	if (why) {
		note("%s 0x%08x: %s (%zu bytes)", k->label, c->code, why, clusprop_builder_size(&b));
		rc = ERROR_INVALID_DATA;
	} else if (clusprop_builder_size(&mb) != clusprop_builder_size(&b)) {
		note("%s 0x%08x: measured %zu bytes, wrote %zu", k->label, c->code,
		     clusprop_builder_size(&mb), clusprop_builder_size(&b));
		rc = ERROR_INVALID_DATA;
	}
out:
	clusprop_builder_free(&mb);
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t scenario_controls(void *ctx)
{
	const struct ctl_kind *k = ctx;
	struct cs_model m;
	struct inputs in;
	uint32_t rc;

	model_init(&m);
	rc = inputs_build(&in);
	if (rc == ERROR_SUCCESS)
		rc = build_model(&m);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < k->n_cases; i++)
		rc = check_control(&m, k, &k->cases[i], &in);
	if (rc == ERROR_SUCCESS && k->not_found) {
		/* an object that is not there */
		struct ctl_kind gone = *k;
		struct ctl_case c = { .code = k->cases[0].code, .expect = k->not_found };
		gone.name = "no-such-object";
		rc = check_control(&m, &gone, &c, &in);
		gone.name = NULL;
		if (rc == ERROR_SUCCESS)
			rc = check_control(&m, &gone, &c, &in);
	}
	inputs_free(&in);
	model_free(&m);
	return rc;
}

static void test_controls(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(kinds); i++) {
		char name[96];
		snprintf(name, sizeof(name), "controls of a %s", kinds[i].label);
		run_torture(name, scenario_controls, (void *)&kinds[i], NULL);
	}
}

/* Whether code is in k's table as answered. */
static int answered_code(const struct ctl_kind *k, uint32_t code)
{
	for (size_t i = 0; i < k->n_cases; i++)
		if (k->cases[i].code == code && k->cases[i].expect == ERROR_SUCCESS)
			return 1;
	return 0;
}

/*
 * Every other code: ERROR_INVALID_FUNCTION, no output, no allocation.  The
 * code space swept: every function number up to 160 and a few more up to
 * the largest the field holds, every access mode, with and without
 * the internal, user, modify and global bits, under the kind's own object
 * byte; and each answered function under every other object byte.
 */
static void test_unanswered_codes(void **state)
{
	static const uint32_t objects[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 128, 255 };
	struct cs_model m;
	struct inputs in;
	static const uint32_t extra_functions[] = { 1000, 0x1000, 0x20000, 0x3FFFF };
	size_t swept = 0;

	(void)state;
	model_init(&m);
	assert_int_equal(inputs_build(&in), ERROR_SUCCESS);
	assert_int_equal(build_model(&m), ERROR_SUCCESS);
	for (size_t i = 0; i < N(kinds); i++) {
		const struct ctl_kind *k = &kinds[i];
		for (uint32_t fn = 0; fn < 160 + N(extra_functions); fn++) {
			uint32_t function = fn < 160 ? fn : extra_functions[fn - 160];
			for (uint32_t bits = 0; bits < 64; bits++) {
				uint32_t code = (k->object << CLUSCTL_OBJECT_SHIFT) |
						(function << CLUSCTL_FUNCTION_SHIFT) | (bits & 3u) |
						((bits >> 2) << CLCTL_INTERNAL_SHIFT);
				uint32_t want = answered_code(k, code) ? ERROR_SUCCESS
								       : ERROR_INVALID_FUNCTION;
				if (want == ERROR_SUCCESS)
					continue; /* test_controls has it */
				clusprop_builder b;
				struct ctl_query q = { .op = k->op, .name = k->name, .code = code,
						       .quorate = 1 };
				int64_t live = cs_alloc_live();
				clusprop_builder_init_owned(&b);
				cs_alloc_fail_at(0);
				uint32_t rc = answer_control(&m, &q, &b);
				if (rc != ERROR_INVALID_FUNCTION || clusprop_builder_size(&b) ||
				    cs_alloc_count() || cs_alloc_live() != live)
					fail_msg("%s, code 0x%08x: %u, %zu bytes, %llu allocation(s)",
						 k->label, code, rc, clusprop_builder_size(&b),
						 (unsigned long long)cs_alloc_count());
				clusprop_builder_free(&b);
				swept++;
			}
		}
		/* an answered function under any other object byte */
		for (size_t c = 0; c < k->n_cases; c++) {
			if (k->cases[c].expect != ERROR_SUCCESS)
				continue;
			for (size_t o = 0; o < N(objects); o++) {
				uint32_t code = (k->cases[c].code & 0x00FFFFFFu) |
						(objects[o] << CLUSCTL_OBJECT_SHIFT);
				if (objects[o] == k->object)
					continue;
				clusprop_builder b;
				struct ctl_query q = { .op = k->op, .name = k->name, .code = code };
				clusprop_builder_init_owned(&b);
				uint32_t rc = answer_control(&m, &q, &b);
				if (rc != ERROR_INVALID_FUNCTION || clusprop_builder_size(&b))
					fail_msg("%s, code 0x%08x for another object: %u", k->label,
						 code, rc);
				clusprop_builder_free(&b);
				swept++;
			}
		}
	}
	/* not a control op at all */
	struct ctl_query q = { .op = CS_OP_STATUS, .name = "r1", .code = CLUSCTL_RESOURCE_GET_NAME };
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	assert_int_equal(answer_control(&m, &q, &b), ERROR_INVALID_FUNCTION);
	q.code = CLCTL_GET_NAME; /* object byte 0, op of no object */
	assert_int_equal(answer_control(&m, &q, &b), ERROR_INVALID_FUNCTION);
	clusprop_builder_free(&b);
	cs_alloc_reset();
	assert_true(swept > 50000);
	inputs_free(&in);
	model_free(&m);
}

/* ======================================================================
 * b. requests and the status reply
 * ====================================================================== */

static char *nodes2[] = { S("n1"), S("n2") };
static char *nodes3[] = { S("n2"), S("n3"), S("n1") };
static const uint8_t blob[] = { 0x01, 0x00, 0xFF, 0x7F, 0x80 };

/* A request of every op of clientproto.h, with every argument it takes;
 * and the arguments of MSG_OP and MSG_CONTROL_REPLY on CPG. */
static const struct req_case {
	uint32_t op;
	struct cs_args a;
} requests[] = {
	{ CS_OP_STATUS, { 0 } },
	{ CS_OP_GROUP_CREATE, { .name = S("g1") } },
	{ CS_OP_GROUP_DELETE, { .name = S("g1") } },
	{ CS_OP_GROUP_RENAME, { .name = S("g1"), .new_name = S("Gr\xC3\xBC\xC3\x9F" "e") } },
	{ CS_OP_GROUP_ONLINE, { .name = S("g1"), .node = S("n2"), .wait_ms = 5000, .has_wait = 1 } },
	{ CS_OP_GROUP_OFFLINE, { .name = S("g1"), .wait_ms = 0, .has_wait = 1 } },
	{ CS_OP_GROUP_MOVE, { .name = S("g1"), .wait_ms = 100, .has_wait = 1 } },
	{ CS_OP_GROUP_SET_OWNERS, { .name = S("g1"), .nodes = nodes3, .n_nodes = 3 } },
	{ CS_OP_GROUP_SET_OWNERS, { .name = S("g1"), .nodes = nodes2, .n_nodes = 0 } },
	{ CS_OP_RESOURCE_CREATE, { .name = S("r1"), .type = S("Physical Disk"), .group = S("g1"),
				   .priv = (void *)blob, .priv_size = sizeof(blob), .has_priv = 1 } },
	{ CS_OP_RESOURCE_DELETE, { .name = S("r1") } },
	{ CS_OP_RESOURCE_RENAME, { .name = S("r1"), .new_name = S("disk \xE7\xA3\x81") } },
	{ CS_OP_RESOURCE_ONLINE, { .name = S("r1"), .wait_ms = 30000, .has_wait = 1 } },
	{ CS_OP_RESOURCE_OFFLINE, { .name = S("r1") } },
	{ CS_OP_RESOURCE_FAIL, { .name = S("r1") } },
	{ CS_OP_RESOURCE_ADD_DEP, { .name = S("r2"), .depends_on = S("r1") } },
	{ CS_OP_RESOURCE_DEL_DEP, { .name = S("r2"), .depends_on = S("r1") } },
	{ CS_OP_RESOURCE_ADD_OWNER, { .name = S("r1"), .node = S("n3") } },
	{ CS_OP_RESOURCE_DEL_OWNER, { .name = S("r1"), .node = S("n3") } },
	{ CS_OP_RESOURCE_CONTROL, { .name = S("r1"), .node = S("n1"),
				    .code = CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, .has_code = 1,
				    .in = (void *)blob, .in_size = sizeof(blob), .has_in = 1,
				    .out_size = 4096, .has_out_size = 1 } },
	{ CS_OP_RESOURCE_CONTROL, { .name = S("r1"), .code = CLUSCTL_RESOURCE_GET_NAME,
				    .has_code = 1, .in = (void *)blob, .in_size = 0, .has_in = 1,
				    .out_size = 0, .has_out_size = 1 } },
	{ CS_OP_TYPE_CONTROL, { .name = S("Physical Disk"), .node = S("n2"),
				.code = CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS,
				.has_code = 1, .out_size = 65536, .has_out_size = 1 } },
	{ CS_OP_GROUP_CONTROL, { .name = S("g1"), .code = CLUSCTL_GROUP_GET_COMMON_PROPERTIES,
				 .has_code = 1, .out_size = 512, .has_out_size = 1 } },
	{ CS_OP_NODE_CONTROL, { .name = S("n1"), .code = CLUSCTL_NODE_GET_ID, .has_code = 1,
				.out_size = 16, .has_out_size = 1 } },
	{ CS_OP_CLUSTER_CONTROL, { .node = S("n3"), .code = CLUSCTL_CLUSTER_GET_FQDN,
				   .has_code = 1, .out_size = 64, .has_out_size = 1 } },
	{ CS_OP_NODE_PAUSE, { .name = S("n2") } },
	{ CS_OP_NODE_RESUME, { .name = S("n2") } },
	{ CS_OP_LOOKUP, { .name = S("r1"), .state = CS_KIND_RESOURCE, .has_state = 1 } },
	{ CS_OP_NODE_DRAIN, { .name = S("n1"), .wait_ms = 45000, .has_wait = 1 } },
	{ CS_OP_NODE_EVICT, { .name = S("n3") } },
	/* CPG: the eviction as a model op */
	{ 0, { .name = S("n3"), .state = 1, .has_state = 1 } },
	/* CPG: a model op (MOP_GROUP_OWNER) and a control reply */
	{ 0, { .name = S("g1"), .node_id = 2, .has_node_id = 1, .seq = 9, .has_seq = 1,
	       .state = ClusterResourceOnline, .has_state = 1 } },
	{ 0, { .in = (void *)blob, .in_size = sizeof(blob), .has_in = 1, .out_size = 5,
	       .has_out_size = 1 } },
};

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int bytes_eq(const void *a, size_t na, const void *b, size_t nb)
{
	return na == nb && (na == 0 || !memcmp(a, b, na));
}

/* NULL if got carries what want does, else which argument differs. */
static const char *args_differ(const struct cs_args *want, const struct cs_args *got)
{
	if (!str_eq(want->name, got->name)) return "Name";
	if (!str_eq(want->new_name, got->new_name)) return "NewName";
	if (!str_eq(want->node, got->node)) return "Node";
	if (!str_eq(want->group, got->group)) return "Group";
	if (!str_eq(want->type, got->type)) return "Type";
	if (!str_eq(want->depends_on, got->depends_on)) return "DependsOn";
	if (!want->nodes != !got->nodes || want->n_nodes != got->n_nodes) return "Nodes";
	for (size_t i = 0; i < want->n_nodes; i++)
		if (!str_eq(want->nodes[i], got->nodes[i])) return "Nodes";
	if (want->has_in != got->has_in || !bytes_eq(want->in, want->in_size, got->in, got->in_size))
		return "In";
	if (want->has_priv != got->has_priv ||
	    !bytes_eq(want->priv, want->priv_size, got->priv, got->priv_size))
		return "Private";
	if (want->has_code != got->has_code || want->code != got->code) return "Code";
	if (want->has_out_size != got->has_out_size || want->out_size != got->out_size)
		return "OutSize";
	if (want->has_wait != got->has_wait || want->wait_ms != got->wait_ms) return "WaitMs";
	if (want->has_state != got->has_state || want->state != got->state) return "State";
	if (want->has_node_id != got->has_node_id || want->node_id != got->node_id) return "NodeId";
	if (want->has_seq != got->has_seq || want->seq != got->seq) return "Seq";
	return NULL;
}

static int args_empty(const struct cs_args *a)
{
	static const struct cs_args zero;

	return !memcmp(a, &zero, sizeof(zero));
}

/* Parse buf; ERROR_SUCCESS if the result is `expect` (and, on success, the
 * arguments are `want`), else the error to return. */
static uint32_t check_parse(const char *label, const void *buf, size_t len, uint32_t expect,
			    const struct cs_args *want)
{
	struct cs_args got;
	const char *diff;
	uint32_t rc;

	memset(&got, 0xA5, sizeof(got));
	rc = cs_args_parse(buf, len, &got);
	if (rc == ERROR_NOT_ENOUGH_MEMORY) {
		if (!args_empty(&got))
			note("%s: out of memory, but the arguments are not empty", label);
		return rc;
	}
	if (rc != expect) {
		note("%s: cs_args_parse gave %u, expected %u", label, rc, expect);
		if (rc == ERROR_SUCCESS)
			cs_args_free(&got);
		return ERROR_INVALID_DATA;
	}
	if (rc != ERROR_SUCCESS) {
		if (!args_empty(&got)) {
			note("%s: refused, but the arguments are not empty", label);
			return ERROR_INVALID_DATA;
		}
		return ERROR_SUCCESS;
	}
	diff = want ? args_differ(want, &got) : NULL;
	cs_args_free(&got);
	if (diff) {
		note("%s: %s differs after the round trip", label, diff);
		return ERROR_INVALID_DATA;
	}
	return ERROR_SUCCESS;
}

static uint32_t scenario_requests(void *ctx)
{
	uint32_t rc = ERROR_SUCCESS;

	(void)ctx;
	/* no payload at all: no arguments */
	rc = check_parse("empty payload", NULL, 0, ERROR_SUCCESS, &requests[0].a);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < N(requests); i++) {
		clusprop_builder b;
		char label[48];
		snprintf(label, sizeof(label), "request %zu (op %u)", i, requests[i].op);
		clusprop_builder_init_owned(&b);
		clusprop_builder_begin_plist(&b);
		rc = cs_args_encode(&b, &requests[i].a);
		if (rc == ERROR_SUCCESS)
			rc = check_parse(label, clusprop_builder_data(&b), clusprop_builder_size(&b),
					 ERROR_SUCCESS, &requests[i].a);
		clusprop_builder_free(&b);
	}
	return rc;
}

/* Hand-made lists: what a client of another version, or a broken one, sends. */
static uint32_t scenario_odd_requests(void *ctx)
{
	static const char *const ab[] = { "a", "b" }, *const c[] = { "c" };
	static const uint8_t one[] = { 1 }, two[] = { 2, 2 };
	clusprop_builder b;
	uint32_t rc;

	(void)ctx;
	/* unknown names ignored; a name given twice: the last one counts
	 * (and the first one's copy is freed) */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Name", "old");
	clusprop_add_sz(&b, "Future", "x");
	clusprop_add_multi_sz(&b, "Nodes", ab, 2);
	clusprop_add_binary(&b, "In", one, sizeof(one));
	clusprop_add_binary(&b, "Private", one, sizeof(one));
	clusprop_add_sz(&b, "Name", "new");
	clusprop_add_multi_sz(&b, "Nodes", c, 1);
	clusprop_add_dword(&b, "Extra", 7);
	clusprop_add_binary(&b, "In", two, sizeof(two));
	clusprop_add_binary(&b, "Private", two, sizeof(two));
	clusprop_add_dword(&b, "Code", 1);
	clusprop_add_dword(&b, "Code", 2);
	struct cs_args want = { .name = S("new"), .nodes = (char **)c, .n_nodes = 1,
				.in = (void *)two, .in_size = 2, .has_in = 1,
				.priv = (void *)two, .priv_size = 2, .has_priv = 1,
				.code = 2, .has_code = 1 };
	rc = clusprop_builder_status(&b);
	if (rc == ERROR_SUCCESS)
		rc = check_parse("repeated and unknown names", clusprop_builder_data(&b),
				 clusprop_builder_size(&b), ERROR_SUCCESS, &want);
	/* the same list cut short: malformed */
	if (rc == ERROR_SUCCESS)
		rc = check_parse("truncated list", clusprop_builder_data(&b),
				 clusprop_builder_size(&b) - 4, ERROR_INVALID_DATA, NULL);
	clusprop_builder_free(&b);

	/* a wrong type after several arguments were taken: all of them freed */
	static const struct {
		const char *label, *bad_name;
		int bad_kind; /* 0 DWORD, 1 SZ, 2 BINARY */
	} wrong[] = {
		{ "Name as a DWORD", "Name", 0 },  { "NewName as BINARY", "NewName", 2 },
		{ "Nodes as SZ", "Nodes", 1 },     { "In as SZ", "In", 1 },
		{ "Private as a DWORD", "Private", 0 }, { "Code as SZ", "Code", 1 },
		{ "OutSize as BINARY", "OutSize", 2 }, { "WaitMs as SZ", "WaitMs", 1 },
		{ "State as SZ", "State", 1 },     { "NodeId as SZ", "NodeId", 1 },
		{ "Seq as BINARY", "Seq", 2 },     { "DependsOn as a DWORD", "DependsOn", 0 },
	};
	for (size_t i = 0; rc == ERROR_SUCCESS && i < N(wrong); i++) {
		clusprop_builder_init_owned(&b);
		clusprop_builder_begin_plist(&b);
		clusprop_add_sz(&b, "Group", "g1");
		clusprop_add_multi_sz(&b, "Nodes", ab, 2);
		clusprop_add_binary(&b, "In", one, sizeof(one));
		if (wrong[i].bad_kind == 0)
			clusprop_add_dword(&b, wrong[i].bad_name, 1);
		else if (wrong[i].bad_kind == 1)
			clusprop_add_sz(&b, wrong[i].bad_name, "x");
		else
			clusprop_add_binary(&b, wrong[i].bad_name, one, sizeof(one));
		clusprop_add_sz(&b, "Type", "never read");
		rc = clusprop_builder_status(&b);
		if (rc == ERROR_SUCCESS)
			rc = check_parse(wrong[i].label, clusprop_builder_data(&b),
					 clusprop_builder_size(&b), ERROR_INVALID_DATA, NULL);
		clusprop_builder_free(&b);
	}

	/* a lone surrogate in a string: refused before anything is read */
	static const uint8_t surrogate[] = {
		1, 0, 0, 0,
		0x03, 0x00, 0x04, 0x00, 10, 0, 0, 0, 'N', 0, 'a', 0, 'm', 0, 'e', 0, 0, 0, 0, 0,
		0x03, 0x00, 0x01, 0x00, 4, 0, 0, 0, 0x00, 0xD8, 0, 0,
		0, 0, 0, 0,
	};
	if (rc == ERROR_SUCCESS)
		rc = check_parse("lone surrogate", surrogate, sizeof(surrogate),
				 ERROR_NO_UNICODE_TRANSLATION, NULL);
	/* a value list is not a property list */
	static const uint8_t value_list[] = { 0x02, 0x00, 0x01, 0x00, 4, 0, 0, 0, 1, 0, 0, 0,
					      0, 0, 0, 0 };
	if (rc == ERROR_SUCCESS)
		rc = check_parse("value list", value_list, sizeof(value_list), ERROR_INVALID_DATA,
				 NULL);
	if (rc == ERROR_SUCCESS)
		rc = check_parse("malformed", malformed_list, sizeof(malformed_list),
				 ERROR_INVALID_DATA, NULL);
	return rc;
}

static void test_requests(void **state)
{
	(void)state;
	run_torture("requests of every op", scenario_requests, NULL, NULL);
	run_torture("odd requests", scenario_odd_requests, NULL, NULL);
}

/* The records of a status reply by kind; *cluster_ok if the Cluster record
 * names the local node and the quorum as given. */
static uint32_t count_status(const void *buf, size_t size, unsigned counts[4], const char *local,
			     uint32_t quorate, int *cluster_ok)
{
	static const char *const kinds_[4] = { "Cluster", "Node", "Group", "Resource" };
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc;

	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL);
	if (rc != ERROR_SUCCESS)
		return rc == ERROR_NOT_ENOUGH_MEMORY ? rc : ERROR_INVALID_DATA;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		int k;
		for (k = 0; k < 4 && strcmp(v.name, kinds_[k]); k++)
			;
		if (k == 4 || v.format != CLUSPROP_FORMAT_BINARY ||
		    clusprop_validate_property_list(v.data, v.length, NULL) != ERROR_SUCCESS) {
			rc = ERROR_INVALID_DATA;
			break;
		}
		counts[k]++;
		if (k != 0)
			continue;
		clusprop_iter in;
		clusprop_value f;
		int name_ok = local[0] == '\0', quorum_ok = 0; /* "": may be left out */
		if ((rc = clusprop_iter_init(&in, CLUSPROP_PROPERTY_LIST, v.data, v.length, NULL)))
			break;
		while ((rc = clusprop_iter_next(&in, &f)) == ERROR_SUCCESS) {
			if (!strcmp(f.name, "LocalNodeName"))
				name_ok = f.str && !strcmp(f.str, local);
			if (!strcmp(f.name, "Quorate") && f.format == CLUSPROP_FORMAT_DWORD &&
			    f.num.dw == quorate)
				quorum_ok = 1;
		}
		clusprop_iter_done(&in);
		if (rc != ERROR_NO_MORE_ITEMS)
			break;
		*cluster_ok = name_ok && quorum_ok;
	}
	clusprop_iter_done(&it);
	return rc == ERROR_NO_MORE_ITEMS ? ERROR_SUCCESS : rc;
}

static uint32_t scenario_status(void *ctx)
{
	struct cs_model m;
	clusprop_builder b;
	uint32_t rc;

	(void)ctx;
	model_init(&m);
	clusprop_builder_init_owned(&b);
	if ((rc = build_model(&m)))
		goto out;
	for (int pass = 0; pass < 2 && rc == ERROR_SUCCESS; pass++) {
		/* pass 1: no quorum, a local node id the model does not know */
		uint32_t local = pass ? 99 : NODE2, quorate = pass ? 0 : 1;
		unsigned counts[4] = { 0 };
		int cluster_ok = 0;
		clusprop_builder_free(&b);
		clusprop_builder_init_owned(&b);
		if ((rc = model_encode_status(&m, &b, &(struct cs_status_view){ .quorate = (int)quorate,
					.synced = 1, .runs = (int)quorate, .local_id = local })))
			break;
		rc = count_status(clusprop_builder_data(&b), clusprop_builder_size(&b), counts,
				  pass ? "" : "n2", quorate, &cluster_ok);
		if (rc == ERROR_INVALID_DATA)
			note("status reply: not records by name");
		size_t listed = 0; /* evicted nodes are not */
		for (size_t i = 0; i < m.n_nodes; i++)
			listed += !model_node_evicted(&m, &m.nodes[i]);
		if (rc == ERROR_SUCCESS && (counts[0] != 1 || counts[1] != listed ||
					    counts[2] != m.n_groups || counts[3] != m.n_resources ||
					    !cluster_ok)) {
			note("status reply (pass %d): %u/%u/%u/%u records, Cluster record %s", pass,
			     counts[0], counts[1], counts[2], counts[3], cluster_ok ? "ok" : "wrong");
			rc = ERROR_INVALID_DATA;
		}
	}
out:
	clusprop_builder_free(&b);
	model_free(&m);
	return rc;
}

static void test_status(void **state)
{
	(void)state;
	run_torture("status reply", scenario_status, NULL, NULL);
}

/* ======================================================================
 * c. model ops
 * ====================================================================== */

/* Everything of the model that a snapshot does not show, as text. */
static void fingerprint(const struct cs_model *m, char *buf, size_t size)
{
	size_t off = 0;

#define PUT(...)                                                                    \
	do {                                                                        \
		int n_ = snprintf(buf + off, off < size ? size - off : 0, __VA_ARGS__); \
		if (n_ > 0)                                                         \
			off += (size_t)n_;                                          \
	} while (0)
	PUT("cluster %s version %llu\n", m->cluster_name ? m->cluster_name : "-",
	    (unsigned long long)m->version);
	for (size_t i = 0; i < m->n_nodes; i++)
		PUT("node %s %u state %u paused %d\n", m->nodes[i].name, m->nodes[i].id,
		    m->nodes[i].state, m->nodes[i].paused);
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		PUT("group %s dirty %d placing %d failovers %u since %llu\n", g->name, g->dirty,
		    g->placing, g->failovers, (unsigned long long)g->failover_window_start);
	}
	for (size_t i = 0; i < m->n_resources; i++) {
		const struct cs_resource *r = m->resources[i];
		PUT("resource %s uid %llu dirty %d priv_gen %u restarts %u since %llu\n", r->name,
		    (unsigned long long)r->uid, r->dirty, r->priv_gen, r->restarts,
		    (unsigned long long)r->restart_window_start);
	}
	for (size_t i = 0; i < m->n_node_confs; i++)
		PUT("node settings %s dirty %d\n", m->node_confs[i]->name, m->node_confs[i]->dirty);
	for (size_t i = 0; i < m->n_type_confs; i++)
		PUT("type settings %s dirty %d\n", m->type_confs[i]->name, m->type_confs[i]->dirty);
	PUT("cluster settings set %d dirty %d\n", m->cluster.set, m->cluster.dirty);
	PUT("deleted groups:");
	for (size_t i = 0; i < m->deleted_groups.n; i++)
		PUT(" %s", m->deleted_groups.v[i]);
	PUT("\ndeleted resources:");
	for (size_t i = 0; i < m->deleted_resources.n; i++)
		PUT(" %s", m->deleted_resources.v[i]);
	PUT("\n");
#undef PUT
	if (off >= size)
		fail_msg("fingerprint buffer too small");
}

#define FP_SIZE 4096

struct op_case {
	const char *label;
	uint32_t op;
	struct cs_args a;
	enum input in;      /* IN_COMMON*: into a.in; IN_PRIVATE*: into a.priv */
	uint32_t expect;    /* on the clean run */
	int allocates;      /* must allocate (so the failures reach inside the op) */
	/* learned while running */
	uint64_t op_allocs;
	uint64_t runs_failed_inside;
};

static char *owners_new[] = { S("n2"), S("n3"), S("n1") };
static char *owners_unknown[] = { S("n1"), S("n9") };

static struct op_case op_cases[] = {
	/* config ops */
	{ .label = "MOP_GROUP_CREATE", .op = MOP_GROUP_CREATE, .a = { .name = S("g3") }, .allocates = 1 },
	{ .label = "MOP_GROUP_DELETE", .op = MOP_GROUP_DELETE, .a = { .name = S("g2") }, .allocates = 1 },
	{ .label = "MOP_GROUP_RENAME", .op = MOP_GROUP_RENAME, .a = { .name = S("g1"), .new_name = S("grp") },
	  .allocates = 1 },
	{ .label = "MOP_GROUP_SET_OWNERS", .op = MOP_GROUP_SET_OWNERS,
	  .a = { .name = S("g1"), .nodes = owners_new, .n_nodes = 3 }, .allocates = 1 },
	{ .label = "MOP_GROUP_PERSIST", .op = MOP_GROUP_PERSIST, .a = { .name = S("g1"), .state = 1, .has_state = 1 } },
	{ .label = "MOP_RES_CREATE", .op = MOP_RES_CREATE,
	  .a = { .name = S("r4"), .type = S("Dummy"), .group = S("g2"), .has_priv = 1 },
	  .in = IN_PRIVATE, .allocates = 1 },
	{ .label = "MOP_RES_DELETE", .op = MOP_RES_DELETE, .a = { .name = S("r3") }, .allocates = 1 },
	{ .label = "MOP_RES_RENAME", .op = MOP_RES_RENAME, .a = { .name = S("r1"), .new_name = S("disk") },
	  .allocates = 1 },
	{ .label = "MOP_RES_ADD_DEP", .op = MOP_RES_ADD_DEP, .a = { .name = S("r3"), .depends_on = S("r1") },
	  .allocates = 1 },
	{ .label = "MOP_RES_DEL_DEP", .op = MOP_RES_DEL_DEP, .a = { .name = S("r2"), .depends_on = S("r1") } },
	{ .label = "MOP_RES_ADD_OWNER", .op = MOP_RES_ADD_OWNER, .a = { .name = S("r1"), .node = S("n3") },
	  .allocates = 1 },
	{ .label = "MOP_RES_DEL_OWNER", .op = MOP_RES_DEL_OWNER, .a = { .name = S("r1"), .node = S("n2") } },
	{ .label = "MOP_RES_SET_PRIVATE", .op = MOP_RES_SET_PRIVATE, .a = { .name = S("r1"), .has_priv = 1 },
	  .in = IN_PRIVATE_UPDATE, .allocates = 1 },
	{ .label = "MOP_RES_SET_COMMON", .op = MOP_RES_SET_COMMON, .a = { .name = S("r1"), .has_in = 1 },
	  .in = IN_COMMON, .allocates = 1 },
	{ .label = "MOP_RES_PERSIST", .op = MOP_RES_PERSIST, .a = { .name = S("r2"), .state = 1, .has_state = 1 } },
	{ .label = "MOP_GROUP_SET_COMMON", .op = MOP_GROUP_SET_COMMON,
	  .a = { .name = S("g1"), .has_in = 1 }, .in = IN_GROUP, .allocates = 1 },
	{ .label = "MOP_NODE_SET_COMMON (its first setting)", .op = MOP_NODE_SET_COMMON,
	  .a = { .name = S("n2"), .has_in = 1 }, .in = IN_DESCRIPTION, .allocates = 1 },
	{ .label = "MOP_NODE_SET_COMMON (settings it has)", .op = MOP_NODE_SET_COMMON,
	  .a = { .name = S("n1"), .has_in = 1 }, .in = IN_DESCRIPTION, .allocates = 1 },
	{ .label = "MOP_TYPE_SET_COMMON (its first setting)", .op = MOP_TYPE_SET_COMMON,
	  .a = { .name = S("Dummy"), .has_in = 1 }, .in = IN_TYPE, .allocates = 1 },
	{ .label = "MOP_TYPE_SET_COMMON (settings it has)", .op = MOP_TYPE_SET_COMMON,
	  .a = { .name = S("Physical Disk"), .has_in = 1 }, .in = IN_TYPE, .allocates = 1 },
	{ .label = "MOP_CLUSTER_SET_COMMON", .op = MOP_CLUSTER_SET_COMMON, .a = { .has_in = 1 },
	  .in = IN_DESCRIPTION, .allocates = 1 },
	{ .label = "MOP_RES_CREATE of a type with settings", .op = MOP_RES_CREATE,
	  .a = { .name = S("r5"), .type = S("Physical Disk"), .group = S("g2") }, .allocates = 1 },
	{ .label = "MOP_NODE_EVICT (a down node in owner lists, its first setting)",
	  .op = MOP_NODE_EVICT, .a = { .name = S("n4"), .state = 1, .has_state = 1 }, .allocates = 1 },
	{ .label = "MOP_NODE_EVICT (a down node with settings)", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n7"), .state = 1, .has_state = 1 } },
	{ .label = "MOP_NODE_EVICT 0 (an evicted node back)", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n6"), .state = 0, .has_state = 1 } },
	/* runtime ops */
	{ .label = "MOP_RES_STATE", .op = MOP_RES_STATE,
	  .a = { .name = S("r2"), .state = ClusterResourceOnline, .has_state = 1 } },
	{ .label = "MOP_GROUP_OWNER", .op = MOP_GROUP_OWNER, .a = { .name = S("g1"), .node_id = NODE2, .has_node_id = 1 } },
	{ .label = "MOP_GROUP_MOVING", .op = MOP_GROUP_MOVING,
	  .a = { .name = S("g1"), .node_id = NODE2, .has_node_id = 1 } },
	{ .label = "MOP_GROUP_MOVING (a failover)", .op = MOP_GROUP_MOVING,
	  .a = { .name = S("g1"), .node_id = NODE2, .has_node_id = 1, .failover = 1795000000,
		 .has_failover = 1 } },
	{ .label = "MOP_GROUP_HOLD", .op = MOP_GROUP_HOLD,
	  .a = { .name = S("g1"), .state = CS_HOLD_FAILOVERS, .has_state = 1 } },
	{ .label = "MOP_GROUP_HOLD (no owner)", .op = MOP_GROUP_HOLD,
	  .a = { .name = S("g1"), .state = CS_HOLD_FAILOVERS, .has_state = 1, .node_id = 0,
		 .has_node_id = 1 } },
	{ .label = "MOP_NODE_PAUSE", .op = MOP_NODE_PAUSE, .a = { .name = S("n2"), .state = 1, .has_state = 1 } },
	{ .label = "MOP_NODE_PAUSE (resume)", .op = MOP_NODE_PAUSE, .a = { .name = S("n3"), .state = 0, .has_state = 1 } },
	/* refused for their arguments: nothing changes either */
	{ .label = "MOP_GROUP_DELETE of a group with resources", .op = MOP_GROUP_DELETE, .a = { .name = S("g1") },
	  .expect = ERROR_DIR_NOT_EMPTY },
	{ .label = "MOP_GROUP_RENAME onto a resource's name", .op = MOP_GROUP_RENAME,
	  .a = { .name = S("g1"), .new_name = S("r1") }, .expect = ERROR_OBJECT_ALREADY_EXISTS },
	{ .label = "MOP_RES_ADD_DEP making a cycle", .op = MOP_RES_ADD_DEP,
	  .a = { .name = S("r1"), .depends_on = S("r2") }, .expect = ERROR_CIRCULAR_DEPENDENCY },
	{ .label = "MOP_RES_DELETE of an online resource", .op = MOP_RES_DELETE, .a = { .name = S("r1") },
	  .expect = ERROR_RESOURCE_ONLINE },
	{ .label = "MOP_RES_SET_COMMON out of range", .op = MOP_RES_SET_COMMON, .a = { .name = S("r1"), .has_in = 1 },
	  .in = IN_COMMON_RANGE, .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_RES_SET_COMMON with an unknown property", .op = MOP_RES_SET_COMMON,
	  .a = { .name = S("r1"), .has_in = 1 }, .in = IN_COMMON_UNKNOWN,
	  .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_RES_SET_PRIVATE malformed", .op = MOP_RES_SET_PRIVATE, .a = { .name = S("r1"), .has_priv = 1 },
	  .in = IN_MALFORMED, .expect = ERROR_INVALID_DATA },
	{ .label = "MOP_GROUP_SET_OWNERS with an unknown node", .op = MOP_GROUP_SET_OWNERS,
	  .a = { .name = S("g1"), .nodes = owners_unknown, .n_nodes = 2 },
	  .expect = ERROR_CLUSTER_NODE_NOT_FOUND },
	{ .label = "MOP_GROUP_SET_COMMON with half a failback window", .op = MOP_GROUP_SET_COMMON,
	  .a = { .name = S("g1"), .has_in = 1 }, .in = IN_GROUP_HALF,
	  .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_GROUP_SET_COMMON failback without preferred owners",
	  .op = MOP_GROUP_SET_COMMON, .a = { .name = S("g2"), .has_in = 1 }, .in = IN_FAILBACK,
	  .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_GROUP_SET_COMMON of a read-only property", .op = MOP_GROUP_SET_COMMON,
	  .a = { .name = S("g1"), .has_in = 1 }, .in = IN_GROUP_RO,
	  .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_GROUP_SET_COMMON of no such group", .op = MOP_GROUP_SET_COMMON,
	  .a = { .name = S("g9"), .has_in = 1 }, .in = IN_GROUP, .expect = ERROR_GROUP_NOT_FOUND },
	{ .label = "MOP_GROUP_SET_OWNERS removing the last one of a group that fails back",
	  .op = MOP_GROUP_SET_OWNERS, .a = { .name = S("g1"), .nodes = owners_new, .n_nodes = 0 },
	  .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_NODE_SET_COMMON of no such node", .op = MOP_NODE_SET_COMMON,
	  .a = { .name = S("n9"), .has_in = 1 }, .in = IN_DESCRIPTION,
	  .expect = ERROR_CLUSTER_NODE_NOT_FOUND },
	{ .label = "MOP_NODE_SET_COMMON, a DWORD for a string (first setting)",
	  .op = MOP_NODE_SET_COMMON, .a = { .name = S("n2"), .has_in = 1 },
	  .in = IN_DESCRIPTION_DW, .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_TYPE_SET_COMMON with a 0 poll interval (first setting)",
	  .op = MOP_TYPE_SET_COMMON, .a = { .name = S("Dummy"), .has_in = 1 }, .in = IN_TYPE_ZERO,
	  .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_TYPE_SET_COMMON of an invalid type name", .op = MOP_TYPE_SET_COMMON,
	  .a = { .name = S(""), .has_in = 1 }, .in = IN_TYPE, .expect = ERROR_INVALID_NAME },
	{ .label = "MOP_CLUSTER_SET_COMMON malformed", .op = MOP_CLUSTER_SET_COMMON,
	  .a = { .has_in = 1 }, .in = IN_MALFORMED, .expect = ERROR_INVALID_DATA },
	{ .label = "MOP_CLUSTER_SET_COMMON with a group's property", .op = MOP_CLUSTER_SET_COMMON,
	  .a = { .has_in = 1 }, .in = IN_GROUP, .expect = ERROR_INVALID_PARAMETER },
	{ .label = "MOP_NODE_EVICT of a node that is up", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n3"), .state = 1, .has_state = 1 }, .expect = ERROR_CANT_EVICT_ACTIVE_NODE },
	{ .label = "MOP_NODE_EVICT of the only possible owner of a resource", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n5"), .state = 1, .has_state = 1 }, .expect = ERROR_INVALID_STATE },
	{ .label = "MOP_NODE_EVICT of an evicted node", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n6"), .state = 1, .has_state = 1 }, .expect = ERROR_CLUSTER_NODE_NOT_FOUND },
	{ .label = "MOP_NODE_EVICT of no such node", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n9"), .state = 1, .has_state = 1 }, .expect = ERROR_CLUSTER_NODE_NOT_FOUND },
	{ .label = "MOP_NODE_EVICT 0 of a node not evicted", .op = MOP_NODE_EVICT,
	  .a = { .name = S("n4"), .state = 0, .has_state = 1 }, .expect = ERROR_INVALID_STATE },
	{ .label = "MOP_GROUP_SET_OWNERS naming an evicted node", .op = MOP_GROUP_SET_OWNERS,
	  .a = { .name = S("g2"), .nodes = (char *[]){ S("n6") }, .n_nodes = 1 },
	  .expect = ERROR_CLUSTER_NODE_NOT_FOUND },
	{ .label = "unknown op", .op = MOP_CONFIG_MAX, .a = { .name = S("g1") }, .expect = ERROR_INVALID_FUNCTION },
};

/* Whether the model's snapshot and fingerprint are still `snap` / `fp`;
 * ERROR_SUCCESS with *same set, or the encoder's error. */
static uint32_t same_model(const struct cs_model *m, const clusprop_builder *snap,
			   const char *fp, int *same)
{
	clusprop_builder b;
	char now[FP_SIZE];
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	rc = model_encode_snapshot(m, &b);
	if (rc == ERROR_SUCCESS) {
		fingerprint(m, now, sizeof(now));
		*same = bytes_eq(clusprop_builder_data(&b), clusprop_builder_size(&b),
				 clusprop_builder_data(snap), clusprop_builder_size(snap)) &&
			!strcmp(now, fp);
	}
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t scenario_op(void *ctx)
{
	struct op_case *c = ctx;
	struct cs_model m;
	struct inputs in;
	struct cs_args a = c->a;
	clusprop_builder before;
	char fp[FP_SIZE];
	const char *why = NULL;
	uint32_t rc, op_rc;
	int same = 0;

	model_init(&m);
	clusprop_builder_init_owned(&before);
	rc = inputs_build(&in);
	if (rc == ERROR_SUCCESS)
		rc = build_model(&m);
	if (rc == ERROR_SUCCESS)
		rc = model_encode_snapshot(&m, &before);
	if (rc != ERROR_SUCCESS)
		goto out;
	if (c->in == IN_PRIVATE || c->in == IN_PRIVATE_UPDATE ||
	    (c->in == IN_MALFORMED && c->op == MOP_RES_SET_PRIVATE))
		inputs_get(&in, c->in, (const void **)&a.priv, &a.priv_size);
	else if (c->in != IN_NONE)
		inputs_get(&in, c->in, (const void **)&a.in, &a.in_size);
	fingerprint(&m, fp, sizeof(fp));

	int failed_before = cs_alloc_failed();
	uint64_t count_before = cs_alloc_count();
	op_rc = model_apply(&m, c->op, &a, &why);
	uint64_t op_allocs = cs_alloc_count() - count_before;
	int failed_inside = !failed_before && cs_alloc_failed();

	if (failed_inside) {
		c->runs_failed_inside++;
		if (op_rc != ERROR_NOT_ENOUGH_MEMORY)
			note("%s: allocation %llu of the op failed, the op returned %u", c->label,
			     (unsigned long long)op_allocs, op_rc);
		/* one failure per run: the snapshot below cannot fail */
		rc = same_model(&m, &before, fp, &same);
		if (rc == ERROR_SUCCESS && !same)
			note("%s: allocation %llu of the op failed and the model changed",
			     c->label, (unsigned long long)op_allocs);
		rc = op_rc != ERROR_SUCCESS ? op_rc : ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (op_rc != c->expect) {
		note("%s: the op returned %u (%s), expected %u", c->label, op_rc, why ? why : "",
		     c->expect);
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	if (op_allocs > c->op_allocs)
		c->op_allocs = op_allocs;
	if ((rc = same_model(&m, &before, fp, &same)) != ERROR_SUCCESS)
		goto out;
	if (op_rc == ERROR_SUCCESS && same) {
		note("%s: succeeded and changed nothing", c->label);
		rc = ERROR_INVALID_DATA;
	} else if (op_rc != ERROR_SUCCESS && !same) {
		note("%s: refused (%u) and changed the model", c->label, op_rc);
		rc = ERROR_INVALID_DATA;
	}
out:
	clusprop_builder_free(&before);
	inputs_free(&in);
	model_free(&m);
	return rc;
}

static void test_model_ops(void **state)
{
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < N(op_cases); i++) {
		struct op_case *c = &op_cases[i];
		struct torture_result res;
		c->op_allocs = c->runs_failed_inside = 0;
		notes_reset();
		int r = torture_run(c->label, scenario_op, c, &res);
		const char *problem = notes.n ? notes.first : r ? res.error : NULL;
		if (!problem && c->allocates && c->op_allocs == 0)
			problem = "the op made no allocation: the failures never reached inside it";
		if (!problem && c->runs_failed_inside != c->op_allocs)
			problem = "not every allocation of the op was failed";
		if (getenv("TORTURE_VERBOSE") || problem)
			fprintf(stderr, "%s %s: %llu allocation(s) inside the op, %llu in all%s%s\n",
				problem ? "FAIL" : "ok  ", c->label,
				(unsigned long long)c->op_allocs,
				(unsigned long long)res.allocations, problem ? ": " : "",
				problem ? problem : "");
		bad += problem != NULL;
	}
	if (bad)
		fail_msg("%u model op case(s) broke their promise (see above)", bad);
}

/* ======================================================================
 * d. state transfer
 * ====================================================================== */

static uint32_t receiver(struct cs_model *t, int own_group)
{
	struct cs_args g = { .name = S("mine") };
	uint32_t rc;

	if ((rc = model_set_node(t, NODE1, "n1", ClusterNodeUp)) ||
	    (rc = model_set_node(t, NODE2, "n2", ClusterNodeUp)) ||
	    (rc = model_set_node(t, NODE3, "n3", ClusterNodeUp)))
		return rc;
	return own_group ? apply(t, MOP_GROUP_CREATE, &g) : ERROR_SUCCESS;
}

static int hdr_eq(const struct wire_hdr *a, const struct wire_hdr *b)
{
	return a->type == b->type && a->op == b->op && a->from == b->from && a->dest == b->dest &&
	       a->req_id == b->req_id && a->status == b->status && a->len == b->len &&
	       a->version == b->version;
}

/* Load a snapshot into t: ERROR_SUCCESS if model_load answered `expect`;
 * refused (as expected, or for lack of memory), t must be as it was. */
static uint32_t check_load(struct cs_model *t, const char *label, const void *buf, size_t len,
			   int runtime, uint32_t expect)
{
	clusprop_builder before;
	char fp[FP_SIZE];
	uint32_t rc, src;
	int same = 0;

	clusprop_builder_init_owned(&before);
	if ((rc = model_encode_snapshot(t, &before)))
		goto out;
	fingerprint(t, fp, sizeof(fp));
	rc = model_load(t, buf, len, runtime);
	if (rc == expect && rc == ERROR_SUCCESS)
		goto out;
	if (rc != expect && rc != ERROR_NOT_ENOUGH_MEMORY) {
		note("%s: model_load gave %u, expected %u", label, rc, expect);
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	if ((src = same_model(t, &before, fp, &same)) != ERROR_SUCCESS) {
		rc = src;
	} else if (!same) {
		note("%s: refused (%u) and changed the model", label, rc);
		rc = ERROR_INVALID_DATA;
	} else if (rc == expect) {
		rc = ERROR_SUCCESS;
	}
out:
	clusprop_builder_free(&before);
	return rc;
}

static uint32_t scenario_transfer(void *ctx)
{
	struct cs_model m, t, u;
	clusprop_builder snap, again, row_m, row_u, bad;
	uint8_t *msg = NULL, st[WIRE_HEADER + WIRE_STATE_SIZE];
	const uint8_t *p = NULL;
	struct wire_hdr d;
	uint32_t rc;

	(void)ctx;
	model_init(&m);
	model_init(&t);
	model_init(&u);
	clusprop_builder_init_owned(&snap);
	clusprop_builder_init_owned(&again);
	clusprop_builder_init_owned(&row_m);
	clusprop_builder_init_owned(&row_u);
	clusprop_builder_init_owned(&bad);
	if ((rc = build_model(&m)) || (rc = model_encode_snapshot(&m, &snap)))
		goto out;

	/* the leader's SNAPSHOT message */
	size_t len = clusprop_builder_size(&snap);
	struct wire_hdr h = { .type = MSG_SNAPSHOT, .op = 0, .from = NODE1, .dest = 0,
			      .req_id = 77, .status = 0, .len = (uint32_t)len,
			      .version = WIRE_VERSION };
	if (!(msg = cs_malloc(WIRE_HEADER + len))) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	wire_encode_hdr(msg, &h);
	memcpy(msg + WIRE_HEADER, clusprop_builder_data(&snap), len);
	if (wire_decode(msg, WIRE_HEADER + len, &d, &p) != ERROR_SUCCESS || !hdr_eq(&d, &h) ||
	    p != msg + WIRE_HEADER) {
		note("SNAPSHOT message: the header does not come back");
		rc = ERROR_INVALID_DATA;
		goto out;
	}

	/* a receiver with a database of its own: replaced, runtime state and all */
	if ((rc = receiver(&t, 1)) ||
	    (rc = check_load(&t, "the snapshot", p, d.len, 1, ERROR_SUCCESS)))
		goto out;
	if ((rc = model_encode_snapshot(&t, &again)))
		goto out;
	if (!bytes_eq(clusprop_builder_data(&again), clusprop_builder_size(&again),
		      clusprop_builder_data(&snap), len) ||
	    t.version != m.version || !model_group(&t, "g1") || model_group(&t, "mine") ||
	    !t.nodes[2].paused) {
		note("snapshot loaded with runtime state: not the leader's model");
		rc = ERROR_INVALID_DATA;
		goto out;
	}

	/* runtime 0 (a database): the configuration, not the live state */
	if ((rc = receiver(&u, 0)) ||
	    (rc = check_load(&u, "the snapshot as a database", p, d.len, 0, ERROR_SUCCESS)))
		goto out;
	if (u.n_groups != m.n_groups || u.n_resources != m.n_resources || u.version != m.version ||
	    u.nodes[2].paused) {
		note("snapshot loaded without runtime state: objects or version differ");
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	for (size_t i = 0; i < m.n_groups + m.n_resources; i++) {
		int grp = i < m.n_groups;
		size_t k = grp ? i : i - m.n_groups;
		const void *om = grp ? (const void *)m.groups[k] : (const void *)m.resources[k];
		const void *ou = grp ? (const void *)u.groups[k] : (const void *)u.resources[k];
		enum cs_record kind = grp ? CS_REC_GROUP : CS_REC_RESOURCE;
		clusprop_builder_free(&row_m);
		clusprop_builder_free(&row_u);
		clusprop_builder_init_owned(&row_m);
		clusprop_builder_init_owned(&row_u);
		if ((rc = model_encode_row(&row_m, kind, om)) ||
		    (rc = model_encode_row(&row_u, kind, ou)))
			goto out;
		if (!bytes_eq(clusprop_builder_data(&row_m), clusprop_builder_size(&row_m),
			      clusprop_builder_data(&row_u), clusprop_builder_size(&row_u)) ||
		    (grp && (u.groups[k]->owner || u.groups[k]->moving_to)) ||
		    (!grp && u.resources[k]->state != ClusterResourceOffline)) {
			note("snapshot loaded without runtime state: object %zu differs", i);
			rc = ERROR_INVALID_DATA;
			goto out;
		}
	}

	/* a STATE message */
	struct wire_state sent = { .version = m.version, .flags = 0x80000001u,
				   .epoch = 0x0102030405060708ull }, got = { 0 };
	struct wire_hdr hs = { .type = MSG_STATE, .from = NODE3, .len = WIRE_STATE_SIZE,
			       .version = WIRE_VERSION };
	wire_encode_hdr(st, &hs);
	wire_encode_state(st + WIRE_HEADER, &sent);
	if (wire_decode(st, sizeof(st), &d, &p) != ERROR_SUCCESS || !hdr_eq(&d, &hs) ||
	    wire_decode_state(p, d.len, &got) != ERROR_SUCCESS ||
	    got.version != sent.version || got.flags != sent.flags || got.epoch != sent.epoch) {
		note("STATE message: does not come back");
		rc = ERROR_INVALID_DATA;
		goto out;
	}

	/* snapshots to refuse, the receiver unchanged */
	clusprop_builder_begin_plist(&bad);
	clusprop_add_dword(&bad, "SchemaVersion", CS_SCHEMA_VERSION + 1);
	clusprop_add_ularge(&bad, "Version", 1);
	if ((rc = clusprop_builder_status(&bad)) ||
	    (rc = check_load(&t, "a newer schema", clusprop_builder_data(&bad),
				     clusprop_builder_size(&bad), 1, ERROR_CLUSTER_INCOMPATIBLE_VERSIONS)))
		goto out;
	clusprop_builder_free(&bad);
	clusprop_builder_init_owned(&bad);
	clusprop_builder_begin_plist(&bad);
	clusprop_add_ularge(&bad, "Version", 1);
	if ((rc = model_encode_group(&bad, m.groups[0], 1)) ||
	    (rc = check_load(&t, "no schema", clusprop_builder_data(&bad),
				     clusprop_builder_size(&bad), 1, ERROR_CLUSTER_INCOMPATIBLE_VERSIONS)))
		goto out;
	clusprop_builder_free(&bad);
	clusprop_builder_init_owned(&bad);
	clusprop_builder_begin_plist(&bad);
	clusprop_add_dword(&bad, "SchemaVersion", CS_SCHEMA_VERSION);
	if ((rc = model_encode_group(&bad, m.groups[1], 1)) ||
	    (rc = model_encode_resource(&bad, m.resources[0], 1)) ||
	    (rc = model_encode_group(&bad, m.groups[1], 1)) ||
	    (rc = check_load(&t, "a group twice", clusprop_builder_data(&bad),
				     clusprop_builder_size(&bad), 1, ERROR_INVALID_DATA)))
		goto out;
	rc = check_load(&t, "cut short", clusprop_builder_data(&snap), len - 4, 1,
			ERROR_INVALID_DATA);
out:
	cs_free(msg);
	clusprop_builder_free(&bad);
	clusprop_builder_free(&row_u);
	clusprop_builder_free(&row_m);
	clusprop_builder_free(&again);
	clusprop_builder_free(&snap);
	model_free(&u);
	model_free(&t);
	model_free(&m);
	return rc;
}

static void test_state_transfer(void **state)
{
	(void)state;
	run_torture("state transfer", scenario_transfer, NULL, NULL);
}

/* Framing refusals: no allocation involved, checked once. */
static void test_wire_refusals(void **state)
{
	uint8_t msg[WIRE_HEADER + 8] = { 0 };
	struct wire_hdr h = { .type = MSG_OP, .op = MOP_GROUP_CREATE, .len = 8, .version = 0 };
	struct wire_hdr d, sentinel;
	const uint8_t *p = (const uint8_t *)"untouched";
	struct wire_state ws = { .version = 42, .flags = 43 };

	(void)state;
	memset(&sentinel, 0x5A, sizeof(sentinel));
	wire_encode_hdr(msg, &h);
	/* version 0 on the wire: protocol 1 */
	assert_int_equal(wire_decode(msg, sizeof(msg), &d, &p), ERROR_SUCCESS);
	assert_int_equal(d.version, 1);
	assert_ptr_equal(p, msg + WIRE_HEADER);
	/* every refusal leaves the outputs as they were */
	p = (const uint8_t *)"untouched";
	d = sentinel;
	assert_int_equal(wire_decode(msg, sizeof(msg) - 1, &d, &p), ERROR_INVALID_DATA);
	assert_int_equal(wire_decode(msg, WIRE_HEADER - 1, &d, &p), ERROR_INVALID_DATA);
	assert_int_equal(wire_decode(NULL, sizeof(msg), &d, &p), ERROR_INVALID_DATA);
	msg[0] ^= 1;
	assert_int_equal(wire_decode(msg, sizeof(msg), &d, &p), ERROR_INVALID_DATA);
	msg[0] ^= 1;
	/* a length over the cap, even when the message claims to be that long
	 * (only the header is read) */
	cs_put_le32(msg + 24, WIRE_MAX_PAYLOAD + 1);
	assert_int_equal(wire_decode(msg, WIRE_HEADER + (size_t)WIRE_MAX_PAYLOAD + 1, &d, &p),
			 ERROR_INVALID_DATA);
	assert_memory_equal(&d, &sentinel, sizeof(d));
	assert_string_equal((const char *)p, "untouched");
	/* STATE payloads are WIRE_STATE_SIZE bytes exactly */
	assert_int_equal(wire_decode_state(msg, WIRE_STATE_SIZE - 1, &ws), ERROR_INVALID_DATA);
	assert_int_equal(wire_decode_state(msg, WIRE_STATE_SIZE + 1, &ws), ERROR_INVALID_DATA);
	assert_int_equal(wire_decode_state(NULL, WIRE_STATE_SIZE, &ws), ERROR_INVALID_DATA);
	assert_int_equal(ws.version, 42);
	assert_int_equal(ws.flags, 43);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_unanswered_codes),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_model_ops),
		cmocka_unit_test(test_state_transfer),
		cmocka_unit_test(test_wire_refusals),
	};
	return cmocka_run_group_tests_name("torture_daemon", tests, NULL, NULL);
}
