/* The exit-path profile's table, printed after the exit statistics when
 * the hypervisor was built with EXIT_PROFILE=1 (docs/exit-path.md). Each
 * stage's cycles are shown net of the profile's own marks (each mark that
 * closed a stretch of the stage is taken as mark_cost cycles of it), the
 * hypervisor's total also raw. */
#include "hv/exit_profile_print.h"

#ifdef UNDERSTUDY_EXIT_PROFILE
#include "hv/exit_kinds.h"
#include "log.h"

#define NAME_MAX_LEN 24

/* Stages that are not the hypervisor's work: the world switch (with the
 * guest's run inside it) and sleeping for a halted guest. */
static bool hypervisor_stage(int s)
{
	return s != EXIT_STAGE_SWITCH && s != EXIT_STAGE_IDLE;
}

/* A reason's name as one word ("host interrupt" -> "host_interrupt"). */
static void one_word(const char *name, char *out)
{
	int i = 0;

	for (; name[i] && i < NAME_MAX_LEN - 1; i++)
		out[i] = name[i] == ' ' ? '_' : name[i];
	out[i] = '\0';
}

static u64 net_of_marks(u64 cycles, u64 marks, u64 mark_cost)
{
	return cycles > marks * mark_cost ? cycles - marks * mark_cost : 0;
}

/* One row, per-exit averages: cycles[] and closes[] summed over exits. */
static void print_row(const char *name, u64 exits, const u64 *cycles, const u64 *closes,
		      u64 switch_min, u64 mark_cost)
{
	char word[NAME_MAX_LEN];
	u64 raw = 0, net = 0, marks = 0;

	for (int s = 0; s < EXIT_STAGE_COUNT; s++) {
		marks += closes[s];
		if (!hypervisor_stage(s))
			continue;
		raw += cycles[s];
		net += net_of_marks(cycles[s], closes[s], mark_cost);
	}
	one_word(name, word);
	console_printf("exit-profile reason=%s exits=%llu hv=%llu hv_raw=%llu marks=%llu switch_min=%llu",
		       word, exits, net / exits, raw / exits, marks / exits,
		       net_of_marks(switch_min, 1, mark_cost));
	for (int s = 0; s < EXIT_STAGE_COUNT; s++)
		console_printf(" %s=%llu", exit_stage_name((enum exit_stage)s),
			       net_of_marks(cycles[s], closes[s], mark_cost) / exits);
	console_printf("\n");
}

void exit_profile_print(const struct vm *vm)
{
	const struct exit_profile *p = exit_profile_table();
	u64 cycles[EXIT_STAGE_COUNT] = { 0 }, closes[EXIT_STAGE_COUNT] = { 0 };
	u64 exits = 0, switch_min = UINT64_MAX;

	for (int r = 0; r < VEXIT_COUNT; r++) {
		if (!p->exits[r])
			continue;
		exits += p->exits[r];
		switch_min = MIN(switch_min, p->switch_min[r]);
		for (int s = 0; s < EXIT_STAGE_COUNT; s++) {
			cycles[s] += p->cycles[r][s];
			closes[s] += p->closes[r][s];
		}
	}
	console_printf("exit profile (%s): TSC cycles per exit by stage, net of the profile's "
		       "marks; a mark costs %llu, %llu.%llu marks an exit\n", vm->hw->name,
		       p->mark_cost, exits ? p->marks / exits : 0,
		       exits ? p->marks * 10 / exits % 10 : 0);
	for (int r = 0; r < VEXIT_COUNT; r++)
		if (p->exits[r])
			print_row(exit_reason_name((enum vexit_reason)r), p->exits[r], p->cycles[r],
				  p->closes[r], p->switch_min[r], p->mark_cost);
	if (exits)
		print_row("total", exits, cycles, closes, switch_min, p->mark_cost);
}
#endif
