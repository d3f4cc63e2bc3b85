#include "catch.h"

volatile struct fault_info fault_last;
volatile u32 catch_armed;

void catch_disarm(void)
{
	catch_armed = 0;
	barrier();
}

int fault_try(void (*fn)(void *), void *arg, struct fault_info *info)
{
	if (catch_arm() == 0) {
		fn(arg);
		catch_disarm();
		return -1;
	}
	if (info) {
		info->vector = fault_last.vector;
		info->error = fault_last.error;
		info->eip = fault_last.eip;
		info->cr2 = fault_last.cr2;
	}
	return (int)fault_last.vector;
}
