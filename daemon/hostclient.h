/*
 * hostclient.h - clusterd's side of a resource host: spawn cluster-reshost,
 * send it requests with deadlines, read its completions and events, notice
 * its death, kill, reap and restart it.  Internal (clusterd links it through
 * hostclient_dep); single-threaded: call everything from the thread that
 * runs the owner's event loop.
 *
 * Event-loop integration (any loop: poll, epoll, libqb):
 *   - watch hostclient_fd() for POLLIN, and for POLLOUT while
 *     hostclient_wants_write(); call hostclient_dispatch() when it is ready.
 *     The fd changes on every start and is -1 while no host runs: register
 *     it after hostclient_start(), drop it in the host_exited callback.
 *   - wake up by hostclient_next_deadline() and call
 *     hostclient_check_timeouts() then.
 *   - on SIGCHLD (signalfd), call hostclient_reap().  Without it, a host
 *     that died is still noticed (EOF on the socket, then a short poll of
 *     waitpid driven by next_deadline), only later.
 *
 * Callbacks (struct hostclient_callbacks) are called only from
 * hostclient_dispatch(), hostclient_check_timeouts(), hostclient_reap(),
 * hostclient_kill() and hostclient_stop(), never from a call that submits a
 * request.  They may call any hostclient function, including
 * hostclient_start() from host_exited to restart the host, but not
 * hostclient_free().
 *
 * Every request gets exactly one `completed` callback: with the host's
 * answer (also when there was no memory to receive the answer's payload:
 * its status is in the header; only a control then completes with
 * ERROR_NOT_ENOUGH_MEMORY, its output lost); or
 * ERROR_RESOURCE_CALL_TIMED_OUT when its deadline passes (a late answer is
 * then ignored; the host may still be working on it: the owner should kill
 * and restart the host, as it treats a hung resource as failed);
 * or ERROR_BROKEN_PIPE when the host dies first; or ERROR_OPERATION_ABORTED
 * when the owner kills or stops the host.  A submit function that fails
 * returns the error and never calls the callback.
 *
 * Errors are MSCS / Win32 codes (clusapi/errors.h, hostproto.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_HOSTCLIENT_H
#define CS_HOSTCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hostproto.h"

typedef struct hostclient hostclient;

/* Why a host is gone. */
enum hostclient_exit_reason {
	HOSTCLIENT_EXIT_DIED = 1,      /* it exited or crashed by itself (socket closed) */
	HOSTCLIENT_EXIT_KILLED = 2,    /* hostclient_kill() */
	HOSTCLIENT_EXIT_STOPPED = 3,   /* hostclient_stop() */
	HOSTCLIENT_EXIT_PROTOCOL = 4,  /* it sent a malformed message; it was killed */
};

struct hostclient_exit {
	pid_t pid;
	int wait_status;               /* from waitpid(); -1 if it could not be reaped yet */
	enum hostclient_exit_reason reason;
	const uint64_t *resource_ids;  /* the resources it had open (or was opening) */
	size_t n_resources;
};

/* One finished request.  Pointers are valid during the callback only. */
struct hostclient_result {
	uint64_t request_id;
	uint64_t resource_id;          /* 0 for TYPE_CONTROL and PING */
	uint32_t request_type;         /* HOSTPROTO_OPEN, ... */
	uint32_t status;               /* ERROR_SUCCESS or an error */
	uint32_t bytes_returned;       /* controls: bytes in out, or the size needed
	                                  with ERROR_MORE_DATA */
	const void *out;               /* control output (NULL if none) */
	size_t out_len;
	void *cookie;                  /* as given to the submit call */
};

struct hostclient_callbacks {
	/* Required. */
	void (*completed)(hostclient *hc, const struct hostclient_result *res, void *userdata);
	/* A health poll failed (source: enum hostproto_fail_source; 0 when the report
	 * could not be received whole for lack of memory), or the plugin reported a
	 * failure by itself.  Optional. */
	void (*resource_failed)(hostclient *hc, uint64_t resource_id, uint32_t source,
				uint32_t status, void *userdata);
	/* A log line from the host or a plugin (resource_id 0: not about one resource);
	 * text is NUL-terminated.  Optional. */
	void (*log)(hostclient *hc, uint64_t resource_id, uint32_t level, const char *text,
		    void *userdata);
	/* The host is gone and reaped (or, rarely, could not be reaped yet); every
	 * request it had was completed just before.  Optional. */
	void (*host_exited)(hostclient *hc, const struct hostclient_exit *info, void *userdata);
};

struct hostclient_config {
	const char *host_path;         /* NULL: $CS_RESHOST_PATH, else the installed host */
	const char *plugin_dir;        /* NULL: $CS_PLUGIN_DIR, else the installed plugin dir */
	/* Command words run in front of the host (e.g. "valgrind --leak-check=full"),
	 * split on blanks.  NULL: $CS_RESHOST_WRAPPER if set. */
	const char *wrapper;
	uint32_t pending_timeout_ms;   /* ONLINE / OFFLINE; 0: 180000 (MSCS PendingTimeout) */
	uint32_t call_timeout_ms;      /* every other request; 0: 60000 */
	uint32_t exit_grace_ms;        /* after EOF, time the host gets to exit before
	                                  SIGKILL; 0: 2000 */
	bool verbose;                  /* pass --verbose (the host echoes logs to stderr) */
	bool lease;                    /* pass --lease: the host runs nothing until a
	                                  LEASE, and stops everything when it runs out */
	bool quorum;                   /* pass --quorum: the host follows votequorum and
	                                  stops everything when this node loses quorum */
};

/* Monotonic clock in milliseconds, the clock of every deadline here. */
int64_t hostclient_now_ms(void);

/*
 * hostclient_new - a client, not yet running a host.  cfg and its strings
 * are copied; cb is copied.  ERROR_SUCCESS, ERROR_INVALID_PARAMETER (no
 * completed callback), ERROR_NOT_ENOUGH_MEMORY.
 */
uint32_t hostclient_new(const struct hostclient_config *cfg, const struct hostclient_callbacks *cb,
			void *userdata, hostclient **ret);

/* Kill a running host (SIGKILL to its process group), reap it, free all.
 * No callback is called; pending requests are dropped.  NULL is fine. */
void hostclient_free(hostclient *hc);

/*
 * hostclient_start - spawn the host: socketpair(SEQPACKET), fork, the child
 * in its own process group with the socket as fd 3, every other fd closed,
 * signal mask and ignored signals reset, stdin from /dev/null, stdout and
 * stderr inherited; then exec [wrapper...] host --fd 3 --plugin-dir DIR.
 * ERROR_SUCCESS (an exec failure shows up as the host dying, status 127),
 * ERROR_INVALID_STATE (a host is running or still exiting),
 * ERROR_NOT_ENOUGH_MEMORY, ERROR_GEN_FAILURE (socketpair/fork failed).
 */
uint32_t hostclient_start(hostclient *hc);

/* True while a host runs (started, and not yet known dead). */
bool hostclient_running(const hostclient *hc);
/* The host's pid (also its process group), or -1. */
pid_t hostclient_pid(const hostclient *hc);
/* The socket to watch, or -1. */
int hostclient_fd(const hostclient *hc);
/* True when there is queued output: watch for POLLOUT too. */
bool hostclient_wants_write(const hostclient *hc);
/* Requests sent and not yet completed. */
size_t hostclient_pending_count(const hostclient *hc);

/*
 * hostclient_dispatch - read and handle everything the host sent, send what
 * is queued.  Calls callbacks.  Notices EOF / ECONNRESET (the host then gets
 * exit_grace_ms to exit before SIGKILL; host_exited follows once it is
 * reaped) and protocol errors (the host is killed at once).
 */
void hostclient_dispatch(hostclient *hc);

/* The earliest deadline (hostclient_now_ms() clock) at which
 * hostclient_check_timeouts() has work, or -1 for none. */
int64_t hostclient_next_deadline(const hostclient *hc);

/* Complete every request whose deadline is <= now with
 * ERROR_RESOURCE_CALL_TIMED_OUT; finish an exiting host whose grace ran out. */
void hostclient_check_timeouts(hostclient *hc, int64_t now);

/* waitpid(WNOHANG) for the host and for earlier hosts that could not be
 * reaped; if the running host exited, it is handled as dead (callbacks). */
void hostclient_reap(hostclient *hc);

/*
 * hostclient_kill - SIGKILL the host's process group, reap the host, close
 * the socket; pending requests complete with ERROR_OPERATION_ABORTED, then
 * host_exited (reason KILLED).  Waits for the host to die (up to 5 s: a
 * process stuck in the kernel is reaped later by hostclient_reap()).  No-op
 * if no host runs.
 */
void hostclient_kill(hostclient *hc);

/*
 * hostclient_stop - graceful: close the socket so that the host terminates
 * and closes its resources, unloads its plugins and exits; wait up to
 * timeout_ms for it, then SIGKILL.  Then as hostclient_kill (reason
 * STOPPED).  Blocks the caller up to timeout_ms.
 */
void hostclient_stop(hostclient *hc, uint32_t timeout_ms);

/* ---- Requests ----
 * Each queues one request and sends what it can at once.  timeout_ms 0 uses
 * the configured default for its kind.  cookie comes back in the result.
 * *ret_request_id (if not NULL) receives the id (never 0).
 * Returns ERROR_SUCCESS (`completed` will be called exactly once, later),
 * ERROR_BROKEN_PIPE (no host running), ERROR_INVALID_PARAMETER,
 * ERROR_NOT_ENOUGH_MEMORY.  resource_id is the owner's choice, never 0,
 * unique among the resources open in this host. */

/* Load the type's plugin if needed and open a resource.  props: its private
 * property list (MSCS format) or NULL/0.  Poll intervals in ms, 0: none. */
uint32_t hostclient_open(hostclient *hc, uint64_t resource_id, const char *type_name,
			 const char *resource_name, const void *props, size_t props_size,
			 uint32_t looks_alive_ms, uint32_t is_alive_ms, uint32_t timeout_ms,
			 void *cookie, uint64_t *ret_request_id);
uint32_t hostclient_close(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			  void *cookie, uint64_t *ret_request_id);
/* Complete when the plugin is done (timeout default: pending_timeout_ms). */
uint32_t hostclient_online(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			   void *cookie, uint64_t *ret_request_id);
uint32_t hostclient_offline(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			    void *cookie, uint64_t *ret_request_id);
/* Goes ahead of queued requests for the resource; queued online/offline
 * requests and a pending one complete with ERROR_OPERATION_ABORTED. */
uint32_t hostclient_terminate(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			      void *cookie, uint64_t *ret_request_id);
uint32_t hostclient_arbitrate(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			      void *cookie, uint64_t *ret_request_id);
uint32_t hostclient_release(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			    void *cookie, uint64_t *ret_request_id);
/* Change the poll intervals (ms, 0: off); they restart from now. */
uint32_t hostclient_set_poll(hostclient *hc, uint64_t resource_id, uint32_t looks_alive_ms,
			     uint32_t is_alive_ms, uint32_t timeout_ms, void *cookie,
			     uint64_t *ret_request_id);
/* A control code for a resource: in/in_size the input; out_size the caller's
 * buffer size (the result carries at most that many bytes, or ERROR_MORE_DATA
 * with the size needed). */
uint32_t hostclient_control(hostclient *hc, uint64_t resource_id, uint32_t control_code,
			    const void *in, size_t in_size, size_t out_size, uint32_t timeout_ms,
			    void *cookie, uint64_t *ret_request_id);
uint32_t hostclient_type_control(hostclient *hc, const char *type_name, uint32_t control_code,
				 const void *in, size_t in_size, size_t out_size,
				 uint32_t timeout_ms, void *cookie, uint64_t *ret_request_id);
/* Let the host run resources until `until` (CLOCK_MONOTONIC ms). */
uint32_t hostclient_lease(hostclient *hc, uint64_t until, void *cookie);

uint32_t hostclient_ping(hostclient *hc, uint32_t timeout_ms, void *cookie,
			 uint64_t *ret_request_id);

#endif /* CS_HOSTCLIENT_H */
