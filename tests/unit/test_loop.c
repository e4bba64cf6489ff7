/*
 * test_loop.c - clusterd's event loop (daemon/loop.c): one-shot and
 * periodic timers, cancelling (also from inside the timer's own call),
 * descriptors, and stopping; a periodic timer allocates once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/epoll.h>
#include <unistd.h>

#include "cs_alloc.h"
#include "loop.h"

struct ctx {
	struct loop *l;
	struct loop_timer *self;
	int fired, stop_at, cancel_at, other_fired;
	uint64_t alloc_at_second;
};

static void on_periodic(void *data)
{
	struct ctx *c = data;

	c->fired++;
	if (c->fired == 2)
		c->alloc_at_second = cs_alloc_count();
	if (c->fired == c->cancel_at)
		loop_timer_cancel(c->l, c->self);
	if (c->fired == c->stop_at)
		loop_stop(c->l);
}

static void on_once(void *data)
{
	struct ctx *c = data;

	c->other_fired++;
}

static void on_stop(void *data)
{
	loop_stop(((struct ctx *)data)->l);
}

static void test_periodic_fires_and_stops(void **state)
{
	struct ctx c = { .stop_at = 5, .cancel_at = -1 };
	int64_t live = cs_alloc_live();

	(void)state;
	assert_int_equal(loop_new(&c.l), 0);
	assert_non_null(c.self = loop_timer_every(c.l, 1, on_periodic, &c));
	assert_non_null(loop_timer_add(c.l, 0, on_once, &c));
	cs_alloc_reset();
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.fired, 5);
	assert_int_equal(c.other_fired, 1);
	/* firing again and again allocated nothing after the second round */
	assert_int_equal(cs_alloc_count(), c.alloc_at_second);
	loop_free(c.l);
	assert_int_equal(cs_alloc_live(), live);
}

static void test_cancel_from_own_call(void **state)
{
	struct ctx c = { .stop_at = -1, .cancel_at = 3 };
	int64_t live = cs_alloc_live();

	(void)state;
	assert_int_equal(loop_new(&c.l), 0);
	assert_non_null(c.self = loop_timer_every(c.l, 1, on_periodic, &c));
	assert_non_null(loop_timer_add(c.l, 40, on_stop, &c));
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.fired, 3); /* cancelled inside its third call: no fourth */
	loop_free(c.l);
	assert_int_equal(cs_alloc_live(), live);
}

static void test_cancel_pending(void **state)
{
	struct ctx c = { .stop_at = -1, .cancel_at = -1 };
	struct loop_timer *t;
	int64_t live = cs_alloc_live();

	(void)state;
	assert_int_equal(loop_new(&c.l), 0);
	assert_non_null(t = loop_timer_add(c.l, 5, on_once, &c));
	assert_non_null(c.self = loop_timer_every(c.l, 5, on_periodic, &c));
	loop_timer_cancel(c.l, t);
	loop_timer_cancel(c.l, c.self);
	assert_non_null(loop_timer_add(c.l, 20, on_stop, &c));
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.other_fired, 0);
	assert_int_equal(c.fired, 0);
	loop_free(c.l);
	assert_int_equal(cs_alloc_live(), live);
}

static void on_readable(void *data, uint32_t events)
{
	struct ctx *c = data;
	char b;

	assert_true(events & EPOLLIN);
	c->other_fired++;
	assert_int_equal(read(c->stop_at, &b, 1), 1);
	loop_stop(c->l);
}

static void test_fd(void **state)
{
	struct ctx c = { .cancel_at = -1 };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	c.stop_at = p[0];
	assert_int_equal(loop_new(&c.l), 0);
	assert_int_equal(loop_add_fd(c.l, p[0], EPOLLIN, on_readable, &c), 0);
	assert_int_equal(loop_add_fd(c.l, p[0], EPOLLIN, on_readable, &c) < 0, 1); /* one watch per fd */
	assert_int_equal(loop_mod_fd(c.l, p[1], EPOLLIN) < 0, 1);                  /* not watched */
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(c.l), 0);
	assert_int_equal(c.other_fired, 1);
	loop_del_fd(c.l, p[0]);
	loop_free(c.l);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periodic_fires_and_stops),
		cmocka_unit_test(test_cancel_from_own_call),
		cmocka_unit_test(test_cancel_pending),
		cmocka_unit_test(test_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
