/* Path lookup through symbolic links (fs/namei.c) on the tmpfs at /tmp:
 * a link is followed in the middle of a path always and at its end with
 * LOOKUP_FOLLOW or a trailing slash; a loop, and a chain longer than 40
 * links, end in ELOOP; the nameidata of a followed lookup names the
 * target's directory and name. */
#include "../../kernel/ktest.h"
#include "../../kernel/errno.h"
#include "../../kernel/printk.h"
#include "../../kernel/string.h"
#include "../../fs/vfs.h"

static struct inode *tmp_dir(void)
{
	struct path p;
	KT_EQ(kern_path("/tmp", &p), 0);
	return p.inode;   /* the caller iputs it */
}

static void make_link(struct inode *dir, const char *name, const char *target)
{
	KT_EQ(dir->i_op->symlink(dir, name, strlen(name), target), 0);
}

static void remove_name(struct inode *dir, const char *name)
{
	struct inode *victim;
	KT_EQ(dir->i_op->lookup(dir, name, strlen(name), &victim), 0);
	if (inode_is_dir(victim))
		KT_EQ(dir->i_op->rmdir(dir, name, strlen(name), victim), 0);
	else
		KT_EQ(dir->i_op->unlink(dir, name, strlen(name), victim), 0);
	iput(victim);
}

static uint32_t type_at(const char *name, unsigned flags, int *err)
{
	struct path p;
	*err = kern_path_at(AT_FDCWD, name, flags, &p);
	if (*err)
		return 0;
	uint32_t type = p.inode->i_mode & S_IFMT;
	path_put(&p);
	return type;
}

KTEST(namei_follows_links_where_linux_does)
{
	struct inode *dir = tmp_dir();
	int err;
	KT_EQ(dir->i_op->mkdir(dir, "kt_d", 4, 0755), 0);
	make_link(dir, "kt_l", "kt_d");
	make_link(dir, "kt_abs", "/tmp/kt_d");
	KT_EQ(type_at("/tmp/kt_l", LOOKUP_FOLLOW, &err), S_IFDIR);
	KT_EQ(type_at("/tmp/kt_l", 0, &err), S_IFLNK);
	KT_EQ(type_at("/tmp/kt_l/", 0, &err), S_IFDIR);
	KT_EQ(type_at("/tmp/kt_abs/.", 0, &err), S_IFDIR);
	KT_EQ(type_at("/tmp/kt_l/..", 0, &err), S_IFDIR);
	struct nameidata nd;
	struct path p;
	KT_EQ(path_lookup_at(AT_FDCWD, "/tmp/kt_abs", LOOKUP_FOLLOW, &nd, &p), 0);
	KT_EQ(nd.len, 4);
	KT_EQ(memcmp(nd.last, "kt_d", 4), 0);
	KT_ASSERT(nd.parent.inode == dir);
	path_put(&p);
	path_put(&nd.parent);
	remove_name(dir, "kt_abs");
	remove_name(dir, "kt_l");
	remove_name(dir, "kt_d");
	iput(dir);
}

KTEST(namei_loops_and_long_chains_are_eloop)
{
	struct inode *dir = tmp_dir();
	char name[16], target[16];
	int err;
	make_link(dir, "kt_loop", "kt_loop");
	type_at("/tmp/kt_loop", LOOKUP_FOLLOW, &err);
	KT_EQ(err, -ELOOP);
	type_at("/tmp/kt_loop/x", 0, &err);
	KT_EQ(err, -ELOOP);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "kt_c%d", i);
		snprintf(target, sizeof(target), i == 1 ? "/tmp" : "kt_c%d", i - 1);
		make_link(dir, name, target);
	}
	KT_EQ(type_at("/tmp/kt_c40", LOOKUP_FOLLOW, &err), S_IFDIR);
	type_at("/tmp/kt_c41", LOOKUP_FOLLOW, &err);
	KT_EQ(err, -ELOOP);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "kt_c%d", i);
		remove_name(dir, name);
	}
	remove_name(dir, "kt_loop");
	iput(dir);
}
