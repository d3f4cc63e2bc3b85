/* The exit-path profile's table, printed after the exit statistics when
 * the hypervisor was built with EXIT_PROFILE=1 (docs/exit-path.md). */
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

/* One row: per-exit averages of cycles[] over exits. */
static void print_row(const char *name, u64 exits, const u64 *cycles, u64 switch_min)
{
	char word[NAME_MAX_LEN];
	u64 hv = 0;

	for (int s = 0; s < EXIT_STAGE_COUNT; s++)
		if (hypervisor_stage(s))
			hv += cycles[s];
	one_word(name, word);
	console_printf("exit-profile reason=%s exits=%llu hv=%llu switch_min=%llu", word, exits,
		       hv / exits, switch_min);
	for (int s = 0; s < EXIT_STAGE_COUNT; s++)
		console_printf(" %s=%llu", exit_stage_name((enum exit_stage)s), cycles[s] / exits);
	console_printf("\n");
}

void exit_profile_print(const struct vm *vm)
{
	const struct exit_profile *p = exit_profile_table();
	u64 total[EXIT_STAGE_COUNT] = { 0 }, exits = 0, switch_min = UINT64_MAX;

	for (int r = 0; r < VEXIT_COUNT; r++) {
		if (!p->exits[r])
			continue;
		exits += p->exits[r];
		switch_min = MIN(switch_min, p->switch_min[r]);
		for (int s = 0; s < EXIT_STAGE_COUNT; s++)
			total[s] += p->cycles[r][s];
	}
	console_printf("exit profile (%s): TSC cycles per exit by stage; a mark costs %llu, "
		       "%llu.%llu marks an exit\n", vm->hw->name, p->mark_cost,
		       exits ? p->marks / exits : 0, exits ? p->marks * 10 / exits % 10 : 0);
	for (int r = 0; r < VEXIT_COUNT; r++)
		if (p->exits[r])
			print_row(exit_reason_name((enum vexit_reason)r), p->exits[r], p->cycles[r],
				  p->switch_min[r]);
	if (exits)
		print_row("total", exits, total, switch_min);
}
#endif
