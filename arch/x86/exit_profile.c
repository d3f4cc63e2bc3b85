/* The exit-path profile's clock and table (exit_profile.h); only the stage
 * names are built without UNDERSTUDY_EXIT_PROFILE. */
#include "arch/x86/exit_profile.h"

#include "string.h"

static const char *const stage_names[EXIT_STAGE_COUNT] = {
	[EXIT_STAGE_LOOP] = "loop",       [EXIT_STAGE_SWITCH] = "switch",
	[EXIT_STAGE_DECODE] = "decode",   [EXIT_STAGE_ACCOUNT] = "account",
	[EXIT_STAGE_HOOKS] = "hooks",     [EXIT_STAGE_RR] = "rr",
	[EXIT_STAGE_HANDLER] = "handler", [EXIT_STAGE_DEVICE] = "device",
	[EXIT_STAGE_DEADLINE] = "deadline", [EXIT_STAGE_INJECT] = "inject",
	[EXIT_STAGE_TIMER] = "timer",     [EXIT_STAGE_ENTRY] = "entry",
	[EXIT_STAGE_IDLE] = "idle",
};

const char *exit_stage_name(enum exit_stage s)
{
	return (unsigned)s < EXIT_STAGE_COUNT ? stage_names[s] : "?";
}

#ifdef UNDERSTUDY_EXIT_PROFILE
#define CALIBRATION_MARKS 64

struct exit_profile_clock exit_profile_clock;
static struct exit_profile profile;

static void clear_trip(struct exit_profile_clock *c)
{
	memset(c->trip, 0, sizeof(c->trip));
	memset(c->closes, 0, sizeof(c->closes));
}

/* What a mark adds to the stage it closes: the TSC cycles of a run of
 * marks, each charged to the stage before (the calibration's own stage,
 * thrown away). */
static u64 calibrate_mark_cost(void)
{
	u64 before = rdtsc();

	for (int i = 0; i < CALIBRATION_MARKS; i++)
		exit_profile_enter(EXIT_STAGE_LOOP);
	return (rdtsc() - before) / CALIBRATION_MARKS;
}

void exit_profile_start(void)
{
	struct exit_profile_clock *c = &exit_profile_clock;

	memset(&profile, 0, sizeof(profile));
	c->since = rdtsc();
	c->stage = EXIT_STAGE_LOOP;
	profile.mark_cost = calibrate_mark_cost();
	clear_trip(c);
	c->has_reason = false;
}

/* Adds the trip to its exit's row; a trip before the first exit (the
 * VM's start) belongs to none and is dropped. */
static void close_trip(struct exit_profile_clock *c)
{
	u8 r = c->reason;

	if (c->has_reason && r < VEXIT_COUNT) {
		for (int s = 0; s < EXIT_STAGE_COUNT; s++) {
			profile.cycles[r][s] += c->trip[s];
			profile.closes[r][s] += c->closes[s];
			profile.marks += c->closes[s];
		}
		if (!profile.exits[r] || c->trip[EXIT_STAGE_SWITCH] < profile.switch_min[r])
			profile.switch_min[r] = c->trip[EXIT_STAGE_SWITCH];
		profile.exits[r]++;
	}
	clear_trip(c);
	c->has_reason = false;
}

void exit_profile_switch(void)
{
	struct exit_profile_clock *c = &exit_profile_clock;

	exit_profile_enter(EXIT_STAGE_SWITCH);
	close_trip(c);
}

void exit_profile_reason(enum vexit_reason r)
{
	exit_profile_clock.reason = (u8)r;
	exit_profile_clock.has_reason = true;
}

void exit_profile_finish(void)
{
	struct exit_profile_clock *c = &exit_profile_clock;

	exit_profile_enter(c->stage);
	close_trip(c);
}

const struct exit_profile *exit_profile_table(void)
{
	return &profile;
}
#endif
