/* The output rule's outputs together (see output_rule.h). */
#include "hv/output_rule.h"

#include "hv/guest_console.h"
#include "hv/vm_nic_hold.h"

void output_rule_hold(void (*wait)(void *ctx), void *ctx)
{
	guest_console_hold(wait, ctx);
	vm_nic_hold_start(wait, ctx);
}

bool output_rule_unmarked(void)
{
	return guest_console_unmarked() || vm_nic_hold_unmarked();
}

void output_rule_mark(u64 log_offset)
{
	guest_console_mark(log_offset);
	vm_nic_hold_mark(log_offset);
}

void output_rule_release(u64 acked)
{
	guest_console_release(acked);
	vm_nic_hold_release(acked);
}

void output_rule_release_all(void)
{
	guest_console_release_all();
	vm_nic_hold_release_all();
}

void output_rule_withhold(void)
{
	guest_console_withhold();
	vm_nic_hold_withhold();
}

void output_rule_report(void)
{
	guest_console_report();
	vm_nic_hold_report();
}
