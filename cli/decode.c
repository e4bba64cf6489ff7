/*
 * decode.c - print what a control code returned, readable (text) or as
 * JSON.  The shape of the output is known for the cluster's own codes
 * (a DWORD, a string, a property list, ...); for others (a type's own
 * codes, numbers) a property list is tried, then a value list, else the
 * bytes are shown in hex.
 *
 * Strings in text are escaped for the terminal (text.c), in JSON with
 * JSON's escapes (json.c).
 *
 * JSON shapes: a property list is an object {name: value} (an array when a
 * property has several values); a value list an array of {"type",
 * "format", "value"}; a DWORD a number; a string a string; a MULTI_SZ an
 * array of strings; class info {"class", "subclass"}; anything else
 * {"hex": "..."}; no output at all is null.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum cli_shape cli_control_shape(uint32_t code)
{
	if (code & CLCTL_USER_MASK)
		return CLI_SHAPE_UNKNOWN;
	switch (code & 0x00FFFFFFu) {
	case CLCTL_GET_CHARACTERISTICS:
	case CLCTL_GET_FLAGS:
	case CLCTL_GET_ARB_TIMEOUT:
		return CLI_SHAPE_DWORD;
	case CLCTL_GET_NAME:
	case CLCTL_GET_ID:
	case CLCTL_GET_RESOURCE_TYPE:
	case CLCTL_GET_NODE:
	case CLCTL_GET_NETWORK:
	case CLCTL_GET_FQDN:
	case CLCTL_GET_CLUSTER_SERVICE_ACCOUNT_NAME:
	case CLCTL_GET_NETWORK_NAME:
	case CLCTL_GET_DNS_NAME:
		return CLI_SHAPE_SZ;
	case CLCTL_ENUM_COMMON_PROPERTIES:
	case CLCTL_ENUM_PRIVATE_PROPERTIES:
	case CLCTL_GET_REGISTRY_CHECKPOINTS:
	case CLCTL_GET_CRYPTO_CHECKPOINTS:
	case CLCTL_GET_LOADBAL_PROCESS_LIST:
		return CLI_SHAPE_MULTI_SZ;
	case CLCTL_GET_CLASS_INFO:
		return CLI_SHAPE_CLASS_INFO;
	case CLCTL_GET_RO_COMMON_PROPERTIES:
	case CLCTL_GET_COMMON_PROPERTIES:
	case CLCTL_GET_RO_PRIVATE_PROPERTIES:
	case CLCTL_GET_PRIVATE_PROPERTIES:
	case CLCTL_GET_COMMON_PROPERTY_FMTS:
	case CLCTL_GET_PRIVATE_PROPERTY_FMTS:
	case CLCTL_GET_COMMON_RESOURCE_PROPERTY_FMTS:
	case CLCTL_GET_PRIVATE_RESOURCE_PROPERTY_FMTS:
		return CLI_SHAPE_PROPERTY_LIST;
	case CLCTL_GET_REQUIRED_DEPENDENCIES:
	case CLCTL_STORAGE_GET_DISK_INFO:
	case CLCTL_STORAGE_GET_AVAILABLE_DISKS:
		return CLI_SHAPE_VALUE_LIST;
	default:
		return CLI_SHAPE_UNKNOWN;
	}
}

/* ---- names ---- */

static const char *format_name(uint16_t format)
{
	switch (format) {
	case CLUSPROP_FORMAT_BINARY: return "BINARY";
	case CLUSPROP_FORMAT_DWORD: return "DWORD";
	case CLUSPROP_FORMAT_SZ: return "SZ";
	case CLUSPROP_FORMAT_EXPAND_SZ: return "EXPAND_SZ";
	case CLUSPROP_FORMAT_MULTI_SZ: return "MULTI_SZ";
	case CLUSPROP_FORMAT_ULARGE_INTEGER: return "ULARGE_INTEGER";
	case CLUSPROP_FORMAT_LONG: return "LONG";
	case CLUSPROP_FORMAT_EXPANDED_SZ: return "EXPANDED_SZ";
	case CLUSPROP_FORMAT_SECURITY_DESCRIPTOR: return "SECURITY_DESCRIPTOR";
	case CLUSPROP_FORMAT_LARGE_INTEGER: return "LARGE_INTEGER";
	case CLUSPROP_FORMAT_WORD: return "WORD";
	case CLUSPROP_FORMAT_FILETIME: return "FILETIME";
	default: return "UNKNOWN";
	}
}

static const char *type_name(uint16_t type)
{
	switch (type) {
	case CLUSPROP_TYPE_LIST_VALUE: return "Value";
	case CLUSPROP_TYPE_RESCLASS: return "ResourceClass";
	case CLUSPROP_TYPE_NAME: return "Name";
	case CLUSPROP_TYPE_SIGNATURE: return "DiskSignature";
	case CLUSPROP_TYPE_SCSI_ADDRESS: return "ScsiAddress";
	case CLUSPROP_TYPE_DISK_NUMBER: return "DiskNumber";
	case CLUSPROP_TYPE_PARTITION_INFO: return "PartitionInfo";
	case CLUSPROP_TYPE_FTSET_INFO: return "FtSetInfo";
	case CLUSPROP_TYPE_DISK_SERIALNUMBER: return "DiskSerialNumber";
	case CLUSPROP_TYPE_DISK_GUID: return "DiskGuid";
	case CLUSPROP_TYPE_DISK_SIZE: return "DiskSize";
	case CLUSPROP_TYPE_PARTITION_INFO_EX: return "PartitionInfoEx";
	default: return "User";
	}
}

static const struct { uint32_t bit; const char *name; } char_bits[] = {
	{ CLUS_CHAR_QUORUM, "Quorum" },
	{ CLUS_CHAR_DELETE_REQUIRES_ALL_NODES, "DeleteRequiresAllNodes" },
	{ CLUS_CHAR_LOCAL_QUORUM, "LocalQuorum" },
	{ CLUS_CHAR_LOCAL_QUORUM_DEBUG, "LocalQuorumDebug" },
	{ CLUS_CHAR_REQUIRES_STATE_CHANGE_REASON, "RequiresStateChangeReason" },
	{ CLUS_CHAR_BROADCAST_DELETE, "BroadcastDelete" },
	{ CLUS_CHAR_SINGLE_CLUSTER_INSTANCE, "SingleClusterInstance" },
	{ CLUS_CHAR_SINGLE_GROUP_INSTANCE, "SingleGroupInstance" },
};

/* ---- hex ---- */

static void print_hexdump(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t i;

		fprintf(f, "%08zx ", off);
		for (i = 0; i < 16; i++) {
			if (off + i < n)
				fprintf(f, " %02x", p[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  ", f);
		for (i = 0; i < 16 && off + i < n; i++)
			fputc(p[off + i] >= 0x20 && p[off + i] < 0x7F ? p[off + i] : '.', f);
		fputc('\n', f);
	}
}

static void print_hex_inline(FILE *f, const uint8_t *p, size_t n)
{
	if (n == 0) {
		fputs("(empty)", f);
		return;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* ---- UTF-16 helpers ---- */

/* UTF-16LE (n bytes, any trailing NULs dropped) to a cluster_alloc'ed UTF-8
 * string, or NULL if it is not valid. */
static char *u16_to_utf8(const uint8_t *p, size_t n)
{
	size_t need = 0;
	char *s;

	if (n % 2)
		return NULL;
	while (n >= 2 && p[n - 1] == 0 && p[n - 2] == 0)
		n -= 2;
	if (clusprop_utf16le_to_utf8(p, n, NULL, 0, &need) != ERROR_MORE_DATA && n)
		return NULL;
	s = cluster_alloc(need + 1);
	if (!s)
		return NULL;
	if (n && clusprop_utf16le_to_utf8(p, n, s, need, &need) != ERROR_SUCCESS) {
		cluster_free(s);
		return NULL;
	}
	s[need] = '\0';
	return s;
}

/* A fixed UTF-16 field of `units` code units, NUL-terminated inside. */
static char *u16_field(const uint8_t *p, size_t units)
{
	size_t n = 0;

	while (n < units && (p[2 * n] || p[2 * n + 1]))
		n++;
	return u16_to_utf8(p, 2 * n);
}

/* ---- values ---- */

struct partition {
	uint32_t flags, serial, maxcomp, fsflags;
	char *device, *label, *fs;
};

static void partition_clear(struct partition *pi);

static int partition_decode(const clusprop_value *v, struct partition *pi)
{
	const uint8_t *d = v->data;

	memset(pi, 0, sizeof(*pi));
	if (v->length < sizeof(CLUS_PARTITION_INFO))
		return -1;
	pi->flags = le32(d + offsetof(CLUS_PARTITION_INFO, dwFlags));
	pi->serial = le32(d + offsetof(CLUS_PARTITION_INFO, dwSerialNumber));
	pi->maxcomp = le32(d + offsetof(CLUS_PARTITION_INFO, rgdwMaximumComponentLength));
	pi->fsflags = le32(d + offsetof(CLUS_PARTITION_INFO, dwFileSystemFlags));
	pi->device = u16_field(d + offsetof(CLUS_PARTITION_INFO, szDeviceName), CLUSPROP_MAX_PATH);
	pi->label = u16_field(d + offsetof(CLUS_PARTITION_INFO, szVolumeLabel), CLUSPROP_MAX_PATH);
	pi->fs = u16_field(d + offsetof(CLUS_PARTITION_INFO, szFileSystem),
			   CLUSPROP_FILESYSTEM_CHARS);
	if (!pi->device || !pi->label || !pi->fs) {
		partition_clear(pi);
		return -1;
	}
	return 0;
}

static void partition_clear(struct partition *pi)
{
	cluster_free(pi->device);
	cluster_free(pi->label);
	cluster_free(pi->fs);
	pi->device = pi->label = pi->fs = NULL;
}

static void value_text(FILE *f, const clusprop_value *v)
{
	if (v->type == CLUSPROP_TYPE_PARTITION_INFO) {
		struct partition pi;

		if (partition_decode(v, &pi) == 0) {
			fputs("device=", f);
			cli_text_puts(f, pi.device);
			fputs(" label=", f);
			cli_text_puts(f, pi.label);
			fputs(" fs=", f);
			cli_text_puts(f, pi.fs);
			fprintf(f, " serial=0x%08" PRIx32 " flags=0x%" PRIx32 " maxcomponent=%" PRIu32,
				pi.serial, pi.flags, pi.maxcomp);
			partition_clear(&pi);
			return;
		}
	}
	if (v->type == CLUSPROP_TYPE_SCSI_ADDRESS && v->length == 4) {
		const uint8_t *d = v->data;
		fprintf(f, "port=%u path=%u target=%u lun=%u", d[0], d[1], d[2], d[3]);
		return;
	}
	switch (v->format) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_WORD:
		fprintf(f, "%" PRIu32 " (0x%08" PRIx32 ")", v->num.dw, v->num.dw);
		return;
	case CLUSPROP_FORMAT_LONG:
		fprintf(f, "%" PRId32, v->num.l);
		return;
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		fprintf(f, "%" PRIu64, v->num.u64);
		return;
	case CLUSPROP_FORMAT_LARGE_INTEGER:
		fprintf(f, "%" PRId64, v->num.i64);
		return;
	case CLUSPROP_FORMAT_SZ:
	case CLUSPROP_FORMAT_EXPAND_SZ:
	case CLUSPROP_FORMAT_EXPANDED_SZ:
		if (v->str) {
			cli_text_write(f, v->str, v->str_len);
			return;
		}
		break;
	case CLUSPROP_FORMAT_MULTI_SZ:
		if (v->str) {
			for (uint32_t i = 0; i < v->str_count; i++) {
				fputs(i ? ", " : "", f);
				cli_text_puts(f, clusprop_value_multi_sz_at(v, i));
			}
			return;
		}
		break;
	default:
		break;
	}
	print_hex_inline(f, v->data, v->length);
}

static void value_json(struct jw *w, const clusprop_value *v)
{
	if (v->type == CLUSPROP_TYPE_PARTITION_INFO) {
		struct partition pi;

		if (partition_decode(v, &pi) == 0) {
			jw_obj_begin(w);
			jw_key(w, "device");
			jw_str(w, pi.device);
			jw_key(w, "label");
			jw_str(w, pi.label);
			jw_key(w, "filesystem");
			jw_str(w, pi.fs);
			jw_key(w, "serial");
			jw_u64(w, pi.serial);
			jw_key(w, "flags");
			jw_u64(w, pi.flags);
			jw_key(w, "max_component_length");
			jw_u64(w, pi.maxcomp);
			jw_key(w, "filesystem_flags");
			jw_u64(w, pi.fsflags);
			jw_obj_end(w);
			partition_clear(&pi);
			return;
		}
	}
	if (v->type == CLUSPROP_TYPE_SCSI_ADDRESS && v->length == 4) {
		const uint8_t *d = v->data;
		jw_obj_begin(w);
		jw_key(w, "port");
		jw_u64(w, d[0]);
		jw_key(w, "path");
		jw_u64(w, d[1]);
		jw_key(w, "target");
		jw_u64(w, d[2]);
		jw_key(w, "lun");
		jw_u64(w, d[3]);
		jw_obj_end(w);
		return;
	}
	switch (v->format) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_WORD:
		jw_u64(w, v->num.dw);
		return;
	case CLUSPROP_FORMAT_LONG:
		jw_i64(w, v->num.l);
		return;
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		jw_u64(w, v->num.u64);
		return;
	case CLUSPROP_FORMAT_LARGE_INTEGER:
		jw_i64(w, v->num.i64);
		return;
	case CLUSPROP_FORMAT_SZ:
	case CLUSPROP_FORMAT_EXPAND_SZ:
	case CLUSPROP_FORMAT_EXPANDED_SZ:
		if (v->str) {
			jw_str_n(w, v->str, v->str_len);
			return;
		}
		break;
	case CLUSPROP_FORMAT_MULTI_SZ:
		if (v->str) {
			jw_arr_begin(w);
			for (uint32_t i = 0; i < v->str_count; i++)
				jw_str(w, clusprop_value_multi_sz_at(v, i));
			jw_arr_end(w);
			return;
		}
		break;
	default:
		break;
	}
	jw_hex(w, v->data, v->length);
}

/* ---- lists ---- */

static int print_value_list(FILE *f, const void *buf, size_t len, enum cli_fmt fmt)
{
	clusprop_iter it;
	clusprop_value v;
	struct jw w;

	if (clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, buf, len, NULL) != ERROR_SUCCESS)
		return -1;
	if (fmt == CLI_FMT_JSON) {
		jw_init(&w, f);
		jw_arr_begin(&w);
	}
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		if (fmt == CLI_FMT_JSON) {
			jw_obj_begin(&w);
			jw_key(&w, "type");
			jw_str(&w, type_name(v.type));
			jw_key(&w, "format");
			jw_str(&w, format_name(v.format));
			jw_key(&w, "value");
			value_json(&w, &v);
			jw_obj_end(&w);
		} else {
			fprintf(f, "%-18s ", type_name(v.type));
			value_text(f, &v);
			fputc('\n', f);
		}
	}
	if (fmt == CLI_FMT_JSON) {
		jw_arr_end(&w);
		jw_finish(&w);
	}
	clusprop_iter_done(&it);
	return 0;
}

static int print_property_list(FILE *f, const void *buf, size_t len, enum cli_fmt fmt)
{
	clusprop_iter it;
	clusprop_value v;
	uint32_t *counts = NULL, nprops;
	size_t width = 4;
	uint32_t last = UINT32_MAX;
	struct jw w;
	int ret = -1;

	if (clusprop_validate_property_list(buf, len, NULL) != ERROR_SUCCESS)
		return -1;
	nprops = le32(buf);
	counts = cluster_alloc(((size_t)nprops + 1) * sizeof(*counts));
	if (!counts)
		return -1;
	memset(counts, 0, ((size_t)nprops + 1) * sizeof(*counts));

	/* First pass: values per property, and the widest name. */
	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL) != ERROR_SUCCESS)
		goto out;
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		if (v.property_index < nprops)
			counts[v.property_index]++;
		if (cli_text_width(v.name, strlen(v.name)) > width)
			width = cli_text_width(v.name, strlen(v.name));
	}
	clusprop_iter_done(&it);

	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL) != ERROR_SUCCESS)
		goto out;
	if (fmt == CLI_FMT_JSON) {
		jw_init(&w, f);
		jw_obj_begin(&w);
	} else if (nprops > 0) {
		fprintf(f, "%-*s  %-14s %s\n", (int)width, "NAME", "FORMAT", "VALUE");
	}
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		int first = v.property_index != last;
		int multi = v.property_index < nprops && counts[v.property_index] > 1;

		if (fmt == CLI_FMT_JSON) {
			if (first && last != UINT32_MAX && counts[last] > 1)
				jw_arr_end(&w);
			if (first) {
				jw_key(&w, v.name);
				if (multi)
					jw_arr_begin(&w);
			}
			value_json(&w, &v);
		} else {
			cli_text_pad(f, first ? v.name : "", width);
			fprintf(f, "  %-14s ", format_name(v.format));
			value_text(f, &v);
			fputc('\n', f);
		}
		last = v.property_index;
	}
	if (fmt == CLI_FMT_JSON) {
		if (last != UINT32_MAX && counts[last] > 1)
			jw_arr_end(&w);
		jw_obj_end(&w);
		jw_finish(&w);
	}
	clusprop_iter_done(&it);
	ret = 0;
out:
	cluster_free(counts);
	return ret;
}

static void print_hex(FILE *f, const void *buf, size_t len, enum cli_fmt fmt)
{
	if (fmt == CLI_FMT_JSON) {
		struct jw w;

		jw_init(&w, f);
		jw_obj_begin(&w);
		jw_key(&w, "hex");
		jw_hex(&w, buf, len);
		jw_obj_end(&w);
		jw_finish(&w);
	} else {
		print_hexdump(f, buf, len);
	}
}

static int print_dword(FILE *f, uint32_t code, const uint8_t *p, size_t len, enum cli_fmt fmt)
{
	uint32_t v;

	if (len != 4)
		return -1;
	v = le32(p);
	if (fmt == CLI_FMT_JSON) {
		fprintf(f, "%" PRIu32 "\n", v);
		return 0;
	}
	fprintf(f, "%" PRIu32 " (0x%08" PRIx32 ")", v, v);
	if ((code & 0x00FFFFFFu) == CLCTL_GET_CHARACTERISTICS && v) {
		const char *sep = " ";
		for (size_t i = 0; i < sizeof(char_bits) / sizeof(char_bits[0]); i++) {
			if (v & char_bits[i].bit) {
				fprintf(f, "%s%s", sep, char_bits[i].name);
				sep = "|";
			}
		}
	} else if ((code & 0x00FFFFFFu) == CLCTL_GET_FLAGS && (v & CLUS_FLAG_CORE)) {
		fputs(" Core", f);
	}
	fputc('\n', f);
	return 0;
}

static int print_sz(FILE *f, const uint8_t *p, size_t len, enum cli_fmt fmt)
{
	char *s = u16_to_utf8(p, len);

	if (!s)
		return -1;
	if (fmt == CLI_FMT_JSON) {
		json_write_string(f, s, strlen(s));
		fputc('\n', f);
	} else {
		cli_text_puts(f, s);
		fputc('\n', f);
	}
	cluster_free(s);
	return 0;
}

static int print_multi_sz(FILE *f, const uint8_t *p, size_t len, enum cli_fmt fmt)
{
	struct jw w;
	size_t start = 0, need = 0;

	/* All of it must be valid UTF-16 (the NULs are) before anything is printed. */
	if (len % 2 || (clusprop_utf16le_to_utf8(p, len, NULL, 0, &need) != ERROR_MORE_DATA))
		return -1;
	if (fmt == CLI_FMT_JSON) {
		jw_init(&w, f);
		jw_arr_begin(&w);
	}
	while (start + 2 <= len) {
		size_t end = start;
		char *s;

		while (end + 2 <= len && (p[end] || p[end + 1]))
			end += 2;
		if (end == start)
			break; /* the final empty string */
		s = u16_to_utf8(p + start, end - start);
		if (fmt == CLI_FMT_JSON) {
			jw_str(&w, s ? s : "?");
		} else {
			cli_text_puts(f, s ? s : "?");
			fputc('\n', f);
		}
		cluster_free(s);
		start = end + 2;
	}
	if (fmt == CLI_FMT_JSON) {
		jw_arr_end(&w);
		jw_finish(&w);
	}
	return 0;
}

static int print_class_info(FILE *f, const uint8_t *p, size_t len, enum cli_fmt fmt)
{
	uint32_t rc, sub;

	if (len != sizeof(CLUS_RESOURCE_CLASS_INFO))
		return -1;
	rc = le32(p);
	sub = le32(p + 4);
	if (fmt == CLI_FMT_JSON) {
		fprintf(f, "{\n  \"class\": %" PRIu32 ",\n  \"subclass\": %" PRIu32 "\n}\n", rc, sub);
	} else {
		fprintf(f, "class %" PRIu32 " (%s), subclass 0x%08" PRIx32 "%s\n", rc,
			rc == CLUS_RESCLASS_STORAGE ? "storage" :
			rc == CLUS_RESCLASS_NETWORK ? "network" :
			rc == CLUS_RESCLASS_UNKNOWN ? "unknown" : "user",
			sub, (sub & CLUS_RESSUBCLASS_SHARED) ? " (shared)" : "");
	}
	return 0;
}

void cli_print_control_output(FILE *f, uint32_t code, const void *buf, size_t len,
			      enum cli_fmt fmt)
{
	enum cli_shape shape = cli_control_shape(code);
	int done = -1;

	if (len == 0) {
		if (fmt == CLI_FMT_JSON)
			fputs("null\n", f);
		else
			fputs("(no output)\n", f);
		return;
	}
	switch (shape) {
	case CLI_SHAPE_DWORD:
		done = print_dword(f, code, buf, len, fmt);
		break;
	case CLI_SHAPE_SZ:
		done = print_sz(f, buf, len, fmt);
		break;
	case CLI_SHAPE_MULTI_SZ:
		done = print_multi_sz(f, buf, len, fmt);
		break;
	case CLI_SHAPE_CLASS_INFO:
		done = print_class_info(f, buf, len, fmt);
		break;
	case CLI_SHAPE_PROPERTY_LIST:
		done = print_property_list(f, buf, len, fmt);
		break;
	case CLI_SHAPE_VALUE_LIST:
		done = print_value_list(f, buf, len, fmt);
		break;
	case CLI_SHAPE_UNKNOWN:
		break;
	}
	if (done == 0)
		return;
	if (print_property_list(f, buf, len, fmt) == 0)
		return;
	if (print_value_list(f, buf, len, fmt) == 0)
		return;
	print_hex(f, buf, len, fmt);
}

int cli_print_property(FILE *f, const void *buf, size_t len, const char *name,
		       enum cli_fmt fmt)
{
	clusprop_iter it;
	clusprop_value v;
	int ret = 1;

	if (clusprop_validate_property_list(buf, len, NULL) != ERROR_SUCCESS ||
	    clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL) != ERROR_SUCCESS)
		return -1;
	while (ret == 1 && clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		if (strcmp(v.name, name) != 0)
			continue;
		ret = 0;
		if (fmt == CLI_FMT_JSON) {
			struct jw w;
			jw_init(&w, f);
			value_json(&w, &v);
			jw_finish(&w);
		} else if (v.format == CLUSPROP_FORMAT_DWORD || v.format == CLUSPROP_FORMAT_WORD) {
			fprintf(f, "%" PRIu32 "\n", v.num.dw);
		} else {
			value_text(f, &v);
			fputc('\n', f);
		}
	}
	clusprop_iter_done(&it);
	return ret;
}
