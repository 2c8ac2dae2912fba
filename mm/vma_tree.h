#ifndef PAGODA_VMA_TREE_H
#define PAGODA_VMA_TREE_H
#include "../kernel/types.h"

/* An AVL tree of nodes keyed by an address, embedded in the caller's
 * objects. It knows nothing about memory: vma.c puts VMAs in it. */
struct avl_node {
	struct avl_node *left, *right;
	int height;
	uintptr_t key;
	uintptr_t gap;       /* set by the owner: the free space below this node's item */
	uintptr_t max_gap;   /* the largest gap in this subtree (kept by the tree) */
};

struct avl_tree {
	struct avl_node *root;
	size_t count;
};

void avl_insert(struct avl_tree *t, struct avl_node *n);   /* keys must be unique */
void avl_remove(struct avl_tree *t, struct avl_node *n);
/* The node with the largest key <= key, or NULL. O(log n). */
struct avl_node *avl_floor(const struct avl_tree *t, uintptr_t key);
/* After the owner changed the gap of the node with this key: every
 * max_gap on its path is brought up to date. O(log n). */
void avl_refresh(struct avl_tree *t, uintptr_t key);
/* Height of the tree and whether every node satisfies the AVL and order
 * rules and carries its subtree's largest gap. */
bool avl_check(const struct avl_tree *t, int *height);

#endif
