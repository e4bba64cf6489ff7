/*
 * test_clusapi_client.c - libclusapi's client side against a test peer: a
 * thread that speaks common/clientproto.h over a socketpair or a listening
 * AF_UNIX socket, records each request and answers as told.  It stands in
 * for clusterd only as far as the wire goes; no cluster logic is imitated.
 *
 * Covered: the control buffer contract (NULL / short / exact / larger
 * buffers, one request per call, outputs untouched on error, replies that
 * break the contract), how every operation is encoded, existence checks on
 * open, enumeration, error details, connect failures (no socket, a socket
 * nobody listens on), reconnection (idle drop, lost reply for queries and
 * for changes), timeouts, a garbled reply, concurrent use from threads, and
 * allocation failures in turn for a status and a control call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "status_records.h"
#include "cs_alloc.h"

/* ======================================================================
 * The test peer
 * ====================================================================== */

enum peer_mode {
	PM_NORMAL = 0,       /* status / control / other ops as below */
	PM_SILENT,           /* read requests, never answer */
	PM_GARBAGE,          /* answer with a header of bad magic */
	PM_WRONG_ID,         /* answer with another request id */
	PM_CANNED,           /* answer every request with canned_status/canned (no parsing) */
};

enum ctl_lie {
	LIE_NONE = 0,
	LIE_OUT_TOO_BIG,     /* success with more bytes than OutSize */
	LIE_NO_BYTES,        /* MORE_DATA without BytesReturned */
	LIE_BYTES_FIT,       /* MORE_DATA with BytesReturned <= OutSize */
	LIE_BYTES_MISMATCH,  /* success, BytesReturned != the Out length */
};

/* The last request, decoded. */
struct rec {
	uint16_t op;
	char name[128], node[128], new_name[128], type[128], group[128], depends_on[128];
	char nodes[256];         /* MULTI_SZ joined with ',' */
	int has_node, has_wait, has_out_size, has_in, has_priv, has_nodes;
	uint32_t code, out_size, wait_ms;
	uint8_t in[512];
	size_t in_len;
	uint8_t priv[512];
	size_t priv_len;
};

struct peer {
	int fd;                  /* socketpair end, or -1 */
	int listen_fd;           /* listening socket, or -1 */
	char path[108];
	pthread_t thread;
	enum peer_mode mode;
	/* normal mode */
	uint32_t reply_status;   /* for ops other than status and control */
	const char *reply_detail;
	size_t ctl_out_len;      /* the control output's size */
	enum ctl_lie lie;
	/* connection behaviour */
	atomic_int drop_before_reply; /* close the connection at the next request, unanswered */
	atomic_int close_after_reply; /* close the connection after the next answer */
	/* canned mode */
	uint32_t canned_status;
	uint8_t canned[4096];
	size_t canned_len;
	/* counters and record */
	atomic_int requests;
	atomic_int connections;
	atomic_int closed;
	pthread_mutex_t lock;
	struct rec last;
	atomic_int stop;
};

/* Checks inside the peer thread (cmocka's asserts belong to the test's thread). */
#define PEER_CHECK(c) do { if (!(c)) { fprintf(stderr, "peer: check failed: %s (line %d)\n", \
						     #c, __LINE__); abort(); } } while (0)

static uint8_t ctl_pattern(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static int read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void send_frame(int fd, uint16_t op, uint32_t id, uint32_t status, const void *payload,
		       size_t len)
{
	uint8_t hdr[CS_PROTO_HEADER_SIZE];

	cs_frame_header_encode(hdr, op, id, status, (uint32_t)len);
	write_full(fd, hdr, sizeof(hdr));
	if (len)
		write_full(fd, payload, len);
}

static void copy_str(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

static void record(struct peer *p, uint16_t op, const uint8_t *payload, size_t len)
{
	struct rec r;
	clusprop_iter it;
	clusprop_value v;

	memset(&r, 0, sizeof(r));
	r.op = op;
	if (len) {
		PEER_CHECK(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, payload, len, NULL) ==
			   ERROR_SUCCESS);
		while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
			if (!strcmp(v.name, "Name"))
				copy_str(r.name, sizeof(r.name), v.str);
			else if (!strcmp(v.name, "Node")) {
				copy_str(r.node, sizeof(r.node), v.str);
				r.has_node = 1;
			} else if (!strcmp(v.name, "NewName"))
				copy_str(r.new_name, sizeof(r.new_name), v.str);
			else if (!strcmp(v.name, "Type"))
				copy_str(r.type, sizeof(r.type), v.str);
			else if (!strcmp(v.name, "Group"))
				copy_str(r.group, sizeof(r.group), v.str);
			else if (!strcmp(v.name, "DependsOn"))
				copy_str(r.depends_on, sizeof(r.depends_on), v.str);
			else if (!strcmp(v.name, "Code"))
				r.code = v.num.dw;
			else if (!strcmp(v.name, "OutSize")) {
				r.out_size = v.num.dw;
				r.has_out_size = 1;
			} else if (!strcmp(v.name, "WaitMs")) {
				r.wait_ms = v.num.dw;
				r.has_wait = 1;
			} else if (!strcmp(v.name, "In")) {
				PEER_CHECK(v.length <= sizeof(r.in));
				memcpy(r.in, v.data, v.length);
				r.in_len = v.length;
				r.has_in = 1;
			} else if (!strcmp(v.name, "Private")) {
				PEER_CHECK(v.length <= sizeof(r.priv));
				memcpy(r.priv, v.data, v.length);
				r.priv_len = v.length;
				r.has_priv = 1;
			} else if (!strcmp(v.name, "Nodes")) {
				size_t o = 0;
				r.has_nodes = 1;
				for (uint32_t i = 0; i < v.str_count; i++)
					o += (size_t)snprintf(r.nodes + o, sizeof(r.nodes) - o, "%s%s",
							      i ? "," : "", clusprop_value_multi_sz_at(&v, i));
			}
		}
		clusprop_iter_done(&it);
	}
	pthread_mutex_lock(&p->lock);
	p->last = r;
	pthread_mutex_unlock(&p->lock);
}

/* The status the peer reports: nodes n1, n2; group web (owner n1) with
 * resources ip and app; group idle with none. */
static void build_status(clusprop_builder *b)
{
	static const char *const owners[] = { "n1", "n2" };
	static const char *const dep[] = { "ip" };

	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	st_cluster(b, "test", 1, 1, "n1");
	for (int i = 0; i < 2; i++)
		st_node(b, owners[i], (uint32_t)i + 1, ClusterNodeUp);
	st_group(b, "web", ClusterGroupOnline, "n1", owners, 2);
	st_group(b, "idle", ClusterGroupOffline, NULL, NULL, 0);
	for (int i = 0; i < 2; i++)
		st_resource(b, i ? "app" : "ip", "Dummy", "web", ClusterResourceOnline, "n1", dep,
			    i ? 1 : 0, NULL, 0);
}

static int is_control(uint16_t op)
{
	return op == CS_OP_RESOURCE_CONTROL || op == CS_OP_TYPE_CONTROL ||
	       op == CS_OP_GROUP_CONTROL || op == CS_OP_NODE_CONTROL || op == CS_OP_CLUSTER_CONTROL;
}

/* The control answer under the MSCS contract (or one of the lies). */
static void answer_control(struct peer *p, int fd, const struct cs_frame_header *h,
			   const struct rec *r)
{
	clusprop_builder b;
	uint8_t out[1024];
	size_t n = p->ctl_out_len;
	uint32_t status;

	PEER_CHECK(n <= sizeof(out));
	for (size_t i = 0; i < n; i++)
		out[i] = ctl_pattern(i);
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	if (p->lie == LIE_OUT_TOO_BIG) {
		status = ERROR_SUCCESS;
		clusprop_add_dword(&b, "BytesReturned", (uint32_t)n);
		clusprop_add_binary(&b, "Out", out, n);
	} else if (p->lie == LIE_NO_BYTES) {
		status = ERROR_MORE_DATA;
	} else if (p->lie == LIE_BYTES_FIT) {
		status = ERROR_MORE_DATA;
		clusprop_add_dword(&b, "BytesReturned", r->out_size);
	} else if (p->lie == LIE_BYTES_MISMATCH) {
		status = ERROR_SUCCESS;
		clusprop_add_dword(&b, "BytesReturned", (uint32_t)n + 4);
		clusprop_add_binary(&b, "Out", out, n);
	} else if (r->out_size < n) {
		status = ERROR_MORE_DATA;
		clusprop_add_dword(&b, "BytesReturned", (uint32_t)n);
	} else {
		status = ERROR_SUCCESS;
		clusprop_add_dword(&b, "BytesReturned", (uint32_t)n);
		if (n)
			clusprop_add_binary(&b, "Out", out, n);
	}
	PEER_CHECK(clusprop_builder_status(&b) == ERROR_SUCCESS);
	send_frame(fd, h->op, h->id, status, clusprop_builder_data(&b), clusprop_builder_size(&b));
	clusprop_builder_free(&b);
}

static void answer(struct peer *p, int fd, const struct cs_frame_header *h,
		   const uint8_t *payload)
{
	clusprop_builder b;
	struct rec r;

	record(p, h->op, payload, h->length);
	pthread_mutex_lock(&p->lock);
	r = p->last;
	pthread_mutex_unlock(&p->lock);

	if (h->op == CS_OP_LOOKUP) {
		/* the objects of build_status(), as clusterd would look them up */
		static const char *const names[3][3] = {
			{ "n1", "n2", NULL }, { "web", "idle", NULL }, { "ip", "app", NULL },
		};
		static const uint32_t missing[3] = {
			ERROR_CLUSTER_NODE_NOT_FOUND, ERROR_GROUP_NOT_FOUND, ERROR_RESOURCE_NOT_FOUND,
		};
		clusprop_iter it;
		clusprop_value v;
		char name[64] = "";
		uint32_t kind = 0, status = ERROR_INVALID_PARAMETER;
		PEER_CHECK(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, payload, h->length,
					      NULL) == ERROR_SUCCESS);
		while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
			if (!strcmp(v.name, "Name") && v.str)
				snprintf(name, sizeof(name), "%s", v.str);
			else if (!strcmp(v.name, "State"))
				kind = v.num.dw;
		}
		clusprop_iter_done(&it);
		if (kind >= 1 && kind <= 3) {
			status = missing[kind - 1];
			for (int i = 0; names[kind - 1][i]; i++)
				if (!strcmp(names[kind - 1][i], name))
					status = ERROR_SUCCESS;
		}
		send_frame(fd, h->op, h->id, status, NULL, 0);
		return;
	}
	if (h->op == CS_OP_STATUS) {
		build_status(&b);
		send_frame(fd, h->op, h->id, ERROR_SUCCESS, clusprop_builder_data(&b),
			   clusprop_builder_size(&b));
		clusprop_builder_free(&b);
		return;
	}
	if (is_control(h->op) && p->reply_status == ERROR_SUCCESS) {
		answer_control(p, fd, h, &r);
		return;
	}
	if (p->reply_detail) {
		clusprop_builder_init_owned(&b);
		clusprop_builder_begin_plist(&b);
		clusprop_add_sz(&b, "Error", p->reply_detail);
		send_frame(fd, h->op, h->id, p->reply_status, clusprop_builder_data(&b),
			   clusprop_builder_size(&b));
		clusprop_builder_free(&b);
		return;
	}
	send_frame(fd, h->op, h->id, p->reply_status, NULL, 0);
}

/* Serve one connection until the client closes it (or the peer drops it). */
static void serve(struct peer *p, int fd)
{
	static uint8_t payload[CS_PROTO_MAX_PAYLOAD > 65536 ? 65536 : CS_PROTO_MAX_PAYLOAD];

	for (;;) {
		uint8_t hb[CS_PROTO_HEADER_SIZE];
		struct cs_frame_header h;

		if (read_full(fd, hb, sizeof(hb)) != 0)
			break;
		if (cs_frame_header_decode(hb, &h) != 0 || h.length > sizeof(payload))
			break;
		if (h.length && read_full(fd, payload, h.length) != 0)
			break;
		atomic_fetch_add(&p->requests, 1);
		if (atomic_exchange(&p->drop_before_reply, 0))
			break;
		switch (p->mode) {
		case PM_SILENT:
			continue;
		case PM_GARBAGE: {
			uint8_t junk[CS_PROTO_HEADER_SIZE];
			memset(junk, 0x5A, sizeof(junk));
			write_full(fd, junk, sizeof(junk));
			continue;
		}
		case PM_WRONG_ID:
			send_frame(fd, h.op, h.id + 1, ERROR_SUCCESS, NULL, 0);
			continue;
		case PM_CANNED:
			pthread_mutex_lock(&p->lock);
			send_frame(fd, h.op, h.id, p->canned_status, p->canned, p->canned_len);
			pthread_mutex_unlock(&p->lock);
			break;
		case PM_NORMAL:
			answer(p, fd, &h, payload);
			break;
		}
		if (atomic_exchange(&p->close_after_reply, 0))
			break;
	}
	close(fd);
	atomic_fetch_add(&p->closed, 1);
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;

	if (p->listen_fd < 0) {
		atomic_fetch_add(&p->connections, 1);
		serve(p, p->fd);
		return NULL;
	}
	while (!atomic_load(&p->stop)) {
		int fd = accept(p->listen_fd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		atomic_fetch_add(&p->connections, 1);
		serve(p, fd);
	}
	return NULL;
}

static void peer_init(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->listen_fd = -1;
	p->ctl_out_len = 100;
	pthread_mutex_init(&p->lock, NULL);
}

/* A peer on a socketpair; *h gets a client handle on the other end. */
static void peer_start_pair(struct peer *p, cluster_handle **h)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	p->fd = sv[1];
	assert_int_equal(cs_client_open_fd(sv[0], h), ERROR_SUCCESS);
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
}

static char tmpdir[64];

static void make_path(char *out, size_t cap, const char *name)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/clusapi-test-XXXXXX");
		assert_non_null(mkdtemp(tmpdir));
	}
	snprintf(out, cap, "%s/%s", tmpdir, name);
}

/* A peer listening at a path in a fresh directory. */
static void peer_start_listen(struct peer *p, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	make_path(p->path, sizeof(p->path), name);
	unlink(p->path);
	memcpy(sa.sun_path, p->path, strlen(p->path) + 1);
	p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(p->listen_fd >= 0);
	assert_int_equal(bind(p->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(p->listen_fd, 8), 0);
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
}

/* Stop the peer (after the client handle is closed, for a socketpair). */
static void peer_stop(struct peer *p)
{
	if (p->listen_fd >= 0) {
		atomic_store(&p->stop, 1);
		shutdown(p->listen_fd, SHUT_RDWR);
	}
	pthread_join(p->thread, NULL);
	if (p->listen_fd >= 0) {
		close(p->listen_fd);
		unlink(p->path);
	}
	pthread_mutex_destroy(&p->lock);
}

static struct rec last(struct peer *p)
{
	struct rec r;

	pthread_mutex_lock(&p->lock);
	r = p->last;
	pthread_mutex_unlock(&p->lock);
	return r;
}

static void wait_for(atomic_int *v, int want)
{
	for (int i = 0; i < 5000 && atomic_load(v) < want; i++)
		usleep(1000);
	assert_true(atomic_load(v) >= want);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ======================================================================
 * Control codes: the buffer contract
 * ====================================================================== */

static void test_control_contract(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_resource *r = NULL;
	uint8_t buf[256];
	size_t bytes;
	int64_t live = cs_alloc_live();

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_resource_open_ex(h, "disk1", CLUSTER_OPEN_NO_CHECK, &r),
			 ERROR_SUCCESS);
	assert_int_equal(atomic_load(&p.requests), 0); /* NO_CHECK sends nothing */

	/* NULL buffer: the size needed, in one request */
	bytes = 0;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO,
						  NULL, 0, NULL, 0, &bytes), ERROR_MORE_DATA);
	assert_int_equal(bytes, 100);
	assert_int_equal(atomic_load(&p.requests), 1);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_CONTROL);
	assert_string_equal(last(&p).name, "disk1");
	assert_int_equal(last(&p).code, 0x01000191u);
	assert_int_equal(last(&p).has_out_size, 1);
	assert_int_equal(last(&p).out_size, 0);
	assert_int_equal(last(&p).has_node, 0);
	assert_int_equal(last(&p).has_in, 0);

	/* NULL buffer with a size: still "no buffer" */
	bytes = 0;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  NULL, 500, &bytes), ERROR_MORE_DATA);
	assert_int_equal(bytes, 100);
	assert_int_equal(last(&p).out_size, 0);

	/* too small: MORE_DATA, the size, nothing written */
	memset(buf, 0xAA, sizeof(buf));
	bytes = 0;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  buf, 99, &bytes), ERROR_MORE_DATA);
	assert_int_equal(bytes, 100);
	assert_int_equal(last(&p).out_size, 99);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xAA);

	/* exactly the size */
	bytes = 0;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  buf, 100, &bytes), ERROR_SUCCESS);
	assert_int_equal(bytes, 100);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(buf[i], ctl_pattern(i));
	assert_int_equal(buf[100], 0xAA);

	/* larger: the same, the rest untouched; bytes_returned may be NULL */
	memset(buf, 0xAA, sizeof(buf));
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  buf, sizeof(buf), NULL), ERROR_SUCCESS);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(buf[i], ctl_pattern(i));
	for (size_t i = 100; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xAA);
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  NULL, 0, NULL), ERROR_MORE_DATA);

	/* an empty answer */
	p.ctl_out_len = 0;
	bytes = 77;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  NULL, 0, &bytes), ERROR_SUCCESS);
	assert_int_equal(bytes, 0);

	/* every call was one request: the size came with the answer */
	assert_int_equal(atomic_load(&p.requests), 7);

	cluster_resource_close(r);
	cluster_close(h);
	peer_stop(&p);
	assert_int_equal(cs_alloc_live(), live);
}

/* Input, host node, and the five kinds of target. */
static void test_control_targets(void **state)
{
	static const uint8_t in[] = { 1, 2, 3, 4, 5 };
	struct peer p;
	cluster_handle *h = NULL;
	cluster_resource *r = NULL;
	cluster_group *g = NULL;
	cluster_node *n = NULL, *host = NULL;
	uint8_t buf[128];
	size_t bytes = 0;

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_resource_open_ex(h, "r1", CLUSTER_OPEN_NO_CHECK, &r), 0);
	assert_int_equal(cluster_group_open_ex(h, "g1", CLUSTER_OPEN_NO_CHECK, &g), 0);
	assert_int_equal(cluster_node_open_ex(h, "n1", CLUSTER_OPEN_NO_CHECK, &n), 0);
	assert_int_equal(cluster_node_open_ex(h, "n2", CLUSTER_OPEN_NO_CHECK, &host), 0);

	assert_int_equal(cluster_resource_control(r, host, CLUSCTL_RESOURCE_STORAGE_IS_PATH_VALID,
						  in, sizeof(in), buf, sizeof(buf), &bytes), 0);
	assert_int_equal(bytes, 100);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_CONTROL);
	assert_int_equal(last(&p).has_node, 1);
	assert_string_equal(last(&p).node, "n2");
	assert_int_equal(last(&p).in_len, sizeof(in));
	assert_memory_equal(last(&p).in, in, sizeof(in));
	assert_int_equal(last(&p).out_size, sizeof(buf));

	assert_int_equal(cluster_resource_type_control(h, "Physical Disk", NULL,
			 CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS, NULL, 0, buf, sizeof(buf),
			 &bytes), 0);
	assert_int_equal(last(&p).op, CS_OP_TYPE_CONTROL);
	assert_string_equal(last(&p).name, "Physical Disk");
	assert_int_equal(last(&p).code, 0x02000195u);

	assert_int_equal(cluster_group_control(g, NULL, CLUSCTL_GROUP_GET_FLAGS, NULL, 0, buf,
					       sizeof(buf), &bytes), 0);
	assert_int_equal(last(&p).op, CS_OP_GROUP_CONTROL);
	assert_string_equal(last(&p).name, "g1");

	assert_int_equal(cluster_node_control(n, host, CLUSCTL_NODE_GET_NAME, NULL, 0, buf,
					      sizeof(buf), &bytes), 0);
	assert_int_equal(last(&p).op, CS_OP_NODE_CONTROL);
	assert_string_equal(last(&p).name, "n1");
	assert_string_equal(last(&p).node, "n2");
	/* without a host node, the node itself answers */
	assert_int_equal(cluster_node_control(n, NULL, CLUSCTL_NODE_GET_NAME, NULL, 0, buf,
					      sizeof(buf), &bytes), 0);
	assert_int_equal(last(&p).has_node, 1);
	assert_string_equal(last(&p).node, "n1");

	assert_int_equal(cluster_cluster_control(h, NULL, CLUSCTL_CLUSTER_GET_FQDN, NULL, 0, buf,
						 sizeof(buf), &bytes), 0);
	assert_int_equal(last(&p).op, CS_OP_CLUSTER_CONTROL);
	assert_string_equal(last(&p).name, "");

	/* bad arguments: nothing sent */
	int before = atomic_load(&p.requests);
	assert_int_equal(cluster_resource_control(r, NULL, 1, NULL, 4, buf, sizeof(buf), &bytes),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_resource_control(NULL, NULL, 1, NULL, 0, buf, 1, &bytes),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_resource_type_control(h, "", NULL, 1, NULL, 0, buf, 1, &bytes),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(atomic_load(&p.requests), before);

	cluster_node_close(host);
	cluster_node_close(n);
	cluster_group_close(g);
	cluster_resource_close(r);
	cluster_close(h);
	peer_stop(&p);
}

/* Errors and replies that break the contract leave every output alone. */
static void test_control_errors(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_resource *r = NULL;
	uint8_t buf[64];
	size_t bytes;
	static const enum ctl_lie lies[] = { LIE_OUT_TOO_BIG, LIE_NO_BYTES, LIE_BYTES_FIT,
					     LIE_BYTES_MISMATCH };

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_resource_open_ex(h, "gone", CLUSTER_OPEN_NO_CHECK, &r), 0);

	p.reply_status = ERROR_RESOURCE_NOT_FOUND;
	p.reply_detail = "no such resource";
	memset(buf, 0xAA, sizeof(buf));
	bytes = 12345;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  buf, sizeof(buf), &bytes),
			 ERROR_RESOURCE_NOT_FOUND);
	assert_int_equal(bytes, 12345);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xAA);
	assert_non_null(cluster_last_error_detail());
	assert_string_equal(cluster_last_error_detail(), "no such resource");

	p.reply_status = ERROR_SUCCESS;
	p.reply_detail = NULL;
	p.ctl_out_len = 100;
	for (size_t k = 0; k < sizeof(lies) / sizeof(lies[0]); k++) {
		p.lie = lies[k];
		bytes = 12345;
		assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL,
							  0, buf, sizeof(buf), &bytes),
				 ERROR_INVALID_DATA);
		assert_int_equal(bytes, 12345);
		for (size_t i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xAA);
	}
	p.lie = LIE_NONE;
	/* a good answer clears the detail */
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  NULL, 0, &bytes), ERROR_MORE_DATA);
	assert_null(cluster_last_error_detail());

	cluster_resource_close(r);
	cluster_close(h);
	peer_stop(&p);
}

/* ======================================================================
 * Operations
 * ====================================================================== */

static void test_operations(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_group *g = NULL;
	cluster_resource *r = NULL, *ip = NULL;
	cluster_node *n1 = NULL, *n2 = NULL;
	clusprop_builder priv;
	int64_t live = cs_alloc_live();

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_node_open_ex(h, "n1", CLUSTER_OPEN_NO_CHECK, &n1), 0);
	assert_int_equal(cluster_node_open_ex(h, "n2", CLUSTER_OPEN_NO_CHECK, &n2), 0);

	assert_int_equal(cluster_group_create(h, "g", &g), ERROR_SUCCESS);
	assert_int_equal(last(&p).op, CS_OP_GROUP_CREATE);
	assert_string_equal(last(&p).name, "g");
	assert_string_equal(cluster_group_name(g), "g");
	assert_int_equal(cluster_group_create(h, "h", NULL), ERROR_SUCCESS);

	assert_int_equal(cluster_group_online(g, n2, 5000), 0);
	assert_int_equal(last(&p).op, CS_OP_GROUP_ONLINE);
	assert_string_equal(last(&p).node, "n2");
	assert_int_equal(last(&p).has_wait, 1);
	assert_int_equal(last(&p).wait_ms, 5000);
	assert_int_equal(cluster_group_online(g, NULL, 0), 0);
	assert_int_equal(last(&p).has_node, 0);
	assert_int_equal(last(&p).wait_ms, 0);
	assert_int_equal(cluster_group_offline(g, 7), 0);
	assert_int_equal(last(&p).op, CS_OP_GROUP_OFFLINE);
	assert_int_equal(last(&p).wait_ms, 7);
	assert_int_equal(cluster_group_move(g, n1, 0), 0);
	assert_int_equal(last(&p).op, CS_OP_GROUP_MOVE);
	assert_string_equal(last(&p).node, "n1");
	assert_int_equal(cluster_group_move(g, NULL, 0), 0);
	assert_int_equal(last(&p).has_node, 0);

	cluster_node *owners[] = { n2, n1 };
	assert_int_equal(cluster_group_set_preferred_owners(g, owners, 2), 0);
	assert_int_equal(last(&p).op, CS_OP_GROUP_SET_OWNERS);
	assert_string_equal(last(&p).nodes, "n2,n1");
	assert_int_equal(cluster_group_set_preferred_owners(g, NULL, 0), 0);
	assert_int_equal(last(&p).has_nodes, 1);
	assert_string_equal(last(&p).nodes, "");
	assert_int_equal(cluster_group_set_preferred_owners(g, NULL, 1), ERROR_INVALID_PARAMETER);

	/* rename: the handle follows; a refused rename changes nothing */
	assert_int_equal(cluster_group_rename(g, "g2"), 0);
	assert_int_equal(last(&p).op, CS_OP_GROUP_RENAME);
	assert_string_equal(last(&p).name, "g");
	assert_string_equal(last(&p).new_name, "g2");
	assert_string_equal(cluster_group_name(g), "g2");
	p.reply_status = ERROR_OBJECT_ALREADY_EXISTS;
	assert_int_equal(cluster_group_rename(g, "taken"), ERROR_OBJECT_ALREADY_EXISTS);
	assert_string_equal(cluster_group_name(g), "g2");
	p.reply_status = ERROR_SUCCESS;
	assert_int_equal(cluster_group_offline(g, 0), 0);
	assert_string_equal(last(&p).name, "g2");

	/* resources */
	clusprop_builder_init_owned(&priv);
	clusprop_builder_begin_plist(&priv);
	clusprop_add_sz(&priv, "Path", "/srv");
	clusprop_add_dword(&priv, "Delay", 3);
	assert_int_equal(cluster_resource_create(h, "r", "Dummy", "g2", clusprop_builder_data(&priv),
						 clusprop_builder_size(&priv), &r), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_CREATE);
	assert_string_equal(last(&p).name, "r");
	assert_string_equal(last(&p).type, "Dummy");
	assert_string_equal(last(&p).group, "g2");
	assert_int_equal(last(&p).has_priv, 1);
	assert_int_equal(last(&p).priv_len, clusprop_builder_size(&priv));
	assert_memory_equal(last(&p).priv, clusprop_builder_data(&priv), last(&p).priv_len);
	clusprop_builder_free(&priv);
	assert_int_equal(cluster_resource_create(h, "ip", "IP", "g2", NULL, 0, &ip), 0);
	assert_int_equal(last(&p).has_priv, 0);
	/* a malformed private list is refused before anything is sent */
	int before = atomic_load(&p.requests);
	static const uint8_t bad[] = { 9, 0, 0, 0 };
	cluster_resource *none = (cluster_resource *)0x1;
	assert_int_equal(cluster_resource_create(h, "x", "Dummy", "g2", bad, sizeof(bad), &none),
			 ERROR_INVALID_DATA);
	assert_ptr_equal(none, (cluster_resource *)0x1);
	assert_int_equal(cluster_resource_create(h, "x", "", "g2", NULL, 0, NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(atomic_load(&p.requests), before);

	assert_int_equal(cluster_resource_online(r, 100), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_ONLINE);
	assert_int_equal(last(&p).wait_ms, 100);
	assert_int_equal(cluster_resource_offline(r, 0), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_OFFLINE);
	assert_int_equal(cluster_resource_fail(r), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_FAIL);
	assert_int_equal(cluster_resource_add_dependency(r, ip), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_ADD_DEP);
	assert_string_equal(last(&p).name, "r");
	assert_string_equal(last(&p).depends_on, "ip");
	assert_int_equal(cluster_resource_remove_dependency(r, ip), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_DEL_DEP);
	assert_int_equal(cluster_resource_add_possible_owner(r, n1), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_ADD_OWNER);
	assert_string_equal(last(&p).node, "n1");
	assert_int_equal(cluster_resource_remove_possible_owner(r, n2), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_DEL_OWNER);
	assert_string_equal(last(&p).node, "n2");
	assert_int_equal(cluster_resource_rename(r, "r2"), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_RENAME);
	assert_string_equal(cluster_resource_name(r), "r2");
	assert_int_equal(cluster_resource_delete(r), 0);
	assert_int_equal(last(&p).op, CS_OP_RESOURCE_DELETE);
	assert_string_equal(last(&p).name, "r2");
	assert_int_equal(cluster_node_pause(n1), 0);
	assert_int_equal(last(&p).op, CS_OP_NODE_PAUSE);
	assert_int_equal(cluster_node_resume(n1), 0);
	assert_int_equal(last(&p).op, CS_OP_NODE_RESUME);

	/* clusterd's error and its words come back */
	p.reply_status = ERROR_INVALID_STATE;
	p.reply_detail = "the group is not empty";
	assert_int_equal(cluster_group_delete(g), ERROR_INVALID_STATE);
	assert_int_equal(last(&p).op, CS_OP_GROUP_DELETE);
	assert_string_equal(cluster_last_error_detail(), "the group is not empty");
	cluster_group *g3 = (cluster_group *)0x1;
	assert_int_equal(cluster_group_create(h, "g3", &g3), ERROR_INVALID_STATE);
	assert_ptr_equal(g3, (cluster_group *)0x1);

	cluster_resource_close(ip);
	cluster_resource_close(r);
	cluster_group_close(g);
	cluster_node_close(n2);
	cluster_node_close(n1);
	cluster_close(h);
	peer_stop(&p);
	assert_int_equal(cs_alloc_live(), live);
}

/* Object handles keep the cluster handle alive after cluster_close(). */
static void test_handle_lifetime(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_group *g = NULL;

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_group_open_ex(h, "g", CLUSTER_OPEN_NO_CHECK, &g), 0);
	cluster_close(h);
	assert_int_equal(cluster_group_offline(g, 0), 0);
	cluster_group_close(g); /* the connection closes here */
	peer_stop(&p);
	cluster_close(NULL);
	cluster_group_close(NULL);
	cluster_resource_close(NULL);
	cluster_node_close(NULL);
}

/* ======================================================================
 * Status, open checks, enumeration
 * ====================================================================== */

static void test_status_open_enum(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_status *s = NULL;
	cluster_group *g = NULL;
	cluster_resource *r = NULL;
	cluster_node *n = NULL;
	char **names = NULL;
	size_t count = 0;

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);

	assert_int_equal(cluster_get_status(h, &s), ERROR_SUCCESS);
	assert_string_equal(s->cluster_name, "test");
	assert_int_equal(s->n_nodes, 2);
	assert_int_equal(s->n_groups, 2);
	assert_int_equal(s->n_resources, 2);
	cluster_status_free(s);

	assert_int_equal(cluster_group_open(h, "web", &g), ERROR_SUCCESS);
	assert_int_equal(cluster_resource_open(h, "app", &r), ERROR_SUCCESS);
	assert_int_equal(cluster_node_open(h, "n2", &n), ERROR_SUCCESS);
	cluster_group *g2 = (cluster_group *)0x1;
	cluster_resource *r2 = (cluster_resource *)0x1;
	cluster_node *n2 = (cluster_node *)0x1;
	assert_int_equal(cluster_group_open(h, "nope", &g2), ERROR_GROUP_NOT_FOUND);
	assert_int_equal(cluster_resource_open(h, "web", &r2), ERROR_RESOURCE_NOT_FOUND);
	assert_int_equal(cluster_node_open(h, "n3", &n2), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_ptr_equal(g2, (cluster_group *)0x1);
	assert_ptr_equal(r2, (cluster_resource *)0x1);
	assert_ptr_equal(n2, (cluster_node *)0x1);
	assert_int_equal(cluster_group_open(h, "", &g2), ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_group_open_ex(h, "x", 0x80, &g2), ERROR_INVALID_PARAMETER);

	assert_int_equal(cluster_enum_nodes(h, &names, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(names[0], "n1");
	assert_string_equal(names[1], "n2");
	assert_null(names[2]);
	cluster_free(names);
	assert_int_equal(cluster_enum_groups(h, &names, NULL), 0);
	assert_string_equal(names[0], "web");
	assert_string_equal(names[1], "idle");
	cluster_free(names);
	assert_int_equal(cluster_enum_resources(h, &names, &count), 0);
	assert_int_equal(count, 2);
	cluster_free(names);
	assert_int_equal(cluster_group_enum_resources(g, &names, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(names[0], "ip");
	assert_string_equal(names[1], "app");
	cluster_free(names);

	cluster_node_close(n);
	cluster_resource_close(r);
	cluster_group_close(g);
	cluster_close(h);
	peer_stop(&p);
}

/* ======================================================================
 * The connection
 * ====================================================================== */

static void test_connect_failures(void **state)
{
	char path[200];
	cluster_handle *h = (cluster_handle *)0x1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char longpath[300];
	int fd;
	int64_t live = cs_alloc_live();

	(void)state;
	/* nothing at the path: clusterd is not running */
	make_path(path, sizeof(path), "absent.sock");
	unlink(path);
	assert_int_equal(cluster_open(path, &h), ERROR_FILE_NOT_FOUND);
	assert_ptr_equal(h, (cluster_handle *)0x1);
	assert_int_equal(cluster_open("/nonexistent-dir/x/clusterd.sock", &h),
			 ERROR_FILE_NOT_FOUND);

	/* a socket file left behind, nobody listening */
	make_path(path, sizeof(path), "stale.sock");
	unlink(path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(cluster_open(path, &h), ERROR_CONNECTION_REFUSED);
	assert_ptr_equal(h, (cluster_handle *)0x1);
	unlink(path);

	/* the environment is used when no path is given */
	make_path(path, sizeof(path), "from-env.sock");
	unlink(path);
	setenv(CLUSTER_SOCKET_ENV, path, 1);
	assert_int_equal(cluster_open(NULL, &h), ERROR_FILE_NOT_FOUND);
	unsetenv(CLUSTER_SOCKET_ENV);

	/* bad arguments */
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(cluster_open(longpath, &h), ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_open("", &h), ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_open(path, NULL), ERROR_INVALID_PARAMETER);
	assert_ptr_equal(h, (cluster_handle *)0x1);
	assert_int_equal(cs_alloc_live(), live);
}

static void test_connect_env_and_path(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_status *s = NULL;

	(void)state;
	peer_init(&p);
	peer_start_listen(&p, "env.sock");
	setenv(CLUSTER_SOCKET_ENV, p.path, 1);
	assert_int_equal(cluster_open(NULL, &h), ERROR_SUCCESS);
	unsetenv(CLUSTER_SOCKET_ENV);
	assert_string_equal(cluster_socket_path(h), p.path);
	assert_int_equal(cluster_get_status(h, &s), 0);
	cluster_status_free(s);
	cluster_close(h);
	peer_stop(&p);
}

/* The daemon closed an idle connection (restart): the next request, even a
 * change, reconnects first. */
static void test_reconnect_idle(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;

	(void)state;
	peer_init(&p);
	peer_start_listen(&p, "idle.sock");
	assert_int_equal(cluster_open(p.path, &h), 0);
	p.close_after_reply = 1;
	assert_int_equal(cluster_group_create(h, "a", NULL), 0);
	wait_for(&p.closed, 1);
	assert_int_equal(cluster_group_create(h, "b", NULL), 0);
	assert_string_equal(last(&p).name, "b");
	assert_int_equal(atomic_load(&p.connections), 2);
	assert_int_equal(atomic_load(&p.requests), 2);
	cluster_close(h);
	peer_stop(&p);
}

/* The connection fails with the request sent: a query is asked again on a
 * new connection, a change is not (it may have happened). */
static void test_reconnect_lost_reply(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_status *s = NULL;

	(void)state;
	peer_init(&p);
	peer_start_listen(&p, "lost.sock");
	assert_int_equal(cluster_open(p.path, &h), 0);

	p.drop_before_reply = 1;
	assert_int_equal(cluster_get_status(h, &s), ERROR_SUCCESS);
	cluster_status_free(s);
	assert_int_equal(atomic_load(&p.requests), 2);
	assert_int_equal(atomic_load(&p.connections), 2);

	p.drop_before_reply = 1;
	assert_int_equal(cluster_group_create(h, "x", NULL), ERROR_BROKEN_PIPE);
	assert_int_equal(atomic_load(&p.requests), 3);
	/* and the next request works on a new connection */
	assert_int_equal(cluster_group_create(h, "y", NULL), ERROR_SUCCESS);
	assert_int_equal(atomic_load(&p.connections), 3);

	/* a read-only control is a query; a modifying one is a change */
	cluster_resource *r = NULL;
	size_t bytes = 0;
	assert_int_equal(cluster_resource_open_ex(h, "r", CLUSTER_OPEN_NO_CHECK, &r), 0);
	p.drop_before_reply = 1;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0,
						  NULL, 0, &bytes), ERROR_MORE_DATA);
	p.drop_before_reply = 1;
	assert_int_equal(cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES,
						  NULL, 0, NULL, 0, &bytes), ERROR_BROKEN_PIPE);
	cluster_resource_close(r);

	/* the daemon is gone for good */
	cluster_close(h);
	peer_stop(&p);
}

static void test_reconnect_daemon_gone(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_status *s = (cluster_status *)0x1;

	(void)state;
	peer_init(&p);
	peer_start_listen(&p, "gone.sock");
	assert_int_equal(cluster_open(p.path, &h), 0);
	p.close_after_reply = 1;
	assert_int_equal(cluster_group_create(h, "a", NULL), 0);
	wait_for(&p.closed, 1);
	peer_stop(&p); /* also removes the socket file */
	assert_int_equal(cluster_get_status(h, &s), ERROR_FILE_NOT_FOUND);
	assert_ptr_equal(s, (cluster_status *)0x1);
	cluster_close(h);
}

static void test_timeout(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_status *s = (cluster_status *)0x1;
	int64_t t0, dt;

	(void)state;
	peer_init(&p);
	p.mode = PM_SILENT;
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_set_timeout(h, 200), 0);
	t0 = mono_ms();
	assert_int_equal(cluster_get_status(h, &s), ERROR_TIMEOUT);
	dt = mono_ms() - t0;
	assert_true(dt >= 190);
	assert_true(dt < 5000);
	assert_ptr_equal(s, (cluster_status *)0x1);
	/* the stream is out of step: dropped; a bare-fd handle cannot reconnect */
	assert_int_equal(cluster_get_status(h, &s), ERROR_BROKEN_PIPE);
	assert_int_equal(cluster_set_timeout(NULL, 1), ERROR_INVALID_PARAMETER);
	cluster_close(h);
	peer_stop(&p);
}

static void test_garbled_reply(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_status *s = (cluster_status *)0x1;

	(void)state;
	peer_init(&p);
	p.mode = PM_GARBAGE;
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_get_status(h, &s), ERROR_INVALID_DATA);
	assert_ptr_equal(s, (cluster_status *)0x1);
	cluster_close(h);
	peer_stop(&p);

	peer_init(&p);
	p.mode = PM_WRONG_ID;
	peer_start_pair(&p, &h);
	assert_int_equal(cluster_group_create(h, "g", NULL), ERROR_INVALID_DATA);
	cluster_close(h);
	peer_stop(&p);
}

/* ======================================================================
 * Threads
 * ====================================================================== */

struct worker {
	cluster_handle *h;
	int ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	cluster_group *g = NULL;
	uint8_t buf[128];
	size_t bytes;

	if (cluster_group_open_ex(w->h, "web", CLUSTER_OPEN_NO_CHECK, &g) != 0)
		return NULL;
	for (int i = 0; i < 100; i++) {
		cluster_status *s = NULL;

		if (cluster_get_status(w->h, &s) != ERROR_SUCCESS || s->n_groups != 2)
			break;
		cluster_status_free(s);
		if (cluster_group_control(g, NULL, CLUSCTL_GROUP_GET_FLAGS, NULL, 0, buf,
					  sizeof(buf), &bytes) != 0 || bytes != 100)
			break;
		w->ok++;
	}
	cluster_group_close(g);
	return NULL;
}

static void test_threads(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	struct worker w[4];
	pthread_t t[4];

	(void)state;
	peer_init(&p);
	peer_start_pair(&p, &h);
	for (int i = 0; i < 4; i++) {
		w[i].h = h;
		w[i].ok = 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].ok, 100);
	}
	assert_int_equal(atomic_load(&p.requests), 800);
	cluster_close(h);
	peer_stop(&p);
}

/* ======================================================================
 * Allocation failures, in turn, for whole calls over a real connection
 * (the peer answers from canned bytes and allocates nothing itself)
 * ====================================================================== */

static void canned_status(struct peer *p)
{
	clusprop_builder b;

	build_status(&b);
	assert_true(clusprop_builder_size(&b) <= sizeof(p->canned));
	memcpy(p->canned, clusprop_builder_data(&b), clusprop_builder_size(&b));
	p->canned_len = clusprop_builder_size(&b);
	p->canned_status = ERROR_SUCCESS;
	clusprop_builder_free(&b);
}

static void canned_control(struct peer *p, uint32_t status, size_t out_len)
{
	clusprop_builder b;
	uint8_t out[64];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = ctl_pattern(i);
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_dword(&b, "BytesReturned", (uint32_t)out_len);
	if (status == ERROR_SUCCESS)
		clusprop_add_binary(&b, "Out", out, out_len);
	pthread_mutex_lock(&p->lock);
	memcpy(p->canned, clusprop_builder_data(&b), clusprop_builder_size(&b));
	p->canned_len = clusprop_builder_size(&b);
	p->canned_status = status;
	pthread_mutex_unlock(&p->lock);
	clusprop_builder_free(&b);
}

/* Group and resource creation with handles, owners, a dependency: the first
 * error is returned and everything made so far is released. */
static uint32_t create_scenario(cluster_handle *h)
{
	static const uint8_t priv[] = { 0, 0, 0, 0 };
	cluster_group *g = NULL;
	cluster_resource *r = NULL, *r2 = NULL;
	cluster_node *n[2] = { NULL, NULL };
	uint32_t rc;

	rc = cluster_group_create(h, "g", &g);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_node_open_ex(h, "n1", CLUSTER_OPEN_NO_CHECK, &n[0]);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_node_open_ex(h, "n2", CLUSTER_OPEN_NO_CHECK, &n[1]);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_group_set_preferred_owners(g, n, 2);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_resource_create(h, "r", "Dummy", "g", priv, sizeof(priv), &r);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_resource_create(h, "r2", "Dummy", "g", NULL, 0, &r2);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_resource_add_dependency(r2, r);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_group_rename(g, "g2");
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = cluster_group_online(g, n[1], 0);
out:
	cluster_resource_close(r2);
	cluster_resource_close(r);
	cluster_node_close(n[1]);
	cluster_node_close(n[0]);
	cluster_group_close(g);
	return rc;
}

static void test_allocation_failures(void **state)
{
	struct peer p;
	cluster_handle *h = NULL;
	cluster_resource *r = NULL;
	int64_t live;
	uint64_t n;
	int done;

	(void)state;
	peer_init(&p);
	p.mode = PM_CANNED;
	canned_status(&p);
	peer_start_listen(&p, "torture.sock");
	assert_int_equal(cluster_open(p.path, &h), 0);
	assert_int_equal(cluster_resource_open_ex(h, "r", CLUSTER_OPEN_NO_CHECK, &r), 0);
	live = cs_alloc_live();

	for (n = 1, done = 0; !done && n < 1000; n++) {
		cluster_status *s = (cluster_status *)0x1;
		uint32_t rc;

		cs_alloc_fail_at(n);
		rc = cluster_get_status(h, &s);
		if (!cs_alloc_failed()) {
			assert_int_equal(rc, ERROR_SUCCESS);
			assert_int_equal(s->n_resources, 2);
			cluster_status_free(s);
			done = 1;
		} else {
			assert_int_not_equal(rc, ERROR_SUCCESS);
			assert_ptr_equal(s, (cluster_status *)0x1);
		}
		cs_alloc_reset();
		assert_int_equal(cs_alloc_live(), live);
	}
	assert_true(done);
	assert_true(n > 10);

	canned_control(&p, ERROR_SUCCESS, 40);
	for (n = 1, done = 0; !done && n < 1000; n++) {
		uint8_t buf[64];
		size_t bytes = 999;
		uint32_t rc;

		memset(buf, 0xAA, sizeof(buf));
		cs_alloc_fail_at(n);
		rc = cluster_resource_control(r, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0, buf,
					      sizeof(buf), &bytes);
		if (!cs_alloc_failed()) {
			assert_int_equal(rc, ERROR_SUCCESS);
			assert_int_equal(bytes, 40);
			done = 1;
		} else {
			assert_int_not_equal(rc, ERROR_SUCCESS);
			assert_int_equal(bytes, 999);
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 0xAA);
		}
		cs_alloc_reset();
		assert_int_equal(cs_alloc_live(), live);
	}
	assert_true(done);
	assert_true(n > 3);

	/* creating objects with handles, and a request with a node list */
	pthread_mutex_lock(&p.lock);
	p.canned_len = 0;
	p.canned_status = ERROR_SUCCESS;
	pthread_mutex_unlock(&p.lock);
	for (n = 1, done = 0; !done && n < 1000; n++) {
		uint32_t rc;

		cs_alloc_fail_at(n);
		rc = create_scenario(h);
		if (!cs_alloc_failed()) {
			assert_int_equal(rc, ERROR_SUCCESS);
			done = 1;
		} else {
			assert_int_not_equal(rc, ERROR_SUCCESS);
		}
		cs_alloc_reset();
		assert_int_equal(cs_alloc_live(), live);
	}
	assert_true(done);
	assert_true(n > 10);

	cluster_resource_close(r);
	cluster_close(h);
	peer_stop(&p);
}

static int teardown_dir(void **state)
{
	(void)state;
	if (tmpdir[0])
		rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_contract),
		cmocka_unit_test(test_control_targets),
		cmocka_unit_test(test_control_errors),
		cmocka_unit_test(test_operations),
		cmocka_unit_test(test_handle_lifetime),
		cmocka_unit_test(test_status_open_enum),
		cmocka_unit_test(test_connect_failures),
		cmocka_unit_test(test_connect_env_and_path),
		cmocka_unit_test(test_reconnect_idle),
		cmocka_unit_test(test_reconnect_lost_reply),
		cmocka_unit_test(test_reconnect_daemon_gone),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_garbled_reply),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_dir);
}
