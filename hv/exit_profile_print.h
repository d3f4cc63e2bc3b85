#ifndef UNDERSTUDY_HV_EXIT_PROFILE_PRINT_H
#define UNDERSTUDY_HV_EXIT_PROFILE_PRINT_H

#include "arch/x86/exit_profile.h"
#include "hv/vm.h"

#ifdef UNDERSTUDY_EXIT_PROFILE
/* Prints the exit-path profile (arch/x86/exit_profile.h), one line per exit
 * reason and a total: "exit-profile reason=NAME exits=N hv=C switch_min=C
 * STAGE=C ...", C the average TSC cycles per exit (docs/exit-path.md). */
void exit_profile_print(const struct vm *vm);
#else
static inline void exit_profile_print(const struct vm *vm)
{
}
#endif

#endif
