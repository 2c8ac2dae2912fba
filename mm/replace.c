/*
 * The replacement-policy switch (mm/replace.h): the table of policies, the
 * one chosen at boot (swap_policy=), the page lists policies build on, and
 * the wrappers through which the mechanism calls the policy.
 *
 * Always true: PG_lru is set exactly on the pages the policy holds (set
 * here before page_added / putback, cleared here before page_removed and
 * on the page pick_victim returns), so a policy never sees a page twice.
 * Lock: replace_lock (spinlock) around every call into the policy.
 */
#include "replace.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/spinlock.h"
#include "../kernel/string.h"

/* Every policy, by name; the first is the default. */
static const struct replace_policy *const policies[] = {
	&replace_fifo,
	&replace_clock,
	&replace_gclock,
	&replace_lru2,
};

static const struct replace_policy *policy = &replace_fifo;
static struct spinlock replace_lock = SPINLOCK_INIT("replace");
struct replace_counters replace_stat;

int replace_select(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
		if (strcmp(policies[i]->name, name))
			continue;
		kassert(policy->nr_pages() == 0);
		policy = policies[i];
		return 0;
	}
	return -EINVAL;
}

const struct replace_policy *replace_current(void)
{
	return policy;
}

void replace_boot(const char *name)
{
	if (name && replace_select(name))
		printk("swap_policy=%s: no such policy; using %s\n", name, policy->name);
	pr_info("replace: page replacement policy %s (%s)\n", policy->name, policy->summary);
}

/* ---- the mechanism's calls ---- */

void replace_page_added(struct page *p)
{
	spin_lock(&replace_lock);
	kassert(!(p->flags & PG_lru));
	p->flags = (p->flags | PG_lru) & ~(PG_active | PG_referenced | PG_young);
	policy->page_added(p);
	replace_stat.added++;
	spin_unlock(&replace_lock);
}

void replace_page_referenced(struct page *p)
{
	spin_lock(&replace_lock);
	if ((p->flags & PG_lru) && policy->page_referenced) {
		policy->page_referenced(p);
		replace_stat.referenced++;
	}
	spin_unlock(&replace_lock);
}

void replace_page_young(struct page *p)
{
	spin_lock(&replace_lock);
	if (p->flags & PG_lru)
		p->flags |= PG_young;
	spin_unlock(&replace_lock);
}

void replace_page_removed(struct page *p)
{
	spin_lock(&replace_lock);
	if (p->flags & PG_lru) {
		policy->page_removed(p);
		p->flags &= ~(PG_lru | PG_active | PG_referenced | PG_young);
		replace_stat.removed++;
	}
	spin_unlock(&replace_lock);
}

struct page *replace_pick_victim(void)
{
	spin_lock(&replace_lock);
	struct page *p = policy->pick_victim();
	if (p) {
		kassert(p->flags & PG_lru);
		p->flags &= ~PG_lru;
		replace_stat.picked++;
	}
	spin_unlock(&replace_lock);
	return p;
}

void replace_putback(struct page *p)
{
	spin_lock(&replace_lock);
	kassert(!(p->flags & PG_lru));
	p->flags |= PG_lru;
	policy->putback(p);
	replace_stat.putback++;
	spin_unlock(&replace_lock);
}

void replace_page_evicted(struct page *p, pte_t swp)
{
	spin_lock(&replace_lock);
	if (policy->page_evicted)
		policy->page_evicted(p, swp);
	spin_unlock(&replace_lock);
}

void replace_page_refault(struct page *p, pte_t swp)
{
	spin_lock(&replace_lock);
	if (!(p->flags & PG_lru) && policy->page_refault)
		policy->page_refault(p, swp);
	spin_unlock(&replace_lock);
}

uint64_t replace_nr_pages(void)
{
	return policy->nr_pages();
}

/* ---- page lists, through lru_next / lru_prev ---- */

void page_list_add_tail(struct page_list *l, struct page *p)
{
	p->lru_next = NULL;
	p->lru_prev = l->tail;
	if (l->tail)
		l->tail->lru_next = p;
	else
		l->head = p;
	l->tail = p;
	l->count++;
}

void page_list_add_head(struct page_list *l, struct page *p)
{
	p->lru_prev = NULL;
	p->lru_next = l->head;
	if (l->head)
		l->head->lru_prev = p;
	else
		l->tail = p;
	l->head = p;
	l->count++;
}

void page_list_del(struct page_list *l, struct page *p)
{
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		l->head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		l->tail = p->lru_prev;
	p->lru_next = p->lru_prev = NULL;
	l->count--;
}

struct page *page_list_pop_head(struct page_list *l)
{
	struct page *p = l->head;
	if (p)
		page_list_del(l, p);
	return p;
}
