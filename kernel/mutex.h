/*
 * A sleeping lock, for data held across disk I/O (a filesystem's metadata,
 * a buffer being read). Waiters sleep on the mutex's address; unlock wakes
 * them and the first to run takes it.
 *
 * Always true: owner != NULL exactly when locked; only the owner unlocks;
 * a process never takes a mutex it holds (that panics: it could never wake).
 * The boot thread (ktests, boot-time mounts) may take a free mutex but can
 * never wait for one: nobody else runs then, so a held one is a bug.
 */
#ifndef PAGODA_MUTEX_H
#define PAGODA_MUTEX_H
#include "types.h"

struct proc;

struct mutex {
	const char *name;
	struct proc *owner;
};

#define MUTEX_INIT(n) { .name = (n), .owner = NULL }

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(const struct mutex *m);

#endif
