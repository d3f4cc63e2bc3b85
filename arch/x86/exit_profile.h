/*
 * Where an exit's cycles go: a build option (make EXIT_PROFILE=1, which
 * defines UNDERSTUDY_EXIT_PROFILE and builds into build/exit_profile/)
 * that charges every TSC cycle between two VM entries to one stage of the
 * exit path, per exit reason. Without it every macro here expands to
 * nothing (or to the bare statement it wraps) and the objects are the same.
 *
 * The clock is a "current stage": a mark reads the TSC, charges the cycles
 * since the previous mark to the stage that was current and makes another
 * stage current. A trip runs from just before one VMRUN/VMRESUME to just
 * before the next and belongs to the exit that ended its guest run: the
 * world switch (and the guest's run between), the backend's decode, the
 * hypervisor's handling, and the preparation of the next entry.
 * hv/exit_profile_print.c prints the table after the exit statistics.
 */
#ifndef UNDERSTUDY_ARCH_X86_EXIT_PROFILE_H
#define UNDERSTUDY_ARCH_X86_EXIT_PROFILE_H

#include "arch/x86/cpu.h"
#include "arch/x86/virt.h"
#include "types.h"

enum exit_stage {
	EXIT_STAGE_LOOP,     /* the run loop's polls (host work, snapshots, FT) */
	EXIT_STAGE_SWITCH,   /* VMRUN/VMRESUME to the exit's return to C: both world
			      * switches and the guest's run between them */
	EXIT_STAGE_DECODE,   /* the backend after the switch: registers, exit decode */
	EXIT_STAGE_ACCOUNT,  /* exit statistics, landmark count, trace message */
	EXIT_STAGE_HOOKS,    /* "is this exit ours": replayer, tracer, T bit, write
			      * window, dirty log; and their handling of their own */
	EXIT_STAGE_RR,       /* the recorder/replayer after an exit and before an entry */
	EXIT_STAGE_HANDLER,  /* the exit handler (less the device model) */
	EXIT_STAGE_DEVICE,   /* the device model: port/MMIO bus accesses, device time */
	EXIT_STAGE_DEADLINE, /* the next deadline: devices, host work, log sink */
	EXIT_STAGE_INJECT,   /* prepare_entry: due events, NMI/interrupt injection */
	EXIT_STAGE_TIMER,    /* the backend's deadline timer: preemption timer, LAPIC */
	EXIT_STAGE_ENTRY,    /* the backend before the switch: guest state, single step */
	EXIT_STAGE_IDLE,     /* asleep while the guest is halted */
	EXIT_STAGE_COUNT
};

/* Per exit reason: exits, TSC cycles per stage, marks that closed each
 * stage (each added mark_cost to it), and the shortest world switch (an
 * upper bound on the switch alone: the guest ran least then). */
struct exit_profile {
	u64 exits[VEXIT_COUNT];
	u64 cycles[VEXIT_COUNT][EXIT_STAGE_COUNT];
	u64 closes[VEXIT_COUNT][EXIT_STAGE_COUNT];
	u64 switch_min[VEXIT_COUNT];
	u64 marks;     /* stage changes over all counted trips */
	u64 mark_cost; /* TSC cycles one stage change adds (exit_profile_start) */
};

/* The trip under way. */
struct exit_profile_clock {
	u64 since; /* TSC at the last mark */
	u64 trip[EXIT_STAGE_COUNT];
	u64 closes[EXIT_STAGE_COUNT]; /* marks that ended a stretch of each stage */
	u8 stage;
	u8 reason;       /* the exit the trip belongs to */
	bool has_reason; /* false until the first exit is handled */
};

/* Short name of a stage for the table ("switch", "decode", ...). */
const char *exit_stage_name(enum exit_stage s);

#ifdef UNDERSTUDY_EXIT_PROFILE
extern struct exit_profile_clock exit_profile_clock;

/* Charges the cycles since the last mark to the current stage and makes
 * stage current; returns the stage it leaves. */
static inline u8 exit_profile_enter(u8 stage)
{
	struct exit_profile_clock *c = &exit_profile_clock;
	u64 now = rdtsc();
	u8 left = c->stage;

	c->trip[left] += now - c->since;
	c->closes[left]++;
	c->since = now;
	c->stage = stage;
	return left;
}

/* Starts the clock (the run loop's start) and measures what a mark costs. */
void exit_profile_start(void);

/* Just before VMRUN/VMRESUME: the trip ends (charged to its exit's reason)
 * and the next begins in EXIT_STAGE_SWITCH. */
void exit_profile_switch(void);

/* The exit the current trip belongs to (as its handler finally saw it). */
void exit_profile_reason(enum vexit_reason r);

/* Ends the last trip (the run loop's end). */
void exit_profile_finish(void);

/* The table so far. */
const struct exit_profile *exit_profile_table(void);

#define EXIT_PROFILE_ON 1
/* Makes stage current until the next mark. */
#define EXIT_PROFILE_SET(stage) ((void)exit_profile_enter(stage))
/* Runs the statement in stage, then returns to the stage before. */
#define EXIT_PROFILED(stage, ...) \
	do { \
		u8 exit_profile_outer_ = exit_profile_enter(stage); \
		__VA_ARGS__; \
		exit_profile_enter(exit_profile_outer_); \
	} while (0)
/* The value of expr, computed in stage. */
#define EXIT_PROFILED_VALUE(stage, expr) \
	({ \
		u8 exit_profile_outer_ = exit_profile_enter(stage); \
		__typeof__(expr) exit_profile_value_ = (expr); \
		exit_profile_enter(exit_profile_outer_); \
		exit_profile_value_; \
	})
/* A function's body in stage: BEGIN among its declarations, END before
 * each return. */
#define EXIT_PROFILE_BEGIN(stage) u8 exit_profile_outer_ = exit_profile_enter(stage)
#define EXIT_PROFILE_END() ((void)exit_profile_enter(exit_profile_outer_))
#define EXIT_PROFILE_START() exit_profile_start()
#define EXIT_PROFILE_SWITCH() exit_profile_switch()
#define EXIT_PROFILE_REASON(r) exit_profile_reason(r)
#define EXIT_PROFILE_FINISH() exit_profile_finish()
#else
#define EXIT_PROFILE_ON 0
#define EXIT_PROFILE_SET(stage) do { } while (0)
#define EXIT_PROFILED(stage, ...) do { __VA_ARGS__; } while (0)
#define EXIT_PROFILED_VALUE(stage, expr) (expr)
#define EXIT_PROFILE_BEGIN(stage) do { } while (0)
#define EXIT_PROFILE_END() do { } while (0)
#define EXIT_PROFILE_START() do { } while (0)
#define EXIT_PROFILE_SWITCH() do { } while (0)
#define EXIT_PROFILE_REASON(r) do { } while (0)
#define EXIT_PROFILE_FINISH() do { } while (0)
#endif

#endif
