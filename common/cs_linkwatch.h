/*
 * cs_linkwatch.h - whether this node can still reach a majority of the
 * cluster, from corosync's token and its view of its links (knet) - the
 * isolation watch of clusterd and cluster-reshost (doc/quorum.md).
 *
 * A node cut off from the others receives no more tokens, and its knet
 * links to all of them stop carrying pongs within knet's ping timeout +
 * ping interval of the cut - long before corosync declares the token lost
 * (`token`) and forms a new ring (`consensus` more).  cluster-reshost reads
 * corosync's token counter (stats.srp.orf_token_rx, which corosync updates
 * as each token arrives) every CS_LINK_SAMPLE_MS.  While tokens come, the
 * ring works and it reads the links only every CS_LINK_IDLE_MS, to know when
 * each link's pongs last moved; once the token is CS_LINK_LATE late it reads
 * them every CS_LINK_LATE_SAMPLE_MS, and terminates every resource as soon
 * as the nodes it reaches (itself included) are no majority of the
 * configured nodes - or when its corosync stops answering for
 * CS_LINK_STALE(cfg) ms (a frozen corosync passes no token either).  Either
 * way it has stopped before any majority can have formed a ring without it.
 * The majority relies on that only when every one of its members saw its
 * own link to the lost node down (a full cut, or the node is dead): in a
 * partial partition the lost node may still reach a majority through some
 * member and stops only when votequorum tells it.
 *
 * knet's link statistics are read under a lock its own threads take while
 * links come and go; read every 20 ms all the time they starved corosync
 * while a node rejoined.  Hence the token first, the links mostly not.
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

/* How often cluster-reshost reads the token counter; how often it reads the
 * links while tokens come, and once the token is late. */
#define CS_LINK_SAMPLE_MS 20u
#define CS_LINK_IDLE_MS 100u
#define CS_LINK_LATE_SAMPLE_MS 50u
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
/* A link counts as alive while a pong (the answer to knet's own pings,
 * sent every ping interval) came over it within this long.  knet's own
 * verdict (connected) is not used: it adapts its pong timeout to what it
 * measured and was seen to take 1.6 s here.  A link broken in either
 * direction stops the pongs on both ends. */
#define CS_LINK_FRESH(cfg) ((cfg)->ping_timeout_ms + (cfg)->ping_interval_ms)
/* The token is late once it has not come for an idle ring's rotation
 * (hold) plus one retransmission. */
#define CS_LINK_LATE(cfg) ((cfg)->hold_ms + (cfg)->retransmit_ms)
/* The others rely on a cut-off node having stopped its resources by this
 * long after the last pong one of them saw from it (it saw the last pong
 * from them up to a ping interval later): CS_LINK_KNOWN, the plugins'
 * terminate, skew and margin (the caller's). */
#define CS_LINK_BOUND(cfg, term_skew_margin) \
	((cfg)->ping_interval_ms + CS_LINK_KNOWN(cfg) + (term_skew_margin))
/* By when, after a cut, the cut-off node knows it: the last pong was seen
 * up to CS_LINK_IDLE_MS late, it counts for CS_LINK_FRESH, and the sample
 * that finds it stale comes within CS_LINK_LATE_SAMPLE_MS - once the token
 * is late, which it is by then (CS_LINK_LATE < CS_LINK_FRESH). */
#define CS_LINK_KNOWN(cfg) \
	((CS_LINK_FRESH(cfg) + CS_LINK_IDLE_MS > CS_LINK_LATE(cfg) + CS_LINK_SAMPLE_MS \
		  ? CS_LINK_FRESH(cfg) + CS_LINK_IDLE_MS                               \
		  : CS_LINK_LATE(cfg) + CS_LINK_SAMPLE_MS) +                           \
	 CS_LINK_LATE_SAMPLE_MS)

/* What a watcher remembers of one node's links between samples. */
struct cs_link_seen {
	uint32_t id;        /* the node; 0: nothing remembered */
	uint64_t pongs;     /* rx_pong_packets over its links at the last change */
	int64_t changed_ms; /* when the watcher saw that count change (its clock) */
};

/* Read the timings and the node list through an open cmap handle (the main
 * map).  0, or -1 with the cmap error in *err and *what naming the key. */
int cs_link_cfg_read(cmap_handle_t cmap, struct cs_link_cfg *cfg, cs_error_t *err,
		     const char **what);

/* Open corosync's stats map, where the links' state is. */
cs_error_t cs_link_open(cmap_handle_t *stats);

/* Whether this node reaches node id at now_ms: a pong within CS_LINK_FRESH
 * over one of its links; *seen (this node's memory of id, kept by
 * the caller) is updated.  A node seen for the first time counts its pongs
 * as fresh.  For the local node, always 1. */
cs_error_t cs_link_up(cmap_handle_t stats, const struct cs_link_cfg *cfg, uint32_t id,
		      int64_t now_ms, struct cs_link_seen *seen, int *up);

/* How many of the configured nodes this node reaches, itself included;
 * seen[] has CS_LINK_MAX_NODES entries, matched to nodes by id. */
cs_error_t cs_link_reached(cmap_handle_t stats, const struct cs_link_cfg *cfg, int64_t now_ms,
			   struct cs_link_seen *seen, uint32_t *n);

/* The entry of seen[] (CS_LINK_MAX_NODES) for node id, taken over from the
 * oldest or an empty one if id has none yet. */
struct cs_link_seen *cs_link_seen_of(struct cs_link_seen *seen, uint32_t id);

/* Whether that is a majority (always, for a two-node cluster). */
int cs_link_majority(const struct cs_link_cfg *cfg, uint32_t reached);

#endif /* CS_LINKWATCH_H */
