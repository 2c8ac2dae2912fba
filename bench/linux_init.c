/* linux_init: /init of the initramfs the benchmarks boot their reference
 * kernel with (Debian's Linux 6.1, beside Pagoda under the same QEMU). It
 * mounts /proc, prepares what its options ask, runs the program as its
 * child, and when the program has exited lets the console drain and powers
 * the machine off.
 * Always true: the program starts only once every preparation asked for is
 * done, and every byte it wrote to the console is sent before power-off (a
 * /init that simply exited would panic the kernel, and the serial port's
 * unsent output would be lost with it).
 *
 *   /init [--disk] [--cpus] PROGRAM [ARGS...]
 *
 * (the words after `--` on the kernel's command line).
 *
 * --disk  Debian's cloud kernel has ext4 (which mounts ext2) built in but
 *         virtio-pci and virtio-blk as modules: load them from /modules (in
 *         dependency order, as modules.dep says), mount devtmpfs, wait for
 *         /dev/vda and mount it on /mnt (bench-file).
 * --cpus  bring every present CPU online: the kernel was booted with
 *         maxcpus=1, because under `-icount` it cannot start them itself
 *         (cpus_online says why), bench-smp.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *modules[] = {
	"virtio_ring.ko", "virtio.ko", "virtio_pci_legacy_dev.ko", "virtio_pci_modern_dev.ko",
	"virtio_pci.ko", "virtio_blk.ko",
};

static void disk_mount(void)
{
	char path[128];
	for (unsigned i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		snprintf(path, sizeof(path), "/modules/%s", modules[i]);
		int fd = open(path, O_RDONLY);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0)
			perror(path);
		close(fd);
	}
	mkdir("/dev", 0755);
	mkdir("/mnt", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL))
		perror("mount /dev");
	struct stat st;
	for (int i = 0; i < 500 && stat("/dev/vda", &st); i++)
		usleep(10000);
	if (mount("/dev/vda", "/mnt", "ext2", 0, NULL))
		perror("mount /mnt");
}

/* CPU 0's share of the scheduler while CPUs start: never the measured part.
 * Loops on CPU 0 only, with a `pause` every few hundred instructions. */
static void cpu0_yielder(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (;;) {
		for (volatile int i = 0; i < 100; i++)
			;
		__builtin_ia32_pause();
	}
}

/* 1 if CPU `cpu` exists and is now online, 0 when there is no such CPU. */
static int cpu_online(int cpu)
{
	char path[80];
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return 0;
	if (write(fd, "1", 1) != 1)
		perror(path);
	close(fd);
	return 1;
}

/* Start every CPU but the first. Under `-icount` QEMU 7.2 runs the CPUs in
 * turn on one host thread, and the CPU whose turn it is may run every
 * instruction up to the next timer deadline: the CPUs after it get a turn
 * only when it leaves early, at hlt, pause or an interrupt sent to some
 * CPU (QEMU 8.1 splits the budget among the CPUs instead). Linux 6.1's CPU 0
 * waits for a starting CPU to call in by calling schedule() in a loop,
 * without pause (native_cpu_up): with nothing else to run, that loop takes
 * every turn, the starting CPU none, and the boot stops at "x86: Booting
 * SMP configuration". So the kernel boots with maxcpus=1 and the CPUs are
 * brought online here, while a second task on CPU 0 (cpu0_yielder) takes
 * every other slice of that wait and gives the turn away. */
static void cpus_online(void)
{
	mkdir("/sys", 0555);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL))
		perror("mount /sys");
	pid_t yielder = fork();
	if (yielder == 0)
		cpu0_yielder();
	int cpu = 1;
	while (cpu_online(cpu))
		cpu++;
	kill(yielder, SIGKILL);
	waitpid(yielder, NULL, 0);
	printf("linux_init: %d CPUs online\n", cpu);
	fflush(stdout);
}

/* Runs argv[0] with its arguments; its wait status. */
static int run(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	return status;
}

int main(int argc, char **argv)
{
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL))
		perror("mount /proc");
	int i = 1;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--disk"))
			disk_mount();
		else if (!strcmp(argv[i], "--cpus"))
			cpus_online();
		else
			fprintf(stderr, "linux_init: unknown option %s\n", argv[i]);
	}
	if (i < argc) {
		int status = run(argv + i);
		if (status)
			printf("linux_init: %s ended with wait status %#x\n", argv[i], status);
	}
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	reboot(RB_POWER_OFF);
	return 0;
}
