/*
 * daemon_fixture.c - see daemon_fixture.h.
 *
 * Besides no crash and no leak, every reachable model is checked: a group's
 * State is what its resources make it (a node that loads the snapshot
 * recomputes it, so a stale one would make the replicas differ), and
 * model_group_order() places every resource of a group (model_load refuses
 * the dependency cycles it could not order).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "daemon_fixture.h"

#include <string.h>

#include <clusapi/proplist.h>

#include "cs_alloc.h"

#define S(x) ((char *)(x))

static void apply_ok(struct cs_model *m, uint32_t op, const struct cs_args *a)
{
	FZ_CHECK(model_apply(m, op, a, NULL) == ERROR_SUCCESS);
}

void fz_model_fill(struct cs_model *m)
{
	static const char *const mounts[] = { "/srv/data", "/srv/logs" };
	char *pref[] = { S("n1"), S("n2") };
	clusprop_builder pb;

	model_init(m);
	FZ_CHECK((m->cluster_name = cs_strdup("alpha")) != NULL);
	FZ_CHECK(model_set_node(m, 1, "n1", ClusterNodeUp) == ERROR_SUCCESS);
	FZ_CHECK(model_set_node(m, 2, "n2", ClusterNodeUp) == ERROR_SUCCESS);
	FZ_CHECK(model_set_node(m, 3, "n3", ClusterNodeUp) == ERROR_SUCCESS);
	clusprop_builder_init_owned(&pb);
	clusprop_builder_begin_plist(&pb);
	clusprop_add_dword(&pb, "Signature", 0x5CA1AB1Eu);
	clusprop_add_multi_sz(&pb, "MountPoints", mounts, 2);
	clusprop_add_sz(&pb, "Label", "data");
	FZ_CHECK(clusprop_builder_status(&pb) == ERROR_SUCCESS);

	apply_ok(m, MOP_GROUP_CREATE, &(struct cs_args){ .name = S("g1") });
	apply_ok(m, MOP_GROUP_CREATE, &(struct cs_args){ .name = S("g2") });
	apply_ok(m, MOP_RES_CREATE, &(struct cs_args){
		.name = S("r1"), .type = S("Physical Disk"), .group = S("g1"),
		.priv = (void *)clusprop_builder_data(&pb), .priv_size = clusprop_builder_size(&pb),
		.has_priv = 1 });
	apply_ok(m, MOP_RES_CREATE, &(struct cs_args){ .name = S("r2"), .type = S("Dummy"),
						       .group = S("g1") });
	apply_ok(m, MOP_RES_CREATE, &(struct cs_args){ .name = S("r3"), .type = S("Dummy"),
						       .group = S("g1") });
	apply_ok(m, MOP_RES_ADD_DEP, &(struct cs_args){ .name = S("r2"), .depends_on = S("r1") });
	apply_ok(m, MOP_RES_ADD_OWNER, &(struct cs_args){ .name = S("r1"), .node = S("n1") });
	apply_ok(m, MOP_RES_ADD_OWNER, &(struct cs_args){ .name = S("r1"), .node = S("n2") });
	apply_ok(m, MOP_GROUP_SET_OWNERS, &(struct cs_args){ .name = S("g1"), .nodes = pref,
							     .n_nodes = 2 });
	apply_ok(m, MOP_RES_PERSIST, &(struct cs_args){ .name = S("r2"), .state = 1,
							.has_state = 1 });
	apply_ok(m, MOP_GROUP_OWNER, &(struct cs_args){ .name = S("g1"), .node_id = 1,
							.has_node_id = 1 });
	apply_ok(m, MOP_RES_STATE, &(struct cs_args){ .name = S("r1"),
						      .state = ClusterResourceOnline,
						      .has_state = 1 });
	apply_ok(m, MOP_NODE_PAUSE, &(struct cs_args){ .name = S("n3"), .state = 1,
						       .has_state = 1 });
	clusprop_builder_free(&pb);
}

/* ---- the model as bytes ---- */

static char *describe(const struct cs_model *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	FZ_CHECK(f != NULL);
	fprintf(f, "cluster %s version %llu\n", m->cluster_name ? m->cluster_name : "-",
		(unsigned long long)m->version);
	for (size_t i = 0; i < m->n_nodes; i++)
		fprintf(f, "node %s %u state %u paused %d\n", m->nodes[i].name, m->nodes[i].id,
			m->nodes[i].state, m->nodes[i].paused);
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		fprintf(f, "group %s dirty %d placing %d failovers %u since %llu\n", g->name,
			g->dirty, g->placing, g->failovers,
			(unsigned long long)g->failover_window_start);
	}
	for (size_t i = 0; i < m->n_resources; i++) {
		const struct cs_resource *r = m->resources[i];
		fprintf(f, "resource %s uid %llu dirty %d priv_gen %u restarts %u since %llu\n",
			r->name, (unsigned long long)r->uid, r->dirty, r->priv_gen, r->restarts,
			(unsigned long long)r->restart_window_start);
	}
	fputs("deleted groups:", f);
	for (size_t i = 0; i < m->deleted_groups.n; i++)
		fprintf(f, " %s", m->deleted_groups.v[i]);
	fputs("\ndeleted resources:", f);
	for (size_t i = 0; i < m->deleted_resources.n; i++)
		fprintf(f, " %s", m->deleted_resources.v[i]);
	fputc('\n', f);
	FZ_CHECK(fclose(f) == 0);
	return text;
}

/* The runtime snapshot, which must always encode. */
static void snapshot(const struct cs_model *m, void **ret, size_t *ret_size)
{
	clusprop_builder b;

	clusprop_builder_init_owned(&b);
	FZ_CHECK(model_encode_snapshot(m, &b) == ERROR_SUCCESS);
	FZ_CHECK(clusprop_builder_take(&b, ret, ret_size) == ERROR_SUCCESS);
	clusprop_builder_free(&b);
}

void fz_image_take(const struct cs_model *m, struct fz_image *img)
{
	snapshot(m, &img->snap, &img->snap_size);
	img->text = describe(m);
}

int fz_image_same(const struct fz_image *a, const struct fz_image *b)
{
	return a->snap_size == b->snap_size && !memcmp(a->snap, b->snap, a->snap_size) &&
	       !strcmp(a->text, b->text);
}

void fz_image_free(struct fz_image *img)
{
	clusprop_free(img->snap);
	free(img->text);
	memset(img, 0, sizeof(*img));
}

void fz_check_unchanged(const struct cs_model *m, const struct fz_image *img, const char *what)
{
	struct fz_image now;

	fz_image_take(m, &now);
	if (!fz_image_same(img, &now)) {
		fprintf(stderr, "%s changed the model:\n--- before\n%s--- after\n%s", what,
			img->text, now.text);
		abort();
	}
	fz_image_free(&now);
}

/* ---- what holds of any reachable model ---- */

/* A model with m's nodes (the same ids, names, states) and nothing else,
 * into which m's snapshot is loaded. */
static void reload(const struct cs_model *m, const void *snap, size_t size, struct cs_model *t)
{
	model_init(t);
	for (size_t i = 0; i < m->n_nodes; i++)
		FZ_CHECK(model_set_node(t, m->nodes[i].id, m->nodes[i].name, m->nodes[i].state) ==
			 ERROR_SUCCESS);
	FZ_CHECK(model_load(t, snap, size, 1) == ERROR_SUCCESS);
}

void fz_check_model(const struct cs_model *m)
{
	clusprop_builder b;
	struct cs_model t, u;
	void *s1, *s2, *s3;
	size_t n1, n2, n3;

	/* the status reply */
	clusprop_builder_init_owned(&b);
	FZ_CHECK(model_encode_status(m, &b, &(struct cs_status_view){ .quorate = 1, .synced = 1, .runs = 1, .local_id = 1 }) == ERROR_SUCCESS);
	FZ_CHECK(clusprop_validate_property_list(clusprop_builder_data(&b),
						 clusprop_builder_size(&b), NULL) == ERROR_SUCCESS);
	clusprop_builder_free(&b);

	/* the derived views */
	uint32_t members[16];
	size_t n_members = 0;
	for (size_t i = 0; i < m->n_nodes && n_members < 16; i++)
		members[n_members++] = m->nodes[i].id;
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		struct cs_resource **order = NULL;
		size_t n = 0, total = 0;
		FZ_CHECK(model_group_order(m, g, &order, &n) == ERROR_SUCCESS);
		for (size_t k = 0; k < m->n_resources; k++)
			total += !strcmp(m->resources[k]->group, g->name);
		FZ_CHECK(n == total);
		cs_free(order);
		uint32_t id = model_choose_node(m, g, members, n_members, 0);
		FZ_CHECK(id == 0 || model_node_by_id(m, id) != NULL);
		(void)model_group_wanted(m, g);
		FZ_CHECK(g->state == model_group_state(m, g));
	}

	/* a joining node is given this model: it loads, and says the same */
	snapshot(m, &s1, &n1);
	reload(m, s1, n1, &t);
	snapshot(&t, &s2, &n2);
	FZ_CHECK(t.n_groups == m->n_groups && t.n_resources == m->n_resources &&
		 t.version == m->version);
	FZ_CHECK(n1 == n2 && !memcmp(s1, s2, n1));
	reload(&t, s2, n2, &u);
	snapshot(&u, &s3, &n3);
	FZ_CHECK(n2 == n3 && !memcmp(s2, s3, n2));
	clusprop_free(s3);
	clusprop_free(s2);
	clusprop_free(s1);
	model_free(&u);
	model_free(&t);
}

/* ---- a change, as clusterd replicates it ---- */

uint32_t fz_replicate(struct cs_model *m, uint32_t op, const struct cs_args *a)
{
	clusprop_builder b;
	struct cs_args got;
	struct fz_image before;
	const char *why = NULL;
	uint32_t rc;

	/* repl_send_op() */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	FZ_CHECK(cs_args_encode(&b, a) == ERROR_SUCCESS);
	/* on_op() on every node */
	FZ_CHECK(cs_args_parse(clusprop_builder_data(&b), clusprop_builder_size(&b), &got) ==
		 ERROR_SUCCESS);
	clusprop_builder_free(&b);

	fz_image_take(m, &before);
	uint64_t version = m->version;
	rc = model_apply(m, op, &got, &why);
	FZ_CHECK(rc != ERROR_NOT_ENOUGH_MEMORY);
	if (rc != ERROR_SUCCESS) {
		FZ_CHECK(cluster_strerror(rc) != NULL);
		fz_check_unchanged(m, &before, "a refused op");
	} else {
		FZ_CHECK(m->version == version + (op < MOP_CONFIG_MAX ? 1 : 0));
	}
	fz_image_free(&before);
	cs_args_free(&got);
	return rc;
}

/* ---- a control ---- */

uint32_t fz_answer(const struct cs_model *m, const struct ctl_query *q, uint32_t out_size)
{
	clusprop_builder b, mb;
	struct fz_image before;
	uint32_t rc, rm;

	fz_image_take(m, &before);
	clusprop_builder_init_owned(&b);
	clusprop_builder_init_measure(&mb);
	rc = answer_control(m, q, &b);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_builder_status(&b);
	rm = answer_control(m, q, &mb);
	if (rm == ERROR_SUCCESS)
		rm = clusprop_builder_status(&mb);
	FZ_CHECK(rc == rm);
	FZ_CHECK(rc != ERROR_NOT_ENOUGH_MEMORY);
	if (rc == ERROR_SUCCESS) {
		size_t size = clusprop_builder_size(&b);
		FZ_CHECK(clusprop_builder_size(&mb) == size);
		FZ_CHECK(size == 0 || clusprop_builder_data(&b) != NULL);
		if (size > out_size)
			rc = ERROR_MORE_DATA;
	}
	clusprop_builder_free(&mb);
	clusprop_builder_free(&b);
	fz_check_unchanged(m, &before, "answer_control");
	fz_image_free(&before);
	return rc;
}
