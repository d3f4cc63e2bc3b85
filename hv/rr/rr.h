/*
 * Record and replay (docs/record-replay.md). In record mode every
 * non-deterministic input the guest receives is appended to a log at its
 * landmark; in replay mode the guest receives the logged inputs at the same
 * landmarks instead. Off, the same hooks just pass live values through.
 */
#ifndef UNDERSTUDY_HV_RR_RR_H
#define UNDERSTUDY_HV_RR_RR_H

#include "byte_ring.h"
#include "compiler.h"
#include "proto/rrlog.h"
#include "hv/rr/rr_resync.h"
#include "hv/rr/write_window.h"
#include "hv/vm.h"

enum rr_mode { RR_OFF, RR_RECORD, RR_REPLAY };

#define RR_RING_SIZE (256 * 1024)
#define RR_FRAME_SIZE (RRLOG_FRAME_HEADER_SIZE + RRLOG_FRAME_MAX_PAYLOAD)
#define RR_TYPES 64
#define RR_SEARCH_BUDGET 100000 /* breakpoint stops before a search is a divergence */

struct rr_stats {
	u64 entries[RR_TYPES];
	u64 log_bytes;
	u64 frames;
	u64 ring_full_waits;   /* record: frames that waited for room in the ring */
	u64 ring_wait_cycles;  /* record: TSC cycles the guest waited for them */
	u64 digests;
	u64 probes;            /* record: async exits where an event came due */
	u64 async_deliveries;  /* record: events delivered at async exits (after a probe) */
	u64 probes_run;        /* record: probes that ran to their end (a landmark ends the others) */
	u64 async_delay_ns;    /* record: their total wait, due to delivered (guest ns) */
	u64 async_delay_max_ns;
	u64 window_page_sets;  /* record: deliveries that logged the window's pages */
	u64 window_bytes_raw;  /* record: the logged window pages' bytes */
	u64 window_bytes_coded; /* record: the same in the page codec's form */
	u64 idle_probes;       /* record: probes that saw neither state nor memory change */
	u64 busy_probes;       /* record: probes run again because the guest wrote memory */
	u64 mid_event_waits;   /* record: due at an exit inside an event's delivery: later */
	u64 sti_waits;         /* record: due right after an STI or MOV SS: one instruction later */
	u64 async_landmarks;   /* replay: async entries not reached at once */
	u64 teleports;         /* replay: of which reached by taking the logged registers */
	u64 searches;          /* replay: of which searched for with a breakpoint */
	u64 search_stops;      /* replay: breakpoint stops while searching */
	u64 live_partial_bytes; /* takeover: a frame the lost recorder did not finish */
};

/* Record: the probe before an async delivery (hv/rr/rr_async.c). */
struct rr_probe {
	bool active;       /* the memory hash is taken; waiting for the deadline */
	bool armed;        /* probed since the last landmark: deliver at async exits */
	u64 hash;          /* the write window's memory hash when the probe began,
			    * then at the last delivery (unless by_flags) */
	bool by_flags;     /* the dirty flags tell writes since then (ww_mark) */
	u64 start_ns;      /* guest time then */
	u64 start_guest_cycles; /* the VM's cycles in the guest then (vm_stats.guest_cycles) */
	u64 deadline_tsc;  /* when it may end, if the guest ran all the while */
	u64 state_hash;    /* the vCPU's state hash when the probe began */
	unsigned idle_runs; /* probes in a row in which the guest changed nothing */
	unsigned busy_runs; /* probes in a row in which the guest wrote memory */
};

/* Replay: the window pages (WINDOW_PAGE) and the FPU registers
 * (FPU_STATE) of the next async entry. */
struct rr_pending_pages {
	u64 page[WW_PAGES];
	u8 *data;          /* WW_PAGES * PAGE_SIZE bytes */
	unsigned count;
	u32 fpu_len;       /* 0: none */
	u64 fpu_landmark, fpu_rip; /* where it was logged: its async entry's */
	u8 fpu[RRLOG_FPU_MAX] __aligned(64);
};

/* Nothing pending any more (the async entry will not come). */
static inline void rr_pending_drop(struct rr_pending_pages *p)
{
	p->count = 0;
	p->fpu_len = 0;
}

/* What a replay compares and what it found wrong. */
struct rr_divergence {
	bool diverged;
	u64 landmark;
	char what[160];
};

struct rr_log_sink;

struct rr_state {
	enum rr_mode mode;
	bool tbit;             /* this log's landmarks count the T bit's exits (its header's TBIT) */
	u32 held_back_streak;  /* record: async exits in a row where a due delivery waited */
	bool guest_ran;        /* guest instructions ran since the last guest-caused exit */
	u32 digest_interval;   /* guest-caused exits between digests (0: start and end only) */
	u64 next_digest;

	/* the ring and the frame being built or consumed */
	struct byte_ring ring;
	u8 *live_buf;          /* rr_live=: the live log's buffer (hv/rr/rr_live.c), kept across restarts */
	const struct rr_log_sink *sink; /* record: where the ring's bytes go */
	u8 *frame;             /* RR_FRAME_SIZE bytes */
	struct rrlog_writer writer;
	struct rrlog_reader reader;

	/* replay: the log's bytes (a boot module, or the live log as it comes:
	 * hv/rr/rr_live.h) not yet moved into the ring */
	const u8 *source;
	u64 source_len, source_pos;
	bool live;
	bool frame_open;
	bool have_next;
	struct rrlog_entry next;
	bool searching;        /* a breakpoint is armed at next.rip */
	bool at_async_point;   /* an async entry was reached and the guest has not run since */
	struct rr_probe probe;
	struct rr_pending_pages pending;
	u64 search_stops;      /* stops in the current search */
	bool ended;            /* the END entry was consumed */
	bool joined_console;   /* a joined log's first OUTPUT says where the console stands */
	bool may_take_over;    /* role=backup: a lost live log is where the guest goes live */
	bool took_over;        /* ... and it did, at landmark took_over_at */
	u64 took_over_at;
	u64 replayed_tsc;      /* the last guest TSC the replay gave (RDTSC, RDTSCP) */
	struct rr_divergence divergence;
	bool sink_failed;      /* record: the log did not all reach its sink */
	bool ft_primary;       /* record, role=primary: the log's sink is the backup */
	bool backup_lost;      /* ... and it is gone: the guest ran on without one from */
	u64 backup_lost_at;    /* this landmark */
	bool switched_over;    /* record: the guest was handed to the backup (hv/ft_switchover.c);
				* replay: the log ended in such a switchover */
	u64 switched_over_at;  /* at this landmark */
	bool to_checkpoints;   /* ft=auto: the log ended for checkpoint mode (RRLOG_END_CHECKPOINTS) */
	u64 to_checkpoints_at; /* at this landmark */
	bool restarted;        /* replay: started again by rr_restart_joined in the middle of
				* a replay turn: the new log's first entries are due now */
	u64 flush_interval_tsc; /* record, role=primary: a frame goes out this often (0: when full) */
	u64 next_flush_tsc;

	struct rr_sync sync;   /* fault tolerance: outputs compared, resyncs (rr_resync.h) */

	/* digests: the previous hash of every guest page, and a scratch list */
	u64 *page_hash;
	u64 npages;
	struct rrlog_page_hash *changed;

	struct rr_stats stats;
};

/* Prepares the mode chosen on the command line; 0 or a negative errno
 * (the reason printed). Replay refuses a log that does not match the guest. */
struct boot_info;
struct config;
int rr_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* ft=auto: recording (the primary) or replaying (the backup) starts again
 * from the state now, as a join's does (a joined log: its first digest
 * and OUTPUT at this landmark), with the boot's options; the backup waits
 * for the log's HELLO ft_timeout_ms at most. 0 or -EIO (said). */
int rr_restart_joined(struct vm *vm);
/* The replay stops consulting the log: the guest runs on live from this
 * landmark, its time going on from the replay's (hv/rr/rr_takeover.c). */
void rr_go_live(struct vm *vm);
/* A backup with ft=auto (hv/ft_auto_backup.c): follow(vm, log_ended) runs
 * when the replay reaches the END of a log the primary ended for
 * checkpoint mode, the replay stopped there; without it the replay stops
 * the guest (hv/rr/rr_to_checkpoints.c). */
void rr_replay_on_checkpoints(void (*follow)(struct vm *vm, bool log_ended));

/* ft=auto, role=primary, at a snapshot moment (rr_snapshot_moment): ends
 * the log for checkpoint mode and stops recording once the backup has all
 * of it (hv/ft_auto_primary.c); false when the backup is lost instead. */
bool rr_record_end_for_checkpoints(struct vm *vm);

/* Run-loop hooks. */
void rr_before_entry(struct vm *vm);   /* replay: apply due events; record: digests, pump */
void rr_after_exit(struct vm *vm, const struct vexit *e, bool guest_caused);
void rr_pump(struct vm *vm);           /* record: move the log on (after a network poll) */
void rr_finish(struct vm *vm);         /* record: final digest, END, delivery; replay: verify */
bool rr_exit_is_ours(struct vm *vm, const struct vexit *e); /* replay breakpoint stops */
void rr_report(const struct vm *vm);

/* Input hooks used by exit handlers and the run loop. */
u64 rr_tsc(struct vcpu *v, u64 live);
u64 rr_tscp(struct vcpu *v, u64 live, u32 *aux);
bool rr_random(struct vcpu *v, bool seed, u8 size, u64 *value, bool live_cf);
u32 rr_io_in(struct vcpu *v, u16 port, u8 size, u32 live);
struct cpuid_result;
void rr_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, struct cpuid_result *r);
/* Brings devices up to the current guest time (record/off) or the logged
 * time (replay). */
void rr_advance_devices(struct vm *vm);
/* Record: the interrupt just injected. */
void rr_interrupt(struct vm *vm, u8 vector);
/* A byte typed for the guest's COM1, about to be received (hv/guest_input.c):
 * logged when recording; replay applies the logged ones by itself. */
void rr_serial_in(struct vm *vm, u8 byte);

/* A frame about to enter the guest through its NIC (hv/vm_nic_record.c):
 * logged (NET_RX) when recording; replay applies the logged ones itself. */
void rr_net_rx(struct vm *vm, const u8 *frame, size_t len);
/* A frame the guest's NIC sends at this exit: logged (NET_TX) when
 * recording; replaying, compared with the log's (a divergence when it
 * differs). true when it goes out (not replaying). */
bool rr_net_tx(struct vm *vm, const u8 *frame, size_t len);

/* Record: may an asynchronous event be delivered now (due: one is due)?
 * Always at a landmark, and when not recording; at an async exit after a
 * probe (hv/rr/rr_async.c). */
bool rr_async_may_deliver(struct vm *vm, bool due);
/* Record: the host TSC at which a probe ends (an exit must come), or
 * UINT64_MAX. */
u64 rr_async_deadline_tsc(const struct vm *vm);
/* Record: the host TSC at which the log sink can take more of the ring
 * (an exit must come to pump it), or UINT64_MAX. */
u64 rr_sink_deadline_tsc(const struct vm *vm);

/* The mode as words: record, replay, replay then live (a backup that
 * took over), or record then without a backup (a primary whose backup
 * died). */
const char *rr_mode_name(const struct rr_state *rr);

/* Snapshots while recording (hv/rr/rr_snapshot.c; whether one may be
 * taken now: rr_snapshot_moment, hv/rr/rr_moment.h). */
/* A snapshot (hash: XXH3-64 of all its bytes) was taken at this landmark:
 * while recording, logs SNAPSHOT and realigns what a replay resumed from
 * it starts afresh (the write window, the T bit's marks). */
void rr_snapshot_taken(struct vm *vm, u64 hash, u64 device_time_ns);

static inline bool rr_replaying(const struct vm *vm)
{
	return vm->rr && vm->rr->mode == RR_REPLAY;
}

static inline bool rr_recording(const struct vm *vm)
{
	return vm->rr && vm->rr->mode == RR_RECORD;
}

#endif
