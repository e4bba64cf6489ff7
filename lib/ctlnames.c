/*
 * ctlnames.c - names of control codes, both ways.  The table is generated
 * from clusapi/clusctl.h at build time (gen_ctlnames.py); the values are the
 * header's own macros.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ctl_name {
	uint32_t object;
	const char *name;   /* full: "CLUSCTL_RESOURCE_GET_CHARACTERISTICS" */
	size_t prefix_len;  /* of "CLUSCTL_RESOURCE_" */
	uint32_t code;
};

static const struct ctl_name table[] = {
#include "ctlnames-table.h"
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

const char *cluster_control_object_prefix(uint32_t object)
{
	switch (object) {
	case CLUS_OBJECT_RESOURCE: return "CLUSCTL_RESOURCE_";
	case CLUS_OBJECT_RESOURCE_TYPE: return "CLUSCTL_RESOURCE_TYPE_";
	case CLUS_OBJECT_GROUP: return "CLUSCTL_GROUP_";
	case CLUS_OBJECT_NODE: return "CLUSCTL_NODE_";
	case CLUS_OBJECT_NETWORK: return "CLUSCTL_NETWORK_";
	case CLUS_OBJECT_NETINTERFACE: return "CLUSCTL_NETINTERFACE_";
	case CLUS_OBJECT_CLUSTER: return "CLUSCTL_CLUSTER_";
	default: return NULL;
	}
}

const char *cluster_control_code_name(uint32_t code)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (table[i].code == code)
			return table[i].name;
	return NULL;
}

static int parse_number(const char *text, uint32_t *ret)
{
	unsigned long long v;
	char *end = NULL;
	int base = 10;
	const char *p = text;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -1;
	for (const char *q = p; *q; q++) {
		if (base == 10 && (*q < '0' || *q > '9'))
			return -1;
		if (base == 16 && !((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') ||
				    (*q >= 'A' && *q <= 'F')))
			return -1;
	}
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno || !end || *end || v > UINT32_MAX)
		return -1;
	*ret = (uint32_t)v;
	return 0;
}

uint32_t cluster_control_code_parse(uint32_t object, const char *text, uint32_t *ret_code)
{
	const char *prefix = cluster_control_object_prefix(object);
	const char *name;
	uint32_t code;

	if (!text || !*text || !ret_code || !prefix)
		return ERROR_INVALID_PARAMETER;
	if (text[0] >= '0' && text[0] <= '9') {
		if (parse_number(text, &code) != 0)
			return ERROR_INVALID_PARAMETER;
		*ret_code = code;
		return ERROR_SUCCESS;
	}
	name = text;
	if (strncasecmp(name, prefix, strlen(prefix)) == 0)
		name += strlen(prefix);
	for (size_t i = 0; i < TABLE_LEN; i++) {
		if (table[i].object == object &&
		    strcasecmp(table[i].name + table[i].prefix_len, name) == 0) {
			*ret_code = table[i].code;
			return ERROR_SUCCESS;
		}
	}
	return ERROR_INVALID_PARAMETER;
}

uint32_t cluster_control_code_enum(uint32_t object, size_t index, const char **ret_short_name,
				   uint32_t *ret_code)
{
	size_t n = 0;

	if (!cluster_control_object_prefix(object))
		return ERROR_INVALID_PARAMETER;
	for (size_t i = 0; i < TABLE_LEN; i++) {
		if (table[i].object != object)
			continue;
		if (n++ == index) {
			if (ret_short_name)
				*ret_short_name = table[i].name + table[i].prefix_len;
			if (ret_code)
				*ret_code = table[i].code;
			return ERROR_SUCCESS;
		}
	}
	return ERROR_NO_MORE_ITEMS;
}
