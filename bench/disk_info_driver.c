/*
 * disk_info_driver.c - the driver of bench/disk_info: KB Q268835's calls,
 * over and over, through libclusapi on one persistent connection, with the
 * latency of each kind of call and the memory of the processes that answer.
 *
 * --mode nonowner (run inside a node that owns none of the disks, --self):
 * turn after turn, one of these calls; each kind goes over the resources
 * PREFIX0 .. PREFIX(count-1) in turn, so that every kind reaches every disk
 * (the even ones MBR, the odd ones GPT in bench/disk_info):
 *   self       the other turns: STORAGE_GET_DISK_INFO with host node = --self: clusterd
 *              answers ERROR_HOST_NODE_NOT_RESOURCE_OWNER (5015), the path
 *              of Q268835;
 *   routed     every --routed-every turns (default 2): the same with host node NULL: routed over CPG to the owner,
 *              whose plugin reads the disk live; every 16th routed call
 *              first asks with a 16-byte buffer (ERROR_MORE_DATA and the
 *              size: the buffer contract's first call), timed as
 *              routed-short;
 *   available  every --avail-every turns (default 3; before routed): the type control
 *              STORAGE_GET_AVAILABLE_DISKS with host node = --self.
 * -n counts every call of these kinds.  Every --rtt-every turns, in
 * addition (not counted in -n), GET_FLAGS - answered from clusterd's memory
 * - of the same resource with host node = --owner (routed over CPG and
 * back: the CPG round-trip figure) and with host node = --self (local).
 *
 * --mode owner (run inside the owner, --self = the owner): -n calls of
 * STORAGE_GET_DISK_INFO with host node = --self (local, read live), and
 * every --rtt-every turns GET_FLAGS locally (answered from memory).
 *
 * Every answer is checked: 5015 for self, a valid value list starting with
 * the disk's signature or GUID for routed and local, ERROR_MORE_DATA with a
 * size for routed-short, a valid list for available.
 *
 * Latency: CLOCK_MONOTONIC around each call, into a log-linear histogram
 * per kind (64 sub-buckets per power of two: within 1.6 %), so p50/p99 need
 * no array of samples.
 *
 * Memory: --watch LABEL=PID (repeatable): VmRSS from /proc/PID/status
 * before anything, after --warmup calls (the base), every -n/--rows calls
 * and at the end.  Growth = end - base; the bar is < --limit-kib (1024).
 *
 * Exit status: 0 every answer right (bars are printed, not enforced), 1 a
 * wrong answer, 2 bad usage or no cluster.
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
#include <time.h>

#define DISK_TYPE "Physical Disk"
#define OUT_SIZE (256u * 1024u)
#define MAX_WATCH 16
#define MAX_RES 256

/* ---- log-linear histogram of nanoseconds ---- */

#define SUB 64u           /* sub-buckets per power of two */
#define SUB_BITS 6
#define N_BUCKETS (SUB * 42u)

struct hist {
	uint64_t count;
	uint64_t min, max;
	double sum;
	uint32_t b[N_BUCKETS];
};

static unsigned bucket_of(uint64_t v)
{
	if (v < SUB)
		return (unsigned)v;
	unsigned e = (unsigned)(63 - __builtin_clzll(v)) - SUB_BITS; /* v >> e in [64, 128) */
	unsigned i = SUB * e + (unsigned)(v >> e);
	return i < N_BUCKETS ? i : N_BUCKETS - 1;
}

/* The middle of bucket i, in ns. */
static double bucket_mid(unsigned i)
{
	if (i < SUB)
		return i;
	unsigned e = i / SUB - 1, m = i % SUB + SUB;
	return ((double)((uint64_t)m << e) + (double)((uint64_t)(m + 1) << e)) / 2.0;
}

static void hist_add(struct hist *h, uint64_t ns)
{
	if (!h->count || ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
	h->count++;
	h->sum += (double)ns;
	h->b[bucket_of(ns)]++;
}

/* The q-quantile (0..1) in µs; exact min/max at the ends. */
static double hist_q_us(const struct hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->count)
		return 0;
	want = (uint64_t)(q * (double)(h->count - 1)) + 1;
	for (unsigned i = 0; i < N_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			double v = bucket_mid(i);
			if (v < (double)h->min)
				v = (double)h->min;
			if (v > (double)h->max)
				v = (double)h->max;
			return v / 1e3;
		}
	}
	return (double)h->max / 1e3;
}

/* ---- kinds of calls ---- */

enum kind { K_SELF, K_ROUTED, K_SHORT, K_AVAIL, K_LOCAL, K_RTT_REMOTE, K_RTT_LOCAL, K_N };

static const char *const kind_name[K_N] = {
	[K_SELF] = "GET_DISK_INFO on the non-owner itself (5015)",
	[K_ROUTED] = "GET_DISK_INFO routed to the owner (plugin, read live)",
	[K_SHORT] = "GET_DISK_INFO routed, 16-byte buffer (ERROR_MORE_DATA)",
	[K_AVAIL] = "GET_AVAILABLE_DISKS on the non-owner (type control)",
	[K_LOCAL] = "GET_DISK_INFO local on the owner (plugin, read live)",
	[K_RTT_REMOTE] = "GET_FLAGS routed to the other node (clusterd memory: CPG round trip)",
	[K_RTT_LOCAL] = "GET_FLAGS local (clusterd memory)",
};
static const char *const kind_tag[K_N] = {
	[K_SELF] = "self", [K_ROUTED] = "routed", [K_SHORT] = "routed-short",
	[K_AVAIL] = "available", [K_LOCAL] = "local", [K_RTT_REMOTE] = "rtt-remote",
	[K_RTT_LOCAL] = "rtt-local",
};

static struct hist hists[K_N];
static uint64_t wrong[K_N];
static char first_wrong[512];

static void note_wrong(enum kind k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_wrong(enum kind k, const char *fmt, ...)
{
	va_list ap;

	wrong[k]++;
	if (!first_wrong[0]) {
		int n = snprintf(first_wrong, sizeof(first_wrong), "%s: ", kind_tag[k]);
		va_start(ap, fmt);
		vsnprintf(first_wrong + n, sizeof(first_wrong) - (size_t)n, fmt, ap);
		va_end(ap);
	}
}

/* ---- memory ---- */

struct watch {
	const char *label;
	long pid;
	long start_kib, base_kib, last_kib;
	long base_anon, base_shmem, last_anon, last_shmem;
};
static struct watch watches[MAX_WATCH];
static int n_watch;

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

/* RssAnon and RssShmem of pid in KiB (-1 if unknown): clusterd's CPG and
 * the host link are libqb shared-memory rings, whose pages count in VmRSS
 * as they are first touched - bounded, but not a leak; the heap is in
 * RssAnon. */
static void rss_parts(long pid, long *anon, long *shmem)
{
	char path[64], line[256];
	FILE *f;

	*anon = *shmem = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "RssAnon: %ld kB", anon) == 1)
			continue;
		sscanf(line, "RssShmem: %ld kB", shmem);
	}
	fclose(f);
}

static void print_rss_row(const char *when, long done)
{
	printf("bench/disk_info: rss %-8s %9ld calls:", when, done);
	for (int i = 0; i < n_watch; i++) {
		watches[i].last_kib = rss_kib(watches[i].pid);
		printf(" %s=%ld", watches[i].label, watches[i].last_kib);
	}
	printf(" KiB\n");
	fflush(stdout);
}

/* ---- the calls ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct ctx {
	cluster_handle *h;
	cluster_resource *res[MAX_RES];
	int n_res;
	cluster_node *self, *owner;
	uint8_t *out;
	int record; /* 0 during the warm-up */
};

/* One call of kind k on resource i: timed, recorded, checked. */
static void one(struct ctx *c, enum kind k, int i)
{
	cluster_resource *r = c->res[i % c->n_res];
	size_t got = 0;
	uint32_t rc = 0, code = CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO;
	cluster_node *host = NULL;
	size_t out_size = OUT_SIZE;
	uint64_t t0 = now_ns(), dt;

	switch (k) {
	case K_SELF: host = c->self; break;
	case K_ROUTED: host = NULL; break;
	case K_SHORT: host = NULL; out_size = 16; break;
	case K_LOCAL: host = c->self; break;
	case K_RTT_REMOTE: host = c->owner; code = CLUSCTL_RESOURCE_GET_FLAGS; break;
	case K_RTT_LOCAL: host = c->self; code = CLUSCTL_RESOURCE_GET_FLAGS; break;
	case K_AVAIL:
	case K_N: break;
	}
	if (k == K_AVAIL)
		rc = cluster_resource_type_control(c->h, DISK_TYPE, c->self,
						   CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS,
						   NULL, 0, c->out, OUT_SIZE, &got);
	else
		rc = cluster_resource_control(r, host, code, NULL, 0, c->out, out_size, &got);
	dt = now_ns() - t0;
	if (c->record)
		hist_add(&hists[k], dt);

	/* Check the answer (outside the timed part). */
	switch (k) {
	case K_SELF:
		if (rc != ERROR_HOST_NODE_NOT_RESOURCE_OWNER)
			note_wrong(k, "error %" PRIu32 " instead of 5015 (resource %d)", rc, i);
		break;
	case K_SHORT:
		if (rc != ERROR_MORE_DATA || got <= 16)
			note_wrong(k, "error %" PRIu32 ", size %zu instead of 234 and a size", rc,
				   got);
		break;
	case K_ROUTED:
	case K_LOCAL:
	case K_AVAIL:
		if (rc != ERROR_SUCCESS) {
			note_wrong(k, "error %" PRIu32 " (resource %d)", rc, i);
			break;
		}
		if (clusprop_validate_value_list(c->out, got, NULL) != ERROR_SUCCESS) {
			note_wrong(k, "an invalid value list of %zu bytes", got);
			break;
		}
		if (k != K_AVAIL && (got < 4 || (le32(c->out) != CLUSPROP_SYNTAX_DISK_SIGNATURE &&
						 le32(c->out) != CLUSPROP_SYNTAX_DISK_GUID)))
			note_wrong(k, "the list starts with syntax %#" PRIx32 ", not the disk's id",
				   got >= 4 ? le32(c->out) : 0);
		break;
	case K_RTT_REMOTE:
	case K_RTT_LOCAL:
		if (rc != ERROR_SUCCESS)
			note_wrong(k, "error %" PRIu32 " (resource %d)", rc, i);
		break;
	case K_N:
		break;
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: disk_info_driver --self NODE [--owner NODE] [--mode nonowner|owner]\n"
		"         [-n CALLS] [--avail-every K] [--routed-every K] [--rtt-every K] [--prefix P] [--count N]\n"
		"         [--warmup W] [--rows R] [--watch LABEL=PID]... [--limit-kib KIB]\n"
		"         [--socket PATH]\n");
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *self_name = NULL, *owner_name = NULL, *prefix = "D";
	long calls = 1000000, avail_every = 3, routed_every = 2, rtt_every = 10, warmup = -1, rows = 10;
	long limit_kib = 1024;
	int count = 64, owner_mode = 0, status = 2;
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "self", required_argument, NULL, 's' },
		{ "owner", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "calls", required_argument, NULL, 'n' },
		{ "avail-every", required_argument, NULL, 'a' },
		{ "routed-every", required_argument, NULL, 'R' },
		{ "rtt-every", required_argument, NULL, 't' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "rows", required_argument, NULL, 'r' },
		{ "watch", required_argument, NULL, 'W' },
		{ "limit-kib", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	int opt;
	uint32_t rc;

	while ((opt = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'S': sock = optarg; break;
		case 's': self_name = optarg; break;
		case 'o': owner_name = optarg; break;
		case 'm':
			if (strcmp(optarg, "owner") == 0)
				owner_mode = 1;
			else if (strcmp(optarg, "nonowner") != 0)
				goto bad_usage;
			break;
		case 'n': calls = atol(optarg); break;
		case 'a': avail_every = atol(optarg); break;
		case 'R': routed_every = atol(optarg); break;
		case 't': rtt_every = atol(optarg); break;
		case 'p': prefix = optarg; break;
		case 'c': count = atoi(optarg); break;
		case 'w': warmup = atol(optarg); break;
		case 'r': rows = atol(optarg); break;
		case 'l': limit_kib = atol(optarg); break;
		case 'W': {
			char *eq = strchr(optarg, '=');
			if (!eq || n_watch == MAX_WATCH)
				goto bad_usage;
			*eq = '\0';
			watches[n_watch].label = optarg;
			watches[n_watch].pid = atol(eq + 1);
			n_watch++;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: goto bad_usage;
		}
	}
	if (!self_name || (!owner_mode && !owner_name) || calls < 1 || count < 1 ||
	    count > MAX_RES || avail_every < 0 || routed_every < 0 || rtt_every < 0 || rows < 1 || optind != argc)
		goto bad_usage;
	if (warmup < 0)
		warmup = calls / 100 < 1000 ? (calls < 1000 ? calls / 10 : 1000) : calls / 100;

	if ((rc = cluster_open(sock, &c.h)) != ERROR_SUCCESS ||
	    (rc = cluster_node_open(c.h, self_name, &c.self)) != ERROR_SUCCESS ||
	    (owner_name && (rc = cluster_node_open(c.h, owner_name, &c.owner)) != ERROR_SUCCESS)) {
		fprintf(stderr, "disk_info_driver: %s (%u)\n", cluster_strerror(rc), rc);
		goto out;
	}
	for (int i = 0; i < count; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		if ((rc = cluster_resource_open(c.h, name, &c.res[i])) != ERROR_SUCCESS) {
			fprintf(stderr, "disk_info_driver: %s: %s (%u)\n", name,
				cluster_strerror(rc), rc);
			goto out;
		}
		c.n_res++;
	}
	if (!(c.out = malloc(OUT_SIZE))) {
		fprintf(stderr, "disk_info_driver: out of memory\n");
		goto out;
	}

	for (int i = 0; i < n_watch; i++)
		watches[i].start_kib = rss_kib(watches[i].pid);
	print_rss_row("start", 0);

	/* The turn sequence; the warm-up runs the same sequence unrecorded. */
	long routed_turns = 0, kind_turns[K_N] = { 0 };
	double t_start = 0;
	for (int phase = 0; phase < 2; phase++) {
		long n = phase ? calls : warmup;
		long every_row = calls / rows ? calls / rows : 1;
		c.record = phase;
		if (phase) {
			for (int i = 0; i < n_watch; i++) {
				watches[i].base_kib = rss_kib(watches[i].pid);
				rss_parts(watches[i].pid, &watches[i].base_anon,
					  &watches[i].base_shmem);
			}
			print_rss_row("base", 0);
			t_start = now_s();
		}
		for (long t = 0; t < n; t++) {
			enum kind k;
			if (owner_mode)
				k = K_LOCAL;
			else if (avail_every && t % avail_every == avail_every - 1)
				k = K_AVAIL;
			else if (!routed_every || t % routed_every != routed_every - 1)
				k = K_SELF;
			else
				k = ++routed_turns % 16 == 0 ? K_SHORT : K_ROUTED;
			/* each kind goes round every disk in turn (MBR and GPT alike) */
			int i = (int)(kind_turns[k]++ % c.n_res);
			one(&c, k, i);
			if (rtt_every && t % rtt_every == 0) {
				if (!owner_mode)
					one(&c, K_RTT_REMOTE, i);
				one(&c, K_RTT_LOCAL, i);
			}
			if (phase && (t + 1) % every_row == 0 && t + 1 < n)
				print_rss_row("during", t + 1);
		}
	}
	double elapsed = now_s() - t_start;
	print_rss_row("end", calls);
	for (int i = 0; i < n_watch; i++)
		rss_parts(watches[i].pid, &watches[i].last_anon, &watches[i].last_shmem);

	/* ---- figures ---- */
	uint64_t counted = 0;
	for (int k = 0; k < K_N; k++)
		if (k != K_RTT_REMOTE && k != K_RTT_LOCAL)
			counted += hists[k].count;
	printf("bench/disk_info: %s: %" PRIu64 " calls in %.1f s: %.0f calls/s "
	       "(one connection, one call at a time; + %" PRIu64 " GET_FLAGS probes)\n",
	       owner_mode ? "owner" : "non-owner", counted, elapsed,
	       (double)counted / elapsed, hists[K_RTT_REMOTE].count + hists[K_RTT_LOCAL].count);
	for (int k = 0; k < K_N; k++) {
		if (!hists[k].count)
			continue;
		printf("bench/disk_info: latency %-12s n=%-8" PRIu64 " p50 %9.1f us  p99 %9.1f us  "
		       "max %9.1f us  mean %9.1f us  (%s)\n",
		       kind_tag[k], hists[k].count, hist_q_us(&hists[k], 0.50),
		       hist_q_us(&hists[k], 0.99), (double)hists[k].max / 1e3,
		       hists[k].sum / (double)hists[k].count / 1e3, kind_name[k]);
	}
	if (owner_mode && hists[K_LOCAL].count) {
		double p50 = hist_q_us(&hists[K_LOCAL], 0.5);
		printf("bench/disk_info: local GET_DISK_INFO p50 %.1f us against the bar < 500 us: "
		       "%s\n", p50, p50 < 500 ? "bar met" : "bar NOT met");
	}
	if (owner_mode && hists[K_RTT_LOCAL].count) {
		double p50 = hist_q_us(&hists[K_RTT_LOCAL], 0.5);
		printf("bench/disk_info: local control answered from memory (GET_FLAGS) p50 %.1f us "
		       "against the bar < 100 us: %s\n", p50, p50 < 100 ? "bar met" : "bar NOT met");
	}
	if (!owner_mode && hists[K_RTT_REMOTE].count && hists[K_ROUTED].count) {
		double rtt = hist_q_us(&hists[K_RTT_REMOTE], 0.5);
		double loc = hist_q_us(&hists[K_RTT_LOCAL], 0.5);
		double routed = hist_q_us(&hists[K_ROUTED], 0.5);
		printf("bench/disk_info: CPG round trip (p50 of a routed control answered from "
		       "memory) %.1f us; the same asked locally %.1f us, so the CPG part is about "
		       "%.1f us\n",
		       rtt, loc, rtt - loc);
		printf("bench/disk_info: routed GET_DISK_INFO p50 %.1f us against the bar < 2 x "
		       "%.1f us = %.1f us: %s\n",
		       routed, rtt, 2 * rtt, routed < 2 * rtt ? "bar met" : "bar NOT met");
	}
	int grew = 0;
	for (int i = 0; i < n_watch; i++) {
		long end = watches[i].last_kib, base = watches[i].base_kib;
		int ok = end > 0 && base > 0 && end - base < limit_kib;
		printf("bench/disk_info: rss growth %-12s %7ld -> %7ld KiB: %+ld KiB after the "
		       "warm-up (%+.2f B/call; %+ld KiB since the start; of the growth: heap "
		       "RssAnon %+ld KiB, shared-memory rings RssShmem %+ld KiB) against the bar "
		       "< %ld KiB: %s\n",
		       watches[i].label, base, end, end - base,
		       (double)(end - base) * 1024.0 / (double)calls,
		       end - watches[i].start_kib, watches[i].last_anon - watches[i].base_anon,
		       watches[i].last_shmem - watches[i].base_shmem, limit_kib,
		       end <= 0 ? "process gone" : ok ? "bar met" : "bar NOT met");
		grew += !ok;
	}
	uint64_t bad = 0;
	for (int k = 0; k < K_N; k++)
		bad += wrong[k];
	if (bad) {
		printf("bench/disk_info: WRONG ANSWERS: %" PRIu64 "; the first: %s\n", bad,
		       first_wrong);
		status = 1;
	} else {
		printf("bench/disk_info: every answer was right (5015 from the non-owner, a list "
		       "starting with the disk's id from the owner)\n");
		status = 0;
	}
	(void)grew;
out:
	free(c.out);
	for (int i = 0; i < c.n_res; i++)
		cluster_resource_close(c.res[i]);
	cluster_node_close(c.owner);
	cluster_node_close(c.self);
	cluster_close(c.h);
	return status;
bad_usage:
	usage(stderr);
	return 2;
}
