/*
 * priv.c - private properties given on the command line:
 *   --priv KEY=VALUE          DWORD if VALUE is a decimal number, else SZ
 *   --priv KEY:TYPE=VALUE     TYPE sz, expand_sz, dword, long, ularge,
 *                             multi_sz (a,b,c), binary (hex digits)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int hex_ok(const char *s)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
		      (s[n] >= 'A' && s[n] <= 'F')))
			return 0;
	return n % 2 == 0;
}

static const struct {
	const char *name;
	enum cli_priv_kind kind;
} kinds[] = {
	{ "sz", CLI_PRIV_SZ },
	{ "expand_sz", CLI_PRIV_EXPAND_SZ },
	{ "dword", CLI_PRIV_DWORD },
	{ "long", CLI_PRIV_LONG },
	{ "ularge", CLI_PRIV_ULARGE },
	{ "multi_sz", CLI_PRIV_MULTI_SZ },
	{ "binary", CLI_PRIV_BINARY },
};

void cli_priv_clear(struct cli_priv *p)
{
	if (!p)
		return;
	cluster_free(p->key);
	p->key = NULL;
}

int cli_priv_parse(const char *arg, struct cli_priv *out, char *err, size_t errlen)
{
	struct cli_priv p = { 0 };
	const char *eq, *colon, *key_end;
	size_t key_len;
	int typed = 0;

	if (!arg || !out)
		return fail(err, errlen, "missing argument");
	eq = strchr(arg, '=');
	if (!eq)
		return fail(err, errlen, "'%s': expected KEY=VALUE or KEY:TYPE=VALUE", arg);
	key_end = eq;
	colon = memchr(arg, ':', (size_t)(eq - arg));
	if (colon) {
		/* The type is after the last ':' before '='. */
		const char *c;
		size_t tl;
		size_t i;

		for (c = colon; (c = memchr(c + 1, ':', (size_t)(eq - c - 1))) != NULL;)
			colon = c;
		tl = (size_t)(eq - colon - 1);
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strlen(kinds[i].name) == tl && strncmp(kinds[i].name, colon + 1, tl) == 0)
				break;
		if (i == sizeof(kinds) / sizeof(kinds[0]))
			return fail(err, errlen,
				    "'%s': unknown type '%.*s' (sz, expand_sz, dword, long, ularge, "
				    "multi_sz, binary)", arg, (int)tl, colon + 1);
		p.kind = kinds[i].kind;
		key_end = colon;
		typed = 1;
	}
	key_len = (size_t)(key_end - arg);
	if (key_len == 0)
		return fail(err, errlen, "'%s': empty property name", arg);
	p.value = eq + 1;

	if (!typed) {
		if (all_digits(p.value)) {
			if (cli_parse_uint(p.value, UINT32_MAX, &p.num) != CLI_NUM_OK)
				return fail(err, errlen,
					    "'%s': %s is too large for a DWORD (use KEY:ularge= or "
					    "KEY:sz=)", arg, p.value);
			p.kind = CLI_PRIV_DWORD;
		} else {
			p.kind = CLI_PRIV_SZ;
		}
	} else {
		switch (p.kind) {
		case CLI_PRIV_DWORD:
			if (cli_parse_uint(p.value, UINT32_MAX, &p.num) != CLI_NUM_OK)
				return fail(err, errlen, "'%s': not a DWORD (0 to 4294967295)", arg);
			break;
		case CLI_PRIV_ULARGE:
			if (cli_parse_uint(p.value, UINT64_MAX, &p.num) != CLI_NUM_OK)
				return fail(err, errlen, "'%s': not an unsigned 64-bit number", arg);
			break;
		case CLI_PRIV_LONG:
			if (cli_parse_int(p.value, INT32_MIN, INT32_MAX, &p.snum) != CLI_NUM_OK)
				return fail(err, errlen, "'%s': not a LONG (-2147483648 to 2147483647)",
					    arg);
			break;
		case CLI_PRIV_BINARY:
			if (!hex_ok(p.value))
				return fail(err, errlen, "'%s': binary values are an even number of "
					    "hex digits", arg);
			break;
		case CLI_PRIV_MULTI_SZ: {
			const char *v = p.value;
			size_t vl = strlen(v);
			if (vl == 0)
				break;
			if (v[0] == ',' || v[vl - 1] == ',' || strstr(v, ",,"))
				return fail(err, errlen, "'%s': empty string in a multi_sz list", arg);
			break;
		}
		default:
			break;
		}
	}
	p.key = cluster_alloc(key_len + 1);
	if (!p.key)
		return fail(err, errlen, "out of memory");
	memcpy(p.key, arg, key_len);
	p.key[key_len] = '\0';
	*out = p;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

uint32_t cli_priv_append(clusprop_builder *b, const struct cli_priv *p)
{
	uint32_t rc = ERROR_SUCCESS;

	switch (p->kind) {
	case CLI_PRIV_SZ:
		return clusprop_add_sz(b, p->key, p->value);
	case CLI_PRIV_EXPAND_SZ:
		return clusprop_add_expand_sz(b, p->key, p->value);
	case CLI_PRIV_DWORD:
		return clusprop_add_dword(b, p->key, (uint32_t)p->num);
	case CLI_PRIV_LONG:
		return clusprop_add_long(b, p->key, (int32_t)p->snum);
	case CLI_PRIV_ULARGE:
		return clusprop_add_ularge(b, p->key, p->num);
	case CLI_PRIV_BINARY: {
		const char *h = p->value;
		size_t n;
		uint8_t *bytes;

		if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
			h += 2;
		n = strlen(h) / 2;
		bytes = cluster_alloc(n);
		if (!bytes)
			return ERROR_NOT_ENOUGH_MEMORY;
		for (size_t i = 0; i < n; i++)
			bytes[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
		rc = clusprop_add_binary(b, p->key, bytes, n);
		cluster_free(bytes);
		return rc;
	}
	case CLI_PRIV_MULTI_SZ: {
		size_t vl = strlen(p->value), n = 0, k = 0;
		char *copy = NULL;
		const char **strs = NULL;

		copy = cluster_alloc(vl + 1);
		strs = cluster_alloc((vl / 2 + 2) * sizeof(*strs));
		if (!copy || !strs) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			goto multi_out;
		}
		memcpy(copy, p->value, vl + 1);
		if (vl) {
			strs[n++] = copy;
			for (k = 0; k < vl; k++) {
				if (copy[k] == ',') {
					copy[k] = '\0';
					strs[n++] = copy + k + 1;
				}
			}
		}
		rc = clusprop_add_multi_sz(b, p->key, strs, n);
multi_out:
		cluster_free(strs);
		cluster_free(copy);
		return rc;
	}
	}
	return ERROR_INVALID_PARAMETER;
}

int cli_priv_build(const char *const *args, size_t n, void **ret_buf, size_t *ret_size,
		   char *err, size_t errlen)
{
	struct cli_priv *ps = NULL;
	clusprop_builder b;
	size_t parsed = 0;
	uint32_t rc;
	int ret = -1;

	clusprop_builder_init_owned(&b);
	ps = cluster_alloc((n ? n : 1) * sizeof(*ps));
	if (!ps) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	for (parsed = 0; parsed < n; parsed++) {
		if (cli_priv_parse(args[parsed], &ps[parsed], err, errlen) != 0)
			goto out;
		for (size_t j = 0; j < parsed; j++) {
			if (strcmp(ps[j].key, ps[parsed].key) == 0) {
				fail(err, errlen, "property '%s' given twice", ps[parsed].key);
				parsed++;
				goto out;
			}
		}
	}
	clusprop_builder_begin_plist(&b);
	for (size_t i = 0; i < n; i++)
		cli_priv_append(&b, &ps[i]);
	rc = clusprop_builder_take(&b, ret_buf, ret_size);
	if (rc != ERROR_SUCCESS) {
		fail(err, errlen, "cannot encode the properties: %s (%u)", cluster_strerror(rc),
		     (unsigned)rc);
		goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; ps && i < parsed; i++)
		cli_priv_clear(&ps[i]);
	cluster_free(ps);
	clusprop_builder_free(&b);
	return ret;
}

/* ---- common properties: PROPERTY=VALUE (`cluster ... set`) ---- */

int cli_props_check(const char *const *args, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '=');
		if (!eq || eq == args[i])
			return fail(err, errlen, "'%s': not PROPERTY=VALUE", args[i]);
		for (size_t j = 0; j < i; j++) {
			const char *eq2 = strchr(args[j], '=');
			if ((size_t)(eq2 - args[j]) == (size_t)(eq - args[i]) &&
			    strncmp(args[j], args[i], (size_t)(eq - args[i])) == 0)
				return fail(err, errlen, "property '%.*s' given twice",
					    (int)(eq - args[i]), args[i]);
		}
	}
	return 0;
}

/* The format of property key (klen bytes) in the property list cur: a
 * CLUSPROP_FORMAT_*, or 0 if it is not there. */
static uint16_t format_of(const void *cur, size_t cur_len, const char *key, size_t klen)
{
	clusprop_iter it;
	clusprop_value v;
	uint16_t format = 0;

	if (!cur || clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, cur, cur_len, NULL) !=
			    ERROR_SUCCESS)
		return 0;
	while (!format && clusprop_iter_next(&it, &v) == ERROR_SUCCESS)
		if (strlen(v.name) == klen && strncmp(v.name, key, klen) == 0)
			format = v.format;
	clusprop_iter_done(&it);
	return format;
}

int cli_props_build(const char *const *args, size_t n, const void *cur, size_t cur_len,
		    void **ret_buf, size_t *ret_size, char *err, size_t errlen)
{
	clusprop_builder b;
	char *key = NULL;
	uint32_t rc;
	int ret = -1;

	if (cli_props_check(args, n, err, errlen) != 0)
		return -1;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '='), *val = eq + 1;
		size_t klen = (size_t)(eq - args[i]);
		uint16_t format = format_of(cur, cur_len, args[i], klen);
		uint64_t num = 0;

		cluster_free(key);
		if (!(key = cluster_alloc(klen + 1))) {
			fail(err, errlen, "out of memory");
			goto out;
		}
		memcpy(key, args[i], klen);
		key[klen] = '\0';
		if (format == CLUSPROP_FORMAT_DWORD) {
			if (strcmp(val, "-1") == 0)
				num = 0xFFFFFFFFu;
			else if (cli_parse_uint(val, 0xFFFFFFFFu, &num) != CLI_NUM_OK) {
				fail(err, errlen, "%s='%s': %s takes a number (decimal, 0x hex, or -1 "
				     "for 0xFFFFFFFF)", key, val, key);
				goto out;
			}
			clusprop_add_dword(&b, key, (uint32_t)num);
		} else if (format == CLUSPROP_FORMAT_SZ || format == CLUSPROP_FORMAT_EXPAND_SZ) {
			clusprop_add_sz(&b, key, val);
		} else if (format == 0 && all_digits(val) &&
			   cli_parse_uint(val, 0xFFFFFFFFu, &num) == CLI_NUM_OK) {
			/* a name the object does not list: clusterd says what is wrong */
			clusprop_add_dword(&b, key, (uint32_t)num);
		} else {
			clusprop_add_sz(&b, key, val);
		}
	}
	rc = clusprop_builder_take(&b, ret_buf, ret_size);
	if (rc != ERROR_SUCCESS) {
		fail(err, errlen, "cannot encode the properties: %s (%u)", cluster_strerror(rc),
		     (unsigned)rc);
		goto out;
	}
	ret = 0;
out:
	cluster_free(key);
	clusprop_builder_free(&b);
	return ret;
}
