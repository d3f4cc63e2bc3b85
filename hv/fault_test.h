#ifndef UNDERSTUDY_HV_FAULT_TEST_H
#define UNDERSTUDY_HV_FAULT_TEST_H

#include "hv/config.h"

/* Raises the chosen exception in the hypervisor itself, on purpose, to show
 * the exception report (fault_test= on the command line). */
void fault_test_raise(enum fault_test which);

#endif
