/*
 * guest-exit STATUS: ends the Linux test guest's run by writing STATUS
 * (0-255) to the isa-debug-exit port 0xF4, natively under QEMU as under
 * Understudy (test/linux/README.md). Debian's cloud kernel has no /dev/port,
 * so the port is reached directly: iopl(3) gives ring 3 all ports, then a
 * 32-bit OUT, as the Multiboot test guests do. Freestanding and static (no
 * libc): the initramfs holds nothing but busybox and this.
 */
#define SYS_WRITE 1   /* x86-64 Linux system call numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
#define SYS_IOPL 172
#define SYS_EXIT 60
#define STDERR 2
#define EXIT_PORT 0xF4 /* QEMU isa-debug-exit, iobase=0xf4 */
#define IOPL_ALL 3     /* I/O privilege level 3: every port from user mode */
#define STATUS_MAX 255

static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	syscall3(SYS_WRITE, STDERR, (long)s, (long)length(s));
}

/* A decimal number 0-STATUS_MAX, or -1. */
static int parse_status(const char *s)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > STATUS_MAX)
			return -1;
	}
	return v;
}

static inline void outl(unsigned short port, unsigned int value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

/* Called from _start with the initial stack: argc, then argv. */
__attribute__((used, noreturn)) static void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	int status = argc == 2 ? parse_status(argv[1]) : -1;

	if (status < 0) {
		say("usage: guest-exit STATUS (0-255): writes STATUS to port 0xF4\n");
		syscall3(SYS_EXIT, 2, 0, 0);
	}
	if (syscall3(SYS_IOPL, IOPL_ALL, 0, 0) != 0) {
		say("guest-exit: iopl(3) failed\n");
		syscall3(SYS_EXIT, 1, 0, 0);
	}
	outl(EXIT_PORT, (unsigned int)status);
	say("guest-exit: port 0xF4 did not end the machine\n");
	syscall3(SYS_EXIT, 1, 0, 0);
	__builtin_unreachable();
}

__asm__(".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
