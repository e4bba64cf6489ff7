/*
 * props.c - parse, check and produce the private properties (props.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "props.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <clusapi/errors.h>

#include "cs_alloc.h"

#define WHY(...) do { if (why && why_len) snprintf(why, why_len, __VA_ARGS__); } while (0)

void pd_props_init(struct pd_props *p)
{
	memset(p, 0, sizeof(*p));
	p->id_type = PD_IDTYPE_UNSET;
	p->arb = PD_ARB_SANLOCK;
	p->lease_io_timeout = PD_LEASE_IO_TIMEOUT_DEFAULT;
}

static void mounts_free(struct pd_mount *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		cs_free(m[i].path);
		cs_free(m[i].options);
	}
	cs_free(m);
}

static void strs_free(char **s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		cs_free(s[i]);
	cs_free(s);
}

void pd_props_free(struct pd_props *p)
{
	cs_freep(&p->guid);
	cs_freep(&p->disk_path);
	strs_free(p->mount_strs, p->n_mount_strs);
	p->mount_strs = NULL;
	p->n_mount_strs = 0;
	mounts_free(p->mounts, p->n_mounts);
	p->mounts = NULL;
	p->n_mounts = 0;
}

static bool dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	return !src || (*dst = cs_strdup(src)) != NULL;
}

bool pd_props_copy(struct pd_props *dst, const struct pd_props *src)
{
	*dst = *src;
	dst->guid = dst->disk_path = NULL;
	dst->mount_strs = NULL;
	dst->mounts = NULL;
	dst->n_mount_strs = dst->n_mounts = 0;
	if (!dup_opt(&dst->guid, src->guid) || !dup_opt(&dst->disk_path, src->disk_path))
		goto fail;
	if (src->n_mount_strs) {
		if (!(dst->mount_strs = cs_calloc(src->n_mount_strs, sizeof(char *))))
			goto fail;
		for (; dst->n_mount_strs < src->n_mount_strs; dst->n_mount_strs++)
			if (!(dst->mount_strs[dst->n_mount_strs] =
				      cs_strdup(src->mount_strs[dst->n_mount_strs])))
				goto fail;
	}
	if (src->n_mounts) {
		if (!(dst->mounts = cs_calloc(src->n_mounts, sizeof(*dst->mounts))))
			goto fail;
		for (; dst->n_mounts < src->n_mounts; dst->n_mounts++) {
			struct pd_mount *m = &dst->mounts[dst->n_mounts];
			const struct pd_mount *s = &src->mounts[dst->n_mounts];
			m->part = s->part;
			if (!dup_opt(&m->path, s->path) || !dup_opt(&m->options, s->options)) {
				dst->n_mounts++; /* free the half-made one too */
				goto fail;
			}
		}
	}
	return true;
fail:
	pd_props_free(dst);
	return false;
}

/*
 * One MountPoints entry: "N=/path" or "N=/path:options".  N is a partition
 * number 1-65535 in decimal; the path is absolute, without ':' or "." / ".."
 * components, not "/" itself; it is stored with "//" collapsed and no
 * trailing '/'.  options (after the first ':') must not be empty.
 */
static uint32_t parse_mount(const char *s, struct pd_mount *m, char *why, size_t why_len)
{
	const char *eq = strchr(s, '=');
	char *path = NULL, *opts = NULL;
	unsigned long num = 0;
	uint32_t err = ERROR_INVALID_PARAMETER;

	if (!eq || eq == s || eq - s > 5) {
		WHY("MountPoints: \"%s\": expected N=/path or N=/path:options", s);
		goto out;
	}
	for (const char *c = s; c < eq; c++) {
		if (*c < '0' || *c > '9') {
			WHY("MountPoints: \"%s\": the partition number is not a number", s);
			goto out;
		}
		num = num * 10 + (unsigned long)(*c - '0');
	}
	if (num == 0 || num > 65535 || s[0] == '0') {
		WHY("MountPoints: \"%s\": partition numbers run from 1 to 65535", s);
		goto out;
	}
	const char *p = eq + 1, *colon = strchr(p, ':');
	size_t plen = colon ? (size_t)(colon - p) : strlen(p);
	if (plen == 0 || p[0] != '/') {
		WHY("MountPoints: \"%s\": the mount point must be an absolute path", s);
		goto out;
	}
	if (colon && colon[1] == '\0') {
		WHY("MountPoints: \"%s\": empty options after ':'", s);
		goto out;
	}
	err = ERROR_NOT_ENOUGH_MEMORY;
	if (!(path = cs_malloc(plen + 1)) || (colon && !(opts = cs_strdup(colon + 1))))
		goto out;
	/* normalise: collapse "//", drop a trailing '/', refuse . and .. */
	size_t o = 0;
	for (size_t i = 0; i < plen;) {
		while (i < plen && p[i] == '/')
			i++;
		if (i == plen)
			break;
		size_t j = i;
		while (j < plen && p[j] != '/')
			j++;
		if ((j - i == 1 && p[i] == '.') || (j - i == 2 && p[i] == '.' && p[i + 1] == '.')) {
			WHY("MountPoints: \"%s\": '.' and '..' are not allowed in a mount point", s);
			err = ERROR_INVALID_PARAMETER;
			goto out;
		}
		path[o++] = '/';
		memcpy(path + o, p + i, j - i);
		o += j - i;
		i = j;
	}
	path[o] = '\0';
	if (o == 0) {
		WHY("MountPoints: \"%s\": cannot mount over /", s);
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	for (const char *c = opts; c && *c; c++) {
		if (*c <= ' ') {
			WHY("MountPoints: \"%s\": white space or control characters in options", s);
			err = ERROR_INVALID_PARAMETER;
			goto out;
		}
	}
	m->part = (uint32_t)num;
	m->path = path;
	m->options = opts;
	path = opts = NULL;
	err = ERROR_SUCCESS;
out:
	cs_free(path);
	cs_free(opts);
	return err;
}

/* Parse a whole MountPoints value into *ret_strs / *ret_mounts (both set
 * only on success). */
static uint32_t parse_mounts(const clusprop_value *v, char ***ret_strs, struct pd_mount **ret_m,
			     size_t *ret_n, char *why, size_t why_len)
{
	size_t n = v->str_count;
	char **strs = NULL;
	struct pd_mount *m = NULL;
	size_t done = 0, sdone = 0;
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;

	if (n > PD_MAX_MOUNTS) {
		WHY("MountPoints: at most %u entries", PD_MAX_MOUNTS);
		return ERROR_INVALID_PARAMETER;
	}
	if (n) {
		if (!(strs = cs_calloc(n, sizeof(*strs))) || !(m = cs_calloc(n, sizeof(*m))))
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = clusprop_value_multi_sz_at(v, (uint32_t)i);
		if (!s) {
			err = ERROR_INVALID_DATA;
			goto out;
		}
		if (!(strs[i] = cs_strdup(s)))
			goto out;
		sdone++;
		if ((err = parse_mount(s, &m[i], why, why_len)) != ERROR_SUCCESS)
			goto out;
		done++;
		for (size_t k = 0; k < i; k++) {
			if (m[k].part == m[i].part) {
				WHY("MountPoints: partition %u is listed twice", m[i].part);
				err = ERROR_INVALID_PARAMETER;
				goto out;
			}
			if (strcmp(m[k].path, m[i].path) == 0) {
				WHY("MountPoints: %s is listed twice", m[i].path);
				err = ERROR_INVALID_PARAMETER;
				goto out;
			}
		}
	}
	*ret_strs = strs;
	*ret_m = m;
	*ret_n = n;
	strs = NULL;
	m = NULL;
	sdone = done = 0;
	err = ERROR_SUCCESS;
out:
	strs_free(strs, sdone);
	mounts_free(m, done);
	return err;
}

static bool is_dword(const clusprop_value *v)
{
	return v->format == CLUSPROP_FORMAT_DWORD;
}

static bool is_sz(const clusprop_value *v)
{
	return v->format == CLUSPROP_FORMAT_SZ || v->format == CLUSPROP_FORMAT_EXPAND_SZ;
}

/* Replace *dst with a copy of s ("" clears it). */
static uint32_t set_str(char **dst, const char *s)
{
	char *n = NULL;
	if (s[0] && !(n = cs_strdup(s)))
		return ERROR_NOT_ENOUGH_MEMORY;
	cs_free(*dst);
	*dst = n;
	return ERROR_SUCCESS;
}

static uint32_t apply_one(const clusprop_value *v, struct pd_props *n, bool strict, char *why,
			  size_t why_len)
{
	const char *nm = v->name;
	uint32_t err;

#define WANT(test, kind) \
	do { \
		if (!(test)) { \
			WHY("%s must be a %s", nm, kind); \
			return ERROR_INVALID_PARAMETER; \
		} \
	} while (0)

	if (strcasecmp(nm, "DiskIdType") == 0) {
		WANT(is_dword(v), "DWORD");
		if (v->num.dw > 1) {
			WHY("DiskIdType %u: 0 (MBR signature) or 1 (GPT GUID)", v->num.dw);
			return ERROR_INVALID_PARAMETER;
		}
		n->id_type = v->num.dw;
	} else if (strcasecmp(nm, "DiskSignature") == 0) {
		WANT(is_dword(v), "DWORD");
		n->signature = v->num.dw;
	} else if (strcasecmp(nm, "DiskIdGuid") == 0) {
		char g[37];
		WANT(is_sz(v), "string");
		if (v->str[0] && !pd_guid_parse(v->str, g)) {
			WHY("DiskIdGuid \"%s\" is not a GUID ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx})",
			    v->str);
			return ERROR_INVALID_PARAMETER;
		}
		return set_str(&n->guid, v->str);
	} else if (strcasecmp(nm, "DiskPath") == 0) {
		WANT(is_sz(v), "string");
		if (v->str[0] && v->str[0] != '/') {
			WHY("DiskPath \"%s\" must be an absolute path", v->str);
			return ERROR_INVALID_PARAMETER;
		}
		return set_str(&n->disk_path, v->str);
	} else if (strcasecmp(nm, "MaintenanceMode") == 0) {
		WANT(is_dword(v), "DWORD");
		if (v->num.dw > PD_MAINT_UNCLUSTER) {
			WHY("MaintenanceMode %u: 0 (off), 1 (ignore health checks), 2 (offline "
			    "inside), 3 (release ownership)", v->num.dw);
			return ERROR_INVALID_PARAMETER;
		}
		n->maint = v->num.dw;
	} else if (strcasecmp(nm, "MountPoints") == 0) {
		char **strs = NULL;
		struct pd_mount *m = NULL;
		size_t cnt = 0;
		WANT(v->format == CLUSPROP_FORMAT_MULTI_SZ, "MULTI_SZ");
		if ((err = parse_mounts(v, &strs, &m, &cnt, why, why_len)) != ERROR_SUCCESS)
			return err;
		strs_free(n->mount_strs, n->n_mount_strs);
		mounts_free(n->mounts, n->n_mounts);
		n->mount_strs = strs;
		n->n_mount_strs = cnt;
		n->mounts = m;
		n->n_mounts = cnt;
	} else if (strcasecmp(nm, "Arbitration") == 0) {
		WANT(is_sz(v), "string");
		if (strcasecmp(v->str, "sanlock") == 0) {
			n->arb = PD_ARB_SANLOCK;
		} else if (strcasecmp(v->str, "pr") == 0) {
			n->arb = PD_ARB_PR;
		} else {
			WHY("Arbitration \"%s\": \"sanlock\" or \"pr\"", v->str);
			return ERROR_INVALID_PARAMETER;
		}
	} else if (strcasecmp(nm, "LeaseIoTimeout") == 0) {
		WANT(is_dword(v), "DWORD");
		if (v->num.dw < 1 || v->num.dw > 60) {
			WHY("LeaseIoTimeout %u: 1 to 60 seconds", v->num.dw);
			return ERROR_INVALID_PARAMETER;
		}
		n->lease_io_timeout = v->num.dw;
	} else if (strict) {
		WHY("%s: no such Physical Disk property", nm);
		return ERROR_INVALID_PARAMETER;
	}
#undef WANT
	return ERROR_SUCCESS;
}

uint32_t pd_props_check(const struct pd_props *p, bool need_id, char *why, size_t why_len)
{
	bool sig = p->signature != 0, guid = p->guid != NULL;

	if (sig && guid) {
		WHY("DiskSignature and DiskIdGuid are both set: a disk has one of them (set the "
		    "other to 0 or \"\")");
		return ERROR_INVALID_PARAMETER;
	}
	if (p->id_type == 0 && guid) {
		WHY("DiskIdType is 0 (MBR) but DiskIdGuid is set");
		return ERROR_INVALID_PARAMETER;
	}
	if (p->id_type == 1 && sig) {
		WHY("DiskIdType is 1 (GPT) but DiskSignature is set");
		return ERROR_INVALID_PARAMETER;
	}
	if (need_id && !sig && !guid) {
		WHY("no disk named: set DiskSignature (MBR) or DiskIdGuid (GPT)");
		return ERROR_INVALID_PARAMETER;
	}
	return ERROR_SUCCESS;
}

uint32_t pd_props_apply(const void *buf, size_t size, struct pd_props *p, bool strict,
			char *why, size_t why_len)
{
	clusprop_iter it;
	clusprop_value v;
	clusprop_diag diag;
	struct pd_props n;
	bool iter = false;
	uint32_t err;

	if (!pd_props_copy(&n, p))
		return ERROR_NOT_ENOUGH_MEMORY;
	err = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, &diag);
	if (err != ERROR_SUCCESS) {
		WHY("not a property list: %s at byte %zu", clusprop_fault_str(diag.fault),
		    diag.offset);
		err = ERROR_INVALID_DATA;
		goto out;
	}
	iter = true;
	while ((err = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		if ((err = apply_one(&v, &n, strict, why, why_len)) != ERROR_SUCCESS)
			goto out;
	}
	if (err != ERROR_NO_MORE_ITEMS)
		goto out;
	if ((err = pd_props_check(&n, false, why, why_len)) != ERROR_SUCCESS)
		goto out;
	pd_props_free(p);
	*p = n;
	pd_props_init(&n);
	err = ERROR_SUCCESS;
out:
	if (iter)
		clusprop_iter_done(&it);
	pd_props_free(&n);
	return err;
}

void pd_props_id(const struct pd_props *p, struct pd_id *id)
{
	memset(id, 0, sizeof(*id));
	if (p->signature) {
		id->kind = PD_ID_MBR;
		id->signature = p->signature;
	} else if (p->guid && pd_guid_parse(p->guid, id->guid)) {
		id->kind = PD_ID_GPT;
	}
}

uint32_t pd_props_produce(clusprop_builder *b, void *ctx)
{
	const struct pd_props *p = ctx;
	uint32_t idt = p->id_type;

	if (idt == PD_IDTYPE_UNSET)
		idt = p->guid ? 1 : 0;
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "DiskIdType", idt);
	clusprop_add_dword(b, "DiskSignature", p->signature);
	clusprop_add_sz(b, "DiskIdGuid", p->guid ? p->guid : "");
	clusprop_add_sz(b, "DiskPath", p->disk_path ? p->disk_path : "");
	clusprop_add_dword(b, "MaintenanceMode", p->maint);
	clusprop_add_multi_sz(b, "MountPoints", (const char *const *)p->mount_strs,
			      p->n_mount_strs);
	clusprop_add_sz(b, "Arbitration", p->arb == PD_ARB_PR ? "pr" : "sanlock");
	clusprop_add_dword(b, "LeaseIoTimeout", p->lease_io_timeout);
	return clusprop_builder_status(b);
}
