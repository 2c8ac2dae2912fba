/*
 * Robust futex lists (set_robust_list(2), get_robust_list(2)): a thread
 * names the head of a list, in its own memory, of the lock words it holds;
 * when it dies or calls execve, the kernel walks the list and marks every
 * lock word still owned by it (its tid in the low 30 bits) with
 * FUTEX_OWNER_DIED, waking one waiter if FUTEX_WAITERS is set. The next
 * locker then learns that the owner is gone (pthread's EOWNERDEAD) instead
 * of waiting for ever. The format is the Linux ABI:
 *
 *   p->robust_list --> head: { next, futex_offset, list_op_pending }
 *                      next --> entry --> entry --> ... --> head
 *   an entry's lock word is at entry + futex_offset; list_op_pending is an
 *   entry being locked or unlocked at the moment of death (maybe on the
 *   list, maybe not), handled after the list.
 *
 * Always true: p->robust_list is set only by p (set_robust_list), starts at
 * 0 in every new thread and process (clone), and is 0 after the walk. The
 * walk reads user memory only through copy_from_user and changes a lock
 * word only by one atomic compare-and-exchange (another thread may change
 * it on another CPU meanwhile); a bad pointer ends the walk and a cycle
 * ends after ROBUST_LIST_LIMIT entries: user data never hurts the kernel.
 * Lock: the field is p's own, read and written under the kernel lock; the
 * wake takes futex_lock (kernel/futex.c).
 */
#include "errno.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

enum { ROBUST_LIST_LIMIT = 2048 };   /* as Linux: a list longer than this is taken for a cycle */

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

struct robust_list_head {
	uintptr_t next;
	long futex_offset;
	uintptr_t list_op_pending;
};

long sys_set_robust_list(uintptr_t head, size_t len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current_proc()->robust_list = head;
	return 0;
}

long sys_get_robust_list(int pid, uintptr_t head_ptr, uintptr_t len_ptr)
{
	struct proc *p = pid ? proc_find(pid) : current_proc();
	if (!p)
		return -ESRCH;
	size_t len = sizeof(struct robust_list_head);
	if (copy_to_user(len_ptr, &len, sizeof(len)) || copy_to_user(head_ptr, &p->robust_list, sizeof(uintptr_t)))
		return -EFAULT;
	return 0;
}

/* The lock word at uaddr, if tid owns it: owner died, waiters kept, one woken. */
static void owner_died(struct proc *p, uintptr_t uaddr)
{
	uint32_t val, found;
	if (copy_from_user(&val, uaddr, sizeof(val)))
		return;
	while ((val & FUTEX_TID_MASK) == (uint32_t)p->pid) {
		uint32_t dead = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (cmpxchg_user_u32(uaddr, val, dead, &found))
			return;
		if (found == val) {
			if (val & FUTEX_WAITERS)
				futex_wake(p->mm, uaddr, 1, ~0u);
			return;
		}
		val = found;   /* changed under us: look again */
	}
}

static bool read_word(uintptr_t uaddr, uintptr_t *word)
{
	return copy_from_user(word, uaddr, sizeof(*word)) == 0;
}

/* At p's death or execve, in p's address space (kernel/fork.c mm_release). */
void exit_robust_list(struct proc *p)
{
	struct robust_list_head head;
	uintptr_t uhead = p->robust_list;
	p->robust_list = 0;
	if (!uhead || copy_from_user(&head, uhead, sizeof(head)))
		return;
	uintptr_t entry = head.next;
	for (int n = 0; entry != uhead && n < ROBUST_LIST_LIMIT; n++) {
		uintptr_t next;
		if (!read_word(entry, &next))
			return;
		if (entry != head.list_op_pending)
			owner_died(p, entry + head.futex_offset);
		entry = next;
	}
	if (head.list_op_pending)
		owner_died(p, head.list_op_pending + head.futex_offset);
}
