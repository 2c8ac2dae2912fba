/*
 * AVL tree: a binary search tree in which the heights of every node's two
 * subtrees differ by at most one, so lookups, insertions and removals take
 * O(log n). Nodes know their parent; an insertion or removal changes one
 * place and then walks up from it (retrace), rotating where a node is out of
 * balance, and stops at the first subtree whose height and max_gap come out
 * as they were: nothing above it can change. Most updates stop after a level
 * or two, so an insertion next to a known node costs O(1) amortised.
 *
 * Each node is augmented with max_gap, the largest `gap` (a number its
 * owner sets: for areas, the free space below the area) in its subtree, so
 * that a search for a gap of a given size skips whole subtrees whose
 * max_gap is smaller (Linux's rb_subtree_gap): O(log n) instead of a walk.
 *
 * Invariants (avl_check): in-order keys strictly increase; each child's
 * parent is the node above it (the root's is NULL); each node's height =
 * 1 + max(child heights); |height(left) - height(right)| <= 1;
 * max_gap = max(gap, the children's max_gap).
 */
#include "vma_tree.h"

static int height(const struct avl_node *n) { return n ? n->height : 0; }
static int max(int a, int b) { return a > b ? a : b; }
static uintptr_t max_gap(const struct avl_node *n) { return n ? n->max_gap : 0; }
static uintptr_t umax(uintptr_t a, uintptr_t b) { return a > b ? a : b; }

/* n's height and max_gap from its children's (which are up to date). */
static inline void update(struct avl_node *n)
{
	n->height = 1 + max(height(n->left), height(n->right));
	n->max_gap = umax(n->gap, umax(max_gap(n->left), max_gap(n->right)));
}
static int balance(const struct avl_node *n) { return height(n->left) - height(n->right); }

/* The link that points at old (its parent's child pointer, or the root)
 * now points at new, which takes old's parent. */
static void replace_child(struct avl_tree *t, struct avl_node *old, struct avl_node *new)
{
	struct avl_node *p = old->parent;
	if (!p)
		t->root = new;
	else if (p->left == old)
		p->left = new;
	else
		p->right = new;
	if (new)
		new->parent = p;
}

static void set_left(struct avl_node *n, struct avl_node *c)
{
	n->left = c;
	if (c)
		c->parent = n;
}

static void set_right(struct avl_node *n, struct avl_node *c)
{
	n->right = c;
	if (c)
		c->parent = n;
}

static struct avl_node *rotate_right(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *l = n->left;
	replace_child(t, n, l);
	set_left(n, l->right);
	set_right(l, n);
	update(n);
	update(l);
	return l;
}

static struct avl_node *rotate_left(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *r = n->right;
	replace_child(t, n, r);
	set_right(n, r->left);
	set_left(r, n);
	update(n);
	update(r);
	return r;
}

/* n, whose children differ in height by 2, rotated into balance; returns
 * the node now at n's place (all brought up to date). */
static struct avl_node *rebalance(struct avl_tree *t, struct avl_node *n)
{
	if (balance(n) > 1) {
		if (balance(n->left) < 0)
			rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (balance(n->right) > 0)
		rotate_right(t, n->right);
	return rotate_left(t, n);
}

/* Walk up from n to the root, updating and rebalancing; stop at the first
 * subtree that comes out with the height and max_gap it had, once `until`
 * (a node whose own gap changed, so it must be visited; NULL: none) is
 * behind: nothing above can change. */
static void retrace(struct avl_tree *t, struct avl_node *n, const struct avl_node *until)
{
	bool passed = !until;
	for (; n; n = n->parent) {
		int h = n->height, d = balance(n);
		uintptr_t g = n->max_gap;
		passed |= n == until;
		if (d > 1 || d < -1)
			n = rebalance(t, n);
		else
			update(n);
		if (passed && n->height == h && n->max_gap == g)
			return;
	}
}

/* n becomes a leaf at *link, below parent. */
static void link_leaf(struct avl_tree *t, struct avl_node *parent, struct avl_node **link, struct avl_node *n)
{
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	n->max_gap = n->gap;
	*link = n;
	t->count++;
	retrace(t, parent, NULL);
}

void avl_insert(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *p = NULL, **link = &t->root;
	while (*link) {
		p = *link;
		link = n->key < p->key ? &p->left : &p->right;
	}
	link_leaf(t, p, link, n);
}

/* In-order, n's place is prev's empty right link, else the empty left link
 * of prev's successor (the leftmost node of prev's right subtree). */
void avl_insert_after(struct avl_tree *t, struct avl_node *prev, struct avl_node *n)
{
	struct avl_node *p = prev, **link;
	if (!prev) {
		for (p = NULL, link = &t->root; *link; link = &p->left)
			p = *link;
	} else if (!prev->right) {
		link = &prev->right;
	} else {
		for (p = prev->right; p->left;)
			p = p->left;
		link = &p->left;
	}
	link_leaf(t, p, link, n);
}

/* n has two children: its successor s (no left child) takes its place.
 * Returns where the retrace starts; s must be visited (its gap is new there). */
static struct avl_node *replace_by_successor(struct avl_tree *t, struct avl_node *n, struct avl_node **s_out)
{
	struct avl_node *s = n->right, *from = s;
	while (s->left)
		s = s->left;
	if (s != n->right) {
		from = s->parent;
		set_left(from, s->right);
		set_right(s, n->right);
	}
	replace_child(t, n, s);
	set_left(s, n->left);
	s->height = n->height;   /* as n was: retrace compares against these */
	s->max_gap = n->max_gap;
	*s_out = s;
	return from;
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *from, *until = NULL;
	if (n->left && n->right) {
		from = replace_by_successor(t, n, &until);
	} else {
		from = n->parent;
		replace_child(t, n, n->left ? n->left : n->right);
	}
	t->count--;
	retrace(t, from, until);
}

void avl_refresh(struct avl_tree *t, struct avl_node *n)
{
	retrace(t, n, NULL);
}

struct avl_node *avl_last(const struct avl_tree *t)
{
	struct avl_node *n = t->root;
	while (n && n->right)
		n = n->right;
	return n;
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

static bool check(const struct avl_node *n, const struct avl_node *parent, uintptr_t lo, uintptr_t hi, bool has_lo, int *h)
{
	if (!n) {
		*h = 0;
		return true;
	}
	int hl, hr;
	if ((has_lo && n->key <= lo) || n->key >= hi || n->parent != parent)
		return false;
	if (!check(n->left, n, lo, n->key, has_lo, &hl) || !check(n->right, n, n->key, hi, true, &hr))
		return false;
	*h = 1 + max(hl, hr);
	bool gap_ok = n->max_gap == umax(n->gap, umax(max_gap(n->left), max_gap(n->right)));
	return n->height == *h && hl - hr <= 1 && hr - hl <= 1 && gap_ok;
}

bool avl_check(const struct avl_tree *t, int *h)
{
	return check(t->root, NULL, 0, ~(uintptr_t)0, false, h);
}
