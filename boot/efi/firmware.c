/*
 * What the firmware knows that the hypervisor needs or reports: the ACPI
 * RSDPs from the configuration table (UEFI 2.x, 4.6 "EFI Configuration
 * Table & Properties Table"), the system table itself and the GOP
 * framebuffer (12.9 "Graphics Output Protocol").
 */
#include "boot/efi/loader.h"

#include <string.h>

#define RSDP_SIGNATURE "RSD PTR " /* ACPI 5.2.5.3 "Root System Description Pointer (RSDP) Structure" */
#define RSDP_SIGNATURE_LEN 8
#define RSDP_LENGTH_OFFSET 20     /* XSDP Length field (ACPI 2.0+) */
#define RSDP_V2_MIN 36
#define RSDP_V2_MAX 4096          /* sanity bound for the copy */

static const void *config_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid) == 0)
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

static bool rsdp_signed(const u8 *p)
{
	return p && memcmp(p, RSDP_SIGNATURE, RSDP_SIGNATURE_LEN) == 0;
}

/* Both RSDPs where the firmware has them, as GRUB gives both. */
static void find_rsdps(struct efi_mb2_input *info)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	const u8 *v1 = config_table(&AcpiTableGuid), *v2 = config_table(&acpi20);
	u32 len = 0;

	if (rsdp_signed(v1))
		info->rsdp_v1 = v1;
	if (rsdp_signed(v2))
		memcpy(&len, v2 + RSDP_LENGTH_OFFSET, sizeof(len));
	if (len >= RSDP_V2_MIN && len <= RSDP_V2_MAX) {
		info->rsdp_v2 = v2;
		info->rsdp_v2_size = len;
	}
}

static void find_framebuffer(struct efi_mb2_input *info)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;

	if (EFI_ERROR(LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop)) || !gop->Mode ||
	    !gop->Mode->Info)
		return;
	info->has_framebuffer = efi_mb2_framebuffer_from_gop(gop->Mode->Info,
							     gop->Mode->FrameBufferBase, &info->fb);
}

void firmware_gather(struct loader *ld)
{
	struct efi_mb2_input *info = &ld->info;

	find_rsdps(info);
	info->efi_system_table = (u64)(uptr)ST;
	find_framebuffer(info);
	Print(L"%a: ACPI RSDP %a, framebuffer %a\n", LOADER_NAME,
	      info->rsdp_v2 ? "2.0+" : info->rsdp_v1 ? "1.0" : "none",
	      info->has_framebuffer ? "from GOP" : "none");
}
