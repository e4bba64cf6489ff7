/*
 * test_pd_driver.c - drives physical-disk.so (dlopen, a minimal host table)
 * for test_pd_identity.sh, which makes the disks and checks what this
 * prints.  Usage: test_pd_driver PLUGIN.so COMMAND [ARGS] [-- PROP...]
 *   info            GET_DISK_INFO: the buffer contract, then the decoded list
 *   infoex          GET_DISK_INFO_EX, decoded
 *   path PATH...    IS_PATH_VALID of each PATH: its code
 *   pathraw HEX     IS_PATH_VALID of raw input bytes (hex): its code
 *   validate        VALIDATE_PRIVATE_PROPERTIES: its code and the logged reason
 *   getprops        GET_PRIVATE_PROPERTIES, decoded
 *   class           GET_CLASS_INFO and GET_CHARACTERISTICS
 *   available       STORAGE_GET_AVAILABLE_DISKS, decoded
 *   online          online, is_alive, looks_alive; "hold FILE" after the props
 *                   keeps FILE open across offline (busy) - see the script
 *   cycle           online, checks, offline
 *   session         one resource kept open; one command a line on stdin,
 *                   each answer ends with a line "." (a node of
 *                   test_pd_identity.sh / test_pd_two.sh, which keeps its
 *                   sanlock connection, so its lease, between commands):
 *                     online | offline | terminate | alive | available
 *                     set PROP...      SET_PRIVATE_PROPERTIES (PROP as below)
 *                     hold FILE | unhold   keep FILE open (a busy mount)
 *                     quit
 * PROP: Name=dw:N | Name=sz:TEXT | Name=msz:A;B;...
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clusapi/clusctl.h>
#include <clusapi/clusprop.h>
#include <clusapi/errors.h>
#include <clusapi/proplist.h>
#include <clusapi/resapi.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done_state = -1;
static uint32_t done_status;
static char last_log[4096];

static void h_status(cluster_resource_handle *h, uint32_t state, uint32_t status)
{
	(void)h;
	if (state == CLUSTER_PLUGIN_STATE_ONLINE_PENDING || state == CLUSTER_PLUGIN_STATE_OFFLINE_PENDING)
		return;
	pthread_mutex_lock(&mu);
	done_state = (int)state;
	done_status = status;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void h_log(cluster_resource_handle *h, uint32_t level, const char *fmt, ...)
	CLUSTER_RESAPI_PRINTF(3, 4);
static void h_log(cluster_resource_handle *h, uint32_t level, const char *fmt, ...)
{
	va_list ap;
	(void)h;
	pthread_mutex_lock(&mu);
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	if (getenv("PD_DRIVER_VERBOSE") || level <= CLUSTER_PLUGIN_LOG_WARNING)
		fprintf(stderr, "[plugin %u] %s\n", level, last_log);
	pthread_mutex_unlock(&mu);
}

static void h_lost(cluster_resource_handle *h)
{
	(void)h;
	fprintf(stderr, "[plugin] arbitration lost\n");
}

static const cluster_plugin_host host = {
	.abi_version = CLUSTER_RESAPI_VERSION,
	.size = sizeof(cluster_plugin_host),
	.set_resource_status = h_status,
	.log = h_log,
	.arbitration_lost = h_lost,
};

static const cluster_resource_plugin *pl;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void fixed16(const uint8_t *p, size_t units, char *out, size_t out_size)
{
	size_t n = 0, got = 0;
	while (n < units && (p[2 * n] | p[2 * n + 1]))
		n++;
	if (clusprop_utf16le_to_utf8(p, 2 * n, out, out_size - 1, &got) != ERROR_SUCCESS)
		got = 0;
	out[got] = '\0';
}

/* Build a property list from NAME=KIND:VALUE arguments. */
static int build_props(int argc, char **argv, void **ret, size_t *ret_size)
{
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	for (int i = 0; i < argc; i++) {
		char *a = strdup(argv[i]);
		char *eq = strchr(a, '='), *colon = eq ? strchr(eq, ':') : NULL;
		if (!eq || !colon) {
			fprintf(stderr, "bad property argument %s\n", argv[i]);
			exit(2);
		}
		*eq = *colon = '\0';
		const char *kind = eq + 1, *val = colon + 1;
		if (strcmp(kind, "dw") == 0) {
			clusprop_add_dword(&b, a, (uint32_t)strtoul(val, NULL, 0));
		} else if (strcmp(kind, "sz") == 0) {
			clusprop_add_sz(&b, a, val);
		} else if (strcmp(kind, "msz") == 0) {
			const char *strs[64];
			size_t n = 0;
			char *save = NULL, *v = strdup(val);
			for (char *t = strtok_r(v, ";", &save); t && n < 64; t = strtok_r(NULL, ";", &save))
				strs[n++] = t;
			clusprop_add_multi_sz(&b, a, strs, n);
			free(v);
		} else {
			fprintf(stderr, "bad kind %s\n", kind);
			exit(2);
		}
		free(a);
	}
	if (clusprop_builder_take(&b, ret, ret_size) != ERROR_SUCCESS) {
		fprintf(stderr, "cannot build the property list\n");
		exit(2);
	}
	clusprop_builder_free(&b);
	return 0;
}

/* Call a control under the buffer contract; check it; return the output
 * (malloc'd) and its size. */
static uint32_t control(cluster_resid id, uint32_t code, const void *in, size_t in_size,
			uint8_t **ret, size_t *ret_size, int check_contract)
{
	size_t need = 0, got = 0;
	uint32_t rc;
	uint8_t *buf;

	*ret = NULL;
	*ret_size = 0;
	rc = id ? pl->resource_control(id, code, in, in_size, NULL, 0, &need)
		: pl->resource_type_control("Physical Disk", code, in, in_size, NULL, 0, &need);
	if (rc != ERROR_MORE_DATA)
		return rc;
	if (check_contract) {
		printf("contract: NULL buffer -> %u, needs %zu\n", rc, need);
		if (need > 0) {
			buf = malloc(need);
			memset(buf, 0xAA, need);
			size_t need2 = 0;
			uint32_t rc2 = id ? pl->resource_control(id, code, in, in_size, buf, need - 1, &need2)
					  : pl->resource_type_control("Physical Disk", code, in, in_size, buf,
								      need - 1, &need2);
			int untouched = 1;
			for (size_t i = 0; i < need; i++)
				untouched &= buf[i] == 0xAA;
			printf("contract: short buffer (%zu) -> %u, needs %zu, %s\n", need - 1, rc2, need2,
			       untouched ? "untouched" : "WRITTEN");
			free(buf);
		}
	}
	buf = malloc(need ? need : 1);
	rc = id ? pl->resource_control(id, code, in, in_size, buf, need, &got)
		: pl->resource_type_control("Physical Disk", code, in, in_size, buf, need, &got);
	if (check_contract)
		printf("contract: exact buffer -> %u, wrote %zu of %zu\n", rc, got, need);
	if (rc != ERROR_SUCCESS) {
		free(buf);
		return rc;
	}
	*ret = buf;
	*ret_size = got;
	return rc;
}

static void print_value_list(const uint8_t *buf, size_t size)
{
	clusprop_iter it;
	clusprop_value v;
	clusprop_diag d;
	uint32_t rc;
	int disks = 0;
	char a[1024], b[1024], c[256];

	if ((rc = clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, buf, size, &d)) != ERROR_SUCCESS) {
		printf("INVALID value list: %s at %zu\n", clusprop_fault_str(d.fault), d.offset);
		return;
	}
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		const uint8_t *p = v.data;
		switch (v.syntax) {
		case CLUSPROP_SYNTAX_DISK_SIGNATURE:
			printf("SIGNATURE %08x\n", v.num.dw);
			disks++;
			break;
		case CLUSPROP_SYNTAX_DISK_GUID:
			printf("GUID %s\n", v.str);
			disks++;
			break;
		case CLUSPROP_SYNTAX_SCSI_ADDRESS:
			printf("SCSI %u:%u:%u:%u\n", p[0], p[1], p[2], p[3]);
			break;
		case CLUSPROP_SYNTAX_DISK_NUMBER:
			printf("NUMBER %u\n", v.num.dw);
			break;
		case CLUSPROP_SYNTAX_DISK_SIZE:
			printf("SIZE %" PRIu64 "\n", v.num.u64);
			break;
		case CLUSPROP_SYNTAX_PARTITION_INFO:
			fixed16(p + 4, CLUSPROP_MAX_PATH, a, sizeof(a));
			fixed16(p + 524, CLUSPROP_MAX_PATH, b, sizeof(b));
			fixed16(p + 1056, CLUSPROP_FILESYSTEM_CHARS, c, sizeof(c));
			printf("PART dev=%s label=%s fs=%s serial=%08x flags=%x namemax=%u len=%u\n", a,
			       b, c, le32(p + 1044), le32(p), le32(p + 1048), v.length);
			break;
		case CLUSPROP_SYNTAX_PARTITION_INFO_EX:
			fixed16(p + 4, CLUSPROP_MAX_PATH, a, sizeof(a));
			fixed16(p + 524, CLUSPROP_MAX_PATH, b, sizeof(b));
			fixed16(p + 1056, CLUSPROP_FILESYSTEM_CHARS, c, sizeof(c));
			printf("PARTEX dev=%s label=%s fs=%s serial=%08x flags=%x total=%" PRIu64
			       " free=%" PRIu64 " devnum=%u partnum=%u guid0=%02x%02x%02x%02x len=%u\n",
			       a, b, c, le32(p + 1044), le32(p), le64(p + 1120), le64(p + 1128),
			       le32(p + 1136), le32(p + 1140), p[1147], p[1146], p[1145], p[1144],
			       v.length);
			break;
		default:
			printf("OTHER syntax %08x\n", v.syntax);
		}
	}
	clusprop_iter_done(&it);
	printf("DISKS %d\n", disks);
}

static void print_plist(const uint8_t *buf, size_t size)
{
	clusprop_iter it;
	clusprop_value v;
	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL) != ERROR_SUCCESS) {
		printf("INVALID property list\n");
		return;
	}
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		if (v.format == CLUSPROP_FORMAT_DWORD)
			printf("PROP %s=%u\n", v.name, v.num.dw);
		else if (v.format == CLUSPROP_FORMAT_MULTI_SZ) {
			printf("PROP %s=", v.name);
			for (uint32_t i = 0; i < v.str_count; i++)
				printf("%s%s", i ? "," : "", clusprop_value_multi_sz_at(&v, i));
			printf("\n");
		} else if (v.str)
			printf("PROP %s=%s\n", v.name, v.str);
	}
	clusprop_iter_done(&it);
}

static uint32_t wait_done(uint32_t rc, int want_state)
{
	if (rc != ERROR_IO_PENDING)
		return rc;
	pthread_mutex_lock(&mu);
	while (done_state < 0)
		pthread_cond_wait(&cv, &mu);
	rc = done_state == want_state ? ERROR_SUCCESS : done_status;
	done_state = -1;
	pthread_mutex_unlock(&mu);
	return rc;
}

static void available(void)
{
	uint8_t *out = NULL;
	size_t out_size = 0;
	uint32_t rc = control(NULL, CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS, NULL, 0, &out,
			      &out_size, 1);
	printf("available -> %u (%zu bytes)\n", rc, out_size);
	if (rc == ERROR_SUCCESS)
		print_value_list(out, out_size);
	free(out);
}

static void clear_log(void)
{
	pthread_mutex_lock(&mu);
	last_log[0] = '\0';
	pthread_mutex_unlock(&mu);
}

/* The session command: see the header.  Returns the exit status. */
static int session(cluster_resid id)
{
	char line[8192];
	int fd = -1;

	while (fgets(line, sizeof(line), stdin)) {
		char *arg = NULL, *sp;
		uint32_t rc;

		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' '))) {
			*sp = '\0';
			arg = sp + 1;
		}
		clear_log();
		if (strcmp(line, "quit") == 0)
			break;
		if (strcmp(line, "online") == 0) {
			rc = wait_done(pl->online(id), CLUSTER_PLUGIN_STATE_ONLINE);
			printf("online -> %u%s%s\n", rc, rc ? ": " : "", rc ? last_log : "");
		} else if (strcmp(line, "offline") == 0) {
			rc = wait_done(pl->offline(id), CLUSTER_PLUGIN_STATE_OFFLINE);
			printf("offline -> %u%s%s\n", rc, rc ? ": " : "", rc ? last_log : "");
		} else if (strcmp(line, "terminate") == 0) {
			pl->terminate(id);
			printf("terminate done\n");
		} else if (strcmp(line, "alive") == 0) {
			printf("is_alive -> %d\n", pl->is_alive(id));
			printf("looks_alive -> %d\n", pl->looks_alive(id));
		} else if (strcmp(line, "available") == 0) {
			available();
		} else if (strcmp(line, "infoex") == 0) {
			uint8_t *out = NULL;
			size_t out_size = 0;
			rc = control(id, CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO_EX, NULL, 0, &out,
				     &out_size, 0);
			printf("infoex -> %u (%zu bytes)\n", rc, out_size);
			if (rc == ERROR_SUCCESS)
				print_value_list(out, out_size);
			free(out);
		} else if (strcmp(line, "set") == 0 && arg) {
			char *argv[64], *save = NULL;
			int n = 0;
			void *props = NULL;
			size_t props_size = 0, br = 0;
			for (char *t = strtok_r(arg, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
				argv[n++] = t;
			build_props(n, argv, &props, &props_size);
			rc = pl->resource_control(id, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, props,
						  props_size, NULL, 0, &br);
			printf("set -> %u%s%s\n", rc, rc ? ": " : "", rc ? last_log : "");
			clusprop_free(props);
		} else if (strcmp(line, "hold") == 0 && arg && fd < 0) {
			fd = open(arg, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
			printf("holding %s open: %s\n", arg, fd >= 0 ? "yes" : strerror(errno));
		} else if (strcmp(line, "unhold") == 0 && fd >= 0) {
			close(fd);
			fd = -1;
			printf("unheld\n");
		} else {
			printf("unknown session command %s\n", line);
		}
		printf(".\n");
		fflush(stdout);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

static size_t utf16_path(const char *s, uint8_t *out, size_t cap)
{
	size_t got = 0;
	if (clusprop_utf8_to_utf16le(s, strlen(s), out, cap - 2, &got) != ERROR_SUCCESS)
		return 0;
	out[got] = out[got + 1] = 0;
	return got + 2;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s PLUGIN.so COMMAND [ARGS] [-- PROP...]\n", argv[0]);
		return 2;
	}
	void *dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	cluster_plugin_startup_fn start = (cluster_plugin_startup_fn)dlsym(dl, CLUSTER_PLUGIN_STARTUP_SYMBOL);
	if (!start || !(pl = start(&host, 1, 1))) {
		fprintf(stderr, "startup failed\n");
		return 1;
	}
	const char *cmd = argv[2];
	int props_at = argc, hold_at = -1;
	for (int i = 3; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			props_at = i + 1;
			break;
		}
	for (int i = props_at; i < argc; i++)
		if (strcmp(argv[i], "hold") == 0)
			hold_at = i;
	int nprops = (hold_at >= 0 ? hold_at : argc) - props_at;
	void *props = NULL;
	size_t props_size = 0;
	build_props(nprops, argv + props_at, &props, &props_size);

	int ret = 0;
	uint8_t *out = NULL;
	size_t out_size = 0;
	uint32_t rc, err = 0;

	if (strcmp(cmd, "available") == 0) {
		available();
		goto done;
	}
	/* validate: open without properties, then VALIDATE them */
	bool open_bare = strcmp(cmd, "validate") == 0;
	cluster_resid id = pl->open("disk-under-test", open_bare ? NULL : props,
				    open_bare ? 0 : props_size,
				    (cluster_resource_handle *)&host, &err);
	if (!id) {
		printf("open -> %u: %s\n", err, last_log);
		ret = 1;
		goto done;
	}
	if (strcmp(cmd, "session") == 0) {
		ret = session(id);
	} else if (strcmp(cmd, "info") == 0 || strcmp(cmd, "infoex") == 0) {
		rc = control(id, strcmp(cmd, "info") == 0 ? CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO
							  : CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO_EX,
			     NULL, 0, &out, &out_size, 1);
		printf("%s -> %u (%zu bytes)\n", cmd, rc, out_size);
		if (rc == ERROR_SUCCESS)
			print_value_list(out, out_size);
		else
			printf("why: %s\n", last_log);
	} else if (strcmp(cmd, "path") == 0) {
		for (int i = 3; i < argc && strcmp(argv[i], "--") != 0; i++) {
			uint8_t in[8192];
			size_t n = utf16_path(argv[i], in, sizeof(in));
			size_t br = 0;
			rc = pl->resource_control(id, CLUSCTL_RESOURCE_STORAGE_IS_PATH_VALID, in, n, NULL, 0, &br);
			printf("path %s -> %u\n", argv[i], rc);
		}
	} else if (strcmp(cmd, "pathraw") == 0) {
		uint8_t in[256];
		size_t n = 0, br = 0;
		for (const char *h = argv[3]; h[0] && h[1] && n < sizeof(in); h += 2) {
			unsigned x;
			sscanf(h, "%2x", &x);
			in[n++] = (uint8_t)x;
		}
		rc = pl->resource_control(id, CLUSCTL_RESOURCE_STORAGE_IS_PATH_VALID, in, n, NULL, 0, &br);
		printf("pathraw %s -> %u\n", argv[3], rc);
	} else if (strcmp(cmd, "validate") == 0) {
		size_t br = 0;
		last_log[0] = '\0';
		rc = pl->resource_control(id, CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES, props,
					  props_size, NULL, 0, &br);
		printf("validate -> %u: %s\n", rc, rc ? last_log : "ok");
	} else if (strcmp(cmd, "getprops") == 0) {
		rc = control(id, CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, NULL, 0, &out, &out_size, 0);
		printf("getprops -> %u\n", rc);
		if (rc == ERROR_SUCCESS)
			print_plist(out, out_size);
	} else if (strcmp(cmd, "class") == 0) {
		rc = control(id, CLUSCTL_RESOURCE_GET_CLASS_INFO, NULL, 0, &out, &out_size, 0);
		printf("class -> %u %08x %08x\n", rc, out ? le32(out) : 0, out ? le32(out + 4) : 0);
		free(out);
		rc = control(id, CLUSCTL_RESOURCE_GET_CHARACTERISTICS, NULL, 0, &out, &out_size, 0);
		printf("characteristics -> %u %08x\n", rc, out ? le32(out) : 0);
		free(out);
		out = NULL;
		rc = pl->resource_control(id, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, NULL, 0, &out_size);
		printf("GET_NAME -> %u\n", rc);
	} else if (strcmp(cmd, "cycle") == 0 || strcmp(cmd, "online") == 0) {
		rc = wait_done(pl->online(id), CLUSTER_PLUGIN_STATE_ONLINE);
		printf("online -> %u%s%s\n", rc, rc ? ": " : "", rc ? last_log : "");
		if (rc == ERROR_SUCCESS) {
			printf("is_alive -> %d\n", pl->is_alive(id));
			printf("looks_alive -> %d\n", pl->looks_alive(id));
			int fd = -1;
			if (hold_at >= 0 && hold_at + 1 < argc) {
				fd = open(argv[hold_at + 1], O_RDWR | O_CREAT, 0644);
				printf("holding %s open: %s\n", argv[hold_at + 1], fd >= 0 ? "yes" : strerror(errno));
			}
			if (strcmp(cmd, "cycle") == 0 || fd >= 0) {
				rc = wait_done(pl->offline(id), CLUSTER_PLUGIN_STATE_OFFLINE);
				printf("offline -> %u%s%s\n", rc, rc ? ": " : "", rc ? last_log : "");
				if (fd >= 0) {
					pl->terminate(id);
					printf("terminate done\n");
					close(fd);
				}
			} else {
				fflush(stdout);
				pl->terminate(id);
				printf("terminate done\n");
			}
		}
	} else {
		fprintf(stderr, "unknown command %s\n", cmd);
		ret = 2;
	}
	pl->close(id);
done:
	free(out);
	clusprop_free(props);
	if (pl->cleanup)
		pl->cleanup();
	dlclose(dl);
	return ret;
}
