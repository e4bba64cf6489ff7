/*
 * rss_cycles_driver.c - the driver of bench/rss_cycles: runs resource life
 * cycles through libclusapi against a running sandbox (tools/cluster-sandbox)
 * and prints the memory of every node's clusterd and resource host as it goes.
 *
 * One cycle, all through n1's clusterd (one connection, as a client would):
 *   create resource bench-rss-<i> (Dummy) in group bench-rss,
 *   bring it online (waiting until it is Online),
 *   move the group to the next node (waiting until it is Online there),
 *   take the resource offline (waiting), delete it.
 * The group starts on n1 and visits the nodes in turn, so every node runs
 * each resource for half a cycle (two nodes) and hands it on.
 *
 * Memory is VmRSS from /proc/PID/status: clusterd's pid as the sandbox
 * recorded it (DIR/nK/pids/clusterd), the host's as clusterd's live child.
 * Sampled before the first cycle, every --every cycles and after the last.
 *
 * Flat: every process grows by less than --limit-kib (1024) from the sample
 * after the warm-up (--warmup cycles, default --every) to the last sample.
 * Exit status: 0 flat, 1 not flat, 2 a cycle failed or bad usage.
 *
 * Run it through bench/rss_cycles, which makes the sandbox.  Root is needed
 * to reach the sockets (DIR/nK/run/cluster-server/clusterd.sock).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NODES 8
#define WAIT_MS 30000u
#define GROUP "bench-rss"

struct proc_mem {
	long clusterd_kib;
	long host_kib;
	long clusterd_pid;
	long host_pid;
};

static const char *sandbox_dir;
static int n_nodes = 2;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* VmRSS of pid in KiB, or -1. */
static long rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static long clusterd_pid(int node)
{
	char path[4096];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/n%d/pids/clusterd", sandbox_dir, node);
	if (!(f = fopen(path, "r")))
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

/* The live (not zombie) child of parent: its resource host; -1 if none. */
static long child_of(long parent)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)) && found < 0) {
		char path[300], buf[512], state;
		long ppid;
		FILE *f;
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *p = strrchr(buf, ')'); /* the command may hold spaces */
		if (p && sscanf(p + 1, " %c %ld", &state, &ppid) == 2 && ppid == parent &&
		    state != 'Z' && state != 'X')
			found = strtol(e->d_name, NULL, 10);
	}
	closedir(d);
	return found;
}

static void sample(struct proc_mem mem[])
{
	for (int k = 0; k < n_nodes; k++) {
		mem[k].clusterd_pid = clusterd_pid(k + 1);
		mem[k].clusterd_kib = mem[k].clusterd_pid > 0 ? rss_kib(mem[k].clusterd_pid) : -1;
		mem[k].host_pid = mem[k].clusterd_pid > 0 ? child_of(mem[k].clusterd_pid) : -1;
		mem[k].host_kib = mem[k].host_pid > 0 ? rss_kib(mem[k].host_pid) : -1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of v[0..n) (sorts a copy). */
static double median(const double *v, size_t n)
{
	double *c, m;

	if (!n)
		return 0;
	if (!(c = malloc(n * sizeof(*c))))
		return -1;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

static void print_header(void)
{
	printf("%8s %9s %11s", "cycles", "elapsed_s", "median_ms");
	for (int k = 1; k <= n_nodes; k++)
		printf("  n%d_clusterd_KiB n%d_host_KiB", k, k);
	printf("\n");
}

static void print_row(long cycles, double elapsed_ms, double med, const struct proc_mem mem[])
{
	printf("%8ld %9.1f ", cycles, elapsed_ms / 1e3);
	if (med > 0)
		printf("%11.2f", med);
	else
		printf("%11s", "-");
	for (int k = 0; k < n_nodes; k++)
		printf("  %15ld %11ld", mem[k].clusterd_kib, mem[k].host_kib);
	printf("\n");
	fflush(stdout);
}

static int fail_op(long cycle, const char *what, uint32_t rc)
{
	const char *d = cluster_last_error_detail();
	fprintf(stderr, "rss_cycles: cycle %ld: %s: %s (%u)%s%s\n", cycle, what, cluster_strerror(rc),
		rc, d ? ": " : "", d ? d : "");
	return 2;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rss_cycles_driver --sandbox DIR [--nodes N] [--cycles N] [--every K]\n"
		"                         [--warmup K] [--limit-kib KIB]\n"
		"Run create/online/move/offline/delete cycles of a Dummy resource through\n"
		"n1's clusterd in the sandbox DIR; print each node's clusterd and resource\n"
		"host VmRSS every K cycles, and whether it stayed flat after the warm-up.\n");
}

int main(int argc, char **argv)
{
	long cycles = 10000, every = 1000, warmup = -1, limit_kib = 1024;
	static const struct option opts[] = {
		{ "sandbox", required_argument, NULL, 's' }, { "nodes", required_argument, NULL, 'N' },
		{ "cycles", required_argument, NULL, 'n' },  { "every", required_argument, NULL, 'e' },
		{ "warmup", required_argument, NULL, 'w' },  { "limit-kib", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:N:n:e:w:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sandbox_dir = optarg; break;
		case 'N': n_nodes = atoi(optarg); break;
		case 'n': cycles = atol(optarg); break;
		case 'e': every = atol(optarg); break;
		case 'w': warmup = atol(optarg); break;
		case 'l': limit_kib = atol(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!sandbox_dir || n_nodes < 2 || n_nodes > MAX_NODES || cycles < 1 || every < 1 ||
	    optind != argc) {
		usage(stderr);
		return 2;
	}
	if (warmup < 0)
		warmup = every < cycles ? every : 0;

	char sock[4096];
	cluster_handle *h = NULL;
	cluster_group *g = NULL;
	cluster_node *nodes[MAX_NODES] = { 0 };
	uint32_t rc;

	snprintf(sock, sizeof(sock), "%s/n1/run/cluster-server/clusterd.sock", sandbox_dir);
	if ((rc = cluster_open(sock, &h)) != ERROR_SUCCESS)
		return fail_op(0, sock, rc);
	for (int k = 0; k < n_nodes; k++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d", k + 1);
		if ((rc = cluster_node_open(h, name, &nodes[k])) != ERROR_SUCCESS)
			return fail_op(0, name, rc);
	}
	if ((rc = cluster_group_create(h, GROUP, &g)) != ERROR_SUCCESS)
		return fail_op(0, "create group " GROUP, rc);
	if ((rc = cluster_group_online(g, nodes[0], WAIT_MS)) != ERROR_SUCCESS)
		return fail_op(0, "online group on n1", rc);

	double *times = calloc((size_t)cycles, sizeof(*times));
	struct proc_mem first[MAX_NODES], base[MAX_NODES], cur[MAX_NODES];
	if (!times) {
		fprintf(stderr, "rss_cycles: out of memory\n");
		return 2;
	}

	printf("rss_cycles: %ld cycles on %d nodes (create Dummy / online / move group / offline / "
	       "delete), VmRSS every %ld cycles\n",
	       cycles, n_nodes, every);
	print_header();
	sample(first);
	memcpy(base, first, sizeof(base));
	print_row(0, 0, 0, first);

	int at = 0; /* the node that owns the group */
	long refused = 0; /* deletes refused: the resource was not settled yet */
	double t0 = now_ms();
	long last_row = 0;
	for (long i = 0; i < cycles; i++) {
		char name[64];
		cluster_resource *r = NULL;
		int to = (at + 1) % n_nodes;
		double c0 = now_ms();

		snprintf(name, sizeof(name), "bench-rss-%ld", i);
		if ((rc = cluster_resource_create(h, name, "Dummy", GROUP, NULL, 0, &r)) !=
		    ERROR_SUCCESS)
			return fail_op(i, "create", rc);
		if ((rc = cluster_resource_online(r, WAIT_MS)) != ERROR_SUCCESS)
			return fail_op(i, "online", rc);
		if ((rc = cluster_group_move(g, nodes[to], WAIT_MS)) != ERROR_SUCCESS)
			return fail_op(i, "move", rc);
		at = to;
		if ((rc = cluster_resource_offline(r, WAIT_MS)) != ERROR_SUCCESS)
			return fail_op(i, "offline", rc);
		/* Offline, as the wait saw it, can be followed by a second
		 * OfflinePending (clusterd's reconciler repeats the offline step
		 * when the host answers before the first OfflinePending comes
		 * back): the delete is refused until that settles.  Counted. */
		for (int tries = 0; (rc = cluster_resource_delete(r)) == ERROR_RESOURCE_ONLINE &&
				    tries < 5000; tries++) {
			refused++;
			nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
		}
		if (rc != ERROR_SUCCESS)
			return fail_op(i, "delete", rc);
		cluster_resource_close(r);
		times[i] = now_ms() - c0;

		long done = i + 1;
		if (done % every == 0 || done == cycles || done == warmup) {
			sample(cur);
			if (done == warmup)
				memcpy(base, cur, sizeof(base));
			if (done % every == 0 || done == cycles) {
				print_row(done, now_ms() - t0, median(times + last_row,
								      (size_t)(done - last_row)),
					  cur);
				last_row = done;
			}
		}
	}

	printf("per-cycle time: median %.2f ms over %ld cycles (%.1f s in all)\n",
	       median(times, (size_t)cycles), cycles, (now_ms() - t0) / 1e3);
	printf("deletes refused as online right after an offline that had returned: %ld\n",
	       refused);
	printf("growth after the warm-up (from cycle %ld to %ld; flat: each < %ld KiB):\n", warmup,
	       cycles, limit_kib);
	int flat = 1;
	for (int k = 0; k < n_nodes; k++) {
		struct {
			const char *what;
			long pid0, pid1, kib0, kib1, kib_first;
		} p[2] = {
			{ "clusterd", base[k].clusterd_pid, cur[k].clusterd_pid, base[k].clusterd_kib,
			  cur[k].clusterd_kib, first[k].clusterd_kib },
			{ "host", base[k].host_pid, cur[k].host_pid, base[k].host_kib, cur[k].host_kib,
			  first[k].host_kib },
		};
		for (int j = 0; j < 2; j++) {
			long grow = p[j].kib1 - p[j].kib0;
			int ok = grow < limit_kib && p[j].pid0 == p[j].pid1 && p[j].kib0 > 0 &&
				 p[j].kib1 > 0;
			printf("  n%d %-8s %7ld -> %7ld KiB: %+6ld KiB (%+.1f B/cycle; %+ld KiB since the "
			       "start)%s %s\n",
			       k + 1, p[j].what, p[j].kib0, p[j].kib1, grow,
			       cycles > warmup ? grow * 1024.0 / (double)(cycles - warmup) : 0.0,
			       p[j].kib1 - p[j].kib_first,
			       p[j].pid0 != p[j].pid1 ? " (restarted: not comparable)" : "",
			       ok ? "flat" : "NOT FLAT");
			flat &= ok;
		}
	}
	printf("result: %s\n", flat ? "FLAT" : "NOT FLAT");

	free(times);
	cluster_group_close(g);
	for (int k = 0; k < n_nodes; k++)
		cluster_node_close(nodes[k]);
	cluster_close(h);
	return flat ? 0 : 1;
}
