/* high_segment: a program whose code is linked where the stack must go
 * (0x7fffffff0000, built with -Ttext-segment). Linux relocates nothing either,
 * but Pagoda's execve used to insert the stack area on top of the segment and
 * trip an assertion: a kernel panic from a file's contents. Now execve fails
 * with ENOMEM and the caller goes on. No libc: _start makes the syscalls. */
void _start(void)
{
	static const char msg[] = "high_segment ran\n";
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(1), "D"(1), "S"(msg), "d"(sizeof(msg) - 1) : "rcx", "r11", "memory");
	__asm__ volatile("syscall" : : "a"(231), "D"(0));
	for (;;)
		;
}
