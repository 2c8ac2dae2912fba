/*
 * poll(2) event bits, and the one wait channel every pollable state change
 * wakes (fs/select.c).
 */
#ifndef PAGODA_POLL_H
#define PAGODA_POLL_H

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
/* What a file without a poll operation reports: always ready (Linux's DEFAULT_POLLMASK). */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/* A pipe, the console or anything else poll(2) watches changed state. */
void poll_wake(void);

#endif
