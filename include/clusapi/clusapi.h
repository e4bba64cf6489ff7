/*
 * clusapi/clusapi.h - Cluster Server client API (libclusapi).
 *
 * Include this one header: it brings the control codes (clusctl.h), the
 * value/property-list vocabulary (clusprop.h) and codec (proplist.h), and the
 * error codes (errors.h).  Link with `pkg-config --libs libclusapi`.
 *
 * The API has the shape of Microsoft's Cluster API (OpenCluster,
 * OpenClusterResource, ClusterResourceControl, ...) in C11 terms:
 *
 *   - Handles are opaque.  A cluster handle holds one persistent connection
 *     to the local clusterd (an AF_UNIX socket); object handles (node, group,
 *     resource) name an object and keep their cluster handle alive.
 *   - Every function that can fail returns a uint32_t error code with MSCS's
 *     numbers (ERROR_SUCCESS, ERROR_RESOURCE_NOT_FOUND, ...), which
 *     cluster_strerror() explains.  Output parameters (ret_*, *bytes_returned)
 *     are written only on success - and, for ERROR_MORE_DATA, the size
 *     needed - and are otherwise left untouched.
 *   - The library never logs, never exits and never aborts: an allocation
 *     that fails gives ERROR_NOT_ENOUGH_MEMORY and leaks nothing.
 *   - A cluster handle and the object handles made from it may be used from
 *     several threads at once: requests on one connection are serialised by
 *     a mutex (one request at a time, as the protocol requires).  Closing a
 *     handle while another thread is still using it is a bug of the caller.
 *
 * Names (nodes, groups, resources, types) are NUL-terminated UTF-8.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_CLUSAPI_H
#define CLUSAPI_CLUSAPI_H

#include <stddef.h>
#include <stdint.h>

#include <clusapi/errors.h>
#include <clusapi/clusctl.h>
#include <clusapi/clusprop.h>
#include <clusapi/proplist.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLUSAPI_VERSION_STRING "0.1.0"

/* The version of the libclusapi in use, e.g. "0.1.0". */
const char *cluster_library_version(void);

/* Error codes (errors.h has them all, with cluster_strerror()).  The
 * connection gives ERROR_FILE_NOT_FOUND (no socket: clusterd not running),
 * ERROR_CONNECTION_REFUSED (a socket nobody listens on), ERROR_ACCESS_DENIED,
 * ERROR_BROKEN_PIPE (lost mid-request) and ERROR_TIMEOUT (no reply in time);
 * clusterd answers changes it cannot make now (no quorum, not yet in step
 * with the cluster) with ERROR_NOT_READY.  One more, not in errors.h yet: */
#ifndef ERROR_RESOURCE_CALL_TIMED_OUT
#define ERROR_RESOURCE_CALL_TIMED_OUT           5910u /* a resource call passed its deadline */
#endif

/* ======================================================================
 * Connection
 * ====================================================================== */

/* Where clusterd listens unless told otherwise, and the environment
 * variable that overrides it. */
#define CLUSTER_DEFAULT_SOCKET   "/run/cluster-server/clusterd.sock"
#define CLUSTER_SOCKET_ENV       "CLUSTER_SOCKET"

/* Default time a request may wait for its reply, on top of any wait_ms the
 * request itself carries; see cluster_set_timeout(). */
#define CLUSTER_DEFAULT_TIMEOUT_MS 60000u

typedef struct cluster_handle cluster_handle;
typedef struct cluster_node cluster_node;
typedef struct cluster_group cluster_group;
typedef struct cluster_resource cluster_resource;

/*
 * cluster_open - connect to the local cluster service (OpenCluster).
 *
 * socket_path: the clusterd socket; NULL means $CLUSTER_SOCKET if set and
 * not empty, else CLUSTER_DEFAULT_SOCKET.  The connection is made now, and
 * kept for every request made through the handle.  If it drops later, the
 * next request reconnects first; a request whose reply was lost with the
 * connection is sent again once if it only reads (status, read-only
 * controls), and otherwise fails with ERROR_BROKEN_PIPE (it may or may not
 * have taken effect).
 *
 * On success *ret holds a handle to release with cluster_close().
 * Errors: ERROR_FILE_NOT_FOUND (no socket there: clusterd is not running),
 * ERROR_CONNECTION_REFUSED (a socket file nobody listens on),
 * ERROR_ACCESS_DENIED (no permission on the socket), ERROR_INVALID_PARAMETER
 * (ret NULL, or a path too long for a socket address),
 * ERROR_NOT_ENOUGH_MEMORY.
 */
uint32_t cluster_open(const char *socket_path, cluster_handle **ret);

/*
 * cluster_close - release a cluster handle (CloseCluster).  NULL is allowed.
 * The connection closes when the last object handle opened through it is
 * closed too.
 */
void cluster_close(cluster_handle *h);

/*
 * cluster_set_timeout - how long a request waits for its reply, in
 * milliseconds, on top of the wait_ms it carries (0: wait for ever).
 * A request without a reply in time fails with ERROR_TIMEOUT and the
 * connection is dropped (the next request reconnects).
 * Default CLUSTER_DEFAULT_TIMEOUT_MS.  Errors: ERROR_INVALID_PARAMETER.
 */
uint32_t cluster_set_timeout(cluster_handle *h, uint32_t timeout_ms);

/* The socket path the handle connects to (valid while the handle lives). */
const char *cluster_socket_path(const cluster_handle *h);

/*
 * cluster_last_error_detail - clusterd's own words about why the last
 * request made by this thread failed ("the group is not empty", "the
 * cluster has no quorum"), or NULL if it gave none.  English, UTF-8, at
 * most 255 bytes; valid until this thread's next request.  For messages
 * only: programs decide on the error code.
 */
const char *cluster_last_error_detail(void);

/* ======================================================================
 * Memory
 * ====================================================================== */

/*
 * The library's allocator, for memory handed between the library and its
 * callers: cluster_free() releases what the library documents as "free with
 * cluster_free()" (the name arrays of the enumerators); it and clusprop_free()
 * are the same allocator and may be used for each other's memory.  They behave as
 * malloc/realloc/free (cluster_alloc(0) returns a unique pointer; a failed
 * cluster_realloc() leaves the old block alone) and go through the same
 * failure injection as the rest of the library (CS_TORTURE_FAIL_AT=n in
 * the environment makes the n-th allocation of the process fail).
 */
void *cluster_alloc(size_t size);
void *cluster_realloc(void *p, size_t size);
void cluster_free(void *p);

/* ======================================================================
 * Status and enumeration
 * ====================================================================== */

/* One node, as cluster_get_status() reports it. */
typedef struct cluster_node_info {
	char *name;
	uint32_t id;                    /* corosync node id */
	CLUSTER_NODE_STATE state;       /* Up, Down, Paused, Joining, or StateUnknown */
	void *reserved[4];
} cluster_node_info;

/* One group. */
typedef struct cluster_group_info {
	char *name;
	CLUSTER_GROUP_STATE state;
	char *owner;                    /* owner node name, or NULL when none */
	char **preferred_owners;        /* NULL-terminated, in order of preference */
	size_t n_preferred_owners;
	char *reason;                   /* why the policy left it Failed (e.g. its failover
	                                   threshold was reached), or NULL (since 0.2) */
	void *reserved[3];
} cluster_group_info;

/* One resource. */
typedef struct cluster_resource_info {
	char *name;
	char *type;
	char *group;
	CLUSTER_RESOURCE_STATE state;
	char *owner;                    /* node that owns its group, or NULL when none */
	char **dependencies;            /* NULL-terminated names of the resources it depends on */
	size_t n_dependencies;
	char **possible_owners;         /* NULL-terminated node names; none listed means any node */
	size_t n_possible_owners;
	void *reserved[4];
} cluster_resource_info;

/* A snapshot of the whole cluster, as the local clusterd sees it. */
typedef struct cluster_status {
	char *cluster_name;
	int quorate;                    /* 1 if this node's partition has quorum */
	uint32_t local_node_id;
	char *local_node_name;
	size_t n_nodes;
	cluster_node_info *nodes;
	size_t n_groups;
	cluster_group_info *groups;
	size_t n_resources;
	cluster_resource_info *resources;
	int synced;                     /* 0: the local clusterd has not yet synced with the
	                                   cluster since it started or its view changed: what
	                                   it says of groups and resources may be stale */
	char *notice;                   /* what went wrong with this node's copy of the
	                                   cluster database (moved aside, failed its
	                                   digest), or NULL */
	void *reserved[6];
} cluster_status;

/*
 * cluster_get_status - one snapshot of the cluster: its name, quorum, the
 * local node, and every node, group and resource with its state and owner.
 * One request, answered from clusterd's memory.  On success *ret holds a
 * snapshot to release with cluster_status_free(); it is not updated later.
 * Errors: those of the connection (see cluster_open), ERROR_INVALID_DATA (a
 * malformed reply), ERROR_NOT_ENOUGH_MEMORY, ERROR_INVALID_PARAMETER.
 */
uint32_t cluster_get_status(cluster_handle *h, cluster_status **ret);

/* Release a snapshot and everything in it.  NULL is allowed. */
void cluster_status_free(cluster_status *s);

/*
 * cluster_enum_nodes / _groups / _resources - the names of every node,
 * group or resource (ClusterOpenEnum + ClusterEnum in one call), from one
 * status request.  On success *ret_names is a NULL-terminated array, in one
 * block to release with cluster_free(), and *ret_count (if not NULL) its
 * length.  Errors: as cluster_get_status().
 */
uint32_t cluster_enum_nodes(cluster_handle *h, char ***ret_names, size_t *ret_count);
uint32_t cluster_enum_groups(cluster_handle *h, char ***ret_names, size_t *ret_count);
uint32_t cluster_enum_resources(cluster_handle *h, char ***ret_names, size_t *ret_count);

/* The resources of one group (ClusterGroupOpenEnum), as above. */
uint32_t cluster_group_enum_resources(cluster_group *g, char ***ret_names, size_t *ret_count);

/* MSCS names of states: "Online", "OfflinePending", "PartialOnline", "Up",
 * "Paused", ...; "Unknown" for a value without a name.  Never NULL. */
const char *cluster_resource_state_name(CLUSTER_RESOURCE_STATE state);
const char *cluster_group_state_name(CLUSTER_GROUP_STATE state);
const char *cluster_node_state_name(CLUSTER_NODE_STATE state);

/* ======================================================================
 * Object handles
 * ====================================================================== */

/* Flags of the cluster_*_open_ex() calls. */
#define CLUSTER_OPEN_NO_CHECK   0x00000001u /* do not ask clusterd whether the object
                                             * exists: the first request made with
                                             * the handle reports a missing object */

/*
 * cluster_node_open, cluster_group_open, cluster_resource_open - a handle
 * on an existing object, by name (OpenClusterNode, OpenClusterGroup,
 * OpenClusterResource).  The object's existence is checked now, with one
 * status request.  The handle keeps h alive; release it with the matching
 * _close().  Handles are names: an object deleted and created again under
 * the same name is the same object to its handles.
 * Errors: ERROR_CLUSTER_NODE_NOT_FOUND, ERROR_GROUP_NOT_FOUND,
 * ERROR_RESOURCE_NOT_FOUND, those of cluster_get_status(),
 * ERROR_INVALID_PARAMETER (NULL or empty name).
 *
 * The _open_ex() forms take CLUSTER_OPEN_* flags; with CLUSTER_OPEN_NO_CHECK
 * they send no request at all (for tools that issue one request and exit).
 */
uint32_t cluster_node_open(cluster_handle *h, const char *name, cluster_node **ret);
uint32_t cluster_group_open(cluster_handle *h, const char *name, cluster_group **ret);
uint32_t cluster_resource_open(cluster_handle *h, const char *name, cluster_resource **ret);
uint32_t cluster_node_open_ex(cluster_handle *h, const char *name, uint32_t flags,
			      cluster_node **ret);
uint32_t cluster_group_open_ex(cluster_handle *h, const char *name, uint32_t flags,
			       cluster_group **ret);
uint32_t cluster_resource_open_ex(cluster_handle *h, const char *name, uint32_t flags,
				  cluster_resource **ret);

/* Release an object handle (CloseClusterNode, ...).  NULL is allowed.
 * Closing does not change the object. */
void cluster_node_close(cluster_node *n);
void cluster_group_close(cluster_group *g);
void cluster_resource_close(cluster_resource *r);

/* The name an object handle stands for (it follows a rename made through
 * this handle).  Valid until the handle is closed or renamed. */
const char *cluster_node_name(const cluster_node *n);
const char *cluster_group_name(const cluster_group *g);
const char *cluster_resource_name(const cluster_resource *r);

/* ======================================================================
 * Nodes
 * ====================================================================== */

/* Pause a node (no group may come online on it) or resume it
 * (PauseClusterNode, ResumeClusterNode).  Errors: ERROR_CLUSTER_NODE_NOT_FOUND,
 * the connection's, and whatever clusterd refuses with. */
uint32_t cluster_node_pause(cluster_node *n);
uint32_t cluster_node_resume(cluster_node *n);

/* One group of a drain report. */
typedef struct cluster_drain_group {
	char *name;
	char *node;                     /* the node that owns it now, or NULL when none */
	CLUSTER_GROUP_STATE state;      /* its state when the drain ended */
	uint32_t status;                /* ERROR_SUCCESS: moved (and, if it should run,
	                                   Online there); ERROR_HOST_NODE_NOT_AVAILABLE: no
	                                   other node can own it; ERROR_RESOURCE_FAILED: it
	                                   failed where it went; ERROR_TIMEOUT: still moving
	                                   when wait_ms passed; ERROR_GROUP_NOT_FOUND:
	                                   deleted meanwhile */
	char *reason;                   /* clusterd's words when status is not success, or NULL */
	void *reserved[4];
} cluster_drain_group;

/* What a drain did. */
typedef struct cluster_drain_report {
	char *node;                     /* the node drained */
	size_t n_groups;
	cluster_drain_group *groups;    /* every group it owned, or was given meanwhile */
	void *reserved[4];
} cluster_drain_report;

/*
 * cluster_node_drain - pause node n and move every group it owns to the best
 * other node (its preferred owners in order, then any node that may own it;
 * never a paused one), as cluster_group_move() does (WSFC's "pause and drain
 * roles"; SuspendClusterNodeEx with the drain flag).  clusterd does the work
 * and answers when every group is where it went and settled there, or when
 * wait_ms passed (0: clusterd's default, 60 s); a drain goes on in clusterd
 * if the caller goes away.  A node that owns nothing is only paused;
 * cluster_node_resume() takes the pause back.
 * Returns ERROR_SUCCESS if every group moved; else ERROR_TIMEOUT if one was
 * still moving at wait_ms, else the first group's status.  Whenever clusterd
 * sent its report (success or one of those) and ret is not NULL, *ret holds
 * it, to release with cluster_drain_report_free(); otherwise *ret is left
 * untouched.  Other errors: ERROR_CLUSTER_NODE_NOT_FOUND, ERROR_CLUSTER_NODE_DOWN
 * (a node that is down is not drained: its groups fail over), ERROR_NOT_READY
 * (no quorum), ERROR_ACCESS_DENIED, the connection's, ERROR_INVALID_DATA (a
 * malformed report).
 */
uint32_t cluster_node_drain(cluster_node *n, uint32_t wait_ms, cluster_drain_report **ret);

/* Release a drain report and everything in it.  NULL is allowed. */
void cluster_drain_report_free(cluster_drain_report *r);

/*
 * cluster_node_evict - remove a node that is down from the cluster's
 * configuration (EvictClusterNode): it leaves the preferred owners of every
 * group and the possible owners of every resource, in one replicated change,
 * and its settings go.  The node must also leave corosync.conf on every node
 * (cluster(8)); if its cluster service starts again while corosync.conf still
 * names it, it joins as a new node, in no owner list.  Errors:
 * ERROR_CANT_EVICT_ACTIVE_NODE (the node is up), ERROR_INVALID_STATE (a
 * resource could run only there, or a group that fails back has it as its
 * only preferred owner: the detail names it), ERROR_CLUSTER_NODE_NOT_FOUND,
 * ERROR_NOT_READY, ERROR_ACCESS_DENIED, the connection's.
 */
uint32_t cluster_node_evict(cluster_node *n);

/* ======================================================================
 * Groups
 * ====================================================================== */

/*
 * cluster_group_create - create an empty group, Offline (CreateClusterGroup).
 * If ret is not NULL, *ret receives a handle on it.
 * Errors: ERROR_OBJECT_ALREADY_EXISTS, ERROR_INVALID_PARAMETER, the
 * connection's, and a quorum refusal from clusterd.
 */
uint32_t cluster_group_create(cluster_handle *h, const char *name, cluster_group **ret);

/* Delete a group; it must be empty and offline (DeleteClusterGroup).  The
 * handle must still be closed.  Errors: ERROR_GROUP_NOT_FOUND,
 * ERROR_INVALID_STATE, the connection's. */
uint32_t cluster_group_delete(cluster_group *g);

/* Rename a group (SetClusterGroupName); the handle follows the new name.
 * Errors: ERROR_GROUP_NOT_FOUND, ERROR_OBJECT_ALREADY_EXISTS, ... */
uint32_t cluster_group_rename(cluster_group *g, const char *new_name);

/*
 * cluster_group_online - bring a group online (OnlineClusterGroup), on
 * node, or (node NULL) where clusterd chooses: its owner, else its
 * preferred owners in order.  With wait_ms 0 the call returns once the
 * cluster has recorded the request (ERROR_SUCCESS; the group is then
 * coming online, or already is; ERROR_IO_PENDING means the same).  With
 * wait_ms > 0 it returns when the group is Online (ERROR_SUCCESS), when it
 * failed (ERROR_RESOURCE_FAILED), or when wait_ms passed first
 * (ERROR_TIMEOUT: the request stays in effect and the group keeps coming
 * online).  Other errors: ERROR_GROUP_NOT_FOUND, ERROR_CLUSTER_NODE_NOT_FOUND,
 * ERROR_HOST_NODE_NOT_AVAILABLE (node is down or may not own the group),
 * ERROR_NOT_READY (no quorum), the connection's.
 */
uint32_t cluster_group_online(cluster_group *g, cluster_node *node, uint32_t wait_ms);

/* Take a group offline (OfflineClusterGroup); wait_ms as for _online(). */
uint32_t cluster_group_offline(cluster_group *g, uint32_t wait_ms);

/* Move a group to node, or (NULL) to the next node that may own it
 * (MoveClusterGroup); an online group is taken offline and brought online
 * there.  wait_ms as for _online(). */
uint32_t cluster_group_move(cluster_group *g, cluster_node *node, uint32_t wait_ms);

/* Set the preferred owners of a group, most preferred first
 * (SetClusterGroupNodeList); n 0 clears the list.  nodes may be NULL only
 * when n is 0. */
uint32_t cluster_group_set_preferred_owners(cluster_group *g, cluster_node *const nodes[],
					    size_t n);

/* ======================================================================
 * Resources
 * ====================================================================== */

/*
 * cluster_resource_create - create a resource of type `type` in group
 * `group` (CreateClusterResource), Offline, with the private properties of
 * the MSCS property list priv_plist (priv_size bytes; NULL/0 for none),
 * which is validated whole before it is sent.  If ret is not NULL, *ret
 * receives a handle on it.
 * Errors: ERROR_OBJECT_ALREADY_EXISTS, ERROR_GROUP_NOT_FOUND,
 * ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, ERROR_INVALID_DATA (a malformed
 * priv_plist), ERROR_INVALID_PARAMETER, the connection's.
 */
uint32_t cluster_resource_create(cluster_handle *h, const char *name, const char *type,
				 const char *group, const void *priv_plist, size_t priv_size,
				 cluster_resource **ret);

/* Delete a resource; it must be offline and nothing may depend on it
 * (DeleteClusterResource).  The handle must still be closed. */
uint32_t cluster_resource_delete(cluster_resource *r);

/* Rename a resource (SetClusterResourceName); the handle follows. */
uint32_t cluster_resource_rename(cluster_resource *r, const char *new_name);

/* Bring a resource online (with the resources it depends on) or take it
 * offline (with those that depend on it): OnlineClusterResource,
 * OfflineClusterResource.  wait_ms as for cluster_group_online(). */
uint32_t cluster_resource_online(cluster_resource *r, uint32_t wait_ms);
uint32_t cluster_resource_offline(cluster_resource *r, uint32_t wait_ms);

/* Make clusterd treat an online resource as failed, applying its restart
 * and failover policy (FailClusterResource).  Errors include
 * ERROR_RESOURCE_NOT_ONLINE. */
uint32_t cluster_resource_fail(cluster_resource *r);

/* Make r depend on dep, or no longer (AddClusterResourceDependency,
 * RemoveClusterResourceDependency).  Both must be in the same group.
 * Errors: ERROR_DEPENDENCY_ALREADY_EXISTS, ERROR_DEPENDENCY_NOT_FOUND,
 * ERROR_RESOURCE_NOT_FOUND, ERROR_INVALID_PARAMETER (a cycle, or another
 * group), ... */
uint32_t cluster_resource_add_dependency(cluster_resource *r, cluster_resource *dep);
uint32_t cluster_resource_remove_dependency(cluster_resource *r, cluster_resource *dep);

/* Add a node to, or remove it from, the resource's possible owners
 * (AddClusterResourceNode, RemoveClusterResourceNode). */
uint32_t cluster_resource_add_possible_owner(cluster_resource *r, cluster_node *node);
uint32_t cluster_resource_remove_possible_owner(cluster_resource *r, cluster_node *node);

/* ======================================================================
 * Control codes
 * ====================================================================== */

/*
 * cluster_resource_control - send control code `code` to a resource
 * (ClusterResourceControl) and get its answer.
 *
 * host_node: the node that carries out the request; NULL means the node
 *     that owns the resource's group.
 * in, in_size: the input buffer (NULL/0 for none).
 * out, out_size: the caller's output buffer (NULL/0 to ask only the size).
 * bytes_returned: may be NULL.
 *
 * The buffer contract of MSCS, in one request: if the answer fits,
 * ERROR_SUCCESS, the answer is in out and *bytes_returned = its size.  If
 * out is NULL or smaller than the answer, ERROR_MORE_DATA and
 * *bytes_returned = the size needed, in the same unit (bytes); nothing is
 * written to out.  The size needed comes in the same reply, so asking again
 * with a buffer that size (and no change in between) succeeds.  With any
 * other error neither out nor *bytes_returned is touched.
 *
 * Errors: ERROR_MORE_DATA; ERROR_INVALID_FUNCTION (the code is not
 * supported by this object); ERROR_RESOURCE_NOT_FOUND,
 * ERROR_CLUSTER_NODE_NOT_FOUND, ERROR_HOST_NODE_NOT_AVAILABLE,
 * ERROR_RESOURCE_NOT_ONLINE and what the resource's type answers;
 * ERROR_INVALID_PARAMETER (in NULL with in_size > 0, or an input too large
 * for one request); the connection's.
 *
 * Storage controls (STORAGE_GET_DISK_INFO, STORAGE_GET_DISK_INFO_EX,
 * STORAGE_IS_PATH_VALID) are answered from the disk only on the node that
 * owns the resource's group.  Asked of another node: a Physical Disk
 * answers ERROR_HOST_NODE_NOT_RESOURCE_OWNER; one that no node runs,
 * ERROR_RESOURCE_NOT_ONLINE; a resource of another type,
 * ERROR_INVALID_FUNCTION.  doc/physical-disk.md lists every answer.
 */
uint32_t cluster_resource_control(cluster_resource *r, cluster_node *host_node, uint32_t code,
				  const void *in, size_t in_size, void *out, size_t out_size,
				  size_t *bytes_returned);

/* The same contract for a resource type (ClusterResourceTypeControl): the
 * type is named; host_node NULL means the local node. */
uint32_t cluster_resource_type_control(cluster_handle *h, const char *type_name,
				       cluster_node *host_node, uint32_t code,
				       const void *in, size_t in_size, void *out,
				       size_t out_size, size_t *bytes_returned);

/* The same for a group (ClusterGroupControl; host_node NULL: its owner, or
 * the local node when it has none), a node (ClusterNodeControl; NULL: the
 * node itself), and the cluster (ClusterControl; NULL: the local node). */
uint32_t cluster_group_control(cluster_group *g, cluster_node *host_node, uint32_t code,
			       const void *in, size_t in_size, void *out, size_t out_size,
			       size_t *bytes_returned);
uint32_t cluster_node_control(cluster_node *n, cluster_node *host_node, uint32_t code,
			      const void *in, size_t in_size, void *out, size_t out_size,
			      size_t *bytes_returned);
uint32_t cluster_cluster_control(cluster_handle *h, cluster_node *host_node, uint32_t code,
				 const void *in, size_t in_size, void *out, size_t out_size,
				 size_t *bytes_returned);

/*
 * Control-code names, from the one table of every CLUSCTL_* code of
 * clusctl.h that this library knows.
 *
 * cluster_control_code_name - the full MSCS name of a code
 * ("CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO"), or NULL if it has none.
 *
 * cluster_control_code_parse - a code for an object (CLUS_OBJECT_RESOURCE,
 * _RESOURCE_TYPE, _GROUP, _NODE, _CLUSTER, ...) from text: its name without
 * the object's prefix ("GET_CHARACTERISTICS"), its full name
 * ("CLUSCTL_RESOURCE_GET_CHARACTERISTICS"), either in any case, or a number
 * (decimal, or 0x hexadecimal; any 32-bit value is accepted as given).
 * Errors: ERROR_INVALID_PARAMETER (an unknown name, a name of another
 * object's code, a bad number); *ret_code untouched.
 *
 * cluster_control_code_enum - the index-th code of an object's table (0,
 * 1, ...), with its name without prefix; ERROR_NO_MORE_ITEMS past the end.
 */
const char *cluster_control_code_name(uint32_t code);
uint32_t cluster_control_code_parse(uint32_t object, const char *text, uint32_t *ret_code);
uint32_t cluster_control_code_enum(uint32_t object, size_t index, const char **ret_short_name,
				   uint32_t *ret_code);

/* The prefix of an object's control codes ("CLUSCTL_RESOURCE_TYPE_"), or
 * NULL for an unknown object. */
const char *cluster_control_object_prefix(uint32_t object);

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_CLUSAPI_H */
