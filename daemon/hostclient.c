/*
 * hostclient.c - clusterd's side of a resource host.  See hostclient.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "hostclient.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "cs_paths.h"


#define DEFAULT_PENDING_TIMEOUT_MS 180000u
#define DEFAULT_CALL_TIMEOUT_MS 60000u
#define DEFAULT_EXIT_GRACE_MS 2000u
#define EXIT_POLL_MS 10
#define KILL_WAIT_MS 5000
#define HOST_FD 3
#define MAX_WRAPPER_WORDS 32

struct pending {
	struct pending *next;
	struct pending *prev;
	uint64_t request_id;
	uint64_t resource_id;
	uint16_t type;
	uint32_t out_size;     /* controls: what was asked for */
	int64_t deadline;
	void *cookie;
};

/* A host that was killed but could not be reaped yet. */
struct zombie {
	struct zombie *next;
	pid_t pid;
};

struct hostclient {
	struct hostclient_callbacks cb;
	void *userdata;
	char *host_path;
	char *plugin_dir;
	char *wrapper;
	uint32_t pending_timeout_ms;
	uint32_t call_timeout_ms;
	uint32_t exit_grace_ms;
	bool verbose;
	bool lease;
	bool quorum;

	/* the current host */
	pid_t pid;                 /* -1: none */
	int fd;                    /* -1: closed */
	bool exiting;              /* EOF seen, waiting for the process to exit */
	int64_t exit_deadline;     /* SIGKILL after this */
	int64_t next_exit_poll;
	uint64_t generation;       /* bumped whenever a host ends */

	struct hostproto_rx rx;
	struct hostproto_txq txq;
	uint8_t *recbuf;

	struct pending *pending;   /* doubly linked, newest first */
	size_t npending;
	uint64_t next_request_id;

	uint64_t *res;             /* resources the host has (or is opening) */
	size_t nres;
	size_t res_cap;

	struct zombie *zombies;
};

int64_t hostclient_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- resource set ---- */

static ssize_t res_index(const hostclient *hc, uint64_t id)
{
	for (size_t i = 0; i < hc->nres; i++)
		if (hc->res[i] == id)
			return (ssize_t)i;
	return -1;
}

static uint32_t res_add(hostclient *hc, uint64_t id)
{
	if (res_index(hc, id) >= 0)
		return ERROR_SUCCESS;
	if (hc->nres == hc->res_cap) {
		size_t cap = hc->res_cap ? hc->res_cap * 2 : 16;
		uint64_t *n = cs_realloc(hc->res, cap * sizeof(*n));
		if (!n)
			return ERROR_NOT_ENOUGH_MEMORY;
		hc->res = n;
		hc->res_cap = cap;
	}
	hc->res[hc->nres++] = id;
	return ERROR_SUCCESS;
}

static void res_remove(hostclient *hc, uint64_t id)
{
	ssize_t i = res_index(hc, id);
	if (i >= 0)
		hc->res[i] = hc->res[--hc->nres];
}

/* ---- pending requests ---- */

static void pending_unlink(hostclient *hc, struct pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		hc->pending = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
	hc->npending--;
}

static struct pending *pending_find(const hostclient *hc, uint64_t request_id)
{
	for (struct pending *p = hc->pending; p; p = p->next)
		if (p->request_id == request_id)
			return p;
	return NULL;
}

static void complete(hostclient *hc, struct pending *p, uint32_t status, uint32_t bytes_returned,
		     const void *out, size_t out_len)
{
	struct hostclient_result r = {
		.request_id = p->request_id,
		.resource_id = p->resource_id,
		.request_type = p->type,
		.status = status,
		.bytes_returned = bytes_returned,
		.out = out,
		.out_len = out_len,
		.cookie = p->cookie,
	};
	hc->cb.completed(hc, &r, hc->userdata);
}

/* ---- config ---- */

static char *dup_or(const char *v, const char *dflt)
{
	return cs_strdup(v && *v ? v : dflt);
}

uint32_t hostclient_new(const struct hostclient_config *cfg, const struct hostclient_callbacks *cb,
			void *userdata, hostclient **ret)
{
	static const struct hostclient_config none;
	hostclient *hc = NULL;
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	if (!cb || !cb->completed || !ret)
		return ERROR_INVALID_PARAMETER;
	if (!cfg)
		cfg = &none;
	hc = cs_calloc(1, sizeof(*hc));
	if (!hc)
		goto out;
	hc->pid = -1;
	hc->fd = -1;
	hc->cb = *cb;
	hc->userdata = userdata;
	hc->pending_timeout_ms = cfg->pending_timeout_ms ? cfg->pending_timeout_ms :
							   DEFAULT_PENDING_TIMEOUT_MS;
	hc->call_timeout_ms = cfg->call_timeout_ms ? cfg->call_timeout_ms : DEFAULT_CALL_TIMEOUT_MS;
	hc->exit_grace_ms = cfg->exit_grace_ms ? cfg->exit_grace_ms : DEFAULT_EXIT_GRACE_MS;
	hc->verbose = cfg->verbose;
	hc->lease = cfg->lease;
	hc->quorum = cfg->quorum;
	hc->next_request_id = 1;
	hc->host_path = dup_or(cfg->host_path, cs_path_reshost());
	hc->plugin_dir = dup_or(cfg->plugin_dir, cs_path_plugin_dir());
	hc->recbuf = cs_malloc(HOSTPROTO_MAX_RECORD);
	if (!hc->host_path || !hc->plugin_dir || !hc->recbuf)
		goto out;
	const char *w = cfg->wrapper ? cfg->wrapper : getenv("CS_RESHOST_WRAPPER");
	if (w && *w) {
		hc->wrapper = cs_strdup(w);
		if (!hc->wrapper)
			goto out;
	}
	*ret = hc;
	hc = NULL;
	err = ERROR_SUCCESS;
out:
	hostclient_free(hc);
	return err;
}

/* ---- process handling ---- */

/*
 * If pid has exited, SIGKILL what is left in its process group, then reap
 * it; true if pid is gone (reaped, or not our child).  The group is killed
 * while the leader is still a zombie, so its id cannot have been reused.
 */
static bool try_reap(pid_t pid, int *ret_status)
{
	siginfo_t si;
	int r;
	memset(&si, 0, sizeof(si));
	do
		r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		*ret_status = -1;
		return errno == ECHILD;
	}
	if (si.si_pid != pid)
		return false;
	kill(-pid, SIGKILL);
	int st;
	pid_t w;
	do
		w = waitpid(pid, &st, 0);
	while (w < 0 && errno == EINTR);
	*ret_status = w == pid ? st : -1;
	return true;
}

/* SIGKILL the group (while the leader is unreaped, the group id cannot be
 * reused) and wait up to KILL_WAIT_MS; false if it is still not reaped. */
static bool kill_and_reap(pid_t pid, int *ret_status)
{
	if (kill(-pid, SIGKILL) != 0)
		kill(pid, SIGKILL);
	for (int waited = 0; waited <= KILL_WAIT_MS; waited += 2) {
		if (try_reap(pid, ret_status))
			return true;
		sleep_ms(2);
	}
	*ret_status = -1;
	return false;
}

static void reap_zombies(hostclient *hc)
{
	struct zombie **zp = &hc->zombies;
	while (*zp) {
		struct zombie *z = *zp;
		int st;
		if (try_reap(z->pid, &st)) {
			*zp = z->next;
			cs_free(z);
		} else {
			zp = &z->next;
		}
	}
}

/*
 * The end of the current host: the process is already reaped (reaped true,
 * wait_status) or is killed and reaped here.  Resets the client to "no host"
 * first, then completes every pending request with `status` and calls
 * host_exited, so that callbacks may start a new host.
 */
static void host_gone(hostclient *hc, enum hostclient_exit_reason reason, bool reaped,
		      int wait_status, uint32_t status)
{
	pid_t pid = hc->pid;
	if (pid < 0)
		return;
	if (hc->fd >= 0) {
		close(hc->fd);
		hc->fd = -1;
	}
	if (!reaped) {
		if (!kill_and_reap(pid, &wait_status)) {
			struct zombie *z = cs_calloc(1, sizeof(*z));
			if (z) {
				z->pid = pid;
				z->next = hc->zombies;
				hc->zombies = z;
			}
			/* else: the next waitpid(-1) of the owner will reap it */
		}
	}

	/* detach everything, then reset */
	struct pending *list = hc->pending;
	uint64_t *res = hc->res;
	size_t nres = hc->nres;
	hc->pending = NULL;
	hc->npending = 0;
	hc->res = NULL;
	hc->nres = hc->res_cap = 0;
	hc->pid = -1;
	hc->exiting = false;
	hc->generation++;
	hostproto_rx_reset(&hc->rx);
	hostproto_txq_clear(&hc->txq);

	/* oldest request first */
	struct pending *last = list;
	while (last && last->next)
		last = last->next;
	while (last) {
		struct pending *prev = last->prev;
		complete(hc, last, status, 0, NULL, 0);
		cs_free(last);
		last = prev;
	}
	if (hc->cb.host_exited) {
		struct hostclient_exit info = {
			.pid = pid,
			.wait_status = wait_status,
			.reason = reason,
			.resource_ids = res,
			.n_resources = nres,
		};
		hc->cb.host_exited(hc, &info, hc->userdata);
	}
	cs_free(res);
}

/* EOF or a socket error: the host is going away; give it exit_grace_ms to
 * exit by itself (a valgrind wrapper writes its report then). */
static void host_closing(hostclient *hc)
{
	if (hc->pid < 0 || hc->exiting)
		return;
	if (hc->fd >= 0) {
		close(hc->fd);
		hc->fd = -1;
	}
	hostproto_txq_clear(&hc->txq);
	hc->exiting = true;
	int64_t now = hostclient_now_ms();
	hc->exit_deadline = now + hc->exit_grace_ms;
	hc->next_exit_poll = now;
	int st;
	if (try_reap(hc->pid, &st))
		host_gone(hc, HOSTCLIENT_EXIT_DIED, true, st, ERROR_BROKEN_PIPE);
}

void hostclient_free(hostclient *hc)
{
	if (!hc)
		return;
	if (hc->fd >= 0)
		close(hc->fd);
	if (hc->pid > 0) {
		int st;
		if (!kill_and_reap(hc->pid, &st)) {
			/* left to init; nothing else can be done */
		}
	}
	reap_zombies(hc);
	while (hc->zombies) {
		struct zombie *z = hc->zombies;
		hc->zombies = z->next;
		cs_free(z);
	}
	while (hc->pending) {
		struct pending *p = hc->pending;
		hc->pending = p->next;
		cs_free(p);
	}
	hostproto_rx_reset(&hc->rx);
	hostproto_txq_clear(&hc->txq);
	cs_free(hc->res);
	cs_free(hc->recbuf);
	cs_free(hc->host_path);
	cs_free(hc->plugin_dir);
	cs_free(hc->wrapper);
	cs_free(hc);
}

bool hostclient_running(const hostclient *hc)
{
	return hc && hc->pid > 0 && !hc->exiting;
}

pid_t hostclient_pid(const hostclient *hc)
{
	return hc ? hc->pid : -1;
}

int hostclient_fd(const hostclient *hc)
{
	return hc ? hc->fd : -1;
}

bool hostclient_wants_write(const hostclient *hc)
{
	return hc && hc->fd >= 0 && !hostproto_txq_empty(&hc->txq);
}

size_t hostclient_pending_count(const hostclient *hc)
{
	return hc ? hc->npending : 0;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child_exec(int sock, char *const argv[])
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, RT */
	setpgid(0, 0);

	if (sock == HOST_FD) {
		int fl = fcntl(sock, F_GETFD);
		if (fl < 0 || fcntl(sock, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			_exit(127);
	} else if (dup2(sock, HOST_FD) < 0) {
		_exit(127);
	}
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul == STDIN_FILENO)
		fcntl(nul, F_SETFD, 0);
	else if (nul >= 0)
		dup2(nul, STDIN_FILENO);
	/* everything above the host's fd: close_range where the kernel has it */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, HOST_FD + 1, ~0u, 0) != 0)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 65536)
			max = 65536;
		for (int fd = HOST_FD + 1; fd < max; fd++)
			close(fd);
	}
	execvp(argv[0], argv);
	_exit(127);
}

uint32_t hostclient_start(hostclient *hc)
{
	char *words = NULL;
	char **argv = NULL;
	int sv[2] = { -1, -1 };
	uint32_t err;

	if (!hc)
		return ERROR_INVALID_PARAMETER;
	if (hc->pid > 0)
		return ERROR_INVALID_STATE;
	reap_zombies(hc);

	/* argv: wrapper words, host, --fd 3, --plugin-dir DIR, [--verbose], NULL */
	argv = cs_calloc(MAX_WRAPPER_WORDS + 9, sizeof(*argv));
	if (!argv) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	size_t n = 0;
	if (hc->wrapper) {
		words = cs_strdup(hc->wrapper);
		if (!words) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
		char *save = NULL;
		for (char *t = strtok_r(words, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
			if (n == MAX_WRAPPER_WORDS) {
				err = ERROR_INVALID_PARAMETER;
				goto out;
			}
			argv[n++] = t;
		}
	}
	argv[n++] = hc->host_path;
	argv[n++] = (char *)"--fd";
	argv[n++] = (char *)"3";
	argv[n++] = (char *)"--plugin-dir";
	argv[n++] = hc->plugin_dir;
	if (hc->verbose)
		argv[n++] = (char *)"--verbose";
	if (hc->lease)
		argv[n++] = (char *)"--lease";
	if (hc->quorum)
		argv[n++] = (char *)"--quorum";
	argv[n] = NULL;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	if (fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) != 0) {
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		err = ERROR_GEN_FAILURE;
		goto out;
	}
	if (pid == 0)
		child_exec(sv[1], argv); /* never returns */
	setpgid(pid, pid); /* also in the parent: no race with a kill(-pid) */

	hc->pid = pid;
	hc->fd = sv[0];
	sv[0] = -1;
	hc->exiting = false;
	err = ERROR_SUCCESS;
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	cs_free(words);
	cs_free(argv);
	return err;
}

/* ---- receiving ---- */

/* Protocol error from the host: kill it. */
static void host_bad(hostclient *hc)
{
	host_gone(hc, HOSTCLIENT_EXIT_PROTOCOL, false, -1, ERROR_BROKEN_PIPE);
}

/* The host's answer to p: what it says about the resource set, then the
 * callback. */
static void answered(hostclient *hc, struct pending *p, uint32_t status, uint32_t bytes_returned,
		     const void *out, size_t out_len)
{
	if (p->type == HOSTPROTO_OPEN && status != ERROR_SUCCESS &&
	    status != ERROR_OBJECT_ALREADY_EXISTS)
		res_remove(hc, p->resource_id);
	else if (p->type == HOSTPROTO_CLOSE)
		res_remove(hc, p->resource_id);
	pending_unlink(hc, p);
	complete(hc, p, status, bytes_returned, out, out_len);
	cs_free(p);
}

/* Handle one message; false on a protocol error. */
static bool handle_message(hostclient *hc, const struct hostproto_hdr *h, const uint8_t *payload)
{
	switch (h->type) {
	case HOSTPROTO_COMPLETE: {
		struct hostproto_complete_view v;
		if (hostproto_decode_complete(payload, h->payload_len, &v) != ERROR_SUCCESS)
			return false;
		struct pending *p = pending_find(hc, h->request_id);
		if (!p)
			return true; /* timed out earlier: the late answer is dropped */
		if (p->type != v.request_type)
			return false;
		if (p->type == HOSTPROTO_CONTROL || p->type == HOSTPROTO_TYPE_CONTROL) {
			if (h->status == ERROR_SUCCESS) {
				if (v.out_len != v.bytes_returned || v.out_len > p->out_size)
					return false;
			} else if (v.out_len != 0) {
				return false;
			}
		} else if (v.out_len != 0) {
			return false;
		}
		answered(hc, p, h->status, v.bytes_returned, v.out, v.out_len);
		return true;
	}
	case HOSTPROTO_RESOURCE_FAILED: {
		uint32_t source;
		if (hostproto_decode_failed(payload, h->payload_len, &source) != ERROR_SUCCESS)
			return false;
		if (hc->cb.resource_failed)
			hc->cb.resource_failed(hc, h->resource_id, source, h->status, hc->userdata);
		return true;
	}
	case HOSTPROTO_LOG: {
		struct hostproto_log_view v;
		char text[HOSTPROTO_MAX_LOG + 1];
		if (hostproto_decode_log(payload, h->payload_len, &v) != ERROR_SUCCESS)
			return false;
		memcpy(text, v.text, v.text_len);
		text[v.text_len] = '\0';
		if (hc->cb.log)
			hc->cb.log(hc, h->resource_id, v.level, text, hc->userdata);
		return true;
	}
	default:
		return false;
	}
}

/*
 * A message whose payload we had no memory to receive; its header is whole.
 * The header carries a COMPLETE's status, so a request without output (all
 * but the controls: their payload only repeats the request type) completes
 * with the host's real answer: an OPEN the host did is known to be open, and
 * gets closed like any other, instead of staying in the host unseen while
 * its owner believes it failed.  A control's output is lost: it alone fails
 * (ERROR_NOT_ENOUGH_MEMORY; a control changes no state the owner tracks).
 * A health failure is reported without its source (0); a log line is lost.
 */
static bool handle_dropped(hostclient *hc, const struct hostproto_hdr *h)
{
	if (h->type == HOSTPROTO_RESOURCE_FAILED) {
		if (h->payload_len != 8)
			return false;
		if (hc->cb.resource_failed)
			hc->cb.resource_failed(hc, h->resource_id, 0, h->status, hc->userdata);
		return true;
	}
	if (h->type != HOSTPROTO_COMPLETE)
		return true; /* a log line is lost; the host goes on */
	struct pending *p = pending_find(hc, h->request_id);
	if (!p)
		return true; /* timed out earlier: the late answer is dropped */
	if (p->type == HOSTPROTO_CONTROL || p->type == HOSTPROTO_TYPE_CONTROL)
		answered(hc, p, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0);
	else if (h->payload_len != 16)
		return false; /* no output can follow such a request */
	else
		answered(hc, p, h->status, 0, NULL, 0);
	return true;
}

static void flush(hostclient *hc)
{
	if (hc->fd < 0 || hostproto_txq_empty(&hc->txq))
		return;
	int r = hostproto_txq_flush(&hc->txq, hc->fd);
	if (r < 0)
		host_closing(hc);
}

struct dispatch_ctx {
	hostclient *hc;
	uint64_t generation;
};

static enum hostproto_recv_result on_message(void *ctx, const struct hostproto_hdr *hdr,
					     uint8_t *payload, bool dropped)
{
	struct dispatch_ctx *d = ctx;
	bool ok = dropped ? handle_dropped(d->hc, hdr) : handle_message(d->hc, hdr, payload);

	cs_free(payload);
	if (d->hc->generation != d->generation)
		return HOSTPROTO_RECV_STOP; /* a callback killed or restarted the host */
	return ok ? HOSTPROTO_RECV_AGAIN : HOSTPROTO_RECV_BAD;
}

void hostclient_dispatch(hostclient *hc)
{
	if (!hc || hc->fd < 0)
		return;
	struct dispatch_ctx d = { hc, hc->generation };
	switch (hostproto_recv(hc->fd, hc->recbuf, &hc->rx, 1024, on_message, &d)) {
	case HOSTPROTO_RECV_AGAIN:
		flush(hc);
		return;
	case HOSTPROTO_RECV_STOP:
		return;
	case HOSTPROTO_RECV_CLOSED:
		host_closing(hc);
		return;
	case HOSTPROTO_RECV_BAD:
		host_bad(hc);
		return;
	}
}

int64_t hostclient_next_deadline(const hostclient *hc)
{
	if (!hc)
		return -1;
	int64_t next = -1;
	for (const struct pending *p = hc->pending; p; p = p->next)
		if (next < 0 || p->deadline < next)
			next = p->deadline;
	if (hc->exiting) {
		int64_t e = hc->next_exit_poll < hc->exit_deadline ? hc->next_exit_poll :
								    hc->exit_deadline;
		if (next < 0 || e < next)
			next = e;
	}
	if (hc->zombies) {
		int64_t z = hostclient_now_ms() + 1000;
		if (next < 0 || z < next)
			next = z;
	}
	return next;
}

void hostclient_reap(hostclient *hc)
{
	if (!hc)
		return;
	reap_zombies(hc);
	int st;
	if (hc->pid > 0 && try_reap(hc->pid, &st))
		host_gone(hc, HOSTCLIENT_EXIT_DIED, true, st, ERROR_BROKEN_PIPE);
}

void hostclient_check_timeouts(hostclient *hc, int64_t now)
{
	if (!hc)
		return;
	if (hc->zombies)
		reap_zombies(hc);
	if (hc->exiting) {
		int st;
		if (try_reap(hc->pid, &st)) {
			host_gone(hc, HOSTCLIENT_EXIT_DIED, true, st, ERROR_BROKEN_PIPE);
		} else if (now >= hc->exit_deadline) {
			host_gone(hc, HOSTCLIENT_EXIT_DIED, false, -1, ERROR_BROKEN_PIPE);
		} else {
			hc->next_exit_poll = now + EXIT_POLL_MS;
		}
	}
	/* detach the expired requests first: callbacks may change the list */
	struct pending *expired = NULL;
	struct pending *p = hc->pending;
	while (p) {
		struct pending *next = p->next;
		if (p->deadline <= now) {
			pending_unlink(hc, p);
			p->next = expired;
			expired = p;
		}
		p = next;
	}
	while (expired) {
		struct pending *next = expired->next;
		complete(hc, expired, ERROR_RESOURCE_CALL_TIMED_OUT, 0, NULL, 0);
		cs_free(expired);
		expired = next;
	}
}

static void stop_or_kill(hostclient *hc, enum hostclient_exit_reason reason, uint32_t timeout_ms)
{
	if (!hc || hc->pid < 0)
		return;
	if (hc->fd >= 0) {
		if (reason == HOSTCLIENT_EXIT_STOPPED)
			hostproto_txq_flush(&hc->txq, hc->fd); /* best effort */
		close(hc->fd);
		hc->fd = -1;
	}
	int st = -1;
	bool reaped = false;
	if (reason == HOSTCLIENT_EXIT_STOPPED) {
		int64_t end = hostclient_now_ms() + timeout_ms;
		while (!(reaped = try_reap(hc->pid, &st)) && hostclient_now_ms() < end)
			sleep_ms(2);
	}
	host_gone(hc, reason, reaped, st, ERROR_OPERATION_ABORTED);
}

void hostclient_kill(hostclient *hc)
{
	stop_or_kill(hc, HOSTCLIENT_EXIT_KILLED, 0);
}

void hostclient_stop(hostclient *hc, uint32_t timeout_ms)
{
	stop_or_kill(hc, HOSTCLIENT_EXIT_STOPPED, timeout_ms);
}

/* ---- sending ---- */

static uint32_t submit(hostclient *hc, uint16_t type, uint64_t resource_id,
		       const struct hostproto_part *parts, size_t nparts, uint32_t out_size,
		       uint32_t timeout_ms, void *cookie, uint64_t *ret_request_id)
{
	struct pending *p = NULL;
	uint8_t *msg = NULL;
	size_t len = 0;
	uint32_t err;

	if (!hc)
		return ERROR_INVALID_PARAMETER;
	if (hc->pid < 0 || hc->exiting || hc->fd < 0)
		return ERROR_BROKEN_PIPE;
	p = cs_calloc(1, sizeof(*p));
	if (!p) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (type == HOSTPROTO_OPEN && res_add(hc, resource_id) != ERROR_SUCCESS) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	p->request_id = hc->next_request_id;
	msg = hostproto_msg_new(type, p->request_id, resource_id, 0, parts, nparts, &len);
	if (!msg) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out_res;
	}
	err = hostproto_txq_push(&hc->txq, msg, len);
	if (err != ERROR_SUCCESS)
		goto out_res;
	msg = NULL; /* the queue owns it */
	hc->next_request_id++;
	p->resource_id = resource_id;
	p->type = type;
	p->out_size = out_size;
	p->cookie = cookie;
	if (!timeout_ms)
		timeout_ms = (type == HOSTPROTO_ONLINE || type == HOSTPROTO_OFFLINE) ?
				     hc->pending_timeout_ms : hc->call_timeout_ms;
	p->deadline = hostclient_now_ms() + timeout_ms;
	p->next = hc->pending;
	if (hc->pending)
		hc->pending->prev = p;
	hc->pending = p;
	hc->npending++;
	if (ret_request_id)
		*ret_request_id = p->request_id;
	p = NULL;
	/* Send now.  A broken socket is left for the next dispatch to find (EOF
	 * or POLLHUP), which runs the callbacks; none may run from here. */
	(void)hostproto_txq_flush(&hc->txq, hc->fd);
	err = ERROR_SUCCESS;
	goto out;
out_res:
	if (type == HOSTPROTO_OPEN)
		res_remove(hc, resource_id);
out:
	cs_free(msg);
	cs_free(p);
	return err;
}

static uint32_t submit_simple(hostclient *hc, uint16_t type, uint64_t resource_id,
			      uint32_t timeout_ms, void *cookie, uint64_t *ret_request_id)
{
	if (resource_id == 0)
		return ERROR_INVALID_PARAMETER;
	return submit(hc, type, resource_id, NULL, 0, 0, timeout_ms, cookie, ret_request_id);
}

uint32_t hostclient_open(hostclient *hc, uint64_t resource_id, const char *type_name,
			 const char *resource_name, const void *props, size_t props_size,
			 uint32_t looks_alive_ms, uint32_t is_alive_ms, uint32_t timeout_ms,
			 void *cookie, uint64_t *ret_request_id)
{
	if (resource_id == 0 || !type_name || !resource_name || (!props && props_size))
		return ERROR_INVALID_PARAMETER;
	size_t tl = strlen(type_name), nl = strlen(resource_name);
	if (!hostproto_type_name_ok(type_name, tl) || nl == 0 || nl > HOSTPROTO_MAX_NAME ||
	    props_size > HOSTPROTO_MAX_PROPS)
		return ERROR_INVALID_PARAMETER;
	uint8_t fixed[24];
	cs_put_le32(fixed, (uint32_t)tl);
	cs_put_le32(fixed + 4, (uint32_t)nl);
	cs_put_le32(fixed + 8, (uint32_t)props_size);
	cs_put_le32(fixed + 12, looks_alive_ms);
	cs_put_le32(fixed + 16, is_alive_ms);
	cs_put_le32(fixed + 20, 0);
	struct hostproto_part parts[4] = {
		{ fixed, sizeof(fixed) },
		{ type_name, tl },
		{ resource_name, nl },
		{ props, props_size },
	};
	return submit(hc, HOSTPROTO_OPEN, resource_id, parts, 4, 0, timeout_ms, cookie,
		      ret_request_id);
}

uint32_t hostclient_close(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			  void *cookie, uint64_t *ret_request_id)
{
	return submit_simple(hc, HOSTPROTO_CLOSE, resource_id, timeout_ms, cookie, ret_request_id);
}

uint32_t hostclient_online(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			   void *cookie, uint64_t *ret_request_id)
{
	return submit_simple(hc, HOSTPROTO_ONLINE, resource_id, timeout_ms, cookie, ret_request_id);
}

uint32_t hostclient_offline(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			    void *cookie, uint64_t *ret_request_id)
{
	return submit_simple(hc, HOSTPROTO_OFFLINE, resource_id, timeout_ms, cookie,
			     ret_request_id);
}

uint32_t hostclient_terminate(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			      void *cookie, uint64_t *ret_request_id)
{
	return submit_simple(hc, HOSTPROTO_TERMINATE, resource_id, timeout_ms, cookie,
			     ret_request_id);
}

uint32_t hostclient_arbitrate(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			      void *cookie, uint64_t *ret_request_id)
{
	return submit_simple(hc, HOSTPROTO_ARBITRATE, resource_id, timeout_ms, cookie,
			     ret_request_id);
}

uint32_t hostclient_release(hostclient *hc, uint64_t resource_id, uint32_t timeout_ms,
			    void *cookie, uint64_t *ret_request_id)
{
	return submit_simple(hc, HOSTPROTO_RELEASE, resource_id, timeout_ms, cookie,
			     ret_request_id);
}

uint32_t hostclient_set_poll(hostclient *hc, uint64_t resource_id, uint32_t looks_alive_ms,
			     uint32_t is_alive_ms, uint32_t timeout_ms, void *cookie,
			     uint64_t *ret_request_id)
{
	if (resource_id == 0)
		return ERROR_INVALID_PARAMETER;
	uint8_t p[8];
	cs_put_le32(p, looks_alive_ms);
	cs_put_le32(p + 4, is_alive_ms);
	struct hostproto_part part = { p, sizeof(p) };
	return submit(hc, HOSTPROTO_SET_POLL, resource_id, &part, 1, 0, timeout_ms, cookie,
		      ret_request_id);
}

static uint32_t control(hostclient *hc, uint16_t type, uint64_t resource_id,
			const char *type_name, uint32_t code, const void *in, size_t in_size,
			size_t out_size, uint32_t timeout_ms, void *cookie, uint64_t *ret_request_id)
{
	size_t tl = type_name ? strlen(type_name) : 0;
	if ((!in && in_size) || in_size > HOSTPROTO_MAX_CTL_IN)
		return ERROR_INVALID_PARAMETER;
	if (type == HOSTPROTO_TYPE_CONTROL && !hostproto_type_name_ok(type_name, tl))
		return ERROR_INVALID_PARAMETER;
	uint32_t os = out_size > HOSTPROTO_MAX_CTL_OUT ? HOSTPROTO_MAX_CTL_OUT : (uint32_t)out_size;
	uint8_t fixed[16];
	cs_put_le32(fixed, code);
	cs_put_le32(fixed + 4, (uint32_t)in_size);
	cs_put_le32(fixed + 8, os);
	cs_put_le32(fixed + 12, (uint32_t)tl);
	struct hostproto_part parts[3] = {
		{ fixed, sizeof(fixed) },
		{ type_name, tl },
		{ in, in_size },
	};
	return submit(hc, type, resource_id, parts, 3, os, timeout_ms, cookie, ret_request_id);
}

uint32_t hostclient_control(hostclient *hc, uint64_t resource_id, uint32_t control_code,
			    const void *in, size_t in_size, size_t out_size, uint32_t timeout_ms,
			    void *cookie, uint64_t *ret_request_id)
{
	if (resource_id == 0)
		return ERROR_INVALID_PARAMETER;
	return control(hc, HOSTPROTO_CONTROL, resource_id, NULL, control_code, in, in_size,
		       out_size, timeout_ms, cookie, ret_request_id);
}

uint32_t hostclient_type_control(hostclient *hc, const char *type_name, uint32_t control_code,
				 const void *in, size_t in_size, size_t out_size,
				 uint32_t timeout_ms, void *cookie, uint64_t *ret_request_id)
{
	if (!type_name)
		return ERROR_INVALID_PARAMETER;
	return control(hc, HOSTPROTO_TYPE_CONTROL, 0, type_name, control_code, in, in_size,
		       out_size, timeout_ms, cookie, ret_request_id);
}

uint32_t hostclient_lease(hostclient *hc, uint64_t until, void *cookie)
{
	uint8_t v[8];
	struct hostproto_part part = { v, sizeof(v) };

	cs_put_le64(v, until);
	return submit(hc, HOSTPROTO_LEASE, 0, &part, 1, 0, 0, cookie, NULL);
}

uint32_t hostclient_ping(hostclient *hc, uint32_t timeout_ms, void *cookie,
			 uint64_t *ret_request_id)
{
	return submit(hc, HOSTPROTO_PING, 0, NULL, 0, 0, timeout_ms, cookie, ret_request_id);
}
