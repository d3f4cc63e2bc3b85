/* ACPI table walker (see acpi.h). */
#include "arch/x86/acpi.h"

#include <string.h>

#include "errno.h"

/* ACPI 6.4, 5.2.12 "Multiple APIC Description Table (MADT)" */
#define MADT_FLAG_PCAT_COMPAT 1
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_IRQ_OVERRIDE 2
#define MADT_LAPIC_ADDR_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_CPU_ENABLED 1
#define MADT_CPU_ONLINE_CAPABLE 2
#define MADT_FIXED_SIZE 44 /* header + local APIC address + flags */
#define MCFG_FIXED_SIZE 44 /* header + 8 reserved bytes */
#define MCFG_ENTRY_SIZE 16

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static u32 read32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 read64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Maps a whole table after checking its header's length and checksum. */
static const u8 *map_table(acpi_map_fn map, void *ctx, u64 pa, struct acpi_sdt_header *hdr)
{
	const u8 *p = map(ctx, pa, sizeof(*hdr));

	if (!p)
		return NULL;
	memcpy(hdr, p, sizeof(*hdr));
	if (hdr->length < sizeof(*hdr) || hdr->length > MiB(1))
		return NULL;
	p = map(ctx, pa, hdr->length);
	if (!p || acpi_checksum(p, hdr->length) != 0)
		return NULL;
	return p;
}

static void add_cpu(struct acpi_info *out, u32 apic_id, u32 flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	if (out->cpu_count < ACPI_MAX_CPUS)
		out->cpu_apic_ids[out->cpu_count] = apic_id;
	out->cpu_count++;
}

/* Decodes one MADT entry of length len at e (len already checked >= 2). */
static void parse_madt_entry(const u8 *e, u8 len, struct acpi_info *out)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (len >= 8)
			add_cpu(out, e[3], read32(e + 4));
		break;
	case MADT_X2APIC:
		if (len >= 16)
			add_cpu(out, read32(e + 4), read32(e + 8));
		break;
	case MADT_IOAPIC:
		if (len >= 12 && out->ioapic_count < ACPI_MAX_IOAPICS)
			out->ioapics[out->ioapic_count++] =
				(struct acpi_ioapic){ e[2], read32(e + 4), read32(e + 8) };
		break;
	case MADT_IRQ_OVERRIDE:
		if (len >= 10 && out->override_count < ACPI_MAX_OVERRIDES) {
			u16 flags;

			memcpy(&flags, e + 8, sizeof(flags));
			out->overrides[out->override_count++] =
				(struct acpi_irq_override){ e[3], read32(e + 4), flags };
		}
		break;
	case MADT_LAPIC_ADDR_OVERRIDE:
		if (len >= 12)
			out->lapic_address = read64(e + 4);
		break;
	default:
		break;
	}
}

static int parse_madt(const u8 *t, u32 length, struct acpi_info *out)
{
	u32 off;

	if (length < MADT_FIXED_SIZE)
		return -EINVAL;
	out->has_madt = true;
	out->lapic_address = read32(t + 36);
	out->pic_compat = read32(t + 40) & MADT_FLAG_PCAT_COMPAT;
	for (off = MADT_FIXED_SIZE; off + 2 <= length;) {
		u8 len = t[off + 1];

		if (len < 2 || off + len > length)
			return -EINVAL;
		parse_madt_entry(t + off, len, out);
		off += len;
	}
	return 0;
}

static int parse_mcfg(const u8 *t, u32 length, struct acpi_info *out)
{
	if (length < MCFG_FIXED_SIZE)
		return -EINVAL;
	for (u32 off = MCFG_FIXED_SIZE; off + MCFG_ENTRY_SIZE <= length; off += MCFG_ENTRY_SIZE) {
		const u8 *e = t + off;
		u16 seg;

		if (out->ecam_count == ACPI_MAX_MCFG)
			break;
		memcpy(&seg, e + 8, sizeof(seg));
		out->ecam[out->ecam_count++] = (struct acpi_ecam){ read64(e), seg, e[10], e[11] };
	}
	return 0;
}

static int check_rsdp(const struct acpi_rsdp *r, size_t len, const char **why)
{
	if (len < ACPI_RSDP_V1_SIZE || memcmp(r->signature, "RSD PTR ", 8)) {
		*why = "RSDP signature missing";
		return -EINVAL;
	}
	if (acpi_checksum(r, ACPI_RSDP_V1_SIZE)) {
		*why = "RSDP checksum is wrong";
		return -EINVAL;
	}
	if (r->revision >= 2 && (len < sizeof(*r) || r->length < sizeof(*r) ||
				 acpi_checksum(r, sizeof(*r)))) {
		*why = "ACPI 2.0 RSDP is truncated or its extended checksum is wrong";
		return -EINVAL;
	}
	return 0;
}

/* Records the signature of a table and decodes the ones we use. */
static void visit_table(acpi_map_fn map, void *ctx, u64 pa, struct acpi_info *out,
			const char **why)
{
	struct acpi_sdt_header hdr;
	const u8 *t = map_table(map, ctx, pa, &hdr);

	if (!t) {
		*why = "a table has a bad length or checksum and was skipped";
		return;
	}
	if (out->table_count < ACPI_MAX_TABLES) {
		memcpy(out->table_sigs[out->table_count], hdr.signature, 4);
		out->table_sigs[out->table_count][4] = '\0';
		out->table_count++;
	}
	if (!memcmp(hdr.signature, "APIC", 4) && parse_madt(t, hdr.length, out))
		*why = "MADT entries are malformed; interrupt topology may be incomplete";
	else if (!memcmp(hdr.signature, "MCFG", 4) && parse_mcfg(t, hdr.length, out))
		*why = "MCFG is malformed";
}

int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out, const char **why)
{
	struct acpi_rsdp r = { 0 };
	struct acpi_sdt_header root_hdr;
	const char *unused;
	bool xsdt;
	const u8 *root;
	u32 entry_size;

	if (!why)
		why = &unused;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	memcpy(&r, rsdp, MIN(rsdp_len, sizeof(r)));
	if (check_rsdp(&r, rsdp_len, why))
		return -EINVAL;
	out->rsdp_revision = r.revision;
	memcpy(out->oem_id, r.oem_id, 6);
	xsdt = r.revision >= 2 && r.xsdt_address;
	root = map_table(map, ctx, xsdt ? r.xsdt_address : r.rsdt_address, &root_hdr);
	if (!root || memcmp(root_hdr.signature, xsdt ? "XSDT" : "RSDT", 4)) {
		*why = xsdt ? "XSDT is missing or corrupt" : "RSDT is missing or corrupt";
		return -EINVAL;
	}
	entry_size = xsdt ? 8 : 4;
	for (u32 off = sizeof(root_hdr); off + entry_size <= root_hdr.length; off += entry_size)
		visit_table(map, ctx, xsdt ? read64(root + off) : read32(root + off), out, why);
	return 0;
}
