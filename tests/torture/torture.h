/*
 * torture.h - allocation-failure injection harness ("torture", after curl).
 *
 * A scenario is a function that does one complete piece of work through
 * the project's code and frees everything it allocated, returning
 * ERROR_SUCCESS or an error.  torture_run() first runs it clean and counts
 * its allocations (K), then runs it K more times, making allocation 1, 2,
 * ..., K fail in turn.  Every failing run must return an error (not
 * ERROR_SUCCESS) and leave exactly as many live blocks as before; the clean
 * run must succeed, leak nothing, and allocate the same K each time.
 * LeakSanitizer or valgrind, run over the whole program, backs the count up.
 *
 * Any code that allocates through cs_alloc.h can be tortured this way; a
 * separate process (a daemon, the resource host) is tortured by starting it
 * with CS_TORTURE_FAIL_AT=N in its environment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef TORTURE_H
#define TORTURE_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t (*torture_fn)(void *ctx);

struct torture_result {
	uint64_t allocations;     /* K: allocations of one clean run */
	uint64_t failing_runs;    /* runs made with an injected failure */
	char error[512];          /* what went wrong, if anything */
};

/*
 * Run the scenario under torture.  Returns 0 if every run behaved, -1 with
 * res->error explaining the first misbehaviour.  Prints one summary line to
 * stderr when TORTURE_VERBOSE is set in the environment.
 */
int torture_run(const char *name, torture_fn fn, void *ctx, struct torture_result *res);

#endif /* TORTURE_H */
