/*
 * show.c - `cluster status`: the snapshot as tables or as JSON; and lists of
 * names.  In tables every name is escaped (text.c) and the columns are
 * measured in what is printed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

/* The wider of w and s as printed (NULL is printed "-"). */
static size_t maxw(size_t w, const char *s)
{
	size_t l = s ? cli_text_width(s, strlen(s)) : 1;

	return l > w ? l : w;
}

/* A name (NULL: "-") left-justified in width columns. */
static void cell(FILE *f, const char *s, size_t width)
{
	cli_text_pad(f, s ? s : "-", width);
}

static void print_list(FILE *f, char *const *v, size_t n)
{
	if (n == 0) {
		fputc('-', f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		cli_text_puts(f, v[i]);
	}
}

static void strv_json(struct jw *w, char *const *v, size_t n)
{
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_end(w);
}

static void status_json(FILE *f, const cluster_status *s)
{
	struct jw w;

	jw_init(&w, f);
	jw_obj_begin(&w);
	jw_key(&w, "cluster");
	jw_str(&w, s->cluster_name);
	jw_key(&w, "quorate");
	jw_bool(&w, s->quorate);
	jw_key(&w, "synced");
	jw_bool(&w, s->synced);
	jw_key(&w, "notice");
	jw_str(&w, s->notice);
	jw_key(&w, "local_node");
	jw_obj_begin(&w);
	jw_key(&w, "name");
	jw_str(&w, s->local_node_name);
	jw_key(&w, "id");
	jw_u64(&w, s->local_node_id);
	jw_obj_end(&w);

	jw_key(&w, "nodes");
	jw_arr_begin(&w);
	for (size_t i = 0; i < s->n_nodes; i++) {
		const cluster_node_info *n = &s->nodes[i];
		jw_obj_begin(&w);
		jw_key(&w, "name");
		jw_str(&w, n->name);
		jw_key(&w, "id");
		jw_u64(&w, n->id);
		jw_key(&w, "state");
		jw_str(&w, cluster_node_state_name(n->state));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);

	jw_key(&w, "groups");
	jw_arr_begin(&w);
	for (size_t i = 0; i < s->n_groups; i++) {
		const cluster_group_info *g = &s->groups[i];
		jw_obj_begin(&w);
		jw_key(&w, "name");
		jw_str(&w, g->name);
		jw_key(&w, "state");
		jw_str(&w, cluster_group_state_name(g->state));
		jw_key(&w, "owner");
		jw_str(&w, g->owner);
		jw_key(&w, "preferred_owners");
		strv_json(&w, g->preferred_owners, g->n_preferred_owners);
		jw_key(&w, "reason");
		jw_str(&w, g->reason);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);

	jw_key(&w, "resources");
	jw_arr_begin(&w);
	for (size_t i = 0; i < s->n_resources; i++) {
		const cluster_resource_info *r = &s->resources[i];
		jw_obj_begin(&w);
		jw_key(&w, "name");
		jw_str(&w, r->name);
		jw_key(&w, "type");
		jw_str(&w, r->type);
		jw_key(&w, "group");
		jw_str(&w, r->group);
		jw_key(&w, "state");
		jw_str(&w, cluster_resource_state_name(r->state));
		jw_key(&w, "owner");
		jw_str(&w, r->owner);
		jw_key(&w, "dependencies");
		strv_json(&w, r->dependencies, r->n_dependencies);
		jw_key(&w, "possible_owners");
		strv_json(&w, r->possible_owners, r->n_possible_owners);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w);
}

static void status_text(FILE *f, const cluster_status *s)
{
	size_t w1, w2, w3, w4;

	fputs("Cluster: ", f);
	cell(f, s->cluster_name, 0);
	fprintf(f, "   Quorum: %s   Local node: ", s->quorate ? "yes" : "NO");
	cell(f, s->local_node_name, 0);
	fprintf(f, " (id %" PRIu32 ")\n", s->local_node_id);
	if (!s->synced)
		fputs("Not synced: this node has not caught up with the cluster yet; what it "
		      "shows of groups and resources may be stale.\n", f);
	if (!s->quorate)
		fputs("No quorum: this node runs nothing (what it owned was terminated: Offline, or "
		      "Unknown until that is recorded); the rest is its last view of the cluster.\n",
		      f);
	if (s->notice) {
		fputs("Notice: ", f);
		cli_text_puts(f, s->notice);
		fputc('\n', f);
	}

	fputs("\nNodes:\n", f);
	w1 = 4;
	for (size_t i = 0; i < s->n_nodes; i++)
		w1 = maxw(w1, s->nodes[i].name);
	fprintf(f, "  %-*s  %-10s %s\n", (int)w1, "NAME", "ID", "STATE");
	for (size_t i = 0; i < s->n_nodes; i++) {
		fputs("  ", f);
		cell(f, s->nodes[i].name, w1);
		fprintf(f, "  %-10" PRIu32 " %s\n", s->nodes[i].id,
			cluster_node_state_name(s->nodes[i].state));
	}

	fputs("\nGroups:\n", f);
	if (s->n_groups == 0) {
		fputs("  (none)\n", f);
	} else {
		w1 = 4;
		w2 = 5;
		for (size_t i = 0; i < s->n_groups; i++) {
			w1 = maxw(w1, s->groups[i].name);
			w2 = maxw(w2, s->groups[i].owner);
		}
		fprintf(f, "  %-*s  %-13s  %-*s  %s\n", (int)w1, "NAME", "STATE", (int)w2, "OWNER",
			"PREFERRED OWNERS");
		for (size_t i = 0; i < s->n_groups; i++) {
			const cluster_group_info *g = &s->groups[i];
			fputs("  ", f);
			cell(f, g->name, w1);
			fprintf(f, "  %-13s  ", cluster_group_state_name(g->state));
			cell(f, g->owner, w2);
			fputs("  ", f);
			print_list(f, g->preferred_owners, g->n_preferred_owners);
			fputc('\n', f);
		}
		for (size_t i = 0; i < s->n_groups; i++) {
			if (!s->groups[i].reason)
				continue;
			fputs("  ", f);
			cell(f, s->groups[i].name, 0);
			fputs(": ", f);
			cli_text_puts(f, s->groups[i].reason);
			fputc('\n', f);
		}
	}

	fputs("\nResources:\n", f);
	if (s->n_resources == 0) {
		fputs("  (none)\n", f);
		return;
	}
	w1 = 4;
	w2 = 4;
	w3 = 5;
	w4 = 5;
	for (size_t i = 0; i < s->n_resources; i++) {
		w1 = maxw(w1, s->resources[i].name);
		w2 = maxw(w2, s->resources[i].type);
		w3 = maxw(w3, s->resources[i].group);
		w4 = maxw(w4, s->resources[i].owner);
	}
	fprintf(f, "  %-*s  %-*s  %-*s  %-14s  %-*s  %s\n", (int)w1, "NAME", (int)w2, "TYPE",
		(int)w3, "GROUP", "STATE", (int)w4, "OWNER", "DEPENDS ON");
	for (size_t i = 0; i < s->n_resources; i++) {
		const cluster_resource_info *r = &s->resources[i];
		fputs("  ", f);
		cell(f, r->name, w1);
		fputs("  ", f);
		cell(f, r->type, w2);
		fputs("  ", f);
		cell(f, r->group, w3);
		fprintf(f, "  %-14s  ", cluster_resource_state_name(r->state));
		cell(f, r->owner, w4);
		fputs("  ", f);
		print_list(f, r->dependencies, r->n_dependencies);
		fputc('\n', f);
	}
}

void cli_print_status(FILE *f, const cluster_status *s, enum cli_fmt fmt)
{
	if (fmt == CLI_FMT_JSON)
		status_json(f, s);
	else
		status_text(f, s);
}

void cli_print_names(FILE *f, char *const *names, size_t n, enum cli_fmt fmt)
{
	if (fmt == CLI_FMT_JSON) {
		struct jw w;

		jw_init(&w, f);
		strv_json(&w, names, n);
		jw_finish(&w);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		cli_text_puts(f, names[i]);
		fputc('\n', f);
	}
}
