/* linux_init: /init of the initramfs bench-file boots Linux with, to run
 * filecost on an ext2 disk the same way Pagoda does. Debian's cloud kernel
 * has ext4 (which mounts ext2) built in but virtio-pci and virtio-blk as
 * modules: load them from /modules (in dependency order, as modules.dep
 * says), mount devtmpfs, wait for /dev/vda, mount it on /mnt, and become
 * /filecost /mnt. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *modules[] = {
	"virtio_ring.ko", "virtio.ko", "virtio_pci_legacy_dev.ko", "virtio_pci_modern_dev.ko",
	"virtio_pci.ko", "virtio_blk.ko",
};

int main(void)
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
	execl("/filecost", "filecost", "/mnt", (char *)NULL);
	perror("exec /filecost");
	return 1;
}
