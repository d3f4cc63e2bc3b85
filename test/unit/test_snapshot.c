// sources: proto/snapshot_types.c proto/snapshot_writer.c proto/snapshot_reader.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
// uses: lz4
/*
 * proto/snapshot*.c: a small guest's snapshot (test/unit/snap_builder.h)
 * written and applied back gives the same vCPU, devices, RR state and RAM;
 * in one MEMORY section or many. A snapshot that is truncated anywhere,
 * corrupted in any section, for another guest, with an unknown mandatory
 * section, a section dropped or bytes after END is refused with the
 * section named, and apply then hands nothing out. The writer refuses
 * what the reader would.
 */
#include "helpers.h"

#include "errno.h"
#include "endian.h"
#include "proto/snapshot.h"
#include "snap_builder.h"

#define SNAP_CAP (SB_RAM + 65536)

static u8 snap[SNAP_CAP], bad[SNAP_CAP];
static struct snap_reader reader;

/* What apply handed out. */
static struct got {
	unsigned calls, vcpus, devices, rrs, pages, sections, clears;
	struct snap_header hdr;
	struct snap_vcpu vcpu;
	struct snap_device dev[4];
	struct snap_rr rr;
	u8 ram[SB_RAM];
} got;

static int on_header(void *ctx, const struct snap_header *h)
{
	got.calls++;
	got.hdr = *h;
	return 0;
}

static int on_vcpu(void *ctx, const struct snap_vcpu *v)
{
	got.calls++;
	got.vcpus++;
	got.vcpu = *v;
	return 0;
}

static int on_device(void *ctx, const struct snap_device *d)
{
	got.calls++;
	if (got.devices < 4)
		got.dev[got.devices] = *d;
	got.devices++;
	return 0;
}

static int on_rr(void *ctx, const struct snap_rr *rr)
{
	got.calls++;
	got.rrs++;
	got.rr = *rr;
	return 0;
}

static int on_clear(void *ctx)
{
	got.calls++;
	got.clears++;
	memset(got.ram, 0, sizeof(got.ram));
	return 0;
}

static int on_page(void *ctx, u64 pfn, const u8 *page, unsigned enc, size_t len)
{
	got.calls++;
	got.pages++;
	assert_true(pfn < SB_PAGES);
	memcpy(got.ram + pfn * SNAP_PAGE_SIZE, page, SNAP_PAGE_SIZE);
	return 0;
}

static int on_section(void *ctx, size_t off, const struct snap_section *s, const char *name,
		      bool known)
{
	got.sections++;
	return 0;
}

static const struct snap_ops ops = {
	.header = on_header, .vcpu = on_vcpu, .device = on_device, .rr = on_rr,
	.ram_clear = on_clear, .page = on_page, .section = on_section,
};

static int apply(const u8 *data, size_t len)
{
	memset(&got, 0, sizeof(got));
	memset(got.ram, 0xEE, sizeof(got.ram));
	return snap_apply(&reader, data, len, &sb_identity, &ops, NULL, &sb_work);
}

static void expect_same_guest(void)
{
	struct snap_vcpu v;

	sb_vcpu(&v);
	assert_int_equal(got.vcpus, 1);
	assert_true(wire_same(&snap_vcpu_table, &got.vcpu, &v));
	assert_int_equal(got.hdr.kernel_hash, sb_header.kernel_hash);
	assert_string_equal(got.hdr.backend, "vmx");
	assert_string_equal(got.hdr.version, "0.1-test");
	assert_int_equal(got.devices, 2);
	assert_string_equal(got.dev[0].name, "uart0");
	assert_int_equal(got.dev[0].version, 1);
	assert_int_equal(got.dev[0].len, sizeof(sb_uart_state));
	assert_memory_equal(got.dev[0].state, sb_uart_state, sizeof(sb_uart_state));
	assert_string_equal(got.dev[1].name, "pit");
	assert_int_equal(got.dev[1].version, 2);
	assert_memory_equal(got.dev[1].state, sb_pit_state, sizeof(sb_pit_state));
	assert_int_equal(got.rr.landmark, 987654);
	assert_int_equal(got.rr.device_time_ns, 5000000000ULL);
	assert_int_equal(got.clears, 1);
	assert_memory_equal(got.ram, sb_ram, SB_RAM);
}

static void test_roundtrip(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), 1 << 20);

	assert_true(n > 0);
	assert_true(n < SB_RAM / 2); /* zero pages elided, the rest compressed */
	assert_int_equal(apply(snap, n), 0);
	expect_same_guest();
	assert_int_equal(got.pages, SB_PAGES - SB_PAGES / 4);
	assert_int_equal(got.sections, 6); /* VCPU, 2 DEVICE, RR, MEMORY, END */
}

/* The smallest scratch buffer: many MEMORY sections, the same guest. */
/* The copy a delta page is against: sb_ram with a byte changed per page. */
static u8 held[SB_RAM];

static const u8 *on_prev(void *ctx, u64 pfn)
{
	return held + pfn * SNAP_PAGE_SIZE;
}

/* Pages written as deltas against the copy the reader holds (a checkpoint
 * epoch): read back against that copy they are the guest's pages, far
 * smaller than whole; a reader without the copy refuses them. */
static void test_delta_pages(void **state)
{
	static u8 scratch[1 << 20];
	struct snap_buf buf = { snap, sizeof(snap), 0 };
	struct snap_ops with_prev = ops;
	struct snap_writer w;
	struct snap_vcpu v;
	struct snap_device d;
	struct snap_rr rr = { .landmark = 987654, .device_time_ns = 5000000000ULL };
	size_t whole = sb_write(bad, sizeof(bad), 1 << 20);
	int err;

	memcpy(held, sb_ram, SB_RAM);
	for (unsigned pg = 0; pg < SB_PAGES; pg++)
		held[pg * SNAP_PAGE_SIZE + 100] ^= 0x5A;
	sb_vcpu(&v);
	snap_writer_init(&w, snap_buf_sink, &buf, scratch, sizeof(scratch), &sb_work);
	err = snap_write_header(&w, &sb_header);
	err = err ? err : snap_write_vcpu(&w, &v);
	sb_device(&d, "uart0", 1, sb_uart_state, sizeof(sb_uart_state));
	err = err ? err : snap_write_device(&w, &d, true);
	sb_device(&d, "pit", 2, sb_pit_state, sizeof(sb_pit_state));
	err = err ? err : snap_write_device(&w, &d, true);
	err = err ? err : snap_write_rr(&w, &rr);
	for (unsigned pg = 0; pg < SB_PAGES && !err; pg++)
		err = snap_write_page_against(&w, pg, sb_ram + pg * SNAP_PAGE_SIZE,
					      held + pg * SNAP_PAGE_SIZE);
	err = err ? err : snap_write_end(&w);
	assert_int_equal(err, 0);
	assert_true(buf.len < whole / 2);
	with_prev.prev = on_prev;
	memset(&got, 0, sizeof(got));
	assert_int_equal(snap_apply(&reader, snap, buf.len, &sb_identity, &with_prev, NULL,
				    &sb_work), 0);
	assert_memory_equal(got.ram, sb_ram, SB_RAM);
	assert_int_equal(apply(snap, buf.len), -EBADMSG);
	assert_non_null(strstr(reader.msg, "a delta against a copy this reader does not hold"));
}

static void test_many_memory_sections(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), SNAP_SCRATCH_MIN);

	assert_true(n > 0);
	assert_int_equal(apply(snap, n), 0);
	expect_same_guest();
	assert_true(got.sections > 6);
}

/* Every prefix is refused, and nothing is handed out. */
static void test_truncated_anywhere(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), SNAP_SCRATCH_MIN);

	for (size_t len = 0; len < n; len += (len < 400 ? 1 : 97)) {
		int err = apply(snap, len);

		assert_true(err == -EINVAL);
		assert_int_equal(got.calls, 0);
	}
	assert_int_equal(apply(snap, n - 1), -EINVAL);
	assert_string_equal(reader.msg + strlen(reader.msg) - strlen(": truncated (payload cut short)"),
			    ": truncated (payload cut short)");
	assert_non_null(strstr(reader.msg, "(END)"));
}

/* A flipped byte in any section: a checksum mismatch naming it. */
static void test_corrupted_sections(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), 1 << 20);

	for (size_t off = SNAP_HEADER_SIZE; off < n; off += 13) {
		int err;

		memcpy(bad, snap, n);
		bad[off] ^= 0x40;
		err = apply(bad, n);
		assert_true(err == -EBADMSG || err == -EINVAL || err == -ENOTSUP);
		assert_non_null(strstr(reader.msg, "section "));
		assert_int_equal(got.calls, 0);
	}
	/* the first VCPU byte: section 0, at the end of the header */
	memcpy(bad, snap, n);
	bad[SNAP_HEADER_SIZE + SNAP_SECTION_HDR_SIZE] ^= 1;
	assert_int_equal(apply(bad, n), -EBADMSG);
	assert_string_equal(reader.msg, "section 0 (VCPU) at offset 104: checksum mismatch");
	/* the header */
	memcpy(bad, snap, n);
	bad[20] ^= 1;
	assert_int_equal(apply(bad, n), -EBADMSG);
	assert_string_equal(reader.msg, "header checksum mismatch");
	memcpy(bad, snap, n);
	bad[0] = 'X';
	assert_int_equal(apply(bad, n), -EBADMSG);
	assert_string_equal(reader.msg, "not a snapshot (bad magic)");
	memcpy(bad, snap, n);
	bad[8] = 2;
	assert_int_equal(apply(bad, n), -ENOTSUP);
	assert_string_equal(reader.msg, "snapshot format version 2 not supported (this reader knows 1)");
}

static void test_another_guest(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), 1 << 20);
	struct snap_identity other = sb_identity;

	other.cmdline_hash ^= 1;
	memset(&got, 0, sizeof(got));
	assert_int_equal(snap_apply(&reader, snap, n, &other, &ops, NULL, &sb_work), -EPERM);
	assert_string_equal(reader.msg, "snapshot of another guest: cmdline_hash 0x6666777788889999, "
					"this guest's 0x6666777788889998");
	assert_int_equal(got.calls, 0);
	other = sb_identity;
	other.ram_size *= 2;
	assert_int_equal(snap_verify(&reader, snap, n, &other, NULL, NULL, &sb_work), -EPERM);
	/* without an identity to check, only the format is verified */
	assert_int_equal(snap_verify(&reader, snap, n, NULL, NULL, NULL, &sb_work), 0);
}

/* A writer that has written everything but END, and a section of the
 * test's own appended to its buffer as write_section would. */
static struct snap_buf partial(u8 *out, struct snap_writer *w, u16 type, u16 flags, u16 version)
{
	static u8 scratch[SNAP_SCRATCH_MIN];
	static struct snap_buf buf;
	struct snap_vcpu v;
	struct snap_rr rr = { 1, 2 };
	u8 *sec;

	buf = (struct snap_buf){ out, SNAP_CAP, 0 };
	sb_vcpu(&v);
	snap_writer_init(w, snap_buf_sink, &buf, scratch, sizeof(scratch), &sb_work);
	assert_int_equal(snap_write_header(w, &sb_header), 0);
	assert_int_equal(snap_write_vcpu(w, &v), 0);
	assert_int_equal(snap_write_rr(w, &rr), 0);
	sec = out + buf.len;
	le_put(sec + 8, type, 2);
	le_put(sec + 10, flags, 2);
	le_put(sec + 12, version, 2);
	le_put(sec + 14, 0, 2);
	le_put(sec + 16, 3, 4);
	memcpy(sec + 20, "abc", 3);
	le_put(sec, hash64(sec + 8, 12 + 3, 0), 8);
	buf.len += 23;
	w->bytes += 23;
	w->end.chain = hash64(sec, 8, w->end.chain);
	w->end.sections++;
	assert_int_equal(snap_write_end(w), 0);
	return buf;
}

static void test_unknown_sections(void **state)
{
	struct snap_writer w;
	struct snap_buf b;
	struct snap_vcpu v;
	struct wire_sink count = { NULL, 0 };
	char want[128];

	sb_vcpu(&v);
	assert_int_equal(wire_encode(&count, &snap_vcpu_table, &v, NULL), 0);
	/* the header, VCPU and RR sections (16 bytes) before it */
	snprintf(want, sizeof(want), "section 2 (type 99) at offset %zu: unknown mandatory section",
		 SNAP_HEADER_SIZE + 2 * SNAP_SECTION_HDR_SIZE + count.n + 16);

	b = partial(snap, &w, 99, SNAP_SECTION_MANDATORY, 1);
	assert_int_equal(apply(snap, b.len), -ENOTSUP);
	assert_string_equal(reader.msg, want);
	assert_int_equal(got.calls, 0);

	b = partial(snap, &w, 99, 0, 1); /* optional: skipped */
	assert_int_equal(apply(snap, b.len), 0);
	assert_int_equal(got.vcpus, 1);
	assert_int_equal(got.sections, 4);

	b = partial(snap, &w, SNAP_RR, SNAP_SECTION_MANDATORY, 7);
	assert_int_equal(apply(snap, b.len), -ENOTSUP);
	assert_non_null(strstr(reader.msg, "section 2 (RR) at offset "));
	assert_non_null(strstr(reader.msg, ": mandatory section of a version this reader does not know"));

	/* an END of another version, marked optional, is refused all the same
	 * (found by fuzz_snapshot: taken for the end, it skipped END's checks) */
	b = partial(snap, &w, SNAP_END, 0, 7);
	assert_int_equal(apply(snap, b.len), -ENOTSUP);
	assert_non_null(strstr(reader.msg, "section 2 (END) at offset "));
	assert_int_equal(got.calls, 0);
}

/* A section dropped from the middle, one too many, bytes after END. */
static void test_missing_and_extra(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), 1 << 20), dev_off, dev_len;

	/* the first DEVICE section follows the VCPU one */
	dev_off = SNAP_HEADER_SIZE + SNAP_SECTION_HDR_SIZE + le_get(snap + SNAP_HEADER_SIZE + 16, 4);
	dev_len = SNAP_SECTION_HDR_SIZE + le_get(snap + dev_off + 16, 4);
	memcpy(bad, snap, dev_off);
	memcpy(bad + dev_off, snap + dev_off + dev_len, n - dev_off - dev_len);
	assert_int_equal(apply(bad, n - dev_len), -EBADMSG);
	assert_non_null(strstr(reader.msg, "(END)"));
	assert_non_null(strstr(reader.msg, "sections missing or out of order"));
	assert_int_equal(got.calls, 0);

	memcpy(bad, snap, n);
	bad[n] = 0;
	assert_int_equal(apply(bad, n + 1), -EBADMSG);
	assert_non_null(strstr(reader.msg, "bytes after END"));
}

static int fail_sink(void *ctx, const void *data, size_t len)
{
	return -EIO;
}

static void test_writer_refusals(void **state)
{
	static u8 scratch[SNAP_SCRATCH_MIN];
	struct snap_buf buf = { snap, sizeof(snap), 0 };
	struct snap_writer w;
	struct snap_vcpu v;
	u8 page[SNAP_PAGE_SIZE];

	memset(page, 0x5A, sizeof(page));
	sb_vcpu(&v);
	snap_writer_init(&w, snap_buf_sink, &buf, scratch, sizeof(scratch), &sb_work);
	assert_int_equal(snap_write_vcpu(&w, &v), -EBUSY); /* before the header */
	assert_int_equal(snap_write_header(&w, &sb_header), 0);
	assert_int_equal(snap_write_header(&w, &sb_header), -EBUSY);
	v.cr8 = 16;
	assert_int_equal(snap_write_vcpu(&w, &v), -EINVAL);
	v.cr8 = 0;
	v.seg_attr[SNAP_CS] = 0x2000; /* a reserved bit */
	assert_int_equal(snap_write_vcpu(&w, &v), -EINVAL);
	assert_int_equal(snap_write_page(&w, 5, page), 0);
	assert_int_equal(snap_write_page(&w, 5, page), -EINVAL); /* not increasing */
	assert_int_equal(snap_write_page(&w, SB_PAGES, page), -EINVAL); /* past RAM */
	assert_int_equal(snap_write_end(&w), 0);
	assert_int_equal(snap_write_page(&w, 7, page), -EBUSY);

	snap_writer_init(&w, snap_buf_sink, &buf, scratch, 100, &sb_work);
	assert_int_equal(snap_write_header(&w, &sb_header), -EINVAL); /* scratch too small */

	snap_writer_init(&w, fail_sink, NULL, scratch, sizeof(scratch), &sb_work);
	assert_int_equal(snap_write_header(&w, &sb_header), -EIO);
	assert_int_equal(snap_write_end(&w), -EIO); /* the first failure sticks */

	sb_vcpu(&v);
	buf = (struct snap_buf){ snap, 200, 0 };
	snap_writer_init(&w, snap_buf_sink, &buf, scratch, sizeof(scratch), &sb_work);
	assert_int_equal(snap_write_header(&w, &sb_header), 0);
	assert_int_equal(snap_write_vcpu(&w, &v), -ENOSPC);
}

/* The layout docs/snapshot-format.md gives, byte by byte: header fields,
 * the first section's header and the VCPU record's first fields, RR,
 * END's totals and chain. */
static void test_layout_by_hand(void **state)
{
	static u8 scratch[SNAP_SCRATCH_MIN];
	struct snap_buf buf = { snap, sizeof(snap), 0 };
	struct snap_writer w;
	struct snap_vcpu v;
	struct snap_rr rr = { 0x1122, 0x3344 };
	const u8 *sec = snap + SNAP_HEADER_SIZE, *vcpu = sec + SNAP_SECTION_HDR_SIZE, *rrsec, *end;
	u64 chain;

	sb_vcpu(&v);
	snap_writer_init(&w, snap_buf_sink, &buf, scratch, sizeof(scratch), &sb_work);
	assert_int_equal(snap_write_header(&w, &sb_header), 0);
	assert_int_equal(snap_write_vcpu(&w, &v), 0);
	assert_int_equal(snap_write_rr(&w, &rr), 0);
	assert_int_equal(snap_write_end(&w), 0);

	assert_memory_equal(snap, "USTDYSNP", 8);
	assert_int_equal(le_get(snap + 8, 2), 1);
	assert_int_equal(le_get(snap + 10, 2), 104);
	assert_int_equal(le_get(snap + 16, 8), sb_header.kernel_hash);
	assert_int_equal(le_get(snap + 24, 8), sb_header.modules_hash);
	assert_int_equal(le_get(snap + 32, 8), sb_header.cmdline_hash);
	assert_int_equal(le_get(snap + 40, 8), SB_RAM);
	assert_int_equal(le_get(snap + 48, 8), 2000000000);
	assert_memory_equal(snap + 56, "vmx\0\0\0\0\0", 8);
	assert_memory_equal(snap + 64, "0.1-test\0", 9);
	assert_int_equal(le_get(snap + 96, 8), hash64(snap, 96, 0));

	assert_int_equal(le_get(sec + 8, 2), SNAP_VCPU);
	assert_int_equal(le_get(sec + 10, 2), SNAP_SECTION_MANDATORY);
	assert_int_equal(le_get(sec + 12, 2), 1);
	assert_int_equal(le_get(sec + 16, 4), 511);
	assert_int_equal(le_get(sec, 8), hash64(sec + 8, 12 + 511, 0));
	assert_int_equal(le_get(vcpu + 4 + 8 * 2, 8), v.gpr[2]);            /* RDX */
	assert_int_equal(le_get(vcpu + 4 + 128, 8), v.rip);
	assert_int_equal(le_get(vcpu + 4 + 128 + 16 + 2, 2), 8);            /* CS selector */
	assert_int_equal(le_get(vcpu + 4 + 128 + 16 + 16 + 2, 2), 0xA9B);   /* CS attributes */

	rrsec = vcpu + 511;
	assert_int_equal(le_get(rrsec + 8, 2), SNAP_RR);
	assert_int_equal(le_get(rrsec + 16, 4), 16);
	assert_int_equal(le_get(rrsec + 20, 8), 0x1122);
	assert_int_equal(le_get(rrsec + 28, 8), 0x3344);

	end = rrsec + SNAP_SECTION_HDR_SIZE + 16;
	chain = hash64(rrsec, 8, hash64(sec, 8, 0));
	assert_int_equal(le_get(end + 8, 2), SNAP_END);
	assert_int_equal(le_get(end + 16, 4), 20);
	assert_int_equal(le_get(end + 20, 4), 2);     /* sections */
	assert_int_equal(le_get(end + 24, 8), 0);     /* pages */
	assert_int_equal(le_get(end + 32, 8), chain);
	assert_int_equal(buf.len, (size_t)(end + 40 - snap));
	assert_int_equal(apply(snap, buf.len), 0);
	assert_int_equal(got.pages, 0);
	for (size_t i = 0; i < SB_RAM; i++)
		assert_int_equal(got.ram[i], 0); /* every page elided: all zero */
}

static void test_segment_attributes(void **state)
{
	/* 64-bit code (0xA09B), 32-bit data (0xC093), an unusable segment */
	assert_int_equal(snap_seg_attr_from_vmx(0xA09B), 0xA9B);
	assert_int_equal(snap_seg_attr_from_vmx(0xC093), 0xC93);
	assert_int_equal(snap_seg_attr_from_vmx(0x10000), SNAP_SEG_UNUSABLE);
	for (u32 ar = 0; ar < 0x20000; ar++) {
		if (ar & 0xF00)
			continue; /* reserved in the VMX format */
		assert_int_equal(snap_seg_attr_to_vmx(snap_seg_attr_from_vmx(ar)), ar);
	}
}

/* The header alone decodes from a snapshot's first bytes; less than the
 * header, another magic or a flipped bit is refused. */
static void test_header_alone(void **state)
{
	size_t n = sb_write(snap, sizeof(snap), 1 << 20);

	assert_true(n > SNAP_HEADER_SIZE);
	assert_int_equal(snap_read_header(&reader, snap, SNAP_HEADER_SIZE), SNAP_HEADER_SIZE);
	assert_int_equal(reader.hdr.kernel_hash, sb_header.kernel_hash);
	assert_int_equal(reader.hdr.ram_size, SB_RAM);
	assert_string_equal(reader.hdr.backend, "vmx");
	assert_int_equal(snap_read_header(&reader, snap, SNAP_HEADER_SIZE - 1), -EINVAL);
	assert_string_equal(reader.msg, "header truncated");
	snap[40] ^= 1;
	assert_int_equal(snap_read_header(&reader, snap, SNAP_HEADER_SIZE), -EBADMSG);
	assert_string_equal(reader.msg, "header checksum mismatch");
	snap[40] ^= 1;
	snap[0] = 'X';
	assert_int_equal(snap_read_header(&reader, snap, n), -EBADMSG);
	assert_string_equal(reader.msg, "not a snapshot (bad magic)");
}

static void test_type_names(void **state)
{
	assert_string_equal(snap_type_name(SNAP_MEMORY), "MEMORY");
	assert_string_equal(snap_type_name(77), "type 77");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_delta_pages),
		cmocka_unit_test(test_many_memory_sections),
		cmocka_unit_test(test_truncated_anywhere),
		cmocka_unit_test(test_corrupted_sections),
		cmocka_unit_test(test_another_guest),
		cmocka_unit_test(test_unknown_sections),
		cmocka_unit_test(test_missing_and_extra),
		cmocka_unit_test(test_writer_refusals),
		cmocka_unit_test(test_layout_by_hand),
		cmocka_unit_test(test_segment_attributes),
		cmocka_unit_test(test_header_alone),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
