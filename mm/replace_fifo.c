/*
 * FIFO replacement (CS:APP 9.3.4's simplest answer; Belady's anomaly lives
 * here): the page resident longest is the victim, whether used or not.
 *
 *   queue: head (oldest: the next victim) <-> ... <-> tail (newest)
 *
 * Always true: queue holds exactly the pages with PG_lru; a page enters at
 * the tail when it becomes resident, and a page reclaim could not evict
 * goes back to the tail (it had its turn). References are ignored: that is
 * what clock (second chance) adds.
 * Lock: replace_lock (replace.c), held by every caller.
 */
#include "replace.h"

static struct page_list queue;

static void fifo_add(struct page *p)
{
	page_list_add_tail(&queue, p);
}

static void fifo_remove(struct page *p)
{
	page_list_del(&queue, p);
}

static struct page *fifo_pick(void)
{
	return page_list_pop_head(&queue);
}

static uint64_t fifo_nr_pages(void)
{
	return queue.count;
}

const struct replace_policy replace_fifo = {
	.name = "fifo",
	.summary = "first in, first out: the oldest resident page goes first",
	.page_added = fifo_add,
	.page_referenced = NULL,
	.page_removed = fifo_remove,
	.pick_victim = fifo_pick,
	.putback = fifo_add,
	.nr_pages = fifo_nr_pages,
};
