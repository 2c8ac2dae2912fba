/*
 * The page-replacement policy: which resident page becomes the victim when
 * memory must be freed (CS:APP 9.3.4: "the kernel selects a victim page").
 *
 * One policy is active, chosen at boot with swap_policy=NAME (default fifo).
 * Each policy is one small file (replace_fifo.c, ...) that fills one
 * struct replace_policy and is listed in replace.c's table. The mechanism
 * (mm/vmscan.c: unmap through rmap, write to swap, free) never looks inside
 * a policy's lists, and a policy never unmaps or frees anything.
 *
 * What a policy sees: evictable pages, today private anonymous pages
 * (PG_anon). The calls, each made with replace_lock held (a policy takes no
 * other lock and never sleeps):
 *   page_added(p)       p became resident: a new anonymous page mapped by a
 *                       fault, or a page swapped back in. p is not on a list.
 *   page_referenced(p)  a fault found p already resident (a swap-cache hit):
 *                       a use the accessed bit may not show. p is on a list.
 *   page_removed(p)     p is being freed (munmap, exit, the last COW sharer
 *                       copied): take it off your lists. p is on a list.
 *   pick_victim()       take the next victim off your lists and return it;
 *                       NULL when they are empty. To choose, a policy may
 *                       test (and clear) the accessed bits of every PTE
 *                       mapping a page: page_referenced_clear() in rmap.h.
 *   page_evicted(p, swp)  p, a victim, was unmapped everywhere and its data
 *                       is on slot swp: it leaves memory. May be NULL.
 *   page_refault(p, swp)  p was just read back from slot swp (a major
 *                       fault), before page_added: a policy may remember
 *                       the eviction (a shadow entry) and mark p
 *                       PG_workingset, which page_added sees. May be NULL.
 *   putback(p)          a page pick_victim returned that reclaim could not
 *                       evict now (under I/O, mlocked, a mapping rmap cannot
 *                       find, swap full): back on your lists.
 * Invariant (replace_check): PG_lru is set exactly on the pages the policy
 * holds, and replace_nr_pages() counts them.
 *
 * Lock: replace_lock (spinlock, replace.c) guards every policy's lists and
 * each page's PG_lru / PG_active / PG_referenced / PG_young, age and lru links.
 */
#ifndef PAGODA_REPLACE_H
#define PAGODA_REPLACE_H

#include "frame.h"
#include "pte.h"

struct replace_policy {
	const char *name;
	const char *summary;                  /* one line for the boot log */
	void (*page_added)(struct page *p);
	void (*page_referenced)(struct page *p);   /* may be NULL: nothing to do */
	void (*page_removed)(struct page *p);
	struct page *(*pick_victim)(void);
	void (*putback)(struct page *p);
	void (*page_evicted)(struct page *p, pte_t swp);   /* may be NULL */
	void (*page_refault)(struct page *p, pte_t swp);   /* may be NULL */
	uint64_t (*nr_pages)(void);           /* pages on the lists */
};

/* The policies (one file each), as replace.c's table lists them. */
extern const struct replace_policy replace_fifo;
extern const struct replace_policy replace_clock;
extern const struct replace_policy replace_gclock;
extern const struct replace_policy replace_lru2;

/* A doubly linked list of pages through lru_next / lru_prev, for policies. */
struct page_list {
	struct page *head, *tail;
	uint64_t count;
};
void page_list_add_tail(struct page_list *l, struct page *p);
void page_list_add_head(struct page_list *l, struct page *p);
void page_list_del(struct page_list *l, struct page *p);
struct page *page_list_pop_head(struct page_list *l);   /* NULL if empty */

/* Choose the policy by name (swap_policy=); 0, or -EINVAL (unchanged).
 * Only while no page is on the lists (boot, ktests). */
int replace_select(const char *name);
const struct replace_policy *replace_current(void);
/* Boot: the policy named by swap_policy= (NULL: the default), with one log
 * line; an unknown name keeps the default and says so. */
void replace_boot(const char *name);

/* The mechanism's side of the interface (each takes replace_lock). */
void replace_page_added(struct page *p);        /* sets PG_lru */
void replace_page_referenced(struct page *p);   /* no-op unless PG_lru */
void replace_page_removed(struct page *p);      /* clears PG_lru; no-op without it */
/* The working-set sampler cleared an accessed bit of p's (mm/workingset.c):
 * PG_young keeps the use for page_referenced_clear. No-op unless PG_lru. */
void replace_page_young(struct page *p);
struct page *replace_pick_victim(void);         /* PG_lru cleared on the page returned */
void replace_putback(struct page *p);           /* sets PG_lru */
void replace_page_evicted(struct page *p, pte_t swp);   /* reclaim: p's data is on swp, p leaves memory */
void replace_page_refault(struct page *p, pte_t swp);   /* a major fault read p from swp; before the add */
uint64_t replace_nr_pages(void);

struct replace_counters {
	uint64_t added, removed, picked, putback, referenced;
};
extern struct replace_counters replace_stat;

#endif
