/* hello: the Multiboot hand-over. Prints the magic check, mem_lower and
 * mem_upper, the memory map, the key=value command-line tokens and the
 * modules (size, command line, CRC-32 of the bytes). The exact memory map is
 * the firmware's (SeaBIOS reserves some RAM at its top; Understudy does
 * not), so it is printed on "~ " lines, and what every loader must give is
 * checked: at least 600 KiB below 640 KiB and 60 MiB above 1 MiB. */
#include "guest.h"
#include "crc32.h"

static void print_arg(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	(void)arg;
	char k[64], v[192];
	size_t kn = klen < sizeof(k) - 1 ? klen : sizeof(k) - 1;
	size_t vn = vlen < sizeof(v) - 1 ? vlen : sizeof(v) - 1;
	memcpy(k, key, kn);
	k[kn] = '\0';
	memcpy(v, val, vn);
	v[vn] = '\0';
	say("arg %s=%s", k, v);
}

static const char *mmap_type(u32 type)
{
	switch (type) {
	case 1: return "available";
	case 2: return "reserved";
	case 3: return "ACPI reclaimable";
	case 4: return "ACPI NVS";
	case 5: return "bad";
	default: return "other";
	}
}

/* Walks the mmap buffer by each entry's size field (which excludes itself). */
static void print_mmap(const struct mb_info *mbi)
{
	if (!check(mbi->flags & MB_INFO_MEM_MAP, "memory map present"))
		return;
	u32 p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
	u64 avail = 0;
	int n = 0;
	while (p + 4 <= end && n < 64) {
		const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)p;
		vary("mmap %d: 0x%016llx-0x%016llx %s (%u)", n, e->addr, e->addr + e->len - 1,
		     mmap_type(e->type), e->type);
		if (e->type == 1 && e->addr >= 0x100000)
			avail += e->len;
		p += e->size + 4;
		n++;
	}
	vary("mmap: %d entries, %llu KiB available above 1 MiB", n, avail >> 10);
	check(avail >= 60ULL << 20, "mmap: at least 60 MiB available above 1 MiB");
}

static void print_modules(const struct mb_info *mbi)
{
	u32 count = (mbi->flags & MB_INFO_MODS) ? mbi->mods_count : 0;
	say("modules: %u", count);
	const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;
	for (u32 i = 0; i < count; i++) {
		u32 size = m[i].mod_end - m[i].mod_start;
		const char *s = m[i].string ? (const char *)m[i].string : "";
		vary("module %u at 0x%08x-0x%08x", i, m[i].mod_start, m[i].mod_end);
		say("module %u: %u bytes, cmdline '%s', crc32 0x%08x", i, size, s,
		    crc32((const void *)m[i].mod_start, size));
		check((m[i].mod_start & 0xFFF) == 0, "module %u page-aligned", i);
	}
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("hello", magic, mbi);
	say("hello from a Multiboot v1 guest");
	if (!check(magic == MB_BOOTLOADER_MAGIC, "magic 0x%08x", magic))
		return (int)guest_done();
	vary("flags 0x%08x", mbi->flags);
	if (check(mbi->flags & MB_INFO_MEMORY, "memory information present")) {
		vary("mem_lower %u KiB, mem_upper %u KiB", mbi->mem_lower, mbi->mem_upper);
		check(mbi->mem_lower >= 600 && mbi->mem_lower <= 640, "mem_lower within 600-640 KiB");
		check(mbi->mem_upper >= 60 * 1024, "mem_upper at least 60 MiB");
	}
	print_mmap(mbi);
	if (mbi->flags & MB_INFO_CMDLINE)
		vary("cmdline '%s'", (const char *)mbi->cmdline);
	else
		vary("no cmdline");
	cmdline_each(print_arg, 0);
	if (mbi->flags & MB_INFO_LOADER_NAME)
		vary("boot loader '%s'", (const char *)mbi->boot_loader_name);
	print_modules(mbi);
	return (int)guest_done();
}
