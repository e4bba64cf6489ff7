/*
 * clusapi/resapi.h - the resource plugin ABI: what a resource type (a
 * "resource DLL" in MSCS) implements, and what the resource host offers it.
 *
 * A resource type is a shared object, "<type>.so", loaded by the resource
 * host (cluster-reshost), a child process of clusterd, so that a plugin that
 * crashes or hangs costs only its host: clusterd kills and restarts the host
 * and treats the host's resources as failed.  The file name is the type name
 * in lower case with spaces turned into '-' ("Physical Disk" ->
 * physical-disk.so, "Dummy" -> dummy.so); type names are ASCII letters,
 * digits, space, '-' and '_'.
 *
 * The shape is MSCS's (Startup returns a function table; Open, Close,
 * Online, Offline, Terminate, LooksAlive, IsAlive, Arbitrate, Release,
 * ResourceControl, ResourceTypeControl), with these conventions:
 *
 *   - One exported symbol, CLUSTER_PLUGIN_STARTUP_SYMBOL, of type
 *     cluster_plugin_startup_fn.  Export nothing else (a version script
 *     "{ global: cluster_plugin_startup; local: *; };" does it), because the
 *     host loads with RTLD_NOW | RTLD_LOCAL and several plugins may carry
 *     their own copies of the same static libraries.
 *   - Tables are versioned and size-prefixed: `size` is the sizeof() of the
 *     table as the plugin (or host) was compiled.  New members are only ever
 *     appended; a reader treats members past `size` as NULL/absent.  So an
 *     old plugin with a shorter table keeps working with a newer host, and a
 *     newer plugin with a longer table works with an older host (which does
 *     not see the new members).  An incompatible change bumps
 *     CLUSTER_RESAPI_VERSION; startup() is told the range the host speaks.
 *   - Errors are uint32_t codes with MSCS's numbers (clusapi/errors.h).
 *   - Strings are UTF-8, NUL-terminated.  Property lists and value lists are
 *     in MSCS's byte format (clusapi/proplist.h reads and builds them).
 *
 * Threading (the host's guarantees):
 *   - startup() is called once, before any other entry point, on the host's
 *     main thread.  cleanup() (if present) is called once, last, before
 *     dlclose, when no other call is running and no resource is open.
 *   - Calls for one resource are serialised: the host never runs two entry
 *     points for the same resource id at the same time.  Different resources
 *     (even of the same type) are called concurrently, each from its own
 *     thread; resource_type_control() is serialised per type but runs
 *     concurrently with resource calls.  A plugin protects what its
 *     resources share.
 *   - "Pending" is not "running": once online()/offline() returned
 *     ERROR_IO_PENDING, the host may call terminate(), resource_control() and
 *     close() (after terminate) for that resource while the operation is still
 *     pending.  Health polls are not run while an operation is pending.
 *   - Host callbacks (cluster_plugin_host) may be called from any thread,
 *     including threads the plugin created, and inside entry points.
 *   - A call may block (online, offline, the polls, the controls are run on
 *     the resource's own thread), but the caller (clusterd) enforces
 *     deadlines: a call that outlives its deadline gets the whole host
 *     killed.  Anything that can take long should return ERROR_IO_PENDING and
 *     finish on a thread of its own.
 *
 * Memory: the host owns every buffer it passes in; they are valid for the
 * duration of the call only (copy what you keep).  The plugin owns what it
 * returns (the table, the resource ids) and frees it in close()/cleanup().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_RESAPI_H
#define CLUSAPI_RESAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <clusapi/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. */
#define CLUSTER_RESAPI_VERSION 1u

/* The symbol a plugin exports (type cluster_plugin_startup_fn). */
#define CLUSTER_PLUGIN_STARTUP_SYMBOL "cluster_plugin_startup"

/* Win32 / MSCS codes this ABI uses that errors.h may not (yet) define. */
#ifndef ERROR_IO_PENDING
#define ERROR_IO_PENDING                997u  /* the operation completes later */
#endif
#ifndef ERROR_OPERATION_ABORTED
#define ERROR_OPERATION_ABORTED         995u
#endif
#ifndef ERROR_GEN_FAILURE
#define ERROR_GEN_FAILURE               31u
#endif
#ifndef ERROR_RESOURCE_FAILED
#define ERROR_RESOURCE_FAILED           5038u
#endif

/*
 * Resource states, as the plugin reports them through set_resource_status().
 * The numbers are MSCS's CLUSTER_RESOURCE_STATE values.
 */
enum cluster_plugin_state {
	CLUSTER_PLUGIN_STATE_ONLINE = 2,
	CLUSTER_PLUGIN_STATE_OFFLINE = 3,
	CLUSTER_PLUGIN_STATE_FAILED = 4,
	CLUSTER_PLUGIN_STATE_ONLINE_PENDING = 129,
	CLUSTER_PLUGIN_STATE_OFFLINE_PENDING = 130,
};

/* Log levels: syslog priorities. */
enum cluster_plugin_log_level {
	CLUSTER_PLUGIN_LOG_ERROR = 3,
	CLUSTER_PLUGIN_LOG_WARNING = 4,
	CLUSTER_PLUGIN_LOG_NOTICE = 5,
	CLUSTER_PLUGIN_LOG_INFO = 6,
	CLUSTER_PLUGIN_LOG_DEBUG = 7,
};

/*
 * The host's handle for one open resource, given to open() and passed back
 * to the host callbacks.  Opaque; valid from open() until close() returns.
 */
typedef struct cluster_resource_handle cluster_resource_handle;

/* The plugin's id for one open resource: whatever open() returned. */
typedef void *cluster_resid;

#if defined(__GNUC__) || defined(__clang__)
#define CLUSTER_RESAPI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLUSTER_RESAPI_PRINTF(f, a)
#endif

/*
 * What the host offers a plugin.  Passed to startup(); the pointer stays
 * valid until cleanup() returns (or the plugin is unloaded).  Read a member
 * only if offsetof(member) < size.
 */
typedef struct cluster_plugin_host {
	uint32_t abi_version;   /* CLUSTER_RESAPI_VERSION of the host */
	uint32_t size;          /* sizeof(cluster_plugin_host) of the host */

	/*
	 * set_resource_status - report the end of a pending operation, or a
	 * failure found outside the polls.  Any thread, any time between
	 * open() and close() of h.
	 *
	 *  - After online() returned ERROR_IO_PENDING: state ONLINE (status
	 *    ignored) completes the online with success; state FAILED
	 *    completes it with `status` (ERROR_RESOURCE_FAILED if status is
	 *    ERROR_SUCCESS).  ONLINE_PENDING just says "still working".
	 *  - After offline() returned ERROR_IO_PENDING: OFFLINE completes it
	 *    with success, FAILED with `status` as above.
	 *  - While the resource is online and nothing is pending: FAILED tells
	 *    the host the resource failed (clusterd gets a RESOURCE_FAILED
	 *    event at once, without waiting for the next poll).
	 *  - Anything else (a second completion, a report after terminate())
	 *    is ignored.  Calling it from inside online()/offline() before
	 *    returning ERROR_IO_PENDING is allowed.
	 */
	void (*set_resource_status)(cluster_resource_handle *h, uint32_t state, uint32_t status);

	/*
	 * log - one line (no newline needed) to the cluster log, attributed to
	 * resource h (NULL: to the plugin's type).  Any thread.  Never fails;
	 * a line may be truncated (4 KiB) or dropped when the host is
	 * overloaded.
	 */
	void (*log)(cluster_resource_handle *h, uint32_t level, const char *fmt, ...)
		CLUSTER_RESAPI_PRINTF(3, 4);

	/*
	 * arbitration_lost - after a successful arbitrate(), the plugin
	 * found that it lost what it arbitrated for (MSCS's
	 * LostQuorumResource callback).  Any thread.  clusterd gets a
	 * RESOURCE_FAILED event.
	 */
	void (*arbitration_lost)(cluster_resource_handle *h);
} cluster_plugin_host;

/*
 * The plugin's function table.  Returned by startup(); must stay valid and
 * unchanged until cleanup() returns (a static const table is usual).
 * Every member up to is_alive is required (non-NULL); the rest may be NULL.
 */
typedef struct cluster_resource_plugin {
	uint32_t abi_version;   /* the version the plugin chose, within [min_abi, max_abi] */
	uint32_t size;          /* sizeof(cluster_resource_plugin) as the plugin was built */
	const char *type_name;  /* e.g. "Dummy"; must match the type the file was loaded for
	                           (compared ignoring ASCII case) */

	/*
	 * open - make a resource known to the plugin.  Must be fast and must
	 * not bring anything online.  private_props is the resource's private
	 * property list (MSCS format), already validated by the host, or
	 * NULL with props_size 0 if it has none; it is valid during the call
	 * only.  Unknown properties should be ignored.  handle identifies the
	 * resource to the host callbacks.  Returns the plugin's id (anything
	 * but NULL), or NULL with *ret_error set (ERROR_INVALID_PARAMETER for
	 * bad properties, ERROR_NOT_ENOUGH_MEMORY, ...).  The resource starts
	 * offline.
	 */
	cluster_resid (*open)(const char *resource_name, const void *private_props,
			      size_t props_size, cluster_resource_handle *handle,
			      uint32_t *ret_error);

	/*
	 * close - forget the resource and free everything it holds.  The host
	 * calls it only when the resource is offline (it calls terminate()
	 * first otherwise).  After close() returns, the plugin must not use
	 * the handle again: stop and join any thread of the resource first.
	 */
	void (*close)(cluster_resid id);

	/*
	 * online - bring the resource online.  ERROR_SUCCESS: it is online.
	 * Any other code but ERROR_IO_PENDING: it failed and is offline.
	 * ERROR_IO_PENDING: the plugin works on it elsewhere and finishes
	 * with set_resource_status() (ONLINE or FAILED).
	 */
	uint32_t (*online)(cluster_resid id);

	/* offline - take it offline gracefully; same return rules as online()
	 * (finish a pending offline with OFFLINE or FAILED). */
	uint32_t (*offline)(cluster_resid id);

	/*
	 * terminate - take it offline now, ungracefully, abandoning any
	 * pending online/offline (whose later set_resource_status() is
	 * ignored).  Cannot fail; must not block for long.  When it returns,
	 * the resource is offline.
	 */
	void (*terminate)(cluster_resid id);

	/*
	 * looks_alive - a cheap check, run every LooksAlive interval while the
	 * resource is online.  false makes the host run is_alive() at once to
	 * confirm; only a false from is_alive() fails the resource.
	 */
	bool (*looks_alive)(cluster_resid id);

	/* is_alive - a thorough check, run every IsAlive interval while online;
	 * false fails the resource (clusterd gets a RESOURCE_FAILED event). */
	bool (*is_alive)(cluster_resid id);

	/* ---- optional members (may be NULL) ---- */

	/*
	 * arbitrate / release - for resources that can hold quorum or need
	 * exclusive ownership (disks): win the right to own the resource /
	 * give it up.  NULL: the type does not arbitrate (the host answers
	 * ERROR_INVALID_FUNCTION).  Loss after a successful arbitrate() is
	 * reported through host->arbitration_lost().
	 */
	uint32_t (*arbitrate)(cluster_resid id);
	uint32_t (*release)(cluster_resid id);

	/*
	 * resource_control - a control code for one resource (MSCS's
	 * ResourceControl), with the MSCS buffer contract:
	 *   - in/in_size: the input (NULL/0 if none), valid during the call.
	 *   - out/out_size: the caller's output buffer; out is NULL when
	 *     out_size is 0.
	 *   - On success, *bytes_returned = bytes written to out.
	 *   - If the output does not fit: ERROR_MORE_DATA with
	 *     *bytes_returned = the size needed (in bytes, same units as on
	 *     success), and nothing written to out.
	 *   - ERROR_INVALID_FUNCTION: "not mine": clusterd answers the code
	 *     itself (common properties, characteristics, flags, names, ...),
	 *     as MSCS does for resource DLLs.  Return it for every code the
	 *     type does not handle.
	 *   - Other errors: *bytes_returned is ignored.
	 * NULL member: every code gets ERROR_INVALID_FUNCTION.
	 */
	uint32_t (*resource_control)(cluster_resid id, uint32_t control_code,
				     const void *in, size_t in_size,
				     void *out, size_t out_size, size_t *bytes_returned);

	/* resource_type_control - the same for a code addressed to the type
	 * (CLUSCTL_RESOURCE_TYPE_*); may be called with no resource open. */
	uint32_t (*resource_type_control)(const char *type_name, uint32_t control_code,
					  const void *in, size_t in_size,
					  void *out, size_t out_size, size_t *bytes_returned);

	/* cleanup - undo startup(): called once, after every resource was
	 * closed, before the host unloads the plugin. */
	void (*cleanup)(void);
} cluster_resource_plugin;

/* The minimum table size a host accepts: every required member. */
#define CLUSTER_RESOURCE_PLUGIN_MIN_SIZE \
	(offsetof(cluster_resource_plugin, is_alive) + sizeof(void (*)(void)))

/*
 * cluster_plugin_startup - the plugin's entry point.  host is valid until
 * cleanup() returns.  min_abi..max_abi is the range of ABI versions the host
 * speaks; pick one (normally CLUSTER_RESAPI_VERSION if it is in range) and
 * return a table carrying it, or return NULL if there is none the plugin
 * speaks (the host then unloads it).  Called once per load, on the main
 * thread, before anything else.
 */
typedef const cluster_resource_plugin *(*cluster_plugin_startup_fn)(
	const cluster_plugin_host *host, uint32_t min_abi, uint32_t max_abi);

/* Declaration for plugins (define it with this exact signature). */
const cluster_resource_plugin *cluster_plugin_startup(const cluster_plugin_host *host,
						      uint32_t min_abi, uint32_t max_abi);

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_RESAPI_H */
