/* Sleeping locks: see mutex.h for the rules. */
#include "mutex.h"
#include "panic.h"
#include "proc.h"
#include "x86.h"

void mutex_init(struct mutex *m, const char *name)
{
	m->name = name;
	m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
	struct proc *me = current_proc();
	bool on = irq_save();
	while (m->owner) {
		if (m->owner == me)
			panic("mutex_lock: %s taken twice by pid %d", m->name, me->pid);
		if (me == idle_proc)
			panic("mutex_lock: the boot thread would wait for %s", m->name);
		sleep_on(m, 0);
	}
	m->owner = me;
	irq_restore(on);
}

void mutex_unlock(struct mutex *m)
{
	kassert(m->owner == current_proc());
	m->owner = NULL;
	wakeup(m);
}

bool mutex_is_locked(const struct mutex *m)
{
	return m->owner != NULL;
}
