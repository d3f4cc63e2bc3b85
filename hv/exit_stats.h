#ifndef UNDERSTUDY_HV_EXIT_STATS_H
#define UNDERSTUDY_HV_EXIT_STATS_H

#include "hv/vm.h"

/* Prints exits by reason with average hypervisor cycles, and totals. */
void exit_stats_print(const struct vm *vm);

#endif
