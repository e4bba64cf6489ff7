/*
 * test_cli.c - the `cluster` command: cli_main() on argument vectors (exit
 * status and messages of what is refused before connecting; the socket is
 * one nobody listens on, so a vector that gets through exits 3), and its
 * helpers: --priv parsing, JSON escaping of odd strings, the JSON writer,
 * decoding of control outputs (text and JSON) and the status as JSON.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status_records.h"
#include "cli.h"
#include "client.h"

/* ---- capture ---- */

struct cap {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Close and return the text (free() it). */
static char *cap_close(struct cap *c)
{
	fclose(c->f);
	return c->buf;
}

/* ======================================================================
 * The command on an argument vector
 * ====================================================================== */

#define NO_SOCKET "/nonexistent/cluster-test.sock"

struct outcome {
	int status;
	char *out, *err;   /* what it wrote to stdout and stderr (free() them) */
};

/* The text of a temporary file from the start (free() it), and close it. */
static char *slurp(FILE *f)
{
	struct cap c;
	int ch;

	cap_open(&c);
	rewind(f);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, c.f);
	fclose(f);
	return cap_close(&c);
}

/* Run cli_main on "cluster" and the arguments (up to a NULL), its stdout and
 * stderr caught in temporary files. */
static struct outcome run_argv(const char *first, ...)
{
	char *argv[64] = { "cluster" };
	int argc = 1, saved_out, saved_err;
	FILE *out = tmpfile(), *err = tmpfile();
	struct outcome o;
	va_list ap;

	assert_non_null(out);
	assert_non_null(err);
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(argc < 63);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	assert_true(saved_out >= 0 && saved_err >= 0);
	assert_true(dup2(fileno(out), STDOUT_FILENO) >= 0);
	assert_true(dup2(fileno(err), STDERR_FILENO) >= 0);
	o.status = cli_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	o.out = slurp(out);
	o.err = slurp(err);
	return o;
}

#define RUN(...) run_argv(__VA_ARGS__, (const char *)NULL)

static void outcome_free(struct outcome *o)
{
	free(o->out);
	free(o->err);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * A usage error: exit status 1, nothing on stdout, and exactly one line on
 * stderr that contains each of the fragments (up to a NULL).
 */
static void expect_usage_error(struct outcome o, ...)
{
	va_list ap;

	if (o.status != 1)
		fail_msg("exit status %d, want 1; stderr: %s", o.status, o.err);
	if (o.out[0])
		fail_msg("wrote to stdout: %s", o.out);
	if (count_lines(o.err) != 1 || strncmp(o.err, "cluster: ", 9) != 0)
		fail_msg("want one line 'cluster: ...' on stderr, got: %s", o.err);
	va_start(ap, o);
	for (const char *f = va_arg(ap, const char *); f; f = va_arg(ap, const char *))
		if (!strstr(o.err, f))
			fail_msg("stderr '%s' lacks '%s'", o.err, f);
	va_end(ap);
	outcome_free(&o);
}

#define USAGE_ERROR(o, ...) expect_usage_error((o), __VA_ARGS__, (const char *)NULL)

/* Got past the checks: tried to connect to the socket nobody listens on. */
static void expect_connect(struct outcome o)
{
	if (o.status != 3 || !strstr(o.err, "cannot connect to clusterd"))
		fail_msg("exit status %d, want 3 (connect); stderr: %s", o.status, o.err);
	outcome_free(&o);
}

static void test_run_basics(void **state)
{
	struct outcome o;

	(void)state;
	o = RUN("--version");
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "cluster (Cluster Server)"));
	outcome_free(&o);
	o = RUN("status", "--help");
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "usage: cluster status"));
	outcome_free(&o);
	USAGE_ERROR(RUN("bogus"), "unknown command 'bogus'");
	expect_connect(RUN("status"));
	expect_connect(RUN("group", "online", "g", "--to", "n1", "--wait", "1.5"));
}

/*
 * Every number an option takes: decimal (leading zeros do not make it octal)
 * or 0x hex, nothing around it; out of range, malformed or empty is a usage
 * error naming the option and the value, and a duration that is not 0 but
 * would round to 0 (which means "for ever" or "no wait") is one too.
 */
static void test_run_numbers(void **state)
{
	static const char *const bad_seconds[] = {
		"", ".", "0.0001", "0.0004", "-1", "+1", " 1", "1 ", "1s", "1e3", "0x10", "inf",
		"nan", "1..2", "1.2.3", "4294968", "4294967.001", "99999999999999999999",
	};
	char opt[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_seconds) / sizeof(bad_seconds[0]); i++) {
		const char *v = bad_seconds[i];
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "'%s'", v);
		USAGE_ERROR(RUN("--timeout", v, "status"), "--timeout", quoted);
		snprintf(opt, sizeof(opt), "--timeout=%s", v);
		USAGE_ERROR(RUN(opt, "status"), "--timeout", quoted);
		USAGE_ERROR(RUN("group", "online", "g", "--wait", v), "--wait", quoted);
		USAGE_ERROR(RUN("resource", "offline", "r", "--wait", v), "--wait", quoted);
	}
	/* what rounds to 0 says what 0 would have meant */
	USAGE_ERROR(RUN("--timeout", "0.0001", "status"), "millisecond", "no limit");
	USAGE_ERROR(RUN("group", "move", "g", "--wait", "0.0001"), "millisecond", "no wait");
	/* good ones get as far as connecting */
	expect_connect(RUN("--timeout", "0", "status"));
	expect_connect(RUN("--timeout", "0.0005", "status"));
	expect_connect(RUN("--timeout", ".5", "status"));
	expect_connect(RUN("--timeout", "007", "status"));
	expect_connect(RUN("--timeout", "4294967", "status"));
	expect_connect(RUN("--timeout", "1.00001", "status"));
	expect_connect(RUN("group", "offline", "g", "--wait", "0"));
	expect_connect(RUN("group", "offline", "g", "--wait", "0.001"));
	expect_connect(RUN("resource", "online", "r", "--wait=4294967.000"));

	/* --out-size: bytes, at most CLUSPROP_MAX_LIST_SIZE */
	expect_connect(RUN("resource", "control", "r", "GET_FLAGS", "--out-size", "09"));
	expect_connect(RUN("resource", "control", "r", "GET_FLAGS", "--out-size", "010"));
	expect_connect(RUN("resource", "control", "r", "GET_FLAGS", "--out-size", "0x1F"));
	expect_connect(RUN("resource", "control", "r", "GET_FLAGS", "--out-size", "0"));
	expect_connect(RUN("node", "control", "n", "GET_FLAGS", "--out-size", "67108864"));
	static const char *const bad_sizes[] = {
		"", "0x", "x1", "-1", "+1", " 1", "1 ", "1k", "1.0", "0x1G", "67108865",
		"4294967296", "18446744073709551616",
	};
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "'%s'", bad_sizes[i]);
		USAGE_ERROR(RUN("cluster", "control", "GET_FLAGS", "--out-size", bad_sizes[i]),
			    "--out-size", quoted);
	}

	/* a control code given as a number (libclusapi parses it) */
	expect_connect(RUN("resource", "control", "r", "010"));
	expect_connect(RUN("resource", "control", "r", "0x01000005"));
	USAGE_ERROR(RUN("resource", "control", "r", "4294967296"), "'4294967296'");
	USAGE_ERROR(RUN("resource", "control", "r", "0x1G"), "'0x1G'");
	USAGE_ERROR(RUN("resource", "control", "r", "1 "), "'1 '");
	USAGE_ERROR(RUN("resource", "control", "r", "0x"), "'0x'");

	/* numbers in --priv */
	USAGE_ERROR(RUN("resource", "create", "r", "--type", "t", "--group", "g", "--priv",
			"K:dword=\t5"), "--priv", "not a DWORD");
	USAGE_ERROR(RUN("resource", "control", "r", "SET_PRIVATE_PROPERTIES", "--priv",
			"K:ularge= 5"), "--priv", "not an unsigned");
}

/* An option given an empty value is a usage error, not a request with an
 * empty name (which clusterd refused with exit status 10). */
static void test_run_empty_values(void **state)
{
	(void)state;
	USAGE_ERROR(RUN("group", "online", "g", "--to="), "--to", "''");
	USAGE_ERROR(RUN("group", "move", "g", "--to", ""), "--to", "''");
	USAGE_ERROR(RUN("resource", "depend", "r", "--on="), "--on", "''");
	USAGE_ERROR(RUN("resource", "create", "r", "--type=", "--group", "g"), "--type", "''");
	USAGE_ERROR(RUN("resource", "create", "r", "--type", "t", "--group="), "--group", "''");
	USAGE_ERROR(RUN("resource", "control", "r", "GET_FLAGS", "--node="), "--node", "''");
	USAGE_ERROR(RUN("resource", "control", "r", "GET_FLAGS", "--in="), "--in", "''");
	USAGE_ERROR(RUN("resource", "control", "r", "GET_FLAGS", "--priv="), "--priv", "''");
	USAGE_ERROR(RUN("--socket=", "status"), "--socket", "''");
	USAGE_ERROR(RUN("status", "--socket", ""), "--socket", "''");
	/* an empty string is a string */
	expect_connect(RUN("resource", "control", "r", "STORAGE_IS_PATH_VALID",
			   "--in-string="));
}

/* A misplaced, unknown or malformed option, or a command word without its
 * command: one line that points to --help, not the help itself. */
static void test_run_option_errors(void **state)
{
	struct outcome o;

	(void)state;
	USAGE_ERROR(RUN("--json"), "--json", "cluster --help");
	USAGE_ERROR(RUN("--wait", "5"), "--wait", "cluster --help");
	USAGE_ERROR(RUN("--socket", "/x", "--timeout", "5"), "no command", "cluster --help");
	USAGE_ERROR(RUN("--to=n1"), "--to", "cluster --help");
	USAGE_ERROR(RUN("--bogus"), "unknown option '--bogus'", "cluster --help");
	USAGE_ERROR(RUN("status", "-x"), "unknown option '-x'", "cluster --help");
	USAGE_ERROR(RUN("status", "--to"), "'--to' needs a value", "--help");
	USAGE_ERROR(RUN("status", "--json=1"), "'--json' takes no value", "--help");
	USAGE_ERROR(RUN("status", "--to", "n1"), "--to does not apply", "cluster status --help");
	USAGE_ERROR(RUN("group", "create", "g", "--wait", "1"), "--wait does not apply",
		    "cluster group create --help");
	USAGE_ERROR(RUN("group"), "'group' needs a command", "cluster group --help");
	USAGE_ERROR(RUN("group", "--json"), "'group' needs a command", "cluster group --help");
	USAGE_ERROR(RUN("group", "bogus"), "unknown command 'group bogus'",
		    "cluster group --help");
	USAGE_ERROR(RUN("status", "extra"), "usage: cluster status", "cluster status --help");
	USAGE_ERROR(RUN("group", "online"), "usage: cluster group online",
		    "cluster group online --help");
	USAGE_ERROR(RUN("group", "create", ""), "empty name");
	/* `cluster` alone still shows what it can do */
	o = run_argv(NULL);
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, "usage: cluster"));
	assert_true(count_lines(o.err) > 10);
	outcome_free(&o);
	/* help on request is unchanged */
	o = RUN("group", "--help");
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "cluster group online NAME"));
	outcome_free(&o);
}

/* A temporary file holding n bytes; its path in path (unlink it). */
static void temp_file(char *path, size_t size, const void *bytes, size_t n)
{
	int fd;

	snprintf(path, size, "/tmp/test_cli.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
}

/* SET_PRIVATE_PROPERTIES (or SET_COMMON_PROPERTIES) with no property to set
 * is refused before anything is sent: it would change nothing and say done. */
static void test_run_empty_property_list(void **state)
{
	char code[32], empty[64], zero_count[64], one[64];

	(void)state;
	USAGE_ERROR(RUN("resource", "control", "r", "SET_PRIVATE_PROPERTIES"),
		    "SET_PRIVATE_PROPERTIES", "--priv");
	USAGE_ERROR(RUN("resource", "control", "r", "CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES"),
		    "SET_PRIVATE_PROPERTIES", "--priv");
	USAGE_ERROR(RUN("resource", "control", "r", "set_common_properties"),
		    "SET_COMMON_PROPERTIES", "--priv");
	USAGE_ERROR(RUN("group", "control", "g", "SET_PRIVATE_PROPERTIES"), "--priv");
	USAGE_ERROR(RUN("node", "control", "n", "SET_COMMON_PROPERTIES"), "--priv");
	USAGE_ERROR(RUN("cluster", "control", "SET_PRIVATE_PROPERTIES"), "--priv");
	USAGE_ERROR(RUN("resource-type", "control", "t", "SET_PRIVATE_PROPERTIES"), "--priv");
	snprintf(code, sizeof(code), "0x%08x", (unsigned)CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES);
	USAGE_ERROR(RUN("resource", "control", "r", code), "SET_PRIVATE_PROPERTIES", "--priv");
	/* --in with nothing in it, or a property list of no properties */
	temp_file(empty, sizeof(empty), "", 0);
	temp_file(zero_count, sizeof(zero_count), "\0\0\0\0", 4);
	USAGE_ERROR(RUN("resource", "control", "r", "SET_PRIVATE_PROPERTIES", "--in", empty),
		    "empty property list");
	USAGE_ERROR(RUN("resource", "control", "r", "SET_PRIVATE_PROPERTIES", "--in",
			zero_count), "empty property list");
	/* something to set, or another code: on to clusterd */
	expect_connect(RUN("resource", "control", "r", "SET_PRIVATE_PROPERTIES", "--priv",
			   "Delay=5"));
	temp_file(one, sizeof(one), "\1\0\0\0", 4);
	expect_connect(RUN("resource", "control", "r", "SET_PRIVATE_PROPERTIES", "--in", one));
	expect_connect(RUN("resource", "control", "r", "GET_PRIVATE_PROPERTIES"));
	expect_connect(RUN("resource", "control", "r", "VALIDATE_PRIVATE_PROPERTIES", "--in",
			   empty));
	unlink(empty);
	unlink(zero_count);
	unlink(one);
}

/* The parsers themselves, where the value is not visible from outside.  A
 * refused value leaves the output untouched. */
static void test_num_parsers(void **state)
{
	static const struct {
		const char *s;
		uint64_t max;
		enum cli_num want;
		uint64_t value;
	} uints[] = {
		{ "010", 100, CLI_NUM_OK, 10 },         /* not octal */
		{ "09", 100, CLI_NUM_OK, 9 },
		{ "0x1f", 100, CLI_NUM_OK, 31 },
		{ "0X1F", 100, CLI_NUM_OK, 31 },
		{ "18446744073709551615", UINT64_MAX, CLI_NUM_OK, UINT64_MAX },
		{ "0xffffffffffffffff", UINT64_MAX, CLI_NUM_OK, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, CLI_NUM_RANGE, 0 },
		{ "0x10000000000000000", UINT64_MAX, CLI_NUM_RANGE, 0 },
		{ "101", 100, CLI_NUM_RANGE, 0 },
		{ "5", 4, CLI_NUM_RANGE, 0 },
		{ "0xf", 9, CLI_NUM_RANGE, 0 },
		{ "0", 0, CLI_NUM_OK, 0 },
		{ "99999999999999999999x", 100, CLI_NUM_MALFORMED, 0 },
		{ "", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "0x", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "-1", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "+1", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ " 1", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "1 ", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "\t1", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "1\n", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "0b1", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "08x", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "0x0x1", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
		{ "1,000", UINT64_MAX, CLI_NUM_MALFORMED, 0 },
	};
	static const struct {
		const char *s;
		int64_t min, max;
		enum cli_num want;
		int64_t value;
	} ints[] = {
		{ "-2147483648", INT32_MIN, INT32_MAX, CLI_NUM_OK, INT32_MIN },
		{ "2147483647", INT32_MIN, INT32_MAX, CLI_NUM_OK, INT32_MAX },
		{ "-0x10", INT32_MIN, INT32_MAX, CLI_NUM_OK, -16 },
		{ "-010", INT32_MIN, INT32_MAX, CLI_NUM_OK, -10 },
		{ "-9223372036854775808", INT64_MIN, INT64_MAX, CLI_NUM_OK, INT64_MIN },
		{ "-2147483649", INT32_MIN, INT32_MAX, CLI_NUM_RANGE, 0 },
		{ "2147483648", INT32_MIN, INT32_MAX, CLI_NUM_RANGE, 0 },
		{ "-", INT32_MIN, INT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "--1", INT32_MIN, INT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "- 1", INT32_MIN, INT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "-5", 0, 10, CLI_NUM_RANGE, 0 },
		{ "-0", 0, 10, CLI_NUM_OK, 0 },
		{ "3", 5, 10, CLI_NUM_RANGE, 0 },
	};
	static const struct {
		const char *s;
		uint32_t max_ms;
		enum cli_num want;
		uint32_t ms;
	} seconds[] = {
		{ "2.5", UINT32_MAX, CLI_NUM_OK, 2500 },
		{ ".25", UINT32_MAX, CLI_NUM_OK, 250 },
		{ "010", UINT32_MAX, CLI_NUM_OK, 10000 },
		{ "0.0005", UINT32_MAX, CLI_NUM_OK, 1 },  /* to the nearest millisecond */
		{ "1.0014999", UINT32_MAX, CLI_NUM_OK, 1001 },
		{ "0", UINT32_MAX, CLI_NUM_OK, 0 },
		{ "0.000", UINT32_MAX, CLI_NUM_OK, 0 },
		{ "5.", UINT32_MAX, CLI_NUM_OK, 5000 },
		{ "4294967.295", UINT32_MAX, CLI_NUM_OK, UINT32_MAX },
		{ "4294967.2955", UINT32_MAX, CLI_NUM_RANGE, 0 },
		{ "1.001", 1000, CLI_NUM_RANGE, 0 },
		{ "0.0004999", UINT32_MAX, CLI_NUM_ROUNDS_TO_ZERO, 0 },
		{ "0.0001", UINT32_MAX, CLI_NUM_ROUNDS_TO_ZERO, 0 },
		{ ".", UINT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "", UINT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "1e3", UINT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "0x10", UINT32_MAX, CLI_NUM_MALFORMED, 0 },
		{ "99999999999999999999999x", UINT32_MAX, CLI_NUM_MALFORMED, 0 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(uints) / sizeof(uints[0]); k++) {
		uint64_t v = 77;

		if (cli_parse_uint(uints[k].s, uints[k].max, &v) != uints[k].want ||
		    v != (uints[k].want == CLI_NUM_OK ? uints[k].value : 77))
			fail_msg("cli_parse_uint '%s'", uints[k].s);
	}
	for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
		int64_t v = 77;

		if (cli_parse_int(ints[k].s, ints[k].min, ints[k].max, &v) != ints[k].want ||
		    v != (ints[k].want == CLI_NUM_OK ? ints[k].value : 77))
			fail_msg("cli_parse_int '%s'", ints[k].s);
	}
	for (size_t k = 0; k < sizeof(seconds) / sizeof(seconds[0]); k++) {
		uint32_t v = 77;

		if (cli_parse_seconds(seconds[k].s, seconds[k].max_ms, &v) != seconds[k].want ||
		    v != (seconds[k].want == CLI_NUM_OK ? seconds[k].ms : 77))
			fail_msg("cli_parse_seconds '%s'", seconds[k].s);
	}
}

/* ======================================================================
 * --priv
 * ====================================================================== */

static void priv_ok(const char *arg, const char *key, enum cli_priv_kind kind,
		    const char *value, uint64_t num)
{
	struct cli_priv p;
	char err[256] = "";

	if (cli_priv_parse(arg, &p, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", arg, err);
	assert_string_equal(p.key, key);
	assert_int_equal(p.kind, kind);
	assert_string_equal(p.value, value);
	if (kind == CLI_PRIV_DWORD || kind == CLI_PRIV_ULARGE)
		assert_true(p.num == num);
	if (kind == CLI_PRIV_LONG)
		assert_true(p.snum == (int64_t)num);
	cli_priv_clear(&p);
}

static void priv_bad(const char *arg, const char *fragment)
{
	struct cli_priv p = { 0 };
	char err[256] = "";

	assert_int_equal(cli_priv_parse(arg, &p, err, sizeof(err)), -1);
	assert_null(p.key);
	if (!strstr(err, fragment))
		fail_msg("'%s': message '%s' lacks '%s'", arg, err, fragment);
}

static void test_priv_parse(void **state)
{
	(void)state;
	/* untyped: decimal numbers are DWORDs, everything else SZ */
	priv_ok("Path=/srv/data", "Path", CLI_PRIV_SZ, "/srv/data", 0);
	priv_ok("Delay=30", "Delay", CLI_PRIV_DWORD, "30", 30);
	priv_ok("Zero=0", "Zero", CLI_PRIV_DWORD, "0", 0);
	priv_ok("Lead=007", "Lead", CLI_PRIV_DWORD, "007", 7);
	priv_ok("Max=4294967295", "Max", CLI_PRIV_DWORD, "4294967295", 4294967295u);
	priv_ok("Neg=-5", "Neg", CLI_PRIV_SZ, "-5", 0);
	priv_ok("Hex=0x10", "Hex", CLI_PRIV_SZ, "0x10", 0);
	priv_ok("Space= 5", "Space", CLI_PRIV_SZ, " 5", 0);
	priv_ok("Frac=1.5", "Frac", CLI_PRIV_SZ, "1.5", 0);
	priv_ok("Empty=", "Empty", CLI_PRIV_SZ, "", 0);
	priv_ok("Eq=a=b", "Eq", CLI_PRIV_SZ, "a=b", 0);
	priv_ok("Caf\xc3\xa9=\xe2\x82\xac", "Caf\xc3\xa9", CLI_PRIV_SZ, "\xe2\x82\xac", 0);
	priv_bad("Huge=4294967296", "too large for a DWORD");
	/* typed */
	priv_ok("K:sz=123", "K", CLI_PRIV_SZ, "123", 0);
	priv_ok("K:expand_sz=%PATH%", "K", CLI_PRIV_EXPAND_SZ, "%PATH%", 0);
	priv_ok("K:dword=0x10", "K", CLI_PRIV_DWORD, "0x10", 16);
	priv_ok("K:dword=4294967295", "K", CLI_PRIV_DWORD, "4294967295", 4294967295u);
	priv_ok("K:long=-5", "K", CLI_PRIV_LONG, "-5", (uint64_t)(int64_t)-5);
	priv_ok("K:ularge=18446744073709551615", "K", CLI_PRIV_ULARGE, "18446744073709551615",
		UINT64_MAX);
	priv_ok("K:binary=0a0B", "K", CLI_PRIV_BINARY, "0a0B", 0);
	priv_ok("K:binary=", "K", CLI_PRIV_BINARY, "", 0);
	priv_ok("K:multi_sz=a,b c", "K", CLI_PRIV_MULTI_SZ, "a,b c", 0);
	priv_ok("K:multi_sz=", "K", CLI_PRIV_MULTI_SZ, "", 0);
	priv_ok("a:b:sz=x", "a:b", CLI_PRIV_SZ, "x", 0);
	priv_bad("K:dword=abc", "not a DWORD");
	priv_bad("K:dword=4294967296", "not a DWORD");
	priv_bad("K:dword=-1", "not a DWORD");
	priv_bad("K:dword=\t5", "not a DWORD");
	priv_bad("K:dword=\n5", "not a DWORD");
	priv_bad("K:dword=0x", "not a DWORD");
	priv_bad("K:ularge=\t5", "not an unsigned");
	priv_bad("K:long=\t-5", "not a LONG");
	priv_bad("K:long=-2147483649", "not a LONG");
	priv_ok("K:dword=010", "K", CLI_PRIV_DWORD, "010", 10);
	priv_ok("K:long=-2147483648", "K", CLI_PRIV_LONG, "-2147483648",
		(uint64_t)(int64_t)INT32_MIN);
	priv_ok("K:long=-0x10", "K", CLI_PRIV_LONG, "-0x10", (uint64_t)(int64_t)-16);
	priv_bad("K:long=2147483648", "not a LONG");
	priv_bad("K:long=", "not a LONG");
	priv_bad("K:ularge=18446744073709551616", "not an unsigned");
	priv_bad("K:binary=abc", "hex digits");
	priv_bad("K:binary=zz", "hex digits");
	priv_bad("K:multi_sz=a,,b", "empty string");
	priv_bad("K:multi_sz=a,", "empty string");
	priv_bad("K:bogus=1", "unknown type 'bogus'");
	priv_bad("a:b=x", "unknown type 'b'");
	priv_bad("=x", "empty property name");
	priv_bad(":sz=x", "empty property name");
	priv_bad("noequals", "expected KEY=VALUE");
}

static void test_priv_build(void **state)
{
	static const char *const args[] = {
		"Path=/srv", "Delay=30", "Tags:multi_sz=a,b", "Blob:binary=0x01ff", "Neg:long=-2",
		"Big:ularge=5000000000",
	};
	void *buf = NULL;
	size_t size = 0;
	char err[256];
	clusprop_iter it;
	clusprop_value v;

	(void)state;
	assert_int_equal(cli_priv_build(args, 6, &buf, &size, err, sizeof(err)), 0);
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL), 0);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Path");
	assert_int_equal(v.syntax, CLUSPROP_SYNTAX_LIST_VALUE_SZ);
	assert_string_equal(v.str, "/srv");
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Delay");
	assert_int_equal(v.syntax, CLUSPROP_SYNTAX_LIST_VALUE_DWORD);
	assert_int_equal(v.num.dw, 30);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Tags");
	assert_int_equal(v.syntax, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ);
	assert_int_equal(v.str_count, 2);
	assert_string_equal(clusprop_value_multi_sz_at(&v, 1), "b");
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Blob");
	assert_int_equal(v.syntax, CLUSPROP_SYNTAX_LIST_VALUE_BINARY);
	assert_int_equal(v.length, 2);
	assert_memory_equal(v.data, "\x01\xff", 2);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Neg");
	assert_int_equal(v.syntax, CLUSPROP_SYNTAX_LIST_VALUE_LONG);
	assert_int_equal(v.num.l, -2);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Big");
	assert_int_equal(v.syntax, CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER);
	assert_true(v.num.u64 == 5000000000ull);
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_NO_MORE_ITEMS);
	clusprop_iter_done(&it);
	clusprop_free(buf);

	/* a key twice */
	static const char *const twice[] = { "A=1", "B=2", "A=x" };
	buf = NULL;
	assert_int_equal(cli_priv_build(twice, 3, &buf, &size, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'A' given twice"));
	assert_null(buf);
	/* a value that is not UTF-8 */
	static const char *const bad_utf8[] = { "A=\xff\xfe" };
	assert_int_equal(cli_priv_build(bad_utf8, 1, &buf, &size, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot encode"));
	/* a bad one among good ones */
	static const char *const mixed[] = { "A=1", "B:dword=x" };
	assert_int_equal(cli_priv_build(mixed, 2, &buf, &size, err, sizeof(err)), -1);
	assert_null(buf);
	/* none: an empty list */
	assert_int_equal(cli_priv_build(NULL, 0, &buf, &size, err, sizeof(err)), 0);
	assert_int_equal(size, 4);
	clusprop_free(buf);
}

/* ======================================================================
 * JSON
 * ====================================================================== */

static void esc(const char *in, size_t n, const char *want)
{
	struct cap c;
	char *got;

	cap_open(&c);
	json_write_string(c.f, in, n);
	got = cap_close(&c);
	if (strcmp(got, want) != 0)
		fail_msg("escaping gave %s, want %s", got, want);
	free(got);
}

#define ESC(s, want) esc((s), sizeof(s) - 1, (want))

/* cluster ... set: each value in the format GET shows for its property. */
static void test_props_build(void **state)
{
	clusprop_builder cur;
	const char *ok[] = { "FailoverPeriod=0x10", "FailbackWindowStart=-1", "Description=42",
			     "Unknown=7", "Other=text" };
	const char *bad_num[] = { "FailoverPeriod=six" };
	const char *too_big[] = { "FailoverPeriod=4294967296" };
	const char *twice[] = { "A=1", "A=2" };
	const char *no_eq[] = { "Description" };
	const char *no_name[] = { "=1" };
	void *buf = NULL;
	size_t size = 0;
	char err[256];
	clusprop_iter it;
	clusprop_value v;

	(void)state;
	clusprop_builder_init_owned(&cur);
	clusprop_builder_begin_plist(&cur);
	clusprop_add_sz(&cur, "Description", "");
	clusprop_add_dword(&cur, "FailoverPeriod", 6);
	clusprop_add_dword(&cur, "FailbackWindowStart", 0xFFFFFFFFu);
	assert_int_equal(clusprop_builder_status(&cur), 0);
	assert_int_equal(cli_props_build(ok, 5, clusprop_builder_data(&cur),
					 clusprop_builder_size(&cur), &buf, &size, err, sizeof(err)), 0);
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL), 0);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "FailoverPeriod");
	assert_int_equal(v.format, CLUSPROP_FORMAT_DWORD);
	assert_int_equal(v.num.dw, 16);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_int_equal(v.num.dw, 0xFFFFFFFFu);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Description");
	assert_int_equal(v.format, CLUSPROP_FORMAT_SZ); /* a string, though it looks a number */
	assert_string_equal(v.str, "42");
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_string_equal(v.name, "Unknown");          /* as --priv: clusterd refuses it */
	assert_int_equal(v.format, CLUSPROP_FORMAT_DWORD);
	assert_int_equal(clusprop_iter_next(&it, &v), 0);
	assert_int_equal(v.format, CLUSPROP_FORMAT_SZ);
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_NO_MORE_ITEMS);
	clusprop_iter_done(&it);
	clusprop_free(buf);
	buf = NULL;
	assert_int_equal(cli_props_build(bad_num, 1, clusprop_builder_data(&cur),
					 clusprop_builder_size(&cur), &buf, &size, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "FailoverPeriod takes a number"));
	assert_int_equal(cli_props_build(too_big, 1, clusprop_builder_data(&cur),
					 clusprop_builder_size(&cur), &buf, &size, err, sizeof(err)), -1);
	assert_int_equal(cli_props_check(twice, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'A' given twice"));
	assert_int_equal(cli_props_check(no_eq, 1, err, sizeof(err)), -1);
	assert_int_equal(cli_props_check(no_name, 1, err, sizeof(err)), -1);
	assert_null(buf);

	/* one property's value */
	struct cap c;
	char *text;
	cap_open(&c);
	assert_int_equal(cli_print_property(c.f, clusprop_builder_data(&cur),
					    clusprop_builder_size(&cur), "FailbackWindowStart",
					    CLI_FMT_TEXT), 0);
	assert_int_equal(cli_print_property(c.f, clusprop_builder_data(&cur),
					    clusprop_builder_size(&cur), "FailoverPeriod",
					    CLI_FMT_JSON), 0);
	assert_int_equal(cli_print_property(c.f, clusprop_builder_data(&cur),
					    clusprop_builder_size(&cur), "Description",
					    CLI_FMT_JSON), 0);
	assert_int_equal(cli_print_property(c.f, clusprop_builder_data(&cur),
					    clusprop_builder_size(&cur), "Nope", CLI_FMT_TEXT), 1);
	assert_int_equal(cli_print_property(c.f, "xx", 2, "Nope", CLI_FMT_TEXT), -1);
	text = cap_close(&c);
	assert_string_equal(text, "4294967295\n6\n\"\"\n");
	free(text);
	clusprop_builder_free(&cur);
}

static void test_json_escape(void **state)
{
	(void)state;
	ESC("plain", "\"plain\"");
	ESC("", "\"\"");
	ESC("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	ESC("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	ESC("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	ESC("a\0b", "\"a\\u0000b\"");
	/* valid UTF-8 passes through */
	ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	ESC("\xef\xbf\xbf\xf4\x8f\xbf\xbf", "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
	/* line and paragraph separators are escaped (JavaScript) */
	ESC("a\xe2\x80\xa8" "b\xe2\x80\xa9", "\"a\\u2028b\\u2029\"");
	/* invalid UTF-8: each bad byte becomes U+FFFD */
	ESC("\xff", "\"\\ufffd\"");
	ESC("x\xc3", "\"x\\ufffd\"");
	ESC("\xc3(", "\"\\ufffd(\"");
	ESC("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	ESC("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	ESC("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ESC("\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ESC("\x80z", "\"\\ufffdz\"");
}

static void test_json_writer(void **state)
{
	struct cap c;
	struct jw w;
	char *got;

	(void)state;
	cap_open(&c);
	jw_init(&w, c.f);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_u64(&w, 1);
	jw_key(&w, "b");
	jw_arr_begin(&w);
	jw_str(&w, "x");
	jw_null(&w);
	jw_bool(&w, 1);
	jw_i64(&w, -3);
	jw_arr_end(&w);
	jw_key(&w, "e");
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_key(&w, "o");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_key(&w, "h");
	jw_hex(&w, "\x00\xab", 2);
	jw_key(&w, "s");
	jw_str(&w, NULL);
	jw_obj_end(&w);
	jw_finish(&w);
	got = cap_close(&c);
	assert_string_equal(got,
		"{\n"
		"  \"a\": 1,\n"
		"  \"b\": [\n"
		"    \"x\",\n"
		"    null,\n"
		"    true,\n"
		"    -3\n"
		"  ],\n"
		"  \"e\": [],\n"
		"  \"o\": {},\n"
		"  \"h\": \"00ab\",\n"
		"  \"s\": null\n"
		"}\n");
	free(got);
}

/* ======================================================================
 * Control outputs
 * ====================================================================== */

static char *decode(uint32_t code, const void *buf, size_t len, enum cli_fmt fmt)
{
	struct cap c;

	cap_open(&c);
	cli_print_control_output(c.f, code, buf, len, fmt);
	return cap_close(&c);
}

static void expect_decode(uint32_t code, const void *buf, size_t len, enum cli_fmt fmt,
			  const char *want)
{
	char *got = decode(code, buf, len, fmt);

	if (strcmp(got, want) != 0)
		fail_msg("code 0x%08x gave\n%s\nwant\n%s", code, got, want);
	free(got);
}

/* The same output read as text and as JSON. */
static void expect_decode_both(uint32_t code, const void *buf, size_t len, const char *text,
			       const char *json)
{
	expect_decode(code, buf, len, CLI_FMT_TEXT, text);
	expect_decode(code, buf, len, CLI_FMT_JSON, json);
}

static void test_decode_simple(void **state)
{
	static const uint8_t chars[] = { 5, 0, 0, 0 };
	static const uint8_t name[] = { 'd', 0, 'i', 0, 's', 0, 'k', 0, 0xe9, 0, 0, 0 };
	static const uint8_t multi[] = { 'A', 0, 0, 0, 'B', 0, 'c', 0, 0, 0, 0, 0 };
	static const uint8_t cls[] = { 1, 0, 0, 0, 0, 0, 0, 0x80 };
	static const uint8_t odd[] = { 1, 2, 3 };

	(void)state;
	expect_decode(CLUSCTL_RESOURCE_GET_CHARACTERISTICS, chars, 4, CLI_FMT_TEXT,
		      "5 (0x00000005) Quorum|LocalQuorum\n");
	expect_decode(CLUSCTL_RESOURCE_GET_CHARACTERISTICS, chars, 4, CLI_FMT_JSON, "5\n");
	expect_decode(CLUSCTL_RESOURCE_GET_FLAGS, "\x01\0\0\0", 4, CLI_FMT_TEXT,
		      "1 (0x00000001) Core\n");
	expect_decode(CLUSCTL_RESOURCE_GET_NAME, name, sizeof(name), CLI_FMT_TEXT,
		      "disk\xc3\xa9\n");
	expect_decode(CLUSCTL_NODE_GET_NAME, name, sizeof(name), CLI_FMT_JSON,
		      "\"disk\xc3\xa9\"\n");
	expect_decode(CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES, multi, sizeof(multi),
		      CLI_FMT_TEXT, "A\nBc\n");
	expect_decode(CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES, multi, sizeof(multi),
		      CLI_FMT_JSON, "[\n  \"A\",\n  \"Bc\"\n]\n");
	expect_decode(CLUSCTL_RESOURCE_GET_CLASS_INFO, cls, sizeof(cls), CLI_FMT_JSON,
		      "{\n  \"class\": 1,\n  \"subclass\": 2147483648\n}\n");
	expect_decode(CLUSCTL_RESOURCE_GET_CLASS_INFO, cls, sizeof(cls), CLI_FMT_TEXT,
		      "class 1 (storage), subclass 0x80000000 (shared)\n");
	/* nothing at all */
	expect_decode(CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0, CLI_FMT_JSON, "null\n");
	expect_decode(CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0, CLI_FMT_TEXT, "(no output)\n");
	/* a DWORD of the wrong size falls back to hex */
	expect_decode(CLUSCTL_RESOURCE_GET_CHARACTERISTICS, odd, sizeof(odd), CLI_FMT_JSON,
		      "{\n  \"hex\": \"010203\"\n}\n");
	expect_decode(CLUSCTL_USER_CODE(5, CLUS_OBJECT_RESOURCE), "AB\x01", 3, CLI_FMT_TEXT,
		      "00000000  41 42 01                                         AB.\n");
}

static void test_decode_property_list(void **state)
{
	static const char *const two[] = { "x", "y" };
	clusprop_builder b;
	char *got;

	(void)state;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Path", "/srv \"q\"");
	clusprop_add_dword(&b, "Delay", 30);
	clusprop_add_multi_sz(&b, "Tags", two, 2);
	clusprop_add_long(&b, "Neg", -4);
	clusprop_add_binary(&b, "Blob", "\x01\x02", 2);
	clusprop_put_name(&b, "Two");
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	clusprop_put_endmark(&b);
	assert_int_equal(clusprop_builder_status(&b), 0);

	expect_decode(CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, clusprop_builder_data(&b),
		      clusprop_builder_size(&b), CLI_FMT_JSON,
		      "{\n"
		      "  \"Path\": \"/srv \\\"q\\\"\",\n"
		      "  \"Delay\": 30,\n"
		      "  \"Tags\": [\n    \"x\",\n    \"y\"\n  ],\n"
		      "  \"Neg\": -4,\n"
		      "  \"Blob\": \"0102\",\n"
		      "  \"Two\": [\n    1,\n    2\n  ]\n"
		      "}\n");
	got = decode(CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_TEXT);
	assert_non_null(strstr(got, "NAME   FORMAT         VALUE\n"));
	assert_non_null(strstr(got, "Path   SZ             /srv \"q\"\n"));
	assert_non_null(strstr(got, "Delay  DWORD          30 (0x0000001e)\n"));
	assert_non_null(strstr(got, "Tags   MULTI_SZ       x, y\n"));
	assert_non_null(strstr(got, "Two    DWORD          1 (0x00000001)\n"
				    "       DWORD          2 (0x00000002)\n"));
	free(got);
	/* a code this tool does not know: a property list is tried first ... */
	got = decode(CLUSCTL_USER_CODE(1, CLUS_OBJECT_RESOURCE), clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_JSON);
	assert_non_null(strstr(got, "\"Delay\": 30,\n"));
	free(got);
	/* ... and a cut one is neither list: hex */
	got = decode(CLUSCTL_USER_CODE(1, CLUS_OBJECT_RESOURCE), clusprop_builder_data(&b), 40,
		     CLI_FMT_JSON);
	assert_non_null(strstr(got, "{\n  \"hex\": \"06000000030004000a000000"));
	free(got);
	clusprop_builder_free(&b);

	/* an empty property list */
	expect_decode(CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, "\0\0\0\0", 4, CLI_FMT_JSON,
		      "{}\n");
}

static void test_decode_value_list(void **state)
{
	clusprop_builder b;
	CLUS_SCSI_ADDRESS sa = { .PortNumber = 1, .PathId = 0, .TargetId = 2, .Lun = 3 };
	clusprop_partition part = {
		.flags = CLUSPROP_PIFLAG_USABLE, .device_name = "/dev/loop0p1",
		.volume_label = "data", .serial_number = 0x1234abcd,
		.max_component_length = 255, .file_system = "ext4",
	};
	char *got;

	(void)state;
	clusprop_builder_init_owned(&b);
	clusprop_put_disk_signature(&b, 0xdeadbeef);
	clusprop_put_scsi_address(&b, &sa);
	clusprop_put_disk_number(&b, 7);
	clusprop_put_disk_size(&b, 1073741824ull);
	clusprop_put_partition_info(&b, &part);
	clusprop_put_endmark(&b);
	assert_int_equal(clusprop_builder_status(&b), 0);

	got = decode(CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_JSON);
	assert_non_null(strstr(got, "\"type\": \"DiskSignature\",\n    \"format\": \"DWORD\",\n"
				    "    \"value\": 3735928559\n"));
	assert_non_null(strstr(got, "\"type\": \"ScsiAddress\""));
	assert_non_null(strstr(got, "\"port\": 1,\n      \"path\": 0,\n      \"target\": 2,\n"
				    "      \"lun\": 3\n"));
	assert_non_null(strstr(got, "\"type\": \"DiskNumber\""));
	assert_non_null(strstr(got, "\"value\": 1073741824\n"));
	assert_non_null(strstr(got, "\"device\": \"/dev/loop0p1\""));
	assert_non_null(strstr(got, "\"label\": \"data\""));
	assert_non_null(strstr(got, "\"filesystem\": \"ext4\""));
	assert_non_null(strstr(got, "\"serial\": 305441741"));
	assert_int_equal(got[0], '[');
	free(got);

	got = decode(CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_TEXT);
	assert_non_null(strstr(got, "DiskSignature      3735928559 (0xdeadbeef)\n"));
	assert_non_null(strstr(got, "ScsiAddress        port=1 path=0 target=2 lun=3\n"));
	assert_non_null(strstr(got, "DiskSize           1073741824\n"));
	assert_non_null(strstr(got, "PartitionInfo      device=/dev/loop0p1 label=data fs=ext4 "
				    "serial=0x1234abcd flags=0x4 maxcomponent=255\n"));
	free(got);

	/* a value list where the code is unknown: property list fails, value list works */
	got = decode(0x01234567u, clusprop_builder_data(&b), clusprop_builder_size(&b),
		     CLI_FMT_JSON);
	assert_int_equal(got[0], '[');
	free(got);
	clusprop_builder_free(&b);
}

/* ======================================================================
 * Untrusted strings on a terminal
 * ====================================================================== */

/* No byte that a terminal would act on: control characters (but the line
 * ends the output itself writes), DEL, C1 controls as UTF-8, invalid UTF-8. */
static void assert_inert(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	for (size_t i = 0; p[i]; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f || p[i] >= 0xf5 ||
		    (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) || p[i] == 0xff)
			fail_msg("byte 0x%02x at %zu in: %s", p[i], i, text);
	}
}

/* Each fragment (up to a NULL) is in text. */
static void expect_has(const char *text, ...)
{
	va_list ap;

	va_start(ap, text);
	for (const char *f = va_arg(ap, const char *); f; f = va_arg(ap, const char *))
		if (!strstr(text, f))
			fail_msg("'%s' not in:\n%s", f, text);
	va_end(ap);
}

#define HAS(text, ...) expect_has((text), __VA_ARGS__, (const char *)NULL)

/* Names and other strings from the command line are echoed escaped in
 * error messages: one line, nothing a terminal would act on. */
static void test_run_escapes_messages(void **state)
{
	struct outcome o;

	(void)state;
	USAGE_ERROR(RUN("codes", "\x1b[31mred"), "'\\x1b[31mred'");
	USAGE_ERROR(RUN("no\nsuch"), "unknown command 'no\\nsuch'");
	USAGE_ERROR(RUN("group", "x\ry"), "'group x\\ry'");
	USAGE_ERROR(RUN("resource", "control", "r", "BAD\x9b\xff"), "'BAD\\x9b\\xff'");
	USAGE_ERROR(RUN("resource", "control", "r", "BAD\xc2\x9b"), "'BAD\\u009b'");
	USAGE_ERROR(RUN("--timeout", "1\x1b]0;x\x07", "status"), "'1\\x1b]0;x\\x07'");
	USAGE_ERROR(RUN("status", "--bogus\t"), "'--bogus\\t'");
	USAGE_ERROR(RUN("codes", "back\\slash"), "'back\\\\slash'");
	/* valid UTF-8 is left alone */
	USAGE_ERROR(RUN("codes", "caf\xc3\xa9"), "'caf\xc3\xa9'");
	/* the socket path in a connect error */
	o = RUN("--socket", "/tmp/\x1b[2J\n.sock", "status");
	assert_int_equal(o.status, 3);
	assert_int_equal(count_lines(o.err), 1);
	assert_non_null(strstr(o.err, "/tmp/\\x1b[2J\\n.sock"));
	assert_inert(o.err);
	outcome_free(&o);
}

static void text_esc(const char *in, size_t n, const char *want, size_t want_width)
{
	struct cap c;
	char *got;
	size_t width;

	cap_open(&c);
	width = cli_text_write(c.f, in, n);
	got = cap_close(&c);
	if (strcmp(got, want) != 0)
		fail_msg("escaping gave '%s', want '%s'", got, want);
	assert_int_equal(width, want_width);
	assert_int_equal(cli_text_width(in, n), want_width);
	free(got);
}

#define TEXT_ESC(s, want, width) text_esc((s), sizeof(s) - 1, (want), (width))

static void test_text_escape(void **state)
{
	struct cap c;
	char *got;

	(void)state;
	TEXT_ESC("plain name", "plain name", 10);
	TEXT_ESC("", "", 0);
	TEXT_ESC("a\nb\rc\td", "a\\nb\\rc\\td", 10);
	TEXT_ESC("\x1b[31m", "\\x1b[31m", 8);
	TEXT_ESC("\x01\x7f", "\\x01\\x7f", 8);
	TEXT_ESC("a\0b", "a\\x00b", 6);
	TEXT_ESC("back\\slash", "back\\\\slash", 11);
	TEXT_ESC("'quoted'", "'quoted'", 8);
	/* valid UTF-8 as is, one column a character */
	TEXT_ESC("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac", 6);
	/* invalid UTF-8: each bad byte */
	TEXT_ESC("\xff\xfe", "\\xff\\xfe", 8);
	TEXT_ESC("x\xc3", "x\\xc3", 5);
	TEXT_ESC("\xc0\xaf", "\\xc0\\xaf", 8);
	TEXT_ESC("\xed\xa0\x80", "\\xed\\xa0\\x80", 12);
	/* C1 controls (CSI is U+009B), line separators and bidi overrides */
	TEXT_ESC("\xc2\x9b" "2J", "\\u009b2J", 8);
	TEXT_ESC("\xc2\x85", "\\u0085", 6);
	TEXT_ESC("\xe2\x80\xa8\xe2\x80\xae\xe2\x81\xa6", "\\u2028\\u202e\\u2066", 18);
	TEXT_ESC("\xc2\xa0", "\xc2\xa0", 1);  /* no-break space is printable */

	/* padded to a width in columns */
	cap_open(&c);
	cli_text_pad(c.f, "a\nb", 6);
	cli_text_pad(c.f, "caf\xc3\xa9", 5);
	cli_text_pad(c.f, "toolong", 3);
	fputc('|', c.f);
	got = cap_close(&c);
	assert_string_equal(got, "a\\nb  caf\xc3\xa9 toolong|");
	free(got);
}

static char *names_text(char *const *v, size_t n, enum cli_fmt fmt)
{
	struct cap c;

	cap_open(&c);
	cli_print_names(c.f, v, n, fmt);
	return cap_close(&c);
}

/* node|group|resource list */
static void test_names(void **state)
{
	char *names[] = { "plain", "\x1b]0;title\x07", "two\nlines", "caf\xc3\xa9" };
	char *got;

	(void)state;
	got = names_text(names, 4, CLI_FMT_TEXT);
	assert_string_equal(got, "plain\n\\x1b]0;title\\x07\ntwo\\nlines\ncaf\xc3\xa9\n");
	free(got);
	got = names_text(names, 4, CLI_FMT_JSON);
	assert_string_equal(got, "[\n  \"plain\",\n  \"\\u001b]0;title\\u0007\",\n"
				 "  \"two\\nlines\",\n  \"caf\xc3\xa9\"\n]\n");
	free(got);
	got = names_text(NULL, 0, CLI_FMT_JSON);
	assert_string_equal(got, "[]\n");
	free(got);
	got = names_text(NULL, 0, CLI_FMT_TEXT);
	assert_string_equal(got, "");
	free(got);
}

/* Strings in a control's output, read as text: escaped; as JSON: JSON's
 * escapes, and still JSON. */
static void test_decode_escapes(void **state)
{
	/* "a<ESC>[2J<LF>b" in UTF-16LE */
	static const uint8_t sz[] = { 'a', 0, 0x1b, 0, '[', 0, '2', 0, 'J', 0, '\n', 0, 'b', 0,
				      0, 0 };
	static const uint8_t multi[] = { 0x9b, 0, 'x', 0, 0, 0, 'y', 0, '\r', 0, 0, 0, 0, 0 };
	static const char *const tags[] = { "t\x1b", "ok" };
	clusprop_builder b;
	char *got;

	(void)state;
	expect_decode_both(CLUSCTL_RESOURCE_GET_NAME, sz, sizeof(sz), "a\\x1b[2J\\nb\n",
			   "\"a\\u001b[2J\\nb\"\n");
	expect_decode_both(CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES, multi, sizeof(multi),
			   "\\u009bx\ny\\r\n", "[\n  \"\xc2\x9bx\",\n  \"y\\r\"\n]\n");

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Na\x1bme", "v\x1b[0m\n");
	clusprop_add_multi_sz(&b, "Tags", tags, 2);
	clusprop_add_expand_sz(&b, "Tab\tbed", "%x%");
	assert_int_equal(clusprop_builder_status(&b), 0);
	got = decode(CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_TEXT);
	assert_inert(got);
	assert_string_equal(got, "NAME      FORMAT         VALUE\n"
				 "Na\\x1bme  SZ             v\\x1b[0m\\n\n"
				 "Tags      MULTI_SZ       t\\x1b, ok\n"
				 "Tab\\tbed  EXPAND_SZ      %x%\n");
	free(got);
	got = decode(CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_JSON);
	assert_string_equal(got, "{\n"
				 "  \"Na\\u001bme\": \"v\\u001b[0m\\n\",\n"
				 "  \"Tags\": [\n    \"t\\u001b\",\n    \"ok\"\n  ],\n"
				 "  \"Tab\\tbed\": \"%x%\"\n"
				 "}\n");
	free(got);
	clusprop_builder_free(&b);
}

static void test_decode_partition_escapes(void **state)
{
	clusprop_builder b;
	clusprop_partition part = {
		.flags = CLUSPROP_PIFLAG_USABLE, .device_name = "/dev/\x1b[2J",
		.volume_label = "lab\nel", .serial_number = 1, .max_component_length = 255,
		.file_system = "ext4",
	};
	char *got;

	(void)state;
	clusprop_builder_init_owned(&b);
	clusprop_put_partition_info(&b, &part);
	clusprop_put_endmark(&b);
	assert_int_equal(clusprop_builder_status(&b), 0);
	got = decode(CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_TEXT);
	assert_inert(got);
	HAS(got, "device=/dev/\\x1b[2J label=lab\\nel fs=ext4 ");
	free(got);
	got = decode(CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO, clusprop_builder_data(&b),
		     clusprop_builder_size(&b), CLI_FMT_JSON);
	HAS(got, "\"device\": \"/dev/\\u001b[2J\"", "\"label\": \"lab\\nel\"");
	free(got);
	clusprop_builder_free(&b);
}

/* ======================================================================
 * Status
 * ====================================================================== */

/* A status reply built by hand: the cluster record, one node per name
 * (ids from 1, Up); the caller adds groups and resources. */
static void status_begin(clusprop_builder *b, const char *cluster, const char *const *nodes,
			 size_t n_nodes)
{
	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	st_cluster(b, cluster, 1, 1, nodes[0]);
	for (size_t i = 0; i < n_nodes; i++)
		st_node(b, nodes[i], (uint32_t)i + 1, ClusterNodeUp);
}

/* The status a hand-built reply decodes to; the builder is freed. */
static cluster_status *status_from(clusprop_builder *b)
{
	cluster_status *s = NULL;

	assert_int_equal(cs_status_decode(clusprop_builder_data(b), clusprop_builder_size(b), &s),
			 0);
	clusprop_builder_free(b);
	return s;
}

static char *status_output(const cluster_status *s, enum cli_fmt fmt)
{
	struct cap c;

	cap_open(&c);
	cli_print_status(c.f, s, fmt);
	return cap_close(&c);
}

static void test_status_json(void **state)
{
	static const char *const owners[] = { "n1" };
	clusprop_builder b;
	cluster_status *s;
	char *got;

	(void)state;
	status_begin(&b, "demo", owners, 1);
	st_group(&b, "g\tx", ClusterGroupPartialOnline, NULL, owners, 1);
	st_resource(&b, "r", "Dummy", "g\tx", ClusterResourceOfflinePending, "n1", NULL, 0,
		    owners, 1);
	s = status_from(&b);

	got = status_output(s, CLI_FMT_JSON);
	assert_string_equal(got,
		"{\n"
		"  \"cluster\": \"demo\",\n"
		"  \"quorate\": true,\n"
		"  \"synced\": true,\n"
		"  \"notice\": null,\n"
		"  \"local_node\": {\n    \"name\": \"n1\",\n    \"id\": 1\n  },\n"
		"  \"nodes\": [\n"
		"    {\n      \"name\": \"n1\",\n      \"id\": 1,\n      \"state\": \"Up\"\n    }\n"
		"  ],\n"
		"  \"groups\": [\n"
		"    {\n      \"name\": \"g\\tx\",\n      \"state\": \"PartialOnline\",\n"
		"      \"owner\": null,\n      \"preferred_owners\": [\n        \"n1\"\n      ],\n"
		"      \"reason\": null\n    }\n"
		"  ],\n"
		"  \"resources\": [\n"
		"    {\n      \"name\": \"r\",\n      \"type\": \"Dummy\",\n      \"group\": \"g\\tx\",\n"
		"      \"state\": \"OfflinePending\",\n      \"owner\": \"n1\",\n"
		"      \"dependencies\": [],\n      \"possible_owners\": [\n        \"n1\"\n      ]\n"
		"    }\n"
		"  ]\n"
		"}\n");
	free(got);

	got = status_output(s, CLI_FMT_TEXT);
	HAS(got, "Cluster: demo   Quorum: yes   Local node: n1 (id 1)\n", "PartialOnline",
	    "OfflinePending");
	free(got);
	cluster_status_free(s);
}

/* Names in the status, as tables: escaped, and the columns still line up;
 * as JSON: JSON's escapes. */
static void test_status_escapes(void **state)
{
	static const char *const owners[] = { "n\x1b[1m", "n2" };
	static const char *const deps[] = { "d\n1" };
	clusprop_builder b;
	cluster_status *s;
	char *got;

	(void)state;
	status_begin(&b, "de\x1b]0;x\x07mo", owners, 2);
	st_group(&b, "g\nx", ClusterGroupOnline, "n\x1b[1m", owners, 2);
	st_resource(&b, "r\xc2\x9b", "T\ty", "g\nx", ClusterResourceOnline, "n\x1b[1m", deps,
		    1, owners, 1);
	st_resource(&b, "d\n1", "T", "g\nx", ClusterResourceOnline, "n2", NULL, 0, NULL, 0);
	s = status_from(&b);

	got = status_output(s, CLI_FMT_TEXT);
	assert_inert(got);
	HAS(got,
	    "Cluster: de\\x1b]0;x\\x07mo   Quorum: yes   Local node: n\\x1b[1m (id 1)\n",
	    "  NAME      ID         STATE\n"
	    "  n\\x1b[1m  1          Up\n"
	    "  n2        2          Up\n",
	    "  NAME  STATE          OWNER     PREFERRED OWNERS\n"
	    "  g\\nx  Online         n\\x1b[1m  n\\x1b[1m,n2\n",
	    "  NAME     TYPE  GROUP  STATE           OWNER     DEPENDS ON\n"
	    "  r\\u009b  T\\ty  g\\nx   Online          n\\x1b[1m  d\\n1\n"
	    "  d\\n1     T     g\\nx   Online          n2        -\n");
	free(got);

	got = status_output(s, CLI_FMT_JSON);
	HAS(got, "\"cluster\": \"de\\u001b]0;x\\u0007mo\"", "\"name\": \"g\\nx\"",
	    "\"name\": \"r\xc2\x9b\"", "\"type\": \"T\\ty\"",
	    "\"dependencies\": [\n        \"d\\n1\"\n      ]");
	free(got);
	cluster_status_free(s);
}

/* The notice clusterd gives about this node's database is its text: escaped
 * in the table, JSON's escapes in JSON. */
static void test_status_notice_escaped(void **state)
{
	char name[] = "c", node[] = "n1", notice[] = "db moved aside\n\x1b[2Jforged line";
	cluster_status s = {
		.cluster_name = name, .quorate = 1, .local_node_id = 1, .local_node_name = node,
		.synced = 1, .notice = notice,
	};
	char *got;

	(void)state;
	got = status_output(&s, CLI_FMT_TEXT);
	assert_inert(got);
	HAS(got, "\nNotice: db moved aside\\n\\x1b[2Jforged line\n");
	free(got);
	got = status_output(&s, CLI_FMT_JSON);
	HAS(got, "\"notice\": \"db moved aside\\n\\u001b[2Jforged line\",");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_basics),
		cmocka_unit_test(test_run_numbers),
		cmocka_unit_test(test_num_parsers),
		cmocka_unit_test(test_run_empty_values),
		cmocka_unit_test(test_run_option_errors),
		cmocka_unit_test(test_run_empty_property_list),
		cmocka_unit_test(test_run_escapes_messages),
		cmocka_unit_test(test_priv_parse),
		cmocka_unit_test(test_priv_build),
		cmocka_unit_test(test_props_build),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_decode_simple),
		cmocka_unit_test(test_decode_property_list),
		cmocka_unit_test(test_decode_value_list),
		cmocka_unit_test(test_text_escape),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_decode_escapes),
		cmocka_unit_test(test_decode_partition_escapes),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_status_escapes),
		cmocka_unit_test(test_status_notice_escaped),
	};

	setenv("CLUSTER_SOCKET", NO_SOCKET, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
