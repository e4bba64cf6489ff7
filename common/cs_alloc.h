/*
 * cs_alloc.h - the project's allocator, with allocation-failure injection.
 *
 * Every allocation in Cluster Server's own code goes through these calls, so
 * that a test can make the N-th allocation fail ("torture", as curl's test
 * suite does it) and count what is still live afterwards.  Outside a torture
 * run they are malloc/calloc/realloc/free plus two atomic counters.
 *
 * Failure injection is armed by cs_alloc_fail_at(n) in a test, or for a
 * whole process (daemons, plugins) by the environment variable
 * CS_TORTURE_FAIL_AT=n, read at the first allocation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_ALLOC_H
#define CS_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *cs_malloc(size_t size);
void *cs_calloc(size_t nmemb, size_t size);
/* Like realloc, but on failure the old block is kept (and still owned by the caller). */
void *cs_realloc(void *p, size_t size);
char *cs_strdup(const char *s);
char *cs_strndup(const char *s, size_t n);
void cs_free(void *p);

/* Free *pp and set it to NULL.  (One way out of a function that owns
 * things: a single `out:` label that frees everything, pointers set to NULL
 * when ownership moves - no scope-exit attributes.) */
#define cs_freep(pp) do { cs_free(*(pp)); *(pp) = NULL; } while (0)

/* ---- torture control (tests) ---- */

/* Make the n-th allocation from now fail (n >= 1), and only that one;
 * 0 disarms.  Resets the allocation count. */
void cs_alloc_fail_at(uint64_t n);
/* Allocations attempted since the last cs_alloc_fail_at() or cs_alloc_reset(). */
uint64_t cs_alloc_count(void);
/* Whether the armed failure has been delivered. */
int cs_alloc_failed(void);
/* Blocks allocated and not yet freed, over the life of the process. */
int64_t cs_alloc_live(void);
/* Reset the count and disarm. */
void cs_alloc_reset(void);

#endif /* CS_ALLOC_H */
