/* Boot self-tests: small checks of the running machine's bring-up, each
 * registered with SELFTEST() and run in link order. */
#ifndef UNDERSTUDY_HV_SELFTEST_H
#define UNDERSTUDY_HV_SELFTEST_H

#include "compiler.h"

struct selftest {
	const char *name;
	int (*run)(void); /* 0, or a negative errno with a message already printed */
};

#define SELFTEST(fn_name)                                                           \
	static int selftest_##fn_name(void);                                        \
	static const struct selftest selftest_entry_##fn_name __used                \
		__section(".selftests") __aligned(8) = { #fn_name, selftest_##fn_name }; \
	static int selftest_##fn_name(void)

/* Runs every self-test and prints "selftest: N passed, M failed"; returns M. */
int selftest_run_all(void);

#endif
