/*
 * The kernel lock (kernel_lock.h says why and when it is held).
 *
 *   locked: 0 or 1, taken by xchg; owner: the holding CPU's index, or -1.
 *
 * Always true: owner == the holder's cpu exactly while locked; a waiter
 * spins with interrupts off and runs the IPI calls addressed to it; once
 * kernel_lock_kept is set, locked == 1 and owner == 0 for good.
 */
#include "kernel_lock.h"
#include "panic.h"
#include "percpu.h"
#include "smp.h"
#include "x86.h"

static volatile uint32_t locked;
static volatile int owner = -1;
static uint64_t contended;
bool kernel_lock_kept;

bool kernel_lock_held(void)
{
	return owner == smp_processor_id();
}

void kernel_lock(void)
{
	kassert(!(read_rflags() & RFLAGS_IF));
	if (kernel_lock_kept)
		return;
	if (xchg32(&locked, 1)) {
		do {
			while (locked) {
				pause();
				smp_call_poll();
			}
		} while (xchg32(&locked, 1));
		contended++;
	}
	owner = smp_processor_id();
}

void kernel_unlock(void)
{
	kassert(owner == smp_processor_id());
	if (kernel_lock_kept)
		return;
	owner = -1;
	barrier();
	locked = 0;
}

bool kernel_lock_enter_slow(void)
{
	if (kernel_lock_held())
		return false;
	kernel_lock();
	return true;
}

/* Called once the boot CPU knows no other CPU will run: it holds the lock
 * (kmain took it) and keeps it. */
void kernel_lock_keep(void)
{
	kassert(ncpus == 1 && kernel_lock_held());
	kernel_lock_kept = true;
}

uint64_t kernel_lock_contended(void)
{
	return contended;
}
