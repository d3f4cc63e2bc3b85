#ifndef UNDERSTUDY_HV_FAULT_TEST_H
#define UNDERSTUDY_HV_FAULT_TEST_H

#include "hv/config.h"

/* Raises the chosen exception in the hypervisor itself, on purpose, to show
 * the exception report (fault_test= on the command line). */
void fault_test_raise(enum fault_test which);

struct vm;
/* fault_test=entry: gives the guest a state every VM entry must refuse, to
 * show the entry-failure report. */
void fault_test_corrupt_guest(struct vm *vm);

#endif
