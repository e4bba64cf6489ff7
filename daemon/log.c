/*
 * log.c - see log.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static int max_level = LOG_LVL_INFO;
static int to_syslog;

void log_setup(int level, int use_syslog, const char *ident)
{
	max_level = level;
	to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int log_level_parse(const char *s)
{
	static const char *const names[] = { "error", "warning", "notice", "info", "debug" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return LOG_LVL_ERR + i;
	return -1;
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warning", "notice", "info", "debug" };
	char buf[1024];
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (to_syslog) {
		syslog(level, "%s", buf);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld clusterd %s: %s\n", tm.tm_hour, tm.tm_min,
			tm.tm_sec, ts.tv_nsec / 1000000, tags[level - LOG_LVL_ERR], buf);
	}
}
