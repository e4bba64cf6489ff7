/*
 * disk_writer.c - the writer, the checker and the mount observer of
 * tests/e2e/test_disk_writers.sh: proof that a Physical Disk is never
 * written by two nodes at once.
 *
 *   disk_writer write NODE FILE ACKDIR STOPFILE [INTERVAL_MS]
 *       Run inside node NODE (1..64) for as long as STOPFILE does not exist.
 *       While a file system is mounted at FILE's directory in this mount
 *       namespace, append a 512-byte record to FILE every INTERVAL_MS (5),
 *       each with open + write (O_DIRECT|O_DSYNC, O_APPEND) + close: no
 *       descriptor lives across an unmount, so a clean offline is not made
 *       busy by us for longer than one write.  A record: node, incarnation
 *       (random per start), sequence number (per incarnation, never reused:
 *       a failed write consumes its number), CLOCK_REALTIME before the
 *       write, the mount's id and device, a pattern, and an FNV-1a checksum.
 *       Every outcome goes to ACKDIR/nNODE.INC (outside the disk):
 *         W node inc seq t_before t_after     the write returned 512 (durable)
 *         E node inc seq t_before t_after errno   it failed (may or may not be
 *                                             on the disk)
 *         M node inc mount_id major:minor t   a new mount seen
 *         U node inc mount_id t               it is gone
 *
 *   disk_writer check FILE ACKDIR [MARKS] [--final]
 *       Read FILE (as this node sees it) and fail (exit 1) on any sign of two
 *       writers or of a lost write:
 *       - a record with a bad magic or checksum, or (--final) a torn tail;
 *       - a sequence number that does not grow, for one writer incarnation;
 *       - time going backwards from one record to the next (in file order):
 *         an interleaving A..B..A within overlapping time;
 *       - a record acknowledged (W) before the read began that is not in the
 *         file (overwritten by another writer, or lost);
 *       - a record in the file that its writer neither acknowledged nor
 *         reported failed, unless it is that writer's last one (it died or
 *         is writing right now);
 *       - from the acknowledgements alone (independent of the file): two
 *         writers whose successful writes overlap in time.
 *       MARKS: lines "T_NS LABEL" (scenario starts); the report gives per
 *       scenario the records, the owner sequence ("n1:5123 -> n2:4410") and
 *       each handover's gap as the disk saw it (last record of the old writer
 *       to the first of the new), and one machine-readable line:
 *         SCENARIO LABEL records=N handovers=H maxgap_ms=G
 *
 *   disk_writer observe SANDBOXDIR MOUNTPOINT OUT
 *       Until SIGTERM/SIGINT: every 10 ms read the mount table of each
 *       node's namespace holder (SANDBOXDIR/nK/pids/holder, its start time
 *       checked) and note in OUT every change of the set of nodes that have
 *       MOUNTPOINT mounted, a "TWICE" line for every sample with more than
 *       one, and at the end "END samples=N twice=M".
 *
 * Exit status: 0 fine, 1 check failed, 2 usage or setup error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define REC_SIZE 512
#define REC_MAGIC "CSDWREC1"
#define MAX_NODES 64

struct rec {
	char magic[8];
	uint32_t node;
	uint32_t size;      /* REC_SIZE: a record of another layout is refused */
	uint64_t inc;       /* writer incarnation */
	uint64_t seq;
	uint64_t ts_ns;     /* CLOCK_REALTIME just before the write */
	uint64_t mount_id;
	uint64_t dev;
	uint8_t pad[REC_SIZE - 56 - 8];
	uint64_t csum;      /* FNV-1a 64 over everything before it */
};
_Static_assert(sizeof(struct rec) == REC_SIZE, "record layout");

static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void fill_pattern(struct rec *r)
{
	uint64_t x = r->inc ^ (r->seq * 0x9e3779b97f4a7c15ull) ^ 0x5ca1ab1eull;
	for (size_t i = 0; i < sizeof(r->pad); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r->pad[i] = (uint8_t)x;
	}
}

/* ---- the mount table ---- */

/* Find the mount at TARGET in a mountinfo file (the last one: the top of a
 * stack).  Returns true and its id and device. */
static bool find_mount(const char *mountinfo, const char *target, uint64_t *ret_id, dev_t *ret_dev)
{
	FILE *f = fopen(mountinfo, "re");
	char line[4096];
	bool found = false;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long id, parent;
		unsigned maj, min;
		char mp[PATH_MAX];
		if (sscanf(line, "%llu %llu %u:%u %*s %4095s", &id, &parent, &maj, &min, mp) != 5)
			continue;
		if (strcmp(mp, target) != 0)
			continue;
		*ret_id = id;
		*ret_dev = makedev(maj, min);
		found = true;
	}
	fclose(f);
	return found;
}

/* ---- write ---- */

static int ack_fd = -1;

static void ack(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ack(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(buf) && write(ack_fd, buf, (size_t)n) != n) {
		perror("disk_writer: ack log");
		exit(2);
	}
}

static int cmd_write(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: disk_writer write NODE FILE ACKDIR STOPFILE [INTERVAL_MS]\n");
		return 2;
	}
	unsigned node = (unsigned)strtoul(argv[0], NULL, 10);
	const char *file = argv[1], *ackdir = argv[2], *stop = argv[3];
	unsigned interval = argc == 5 ? (unsigned)strtoul(argv[4], NULL, 10) : 5;
	char dir[PATH_MAX], path[PATH_MAX];
	uint64_t inc = 0, seq = 0, cur_id = 0;
	bool mounted = false;
	struct rec *r = NULL;
	const char *slash = strrchr(file, '/');

	if (node < 1 || node > MAX_NODES || !slash || slash == file ||
	    (size_t)(slash - file) >= sizeof(dir)) {
		fprintf(stderr, "disk_writer: bad node or file\n");
		return 2;
	}
	memcpy(dir, file, (size_t)(slash - file));
	dir[slash - file] = '\0';
	while (getrandom(&inc, sizeof(inc), 0) != sizeof(inc))
		;
	inc &= 0x7fffffffffffffffull; /* printable as a signed number too */
	snprintf(path, sizeof(path), "%s/n%u.%016" PRIx64, ackdir, node, inc);
	ack_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (ack_fd < 0) {
		fprintf(stderr, "disk_writer: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (posix_memalign((void **)&r, 4096, sizeof(*r)) != 0)
		return 2;
	fprintf(stderr, "disk_writer: node %u incarnation %016" PRIx64 " pid %d\n", node, inc,
		(int)getpid());

	while (access(stop, F_OK) != 0) {
		uint64_t id;
		dev_t dev;
		if (!find_mount("/proc/self/mountinfo", dir, &id, &dev)) {
			if (mounted)
				ack("U %u %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", node, inc, cur_id, now_ns());
			mounted = false;
			sleep_ms(10);
			continue;
		}
		if (!mounted || id != cur_id)
			ack("M %u %" PRIu64 " %" PRIu64 " %u:%u %" PRIu64 "\n", node, inc, id,
			    major(dev), minor(dev), now_ns());
		mounted = true;
		cur_id = id;

		/* Never create the file anywhere but on the mounted file system
		 * (after a lazy unmount the path leads to the directory below it):
		 * open the directory, check that it is the mount's, create there. */
		int fd = -1, dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (dfd >= 0 && fstat(dfd, &st) == 0 && st.st_dev == dev)
			fd = openat(dfd, slash + 1,
				    O_WRONLY | O_APPEND | O_DIRECT | O_DSYNC | O_CLOEXEC | O_CREAT, 0644);
		if (dfd >= 0)
			close(dfd);
		if (fd < 0) {
			sleep_ms(20);
			continue;
		}
		memset(r, 0, sizeof(*r));
		memcpy(r->magic, REC_MAGIC, 8);
		r->node = node;
		r->size = REC_SIZE;
		r->inc = inc;
		r->seq = ++seq;
		r->mount_id = id;
		r->dev = dev;
		fill_pattern(r);
		r->ts_ns = now_ns();
		r->csum = fnv1a(r, offsetof(struct rec, csum));
		ssize_t n = write(fd, r, sizeof(*r));
		int e = errno;
		uint64_t t1 = now_ns();
		close(fd);
		if (n == (ssize_t)sizeof(*r)) {
			ack("W %u %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", node, inc, seq,
			    r->ts_ns, t1);
			sleep_ms(interval);
		} else {
			ack("E %u %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n", node, inc, seq,
			    r->ts_ns, t1, n < 0 ? e : 0);
			sleep_ms(50); /* the file system is going away: wait for the next */
		}
	}
	free(r);
	close(ack_fd);
	return 0;
}

/* ---- check ---- */

struct ackrec {
	char kind;        /* 'W' or 'E' */
	unsigned node;
	uint64_t inc, seq, t0, t1;
	bool in_file;
};

struct writer {
	unsigned node;
	uint64_t inc;
	uint64_t last_seq_in_file;
	uint64_t max_seq_acked;   /* W or E */
};

static struct ackrec *acks;
static size_t n_acks, cap_acks;
static struct writer writers[1024];
static size_t n_writers;
static unsigned violations;

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	va_list ap;
	if (++violations > 40)
		return;
	printf("VIOLATION: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static struct writer *writer_of(unsigned node, uint64_t inc)
{
	for (size_t i = 0; i < n_writers; i++)
		if (writers[i].inc == inc && writers[i].node == node)
			return &writers[i];
	if (n_writers == sizeof(writers) / sizeof(writers[0]))
		return NULL;
	writers[n_writers] = (struct writer){ .node = node, .inc = inc };
	return &writers[n_writers++];
}

static int ack_cmp(const void *a, const void *b)
{
	const struct ackrec *x = a, *y = b;
	if (x->inc != y->inc)
		return x->inc < y->inc ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

static int ack_time_cmp(const void *a, const void *b)
{
	const struct ackrec *x = a, *y = b;
	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	return 0;
}

static struct ackrec *ack_find(uint64_t inc, uint64_t seq)
{
	struct ackrec key = { .inc = inc, .seq = seq };
	return bsearch(&key, acks, n_acks, sizeof(*acks), ack_cmp);
}

static int load_acks(const char *ackdir)
{
	char cmd[PATH_MAX + 64];
	/* one file per incarnation; read them all through cat (sorted names) */
	snprintf(cmd, sizeof(cmd), "cat %s/n* 2>/dev/null", ackdir);
	FILE *p = popen(cmd, "r");
	char line[256];
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		struct ackrec a = { 0 };
		if (line[0] != 'W' && line[0] != 'E')
			continue;
		if (sscanf(line + 1, "%u %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, &a.node,
			   &a.inc, &a.seq, &a.t0, &a.t1) != 5)
			continue; /* a line being written */
		a.kind = line[0];
		if (n_acks == cap_acks) {
			cap_acks = cap_acks ? 2 * cap_acks : 4096;
			acks = realloc(acks, cap_acks * sizeof(*acks));
			if (!acks)
				return -1;
		}
		acks[n_acks++] = a;
		struct writer *w = writer_of(a.node, a.inc);
		if (w && a.seq > w->max_seq_acked)
			w->max_seq_acked = a.seq;
	}
	pclose(p);
	qsort(acks, n_acks, sizeof(*acks), ack_cmp);
	return 0;
}

struct mark {
	uint64_t t;
	char label[64];
};

/* A run: consecutive records (file order) of one writer. */
struct run {
	unsigned node;
	uint64_t inc;
	uint64_t first_ts, last_ts;
	size_t count;
};

static void fmt_time(uint64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	localtime_r(&s, &tm);
	size_t n = strftime(buf, len, "%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03" PRIu64, (uint64_t)((ns / 1000000u) % 1000u));
}

/* Per scenario (the time between its mark and the next): the records
 * written then, as runs of one writer, and each handover's gap: from the last
 * record of the writer before (also one from before the scenario began) to
 * the first of the next. */
static void report_scenarios(const struct rec *recs, size_t n, const struct mark *marks,
			     size_t n_marks)
{
	for (size_t m = 0; m < n_marks; m++) {
		uint64_t from = marks[m].t, to = m + 1 < n_marks ? marks[m + 1].t : UINT64_MAX;
		size_t count = 0, handovers = 0, run = 0, sl = 0, gl = 0, pl = 0;
		uint64_t maxgap = 0;
		char seqbuf[2048] = "", gaps[2048] = "", pauses[2048] = "";
		const struct rec *prev = NULL;
		for (size_t i = 0; i < n; i++) {
			const struct rec *r = &recs[i];
			if (r->size != REC_SIZE || r->ts_ns >= to)
				continue;
			if (r->ts_ns < from) {
				prev = r;
				continue;
			}
			count++;
			if (prev && prev->inc == r->inc && r->ts_ns - prev->ts_ns > 200000000ull &&
			    pl < sizeof(pauses))
				pl += (size_t)snprintf(pauses + pl, sizeof(pauses) - pl, "%sn%u %.3f s",
						       pl ? ", " : "", r->node,
						       (double)(r->ts_ns - prev->ts_ns) / 1e9);
			if (prev && prev->inc != r->inc) {
				uint64_t gap = r->ts_ns - prev->ts_ns;
				if (run && sl < sizeof(seqbuf))
					sl += (size_t)snprintf(seqbuf + sl, sizeof(seqbuf) - sl, "n%u:%zu -> ",
							       prev->node, run);
				handovers++;
				if (gap > maxgap)
					maxgap = gap;
				if (gl < sizeof(gaps))
					gl += (size_t)snprintf(gaps + gl, sizeof(gaps) - gl, "%sn%u->n%u %.3f s",
							       gl ? ", " : "", prev->node, r->node,
							       (double)gap / 1e9);
				run = 0;
			}
			run++;
			prev = r;
		}
		if (run && sl < sizeof(seqbuf))
			snprintf(seqbuf + sl, sizeof(seqbuf) - sl, "n%u:%zu", prev->node, run);
		printf("scenario %s: %zu records: %s; handovers as the disk saw them: %s; "
		       "pauses of one writer over 0.2 s: %s\n", marks[m].label, count,
		       count ? seqbuf : "(none)", gl ? gaps : "none", pl ? pauses : "none");
		printf("SCENARIO %s records=%zu handovers=%zu maxgap_ms=%" PRIu64 "\n", marks[m].label,
		       count, handovers, (uint64_t)(maxgap / 1000000u));
	}
}

static int cmd_check(int argc, char **argv)
{
	bool final = false;
	const char *file = NULL, *ackdir = NULL, *marksfile = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--final") == 0)
			final = true;
		else if (!file)
			file = argv[i];
		else if (!ackdir)
			ackdir = argv[i];
		else if (!marksfile)
			marksfile = argv[i];
		else
			file = NULL, i = argc;
	}
	if (!file || !ackdir) {
		fprintf(stderr, "usage: disk_writer check FILE ACKDIR [MARKS] [--final]\n");
		return 2;
	}

	/* Everything acknowledged before this instant must be in what we read. */
	uint64_t read_start = now_ns();
	if (load_acks(ackdir) != 0) {
		fprintf(stderr, "disk_writer: cannot read %s\n", ackdir);
		return 2;
	}
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "disk_writer: %s: %s\n", file, strerror(errno));
		return 2;
	}
	size_t n = (size_t)st.st_size / REC_SIZE;
	struct rec *recs = calloc(n ? n : 1, REC_SIZE);
	size_t got = 0;
	while (recs && got < n * REC_SIZE) {
		ssize_t k = read(fd, (char *)recs + got, n * REC_SIZE - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!recs || got < n * REC_SIZE) {
		fprintf(stderr, "disk_writer: short read of %s\n", file);
		return 2;
	}
	if (st.st_size % REC_SIZE) {
		if (final)
			violation("the file's size %lld is not a whole number of records",
				  (long long)st.st_size);
		else
			printf("note: a partial record at the end (a write in flight)\n");
	}

	/* records: integrity, per-writer order, time order, runs */
	struct run *runs = calloc(n ? n : 1, sizeof(*runs));
	size_t n_runs = 0, n_unacked = 0;
	if (!runs)
		return 2;
	for (size_t i = 0; i < n; i++) {
		struct rec *r = &recs[i];
		if (memcmp(r->magic, REC_MAGIC, 8) != 0 || r->size != REC_SIZE ||
		    r->csum != fnv1a(r, offsetof(struct rec, csum))) {
			bool zero = true;
			for (size_t b = 0; b < REC_SIZE && zero; b++)
				zero = ((const unsigned char *)r)[b] == 0;
			violation("record %zu (offset %zu): %s", i, i * (size_t)REC_SIZE,
				  zero ? "all zero (a hole or a lost write inside the file)"
				       : "bad magic or checksum (torn or overwritten)");
			memset(r, 0, sizeof(*r)); /* skipped below */
			continue;
		}
		struct rec check = *r;
		fill_pattern(&check);
		if (memcmp(check.pad, r->pad, sizeof(r->pad)) != 0)
			violation("record %zu: pattern does not match its writer and sequence", i);
		struct writer *w = writer_of(r->node, r->inc);
		if (!w)
			return 2;
		if (w->last_seq_in_file && r->seq <= w->last_seq_in_file)
			violation("record %zu: n%u incarnation %016" PRIx64 " sequence %" PRIu64
				  " after %" PRIu64 " (backwards)", i, r->node, r->inc, r->seq,
				  w->last_seq_in_file);
		w->last_seq_in_file = r->seq;
		struct ackrec *a = ack_find(r->inc, r->seq);
		if (a)
			a->in_file = true;
		if (!a || a->node != r->node || a->t0 != r->ts_ns) {
			if (a)
				violation("record %zu: n%u seq %" PRIu64 " differs from what its writer "
					  "logged", i, r->node, r->seq);
			else
				n_unacked++;
		}
		struct run *last = n_runs ? &runs[n_runs - 1] : NULL;
		if (last && r->ts_ns < last->last_ts) {
			char a1[32], a2[32];
			fmt_time(r->ts_ns, a1, sizeof(a1));
			fmt_time(last->last_ts, a2, sizeof(a2));
			violation("record %zu: n%u wrote at %s after n%u's record of %s: time goes "
				  "backwards (%s)", i, r->node, a1, last->node, a2,
				  last->inc != r->inc ? "TWO WRITERS interleaved" : "one writer's clock");
		}
		if (last && last->inc == r->inc && last->node == r->node) {
			last->last_ts = r->ts_ns;
			last->count++;
		} else {
			runs[n_runs++] = (struct run){ .node = r->node, .inc = r->inc, .first_ts = r->ts_ns,
						      .last_ts = r->ts_ns, .count = 1 };
		}
	}
	/* a record nobody acknowledged: only a writer's very last (it died, or it
	 * is between its write and its log line right now) */
	for (size_t i = 0; i < n; i++) {
		const struct rec *r = &recs[i];
		if (r->size != REC_SIZE)
			continue;
		const struct ackrec *a = ack_find(r->inc, r->seq);
		if (a)
			continue;
		const struct writer *w = writer_of(r->node, r->inc);
		if (w && r->seq <= w->max_seq_acked)
			violation("record %zu: n%u seq %" PRIu64 " is in the file but its writer "
				  "logged neither success nor failure, and wrote after it", i, r->node,
				  r->seq);
	}
	/* acknowledged before the read began, so it must be there */
	size_t n_w = 0, missing = 0, n_e = 0, e_in_file = 0;
	for (size_t i = 0; i < n_acks; i++) {
		const struct ackrec *a = &acks[i];
		if (a->kind == 'E') {
			n_e++;
			e_in_file += a->in_file;
			continue;
		}
		n_w++;
		if (!a->in_file && a->t1 < read_start) {
			if (++missing <= 10)
				violation("n%u incarnation %016" PRIx64 " seq %" PRIu64 " was acknowledged "
					  "(durable) but is not in the file: overwritten or lost",
					  a->node, a->inc, a->seq);
		}
	}
	if (missing > 10)
		violation("... %zu acknowledged records missing in all", missing);

	/* from the acknowledgements alone: successful writes of two writers
	 * overlapping in time */
	qsort(acks, n_acks, sizeof(*acks), ack_time_cmp);
	uint64_t last_t1[sizeof(writers) / sizeof(writers[0])] = { 0 };
	uint64_t last_seq[sizeof(writers) / sizeof(writers[0])] = { 0 };
	size_t overlaps = 0;
	for (size_t i = 0; i < n_acks; i++) {
		const struct ackrec *a = &acks[i];
		if (a->kind != 'W')
			continue;
		struct writer *me = writer_of(a->node, a->inc);
		if (!me)
			return 2;
		for (size_t w = 0; w < n_writers; w++) {
			if (&writers[w] == me || last_t1[w] <= a->t0)
				continue;
			char a1[32];
			fmt_time(a->t0, a1, sizeof(a1));
			if (++overlaps <= 10)
				violation("TWO WRITERS: n%u's write of seq %" PRIu64 " began at %s, %.3f ms "
					  "before n%u's write of seq %" PRIu64 " returned", a->node, a->seq, a1,
					  (double)(last_t1[w] - a->t0) / 1e6, writers[w].node, last_seq[w]);
		}
		size_t me_i = (size_t)(me - writers);
		if (a->t1 > last_t1[me_i]) {
			last_t1[me_i] = a->t1;
			last_seq[me_i] = a->seq;
		}
	}

	printf("%s: %zu records, %zu runs, %zu writer incarnations; %zu writes acknowledged, "
	       "%zu failed (%zu of those on the disk anyway), %zu records unacknowledged (a "
	       "writer's last)\n", file, n, n_runs, n_writers, n_w, n_e, e_in_file, n_unacked);
	printf("owner sequence:");
	for (size_t i = 0; i < n_runs; i++) {
		if (i && i % 8 == 0)
			printf("\n   ");
		printf("%s n%u:%zu", i ? " ->" : "", runs[i].node, runs[i].count);
	}
	printf("\n");
	for (size_t i = 1; i < n_runs; i++) {
		char a1[32];
		fmt_time(runs[i].first_ts, a1, sizeof(a1));
		printf("  handover %zu at %s: n%u -> n%u, %.3f s between the last record of the old "
		       "writer and the first of the new\n", i, a1, runs[i - 1].node, runs[i].node,
		       (double)(runs[i].first_ts - runs[i - 1].last_ts) / 1e9);
	}

	if (marksfile) {
		struct mark marks[64];
		size_t n_marks = 0;
		FILE *f = fopen(marksfile, "re");
		char line[128];
		while (f && n_marks < 64 && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%" SCNu64 " %63s", &marks[n_marks].t, marks[n_marks].label) == 2)
				n_marks++;
		}
		if (f)
			fclose(f);
		report_scenarios(recs, n, marks, n_marks);
	}
	free(runs);
	free(recs);
	free(acks);
	if (violations) {
		printf("FAIL: %u violation(s)\n", violations);
		return 1;
	}
	printf("OK: one writer at a time, every acknowledged record present\n");
	return 0;
}

/* ---- observe ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* The mountinfo path of node K's holder, if it runs (pid and start time as
 * the sandbox recorded them). */
static bool holder_mountinfo(const char *sbdir, unsigned k, char *buf, size_t len)
{
	char path[PATH_MAX], stat[1024];
	unsigned long long want_st = 0, st = 0;
	int pid = 0;
	snprintf(path, sizeof(path), "%s/n%u/pids/holder", sbdir, k);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	int ok = fscanf(f, "%d %llu", &pid, &want_st);
	fclose(f);
	if (ok < 1 || pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	const char *p = strrchr(stat, ')');
	/* after ") ": state is field 3, starttime field 22 */
	if (!p || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			 "%*s %*s %*s %*s %llu", &st) != 1)
		return false;
	if (ok == 2 && st != want_st)
		return false;
	snprintf(buf, len, "/proc/%d/mountinfo", pid);
	return true;
}

static int cmd_observe(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: disk_writer observe SANDBOXDIR MOUNTPOINT OUT\n");
		return 2;
	}
	const char *sbdir = argv[0], *target = argv[1];
	FILE *out = fopen(argv[2], "we");
	if (!out)
		return 2;
	setvbuf(out, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	uint64_t samples = 0, twice = 0, prev = UINT64_MAX;
	while (!stop_flag) {
		uint64_t set = 0;
		unsigned count = 0;
		for (unsigned k = 1; k <= 16; k++) {
			char mi[64];
			uint64_t id;
			dev_t dev;
			if (!holder_mountinfo(sbdir, k, mi, sizeof(mi)))
				continue;
			if (find_mount(mi, target, &id, &dev)) {
				set |= 1ull << k;
				count++;
			}
		}
		samples++;
		char t[32], nodes[256] = "";
		size_t l = 0;
		for (unsigned k = 1; k <= 16; k++)
			if (set & (1ull << k))
				l += (size_t)snprintf(nodes + l, sizeof(nodes) - l, " n%u", k);
		fmt_time(now_ns(), t, sizeof(t));
		if (count > 1) {
			twice++;
			fprintf(out, "TWICE %s%s\n", t, nodes);
		}
		if (set != prev)
			fprintf(out, "%s mounted on:%s\n", t, count ? nodes : " none");
		prev = set;
		sleep_ms(10);
	}
	fprintf(out, "END samples=%" PRIu64 " twice=%" PRIu64 "\n", samples, twice);
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "write") == 0)
		return cmd_write(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "observe") == 0)
		return cmd_observe(argc - 2, argv + 2);
	fprintf(stderr, "usage: disk_writer write|check|observe ... (see the source's header)\n");
	return 2;
}
