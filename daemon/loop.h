/*
 * loop.h - clusterd's single event loop: epoll over descriptors, plus
 * one-shot and periodic timers on the monotonic clock.
 *
 * The OS layer of clusterd: like the system calls it wraps, it returns 0 or
 * -errno (the modules above it return ERROR_* codes, csd.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_LOOP_H
#define CSD_LOOP_H

#include <stdint.h>

typedef void (*loop_fd_fn)(void *data, uint32_t events);
typedef void (*loop_timer_fn)(void *data);

struct loop;
struct loop_timer;

int loop_new(struct loop **ret);
void loop_free(struct loop *l);
/* Watch fd for events (EPOLLIN ...); one watch per fd. */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *data);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
void loop_del_fd(struct loop *l, int fd);
/* Call fn once, ms from now.  The timer frees itself after firing; cancel
 * a pending one with loop_timer_cancel.  NULL if memory is short. */
struct loop_timer *loop_timer_add(struct loop *l, uint64_t ms, loop_timer_fn fn, void *data);
/* Call fn every ms until cancelled (also from fn itself).  Allocates once,
 * here: a periodic tick cannot stop for lack of memory later. */
struct loop_timer *loop_timer_every(struct loop *l, uint64_t ms, loop_timer_fn fn, void *data);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
uint64_t loop_now_ms(void);

#endif
