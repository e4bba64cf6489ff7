/*
 * linkwatch.c - see cs_linkwatch.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cs_linkwatch.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

int cs_link_cfg_read(cmap_handle_t cmap, struct cs_link_cfg *cfg, cs_error_t *err,
		     const char **what)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "runtime.config.totem.token", offsetof(struct cs_link_cfg, token_ms) },
		{ "runtime.config.totem.consensus", offsetof(struct cs_link_cfg, consensus_ms) },
		{ "runtime.config.totem.hold", offsetof(struct cs_link_cfg, hold_ms) },
		{ "runtime.config.totem.token_retransmit",
		  offsetof(struct cs_link_cfg, retransmit_ms) },
		{ "runtime.config.totem.interface.0.knet_ping_timeout",
		  offsetof(struct cs_link_cfg, ping_timeout_ms) },
		{ "runtime.config.totem.interface.0.knet_ping_interval",
		  offsetof(struct cs_link_cfg, ping_interval_ms) },
		{ "runtime.votequorum.this_node_id", offsetof(struct cs_link_cfg, local_id) },
	};
	cs_error_t e = CS_OK;
	char key[64];
	uint8_t two = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		e = cmap_get_uint32(cmap, keys[i].key,
				    (uint32_t *)(void *)((char *)cfg + keys[i].off));
		if (e != CS_OK) {
			*what = keys[i].key;
			goto fail;
		}
	}
	cfg->two_node = cmap_get_uint8(cmap, "runtime.votequorum.two_node", &two) == CS_OK &&
			two;
	cfg->n_nodes = 0;
	for (uint32_t i = 0; i < CS_LINK_MAX_NODES; i++) {
		uint32_t id;
		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			break;
		cfg->nodes[cfg->n_nodes++] = id;
	}
	if (cfg->n_nodes == 0) {
		e = CS_ERR_NOT_EXIST;
		*what = "nodelist.node.0.nodeid";
		goto fail;
	}
	return 0;
fail:
	*err = e;
	return -1;
}

cs_error_t cs_link_open(cmap_handle_t *stats)
{
	return cmap_initialize_map(stats, CMAP_MAP_STATS);
}

struct cs_link_seen *cs_link_seen_of(struct cs_link_seen *seen, uint32_t id)
{
	struct cs_link_seen *free_one = NULL;

	for (uint32_t i = 0; i < CS_LINK_MAX_NODES; i++) {
		if (seen[i].id == id)
			return &seen[i];
		if (!free_one || (free_one->id && (!seen[i].id ||
						   seen[i].changed_ms < free_one->changed_ms)))
			free_one = &seen[i];
	}
	free_one->id = 0;
	return free_one;
}

cs_error_t cs_link_up(cmap_handle_t stats, const struct cs_link_cfg *cfg, uint32_t id,
		      int64_t now_ms, struct cs_link_seen *seen, int *up)
{
	char key[64];
	uint64_t pongs = 0;

	*up = 0;
	if (id == cfg->local_id) {
		*up = 1;
		return CS_OK;
	}
	/* Only the pong counters: each read of a link's statistics takes
	 * knet's lock.  A link that does not exist is not in the stats map
	 * (corosync answers that without knet). */
	for (uint32_t l = 0; l < CS_LINK_MAX_LINKS; l++) {
		uint64_t p = 0;
		snprintf(key, sizeof(key), "stats.knet.node%u.link%u.rx_pong_packets", id, l);
		cs_error_t e = cmap_get_uint64(stats, key, &p);
		if (e == CS_ERR_NOT_EXIST)
			break; /* no such link (or, for link 0, no such node yet) */
		if (e != CS_OK)
			return e;
		pongs += p;
	}
	if (seen->id != id || pongs != seen->pongs) {
		seen->id = id;
		seen->pongs = pongs;
		seen->changed_ms = now_ms;
	}
	*up = now_ms - seen->changed_ms < (int64_t)CS_LINK_FRESH(cfg);
	return CS_OK;
}

cs_error_t cs_link_reached(cmap_handle_t stats, const struct cs_link_cfg *cfg, int64_t now_ms,
			   struct cs_link_seen *seen, uint32_t *n)
{
	*n = 0;
	for (uint32_t i = 0; i < cfg->n_nodes; i++) {
		int up;
		cs_error_t e = cs_link_up(stats, cfg, cfg->nodes[i], now_ms,
					  cs_link_seen_of(seen, cfg->nodes[i]), &up);
		if (e != CS_OK)
			return e;
		*n += (uint32_t)up;
	}
	return CS_OK;
}

int cs_link_majority(const struct cs_link_cfg *cfg, uint32_t reached)
{
	return cfg->two_node || 2u * reached > cfg->n_nodes;
}
