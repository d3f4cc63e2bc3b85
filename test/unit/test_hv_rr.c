// sources-list: test/unit/hv_host.sources
/*
 * Record and replay (hv/rr/) on the fake backend. A scripted guest meets
 * every kind of input the log carries: RDTSC, reads of the PIT and the
 * CMOS, CPUID, RDRAND (where the host has it), device time and a timer
 * interrupt that arrives while it spins (an asynchronous landmark), plus a
 * store that dirty tracking sees. It is recorded (the log goes to the fake
 * COM3), then replayed from that log with the host clock moved far on: the
 * replay must say it matches, and the guest must have seen exactly the
 * recorded values at every step. Then the log is altered (re-encoded with
 * the log writer), cut short, or given to another guest, and the replay
 * must stop at the right landmark saying what differs.
 */
#include "helpers.h"

#include <cpuid.h>

#include "arch/x86/time.h"
#include "drivers/serial/uart16550.h"
#include "errno.h"
#include "fake_scripts.h"
#include "fake_vm.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/ft_fence.h"
#include "hv/ft_switchover.h"
#include "hv/ft_witness.h"
#include "hv/guest_input.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_sink.h"
#include "hv/rr/write_window.h"
#include "hv/snapshot.h"
#include "hv/vcpu_ops.h"
#include "hv/vdev/cmos_rtc.h"
#include "hv/vdev/uart16550.h"
#include "arch/x86/fpu.h"
#include "arch/x86/mm.h"
#include "proto/page_codec.h"

#define PIT_COUNT 100            /* 83.8 us periods */
#define LOOP_LONG 100000         /* a loop waiting for the timer interrupt */
#define GUEST_EXIT_CODE 3
#define REPLAY_CLOCK_SHIFT (1ULL << 40) /* the replay's host TSC starts far ahead */
#define REPLAY_INSN_CYCLES 1777  /* and its guest runs on a slower machine */
#define LOG_MODULE "replay_log"  /* the first word of the log's boot module */
#define CMOS_SECONDS 0x00
#define STORED_VALUE 0x1122334455667788ULL
#define CPUID1_ECX_RDRAND (1u << 30) /* SDM Vol 2A, CPUID, Table 3-10 */
#define MAX_PAGES_LISTED 1024

/* The guest: every input the log carries. */
#define STEPS_BEFORE_RDRAND                                                            \
	PIC_INIT(PIC_MASK_ALL_BUT_IRQ0), PIT_PERIODIC(PIT_COUNT),                      \
	FAKE_RDTSC,                                                                    \
	FAKE_OUT(PIT_CONTROL_PORT, 1, PIT_CW_LATCH_CH0), FAKE_IN(VPIT_BASE, 1),        \
	FAKE_IN(VPIT_BASE, 1),                                                         \
	FAKE_CPUID(0, 0), FAKE_CPUID(1, 0),                                            \
	FAKE_OUT(VRTC_INDEX_PORT, 1, CMOS_SECONDS), FAKE_IN(VRTC_DATA_PORT, 1),        \
	FAKE_STORE(FAKE_DATA_GPA, STORED_VALUE, 8), FAKE_STI, FAKE_LOOP(LOOP_LONG),    \
	PIC_EOI, FAKE_RDTSC

enum {
	STEP_RDTSC = PIC_INIT_STEPS + PIT_PERIODIC_STEPS,
	STEP_PIT_LO = STEP_RDTSC + 2,
	STEP_CPUID1 = STEP_RDTSC + 5,
	STEP_LOOP = STEP_RDTSC + 10,
	STEPS_COMMON = STEP_LOOP + 3,
};

static const struct fake_step guest[] = { STEPS_BEFORE_RDRAND };
static const struct fake_step guest_rdrand[] = { STEPS_BEFORE_RDRAND, FAKE_RDRAND, FAKE_RDTSC };
/* The same guest changed by a test (another CPUID leaf, a longer
 * instruction). */
static struct fake_step guest_changed[ARRAY_SIZE(guest)];

/* What a record run left: its log and what the guest saw at each step. */
struct recording {
	u8 log[FAKE_UART_CAPTURE];
	size_t len;
	u64 regs_at[FAKE_MAX_STEPS][GPR_COUNT];
	unsigned steps;
	struct fake_event injected;
	u64 landmarks;
};

static struct recording rec;
static const char *record_typed; /* typed at the guest console's port when recording */
static u8 edited[FAKE_UART_CAPTURE];
static u8 frame[RR_FRAME_SIZE];
static struct rrlog_page_hash pages[MAX_PAGES_LISTED];

/* The guest RIP at step i of the guest: every step before it moved RIP
 * past its instruction (exit handlers for exits, the fake CPU otherwise). */
static u64 rip_of_step(unsigned i)
{
	u64 rip = FAKE_KERNEL_ENTRY;

	for (unsigned k = 0; k < i; k++)
		rip += guest[k].len;
	return rip;
}

static bool host_has_rdrand(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & CPUID1_ECX_RDRAND);
}

static int teardown(void **state)
{
	capture_stop();
	fake_vm_destroy();
	return 0;
}

/* --- record and replay runs -------------------------------------------------------- */

static void run_script(const struct fake_step *script, unsigned n)
{
	fake.exit_code = GUEST_EXIT_CODE;
	fake_load_script(script, n);
	capture_start();
	vm_run(&fake_vm);
}

/* Records script on hw into rec. */
/* A frame goes out this often in the next recording (0: when full). */
static u64 record_flush_tsc;

static void record(const struct virt_backend *hw, const struct fake_step *script, unsigned n,
		   u32 digest_interval)
{
	const u8 *log;

	fake_vm_prepare();
	fake_cfg.rr = RR_CHOICE_RECORD;
	fake_cfg.rr_digest = digest_interval;
	fake_vm_boot(hw);
	fake_vm.rr->flush_interval_tsc = record_flush_tsc; /* role=primary's, on the fake clock */
	if (record_typed)
		fake_uart_type(COM2_PORT, (const u8 *)record_typed, strlen(record_typed));
	run_script(script, n);
	if (fake_vm.state != VM_EXITED)
		fail_msg("record run stopped: %s", fake_vm.stop_reason);
	assert_false(fake_vm.rr->sink_failed);
	log = fake_uart_bytes(COM3_PORT, &rec.len);
	assert_true(rec.len > RRLOG_HEADER_SIZE);
	memcpy(rec.log, log, rec.len);
	memcpy(rec.regs_at, fake.regs_at, sizeof(rec.regs_at));
	rec.steps = n;
	rec.landmarks = fake_vm.stats.guest_caused_exits;
	assert_true(fake.ninjected >= 1);
	rec.injected = fake.injected[0];
	fake_vm_destroy();
}

/* Sets up a replay of the log bytes on hw, far later on the host clock and
 * on a slower machine (every live time differs from the recording's);
 * returns fake_vm_start's result. */
static int start_replay(const struct virt_backend *hw, const u8 *log, size_t len,
			u32 digest_interval)
{
	int err;

	fake_vm_prepare();
	fake_tsc_advance(REPLAY_CLOCK_SHIFT);
	fake.insn_cycles = REPLAY_INSN_CYCLES;
	fake_cfg.rr = RR_CHOICE_REPLAY;
	fake_cfg.rr_digest = digest_interval;
	fake_vm_add_module(LOG_MODULE, log, len);
	capture_start();
	err = fake_vm_create(hw);
	return err ? err : fake_vm_start();
}

/* Sets up a replay of the recorded log as it streams in (rr_live=), chunk
 * bytes per poll of the stream, cut short after cut bytes. */
static int start_live_replay(const struct virt_backend *hw, size_t chunk, size_t cut,
			     enum ft_role role)
{
	int err;

	fake_vm_prepare();
	fake_cfg.role = role;
	fake_tsc_advance(REPLAY_CLOCK_SHIFT);
	fake.insn_cycles = REPLAY_INSN_CYCLES;
	fake_cfg.rr = RR_CHOICE_REPLAY;
	fake_cfg.rr_digest = 1;
	fake_cfg.rr_live_port = 9710;
	fake_live_log(rec.log, rec.len, chunk, cut);
	capture_start();
	err = fake_vm_create(hw);
	return err ? err : fake_vm_start();
}

/* The same as a backup (role=backup): a lost log is where it goes live. */
static int start_backup_replay(const struct virt_backend *hw, size_t cut)
{
	return start_live_replay(hw, 64, cut, FT_ROLE_BACKUP);
}

/* Where the log's frame k (from 0) ends, or the log's length when it has
 * fewer frames; *frames: how many it has. */
static size_t frame_end(unsigned k, unsigned *frames)
{
	size_t at = RRLOG_HEADER_SIZE, end = rec.len;
	unsigned n = 0;

	while (at + RRLOG_FRAME_HEADER_SIZE <= rec.len) {
		u32 payload;

		memcpy(&payload, rec.log + at + 4, sizeof(payload));
		at += RRLOG_FRAME_HEADER_SIZE + payload;
		if (n++ == k)
			end = at;
	}
	*frames = n;
	return end;
}

static size_t first_frame_end(void)
{
	unsigned frames;

	return frame_end(0, &frames);
}

/* A backup that took over ran the guest to its end, live after the
 * landmark where the log stopped, without a divergence. */
static void assert_took_over(u64 at_most)
{
	if (fake_vm.rr->divergence.diverged)
		fail_msg("the backup diverged at landmark %llu: %s", fake_vm.rr->divergence.landmark,
			 fake_vm.rr->divergence.what);
	assert_true(fake_vm.rr->took_over);
	assert_true(fake_vm.rr->took_over_at <= at_most);
	assert_int_equal(fake_vm.rr->mode, RR_OFF);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_captured("ft: the primary is gone: the guest goes live here, at landmark");
	assert_not_captured("replay matches");
	assert_string_equal(rr_mode_name(fake_vm.rr), "replay, then live");
}

static void replay(const struct virt_backend *hw, const u8 *log, size_t len,
		   const struct fake_step *script, unsigned n, u32 digest_interval)
{
	assert_int_equal(start_replay(hw, log, len, digest_interval), 0);
	run_script(script, n);
}

static void assert_replay_matches(void)
{
	char line[160];

	if (fake_vm.rr->divergence.diverged)
		fail_msg("the replay diverged at landmark %llu: %s", fake_vm.rr->divergence.landmark,
			 fake_vm.rr->divergence.what);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_true(fake_vm.rr->ended);
	snprintf(line, sizeof(line), "rr: replay matches the recording: %llu guest-caused exits, "
		 "final digest identical", rec.landmarks);
	assert_captured(line);
}

/* The replay stopped where and why it should have. */
static void assert_diverged(u64 landmark, const char *what)
{
	char reason[VM_STOP_REASON_MAX];

	if (!fake_vm.rr->divergence.diverged)
		fail_msg("the replay did not diverge (state %d)", fake_vm.state);
	if (fake_vm.rr->divergence.landmark != landmark || strcmp(fake_vm.rr->divergence.what, what))
		fail_msg("diverged at landmark %llu: \"%s\"; expected landmark %llu: \"%s\"",
			 fake_vm.rr->divergence.landmark, fake_vm.rr->divergence.what, landmark, what);
	assert_int_equal(fake_vm.state, VM_STOPPED);
	snprintf(reason, sizeof(reason), "replay diverged at landmark %llu: %s", landmark, what);
	assert_string_equal(fake_vm.stop_reason, reason);
	assert_not_captured("replay matches");
}

/* --- reading and re-encoding logs ----------------------------------------------------- */

typedef void (*entry_fn)(struct rrlog_entry *e, void *ctx);

/* Reads every entry of log (a DIGEST_PAGES entry with its pages decoded
 * into pages[]) and hands it to fn; returns the header's length. */
static size_t each_entry(const u8 *log, size_t len, entry_fn fn, void *ctx)
{
	struct rrlog_header h;
	struct rrlog_reader r;
	struct rrlog_entry e;
	const char *why = NULL;
	int hlen = rrlog_read_header(log, len, &h, &why);
	size_t at;

	if (hlen < 0)
		fail_msg("log header: %s", why);
	rrlog_reader_init(&r, false);
	for (at = (size_t)hlen; at < len;) {
		long n = rrlog_open_frame(&r, log + at, len - at);
		int got;

		if (n < 0)
			fail_msg("frame at %zu: %s", at, r.error);
		at += (size_t)n;
		while ((got = rrlog_next(&r, &e)) > 0) {
			if (e.type == RR_DIGEST_PAGES) {
				struct rrlog_pages_iter it;
				u32 k = 0;

				assert_true(e.pages.count <= MAX_PAGES_LISTED);
				rrlog_pages_begin(&it, &r, &e);
				while (rrlog_pages_next(&it, &pages[k]) > 0)
					k++;
				assert_int_equal(k, e.pages.count);
				e.pages.pages = pages;
			}
			fn(&e, ctx);
		}
		assert_int_equal(got, 0);
	}
	return (size_t)hlen;
}

struct rewrite {
	struct rrlog_writer w;
	u8 *out;
	size_t len;
	entry_fn edit;
	void *edit_ctx;
	const struct rrlog_entry *insert; /* ninsert entries written before entry insert_at */
	unsigned ninsert, insert_at, index;
};

static void flush_frame(struct rewrite *rw)
{
	size_t n = rrlog_finish_frame(&rw->w);

	memcpy(rw->out + rw->len, frame, n);
	rw->len += n;
}

static void append_entry(struct rewrite *rw, const struct rrlog_entry *e)
{
	if (rrlog_append(&rw->w, e) == -ENOSPC) {
		flush_frame(rw);
		assert_int_equal(rrlog_append(&rw->w, e), 0);
	}
}

static void rewrite_entry(struct rrlog_entry *e, void *ctx)
{
	struct rewrite *rw = ctx;

	if (rw->index++ == rw->insert_at)
		for (unsigned i = 0; i < rw->ninsert; i++)
			append_entry(rw, &rw->insert[i]);
	if (rw->edit)
		rw->edit(e, rw->edit_ctx);
	append_entry(rw, e);
}

/* The recorded log re-encoded by the log writer after edit (may be NULL)
 * changed its entries, with the ninsert entries at insert before entry
 * insert_at: a well-formed log that says something else. Returns its
 * length. */
static size_t rewrite_log_with(entry_fn edit, void *ctx, const struct rrlog_entry *insert,
			       unsigned ninsert, unsigned insert_at)
{
	struct rrlog_header h;
	const char *why = NULL;
	int hlen = rrlog_read_header(rec.log, rec.len, &h, &why);
	struct rewrite rw = { .out = edited + hlen, .edit = edit, .edit_ctx = ctx,
			      .insert = insert, .ninsert = ninsert, .insert_at = insert_at };

	assert_true(hlen > 0);
	memcpy(edited, rec.log, (size_t)hlen);
	rrlog_writer_init(&rw.w, frame, sizeof(frame));
	each_entry(rec.log, rec.len, rewrite_entry, &rw);
	flush_frame(&rw);
	return (size_t)hlen + rw.len;
}

static size_t rewrite_log(entry_fn edit, void *ctx)
{
	return rewrite_log_with(edit, ctx, NULL, 0, 0);
}

/* --- the log a record run writes ----------------------------------------------------------- */

struct census {
	u64 count[RR_TYPES];
	struct rrlog_entry first_io, first_tsc, interrupt, clock_async;
	bool data_page_listed;
};

static void count_entry(struct rrlog_entry *e, void *ctx)
{
	struct census *c = ctx;

	if (e->type == RR_IO_IN && !c->count[RR_IO_IN])
		c->first_io = *e;
	if (e->type == RR_RDTSC && !c->count[RR_RDTSC])
		c->first_tsc = *e;
	if (e->type == RR_INTERRUPT)
		c->interrupt = *e;
	if (e->type == RR_CLOCK && e->async)
		c->clock_async = *e;
	if (e->type == RR_DIGEST_PAGES)
		for (u32 i = 0; i < e->pages.count; i++)
			c->data_page_listed |= e->pages.pages[i].page == FAKE_DATA_GPA / PAGE_SIZE_4K;
	c->count[e->type & (RR_TYPES - 1)]++;
}

/* The log holds each input at its landmark: two RDTSCs, three port reads,
 * two CPUIDs, the interrupt (asynchronous, in the spinning loop, with its
 * registers), the start and end digests (the end one listing the page
 * the guest stored to) and END. */
static void test_record_log_contents(void **state)
{
	struct census c = { 0 };

	record(*state, guest, ARRAY_SIZE(guest), 0);
	each_entry(rec.log, rec.len, count_entry, &c);
	assert_int_equal(c.count[RR_RDTSC], 2);
	assert_int_equal(c.count[RR_IO_IN], 3);
	assert_int_equal(c.count[RR_CPUID], 2);
	assert_int_equal(c.count[RR_INTERRUPT], 1);
	assert_int_equal(c.count[RR_DIGEST], 2);
	assert_int_equal(c.count[RR_END], 1);
	assert_true(c.count[RR_CLOCK] >= 10); /* PIC and PIT accesses, the timer */
	assert_true(c.data_page_listed);

	assert_int_equal(c.first_tsc.landmark, STEP_RDTSC + 1);
	assert_true(c.first_tsc.tsc == rec.regs_at[STEP_RDTSC + 1][GPR_RAX]);
	assert_int_equal(c.first_io.io.port, VPIT_BASE);
	assert_int_equal(c.first_io.landmark, STEP_PIT_LO + 1);
	assert_true(c.first_io.rip == rip_of_step(STEP_PIT_LO));

	assert_true(c.interrupt.async);
	assert_int_equal(c.interrupt.vector, GUEST_IRQ0_VECTOR);
	assert_int_equal(c.interrupt.landmark, STEP_LOOP - 1); /* after the store's window fault */
	assert_true(c.interrupt.regs[GPR_RCX] == rec.regs_at[STEP_LOOP + 1][GPR_RCX]);
	assert_true(c.clock_async.async && c.clock_async.rip == c.interrupt.rip);
}

/* A replay, on this backend, with the host clock 2^40 cycles later and
 * instructions 1.777 times slower, gives the guest exactly what it saw when
 * recorded, at every step, and says so. */
static void test_replay_matches_recording(void **state)
{
	record(*state, guest, ARRAY_SIZE(guest), 0);
	replay(*state, rec.log, rec.len, guest, ARRAY_SIZE(guest), 0);
	assert_replay_matches();
	for (unsigned i = 0; i < ARRAY_SIZE(guest); i++)
		for (int r = 0; r < GPR_COUNT; r++)
			if (fake.regs_at[i][r] != rec.regs_at[i][r])
				fail_msg("step %u register %d: %#llx, recorded %#llx", i, r,
					 fake.regs_at[i][r], rec.regs_at[i][r]);
	/* the interrupt arrived at the same iteration of the loop, found by
	 * stopping at the loop's breakpoint */
	assert_int_equal(fake.ninjected, 1);
	assert_int_equal(fake.injected[0].ev.vector, rec.injected.ev.vector);
	assert_int_equal(fake.injected[0].step, rec.injected.step);
	assert_true(fake.breakpoint_exits >= 1);
	assert_int_equal(fake.timer_exits, 0); /* replay follows the log, not the clock */
	assert_int_equal(fake_vm.rr->stats.searches, 1);
}

/* Replays on the other stage-2 format, with a digest after every exit. */
/* The log streamed in (rr_live=) 7 bytes at a time: frames arrive in
 * pieces, the replay waits for each before it goes on, and matches the
 * recording as from the log module, digests and all. */
static void test_live_replay_matches_recording(void **state)
{
	record(*state, guest, ARRAY_SIZE(guest), 1);
	assert_int_equal(start_live_replay(*state, 7, rec.len, FT_ROLE_NONE), 0);
	run_script(guest, ARRAY_SIZE(guest));
	assert_replay_matches();
	assert_true(fake_vm.rr->live);
	assert_true(fake_platform.live_polls >= rec.len / 7);
	assert_true(fake_platform.live_pos == rec.len);
}

/* Typed input: two bytes typed at the guest console's port reach the
 * guest's COM1 receiver, each logged as SERIAL_IN; the guest, its receive
 * interrupt unmasked, takes IRQ 4 and reads them (FIFOs off: the second
 * byte comes in once the first was read). The replay, with
 * nothing typed, gives it the same bytes at the same landmarks. */
#define UART_IER_ERBFI 0x01       /* PC16550D, IER bit 0: received data interrupt */
#define UART_MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the IRQ line on a PC */
#define PIC_MASK_ALL_BUT_IRQ4 0xEF
static const struct fake_step guest_typed[] = {
	PIC_INIT(PIC_MASK_ALL_BUT_IRQ4), FAKE_STI,
	FAKE_OUT(VUART_COM1_BASE + 1, 1, UART_IER_ERBFI),
	FAKE_OUT(VUART_COM1_BASE + 4, 1, UART_MCR_DTR_RTS_OUT2), PIC_EOI,
	FAKE_IN(VUART_COM1_BASE, 1), FAKE_IN(VUART_COM1_BASE, 1), FAKE_NOP,
};
enum { STEP_TYPED_FIRST_READ = PIC_INIT_STEPS + 4 };

static void test_typed_input_recorded_and_replayed(void **state)
{
	struct census c = { 0 };

	record_typed = "hi";
	record(*state, guest_typed, ARRAY_SIZE(guest_typed), 1);
	record_typed = NULL;
	each_entry(rec.log, rec.len, count_entry, &c);
	assert_int_equal(c.count[RR_SERIAL_IN], 2);
	assert_int_equal(rec.injected.ev.vector, GUEST_IRQ0_VECTOR + 4);
	assert_int_equal(rec.regs_at[STEP_TYPED_FIRST_READ + 1][GPR_RAX] & 0xFF, 'h');
	assert_int_equal(rec.regs_at[STEP_TYPED_FIRST_READ + 2][GPR_RAX] & 0xFF, 'i');
	guest_input_report();
	assert_captured("guest input: 2 bytes typed, 2 delivered to the guest's COM1");

	replay(*state, rec.log, rec.len, guest_typed, ARRAY_SIZE(guest_typed), 1);
	assert_replay_matches();
	assert_int_equal(fake.regs_at[STEP_TYPED_FIRST_READ + 1][GPR_RAX] & 0xFF, 'h');
	assert_int_equal(fake.regs_at[STEP_TYPED_FIRST_READ + 2][GPR_RAX] & 0xFF, 'i');
	assert_int_equal(fake.injected[0].ev.vector, GUEST_IRQ0_VECTOR + 4);
}

/* The lease epoch the primary's stream names reaches the witness client
 * as the replay polls the stream, before the primary could be missed. */
static void test_live_replay_passes_named_epoch(void **state)
{
	record(*state, guest, ARRAY_SIZE(guest), 1);
	assert_int_equal(start_live_replay(*state, 7, rec.len, FT_ROLE_NONE), 0);
	fake_platform.live_lease_epoch = 5;
	run_script(guest, ARRAY_SIZE(guest));
	assert_replay_matches();
	assert_true(fake_platform.witness.named == 5);
}

/* The recorder gone mid-log: the replay stops at what came, never past
 * it, and says the log ended there. */
static void test_live_replay_cut_short(void **state)
{
	record(*state, guest, ARRAY_SIZE(guest), 1);
	assert_int_equal(start_live_replay(*state, 64, rec.len * 2 / 3, FT_ROLE_NONE), 0);
	run_script(guest, ARRAY_SIZE(guest));
	if (!fake_vm.rr->divergence.diverged)
		fail_msg("the replay of a log cut short did not stop (state %d)", fake_vm.state);
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_true(strstr(fake_vm.rr->divergence.what, "truncated") ||
		    strstr(fake_vm.rr->divergence.what, "the log has ended"));
	assert_not_captured("replay matches");
}


/* A backup whose primary died inside a frame: the unfinished frame is
 * dropped whole, and the guest goes on live where the whole frames end. */
static void test_backup_takes_over_mid_frame(void **state)
{
	record(*state, guest, ARRAY_SIZE(guest), 1);
	assert_int_equal(start_backup_replay(*state, rec.len * 2 / 3), 0);
	run_script(guest, ARRAY_SIZE(guest));
	assert_took_over(rec.landmarks);
	assert_true(fake_vm.rr->stats.live_partial_bytes > 0);
}

/* A backup whose primary died right after a whole frame: everything that
 * came is replayed, none dropped, then the guest goes on live. */
static void test_backup_takes_over_after_a_frame(void **state)
{
	unsigned frames;
	size_t cut;

	record_flush_tsc = 1; /* a frame at every entry to the guest that follows entries */
	record(*state, guest, ARRAY_SIZE(guest), 1);
	record_flush_tsc = 0;
	frame_end(0, &frames);
	assert_true(frames > 2);
	cut = frame_end(frames / 2, &frames); /* past the digest of landmark 0 */
	assert_int_equal(start_backup_replay(*state, cut), 0);
	run_script(guest, ARRAY_SIZE(guest));
	assert_took_over(rec.landmarks);
	assert_int_equal(fake_vm.rr->stats.live_partial_bytes, 0);
	assert_true(fake_vm.rr->took_over_at > 0);
	/* its heartbeats (ft_heartbeat_ms=) said how far the replay came */
	assert_int_equal(fake_platform.live_heartbeat_ms, 200);
	assert_true(fake_platform.live_replayed_notes > 0);
	assert_true(fake_platform.live_replayed_landmark > 0);
	assert_true(fake_platform.live_replayed_landmark <= fake_vm.rr->took_over_at);
	assert_true(fake_platform.live_replayed_bytes > 0 && fake_platform.live_replayed_bytes <= cut);
	/* the guest's TSC went on from the last value the replay gave it */
	assert_true(vcpu_guest_tsc(&fake_vm.vcpu) >= fake_vm.rr->replayed_tsc);
}

/* Without role=backup a lost log still stops the replay (a live replay
 * for checking, not a backup, never runs the guest on its own). */
static void test_live_replay_without_role_does_not_take_over(void **state)
{
	record_flush_tsc = 1;
	record(*state, guest, ARRAY_SIZE(guest), 1);
	record_flush_tsc = 0;
	assert_int_equal(start_live_replay(*state, 64, first_frame_end(), FT_ROLE_NONE), 0);
	run_script(guest, ARRAY_SIZE(guest));
	assert_false(fake_vm.rr->took_over);
	assert_int_equal(fake_vm.state, VM_STOPPED);
}

/* --- a primary whose backup dies ---------------------------------------------------- */

/* The serial sink, until its "backup" is lost once the log has
 * lossy_after bytes. */
static struct rr_log_sink lossy_sink;
static u64 lossy_after;

static int lossy_flushed(const struct byte_ring *ring)
{
	return ring->head >= lossy_after ? -EIO : rr_serial_sink.flushed(ring);
}

static const char *lossy_why(void)
{
	return "the collector has not answered for 3000 ms";
}

/* Boots a primary (role=primary) recording guest on hw whose log
 * stream fails halfway when lossy (the backup lost), under the fake
 * witness when witness (set up by the caller after this returns). */
static void boot_primary(const struct virt_backend *hw, bool lossy, bool witness)
{
	record(hw, guest, ARRAY_SIZE(guest), 1);
	fake_vm_prepare();
	fake_cfg.rr = RR_CHOICE_RECORD;
	fake_cfg.rr_digest = 1;
	fake_cfg.role = FT_ROLE_PRIMARY;
	fake_platform.witness.configured = witness;
	fake_platform.witness.epoch = witness ? 1 : 0;
	fake_platform.witness.held = witness;
	fake_vm_boot(hw);
	ft_fence_guard(&fake_vm);
	fake_vm.rr->flush_interval_tsc = 1; /* a frame at every entry, on the fake clock */
	if (!lossy)
		return;
	lossy_sink = rr_serial_sink;
	lossy_sink.flushed = lossy_flushed;
	lossy_sink.why = lossy_why;
	fake_vm.rr->sink = &lossy_sink;
	lossy_after = rec.len / 2;
}

/* role=primary: when the log stream to the backup fails, the guest runs
 * on to its own end here, recording stops there and the run is not a
 * failed recording. */
static void test_primary_runs_on_without_backup(void **state)
{
	size_t partial;

	boot_primary(*state, true, false);
	run_script(guest, ARRAY_SIZE(guest));
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_true(fake_vm.rr->backup_lost);
	assert_int_equal(fake_vm.rr->mode, RR_OFF);
	assert_false(fake_vm.rr->sink_failed);
	assert_true(fake_vm.rr->backup_lost_at > 0);
	assert_true(fake_vm.rr->backup_lost_at < rec.landmarks);
	assert_string_equal(rr_mode_name(fake_vm.rr), "record, then without a backup");
	assert_captured("ft: the backup is lost (the collector has not answered for 3000 ms): "
			"running without a backup from landmark");
	assert_not_captured("rr: log complete");
	fake_uart_bytes(COM3_PORT, &partial);
	assert_true(partial < rec.len); /* the log stopped where the backup went */
}

/* The backup started, under a witness that says the lease moved on
 * without it: it never goes live, and stands down (fenced). */
static void run_stale_backup(void)
{
	fake_platform.witness.configured = true;
	fake_platform.witness.verdict = FT_WITNESS_STALE;
	run_script(guest, ARRAY_SIZE(guest));
	assert_false(fake_vm.rr->took_over);
	assert_true(fake_vm.fenced);
	assert_int_equal(fake_vm.state, VM_STOPPED);
}

/* --- a planned switchover (hv/ft_switchover.c) ----------------------------------------- */

/* The control endpoint's request, made by the run loop's host work once
 * the guest has passed switchover_from landmarks (once). */
static u64 switchover_from;
static int switchover_answer;
static const char *switchover_why;
static bool switchover_asked;

static void request_switchover_midway(struct vm *vm)
{
	if (switchover_asked || vm->stats.guest_caused_exits < switchover_from)
		return;
	switchover_asked = true;
	switchover_answer = ft_switchover_request(vm, &fake_cfg, &switchover_why);
}

struct last_entry {
	struct rrlog_entry e;
	unsigned ends;
};

static void keep_last(struct rrlog_entry *e, void *ctx)
{
	struct last_entry *l = ctx;

	l->e = *e;
	l->ends += e->type == RR_END;
}

/* A primary asked midway to switch over: the guest stops at the next
 * landmark, the log ends there with END how=SWITCHOVER after a digest,
 * the whole log is delivered, and the run says so. rec then holds that
 * log (its registers stay the native run's). */
static void switch_over_primary(const struct virt_backend *hw, bool witness)
{
	struct last_entry last = { 0 };
	const u8 *log;

	boot_primary(hw, false, witness);
	switchover_from = STEP_RDTSC + 3;
	switchover_asked = false;
	fake_platform.host_work = request_switchover_midway;
	run_script(guest, ARRAY_SIZE(guest));
	assert_true(switchover_asked);
	assert_int_equal(switchover_answer, 0);
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_true(fake_vm.rr->switched_over);
	assert_true(fake_vm.rr->switched_over_at >= switchover_from);
	assert_true(fake_vm.rr->switched_over_at < rec.landmarks);
	assert_true(ft_switchover_done(&fake_vm));
	assert_captured("ft: switchover requested at landmark");
	assert_captured("ft: switched over to the backup at landmark");
	/* under a witness the lease goes as the guest stops, not kept */
	assert_int_equal(fake_platform.witness.released, witness);
	if (witness)
		assert_captured("ft: releasing the witness's lease (epoch 1) for the backup");
	log = fake_uart_bytes(COM3_PORT, &rec.len);
	memcpy(rec.log, log, rec.len);
	each_entry(rec.log, rec.len, keep_last, &last);
	assert_int_equal(last.ends, 1);
	assert_int_equal(last.e.type, RR_END);
	assert_int_equal(last.e.end.how, RRLOG_END_SWITCHOVER);
	assert_true(last.e.landmark == fake_vm.rr->switched_over_at);
	/* a second request is refused: it is under way, or done */
	assert_int_equal(ft_switchover_request(&fake_vm, &fake_cfg, &switchover_why), -EBUSY);
	rec.landmarks = fake_vm.rr->switched_over_at;
	fake_vm_destroy();
}

static void test_switchover_primary(void **state)
{
	switch_over_primary(*state, false);
}

static void test_switchover_primary_releases_lease(void **state)
{
	switch_over_primary(*state, true);
}

/* Under a witness the backup goes live at the switchover only with the
 * lease after the primary's, as after a failure (ft_fence_may_go_live):
 * told the lease moved on without it (STALE), it stands down there. */
static void test_switchover_backup_under_witness(void **state)
{
	switch_over_primary(*state, true);
	assert_int_equal(start_backup_replay(*state, rec.len), 0);
	run_stale_backup();
}

/* The backup replays the switched-over log to its END and goes live at
 * once at that landmark (not after a lost log): the guest runs to its
 * native end, no divergence. */
static void test_switchover_backup_goes_live(void **state)
{
	switch_over_primary(*state, false);
	assert_int_equal(start_backup_replay(*state, rec.len), 0);
	run_script(guest, ARRAY_SIZE(guest));
	if (fake_vm.rr->divergence.diverged)
		fail_msg("the backup diverged at landmark %llu: %s", fake_vm.rr->divergence.landmark,
			 fake_vm.rr->divergence.what);
	assert_true(fake_vm.rr->took_over);
	assert_true(fake_vm.rr->took_over_at == rec.landmarks);
	assert_true(fake_vm.rr->switched_over);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_captured("ft: the primary switched over: the guest goes live here, at landmark");
	assert_not_captured("the primary is gone");
	assert_false(ft_switchover_done(&fake_vm)); /* the backup ends with the guest's code */
	/* the registers of every step are the native run's up to the handover */
	for (unsigned i = 0; i < STEP_RDTSC; i++)
		for (int r = 0; r < GPR_COUNT; r++)
			if (fake.regs_at[i][r] != rec.regs_at[i][r])
				fail_msg("step %u register %d: %#llx, native %#llx", i, r,
					 fake.regs_at[i][r], rec.regs_at[i][r]);
}

/* The backup falls silent as the primary stops for a switchover: its
 * stream fails before the log's end is acknowledged. */
static int silent_at_switchover_flushed(const struct byte_ring *ring)
{
	return fake_vm.rr->switched_over ? -EIO : rr_serial_sink.flushed(ring);
}

/* A primary whose backup falls silent during the switchover keeps the
 * guest: it runs on from the switchover's landmark without a backup, to
 * its own end, under a witness with the lease asked for anew (a new
 * epoch); refused it, because the backup took the lease, it is fenced. */
static void fail_switchover(const struct virt_backend *hw, bool witness, bool backup_took_lease)
{
	boot_primary(hw, false, witness);
	lossy_sink = rr_serial_sink;
	lossy_sink.flushed = silent_at_switchover_flushed;
	lossy_sink.why = lossy_why;
	fake_vm.rr->sink = &lossy_sink;
	fake_platform.witness.acquire_refused = backup_took_lease;
	switchover_from = STEP_RDTSC + 3;
	switchover_asked = false;
	fake_platform.host_work = request_switchover_midway;
	run_script(guest, ARRAY_SIZE(guest));
	assert_int_equal(switchover_answer, 0);
	assert_captured("ft: the switchover failed: the backup fell silent before it acknowledged "
			"the log's end: the guest stays here, from landmark");
	assert_false(fake_vm.rr->switched_over);
	assert_false(ft_switchover_done(&fake_vm));
	assert_int_equal(fake_platform.witness.acquires, witness);
	if (backup_took_lease) {
		assert_true(fake_vm.fenced);
		assert_int_equal(fake_vm.state, VM_STOPPED);
		assert_false(fake_vm.rr->backup_lost);
		return;
	}
	assert_false(fake_vm.fenced);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_true(fake_vm.rr->backup_lost);
	assert_int_equal(fake_vm.rr->mode, RR_OFF);
	assert_int_equal(fake_platform.witness.epoch, witness ? 2 : 0);
	assert_captured("running without a backup from landmark");
	/* the guest ran on from where it stopped: every step the native run's */
	for (unsigned i = 0; i < STEP_RDTSC; i++)
		for (int r = 0; r < GPR_COUNT; r++)
			if (fake.regs_at[i][r] != rec.regs_at[i][r])
				fail_msg("step %u register %d: %#llx, native %#llx", i, r,
					 fake.regs_at[i][r], rec.regs_at[i][r]);
}

static void test_switchover_fails_guest_stays(void **state)
{
	fail_switchover(*state, false, false);
}

static void test_switchover_fails_new_epoch(void **state)
{
	fail_switchover(*state, true, false);
}

static void test_switchover_fails_backup_has_lease(void **state)
{
	fail_switchover(*state, true, true);
}

/* A replay that is not a backup stops at the switchover, without a
 * divergence, and says how far the log matched. */
static void test_switchover_log_replayed_offline(void **state)
{
	switch_over_primary(*state, false);
	assert_int_equal(start_live_replay(*state, 64, rec.len, FT_ROLE_NONE), 0);
	run_script(guest, ARRAY_SIZE(guest));
	assert_false(fake_vm.rr->divergence.diverged);
	assert_false(fake_vm.rr->took_over);
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_captured("rr: replay matches the recording up to its switchover at landmark");
}

/* Refused with the reason: not in a pair, a backup, a primary without
 * its backup, a guest that ended. */
static void test_switchover_refusals(void **state)
{
	const char *why;

	fake_vm_prepare();
	assert_int_equal(ft_switchover_request(NULL, &fake_cfg, &why), -EBUSY);
	assert_non_null(strstr(why, "not in a fault-tolerant pair"));
	fake_cfg.role = FT_ROLE_BACKUP;
	assert_int_equal(ft_switchover_request(NULL, &fake_cfg, &why), -EBUSY);
	assert_string_equal(why, "this side is the backup: ask the primary");
	fake_cfg.role = FT_ROLE_PRIMARY;
	assert_int_equal(ft_switchover_request(NULL, &fake_cfg, &why), -EBUSY);
	assert_non_null(strstr(why, "no guest runs here yet"));

	boot_primary(*state, true, false);
	run_script(guest, ARRAY_SIZE(guest));
	assert_true(fake_vm.rr->backup_lost);
	fake_vm.state = VM_RUNNING; /* as if asked while it still ran */
	assert_int_equal(ft_switchover_request(&fake_vm, &fake_cfg, &why), -EBUSY);
	assert_non_null(strstr(why, "no backup follows"));
	fake_vm.state = VM_EXITED;
	assert_int_equal(ft_switchover_request(&fake_vm, &fake_cfg, &why), -EBUSY);
	assert_non_null(strstr(why, "not running"));
	assert_false(ft_switchover_done(&fake_vm));
}

/* --- the record probe ------------------------------------------------------------------- */

/* A probe lasts RR_PROBE_NS of the guest running, not of host time: host
 * work between two entries (a flush, the network) longer than the probe
 * does not end it, and an async exit after it finds the probe still
 * under way, its end moved by what the guest has yet to run. */
static void test_probe_counts_guest_time(void **state)
{
	struct rr_probe *p;
	u64 probe = time_ns_to_tsc(100000); /* RR_PROBE_NS */

	fake_vm_prepare();
	fake_cfg.rr = RR_CHOICE_RECORD;
	fake_vm_boot(*state);
	fake_vm.rr->guest_ran = true;
	p = &fake_vm.rr->probe;
	assert_false(rr_async_may_deliver(&fake_vm, true)); /* the probe begins */
	assert_true(p->active);
	fake_tsc_advance(probe * 10); /* the hypervisor busy; the guest not running */
	assert_false(rr_async_may_deliver(&fake_vm, true));
	assert_true(p->active);
	assert_true(p->deadline_tsc >= fake_platform.tsc + probe); /* all of it still to run */
	fake_vm.stats.guest_cycles += probe / 2;
	assert_false(rr_async_may_deliver(&fake_vm, true));
	assert_true(p->deadline_tsc >= fake_platform.tsc + probe / 2);
	fake_vm.stats.guest_cycles += probe / 2;
	fake_vm.hw->set_rip(&fake_vm.vcpu.arch, fake_vm.hw->get_rip(&fake_vm.vcpu.arch) + 2);
	assert_true(rr_async_may_deliver(&fake_vm, true)); /* ran through: delivered */
	assert_false(p->active);
	assert_true(p->armed);
	fake_vm_destroy();
}

/* Boots a recording VM whose guest has run since its last landmark and
 * whose write window holds one page, at 0x5000; returns its probe. */
static struct rr_probe *boot_prober(void **state)
{
	struct vexit write = { .reason = VEXIT_NPF };

	fake_vm_prepare();
	fake_cfg.rr = RR_CHOICE_RECORD;
	fake_vm_boot(*state);
	write.npf.gpa = 0x5000;
	write.npf.write = true;
	ww_handle_exit(&fake_vm, &write);
	fake_vm.rr->guest_ran = true;
	return &fake_vm.rr->probe;
}

/* Lets the probe's RR_PROBE_NS of guest cycles pass. */
static void probe_time_passes(void)
{
	fake_vm.stats.guest_cycles += time_ns_to_tsc(100000);
}

/* A probe through which the guest changed neither memory nor its state
 * (its cycles counted, but an emulator on a loaded host ran none of its
 * instructions) is not the end of a probe: it runs again, RR_PROBE_IDLE_RUNS
 * (3) times, and then the delivery logs the window's pages, so that replay
 * reaches it at once even in a loop that writes at every turn. Before,
 * it delivered there without pages, leaving replay a search of every
 * turn since the landmark. */
static void test_probe_idle_runs_again(void **state)
{
	struct rr_probe *p = boot_prober(state);

	assert_false(rr_async_may_deliver(&fake_vm, true)); /* the probe begins */
	for (unsigned run = 0; run < 3; run++) {
		probe_time_passes();
		assert_false(rr_async_may_deliver(&fake_vm, true)); /* idle: again */
		assert_true(p->active);
	}
	assert_int_equal(fake_vm.rr->stats.idle_probes, 3);
	assert_int_equal(fake_vm.rr->stats.window_page_sets, 0);
	probe_time_passes();
	assert_true(rr_async_may_deliver(&fake_vm, true));
	assert_false(p->active);
	assert_int_equal(fake_vm.rr->stats.window_page_sets, 1);
	assert_int_equal(fake_vm.rr->stats.entries[RR_WINDOW_PAGE_CODED], 1);
	fake_vm_destroy();
}

/* A guest seen to run ends the probe: registers changed and memory not (a
 * spin loop) delivers without pages; memory changed delivers with them
 * (here, on EPT, the window's hash tells: no dirty flags); an idle probe
 * run again ends by the same rules. */
static void test_probe_guest_seen_running(void **state)
{
	struct rr_probe *p = boot_prober(state);
	struct vcpu_arch *v = &fake_vm.vcpu.arch;

	assert_false(rr_async_may_deliver(&fake_vm, true));
	probe_time_passes();
	fake_vm.hw->set_rip(v, fake_vm.hw->get_rip(v) + 2);
	assert_true(rr_async_may_deliver(&fake_vm, true));
	assert_int_equal(fake_vm.rr->stats.window_page_sets, 0);

	p->armed = false; /* a landmark */
	assert_false(rr_async_may_deliver(&fake_vm, true));
	probe_time_passes();
	assert_false(rr_async_may_deliver(&fake_vm, true)); /* idle: again */
	fake_vm.ram[0x5000]++;
	probe_time_passes();
	assert_true(rr_async_may_deliver(&fake_vm, true));
	assert_false(p->active);
	assert_int_equal(fake_vm.rr->stats.window_page_sets, 1);
	assert_int_equal(fake_vm.rr->stats.busy_probes, 0);
	assert_int_equal(fake_vm.rr->stats.idle_probes, 1);
	fake_vm_destroy();
}

/* Where the stage-2 dirty flags tell (NPT), a probe through which the
 * guest wrote a window page runs again, RR_PROBE_BUSY_RUNS (10) times: a
 * landmark may yet come, where delivery costs nothing. Then it delivers
 * with the pages written since the landmark (the one written) and the FPU
 * registers, which every delivery logs. */
static void test_probe_runs_again_while_written(void **state)
{
	struct rr_probe *p = boot_prober(state);

	/* the write that made the page join the window set its flag: proven */
	stage2_set_flags(&fake_vm.stage2, 0x5000, S2_DIRTY);
	assert_false(rr_async_may_deliver(&fake_vm, true));
	for (unsigned run = 0; run <= 10; run++) {
		/* the guest writes its window page, as the CPU would: flag set */
		fake_vm.ram[0x5000]++;
		stage2_set_flags(&fake_vm.stage2, 0x5000, S2_DIRTY);
		probe_time_passes();
		if (run < 10) {
			assert_false(rr_async_may_deliver(&fake_vm, true)); /* written: again */
			assert_true(p->active);
		}
	}
	assert_true(p->by_flags);
	assert_true(rr_async_may_deliver(&fake_vm, true));
	assert_int_equal(fake_vm.rr->stats.busy_probes, 10);
	assert_int_equal(fake_vm.rr->stats.window_page_sets, 1);
	assert_int_equal(fake_vm.rr->stats.entries[RR_WINDOW_PAGE_CODED], 1);
	assert_int_equal(fake_vm.rr->stats.entries[RR_FPU_STATE_LZ4], 1); /* registers at reset */
	/* the window's one written page is mostly zeros: LZ4 makes it small */
	assert_int_equal(fake_vm.rr->stats.window_bytes_raw, PAGE_SIZE);
	assert_in_range(fake_vm.rr->stats.window_bytes_coded, 1, PAGE_SIZE / 16);
	fake_vm_destroy();
}

/* An async entry's state as a replay keeps it (hv/rr/rr_async_state.c). */
static struct rrlog_entry async_state_entry(enum rrlog_type type)
{
	return (struct rrlog_entry){ .type = type, .landmark = 7, .rip = 0x1234 };
}

/* A coded window page and an LZ4 block of FPU registers decode to what the
 * recorder encoded, whole pages and raw registers still read as before. */
static void test_async_state_decoded(void **state)
{
	static struct page_codec_work w;
	static u8 page[PAGE_SIZE], coded[PAGE_CODEC_MAX], fpu[FPU_LEGACY_SIZE], block[PAGE_CODEC_MAX];
	struct rrlog_entry e = async_state_entry(RR_WINDOW_PAGE_CODED);
	struct rrlog_entry async = async_state_entry(RR_INTERRUPT);

	boot_prober(state);
	for (unsigned i = 0; i < PAGE_SIZE; i += 8)
		page[i] = (u8)(i / 8);
	e.window_coded.page = 5;
	e.window_coded.len = (u32)page_encode(page, NULL, coded, &w);
	e.window_coded.data = coded;
	assert_int_equal(coded[0], PAGE_ENC_LZ4);
	assert_true(rr_keep_async_state(&fake_vm, &e));
	e = async_state_entry(RR_WINDOW_PAGE); /* version 5's whole page */
	e.window_page.page = 5;
	e.window_page.data = page;
	assert_true(rr_keep_async_state(&fake_vm, &e));
	assert_int_equal(fake_vm.rr->pending.count, 2);
	assert_memory_equal(fake_vm.rr->pending.data, page, PAGE_SIZE);
	assert_memory_equal(fake_vm.rr->pending.data + PAGE_SIZE, page, PAGE_SIZE);

	memset(fpu, 0, sizeof(fpu));
	fpu[0] = 0x7F;
	fpu[1] = 0x03;
	e = async_state_entry(RR_FPU_STATE_LZ4);
	e.fpu_lz4.len = sizeof(fpu);
	e.fpu_lz4.lz4_len = (u32)bytes_lz4_encode(fpu, sizeof(fpu), block, sizeof(block), &w);
	e.fpu_lz4.data = block;
	assert_in_range(e.fpu_lz4.lz4_len, 1, sizeof(fpu) / 8);
	assert_true(rr_keep_async_state(&fake_vm, &e));
	assert_non_null(rr_pending_fpu(&fake_vm, &async));
	assert_memory_equal(rr_pending_fpu(&fake_vm, &async), fpu, sizeof(fpu));
	async.rip++; /* another moment's registers were not logged */
	assert_null(rr_pending_fpu(&fake_vm, &async));
	assert_false(fake_vm.rr->divergence.diverged);
	fake_vm_destroy();
}

/* What no recorder writes is a divergence that names it: a coded page with
 * bytes after its encoding, one coded as a delta (no replay holds the
 * copy), an LZ4 block that does not make the stated length. */
static void test_async_state_malformed(void **state)
{
	static struct page_codec_work w;
	static u8 page[PAGE_SIZE], coded[PAGE_CODEC_MAX + 1], fpu[FPU_LEGACY_SIZE];
	static u8 block[PAGE_CODEC_MAX];
	struct rrlog_entry e = async_state_entry(RR_WINDOW_PAGE_CODED);
	const struct {
		u8 kind;
		const char *what;
	} bad_pages[] = {
		{ PAGE_ENC_LZ4, "the log's window page 0x5000 is not a whole coded page (bytes after "
				"its encoding)" },
		{ PAGE_ENC_XOR_ZRUN, "the log's window page 0x5000 is not a whole coded page (page "
				     "delta without a previous copy)" },
	};

	page[100] = 1;
	for (unsigned i = 0; i < ARRAY_SIZE(bad_pages); i++) {
		boot_prober(state);
		e.window_coded.page = 5;
		e.window_coded.len = (u32)page_encode(page, NULL, coded, &w);
		e.window_coded.data = coded;
		if (bad_pages[i].kind == PAGE_ENC_LZ4)
			e.window_coded.len++; /* a byte more */
		else
			coded[0] = bad_pages[i].kind;
		assert_false(rr_keep_async_state(&fake_vm, &e));
		assert_true(fake_vm.rr->divergence.diverged);
		assert_string_equal(fake_vm.rr->divergence.what, bad_pages[i].what);
		fake_vm_destroy();
	}

	boot_prober(state);
	e = async_state_entry(RR_FPU_STATE_LZ4);
	e.fpu_lz4.len = sizeof(fpu) + 64; /* more than the block makes */
	e.fpu_lz4.lz4_len = (u32)bytes_lz4_encode(fpu, sizeof(fpu), block, sizeof(block), &w);
	e.fpu_lz4.data = block;
	assert_false(rr_keep_async_state(&fake_vm, &e));
	assert_string_equal(fake_vm.rr->divergence.what,
			    "the log's FPU_STATE_LZ4 does not decode: lz4 block: shorter than its "
			    "stated length");
	fake_vm_destroy();
}

/* --- fencing under a witness (hv/ft_fence.c) ------------------------------------------ */

/* The witness's lease lost while the backup follows: the guest goes on
 * (the backup has everything let out), saying so once. */
static void test_fence_goes_on_while_backup_follows(void **state)
{
	boot_primary(*state, false, true);
	fake_platform.witness.held = false;
	fake_platform.witness.lost = true;
	run_script(guest, ARRAY_SIZE(guest));
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_false(fake_vm.fenced);
	assert_captured("ft: the witness's lease is lost (the fake witness says so), but the "
			"backup follows: the guest goes on");
	assert_captured("rr: log complete");
}

/* The backup lost: the lease moves to a new epoch, then the guest runs on
 * alone to its end. */
static void test_fence_new_epoch_before_running_alone(void **state)
{
	boot_primary(*state, true, true);
	fake_platform.witness.bump_granted = true;
	run_script(guest, ARRAY_SIZE(guest));
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_int_equal(fake_platform.witness.bumps, 1);
	assert_int_equal(fake_platform.witness.epoch, 2);
	assert_true(fake_vm.rr->backup_lost);
	assert_captured("ft: lease epoch 2 (was 1): a backup that knew the old one stands down");
}

/* The backup lost and the lease with it: fenced, the guest stopped where
 * the backup went, nothing more recorded or let out. */
static void test_fence_when_new_epoch_refused(void **state)
{
	boot_primary(*state, true, true);
	fake_platform.witness.bump_granted = false;
	run_script(guest, ARRAY_SIZE(guest));
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_true(fake_vm.fenced);
	assert_false(fake_vm.rr->backup_lost); /* never ran alone */
	assert_true(fake_vm.stats.guest_caused_exits < rec.landmarks);
	assert_string_equal(fake_vm.stop_reason,
			    "ft: fenced: the lease was lost while moving to a new epoch (the fake "
			    "witness says so): the guest stops here and nothing it held goes out");
	assert_not_captured("rr: log complete");
}

/* A backup whose primary is gone: with the witness's GO it goes live;
 * with STALE (the primary went on alone) it stands down, fenced. */
static void test_backup_takes_over_only_with_the_lease(void **state)
{
	record_flush_tsc = 1;
	record(*state, guest, ARRAY_SIZE(guest), 1);
	record_flush_tsc = 0;

	assert_int_equal(start_backup_replay(*state, first_frame_end()), 0);
	run_stale_backup();
	assert_int_equal(fake_platform.witness.learns, 1); /* at the stream's start */
	assert_string_equal(fake_vm.stop_reason,
			    "ft: this backup stands down: the fake witness says so; it never goes live");
	fake_vm_destroy();

	assert_int_equal(start_backup_replay(*state, first_frame_end()), 0);
	fake_platform.witness.configured = true;
	fake_platform.witness.verdict = FT_WITNESS_GO;
	fake_platform.witness.epoch = 2;
	run_script(guest, ARRAY_SIZE(guest));
	assert_true(fake_vm.rr->took_over);
	assert_false(fake_vm.fenced);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_true(fake_vm.fence.guarded); /* live: under the lease from now on */
	assert_captured("ft: the witness gave this backup the lease (epoch 2)");
}

static void test_replay_on_other_backend_with_digests(void **state)
{
	const struct virt_backend *other = *state == &fake_backend_ept ? &fake_backend_npt
									: &fake_backend_ept;

	record(*state, guest, ARRAY_SIZE(guest), 1);
	replay(other, rec.log, rec.len, guest, ARRAY_SIZE(guest), 1);
	assert_replay_matches();
	assert_true(fake_vm.rr->stats.digests >= rec.landmarks);
}

/* RDRAND's value comes from the host: the replay's guest gets the
 * recorded one, not a new one. */
static void test_replay_gives_recorded_rdrand(void **state)
{
	const unsigned rdrand = STEPS_COMMON;

	if (!host_has_rdrand())
		skip();
	record(*state, guest_rdrand, ARRAY_SIZE(guest_rdrand), 0);
	replay(*state, rec.log, rec.len, guest_rdrand, ARRAY_SIZE(guest_rdrand), 0);
	assert_replay_matches();
	assert_true(fake.regs_at[rdrand + 1][GPR_RAX] == rec.regs_at[rdrand + 1][GPR_RAX]);
}

/* --- altered logs and guests ---------------------------------------------------------------- */

static void flip_first_pit_read(struct rrlog_entry *e, void *ctx)
{
	bool *done = ctx;

	if (e->type == RR_IO_IN && !*done) {
		e->io.value ^= 1;
		*done = true;
	}
}

/* A port read whose logged value differs from the device model's is
 * caught at that very landmark, and the guest goes no further. */
static void test_altered_io_value_caught(void **state)
{
	bool done = false;
	size_t len;
	char what[160];
	u32 seen;

	record(*state, guest, ARRAY_SIZE(guest), 0);
	len = rewrite_log(flip_first_pit_read, &done);
	assert_true(done);
	replay(*state, edited, len, guest, ARRAY_SIZE(guest), 0);
	seen = (u32)rec.regs_at[STEP_PIT_LO + 1][GPR_RAX] & 0xFF;
	snprintf(what, sizeof(what), "IN from port %#x (1 bytes) gives %#x, the log has port %#x "
		 "(1 bytes) value %#x", VPIT_BASE, seen, VPIT_BASE, seen ^ 1);
	assert_diverged(STEP_PIT_LO + 1, what);
	assert_int_equal(fake.pc, STEP_PIT_LO + 1);
}

static void shift_first_tsc(struct rrlog_entry *e, void *ctx)
{
	bool *done = ctx;

	if (e->type == RR_RDTSC && !*done) {
		e->tsc += 0x100;
		*done = true;
	}
}

/* A logged value the replay cannot check by itself (a TSC) reaches the
 * guest; with a digest after every exit the difference is caught right at
 * that exit's landmark, naming the register. */
static void test_altered_tsc_caught_by_digest(void **state)
{
	bool done = false;
	size_t len;
	char what[160];
	u64 tsc;

	record(*state, guest, ARRAY_SIZE(guest), 1);
	len = rewrite_log(shift_first_tsc, &done);
	assert_true(done);
	replay(*state, edited, len, guest, ARRAY_SIZE(guest), 1);
	tsc = rec.regs_at[STEP_RDTSC + 1][GPR_RAX];
	snprintf(what, sizeof(what), "state digest: RAX is %#llx, the log has %#llx", tsc + 0x100, tsc);
	assert_diverged(STEP_RDTSC + 1, what);
}

/* A guest that does something else (CPUID leaf 2 where leaf 1 was asked)
 * is caught at that landmark. */
static void test_other_cpuid_leaf_caught(void **state)
{
	char what[160];

	memcpy(guest_changed, guest, sizeof(guest));
	guest_changed[STEP_CPUID1].value[GPR_RAX] = 2;
	record(*state, guest, ARRAY_SIZE(guest), 0);
	replay(*state, rec.log, rec.len, guest_changed, ARRAY_SIZE(guest_changed), 0);
	snprintf(what, sizeof(what), "CPUID leaf 0x2.0, the log has leaf 0x1.0");
	assert_diverged(STEP_CPUID1 + 1, what);
}

/* The same input asked for at another RIP (an instruction before it was
 * one byte longer) is caught at its landmark. */
static void test_input_at_other_rip_caught(void **state)
{
	char what[160];

	memcpy(guest_changed, guest, sizeof(guest));
	guest_changed[STEP_RDTSC - 1].len++;
	record(*state, guest, ARRAY_SIZE(guest), 0);
	replay(*state, rec.log, rec.len, guest_changed, ARRAY_SIZE(guest_changed), 0);
	snprintf(what, sizeof(what), "the guest asks for RDTSC at rip %#llx; the log has RDTSC at "
		 "landmark %u rip %#llx", rip_of_step(STEP_RDTSC) + 1, STEP_RDTSC + 1,
		 rip_of_step(STEP_RDTSC));
	assert_diverged(STEP_RDTSC + 1, what);
}

static void clear_if_in_async_regs(struct rrlog_entry *e, void *ctx)
{
	unsigned *edited_entries = ctx;

	if (e->async) {
		e->regs[GPR_COUNT] &= ~RFLAGS_IF;
		(*edited_entries)++;
	}
}

static void flip_async_memory_hash(struct rrlog_entry *e, void *ctx)
{
	unsigned *edited_entries = ctx;

	if (e->async) {
		e->memory_hash ^= 1;
		(*edited_entries)++;
	}
}

/* A log whose async entries carry registers the guest never had (IF
 * cleared, as if the interrupt came where it could not): their state hash,
 * taken over the logged registers, never matches, so neither a teleport
 * nor any breakpoint stop reaches them, and nothing is injected. */
static void test_altered_async_registers_caught(void **state)
{
	unsigned edited_entries = 0;
	size_t len;

	record(*state, guest, ARRAY_SIZE(guest), 0);
	len = rewrite_log(clear_if_in_async_regs, &edited_entries);
	assert_int_equal(edited_entries, 2); /* the timer's CLOCK and the INTERRUPT */
	replay(*state, edited, len, guest, ARRAY_SIZE(guest), 0);
	assert_int_equal(fake_vm.stats.guest_caused_exits, STEP_LOOP - 1);
	assert_true(strstr(fake_vm.rr->divergence.what, "was not reached exactly"));
	assert_int_equal(fake_vm.rr->stats.teleports, 0);
	assert_int_equal(fake_vm.rr->stats.search_stops, RR_SEARCH_BUDGET);
	assert_int_equal(fake.ninjected, 0);
}

/* The same with the window's contents: a memory hash the guest's memory
 * never had is caught at its landmark. */
static void test_altered_async_memory_hash_caught(void **state)
{
	unsigned edited_entries = 0;
	size_t len;

	record(*state, guest, ARRAY_SIZE(guest), 0);
	len = rewrite_log(flip_async_memory_hash, &edited_entries);
	assert_int_equal(edited_entries, 2);
	replay(*state, edited, len, guest, ARRAY_SIZE(guest), 0);
	assert_int_equal(fake_vm.stats.guest_caused_exits, STEP_LOOP - 1);
	assert_true(strstr(fake_vm.rr->divergence.what, "was not reached exactly"));
	assert_int_equal(fake.ninjected, 0);
}

/* A guest that goes on after the recorded run ended is caught. */
static void test_guest_outlives_log(void **state)
{
	const unsigned last = ARRAY_SIZE(guest) - 1;
	char what[160];

	record(*state, guest, last, 0); /* without the last RDTSC */
	replay(*state, rec.log, rec.len, guest, ARRAY_SIZE(guest), 0);
	/* the recording's exit-port OUT was where this RDTSC is */
	snprintf(what, sizeof(what), "the guest asks for RDTSC at rip %#llx; the log has DIGEST "
		 "at landmark %llu rip %#llx", rip_of_step(last), rec.landmarks,
		 rip_of_step(last) + 1);
	assert_diverged(rec.landmarks, what);
}

/* A log cut anywhere is refused: in its header before the guest starts,
 * inside a frame, or where a frame ends (no END: the log ends first). */
static void test_truncated_log_refused(void **state)
{
	char what[160];

	record(*state, guest, ARRAY_SIZE(guest), 0);
	assert_int_equal(start_replay(*state, rec.log, RRLOG_HEADER_SIZE - 1, 0), -EINVAL);
	assert_captured("rr: the log's header is unusable");
	fake_vm_destroy();

	replay(*state, rec.log, rec.len - 1, guest, ARRAY_SIZE(guest), 0);
	snprintf(what, sizeof(what), "the log is truncated: %s (frame 0)", fake_vm.rr->reader.error);
	assert_diverged(0, what);
	assert_int_equal(fake.pc, 0);
	fake_vm_destroy();

	replay(*state, rec.log, RRLOG_HEADER_SIZE, guest, ARRAY_SIZE(guest), 0);
	assert_diverged(0, "the log ends before the guest does (truncated?)");
}

/* A log recorded with another kernel or command line is refused before the
 * guest runs, naming what differs. */
static void test_foreign_log_refused(void **state)
{
	static const u8 other_code[] = { 0x90 };

	record(*state, guest, ARRAY_SIZE(guest), 0);
	fake_vm_prepare();
	fake_vm_kernel_code(other_code, sizeof(other_code));
	fake_cfg.rr = RR_CHOICE_REPLAY;
	fake_vm_add_module(LOG_MODULE, rec.log, rec.len);
	capture_start();
	assert_int_equal(fake_vm_create(*state), 0);
	assert_int_equal(fake_vm_start(), -EINVAL);
	assert_captured("rr: the log was recorded with another guest kernel; refusing to replay it");
	fake_vm_destroy();

	fake_vm_prepare();
	memcpy(fake_cfg.guest_args, "x=1", sizeof("x=1"));
	fake_cfg.rr = RR_CHOICE_REPLAY;
	fake_vm_add_module(LOG_MODULE, rec.log, rec.len);
	capture_start();
	assert_int_equal(fake_vm_create(*state), 0);
	assert_int_equal(fake_vm_start(), -EINVAL);
	assert_captured("rr: the log was recorded with another guest command line");
}

/* --- snapshots taken while recording ------------------------------------------------------ */

#define SNAP_MAX (1u << 20)

static u8 snap[SNAP_MAX];

/* A snapshot of the guest as it boots (landmark 0); its size. *rip and
 * *dev_ns: where and when it was taken. */
static size_t boot_snapshot(const struct virt_backend *hw, u64 *rip, u64 *dev_ns)
{
	struct snap_buf sb = { snap, sizeof(snap), 0 };
	struct snap_identity id;

	fake_vm_prepare();
	assert_int_equal(fake_vm_create(hw), 0);
	snapshot_identity(&fake_bi, &fake_cfg, &id);
	id.ram_size = fake_vm.ram_size;
	assert_int_equal(snapshot_write(&fake_vm, &id, snap_buf_sink, &sb), 0);
	*rip = hw->get_rip(&fake_vm.vcpu.arch);
	*dev_ns = fake_vm.dev_time_ns;
	fake_vm_destroy();
	return sb.len;
}

/* Sets up a replay of log from the snapshot (resume=on); fake_vm_start's result. */
static int start_replay_from(const struct virt_backend *hw, const u8 *log, size_t len,
			     size_t snap_len)
{
	fake_vm_prepare();
	fake_cfg.rr = RR_CHOICE_REPLAY;
	fake_cfg.resume = true;
	fake_vm_add_module(LOG_MODULE, log, len);
	fake_vm_add_module(SNAPSHOT_MODULE_ROLE, snap, snap_len);
	capture_start();
	assert_int_equal(fake_vm_create(hw), 0);
	assert_int_equal(snapshot_resume(&fake_vm, &fake_bi, &fake_cfg), 0);
	return fake_vm_start();
}

/* Replay with a snapshot named by a log (docs/record-replay.md, "Snapshots
 * while recording"): a log that does not name the snapshot is refused
 * before the guest runs; one that does (a SNAPSHOT entry with its hash,
 * landmark and device time) is skipped up to that entry; a replay from the
 * start that meets the entry checks the device time it names. (The whole
 * path, a snapshot taken while recording, is snapshot.sh's.) */
static void test_replay_from_named_snapshot(void **state)
{
	char msg[160];
	struct rrlog_entry named = { .type = RR_SNAPSHOT };
	size_t snap_len, len;

	record(*state, guest, ARRAY_SIZE(guest), 0);
	snap_len = boot_snapshot(*state, &named.rip, &named.snapshot.device_time_ns);
	named.snapshot.hash = hash64(snap, snap_len, 0);
	assert_true(named.snapshot.device_time_ns > 0);

	assert_int_equal(start_replay_from(*state, rec.log, rec.len, snap_len), -EINVAL);
	assert_captured("rr: the log was recorded from the start and names no snapshot");
	fake_vm_destroy();

	len = rewrite_log_with(NULL, NULL, &named, 1, 0);
	assert_int_equal(start_replay_from(*state, edited, len, snap_len), 0);
	assert_captured("rr: replaying from the snapshot at landmark 0 (0 log entries before it skipped)");
	assert_false(fake_vm.rr->have_next); /* the next entry is the one after SNAPSHOT */
	assert_true(rr_peek(&fake_vm) && fake_vm.rr->next.type == RR_DIGEST);
	fake_vm_destroy();

	replay(*state, edited, len, guest, ARRAY_SIZE(guest), 0);
	snprintf(msg, sizeof(msg), "the log's snapshot has device time %llu ns, the replay 0 ns",
		 named.snapshot.device_time_ns);
	assert_diverged(0, msg);
}

#define ON(f, hw) { #f " on " #hw, f, NULL, teardown, (void *)&hw }
#define BOTH(f) ON(f, fake_backend_ept), ON(f, fake_backend_npt)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_record_log_contents),
		BOTH(test_replay_matches_recording),
		BOTH(test_replay_on_other_backend_with_digests),
		BOTH(test_live_replay_matches_recording),
		ON(test_live_replay_passes_named_epoch, fake_backend_ept),
		BOTH(test_typed_input_recorded_and_replayed),
		ON(test_live_replay_cut_short, fake_backend_npt),
		BOTH(test_backup_takes_over_mid_frame),
		BOTH(test_backup_takes_over_after_a_frame),
		ON(test_live_replay_without_role_does_not_take_over, fake_backend_ept),
		ON(test_primary_runs_on_without_backup, fake_backend_ept),
		ON(test_primary_runs_on_without_backup, fake_backend_npt),
		ON(test_probe_counts_guest_time, fake_backend_ept),
		ON(test_probe_idle_runs_again, fake_backend_ept),
		ON(test_probe_guest_seen_running, fake_backend_ept),
		ON(test_probe_runs_again_while_written, fake_backend_npt),
		ON(test_async_state_decoded, fake_backend_npt),
		ON(test_async_state_malformed, fake_backend_npt),
		ON(test_switchover_primary, fake_backend_ept),
		ON(test_switchover_primary_releases_lease, fake_backend_npt),
		ON(test_switchover_backup_under_witness, fake_backend_ept),
		BOTH(test_switchover_backup_goes_live),
		ON(test_switchover_log_replayed_offline, fake_backend_npt),
		BOTH(test_switchover_fails_guest_stays),
		ON(test_switchover_fails_new_epoch, fake_backend_npt),
		ON(test_switchover_fails_backup_has_lease, fake_backend_ept),
		ON(test_switchover_refusals, fake_backend_ept),
		ON(test_fence_goes_on_while_backup_follows, fake_backend_ept),
		ON(test_fence_new_epoch_before_running_alone, fake_backend_npt),
		ON(test_fence_when_new_epoch_refused, fake_backend_ept),
		ON(test_backup_takes_over_only_with_the_lease, fake_backend_npt),
		ON(test_replay_gives_recorded_rdrand, fake_backend_ept),
		ON(test_altered_io_value_caught, fake_backend_ept),
		ON(test_altered_tsc_caught_by_digest, fake_backend_npt),
		ON(test_other_cpuid_leaf_caught, fake_backend_ept),
		ON(test_input_at_other_rip_caught, fake_backend_npt),
		ON(test_altered_async_registers_caught, fake_backend_ept),
		ON(test_altered_async_memory_hash_caught, fake_backend_npt),
		ON(test_guest_outlives_log, fake_backend_npt),
		ON(test_truncated_log_refused, fake_backend_ept),
		ON(test_foreign_log_refused, fake_backend_ept),
		BOTH(test_replay_from_named_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
