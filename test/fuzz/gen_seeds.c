// sources: arch/x86/acpi.c proto/migrate_types.c proto/migrate_encoder.c proto/migrate_decoder.c proto/migrate_payloads.c proto/snapshot_types.c proto/snapshot_cpuid.c proto/snapshot_writer.c proto/snapshot_reader.c proto/page_codec.c proto/witness_types.c proto/witness_codec.c proto/console_stream.c proto/wire.c proto/wire_prim.c lib/hash.c proto/ft_epoch.c lib/fmt.c
// uses: lz4
/*
 * Writes the fuzzers' seed corpora (test/fuzz/corpus/<fuzzer>/) from the same
 * builders the unit tests use: `make fuzz-seeds`. Every seed is small and
 * valid, so the fuzzers start from inputs that reach deep into the parsers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <efi.h>

#include "test/unit/acpi_builder.h"
#include "test/unit/efi_image_builder.h"
#include "test/unit/linux_image_builder.h"
#include "test/unit/mb2_builder.h"
#include "test/unit/mig_builder.h"
#include "test/unit/pcap_builder.h"
#include "proto/snapshot_cpuid.h"
#include "test/unit/snap_builder.h"
#include "proto/console_stream.h"
#include "proto/ft_epoch.h"
#include "proto/witness.h"

static const char *out_dir = "test/fuzz/corpus";

static void put_u32(u8 *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

/* Writes len bytes to <out_dir>/<sub>/<name>, creating <sub>. */
static void write_seed(const char *sub, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* --- Multiboot2 information ------------------------------------------------ */

static const struct mb2_mmap_entry qemu_mmap[] = {
	{ 0x0, 0x9FC00, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9FC00, 0x400, MB2_MEMORY_RESERVED, 0 },
	{ 0xF0000, 0x10000, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000, 0x7EE0000, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x7FE0000, 0x20000, MB2_MEMORY_ACPI_RECLAIMABLE, 0 },
	{ 0xFFFC0000, 0x40000, MB2_MEMORY_RESERVED, 0 },
};

/* Inputs that once broke the parser or the allocator fed from it. */
static void seed_mb2_regressions(u8 *buf, size_t cap)
{
	static const struct mb2_mmap_entry to_top[] = {
		{ 0x100000, 0x1000000, MB2_MEMORY_AVAILABLE, 0 },
		{ 0x0, 0xFFFFFFFFFFFFF600ULL, 255, 0 }, /* reserved up to the last page */
		{ 0xFFFFFFFFFFFFF001ULL, 0xFFE, MB2_MEMORY_AVAILABLE, 0 },
	};
	struct mb2_builder b;
	u8 *tag;

	/* An entry size near 2^32 once wrapped the offset past the tag. */
	mb2b_init(&b, buf, cap);
	tag = mb2b_tag(&b, MB2_TAG_MMAP, 16);
	put_u32(tag + 8, 0xFFFFFFF8);
	mb2b_finish(&b);
	write_seed("mb2", "regress_mmap_entry_size_wrap", buf, b.len);

	/* Regions ending in the last page of the address space once made the
	 * allocator's page rounding wrap (reserving nothing, freeing all). */
	mb2b_init(&b, buf, cap);
	mb2b_mmap(&b, to_top, ARRAY_SIZE(to_top), sizeof(struct mb2_mmap_entry));
	mb2b_finish(&b);
	write_seed("mb2", "regress_pmm_top_of_memory", buf, b.len);
}

static void seed_mb2(void)
{
	static u8 buf[1024] __aligned(8);
	struct mb2_tag_basic_meminfo mem = { MB2_TAG_BASIC_MEMINFO, 16, 639, 130048 };
	struct mb2_tag_framebuffer fb = {
		MB2_TAG_FRAMEBUFFER, 32, 0xFD000000ULL, 4096, 1024, 768, 32, 1, 0,
	};
	struct mb2_tag_efi64 efi64 = { MB2_TAG_EFI64, 16, 0x7F9E5018ULL };
	struct mb2_tag_load_base lb = { MB2_TAG_LOAD_BASE_ADDR, 12, 0x200000 };
	struct mb2_tag_efi_mmap em = { MB2_TAG_EFI_MMAP, 16 + 2 * 48, 48, 1 };
	struct acpi_rsdp v1 = acpi_make_rsdp(0, 0x7FE1000, 0);
	struct acpi_rsdp v2 = acpi_make_rsdp(2, 0x7FE1000, 0x7FE1100);
	struct mb2_builder b;

	mb2b_init(&b, buf, sizeof(buf));
	mb2b_finish(&b);
	write_seed("mb2", "minimal", buf, b.len);

	mb2b_init(&b, buf, sizeof(buf));
	mb2b_string(&b, MB2_TAG_CMDLINE, "/boot/understudy.elf log=debug");
	mb2b_string(&b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	mb2b_struct(&b, &mem, sizeof(mem));
	mb2b_mmap(&b, qemu_mmap, ARRAY_SIZE(qemu_mmap), sizeof(struct mb2_mmap_entry));
	mb2b_acpi(&b, MB2_TAG_ACPI_OLD, &v1, ACPI_RSDP_V1_SIZE);
	mb2b_finish(&b);
	write_seed("mb2", "bios_grub", buf, b.len);

	mb2b_init(&b, buf, sizeof(buf));
	mb2b_string(&b, MB2_TAG_CMDLINE, "selftest=off");
	mb2b_module(&b, 0x1000000, 0x1010000, "guest.bin console=ttyS0");
	mb2b_module(&b, 0x1010000, 0x1010000, "");
	mb2b_mmap(&b, qemu_mmap, 4, 32);
	mb2b_struct(&b, &fb, sizeof(fb));
	mb2b_struct(&b, &efi64, sizeof(efi64));
	mb2b_acpi(&b, MB2_TAG_ACPI_NEW, &v2, sizeof(v2));
	memcpy(mb2b_tag(&b, MB2_TAG_EFI_MMAP, em.size), &em, sizeof(em));
	mb2b_tag(&b, MB2_TAG_EFI_BS, 8);
	mb2b_struct(&b, &lb, sizeof(lb));
	mb2b_tag(&b, 99, 16);
	mb2b_finish(&b);
	write_seed("mb2", "efi_modules", buf, b.len);

	seed_mb2_regressions(buf, sizeof(buf));
}

/* --- ACPI tables in a fake memory starting at address 0 -------------------- */

static u64 seed_madt(struct fake_phys *m, bool x2apic)
{
	struct acpi_body b = { .n = 0 };

	madt_header(&b, 0xFEE00000, 1);
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 1, 0);
	madt_lapic(&b, 2, 2, 2);
	if (x2apic) {
		madt_x2apic(&b, 0x100, 1, 3);
		madt_lapic_override(&b, 0xFEE00000ULL);
	}
	madt_ioapic(&b, 1, 0xFEC00000, 0);
	madt_override(&b, 0, 2, 0);
	madt_override(&b, 9, 9, 0xD);
	return acpi_add_table(m, "APIC", &b);
}

static u64 seed_mcfg(struct fake_phys *m)
{
	struct acpi_body b = { .n = 0 };

	mcfg_header(&b);
	mcfg_entry(&b, 0xB0000000, 0, 0, 255);
	return acpi_add_table(m, "MCFG", &b);
}

/* RSDP at 0, then the root table and the tables it lists. */
static void seed_acpi_one(const char *name, u8 revision)
{
	static u8 buf[1024];
	struct fake_phys m;
	struct acpi_rsdp r;
	struct acpi_body facs = { .n = 0 };
	u64 tables[3], rsdp, root;

	fake_phys_init(&m, buf, 0, sizeof(buf));
	rsdp = fake_phys_alloc(&m, sizeof(r));
	body_put(&facs, "FADT-ish body", 13);
	tables[0] = acpi_add_table(&m, "FACP", &facs);
	tables[1] = seed_madt(&m, revision >= 2);
	tables[2] = seed_mcfg(&m);
	root = acpi_add_root(&m, revision >= 2, tables, 3);
	r = revision >= 2 ? acpi_make_rsdp(revision, 0, root) : acpi_make_rsdp(0, (u32)root, 0);
	memcpy(fake_phys_ptr(&m, rsdp), &r, sizeof(r));
	write_seed("acpi", name, buf, m.used);
}

static void seed_acpi(void)
{
	seed_acpi_one("v1_rsdt", 0);
	seed_acpi_one("v2_xsdt", 2);
}

/* --- command lines ---------------------------------------------------------- */

static void seed_cmdline(void)
{
	static const struct {
		const char *name, *text;
	} seeds[] = {
		{ "options", "log=debug selftest=off fault_test=pf" },
		{ "grub_path", "/boot/understudy.elf log=trace selftest" },
		{ "values", "guest_args=\"a b\tc\" ip=10.0.2.15 mac=52:54:00:12:34:56 mem=0x20M" },
		{ "errors", "selftest=maybe fault_test=xx log=loud =x unknown" },
		{ "unclosed", "log=info args=\"never closed" },
		{ "size", "16777215T" },
		{ "guest", "hv=vmx guest=linux guest_mem=128M guest_console=e9 "
			   "\"guest_args=console=ttyS0 a=\\\"b c\\\"\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++)
		write_seed("cmdline", seeds[i].name, seeds[i].text, strlen(seeds[i].text));
}

/* --- understudy.efi: configuration, hypervisor image, boot information ---- */

static void seed_efi_config(void)
{
	static const struct {
		const char *name, *text;
	} seeds[] = {
		{ "grub_entry", "# Understudy\r\nmultiboot2 /boot/understudy.elf log=info "
				"guest_args=\"console=ttyS0\"\r\nmodule2 guest.elf guest\r\n"
				"module2 \\EFI\\understudy\\notes.txt guest_module notes.txt a b\r\n" },
		{ "one_line", "multiboot2 u.elf selftest=off module2 \"my guest.elf\" guest "
			      "module2 log.rr replay_log" },
		{ "errors", "multiboot2 u.elf\ntimeout=5\nmodule2\n\"open" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++)
		write_seed("efi_config", seeds[i].name, seeds[i].text, strlen(seeds[i].text));
}

static void seed_efi_image(void)
{
	static u8 img[IMG_SIZE];
	static const u8 info_request[] = { 1, 0, 0, 0, 16, 0, 0, 0, 6, 0, 0, 0, 15, 0, 0, 0 };

	img_build(img);
	write_seed("efi_image", "understudy_shape", img, sizeof(img));
	img_mb2_header(img, IMG_MB2_OFF, MB2_ARCH_I386, info_request, sizeof(info_request));
	write_seed("efi_image", "info_request", img, sizeof(img));
}

/* fuzz_efi_mb2_build's input: stride selector, flags, then descriptors. */
static void seed_efi_mb2_one(const char *name, u8 stride_sel, u8 flags)
{
	static const EFI_MEMORY_DESCRIPTOR map[] = {
		{ EfiConventionalMemory, 0, 0x2C0000, 0, 0x540, 0xF },
		{ EfiBootServicesData, 0, 0x100000, 0, 0x100, 0xF },
		{ EfiConventionalMemory, 0, 0x0, 0, 0xA0, 0xF },
		{ EfiLoaderData, 0, 0x200000, 0, 0xC0, 0xF },
		{ EfiACPIMemoryNVS, 0, 0x800000, 0, 8, 0xF },
		{ EfiRuntimeServicesData, 0, 0x808000, 0, 8, 0x800000000000000FULL },
		{ EfiACPIReclaimMemory, 0, 0x7F00000, 0, 0x10, 0xF },
		{ EfiMemoryMappedIO, 0, 0xFFC00000, 0, 0x400, 0x8000000000000001ULL },
	};
	u8 buf[2 + ARRAY_SIZE(map) * 64] = { stride_sel, flags };
	size_t stride = 32 + 8 * (stride_sel & 3u);

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		memcpy(buf + 2 + i * stride, &map[i], sizeof(map[i]));
	write_seed("efi_mb2_build", name, buf, 2 + ARRAY_SIZE(map) * stride);
}

static void seed_efi_mb2_build(void)
{
	seed_efi_mb2_one("ovmf_like", 2, 0xF2);   /* stride 48, every tag, 2 modules */
	seed_efi_mb2_one("plain", 1, 0x00);       /* stride 40, nothing optional */
}

/* fuzz_linux_loader: an option byte, then a bzImage (64- and 32-bit entry,
 * with and without initrd) or a vmlinux, small enough for its 8 MiB RAM. */
static void seed_linux_loader(void)
{
	static u8 buf[1 + 0x8000];

	lib_make_bzimage(buf + 1, 0x3000, MiB(2), MiB(2));
	for (u8 opt = 0; opt < 3; opt++) {
		const char *names[] = { "bzimage64", "bzimage32", "bzimage64_no_initrd" };

		buf[0] = opt;
		write_seed("linux_loader", names[opt], buf, 1 + 0x3000);
	}
	lib_make_vmlinux(buf + 1, 0x8000, MiB(2), MiB(1));
	buf[0] = 0;
	write_seed("linux_loader", "vmlinux_pvh", buf, sizeof(buf));
	lib_put_notes(buf + 1, 4, MiB(2) + 0x850);
	buf[0] = 2;
	write_seed("linux_loader", "vmlinux_pvh_note4_no_initrd", buf, sizeof(buf));
}

/* The small guest's snapshot with a DEVICE "cpuid": a table of three
 * leaves (vendor, features, address widths). */
static void seed_snapshot_cpuid(u8 *buf, size_t cap)
{
	static const struct snap_cpuid table = {
		3,
		{ { 0, 0, 0xD, 0x756E6547, 0x6C65746E, 0x49656E69 },
		  { 1, 0, 0x000606A6, 0x800, 0x80000001, 0x078BFBFF },
		  { 0x80000008, 0, 0x3030, 0, 0, 0 } },
	};
	static u8 state[SNAP_CPUID_SIZE(3)];
	struct snap_device d;

	sb_device(&d, SNAP_CPUID_NAME, SNAP_CPUID_VERSION, state,
		  (u32)snap_cpuid_encode(&table, state, sizeof(state)));
	sb_extra_device = &d;
	write_seed("snapshot", "small_guest_cpuid", buf, sb_write(buf, cap, 1 << 20));
	sb_extra_device = NULL;
}

/* A small guest's snapshot, in one MEMORY section and in many. */
static void seed_snapshot(void)
{
	static u8 buf[SB_RAM + 65536];
	size_t n;

	n = sb_write(buf, sizeof(buf), 1 << 20);
	write_seed("snapshot", "small_guest", buf, n);
	n = sb_write(buf, sizeof(buf), SNAP_SCRATCH_MIN);
	write_seed("snapshot", "small_guest_many_sections", buf, n);
	seed_snapshot_cpuid(buf, sizeof(buf));
}

/* That guest migrated (fuzz_migrate: a split byte, then the source's
 * stream): one PAGES frame a round, many small ones, and the shortest
 * whole stream (HELLO, STATE, DONE, GO). */
static void seed_migrate(void)
{
	static u8 buf[1 + MB_STREAM_MAX];
	static const unsigned shortest[] = { 0, 5, 6, 7 }; /* mb_build's frames */
	size_t n, len = 1;

	buf[0] = 0x80;
	n = mb_build(buf + 1, sizeof(buf) - 1, MIG_FRAME_HDR + MIG_PAYLOAD_MAX);
	write_seed("migrate", "small_guest", buf, 1 + n);
	if (!n || mb_nframes != 8) {
		fprintf(stderr, "gen_seeds: migration stream not built\n");
		exit(1);
	}
	for (unsigned i = 0; i < 4; i++) {
		memmove(buf + len, buf + 1 + mb_frames[shortest[i]].off, mb_frames[shortest[i]].len);
		len += mb_frames[shortest[i]].len;
	}
	mb_repair(buf + 1, len - 1);
	buf[0] = 0x10;
	write_seed("migrate", "shortest", buf, len);
	n = mb_build(buf + 1, sizeof(buf) - 1,
		     MIG_FRAME_HDR + MIG_PAGES_PREFIX + 2 * MIG_PAGE_RECORD_MAX);
	buf[0] = 0xF0;
	write_seed("migrate", "small_guest_many_frames", buf, 1 + n);
}

/* That stream captured (fuzz_pcap_tcp: mode 0, then a pcap), little- and
 * big-endian, in 1460-byte segments, one retransmitted; and a stream for
 * the round trip (mode 0x80 and up). */
static void seed_pcap_tcp(void)
{
	static struct pcap_builder pb;
	static u8 stream[MB_STREAM_MAX], seed[1 + PB_MAX];
	size_t n = mb_build(stream, sizeof(stream), MIG_FRAME_HDR + MIG_PAYLOAD_MAX);

	for (int be = 0; be < 2; be++) {
		pb_init(&pb, be, PCAP_LINKTYPE_ETHERNET);
		pb_stream(&pb, 50000, 9720, 1000, stream, n, 1460);
		pb_segment(&pb, 50000, 9720, 1001 + 1460, TCP_FLAG_ACK, stream + 1460, 1460);
		if (!n || pb.len > PB_MAX) {
			fprintf(stderr, "gen_seeds: capture not built\n");
			exit(1);
		}
		seed[0] = 0; /* the mode: a capture */
		memcpy(seed + 1, pb.buf, pb.len);
		write_seed("pcap_tcp", be ? "migration_big_endian" : "migration", seed, 1 + pb.len);
	}
	stream[0] = 0x8B;
	memcpy(stream + 1, "USTDYMIG stream bytes", 21);
	write_seed("pcap_tcp", "roundtrip", stream, 22);
}

/* The destination's replies (fuzz_migrate_replies: a split byte, the
 * rounds the source ended, then the stream): ACCEPT, HOLDS of rounds 0
 * (in two frames) and 1, READY; and a REFUSE alone. */
static void seed_migrate_replies(void)
{
	static u8 buf[2 + 4096];
	struct mig_encoder e;
	size_t n = 2;

	mig_encoder_init(&e);
	buf[0] = 0x80;
	buf[1] = 2;
	n += (size_t)mig_encode_empty(&e, MIG_ACCEPT, buf + n, sizeof(buf) - n);
	for (u32 round = 0, frame = 0; round < 2; frame++) {
		if (mig_holds_begin(&e, round, 4096, buf + n, sizeof(buf) - n))
			exit(1);
		for (u64 p = frame * 40; p < frame * 40 + 40; p += 1 + p % 3)
			mig_holds_add(&e, p, hash64(&p, sizeof(p), round));
		n += (size_t)mig_holds_finish(&e);
		round += frame % 2 == 1 || round == 1;
	}
	n += (size_t)mig_encode_empty(&e, MIG_READY, buf + n, sizeof(buf) - n);
	write_seed("migrate_replies", "accept_holds_ready", buf, n);
	mig_encoder_init(&e);
	n = 2 + (size_t)mig_encode_refuse(&e, "another guest image", buf + 2, sizeof(buf) - 2);
	write_seed("migrate_replies", "refuse", buf, n);
}

/* Each page encoding of pages from that guest's RAM, for the decoder (mode
 * byte 0: no previous copy, 1: the one the fuzzer builds), and two pages
 * for the encoder (mode 0x81: with a previous copy). */
static void seed_page_codec(void)
{
	static u8 buf[1 + 2 * SNAP_PAGE_SIZE], prev[SNAP_PAGE_SIZE];
	static const char *const names[PAGE_ENC_COUNT] = { "zero", "raw", "lz4", "xor_zrun",
							   "xor_lz4" };
	u8 *text = sb_ram + 1 * SNAP_PAGE_SIZE, *page;
	char name[32];

	sb_fill_ram();
	for (size_t i = 0; i < SNAP_PAGE_SIZE; i++)
		prev[i] = (u8)(i * 1); /* the fuzzer's previous copy for mode 1 */
	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++) {
		page = k == PAGE_ENC_ZERO ? sb_ram : k == PAGE_ENC_RAW ? sb_ram + 43 * SNAP_PAGE_SIZE : text;
		if (k >= PAGE_ENC_XOR_ZRUN) {
			memcpy(text, prev, SNAP_PAGE_SIZE);
			text[100] ^= 0x55;
			for (size_t i = 2048; i < 2048 + 512; i++)
				text[i] ^= (u8)(1 + i % 3);
		}
		buf[0] = k >= PAGE_ENC_XOR_ZRUN;
		int n = page_encode_as(k, page, prev, buf + 1, &sb_work);
		if (n < 0) {
			fprintf(stderr, "gen_seeds: page encoding %s failed\n", names[k]);
			exit(1);
		}
		snprintf(name, sizeof(name), "decode_%s", names[k]);
		write_seed("page_codec", name, buf, 1 + (size_t)n);
	}
	sb_fill_ram();
	buf[0] = 0x81;
	memcpy(buf + 1, sb_ram + 1 * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
	memcpy(buf + 1 + SNAP_PAGE_SIZE, sb_ram + 2 * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
	write_seed("page_codec", "encode_text_table", buf, sizeof(buf));
}

/* Witness frames (fuzz_witness: a direction byte, then one connection's
 * frames): a node's requests, the witness's replies, and a replayed frame. */
static void seed_witness_one(const char *name, u8 dir, const struct wit_msg *msgs, size_t count,
			     bool replay)
{
	static u8 buf[1 + 8 * WIT_FRAME_MAX];
	size_t n = 1;
	int len = 0;

	buf[0] = dir;
	for (size_t i = 0; i < count; i++) {
		len = wit_encode(&msgs[i], buf + n, sizeof(buf) - n);
		if (len < 0)
			exit(1);
		n += (size_t)len;
	}
	if (replay) {
		memcpy(buf + n, buf + n - len, (size_t)len);
		n += (size_t)len;
	}
	write_seed("witness", name, buf, n);
}

static void seed_witness(void)
{
	static const struct wit_msg requests[] = {
		{ .type = WIT_ACQUIRE, .seq = 1, .node = "primary", .duration_ms = 3000 },
		{ .type = WIT_RENEW, .seq = 2, .node = "primary", .epoch = 1 },
		{ .type = WIT_QUERY, .seq = 3 },
		{ .type = WIT_RELEASE, .seq = 5, .node = "primary", .epoch = 1 },
		{ .type = WIT_ACQUIRE, .seq = 60, .node = "backup", .epoch = 1 },
	};
	static const struct wit_msg replies[] = {
		{ .type = WIT_GRANTED, .seq = 1, .holder = "primary", .epoch = 1, .duration_ms = 3000 },
		{ .type = WIT_REFUSED, .seq = 2, .holder = "primary", .epoch = 1, .left_ms = 2000,
		  .reason = WIT_R_HELD, .text = "another node holds the lease" },
		{ .type = WIT_STATE, .seq = 3, .holder = "", .epoch = 1 },
	};

	seed_witness_one("requests", 0, requests, ARRAY_SIZE(requests), false);
	seed_witness_one("replies", 1, replies, ARRAY_SIZE(replies), false);
	seed_witness_one("replayed", 0, requests, 2, true);
}

/* Console stream frames (fuzz_console_stream: a direction byte, then one
 * connection's frames): two senders' streams that overlap, one of them
 * contradicting a byte, and a listener's replies. */
static void seed_console_one(const char *name, u8 dir, const struct cs_msg *msgs, size_t count)
{
	static u8 buf[1 + 8 * CS_FRAME_MAX];
	size_t n = 1;

	buf[0] = dir;
	for (size_t i = 0; i < count; i++) {
		int len = cs_encode(&msgs[i], buf + n, sizeof(buf) - n);

		if (len < 0)
			exit(1);
		n += (size_t)len;
	}
	write_seed("console_stream", name, buf, n);
}

static void seed_console_stream(void)
{
	static const struct cs_msg sender[] = {
		{ .type = CS_HELLO, .seq = 1, .guest = 0x1234, .role = CS_ROLE_PRIMARY, .produced = 14 },
		{ .type = CS_DATA, .seq = 2, .offset = 0, .data = (const u8 *)"tick 1\n", .len = 7 },
		{ .type = CS_DATA, .seq = 3, .offset = 7, .data = (const u8 *)"tick 2\n", .len = 7 },
		{ .type = CS_DATA, .seq = 4, .offset = 4, .data = (const u8 *)" 1\ntick 9\n", .len = 10 },
		{ .type = CS_DATA, .seq = 5, .offset = 20, .data = (const u8 *)"after a gap", .len = 11 },
	};
	static const struct cs_msg listener[] = {
		{ .type = CS_WELCOME, .seq = 1, .offset = 0 },
		{ .type = CS_ACK, .seq = 2, .offset = 14 },
		{ .type = CS_REFUSED, .seq = 3, .reason = CS_R_OTHER_GUEST, .text = "another guest" },
	};

	seed_console_one("sender", 0, sender, ARRAY_SIZE(sender));
	seed_console_one("listener", 1, listener, ARRAY_SIZE(listener));
}

/* Checkpoint mode's stream (fuzz_ft_epoch: a piece-size byte, then the
 * stream): its header, two epochs with state and console bytes, END. */
static size_t seed_epoch_record(u8 *out, u16 kind, u64 epoch, u64 state_len, const char *console,
				u64 console_offset)
{
	struct ft_epoch_header h = { .kind = kind, .epoch = epoch, .state_len = state_len,
				     .console_len = (u32)strlen(console),
				     .console_offset = console_offset };
	u8 *payload = out + FT_EPOCH_HEADER_SIZE;

	for (u64 i = 0; i < state_len; i++)
		payload[i] = (u8)(i * 7 + epoch);
	memcpy(payload + state_len, console, h.console_len);
	h.payload_hash = hash64(payload, state_len + h.console_len, epoch);
	ft_epoch_header_encode(&h, out);
	return FT_EPOCH_HEADER_SIZE + state_len + h.console_len;
}

static void seed_ft_epoch(void)
{
	static u8 buf[4096];
	struct ft_stream_header sh = { .identity = 0x1234, .ram_size = 1 << 20, .epoch_ms = 50 };
	size_t n = 1;

	buf[0] = 13;
	ft_stream_header_encode(&sh, buf + n);
	n += FT_STREAM_HEADER_SIZE;
	n += seed_epoch_record(buf + n, FT_EPOCH_STATE, 1, 200, "tick 1\n", 0);
	n += seed_epoch_record(buf + n, FT_EPOCH_STATE, 2, 40, "tick 2\n", 7);
	n += seed_epoch_record(buf + n, FT_EPOCH_END, 3, 0, "done\n", 14);
	write_seed("ft_epoch", "three_records", buf, n);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		out_dir = argv[1];
	seed_mb2();
	seed_acpi();
	seed_cmdline();
	seed_efi_config();
	seed_efi_image();
	seed_efi_mb2_build();
	seed_linux_loader();
	seed_snapshot();
	seed_page_codec();
	seed_migrate();
	seed_pcap_tcp();
	seed_migrate_replies();
	seed_witness();
	seed_console_stream();
	seed_ft_epoch();
	return 0;
}
