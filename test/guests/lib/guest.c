#include "guest.h"

const char *guest_name = "guest";
u32 guest_failures;

void guest_start(const char *name, u32 magic, const struct mb_info *info)
{
	guest_name = name;
	serial_init();
	idt_init();
	printf("%s: start\n", name);
	if (magic != MB_BOOTLOADER_MAGIC) {
		fail("multiboot magic 0x%08x, expected 0x%08x", magic, MB_BOOTLOADER_MAGIC);
		return;
	}
	if (info && (info->flags & MB_INFO_CMDLINE))
		cmdline_set((const char *)info->cmdline);
}

static void line(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char buf[400];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("%s%s: %s%s\n", prefix, guest_name, buf, suffix);
}

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("", "", fmt, ap);
	va_end(ap);
}

void vary(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("~ ", "", fmt, ap);
	va_end(ap);
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("", ok ? ": ok" : ": FAILED", fmt, ap);
	va_end(ap);
	if (!ok)
		guest_failures++;
	return ok;
}

bool vcheck(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("~ ", ok ? ": ok" : ": FAILED", fmt, ap);
	va_end(ap);
	if (!ok)
		guest_failures++;
	return ok;
}

void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("", "", fmt, ap);
	va_end(ap);
	guest_failures++;
}

u32 guest_done(void)
{
	printf("%s: done, %u failures\n", guest_name, guest_failures);
	return guest_failures;
}
