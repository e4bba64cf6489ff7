/*
 * loop.c - see loop.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "cs_alloc.h"

struct watch {
	int fd;
	uint32_t events;
	loop_fd_fn fn;
	void *data;
	struct watch *next;
	int dead;
};

struct loop_timer {
	uint64_t due;
	uint64_t period;            /* 0: one-shot */
	loop_timer_fn fn;
	void *data;
	struct loop_timer *next;
};

struct loop {
	int ep;
	int stop;
	struct watch *watches;
	struct loop_timer *timers;  /* sorted by due time */
	struct loop_timer *firing;  /* the periodic timer whose fn runs now */
	int firing_cancelled;       /* ... and it cancelled itself */
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int loop_new(struct loop **ret)
{
	struct loop *l = cs_calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0) {
		int e = -errno;
		cs_free(l);
		return e;
	}
	*ret = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	while (l->watches) {
		struct watch *w = l->watches;
		l->watches = w->next;
		cs_free(w);
	}
	while (l->timers) {
		struct loop_timer *t = l->timers;
		l->timers = t->next;
		cs_free(t);
	}
	close(l->ep);
	cs_free(l);
}

static struct watch *find(struct loop *l, int fd)
{
	for (struct watch *w = l->watches; w; w = w->next)
		if (w->fd == fd && !w->dead)
			return w;
	return NULL;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *data)
{
	struct epoll_event ev = { .events = events };
	struct watch *w = cs_calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->data = data;
	ev.data.ptr = w;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = -errno;
		cs_free(w);
		return e;
	}
	w->next = l->watches;
	l->watches = w;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct watch *w = find(l, fd);
	struct epoll_event ev = { .events = events };

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	w->events = events;
	return epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	struct watch *w = find(l, fd);

	if (!w)
		return;
	epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
	w->dead = 1; /* freed after the current dispatch round */
}

static void timer_insert(struct loop *l, struct loop_timer *t)
{
	struct loop_timer **pp;

	for (pp = &l->timers; *pp && (*pp)->due <= t->due; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
}

static struct loop_timer *timer_new(struct loop *l, uint64_t ms, uint64_t period,
				    loop_timer_fn fn, void *data)
{
	struct loop_timer *t = cs_calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->due = loop_now_ms() + ms;
	t->period = period;
	t->fn = fn;
	t->data = data;
	timer_insert(l, t);
	return t;
}

struct loop_timer *loop_timer_add(struct loop *l, uint64_t ms, loop_timer_fn fn, void *data)
{
	return timer_new(l, ms, 0, fn, data);
}

struct loop_timer *loop_timer_every(struct loop *l, uint64_t ms, loop_timer_fn fn, void *data)
{
	return timer_new(l, ms, ms ? ms : 1, fn, data);
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (t && t == l->firing) {
		l->firing_cancelled = 1; /* freed when its fn returns */
		return;
	}
	for (struct loop_timer **pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			cs_free(t);
			return;
		}
	}
}

static void reap_watches(struct loop *l)
{
	for (struct watch **pp = &l->watches; *pp;) {
		struct watch *w = *pp;
		if (w->dead) {
			*pp = w->next;
			cs_free(w);
		} else {
			pp = &w->next;
		}
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[32];

	while (!l->stop) {
		int timeout = -1, n;
		uint64_t now = loop_now_ms();

		if (l->timers)
			timeout = l->timers->due > now ? (int)(l->timers->due - now) : 0;
		n = epoll_wait(l->ep, evs, 32, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct watch *w = evs[i].data.ptr;
			if (!w->dead)
				w->fn(w->data, evs[i].events);
		}
		reap_watches(l);
		now = loop_now_ms();
		while (l->timers && l->timers->due <= now && !l->stop) {
			struct loop_timer *t = l->timers;
			l->timers = t->next;
			if (!t->period) {
				loop_timer_fn fn = t->fn;
				void *data = t->data;
				cs_free(t);
				fn(data);
				continue;
			}
			/* periodic: put back without allocating (unless it cancelled itself) */
			l->firing = t;
			l->firing_cancelled = 0;
			t->fn(t->data);
			l->firing = NULL;
			if (l->firing_cancelled) {
				cs_free(t);
			} else {
				t->due = now + t->period;
				timer_insert(l, t);
			}
		}
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}
