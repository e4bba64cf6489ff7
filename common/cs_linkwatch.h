/*
 * cs_linkwatch.h - whether this node can still reach a majority of the
 * cluster, from corosync's own view of its links (knet) - the isolation
 * watch of clusterd and cluster-reshost (doc/quorum.md).
 *
 * A node cut off from the others loses its knet links to all of them within
 * knet's ping timeout + ping interval of the cut, long before corosync
 * declares the token lost (`token`) and forms a new ring (`consensus` more).
 * cluster-reshost samples the links every CS_LINK_SAMPLE_MS and terminates
 * every resource as soon as the nodes it reaches (itself included) are no
 * majority of the configured nodes - or when its corosync stops answering
 * for CS_LINK_STALE(cfg) ms (a frozen corosync passes no token either).
 * Either way it has stopped before any majority can have formed a ring
 * without it.  The majority relies on that only when every one of its
 * members saw its own link to the lost node down (a full cut, or the node is
 * dead): in a partial partition the lost node may still reach a majority
 * through some member and stops only when votequorum tells it.
 *
 * Every node reads the same values: corosync's runtime configuration.
 * Needs corosync 3 with the knet transport (stats.knet.*).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_LINKWATCH_H
#define CS_LINKWATCH_H

#include <stdint.h>

#include <corosync/cmap.h>

/* How often cluster-reshost samples the links. */
#define CS_LINK_SAMPLE_MS 20u
/* Most nodes and links per node followed. */
#define CS_LINK_MAX_NODES 64u
#define CS_LINK_MAX_LINKS 8u

struct cs_link_cfg {
	uint32_t token_ms;         /* runtime.config.totem.token (coefficient included) */
	uint32_t consensus_ms;     /* runtime.config.totem.consensus */
	uint32_t hold_ms;          /* runtime.config.totem.hold */
	uint32_t retransmit_ms;    /* runtime.config.totem.token_retransmit */
	uint32_t ping_timeout_ms;  /* runtime.config.totem.interface.0.knet_ping_timeout */
	uint32_t ping_interval_ms; /* runtime.config.totem.interface.0.knet_ping_interval */
	uint32_t local_id;         /* runtime.votequorum.this_node_id */
	int two_node;              /* runtime.votequorum.two_node: no majority to lose */
	uint32_t n_nodes;          /* nodelist.node.N.nodeid */
	uint32_t nodes[CS_LINK_MAX_NODES];
};

/* How long a corosync may be silent before its node counts as cut off:
 * the idle ring's rotation (hold) plus two token retransmissions. */
#define CS_LINK_STALE(cfg) ((cfg)->hold_ms + 2u * (cfg)->retransmit_ms)
/* By when, after a cut, the cut-off node knows it: knet's ping timeout and
 * interval, plus one sample. */
#define CS_LINK_KNOWN(cfg) ((cfg)->ping_timeout_ms + (cfg)->ping_interval_ms + CS_LINK_SAMPLE_MS)

/* Read the timings and the node list through an open cmap handle (the main
 * map).  0, or -1 with the cmap error in *err and *what naming the key. */
int cs_link_cfg_read(cmap_handle_t cmap, struct cs_link_cfg *cfg, cs_error_t *err,
		     const char **what);

/* Open corosync's stats map, where the links' state is. */
cs_error_t cs_link_open(cmap_handle_t *stats);

/* Whether corosync has a connected link to node id (any of its links).
 * For the local node, always 1. */
cs_error_t cs_link_up(cmap_handle_t stats, const struct cs_link_cfg *cfg, uint32_t id, int *up);

/* How many of the configured nodes this node reaches, itself included. */
cs_error_t cs_link_reached(cmap_handle_t stats, const struct cs_link_cfg *cfg, uint32_t *n);

/* Whether that is a majority (always, for a two-node cluster). */
int cs_link_majority(const struct cs_link_cfg *cfg, uint32_t reached);

#endif /* CS_LINKWATCH_H */
