/*
 * ctlcheck.c - end-to-end checker of control codes, run inside a sandbox
 * node against the real clusterd (tests/e2e/test_controls.sh and
 * test_valgrind.sh use it).  It links the shared libclusapi only.
 *
 *   ctlcheck [OPTIONS] check RESOURCE GROUP NODE TYPE
 *       Every common control code that clusterd answers for the resource,
 *       its group, the node, the resource type and the cluster, each under
 *       the buffer contract (see contract() below), with its content
 *       checked; an unknown code gives ERROR_INVALID_FUNCTION and a code of
 *       another object an error, with the output untouched.
 *   ctlcheck [OPTIONS] get-common|get-private RESOURCE
 *       Print the resource's common or private properties, NAME=VALUE a
 *       line (fetched under the buffer contract).
 *   ctlcheck [OPTIONS] set-common|set-private RESOURCE NAME=VALUE...
 *       SET_COMMON_PROPERTIES / SET_PRIVATE_PROPERTIES (VALUE: DWORD if
 *       decimal digits, else a string; set-common: DWORDs only).  Without
 *       --expect-error the set must succeed with no output; with it, it
 *       must fail with that code, outputs untouched.
 *
 * Options:
 *   --host NODE            host_node of every control (routed over CPG when
 *                          it is not the local node); default NULL
 *   --common NAME=VALUE    `check`: GET_COMMON_PROPERTIES of the resource
 *                          must hold this (repeatable)
 *   --private NAME=VALUE   `check`: GET_PRIVATE_PROPERTIES must hold this
 *   --group-common NAME=VALUE   `check`: the group's common properties
 *   --answered-by plugin|clusterd   `check`: who must have answered the
 *                          private-property codes: the Dummy plugin (the
 *                          resource is open on the node that answers: it
 *                          returns all its properties, rejects unknown
 *                          ones) or clusterd (the stored list)
 *   --expect-error CODE    set-*: the error the set must fail with
 *   --verbose              print every check
 *
 * Exit status: 0 all checks passed, 1 a check failed, 2 usage or setup
 * error (cannot connect, object not found).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL ((size_t)0x5EB71E1u)   /* *bytes_returned before each call */
#define FILL 0xA5                        /* caller buffers are filled with it */
#define GUARD 32                         /* bytes after N that must stay FILL */
#define MAX_KV 32

/* A code no object knows (resource type "user" range), per object. */
#define UNKNOWN_CODE(object) CLUSCTL_USER_CODE(0x123, (object))

struct kv {
	const char *k, *v;
};

static struct {
	const char *host;
	struct kv common[MAX_KV], priv[MAX_KV], group_common[MAX_KV];
	size_t n_common, n_priv, n_group_common;
	int answered_by;          /* 0: do not check, 1: plugin, 2: clusterd */
	int expect_error;         /* -1: none */
	int verbose;
} opt = { .expect_error = -1 };

static unsigned checks, failures;

/* ---- targets ---- */

struct target {
	uint32_t object;          /* CLUS_OBJECT_* */
	char label[160];
	cluster_handle *h;
	cluster_resource *r;
	cluster_group *g;
	cluster_node *n;
	const char *type;
	cluster_node *host;
};

static uint32_t call(const struct target *t, uint32_t code, const void *in, size_t in_size,
		     void *out, size_t out_size, size_t *br)
{
	switch (t->object) {
	case CLUS_OBJECT_RESOURCE:
		return cluster_resource_control(t->r, t->host, code, in, in_size, out, out_size, br);
	case CLUS_OBJECT_RESOURCE_TYPE:
		return cluster_resource_type_control(t->h, t->type, t->host, code, in, in_size, out,
						     out_size, br);
	case CLUS_OBJECT_GROUP:
		return cluster_group_control(t->g, t->host, code, in, in_size, out, out_size, br);
	case CLUS_OBJECT_NODE:
		return cluster_node_control(t->n, t->host, code, in, in_size, out, out_size, br);
	default:
		return cluster_cluster_control(t->h, t->host, code, in, in_size, out, out_size, br);
	}
}

static const char *code_name(uint32_t code)
{
	static char buf[32];
	const char *n = cluster_control_code_name(code);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "0x%08" PRIx32, code);
	return buf;
}

static void fail(const struct target *t, uint32_t code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(const struct target *t, uint32_t code, const char *fmt, ...)
{
	va_list ap;

	failures++;
	fprintf(stderr, "ctlcheck: FAIL: %s: %s: ", t->label, code_name(code));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void pass(const struct target *t, uint32_t code, const char *what)
{
	checks++;
	if (opt.verbose)
		printf("ok: %s: %s: %s\n", t->label, code_name(code), what);
}

static int all_fill(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != FILL)
			return 0;
	return 1;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "ctlcheck: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = xmalloc(strlen(s) + 1);

	return strcpy(d, s);
}

/*
 * The buffer contract, on one code:
 *   out NULL                 -> ERROR_MORE_DATA, *bytes_returned = N > 0
 *   out_size 0 (out given)   -> ERROR_MORE_DATA, N, buffer untouched
 *   out_size N-1             -> ERROR_MORE_DATA, N, buffer untouched
 *   out_size N               -> ERROR_SUCCESS, N, nothing written past N
 *   out_size N+64            -> ERROR_SUCCESS, N, the same N bytes
 * (answer-less codes: expect_empty_success()).
 * Returns 0 with *ret (free()) / *ret_len the answer, or -1 (reported).
 */
static int contract(const struct target *t, uint32_t code, const void *in, size_t in_size,
		    uint8_t **ret, size_t *ret_len)
{
	size_t br = SENTINEL, n;
	uint8_t *buf, *big;
	uint32_t rc;

	*ret = NULL;
	*ret_len = 0;
	rc = call(t, code, in, in_size, NULL, 0, &br);
	if (rc == ERROR_SUCCESS) {
		fail(t, code, "out NULL: succeeded (bytes_returned %zu), expected ERROR_MORE_DATA", br);
		return -1;
	}
	if (rc != ERROR_MORE_DATA) {
		fail(t, code, "out NULL: error %" PRIu32 " (%s), expected 234", rc,
		     cluster_strerror(rc));
		return -1;
	}
	if (br == SENTINEL || br == 0) {
		fail(t, code, "out NULL: ERROR_MORE_DATA without a size (bytes_returned %zu)", br);
		return -1;
	}
	n = br;
	pass(t, code, "out NULL -> 234 and the size");

	buf = xmalloc(n + GUARD);
	/* a non-NULL buffer of 0 bytes, then of N-1 bytes */
	for (int pass_no = 0; pass_no < 2; pass_no++) {
		size_t size = pass_no ? n - 1 : 0;
		memset(buf, FILL, n + GUARD);
		br = SENTINEL;
		rc = call(t, code, in, in_size, buf, size, &br);
		if (rc != ERROR_MORE_DATA || br != n || !all_fill(buf, n + GUARD)) {
			fail(t, code, "out_size %zu: rc %" PRIu32 ", bytes_returned %zu (want 234, %zu), "
				      "buffer %s", size, rc, br, n,
			     all_fill(buf, n + GUARD) ? "untouched" : "WRITTEN");
			free(buf);
			return -1;
		}
	}
	pass(t, code, "short buffers (0, N-1) -> 234, N, untouched");

	memset(buf, FILL, n + GUARD);
	br = SENTINEL;
	rc = call(t, code, in, in_size, buf, n, &br);
	if (rc != ERROR_SUCCESS || br != n || !all_fill(buf + n, GUARD)) {
		fail(t, code, "out_size N=%zu: rc %" PRIu32 " (%s), bytes_returned %zu, %s", n, rc,
		     cluster_strerror(rc), br,
		     all_fill(buf + n, GUARD) ? "nothing past N" : "WRITTEN PAST N");
		free(buf);
		return -1;
	}
	pass(t, code, "out_size N -> success, N bytes");

	big = xmalloc(n + 64);
	memset(big, FILL, n + 64);
	br = SENTINEL;
	rc = call(t, code, in, in_size, big, n + 64, &br);
	if (rc != ERROR_SUCCESS || br != n || memcmp(big, buf, n) || !all_fill(big + n, 64)) {
		fail(t, code, "out_size N+64: rc %" PRIu32 ", bytes_returned %zu (want %zu), %s", rc, br,
		     n, memcmp(big, buf, n) ? "different answer" : "written past N");
		free(big);
		free(buf);
		return -1;
	}
	free(big);
	pass(t, code, "larger buffer -> the same N bytes");
	*ret = buf;
	*ret_len = n;
	return 0;
}

/* A code that must fail with `want` (or, want 0, any error but 234):
 * *bytes_returned and the buffer untouched. */
static void expect_error(const struct target *t, uint32_t code, const void *in, size_t in_size,
			 uint32_t want, const char *what)
{
	uint8_t buf[64];
	size_t br = SENTINEL;
	uint32_t rc;

	memset(buf, FILL, sizeof(buf));
	rc = call(t, code, in, in_size, buf, sizeof(buf), &br);
	if (want ? rc != want : (rc == ERROR_SUCCESS || rc == ERROR_MORE_DATA)) {
		if (want)
			fail(t, code, "%s: rc %" PRIu32 " (%s), expected %" PRIu32, what, rc,
			     cluster_strerror(rc), want);
		else
			fail(t, code, "%s: rc %" PRIu32 " (%s), expected an error", what, rc,
			     cluster_strerror(rc));
		return;
	}
	if (br != SENTINEL || !all_fill(buf, sizeof(buf))) {
		fail(t, code, "%s: error %" PRIu32 " but the outputs were written", what, rc);
		return;
	}
	pass(t, code, what);
}

/* An answer-less code (VALIDATE_*, SET_*): success, 0 bytes, with out NULL
 * and with a buffer (untouched). */
static void expect_empty_success(const struct target *t, uint32_t code, const void *in,
				 size_t in_size, const char *what)
{
	uint8_t buf[64];
	size_t br = SENTINEL;
	uint32_t rc;

	rc = call(t, code, in, in_size, NULL, 0, &br);
	if (rc != ERROR_SUCCESS || br != 0) {
		fail(t, code, "%s (out NULL): rc %" PRIu32 " (%s), bytes_returned %zu; want 0, 0", what,
		     rc, cluster_strerror(rc), br);
		return;
	}
	memset(buf, FILL, sizeof(buf));
	br = SENTINEL;
	rc = call(t, code, in, in_size, buf, sizeof(buf), &br);
	if (rc != ERROR_SUCCESS || br != 0 || !all_fill(buf, sizeof(buf))) {
		fail(t, code, "%s (64-byte buffer): rc %" PRIu32 " (%s), bytes_returned %zu%s", what,
		     rc, cluster_strerror(rc), br, all_fill(buf, sizeof(buf)) ? "" : ", buffer written");
		return;
	}
	pass(t, code, what);
}

/* ---- decoding answers ---- */

/* The UTF-8 of a buffer holding exactly one NUL-terminated UTF-16LE string. */
static char *utf16_string(const uint8_t *buf, size_t len)
{
	size_t u8 = 0;
	char *s;

	if (len < 2 || len % 2 || buf[len - 1] || buf[len - 2])
		return NULL;
	for (size_t i = 0; i + 2 < len; i += 2)
		if (!buf[i] && !buf[i + 1])
			return NULL; /* a NUL inside */
	uint32_t rc = clusprop_utf16le_to_utf8(buf, len - 2, NULL, 0, &u8);
	if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA)
		return NULL;
	s = xmalloc(u8 + 1);
	if (u8 && clusprop_utf16le_to_utf8(buf, len - 2, s, u8, &u8) != ERROR_SUCCESS) {
		free(s);
		return NULL;
	}
	s[u8] = '\0';
	return s;
}

struct strs {
	char **v;
	char **val;               /* plists: the value as text; else NULL */
	size_t n;
};

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i]);
		if (s->val)
			free(s->val[i]);
	}
	free(s->v);
	free(s->val);
	memset(s, 0, sizeof(*s));
}

static const char *strs_get(const struct strs *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return s->val ? s->val[i] : s->v[i];
	return NULL;
}

/* A name list (ENUM_*_PROPERTIES): UTF-16LE strings, each with its NUL,
 * then one more NUL. */
static int names_parse(const uint8_t *buf, size_t len, struct strs *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len < 2 || len % 2)
		return -1;
	out->v = xmalloc(sizeof(char *) * (len / 2 + 1));
	for (;;) {
		size_t j = i;
		while (j + 1 < len && (buf[j] || buf[j + 1]))
			j += 2;
		if (j + 1 >= len)
			goto bad; /* no NUL */
		if (j == i)
			break;    /* the final NUL */
		char *s = utf16_string(buf + i, j + 2 - i);
		if (!s)
			goto bad;
		out->v[out->n++] = s;
		i = j + 2;
	}
	if (i + 2 != len)
		goto bad; /* bytes after the final NUL */
	return 0;
bad:
	strs_free(out);
	return -1;
}

/* A property list, each value as text (DWORDs in decimal). */
static int plist_parse(const uint8_t *buf, size_t len, struct strs *out)
{
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc;
	size_t cap = 8;

	memset(out, 0, sizeof(*out));
	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL) != ERROR_SUCCESS)
		return -1;
	out->v = xmalloc(cap * sizeof(char *));
	out->val = xmalloc(cap * sizeof(char *));
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		char tmp[64];
		const char *text = tmp;
		if (out->n == cap) {
			cap *= 2;
			out->v = realloc(out->v, cap * sizeof(char *));
			out->val = realloc(out->val, cap * sizeof(char *));
			if (!out->v || !out->val) {
				fprintf(stderr, "ctlcheck: out of memory\n");
				exit(2);
			}
		}
		if (v.format == CLUSPROP_FORMAT_DWORD)
			snprintf(tmp, sizeof(tmp), "%" PRIu32, v.num.dw);
		else if (v.str)
			text = v.str;
		else
			snprintf(tmp, sizeof(tmp), "<format %u, %" PRIu32 " bytes>", v.format, v.length);
		out->v[out->n] = xstrdup(v.name);
		out->val[out->n] = xstrdup(text);
		out->n++;
	}
	clusprop_iter_done(&it);
	if (rc != ERROR_NO_MORE_ITEMS) {
		strs_free(out);
		return -1;
	}
	return 0;
}

/* ---- checks by answer shape ---- */

static void check_string(const struct target *t, uint32_t code, const char *want)
{
	uint8_t *buf;
	size_t len;
	char *s;

	if (contract(t, code, NULL, 0, &buf, &len))
		return;
	s = utf16_string(buf, len);
	if (!s)
		fail(t, code, "not one NUL-terminated UTF-16LE string (%zu bytes)", len);
	else if (want ? strcmp(s, want) : !*s)
		fail(t, code, "'%s', expected '%s'", s, want ? want : "(not empty)");
	else
		pass(t, code, "the string");
	free(s);
	free(buf);
}

static void check_size(const struct target *t, uint32_t code, size_t want)
{
	uint8_t *buf;
	size_t len;

	if (contract(t, code, NULL, 0, &buf, &len))
		return;
	if (len != want)
		fail(t, code, "%zu bytes, expected %zu", len, want);
	else
		pass(t, code, "the size of the answer");
	free(buf);
}

static void check_value_list(const struct target *t, uint32_t code)
{
	uint8_t *buf;
	size_t len;

	if (contract(t, code, NULL, 0, &buf, &len))
		return;
	if (clusprop_validate_value_list(buf, len, NULL) != ERROR_SUCCESS)
		fail(t, code, "not a valid value list (%zu bytes)", len);
	else
		pass(t, code, "a valid value list");
	free(buf);
}

/* Fetch a property list under the contract into *pl; -1 if it failed. */
static int get_plist(const struct target *t, uint32_t code, struct strs *pl)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (contract(t, code, NULL, 0, &buf, &len))
		return -1;
	r = plist_parse(buf, len, pl);
	if (r)
		fail(t, code, "not a valid property list (%zu bytes)", len);
	else
		pass(t, code, "a valid property list");
	free(buf);
	return r;
}

static int get_names(const struct target *t, uint32_t code, struct strs *names)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (contract(t, code, NULL, 0, &buf, &len))
		return -1;
	r = names_parse(buf, len, names);
	if (r)
		fail(t, code, "not a list of NUL-terminated UTF-16LE names (%zu bytes)", len);
	else
		pass(t, code, "a name list");
	free(buf);
	return r;
}

static void expect_props(const struct target *t, uint32_t code, const struct strs *pl,
			 const struct kv *kv, size_t n, int only_present)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = strs_get(pl, kv[i].k);
		if (!v && only_present)
			continue;
		if (!v)
			fail(t, code, "no property %s (expected %s)", kv[i].k, kv[i].v);
		else if (strcmp(v, kv[i].v))
			fail(t, code, "%s = %s, expected %s", kv[i].k, v, kv[i].v);
		else
			pass(t, code, kv[i].k);
	}
}

/* Every entry of sub is in super (with the same value when both are plists). */
static void expect_subset(const struct target *t, uint32_t code, const struct strs *sub,
			  const struct strs *super, const char *what)
{
	for (size_t i = 0; i < sub->n; i++) {
		const char *v = strs_get(super, sub->v[i]);
		if (!v)
			fail(t, code, "%s: %s missing", what, sub->v[i]);
		else if (sub->val && super->val && strcmp(v, sub->val[i]))
			fail(t, code, "%s: %s = %s here, %s there", what, sub->v[i], sub->val[i], v);
	}
	pass(t, code, what);
}

/* A property list input: DWORD for decimal digits, else a string. */
static uint32_t build_plist(clusprop_builder *b, const struct kv *kv, size_t n, int dwords_only)
{
	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	for (size_t i = 0; i < n; i++) {
		const char *v = kv[i].v;
		int digits = *v != '\0';
		for (const char *p = v; *p; p++)
			if (*p < '0' || *p > '9')
				digits = 0;
		if (digits)
			clusprop_add_dword(b, kv[i].k, (uint32_t)strtoul(v, NULL, 10));
		else if (dwords_only)
			return ERROR_INVALID_PARAMETER;
		else
			clusprop_add_sz(b, kv[i].k, v);
	}
	return clusprop_builder_status(b);
}

/* ---- the objects ---- */

static const char *const dummy_only = "HangControl"; /* a property only the plugin lists */

static void check_resource(const struct target *t, const char *res, const char *type)
{
	static const char *const required[] = {
		"Name", "Type", "RestartAction", "RestartThreshold", "RestartPeriod",
		"LooksAlivePollInterval", "IsAlivePollInterval", "PendingTimeout",
	};
	struct strs enum_c = { 0 }, common = { 0 }, ro = { 0 }, enum_p = { 0 }, priv = { 0 };
	struct strs ro_p = { 0 };
	clusprop_builder b;
	char thr[16];

	check_string(t, CLUSCTL_RESOURCE_GET_NAME, res);
	check_string(t, CLUSCTL_RESOURCE_GET_ID, NULL);
	check_string(t, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, type);
	check_size(t, CLUSCTL_RESOURCE_GET_FLAGS, 4);
	check_size(t, CLUSCTL_RESOURCE_GET_CHARACTERISTICS, 4);
	check_size(t, CLUSCTL_RESOURCE_GET_CLASS_INFO, 8);
	check_value_list(t, CLUSCTL_RESOURCE_GET_REQUIRED_DEPENDENCIES);

	/* common properties */
	if (get_names(t, CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES, &enum_c) == 0) {
		for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
			if (!strs_get(&enum_c, required[i]))
				fail(t, CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES, "%s not listed",
				     required[i]);
	}
	if (get_plist(t, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, &common) == 0) {
		struct kv self[] = { { "Name", res }, { "Type", type } };
		expect_props(t, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, &common, self, 2, 0);
		expect_props(t, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, &common, opt.common,
			     opt.n_common, 0);
		expect_subset(t, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, &enum_c, &common,
			      "every enumerated common property is in GET_COMMON_PROPERTIES");
		expect_subset(t, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, &common, &enum_c,
			      "every common property is enumerated");
	}
	if (get_plist(t, CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES, &ro) == 0)
		expect_subset(t, CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES, &ro, &common,
			      "read-only common properties agree with GET_COMMON_PROPERTIES");

	/* VALIDATE_COMMON_PROPERTIES: what SET_COMMON_PROPERTIES would accept */
	snprintf(thr, sizeof(thr), "%s", strs_get(&common, "RestartThreshold") ?
			strs_get(&common, "RestartThreshold") : "3");
	{
		struct kv ok[] = { { "RestartThreshold", thr } };
		struct kv bad_value[] = { { "RestartAction", "99" } };
		struct kv bad_name[] = { { "NoSuchCommonProperty", "1" } };
		struct kv read_only[] = { { "Type", "Other" } };
		const uint8_t garbage[6] = { 1, 0, 0, 0, 3, 0 };
		const uint32_t c = CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES;

		if (build_plist(&b, ok, 1, 0) == ERROR_SUCCESS)
			expect_empty_success(t, c, clusprop_builder_data(&b), clusprop_builder_size(&b),
					     "a valid list validates");
		clusprop_builder_free(&b);
		if (build_plist(&b, bad_value, 1, 0) == ERROR_SUCCESS)
			expect_error(t, c, clusprop_builder_data(&b), clusprop_builder_size(&b), 0,
				     "RestartAction 99 is rejected");
		clusprop_builder_free(&b);
		if (build_plist(&b, bad_name, 1, 0) == ERROR_SUCCESS)
			expect_error(t, c, clusprop_builder_data(&b), clusprop_builder_size(&b), 0,
				     "an unknown common property is rejected");
		clusprop_builder_free(&b);
		if (build_plist(&b, read_only, 1, 0) == ERROR_SUCCESS)
			expect_error(t, c, clusprop_builder_data(&b), clusprop_builder_size(&b), 0,
				     "a read-only common property is rejected");
		clusprop_builder_free(&b);
		expect_error(t, c, garbage, sizeof(garbage), 0, "a malformed list is rejected");
		expect_error(t, c, NULL, 0, 0, "no input is rejected");
	}

	/* private properties */
	get_names(t, CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES, &enum_p);
	if (get_plist(t, CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, &priv) == 0) {
		const uint32_t c = CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES;
		expect_props(t, c, &priv, opt.priv, opt.n_priv, 0);
		expect_subset(t, c, &enum_p, &priv,
			      "every enumerated private property is in GET_PRIVATE_PROPERTIES");
		if (opt.answered_by == 1 && !strs_get(&priv, dummy_only))
			fail(t, c, "answered from the stored list, expected the plugin (no %s)",
			     dummy_only);
		else if (opt.answered_by == 2)
			expect_subset(t, c, &priv, &enum_p,
				      "answered by clusterd: exactly the stored properties");
		else if (opt.answered_by == 1)
			pass(t, c, "answered by the plugin");
	}
	get_plist(t, CLUSCTL_RESOURCE_GET_RO_PRIVATE_PROPERTIES, &ro_p);
	{
		const uint32_t c = CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES;
		struct kv ok[1] = { { "OnlineDelayMs", strs_get(&priv, "OnlineDelayMs") ?
							strs_get(&priv, "OnlineDelayMs") : "0" } };
		struct kv bad_name[] = { { "NoSuchDummyProperty", "1" } };
		const uint8_t garbage[6] = { 1, 0, 0, 0, 3, 0 };

		if (build_plist(&b, ok, 1, 0) == ERROR_SUCCESS)
			expect_empty_success(t, c, clusprop_builder_data(&b), clusprop_builder_size(&b),
					     "a valid list validates");
		clusprop_builder_free(&b);
		if (opt.answered_by == 1 && build_plist(&b, bad_name, 1, 0) == ERROR_SUCCESS)
			expect_error(t, c, clusprop_builder_data(&b), clusprop_builder_size(&b),
				     ERROR_INVALID_PARAMETER, "the plugin rejects an unknown property");
		clusprop_builder_free(&b);
		expect_error(t, c, garbage, sizeof(garbage), 0, "a malformed list is rejected");
		expect_error(t, c, NULL, 0, 0, "no input is rejected");
	}

	expect_error(t, UNKNOWN_CODE(CLUS_OBJECT_RESOURCE), NULL, 0, ERROR_INVALID_FUNCTION,
		     "an unknown code");
	expect_error(t, CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, NULL, 0, ERROR_INVALID_FUNCTION,
		     "a code the type does not support");
	expect_error(t, CLUSCTL_GROUP_GET_NAME, NULL, 0, 0, "a group's code");
	expect_error(t, CLUSCTL_NODE_GET_NAME, NULL, 0, 0, "a node's code");
	strs_free(&enum_c);
	strs_free(&common);
	strs_free(&ro);
	strs_free(&enum_p);
	strs_free(&priv);
	strs_free(&ro_p);
}

static void check_group(const struct target *t, const char *group)
{
	struct strs common = { 0 }, ro = { 0 }, priv = { 0 };

	check_string(t, CLUSCTL_GROUP_GET_NAME, group);
	check_string(t, CLUSCTL_GROUP_GET_ID, NULL);
	check_size(t, CLUSCTL_GROUP_GET_FLAGS, 4);
	check_size(t, CLUSCTL_GROUP_GET_CHARACTERISTICS, 4);
	if (get_plist(t, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, &common) == 0) {
		struct kv self[] = { { "Name", group } };
		expect_props(t, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, &common, self, 1, 0);
		expect_props(t, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, &common, opt.group_common,
			     opt.n_group_common, 0);
	}
	if (get_plist(t, CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES, &ro) == 0)
		expect_subset(t, CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES, &ro, &common,
			      "read-only common properties agree");
	get_plist(t, CLUSCTL_GROUP_GET_PRIVATE_PROPERTIES, &priv);
	expect_error(t, UNKNOWN_CODE(CLUS_OBJECT_GROUP), NULL, 0, ERROR_INVALID_FUNCTION,
		     "an unknown code");
	expect_error(t, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, 0, "a resource's code");
	strs_free(&common);
	strs_free(&ro);
	strs_free(&priv);
}

static void check_node(const struct target *t, const char *node, uint32_t id)
{
	struct strs common = { 0 }, ro = { 0 }, priv = { 0 };
	char ids[16];

	snprintf(ids, sizeof(ids), "%" PRIu32, id);
	check_string(t, CLUSCTL_NODE_GET_NAME, node);
	check_string(t, CLUSCTL_NODE_GET_ID, ids);
	check_size(t, CLUSCTL_NODE_GET_FLAGS, 4);
	check_size(t, CLUSCTL_NODE_GET_CHARACTERISTICS, 4);
	if (get_plist(t, CLUSCTL_NODE_GET_COMMON_PROPERTIES, &common) == 0) {
		struct kv self[] = { { "NodeName", node }, { "NodeID", ids } };
		expect_props(t, CLUSCTL_NODE_GET_COMMON_PROPERTIES, &common, self, 2, 0);
	}
	if (get_plist(t, CLUSCTL_NODE_GET_RO_COMMON_PROPERTIES, &ro) == 0)
		expect_subset(t, CLUSCTL_NODE_GET_RO_COMMON_PROPERTIES, &ro, &common,
			      "read-only common properties agree");
	get_plist(t, CLUSCTL_NODE_GET_PRIVATE_PROPERTIES, &priv);
	expect_error(t, UNKNOWN_CODE(CLUS_OBJECT_NODE), NULL, 0, ERROR_INVALID_FUNCTION,
		     "an unknown code");
	expect_error(t, CLUSCTL_GROUP_GET_NAME, NULL, 0, 0, "a group's code");
	strs_free(&common);
	strs_free(&ro);
	strs_free(&priv);
}

static void check_type(const struct target *t, const char *type)
{
	struct strs common = { 0 }, ro = { 0 }, priv = { 0 };

	check_size(t, CLUSCTL_RESOURCE_TYPE_GET_CHARACTERISTICS, 4);
	check_size(t, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, 4);
	check_size(t, CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO, 8);
	check_value_list(t, CLUSCTL_RESOURCE_TYPE_GET_REQUIRED_DEPENDENCIES);
	if (get_plist(t, CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES, &common) == 0) {
		struct kv self[] = { { "Name", type } };
		expect_props(t, CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES, &common, self, 1, 0);
	}
	if (get_plist(t, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, &ro) == 0)
		expect_subset(t, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, &ro, &common,
			      "read-only common properties agree");
	get_plist(t, CLUSCTL_RESOURCE_TYPE_GET_PRIVATE_PROPERTIES, &priv);
	expect_error(t, UNKNOWN_CODE(CLUS_OBJECT_RESOURCE_TYPE), NULL, 0, ERROR_INVALID_FUNCTION,
		     "an unknown code");
	expect_error(t, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, 0, "a resource's code");
	strs_free(&common);
	strs_free(&ro);
	strs_free(&priv);
}

static void check_cluster(const struct target *t, const char *name)
{
	struct strs common = { 0 }, ro = { 0 }, priv = { 0 };

	check_string(t, CLUSCTL_CLUSTER_GET_FQDN, name);
	if (get_plist(t, CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES, &common) == 0) {
		struct kv self[] = { { "Name", name }, { "Quorate", "1" } };
		expect_props(t, CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES, &common, self, 2, 0);
	}
	if (get_plist(t, CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES, &ro) == 0)
		expect_subset(t, CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES, &ro, &common,
			      "read-only common properties agree");
	get_plist(t, CLUSCTL_CLUSTER_GET_PRIVATE_PROPERTIES, &priv);
	expect_error(t, UNKNOWN_CODE(CLUS_OBJECT_CLUSTER), NULL, 0, ERROR_INVALID_FUNCTION,
		     "an unknown code");
	expect_error(t, CLUSCTL_NODE_GET_NAME, NULL, 0, 0, "a node's code");
	strs_free(&common);
	strs_free(&ro);
	strs_free(&priv);
}

/* ---- commands ---- */

_Noreturn static void die(const char *what, uint32_t rc)
{
	fprintf(stderr, "ctlcheck: %s: %s (%" PRIu32 ")\n", what, cluster_strerror(rc), rc);
	exit(2);
}

static void target_init(struct target *t, uint32_t object, cluster_handle *h, cluster_node *host,
			const char *kind, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->object = object;
	t->h = h;
	t->host = host;
	snprintf(t->label, sizeof(t->label), "%s %s", kind, name);
	if (opt.host) {
		size_t l = strlen(t->label);
		snprintf(t->label + l, sizeof(t->label) - l, " (host %s)", opt.host);
	}
}

static int cmd_check(cluster_handle *h, cluster_node *host, char **args)
{
	const char *res = args[0], *group = args[1], *node = args[2], *type = args[3];
	cluster_status *st = NULL;
	struct target t;
	uint32_t rc, node_id = 0;

	if ((rc = cluster_get_status(h, &st)) != ERROR_SUCCESS)
		die("status", rc);
	for (size_t i = 0; i < st->n_nodes; i++)
		if (!strcmp(st->nodes[i].name, node))
			node_id = st->nodes[i].id;
	if (!node_id) {
		fprintf(stderr, "ctlcheck: no node %s in the status\n", node);
		exit(2);
	}

	target_init(&t, CLUS_OBJECT_RESOURCE, h, host, "resource", res);
	if ((rc = cluster_resource_open(h, res, &t.r)) != ERROR_SUCCESS)
		die(res, rc);
	check_resource(&t, res, type);
	cluster_resource_close(t.r);

	target_init(&t, CLUS_OBJECT_GROUP, h, host, "group", group);
	if ((rc = cluster_group_open(h, group, &t.g)) != ERROR_SUCCESS)
		die(group, rc);
	check_group(&t, group);
	cluster_group_close(t.g);

	target_init(&t, CLUS_OBJECT_NODE, h, host, "node", node);
	if ((rc = cluster_node_open(h, node, &t.n)) != ERROR_SUCCESS)
		die(node, rc);
	check_node(&t, node, node_id);
	cluster_node_close(t.n);

	target_init(&t, CLUS_OBJECT_RESOURCE_TYPE, h, host, "resource type", type);
	t.type = type;
	check_type(&t, type);

	target_init(&t, CLUS_OBJECT_CLUSTER, h, host, "cluster", st->cluster_name);
	check_cluster(&t, st->cluster_name);

	/* objects that do not exist */
	target_init(&t, CLUS_OBJECT_RESOURCE_TYPE, h, host, "resource type", "NoSuchType");
	t.type = "NoSuchType";
	expect_error(&t, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, NULL, 0,
		     ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "a type without a plugin");
	target_init(&t, CLUS_OBJECT_RESOURCE, h, host, "resource", "NoSuchResource");
	if ((rc = cluster_resource_open_ex(h, "NoSuchResource", CLUSTER_OPEN_NO_CHECK, &t.r)))
		die("NoSuchResource", rc);
	expect_error(&t, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, ERROR_RESOURCE_NOT_FOUND,
		     "a resource that does not exist");
	cluster_resource_close(t.r);

	cluster_status_free(st);
	printf("ctlcheck: %u checks passed, %u failed (%s, %s, %s, %s%s%s)\n", checks, failures,
	       res, group, node, type, opt.host ? ", host " : "", opt.host ? opt.host : "");
	return failures ? 1 : 0;
}

static int cmd_get(cluster_handle *h, cluster_node *host, const char *res, int private_props)
{
	const uint32_t code = private_props ? CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES :
					      CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES;
	struct strs pl;
	struct target t;
	uint32_t rc;

	target_init(&t, CLUS_OBJECT_RESOURCE, h, host, "resource", res);
	if ((rc = cluster_resource_open(h, res, &t.r)) != ERROR_SUCCESS)
		die(res, rc);
	if (get_plist(&t, code, &pl) == 0) {
		for (size_t i = 0; i < pl.n; i++)
			printf("%s=%s\n", pl.v[i], pl.val[i]);
		strs_free(&pl);
	}
	cluster_resource_close(t.r);
	return failures ? 1 : 0;
}

static int cmd_set(cluster_handle *h, cluster_node *host, const char *res, int private_props,
		   char **args, int n)
{
	const uint32_t code = private_props ? CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES :
					      CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES;
	struct kv kv[MAX_KV];
	clusprop_builder b;
	struct target t;
	uint32_t rc;

	if (n < 0 || n > MAX_KV) { /* none: an empty list, which clusterd must refuse */
		fprintf(stderr, "ctlcheck: set: 0 to %d NAME=VALUE arguments\n", MAX_KV);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char *eq = strchr(args[i], '=');
		if (!eq) {
			fprintf(stderr, "ctlcheck: set: %s: not NAME=VALUE\n", args[i]);
			return 2;
		}
		*eq = '\0';
		kv[i].k = args[i];
		kv[i].v = eq + 1;
	}
	if (build_plist(&b, kv, (size_t)n, !private_props) != ERROR_SUCCESS) {
		fprintf(stderr, "ctlcheck: set: cannot build the list (set-common: DWORDs only)\n");
		clusprop_builder_free(&b);
		return 2;
	}
	target_init(&t, CLUS_OBJECT_RESOURCE, h, host, "resource", res);
	if ((rc = cluster_resource_open(h, res, &t.r)) != ERROR_SUCCESS)
		die(res, rc);
	if (opt.expect_error >= 0)
		expect_error(&t, code, clusprop_builder_data(&b), clusprop_builder_size(&b),
			     (uint32_t)opt.expect_error, "the set is refused");
	else
		expect_empty_success(&t, code, clusprop_builder_data(&b), clusprop_builder_size(&b),
				     "the set succeeds with no output");
	clusprop_builder_free(&b);
	cluster_resource_close(t.r);
	return failures ? 1 : 0;
}

static void add_kv(struct kv *arr, size_t *n, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || *n >= MAX_KV) {
		fprintf(stderr, "ctlcheck: %s: expected NAME=VALUE\n", arg);
		exit(2);
	}
	*eq = '\0';
	arr[*n].k = arg;
	arr[*n].v = eq + 1;
	(*n)++;
}

_Noreturn static void usage(void)
{
	fprintf(stderr,
		"usage: ctlcheck [--host NODE] [--common K=V]... [--private K=V]...\n"
		"                [--group-common K=V]... [--answered-by plugin|clusterd]\n"
		"                [--expect-error CODE] [--verbose] COMMAND ARGS\n"
		"commands: check RESOURCE GROUP NODE TYPE | get-common RESOURCE |\n"
		"          get-private RESOURCE | set-common RESOURCE K=V... |\n"
		"          set-private RESOURCE K=V...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "common", required_argument, NULL, 'c' },
		{ "private", required_argument, NULL, 'p' },
		{ "group-common", required_argument, NULL, 'g' },
		{ "answered-by", required_argument, NULL, 'a' },
		{ "expect-error", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	cluster_handle *h = NULL;
	cluster_node *host = NULL;
	const char *cmd;
	uint32_t rc;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+H:c:p:g:a:e:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': opt.host = optarg; break;
		case 'c': add_kv(opt.common, &opt.n_common, optarg); break;
		case 'p': add_kv(opt.priv, &opt.n_priv, optarg); break;
		case 'g': add_kv(opt.group_common, &opt.n_group_common, optarg); break;
		case 'a':
			if (!strcmp(optarg, "plugin"))
				opt.answered_by = 1;
			else if (!strcmp(optarg, "clusterd"))
				opt.answered_by = 2;
			else
				usage();
			break;
		case 'e': opt.expect_error = atoi(optarg); break;
		case 'v': opt.verbose = 1; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	if ((rc = cluster_open(NULL, &h)) != ERROR_SUCCESS)
		die("cannot connect to clusterd", rc);
	if (opt.host && (rc = cluster_node_open(h, opt.host, &host)) != ERROR_SUCCESS)
		die(opt.host, rc);

	if (!strcmp(cmd, "check") && argc == 4)
		ret = cmd_check(h, host, argv);
	else if (!strcmp(cmd, "get-common") && argc == 1)
		ret = cmd_get(h, host, argv[0], 0);
	else if (!strcmp(cmd, "get-private") && argc == 1)
		ret = cmd_get(h, host, argv[0], 1);
	else if (!strcmp(cmd, "set-common") && argc >= 1)
		ret = cmd_set(h, host, argv[0], 0, argv + 1, argc - 1);
	else if (!strcmp(cmd, "set-private") && argc >= 1)
		ret = cmd_set(h, host, argv[0], 1, argv + 1, argc - 1);
	else
		usage();
	cluster_node_close(host);
	cluster_close(h);
	return ret;
}
