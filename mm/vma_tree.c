/*
 * AVL tree: a binary search tree in which the heights of every node's two
 * subtrees differ by at most one, so lookups, insertions and removals take
 * O(log n). Rebalancing is by single and double rotations on the way back up
 * from a recursive insert or remove.
 *
 * Each node is augmented with max_gap, the largest `gap` (a number its
 * owner sets: for areas, the free space below the area) in its subtree, so
 * that a search for a gap of a given size skips whole subtrees whose
 * max_gap is smaller (Linux's rb_subtree_gap): O(log n) instead of a walk.
 *
 * Invariants (avl_check): in-order keys strictly increase; each node's
 * height = 1 + max(child heights); |height(left) - height(right)| <= 1;
 * max_gap = max(gap, the children's max_gap).
 */
#include "vma_tree.h"

static int height(const struct avl_node *n) { return n ? n->height : 0; }
static int max(int a, int b) { return a > b ? a : b; }
static uintptr_t max_gap(const struct avl_node *n) { return n ? n->max_gap : 0; }
static uintptr_t umax(uintptr_t a, uintptr_t b) { return a > b ? a : b; }

/* n's height and max_gap from its children's (which are up to date). */
static void update(struct avl_node *n)
{
	n->height = 1 + max(height(n->left), height(n->right));
	n->max_gap = umax(n->gap, umax(max_gap(n->left), max_gap(n->right)));
}
static int balance(const struct avl_node *n) { return height(n->left) - height(n->right); }

static struct avl_node *rotate_right(struct avl_node *n)
{
	struct avl_node *l = n->left;
	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static struct avl_node *rotate_left(struct avl_node *n)
{
	struct avl_node *r = n->right;
	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

static struct avl_node *rebalance(struct avl_node *n)
{
	update(n);
	if (balance(n) > 1) {
		if (balance(n->left) < 0)
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance(n) < -1) {
		if (balance(n->right) > 0)
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static struct avl_node *insert(struct avl_node *root, struct avl_node *n)
{
	if (!root)
		return n;
	if (n->key < root->key)
		root->left = insert(root->left, n);
	else
		root->right = insert(root->right, n);
	return rebalance(root);
}

void avl_insert(struct avl_tree *t, struct avl_node *n)
{
	n->left = n->right = NULL;
	n->height = 1;
	n->max_gap = n->gap;
	t->root = insert(t->root, n);
	t->count++;
}

/* Detach the leftmost node of root's subtree into *min; returns the new subtree. */
static struct avl_node *remove_min(struct avl_node *root, struct avl_node **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = remove_min(root->left, min);
	return rebalance(root);
}

static struct avl_node *remove(struct avl_node *root, uintptr_t key)
{
	if (!root)
		return NULL;
	if (key < root->key) {
		root->left = remove(root->left, key);
	} else if (key > root->key) {
		root->right = remove(root->right, key);
	} else {
		if (!root->left || !root->right)
			return root->left ? root->left : root->right;
		struct avl_node *succ;
		struct avl_node *right = remove_min(root->right, &succ);
		succ->left = root->left;
		succ->right = right;
		root = succ;
	}
	return rebalance(root);
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	t->root = remove(t->root, n->key);
	t->count--;
}

static void refresh(struct avl_node *n, uintptr_t key)
{
	if (!n)
		return;
	if (key != n->key)
		refresh(key < n->key ? n->left : n->right, key);
	update(n);
}

void avl_refresh(struct avl_tree *t, uintptr_t key)
{
	refresh(t->root, key);
}

struct avl_node *avl_floor(const struct avl_tree *t, uintptr_t key)
{
	struct avl_node *best = NULL;
	for (struct avl_node *n = t->root; n;) {
		if (n->key <= key) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

static bool check(const struct avl_node *n, uintptr_t lo, uintptr_t hi, bool has_lo, int *h)
{
	if (!n) {
		*h = 0;
		return true;
	}
	int hl, hr;
	if ((has_lo && n->key <= lo) || n->key >= hi)
		return false;
	if (!check(n->left, lo, n->key, has_lo, &hl) || !check(n->right, n->key, hi, true, &hr))
		return false;
	*h = 1 + max(hl, hr);
	bool gap_ok = n->max_gap == umax(n->gap, umax(max_gap(n->left), max_gap(n->right)));
	return n->height == *h && hl - hr <= 1 && hr - hl <= 1 && gap_ok;
}

bool avl_check(const struct avl_tree *t, int *h)
{
	return check(t->root, 0, ~(uintptr_t)0, false, h);
}
