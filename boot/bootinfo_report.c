/* Prints what the boot loader handed over, naming each piece of information
 * that Understudy does not use rather than silently ignoring it. */
#include "boot/bootinfo_report.h"

#include "boot/mb2_spec.h"
#include "cmdline.h"
#include "log.h"
#include "proto/ft_psk.h"

static void report_memory(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->mem_count; i++)
		pr_debug("boot: memory %#014llx-%#014llx %s",
			 bi->mem[i].base,
			 (bi->mem[i].base + bi->mem[i].length),
			 mem_type_name(bi->mem[i].type));
	if (bi->mem_truncated)
		pr_warn("boot: memory map has more than %d regions; the rest is not used",
			BOOT_MAX_MEM_REGIONS);
	if (bi->has_basic_meminfo)
		pr_debug("boot: basic meminfo %u KiB lower, %u KiB upper (the memory map is used)",
			 bi->mem_lower_kib, bi->mem_upper_kib);
}

static void report_modules(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->module_count; i++)
		pr_info("boot: module %u at %#llx, %llu bytes: '%s'", i,
			bi->modules[i].start,
			(bi->modules[i].end - bi->modules[i].start),
			bi->modules[i].cmdline);
	if (bi->modules_truncated)
		pr_warn("boot: more than %d modules; the rest are not used", BOOT_MAX_MODULES);
}

/* Information we are given but have no use for, named one by one. */
static void report_unused(const struct boot_info *bi)
{
	static const u32 unused_tags[] = {
		MB2_TAG_BOOTDEV, MB2_TAG_VBE, MB2_TAG_ELF_SECTIONS, MB2_TAG_APM, MB2_TAG_SMBIOS,
		MB2_TAG_NETWORK, MB2_TAG_EFI32_IH, MB2_TAG_EFI64_IH,
	};

	if (bi->framebuffer.present)
		pr_info("boot: framebuffer %ux%u, %u bpp at %#llx: not used (console is serial)",
			bi->framebuffer.width, bi->framebuffer.height, bi->framebuffer.bpp,
			bi->framebuffer.addr);
	if (bi->has_efi64)
		pr_info("boot: EFI 64-bit system table at %#llx: not used (boot services exited)",
			bi->efi64_system_table);
	if (bi->has_efi32)
		pr_info("boot: EFI 32-bit system table at %#x: not used", bi->efi32_system_table);
	if (bi->has_efi_mmap)
		pr_info("boot: EFI memory map (%u entries): not used (the Multiboot2 memory map is)",
			bi->efi_mmap_entries);
	if (bi->efi_boot_services_active)
		pr_warn("boot: EFI boot services were left running: not used");
	for (unsigned i = 0; i < sizeof(unused_tags) / sizeof(unused_tags[0]); i++)
		if (bi->tags_seen & (1u << unused_tags[i]))
			pr_info("boot: %s: not used", mb2_tag_name(unused_tags[i]));
	if (bi->unknown_tags)
		pr_warn("boot: %u tags of unknown type: not used", bi->unknown_tags);
}

/* The command line as given, less the FT link's key (hv/config.c). */
static char shown_cmdline[CMDLINE_TOKEN_MAX * 2];

void bootinfo_report(const struct boot_info *bi)
{
	cmdline_redact(bi->cmdline, FT_PSK_OPTION, shown_cmdline, sizeof(shown_cmdline));
	pr_info("boot: loaded by %s; command line '%s'",
		bi->loader_name ? bi->loader_name : "an unnamed boot loader", shown_cmdline);
	report_memory(bi);
	report_modules(bi);
	if (bi->acpi_rsdp)
		pr_info("boot: ACPI %s RSDP", bi->acpi_rsdp_version >= 2 ? "2.0+" : "1.0");
	else
		pr_warn("boot: no ACPI RSDP from the boot loader");
	if (bi->has_load_base)
		pr_debug("boot: image load base %#x", bi->load_base);
	report_unused(bi);
}
