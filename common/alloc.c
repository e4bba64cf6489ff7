/*
 * alloc.c - see cs_alloc.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cs_alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic uint64_t alloc_count;   /* attempts since arming */
static _Atomic uint64_t fail_at;       /* 0: never */
static _Atomic int failed;
static _Atomic int64_t live;
static atomic_flag env_read = ATOMIC_FLAG_INIT;

static void read_env_once(void)
{
	if (atomic_flag_test_and_set(&env_read))
		return;
	const char *s = getenv("CS_TORTURE_FAIL_AT");
	if (s && *s) {
		char *end = NULL;
		unsigned long long n = strtoull(s, &end, 10);
		if (end && *end == '\0' && n > 0)
			atomic_store(&fail_at, (uint64_t)n);
	}
}

/* Count one allocation attempt; true if this one must fail. */
static int should_fail(void)
{
	read_env_once();
	uint64_t n = atomic_fetch_add(&alloc_count, 1) + 1;
	uint64_t target = atomic_load(&fail_at);
	if (target != 0 && n == target) {
		atomic_store(&failed, 1);
		return 1;
	}
	return 0;
}

void *cs_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	void *p = malloc(size ? size : 1);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

void *cs_calloc(size_t nmemb, size_t size)
{
	if (should_fail())
		return NULL;
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

void *cs_realloc(void *p, size_t size)
{
	if (should_fail())
		return NULL;
	void *q = realloc(p, size ? size : 1);
	if (q && !p)
		atomic_fetch_add(&live, 1);
	return q;
}

char *cs_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = cs_malloc(len + 1);
	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *cs_strdup(const char *s)
{
	return cs_strndup(s, SIZE_MAX);
}

void cs_free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub(&live, 1);
	free(p);
}

void cs_alloc_fail_at(uint64_t n)
{
	atomic_flag_test_and_set(&env_read); /* an explicit setting wins over the environment */
	atomic_store(&fail_at, n);
	atomic_store(&alloc_count, 0);
	atomic_store(&failed, 0);
}

uint64_t cs_alloc_count(void) { return atomic_load(&alloc_count); }
int cs_alloc_failed(void) { return atomic_load(&failed); }
int64_t cs_alloc_live(void) { return atomic_load(&live); }
void cs_alloc_reset(void) { cs_alloc_fail_at(0); }
