/*
 * The machine under the hypervisor's code in host tests
 * (test/unit/fake_platform.c): what hv/ gets from arch/x86 and drivers/
 * when it runs on real hardware, replaced by deterministic host versions.
 *
 * - Pages: page_alloc() over aligned_alloc(); phys_to_virt() is the
 *   identity, so host pointers serve as physical addresses (guest RAM,
 *   stage-2 tables, the record ring). fake_platform_reset() frees them all.
 * - Time: one fake TSC at 1 GHz, moved only by the fake guest's
 *   instructions (fake_backend.c) and by idle_until_tsc(), which jumps it
 *   to the deadline; rdtsc() reads it (arch/x86/cpu.h, UNDERSTUDY_HOST_TEST).
 * - Serial ports: every byte written to a host UART is kept per port, so
 *   the guest's console (COM2) and a record run's log (COM3) can be read.
 * - The CMOS clock gives a fixed wall time; the network is absent.
 */
#ifndef UNDERSTUDY_TEST_FAKE_PLATFORM_H
#define UNDERSTUDY_TEST_FAKE_PLATFORM_H

#include "types.h"

struct vm;

#define FAKE_TSC_HZ 1000000000ULL /* 1 GHz: one cycle is one nanosecond */
#define FAKE_TSC_START 1000000ULL /* the fake TSC at reset (not zero, as on a booted CPU) */

/* The fixed wall time of the host's CMOS clock. */
#define FAKE_CMOS_YEAR 2025
#define FAKE_CMOS_MONTH 3
#define FAKE_CMOS_DAY 4
#define FAKE_CMOS_HOUR 5
#define FAKE_CMOS_MINUTE 6
#define FAKE_CMOS_SECOND 7

#define FAKE_UART_CAPTURE (1024 * 1024) /* bytes kept per serial port */

struct fake_platform {
	u64 tsc;              /* the fake time-stamp counter */
	u64 pages_allocated;  /* pages handed out since the reset */
	u64 page_limit;       /* page_alloc fails (-ENOMEM) beyond this many pages */
	unsigned idle_calls;  /* idle_until_tsc/ns calls since the reset */
	u64 idle_cycles;      /* cycles they slept */
	u64 last_idle_deadline;
	unsigned idle_installs;
	bool cmos_broken;     /* cmos_read_time fails */
	bool fpu_loaded;      /* fpu_restore_legacy gave the guest's FPU registers */
	u8 fpu[512];          /* those (FPU_LEGACY_SIZE) */
	u64 xcr0;             /* the guest's XCR0 as the CPU holds it (reset: 1, x87) */
	bool no_avx;          /* a CPU without AVX */
	u8 avx[256];          /* YMM0-15's upper halves (FPU_AVX_SIZE) */
	/* a live log (fake_live_log) and how far it has come */
	const u8 *live_log;
	size_t live_len, live_chunk, live_cut, live_pos;
	unsigned live_polls;
	bool live_stopped;    /* logstream_in_stop: the replay takes no more */
	unsigned resync_requests; /* logstream_in_request_resync calls */
	u32 live_heartbeat_ms; /* logstream_in_set_heartbeat */
	u64 live_replayed_bytes, live_replayed_landmark; /* logstream_in_note_replayed */
	unsigned live_replayed_notes;
	u64 live_lease_epoch; /* logstream_in_lease_epoch: the epoch the stream named */
	int (*live_deliver)(void *ctx, u64 offset, const u8 *data, size_t len);
	void *live_ctx;
	/* the pair's witness (hv/ft_witness.h): none unless configured */
	struct {
		bool configured;
		bool held;          /* the lease is ours and valid */
		bool lost;          /* ... was, and is gone for good */
		u64 epoch;
		bool bump_granted;  /* a bump gets the next epoch at once (else: lost) */
		int verdict;        /* enum ft_witness_verdict: ft_witness_takeover's answer */
		unsigned bumps, learns;
		bool released;      /* ft_witness_release let a held lease go */
		bool acquire_refused; /* ft_witness_acquire is refused (else: the next epoch) */
		bool refused;       /* ... and was */
		unsigned acquires;
		u64 named_to_backup; /* logstream_out_set_lease: the epoch the log stream names */
		u64 named;           /* ft_witness_primary_named: what the backup was told */
	} witness;
	struct netdev *netdev; /* net_device(): the host NIC lwIP would use (NULL: no network) */
	/* called by the run loop's host_work_poll between two exits (NULL: none) */
	void (*host_work)(struct vm *vm);
};

extern struct fake_platform fake_platform;

/* Frees every page handed out and resets the clock, the counters and the
 * serial captures. Call it before (and after) each test. */
void fake_platform_reset(void);

/* Moves the fake TSC on by cycles (the guest's work, or time passing). */
void fake_tsc_advance(u64 cycles);

/* A recording streaming its log to a replay with rr_live=
 * (net/logstream/logstream_in.h): each poll of the stream delivers the
 * next chunk bytes of log; after cut bytes (len: all of it) the stream
 * ends, or fails when cut < len (the recorder gone). */
void fake_live_log(const u8 *log, size_t len, size_t chunk, size_t cut);

/* The bytes written so far to the host UART at port base (COM1..COM4). */
const u8 *fake_uart_bytes(u16 base, size_t *len);
/* Bytes the UART at base receives from now on, as typed. */
void fake_uart_type(u16 base, const u8 *bytes, size_t len);

/* Forgets the bytes written to the host UART at base. */
void fake_uart_clear(u16 base);

#endif
