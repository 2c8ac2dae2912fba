#ifndef PAGODA_VMA_TREE_H
#define PAGODA_VMA_TREE_H
#include "../kernel/types.h"

/* An AVL tree of nodes keyed by an address, embedded in the caller's
 * objects. It knows nothing about memory: vma.c puts VMAs in it. */
struct avl_node {
	struct avl_node *left, *right;
	struct avl_node *parent;   /* NULL at the root */
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
/* Insert n as the in-order successor of prev (NULL: as the first node):
 * the caller knows n's key lies between prev's and prev's successor's, so
 * there is no descent from the root. O(1) rotations, amortised. */
void avl_insert_after(struct avl_tree *t, struct avl_node *prev, struct avl_node *n);
void avl_remove(struct avl_tree *t, struct avl_node *n);
/* The node with the largest key, or NULL. O(log n). */
struct avl_node *avl_last(const struct avl_tree *t);
/* The node with the largest key <= key, or NULL. O(log n). */
struct avl_node *avl_floor(const struct avl_tree *t, uintptr_t key);
/* After the owner changed n's gap: every max_gap above it that depended on
 * it is brought up to date. O(log n) at most. */
void avl_refresh(struct avl_tree *t, struct avl_node *n);
/* Height of the tree and whether every node satisfies the AVL and order
 * rules, has the right parent and carries its subtree's largest gap. */
bool avl_check(const struct avl_tree *t, int *height);

#endif
