/* The machine under the hypervisor's code in host tests (see
 * fake_platform.h). Each function here replaces the one of the same name
 * in arch/x86/, drivers/ or hv/host_work.c, which host tests do not link. */
#include "fake_platform.h"
#include "hv/ft_witness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/fpu.h"
#include "arch/x86/idle.h"
#include "compiler.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "drivers/rtc/cmos.h"
#include "drivers/serial/uart16550.h"
#include "errno.h"
#include "hv/host_work.h"
#include "hv/migrate.h"
#include "net/logstream/logstream_in.h"
#include "net/net.h"
#include "net/logstream/logstream_out.h"
#include "proto/logstream_proto.h"
#include "proto/ls_heartbeat.h"

#define MAX_ALLOCATIONS 256
#define IDLE_CALLS_MAX 100000 /* more sleeps than any test needs: the run loop is stuck */
#define UART_PORTS 4

struct allocation {
	void *p;
	u64 npages;
};

struct uart_capture {
	u16 base;
	u8 bytes[FAKE_UART_CAPTURE];
	size_t len;
	u8 typed[256];          /* fake_uart_type: what the port receives */
	size_t typed_len, typed_next;
};

struct fake_platform fake_platform;

static struct allocation allocations[MAX_ALLOCATIONS];
static unsigned nallocations;
static struct uart_capture uarts[UART_PORTS] = {
	{ .base = COM1_PORT }, { .base = COM2_PORT }, { .base = COM3_PORT }, { .base = COM4_PORT },
};

void fake_platform_reset(void)
{
	for (unsigned i = 0; i < nallocations; i++)
		free(allocations[i].p);
	nallocations = 0;
	memset(&fake_platform, 0, sizeof(fake_platform));
	fake_platform.tsc = FAKE_TSC_START;
	fake_platform.page_limit = UINT64_MAX;
	fake_platform.xcr0 = 1; /* x87 only, as at reset (SDM Vol 1, 13.3) */
	for (unsigned i = 0; i < UART_PORTS; i++)
		uarts[i].len = uarts[i].typed_len = uarts[i].typed_next = 0;
}

void fake_tsc_advance(u64 cycles)
{
	fake_platform.tsc += cycles;
}

/* --- pages (arch/x86/mm.h) ------------------------------------------------ */

int page_alloc(u64 npages, u64 align_pages, phys_addr_t *out)
{
	u64 align = (align_pages ? align_pages : 1) * PAGE_SIZE;
	void *p;

	if (!npages || fake_platform.pages_allocated + npages > fake_platform.page_limit)
		return -ENOMEM;
	if (nallocations == MAX_ALLOCATIONS)
		fail_msg("fake platform: more than %d page allocations", MAX_ALLOCATIONS);
	/* aligned_alloc wants a multiple of the alignment (ASan enforces it) */
	p = aligned_alloc(align, ALIGN_UP(npages * PAGE_SIZE, align));
	if (!p)
		return -ENOMEM;
	memset(p, 0, npages * PAGE_SIZE); /* the allocator hands out zeroed frames */
	allocations[nallocations++] = (struct allocation){ p, npages };
	fake_platform.pages_allocated += npages;
	*out = virt_to_phys(p);
	return 0;
}

int page_free(phys_addr_t addr, u64 npages)
{
	for (unsigned i = 0; i < nallocations; i++) {
		if (allocations[i].p != phys_to_virt(addr) || allocations[i].npages != npages)
			continue;
		free(allocations[i].p);
		allocations[i] = allocations[--nallocations];
		fake_platform.pages_allocated -= npages;
		return 0;
	}
	return -EINVAL;
}

u64 mm_free_pages(void)
{
	return fake_platform.page_limit == UINT64_MAX
		       ? GiB(1) / PAGE_SIZE
		       : fake_platform.page_limit - fake_platform.pages_allocated;
}

/* --- time (arch/x86/cpu.h rdtsc, arch/x86/time.h, arch/x86/idle.h) ------- */

u64 host_test_rdtsc(void)
{
	return fake_platform.tsc;
}

static const struct clock_info fake_clocks = {
	.tsc_hz = FAKE_TSC_HZ,
	.tsc_hz_measured = FAKE_TSC_HZ,
	.tsc_hz_cpuid = 0,
	.lapic_timer_hz = 0,
	.tsc_invariant = true,
	.tsc_source = "fake",
};

const struct clock_info *time_clocks(void)
{
	return &fake_clocks;
}

u64 time_now_ns(void)
{
	return time_tsc_to_ns(fake_platform.tsc);
}

u64 time_tsc_to_ns(u64 cycles)
{
	return cycles; /* 1 GHz */
}

u64 time_ns_to_tsc(u64 ns)
{
	return ns;
}

void idle_install(void)
{
	fake_platform.idle_installs++;
}

/* Sleeping is the clock jumping to the deadline (or by max_ns). */
u64 idle_until_tsc(u64 deadline_tsc, u64 max_ns)
{
	u64 now = fake_platform.tsc, until = now + time_ns_to_tsc(max_ns);

	if (++fake_platform.idle_calls > IDLE_CALLS_MAX)
		fail_msg("fake platform: %d sleeps; the run loop never ends", IDLE_CALLS_MAX);
	fake_platform.last_idle_deadline = deadline_tsc;
	if (deadline_tsc < until)
		until = deadline_tsc;
	if (until <= now)
		return 0;
	fake_platform.tsc = until;
	fake_platform.idle_cycles += until - now;
	return until - now;
}

u64 idle_until_ns(u64 deadline_ns, u64 max_ns)
{
	return idle_until_tsc(time_ns_to_tsc(deadline_ns), max_ns);
}

/* --- the hypervisor's own work (hv/host_work.h): there is no network ------ */

void host_work_poll(struct vm *vm)
{
	if (fake_platform.host_work)
		fake_platform.host_work(vm);
}

/* No network to poll (net/net.h): a live log (fake_live_log) moves on in
 * logstream_in_poll. */
void net_poll(void)
{
}

struct netdev *net_device(void)
{
	return fake_platform.netdev;
}

u64 host_work_deadline_tsc(void)
{
	return UINT64_MAX;
}

void host_work_serve(struct vm *vm, u32 seconds)
{
}

/* No network: never a migration (hv/migrate.h). */
void migrate_poll(struct vm *vm)
{
}

int logstream_out_open(enum logstream_out_id id, struct byte_ring *ring, u32 ip, u16 port,
		       const struct ft_psk *key, const void *log_header, u16 header_len)
{
	return -ENODEV; /* no network */
}

void logstream_out_give_up_after(enum logstream_out_id id, u32 ms)
{
}

void logstream_out_heartbeat(enum logstream_out_id id, u32 ms)
{
}

bool logstream_out_beat_status(enum logstream_out_id id, struct ls_beat_status *st,
			       struct ls_replayed *replayed)
{
	memset(st, 0, sizeof(*st));
	memset(replayed, 0, sizeof(*replayed));
	return false;
}

void logstream_out_poll(enum logstream_out_id id)
{
}

void logstream_out_set_lease(enum logstream_out_id id, u64 epoch)
{
	fake_platform.witness.named_to_backup = epoch;
}

void logstream_out_wait(void)
{
}

void logstream_out_finish(enum logstream_out_id id)
{
}

int logstream_out_flushed(enum logstream_out_id id)
{
	return -EIO;
}

const char *logstream_out_failure(enum logstream_out_id id)
{
	return "no network";
}

bool logstream_out_streaming(enum logstream_out_id id)
{
	return false;
}

u64 logstream_out_bytes(enum logstream_out_id id)
{
	return 0;
}

bool logstream_out_take_resync(enum logstream_out_id id, u64 *landmark)
{
	return false;
}

void logstream_out_set_holds(enum logstream_out_id id, u64 *hashes, u64 pages)
{
}

u64 logstream_out_holds(enum logstream_out_id id)
{
	return 0;
}

/* The pair's witness (hv/ft_witness.h) as the test sets it in
 * fake_platform.witness: none by default. */
bool ft_witness_configured(void)
{
	return fake_platform.witness.configured;
}

void ft_witness_poll(u64 now_ns)
{
}

void ft_witness_learn_primary(void)
{
	fake_platform.witness.learns++;
}

void ft_witness_primary_named(u64 epoch)
{
	if (epoch)
		fake_platform.witness.named = epoch;
}

void ft_witness_bump(void)
{
	struct fake_platform *f = &fake_platform;

	f->witness.bumps++;
	if (f->witness.bump_granted) {
		f->witness.epoch++;
		f->witness.held = true;
	} else {
		f->witness.held = false;
		f->witness.lost = true;
	}
}

void ft_witness_acquire(void)
{
	struct fake_platform *f = &fake_platform;

	f->witness.acquires++;
	if (f->witness.acquire_refused) {
		f->witness.refused = true;
		return;
	}
	f->witness.epoch++;
	f->witness.held = true;
}

bool ft_witness_refused(void)
{
	return fake_platform.witness.refused;
}

void ft_witness_release(void)
{
	fake_platform.witness.released = fake_platform.witness.held;
	fake_platform.witness.held = false;
}

bool ft_witness_releasing(void)
{
	return false;
}

bool ft_witness_held(u64 now_ns)
{
	return fake_platform.witness.held;
}

bool ft_witness_lost(void)
{
	return fake_platform.witness.lost;
}

u64 ft_witness_epoch(void)
{
	return fake_platform.witness.epoch;
}

enum ft_witness_verdict ft_witness_takeover(u64 now_ns)
{
	if (fake_platform.witness.verdict == FT_WITNESS_GO)
		fake_platform.witness.held = true;
	return (enum ft_witness_verdict)fake_platform.witness.verdict;
}

const char *ft_witness_why(void)
{
	return fake_platform.witness.configured ? "the fake witness says so" : "no witness= given";
}

/* The live log of fake_live_log, or none (net/logstream/logstream_in.h). */
void fake_live_log(const u8 *log, size_t len, size_t chunk, size_t cut)
{
	fake_platform.live_log = log;
	fake_platform.live_len = len;
	fake_platform.live_chunk = chunk;
	fake_platform.live_cut = cut < len ? cut : len;
	fake_platform.live_pos = 0;
}

int logstream_in_listen(u16 port, const struct ft_psk *key, logstream_in_bytes_fn deliver,
			void *ctx)
{
	if (!fake_platform.live_log)
		return -ENODEV; /* no network */
	fake_platform.live_deliver = deliver;
	fake_platform.live_ctx = ctx;
	return 0;
}

void logstream_in_set_timeout(u32 ms)
{
}

void logstream_in_set_heartbeat(u32 ms)
{
	fake_platform.live_heartbeat_ms = ms;
}

/* What the backup's heartbeats would carry. */
void logstream_in_note_replayed(u64 bytes, u64 landmark)
{
	fake_platform.live_replayed_bytes = bytes;
	fake_platform.live_replayed_landmark = landmark;
	fake_platform.live_replayed_notes++;
}

void logstream_in_beat_status(struct ls_beat_status *st)
{
	memset(st, 0, sizeof(*st));
}

void logstream_in_stop(const char *why)
{
	fake_platform.live_stopped = true;
}

void logstream_in_poll(void)
{
	struct fake_platform *f = &fake_platform;
	size_t n = f->live_cut - f->live_pos;

	f->live_polls++;
	if (!f->live_deliver || !n)
		return;
	n = n < f->live_chunk ? n : f->live_chunk;
	if (f->live_deliver(f->live_ctx, f->live_pos, f->live_log + f->live_pos, n))
		f->live_cut = f->live_pos; /* refused: the stream fails */
	else
		f->live_pos += n;
}

enum logstream_in_state logstream_in_state(void)
{
	const struct fake_platform *f = &fake_platform;

	if (!f->live_deliver)
		return LOGSTREAM_IN_FAILED;
	if (f->live_pos < f->live_cut)
		return LOGSTREAM_IN_STREAMING;
	return f->live_cut == f->live_len ? LOGSTREAM_IN_ENDED : LOGSTREAM_IN_FAILED;
}

const u8 *logstream_in_header(u16 *len)
{
	*len = (u16)(fake_platform.live_len < 1024 ? fake_platform.live_len : 1024);
	return fake_platform.live_deliver ? fake_platform.live_log : NULL;
}

u64 logstream_in_bytes(void)
{
	return fake_platform.live_pos;
}

u64 logstream_in_lease_epoch(void)
{
	return fake_platform.live_lease_epoch;
}

u32 logstream_in_streams(void)
{
	return 1;
}

bool logstream_in_request_resync(u64 landmark, const char *why, const u64 *holds, u64 pages)
{
	fake_platform.resync_requests++;
	return true;
}

u32 logstream_in_refused(const char **last_why)
{
	*last_why = NULL;
	return 0;
}

/* --- the guest's FPU registers (arch/x86/fpu.h) ----------------------------- */

/* The fake guest never touches its x87/SSE registers (the host process's
 * own, which cmocka and libc use, are not the guest's): they stay in their
 * initial state, all zero but the FXSAVE control words' reset values,
 * unless a snapshot loads others (fpu_restore_legacy), which are kept. */
size_t fpu_save_canonical(u8 *area)
{
	static const u16 fcw_reset = 0x37F; /* SDM Vol 1, 8.1.5 "x87 FPU Control Word" */
	static const u32 mxcsr_reset = 0x1F80; /* SDM Vol 1, 10.2.3 "MXCSR Control and Status Register" */

	memset(area, 0, FPU_AREA_MAX);
	if (fake_platform.fpu_loaded) {
		memcpy(area, fake_platform.fpu, FPU_LEGACY_SIZE);
		return FPU_LEGACY_SIZE;
	}
	memcpy(area, &fcw_reset, sizeof(fcw_reset));
	memcpy(area + FPU_MXCSR_OFFSET, &mxcsr_reset, sizeof(mxcsr_reset));
	return FPU_LEGACY_SIZE;
}

/* As a CPU whose MXCSR_MASK is the default 0xFFBF (no DAZ). */
bool fpu_mxcsr_valid(u32 mxcsr)
{
	return !(mxcsr & ~0xFFBFu);
}

int fpu_restore_legacy(const u8 *area)
{
	u32 mxcsr;

	memcpy(&mxcsr, area + FPU_MXCSR_OFFSET, sizeof(mxcsr));
	if (!fpu_mxcsr_valid(mxcsr))
		return -EINVAL;
	memcpy(fake_platform.fpu, area, FPU_LEGACY_SIZE);
	fake_platform.fpu_loaded = true;
	return 0;
}

/* The fake's canonical area is the legacy one alone. */
int fpu_restore_canonical(const u8 *area, size_t len)
{
	return len == FPU_LEGACY_SIZE ? fpu_restore_legacy(area) : -EINVAL;
}

/* XCR0 and the AVX upper halves, kept as they are set. */
u64 fpu_get_xcr0(void)
{
	return fake_platform.xcr0;
}

void fpu_set_xcr0(u64 xcr0)
{
	fake_platform.xcr0 = xcr0;
}

bool fpu_has_avx(void)
{
	return !fake_platform.no_avx;
}

bool fpu_save_avx(u8 *hi)
{
	if (fake_platform.no_avx || !(fake_platform.xcr0 & 4))
		return false;
	memcpy(hi, fake_platform.avx, FPU_AVX_SIZE);
	return true;
}

int fpu_restore_avx(const u8 *hi)
{
	if (fake_platform.no_avx)
		return hi ? -ENOTSUP : 0;
	if (hi)
		memcpy(fake_platform.avx, hi, FPU_AVX_SIZE);
	else
		memset(fake_platform.avx, 0, FPU_AVX_SIZE);
	return 0;
}

/* --- the CMOS clock (drivers/rtc/cmos.h) ---------------------------------- */

int cmos_read_time(struct host_wall_time *t)
{
	if (fake_platform.cmos_broken)
		return -EIO;
	*t = (struct host_wall_time){ FAKE_CMOS_YEAR, FAKE_CMOS_MONTH, FAKE_CMOS_DAY,
				      FAKE_CMOS_HOUR, FAKE_CMOS_MINUTE, FAKE_CMOS_SECOND };
	return 0;
}

/* --- host serial ports (drivers/serial/uart16550.h) ----------------------- */

static struct uart_capture *uart_at(u16 base)
{
	for (unsigned i = 0; i < UART_PORTS; i++)
		if (uarts[i].base == base)
			return &uarts[i];
	return NULL;
}

bool uart16550_init(struct uart16550 *u, u16 base)
{
	u->base = base;
	u->present = uart_at(base) != NULL;
	return u->present;
}

void uart16550_write_burst(struct uart16550 *u, const u8 *buf, size_t len)
{
	struct uart_capture *c = uart_at(u->base);

	if (!c)
		return;
	if (len > sizeof(c->bytes) - c->len)
		fail_msg("fake platform: more than %d bytes written to the UART at %#x",
			 FAKE_UART_CAPTURE, u->base);
	memcpy(c->bytes + c->len, buf, len);
	c->len += len;
}

/* The fake UART is instant, as QEMU's: a FIFO load at every call. */
size_t uart16550_write_nowait(struct uart16550 *u, const u8 *buf, size_t len)
{
	size_t n = MIN(len, (size_t)UART16550_FIFO_BYTES);

	uart16550_write_burst(u, buf, n);
	return n;
}

void uart16550_wait_tx_room(struct uart16550 *u)
{
	(void)u;
}

/* Typed bytes (fake_uart_type), taken one by one as the driver reads. */
bool uart16550_getc_nowait(struct uart16550 *u, u8 *byte)
{
	struct uart_capture *c = uart_at(u->base);

	if (!c || c->typed_next == c->typed_len)
		return false;
	*byte = c->typed[c->typed_next++];
	return true;
}

void fake_uart_type(u16 base, const u8 *bytes, size_t len)
{
	struct uart_capture *c = uart_at(base);

	if (!c || len > sizeof(c->typed) - c->typed_len)
		fail_msg("fake platform: cannot type %zu bytes at the UART at %#x", len, base);
	memcpy(c->typed + c->typed_len, bytes, len);
	c->typed_len += len;
}

void uart16550_putc(struct uart16550 *u, char c)
{
	uart16550_write_burst(u, (const u8 *)&c, 1);
}

void uart16550_write(struct uart16550 *u, const char *buf, size_t len)
{
	uart16550_write_burst(u, (const u8 *)buf, len);
}

const u8 *fake_uart_bytes(u16 base, size_t *len)
{
	struct uart_capture *c = uart_at(base);

	*len = c ? c->len : 0;
	return c ? c->bytes : NULL;
}

void fake_uart_clear(u16 base)
{
	struct uart_capture *c = uart_at(base);

	if (c)
		c->len = 0;
}
