/* fdops: the descriptor table. dup and dup2 (lowest free slot, shared file
 * offset, replacing an open target), descriptors inherited across fork with
 * their offset shared, and write/writev to the console (fd 1) with every
 * argument error.
 */
#include <fcntl.h>
#include <sys/uio.h>
#include "testlib.h"

static const char *self;

static void dup_cases(void)
{
	int fd = open(self, O_RDONLY);
	int d = dup(fd);
	char c;

	show_yes("dup_gives_next_slot", d == fd + 1);
	read(fd, &c, 1);
	show_rc("dup_shares_offset", lseek(d, 0, SEEK_CUR));
	close(fd);
	show_yes("dup_reuses_lowest_slot", dup(d) == fd);
	show_rc("dup_bad_fd", dup(555));
	show_rc("dup_negative_fd", dup(-1));
	show_rc("dup2_same_fd", dup2(d, d));
	show_rc("dup2_same_bad_fd", dup2(555, 555));
	show_rc("dup2_to_20", dup2(d, 20));
	show_rc("dup2_target_offset", lseek(20, 0, SEEK_CUR));
	show_rc("dup2_bad_old", dup2(555, 21));
	show_rc("dup2_negative_new", dup2(d, -1));
	int other = open(prog_path((char[PATH_LEN]){ 0 }, self, "notelf"), O_RDONLY);
	lseek(other, 5, SEEK_SET);
	show_rc("dup2_over_open_fd", dup2(other, 20));
	show_rc("dup2_replaced_target_offset", lseek(20, 0, SEEK_CUR));
	show_rc("dup2_old_fd_untouched", lseek(d, 0, SEEK_CUR));
	close(20);
	close(other);
	close(d);
	close(fd);
}

static int child_reads(void *arg)
{
	char buf[100];

	return read((int)(intptr_t)arg, buf, 100) == 100 ? 0 : 1;
}

static void fork_inherits(void)
{
	int fd = open(self, O_RDONLY);

	show_child("fork_child_reads_inherited_fd", child_reads, (void *)(intptr_t)fd);
	show_rc("fork_offset_shared_with_child", lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_child("fork_child_closed_fd", child_reads, (void *)(intptr_t)fd);
}

static void write_cases(void)
{
	show_rc("write_stdout", write(1, "write_text: hello\n", 18));
	show_rc("write_zero_bytes", write(1, "", 0));
	show_rc("write_bad_fd", write(77, "x", 1));
	show_rc("write_negative_fd", write(-3, "x", 1));
	show_rc("write_null_buffer", write(1, NULL, 5));
	show_rc("write_kernel_buffer", write(1, (void *)KERNEL_ADDR, 5));
	show_rc("write_zero_bytes_bad_buffer", write(1, (void *)KERNEL_ADDR, 0));
}

static void writev_cases(void)
{
	struct iovec iov[4] = {
		{ "writev_", 7 }, { "gather: ", 8 }, { NULL, 0 }, { "yes\n", 4 },
	};
	struct iovec bad[2] = { { "xx", 2 }, { (void *)KERNEL_ADDR, 3 } };

	fflush(stdout);
	show_rc("writev_four_iovs", writev(1, iov, 4));
	show_rc("writev_zero_iovs", writev(1, iov, 0));
	show_rc("writev_negative_count", writev(1, iov, -1));
	show_rc("writev_count_1025", writev(1, iov, 1025));
	show_rc("writev_iov_array_kernel", writev(1, (struct iovec *)KERNEL_ADDR, 1));
	show_rc("writev_iov_array_null", writev(1, NULL, 2));
	show_rc("writev_kernel_base_writes_nothing", writev(1, bad, 2));
	show_rc("writev_bad_fd", writev(66, iov, 1));
	struct iovec huge[2] = { { "a", 1 }, { "b", (size_t)-1 } };
	show_rc("writev_length_overflow", writev(1, huge, 2));
}

int main(int argc, char **argv)
{
	(void)argc;
	self = self_exe(argv[0]);
	dup_cases();
	fork_inherits();
	fflush(stdout);
	write_cases();
	writev_cases();
	return 0;
}
