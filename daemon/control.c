/*
 * control.c - a control code's whole life in clusterd, from the client's
 * request to its answer.
 *
 *   api.c  a CS_OP_*_CONTROL request -> control_request()
 *          routing: the node named by the caller, else the node owning the
 *          resource's (or group's) group, else this node; the client waits
 *          in a `struct ctl_wait` (answer, timeout, or its node leaving).
 *   here:  run_here() -> the plugin first, through the resource host
 *          (rm_control(), which calls on_plugin_done() exactly once);
 *          a code only clusterd knows, or one the plugin declines with
 *          ERROR_INVALID_FUNCTION, is answered from the model
 *          (answers.c: answer_control()) - as MSCS resource DLLs leave
 *          common codes to the cluster service.
 *   there: MSG_CONTROL_REQ over CPG -> control_on_request() on that node,
 *          which runs run_here() there and multicasts MSG_CONTROL_REPLY ->
 *          control_on_reply() back here.
 *   back:  answered() -> the waiting client gets BytesReturned [+ Out].
 *
 * Every answer obeys the buffer contract: a caller buffer too small gives
 * ERROR_MORE_DATA and the size needed, and nothing else.
 *
 * SET_COMMON_PROPERTIES (of any object) and SET_PRIVATE_PROPERTIES are
 * changes, not queries: validated, then replicated as model ops
 * (change_submit()); a resource type's is first validated on this node,
 * where the host says whether the type is installed.  Private
 * properties are validated where the resource lives, by its plugin if it
 * has the resource open (VALIDATE_PRIVATE_PROPERTIES routed like any
 * control), and stored only if that passed: names the plugin refuses would
 * make it refuse every later update pushed to it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <string.h>
#include <strings.h>

#include <clusapi/clusctl.h>

#include "answers.h"
#include "clientproto.h"
#include "cs_alloc.h"
#include "cs_bytes.h"
#include "disks.h"
#include "log.h"

/* How long a client waits for a control's answer (longer than the host's
 * own deadline for a plugin call, rm.c). */
#define CONTROL_WAIT_MS 30000u

/* What to do with the answer a client waits for. */
enum ctl_then {
	THEN_REPLY = 1,          /* send it to the client */
	THEN_STORE_PRIVATE,      /* it was the VALIDATE of a SET_PRIVATE_PROPERTIES:
	                            replicate `priv` if it passed */
	THEN_STORE_TYPE_COMMON,  /* it was the VALIDATE of a resource type's
	                            SET_COMMON_PROPERTIES (the host first: is there
	                            such a type?): replicate `priv` (the list) if it
	                            passed */
};

/* A client of this node waiting for a control's answer. */
struct ctl_wait {
	struct ctl_wait *next;
	conn_id conn;            /* the client (gone: its answer is dropped) */
	uint32_t api_op, client_id;
	uint32_t req_id;         /* this node's id for the control (CPG and local) */
	uint32_t target;         /* the node answering it */
	uint64_t deadline;
	enum ctl_then then;
	char *name;              /* THEN_STORE_*: the resource or type */
	void *priv;              /* THEN_STORE_*: the list to store */
	size_t priv_size;
};

/* A control being answered on this node (for this node or another). */
struct ctl_run {
	uint32_t origin, req_id;
	struct ctl_query q;      /* q.name and q.in point into this struct's copies */
	uint32_t out_size;
	int filter_disks;        /* GET_AVAILABLE_DISKS: drop disks that are resources */
	char *name;
	void *in;
};

static struct ctl_wait *waits;
static struct loop_timer *tick;
static uint32_t next_ctl_id;
static int stopping;

static void answered(uint32_t origin, uint32_t req_id, uint32_t status, const void *out,
		     size_t bytes_returned, size_t out_len);

/* ---- waiting clients ---- */

static void wait_free(struct ctl_wait *w)
{
	for (struct ctl_wait **pp = &waits; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	cs_free(w->name);
	cs_free(w->priv);
	cs_free(w);
}

static struct ctl_wait *wait_find(uint32_t req_id)
{
	for (struct ctl_wait *w = waits; w; w = w->next)
		if (w->req_id == req_id)
			return w;
	return NULL;
}

/* Send the client its control reply: BytesReturned always, Out on success. */
static void reply_to_client(const struct ctl_wait *w, uint32_t status, const void *out,
			    size_t bytes_returned, size_t out_len)
{
	clusprop_builder b;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_dword(&b, "BytesReturned", (uint32_t)bytes_returned);
	if (status == ERROR_SUCCESS && out_len)
		clusprop_add_binary(&b, "Out", out, out_len);
	if (clusprop_builder_status(&b) == ERROR_SUCCESS)
		conn_reply(w->conn, w->api_op, w->client_id, status, clusprop_builder_data(&b),
			  clusprop_builder_size(&b));
	else
		conn_reply(w->conn, w->api_op, w->client_id, ERROR_NOT_ENOUGH_MEMORY, NULL, 0);
	clusprop_builder_free(&b);
}

/* The answer to a control this node asked: finish its client's wait. */
static void wait_answered(struct ctl_wait *w, uint32_t status, const void *out,
			  size_t bytes_returned, size_t out_len)
{
	if (w->then == THEN_STORE_PRIVATE) {
		if (status == ERROR_SUCCESS) {
			struct cs_args s = { .name = w->name, .priv = w->priv,
					     .priv_size = w->priv_size, .has_priv = 1 };
			change_submit(w->conn, w->api_op, w->client_id, MOP_RES_SET_PRIVATE, &s, NULL,
				   0, 0);
		} else {
			conn_reply_error(w->conn, w->api_op, w->client_id, status,
					"the resource type refused these private properties");
		}
	} else if (w->then == THEN_STORE_TYPE_COMMON) {
		struct cs_args s = { .name = w->name, .in = w->priv, .in_size = w->priv_size,
				     .has_in = 1 };
		const char *why = NULL;
		if (status == ERROR_SUCCESS) {
			change_submit(w->conn, w->api_op, w->client_id, MOP_TYPE_SET_COMMON, &s, NULL,
				      0, 0);
		} else {
			/* the model's reason, if it was the model that refused */
			if (status == ERROR_INVALID_PARAMETER)
				model_validate_props(&csd->model, CS_PROPS_TYPE, w->name, w->priv,
						     w->priv_size, &why);
			conn_reply_error(w->conn, w->api_op, w->client_id, status, why);
		}
	} else {
		reply_to_client(w, status, out, bytes_returned, out_len);
	}
	wait_free(w);
}

static void on_tick(void *data)
{
	uint64_t now = loop_now_ms();

	(void)data;
	for (struct ctl_wait *w = waits, *next; w; w = next) {
		next = w->next;
		if (now < w->deadline)
			continue;
		conn_reply_error(w->conn, w->api_op, w->client_id, ERROR_TIMEOUT,
				"no answer from the cluster in time");
		wait_free(w);
	}
}

void control_members_changed(void)
{
	for (struct ctl_wait *w = waits, *next; w; w = next) {
		next = w->next;
		if (w->target == csd->local_id || repl_is_member(w->target))
			continue;
		conn_reply_error(w->conn, w->api_op, w->client_id, ERROR_HOST_NODE_NOT_AVAILABLE,
				"the node answering the control left the cluster");
		wait_free(w);
	}
}

/* ---- answering on this node ---- */

static void run_free(struct ctl_run *run)
{
	if (!run)
		return;
	cs_free(run->name);
	cs_free(run->in);
	cs_free(run);
}

/* clusterd's own answer, under the buffer contract. */
static void answer_from_model(const struct ctl_run *run)
{
	clusprop_builder b;
	uint32_t rc;
	size_t size;

	clusprop_builder_init_owned(&b);
	rc = answer_control(&csd->model, &run->q, &b);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_builder_status(&b);
	size = clusprop_builder_size(&b);
	if (rc != ERROR_SUCCESS)
		answered(run->origin, run->req_id, rc, NULL, 0, 0);
	else if (size > run->out_size)
		answered(run->origin, run->req_id, ERROR_MORE_DATA, NULL, size, 0);
	else
		answered(run->origin, run->req_id, ERROR_SUCCESS, clusprop_builder_data(&b), size,
			 size);
	clusprop_builder_free(&b);
}

/* GET_AVAILABLE_DISKS: the plugin's list without the disks that are already
 * resources, under the client's buffer contract (the plugin was given room
 * for the whole list, DISKS_AVAILABLE_MAX). */
static void answer_available_disks(const struct ctl_run *run, const void *out, size_t out_len)
{
	uint8_t *list = NULL;
	size_t n = 0;
	uint32_t rc = disks_filter_available(&csd->model, out, out_len, &list, &n);

	if (rc != ERROR_SUCCESS) {
		log_err("GET_AVAILABLE_DISKS: the Physical Disk plugin's list is unusable: %s",
			cluster_strerror(rc));
		answered(run->origin, run->req_id, rc, NULL, 0, 0);
	} else if (n > run->out_size) {
		answered(run->origin, run->req_id, ERROR_MORE_DATA, NULL, n, 0);
	} else {
		answered(run->origin, run->req_id, ERROR_SUCCESS, list, n, n);
	}
	cs_free(list);
}

/* rm_control()'s completion: the plugin's answer, or its "invalid function". */
static void on_plugin_done(void *ctx, uint32_t status, const void *out, size_t bytes_returned,
			   size_t out_len)
{
	struct ctl_run *run = ctx;

	if (!stopping) {
		if (status == ERROR_INVALID_FUNCTION)
			answer_from_model(run);
		else if (run->filter_disks && status == ERROR_SUCCESS)
			answer_available_disks(run, out, out_len);
		else
			answered(run->origin, run->req_id, status, out, bytes_returned, out_len);
	}
	run_free(run);
}

/* The storage controls a resource answers only where its disk is online. */
static int storage_code(uint32_t code)
{
	return code == CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO ||
	       code == CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO_EX ||
	       code == CLUSCTL_RESOURCE_STORAGE_IS_PATH_VALID;
}

/*
 * A storage control for a resource that is not open on this node (doc/ABI.md,
 * man/cluster.8): a resource that is not a disk has no such function (as in
 * MSCS); a disk whose group another node owns answers there only -
 * ERROR_HOST_NODE_NOT_RESOURCE_OWNER, without touching the disk the owner
 * protects; a disk nobody runs is not online (ERROR_RESOURCE_NOT_ONLINE).
 */
static uint32_t storage_not_here(const struct cs_resource *r, const char **why)
{
	const struct cs_group *g = model_group(&csd->model, r->group);

	if (strcasecmp(r->type, "Physical Disk") != 0) {
		*why = "not a storage resource";
		return ERROR_INVALID_FUNCTION;
	}
	if (g && g->owner && g->owner != csd->local_id) {
		*why = "the disk is online on another node: ask that node (or give no node)";
		return ERROR_HOST_NODE_NOT_RESOURCE_OWNER;
	}
	*why = "the disk is not online";
	return ERROR_RESOURCE_NOT_ONLINE;
}

/* Answer a control on this node; the answer goes to `origin` (this node or
 * another) through answered(). */
static void run_here(uint32_t op, const struct cs_args *a, uint32_t origin, uint32_t req_id)
{
	struct ctl_run *run = cs_calloc(1, sizeof(*run));
	const struct cs_resource *r = NULL;
	uint32_t rc = ERROR_INVALID_FUNCTION;

	if (!run || (a->name && !(run->name = cs_strdup(a->name))) ||
	    (a->in_size && !(run->in = cs_malloc(a->in_size)))) {
		answered(origin, req_id, ERROR_NOT_ENOUGH_MEMORY, NULL, 0, 0);
		goto out;
	}
	if (a->in_size)
		memcpy(run->in, a->in, a->in_size);
	run->origin = origin;
	run->req_id = req_id;
	run->out_size = a->out_size;
	run->q = (struct ctl_query){ .op = op, .name = run->name, .code = a->code, .in = run->in,
				     .in_size = a->in_size, .quorate = csd->quorate };
	if (op == CS_OP_RESOURCE_CONTROL) {
		if (!(r = model_resource(&csd->model, a->name))) {
			answered(origin, req_id, ERROR_RESOURCE_NOT_FOUND, NULL, 0, 0);
			goto out;
		}
		if (storage_code(a->code) && !rm_loaded(r)) {
			const char *why;
			rc = storage_not_here(r, &why);
			log_debug("control %#x for %s: %s", a->code, r->name, why);
			answered(origin, req_id, rc, NULL, 0, 0);
			goto out;
		}
		if (!answer_is_clusterd_only(a->code))
			rc = rm_control(r, NULL, a->code, a->in, a->in_size, a->out_size,
					on_plugin_done, run);
	} else if (op == CS_OP_TYPE_CONTROL) {
		uint32_t out_size = a->out_size;
		if (a->code == CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS &&
		    strcasecmp(a->name, DISKS_TYPE) == 0) {
			run->filter_disks = 1;
			out_size = DISKS_AVAILABLE_MAX;
		}
		rc = rm_control(NULL, a->name, a->code, a->in, a->in_size, out_size,
				on_plugin_done, run);
	}
	if (rc == ERROR_IO_PENDING) {
		run = NULL; /* on_plugin_done() has it */
		goto out;
	}
	if (rc == ERROR_INVALID_FUNCTION)
		answer_from_model(run);
	else
		answered(origin, req_id, rc, NULL, 0, 0);
out:
	run_free(run);
}

/* Deliver an answer to the node that asked (this one: its waiting client). */
static void answered(uint32_t origin, uint32_t req_id, uint32_t status, const void *out,
		     size_t bytes_returned, size_t out_len)
{
	if (origin == csd->local_id) {
		struct ctl_wait *w = wait_find(req_id);
		if (w)
			wait_answered(w, status, out, bytes_returned, out_len);
		return;
	}
	struct cs_args a = { .in = (void *)out, .in_size = out_len, .has_in = out_len > 0,
			     .out_size = (uint32_t)bytes_returned, .has_out_size = 1 };
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	rc = cs_args_encode(&b, &a);
	if (rc == ERROR_SUCCESS)
		rc = repl_send(MSG_CONTROL_REPLY, 0, origin, req_id, status,
			       clusprop_builder_data(&b), clusprop_builder_size(&b));
	else
		rc = repl_send(MSG_CONTROL_REPLY, 0, origin, req_id, rc, NULL, 0);
	if (rc != ERROR_SUCCESS)
		log_err("cannot send the answer of control %u to node %u: %s", req_id, origin,
			cluster_strerror(rc));
	clusprop_builder_free(&b);
}

/* ---- over CPG ---- */

void control_on_request(uint32_t from, uint16_t op, uint32_t req_id, const void *p, size_t len)
{
	struct cs_args a;
	uint32_t rc = cs_args_parse(p, len, &a);

	if (rc != ERROR_SUCCESS) {
		answered(from, req_id, rc == ERROR_NOT_ENOUGH_MEMORY ? rc : ERROR_INVALID_DATA, NULL,
			 0, 0);
		return;
	}
	run_here(op, &a, from, req_id);
	cs_args_free(&a);
}

void control_on_reply(uint32_t from, uint32_t req_id, uint32_t status, const void *p, size_t len)
{
	struct ctl_wait *w = wait_find(req_id);
	struct cs_args a;
	uint32_t rc;

	if (!w || w->target != from)
		return;
	rc = cs_args_parse(p, len, &a);
	if (rc != ERROR_SUCCESS) {
		log_warn("malformed control reply from node %u: %s", from, cluster_strerror(rc));
		wait_answered(w, rc == ERROR_NOT_ENOUGH_MEMORY ? rc : ERROR_INVALID_DATA, NULL, 0, 0);
		return;
	}
	if (status == ERROR_SUCCESS && a.in_size > a.out_size) {
		log_warn("control reply from node %u: more output than it says", from);
		wait_answered(w, ERROR_INVALID_DATA, NULL, 0, 0);
	} else {
		wait_answered(w, status, a.in, a.out_size, a.in_size);
	}
	cs_args_free(&a);
}

/* ---- requests from local clients ---- */

/* The node that answers a control: the one named, else the owner of the
 * resource's or group's group, else this one.  0 and *why on error. */
static uint32_t route(uint32_t op, const struct cs_args *a, uint32_t *rc, const char **why)
{
	uint32_t target = csd->local_id;

	if (a->node) {
		const struct cs_node *n = model_node(&csd->model, a->node);
		if (!n) {
			*rc = ERROR_CLUSTER_NODE_NOT_FOUND;
			*why = "no such node";
			return 0;
		}
		target = n->id;
	} else if (op == CS_OP_RESOURCE_CONTROL || op == CS_OP_GROUP_CONTROL) {
		const struct cs_group *g;
		if (op == CS_OP_RESOURCE_CONTROL) {
			const struct cs_resource *r = model_resource(&csd->model, a->name);
			g = r ? model_group(&csd->model, r->group) : NULL;
		} else {
			g = model_group(&csd->model, a->name);
		}
		if (g && g->owner && repl_is_member(g->owner))
			target = g->owner;
	}
	if (target != csd->local_id && !repl_is_member(target)) {
		*rc = ERROR_HOST_NODE_NOT_AVAILABLE;
		*why = "that node is not up";
		return 0;
	}
	return target;
}

/* Send the control to the node that answers it and wait.  priv (taken
 * over, may be NULL): with THEN_STORE_*, the list to replicate once this
 * control - its VALIDATE - succeeded. */
static void ask(conn_id c, uint32_t op, uint32_t id, const struct cs_args *a,
		enum ctl_then then, void *priv, size_t priv_size)
{
	struct ctl_wait *w = NULL;
	clusprop_builder b;
	const char *why = NULL;
	uint32_t rc = ERROR_SUCCESS, target;

	clusprop_builder_init_owned(&b);
	if (!(target = route(op, a, &rc, &why)))
		goto out;
	if (!(w = cs_calloc(1, sizeof(*w))) ||
	    (then != THEN_REPLY && !(w->name = cs_strdup(a->name)))) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (++next_ctl_id == 0)
		next_ctl_id = 1;
	w->conn = c;
	w->api_op = op;
	w->client_id = id;
	w->req_id = next_ctl_id;
	w->target = target;
	w->deadline = loop_now_ms() + CONTROL_WAIT_MS;
	w->then = then;
	w->priv = priv;
	w->priv_size = priv_size;
	priv = NULL;
	w->next = waits;
	waits = w;
	if (target == csd->local_id) {
		run_here(op, a, csd->local_id, w->req_id); /* may answer (and free w) at once */
		w = NULL;
		goto out;
	}
	clusprop_builder_begin_plist(&b);
	rc = cs_args_encode(&b, a);
	if (rc == ERROR_SUCCESS)
		rc = repl_send(MSG_CONTROL_REQ, (uint16_t)op, target, w->req_id, 0,
			       clusprop_builder_data(&b), clusprop_builder_size(&b));
	if (rc != ERROR_SUCCESS) {
		why = "cannot route the control";
		wait_free(w);
	}
	w = NULL;
out:
	if (rc != ERROR_SUCCESS) {
		conn_reply_error(c, op, id, rc, why);
		if (w)
			wait_free(w);
	}
	cs_free(priv);
	clusprop_builder_free(&b);
}

/* SET_PRIVATE_PROPERTIES: VALIDATE on the owner first, store after. */
/* A SET_*_PROPERTIES input: a valid property list naming at least one
 * property (an empty one would change nothing, and say it had). */
static int set_input_ok(conn_id c, uint32_t op, uint32_t id, const struct cs_args *a)
{
	if (a->in_size < 4 || clusprop_validate_property_list(a->in, a->in_size, NULL)) {
		conn_reply_error(c, op, id, ERROR_INVALID_DATA, "not a property list");
		return 0;
	}
	if (cs_le32(a->in) == 0) {
		conn_reply_error(c, op, id, ERROR_INVALID_PARAMETER,
				 "an empty property list: name at least one property to set");
		return 0;
	}
	return 1;
}

static void set_private(conn_id c, uint32_t op, uint32_t id, struct cs_args *a)
{
	void *list;

	if (!set_input_ok(c, op, id, a))
		return;
	/* (the merged list is checked where it is made, model.c) */
	if (a->in_size > CS_MAX_PRIVATE) {
		conn_reply_error(c, op, id, ERROR_NOT_ENOUGH_QUOTA,
				 "private properties larger than a resource may have (1 MiB)");
		return;
	}
	if (!(list = cs_malloc(a->in_size))) {
		conn_reply_error(c, op, id, ERROR_NOT_ENOUGH_MEMORY, NULL);
		return;
	}
	memcpy(list, a->in, a->in_size);
	cs_freep(&a->node); /* validated where the resource lives */
	a->code = CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES;
	a->out_size = 0;
	a->has_out_size = 1;
	ask(c, op, id, a, THEN_STORE_PRIVATE, list, a->in_size);
}

/* A copy of the SET input, then its VALIDATE where the type's plugin is
 * (this node), then the change (THEN_STORE_TYPE_COMMON). */
static void set_type_common(conn_id c, uint32_t op, uint32_t id, struct cs_args *a)
{
	void *list;

	if (!(list = cs_malloc(a->in_size))) {
		conn_reply_error(c, op, id, ERROR_NOT_ENOUGH_MEMORY, NULL);
		return;
	}
	memcpy(list, a->in, a->in_size);
	cs_freep(&a->node);
	a->code = CLUSCTL_RESOURCE_TYPE_VALIDATE_COMMON_PROPERTIES;
	a->out_size = 0;
	a->has_out_size = 1;
	ask(c, op, id, a, THEN_STORE_TYPE_COMMON, list, a->in_size);
}

/* The model op of a SET_COMMON_PROPERTIES for a group, node, resource type
 * or the cluster (the code for the object the request op is about); 0 if
 * the code is no such thing. */
static uint32_t set_common_op(uint32_t op, uint32_t code)
{
	static const struct { uint32_t op, code, mop; } sets[] = {
		{ CS_OP_GROUP_CONTROL, CLUSCTL_GROUP_SET_COMMON_PROPERTIES, MOP_GROUP_SET_COMMON },
		{ CS_OP_NODE_CONTROL, CLUSCTL_NODE_SET_COMMON_PROPERTIES, MOP_NODE_SET_COMMON },
		{ CS_OP_TYPE_CONTROL, CLUSCTL_RESOURCE_TYPE_SET_COMMON_PROPERTIES,
		  MOP_TYPE_SET_COMMON },
		{ CS_OP_CLUSTER_CONTROL, CLUSCTL_CLUSTER_SET_COMMON_PROPERTIES,
		  MOP_CLUSTER_SET_COMMON },
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++)
		if (sets[i].op == op && sets[i].code == code)
			return sets[i].mop;
	return 0;
}

/* Whether a control code changes something: MSCS's write access, or the
 * modify bit (the code says so itself). */
static int code_writes(uint32_t code)
{
	return (code & CLUS_ACCESS_WRITE) || (code & CLCTL_MODIFY_MASK);
}

void control_request(conn_id c, uint32_t op, uint32_t id, struct cs_args *a)
{
	uint32_t mop;

	if (!a->has_code) {
		conn_reply_error(c, op, id, ERROR_INVALID_PARAMETER, "Code is required");
		return;
	}
	if (a->code & CLCTL_INTERNAL_MASK) {
		/* MSCS reserves internal codes to the cluster service itself */
		conn_reply_error(c, op, id, ERROR_ACCESS_DENIED,
				 "internal control codes are not accepted from clients");
		return;
	}
	if (code_writes(a->code) && !conn_may_change(c)) {
		conn_reply_error(c, op, id, ERROR_ACCESS_DENIED,
				 "this control code changes the cluster: it needs root or group "
				 CS_ADMIN_GROUP);
		return;
	}
	if (op == CS_OP_RESOURCE_CONTROL && !model_resource(&csd->model, a->name)) {
		conn_reply_error(c, op, id, ERROR_RESOURCE_NOT_FOUND, "no such resource");
		return;
	}
	if (a->code == CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES ||
	    a->code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES) {
		/* a change: replicated like any other */
		if (op != CS_OP_RESOURCE_CONTROL) {
			conn_reply_error(c, op, id, ERROR_INVALID_FUNCTION,
					 "a resource control code sent for another kind of object");
			return;
		}
		if (!csd->quorate) {
			conn_reply_error(c, op, id, ERROR_NOT_READY, repl_no_quorum_why());
			return;
		}
		if (a->code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES) {
			set_private(c, op, id, a);
			return;
		}
		if (!set_input_ok(c, op, id, a))
			return;
		a->has_code = 0;
		a->has_out_size = 0;
		change_submit(c, op, id, MOP_RES_SET_COMMON, a, NULL, 0, 0);
		return;
	}
	if ((mop = set_common_op(op, a->code)) != 0) {
		/* a change, replicated like the resource's; checked where it is
		 * applied (model_apply), so that every node refuses alike */
		if (!csd->quorate) {
			conn_reply_error(c, op, id, ERROR_NOT_READY, repl_no_quorum_why());
			return;
		}
		if (!set_input_ok(c, op, id, a))
			return;
		if (mop == MOP_TYPE_SET_COMMON) {
			set_type_common(c, op, id, a);
			return;
		}
		a->has_code = 0;
		a->has_out_size = 0;
		cs_freep(&a->node); /* (the same everywhere) */
		change_submit(c, op, id, mop, a, NULL, 0, 0);
		return;
	}
	ask(c, op, id, a, THEN_REPLY, NULL, 0);
}

/* ---- start and stop ---- */

uint32_t control_start(void)
{
	tick = loop_timer_every(csd->loop, 100, on_tick, NULL);
	return tick ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

void control_stop(void)
{
	stopping = 1; /* answers still coming from the host are dropped */
	while (waits)
		wait_free(waits);
	if (tick)
		loop_timer_cancel(csd->loop, tick);
	tick = NULL;
}
