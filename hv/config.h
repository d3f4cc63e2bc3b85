/* The hypervisor's configuration, parsed once from its command line. */
#ifndef UNDERSTUDY_HV_CONFIG_H
#define UNDERSTUDY_HV_CONFIG_H

#include "log.h"
#include "types.h"

#define CONFIG_STR_MAX 256

enum fault_test {
	FAULT_TEST_NONE,
	FAULT_TEST_UD, /* execute UD2 */
	FAULT_TEST_PF, /* read an unmapped address */
	FAULT_TEST_GP, /* load a non-canonical address */
	FAULT_TEST_DE, /* divide by zero */
};

struct config {
	enum log_level log_level;
	bool selftest;
	enum fault_test fault_test;
};

/* Defaults for every option. */
void config_defaults(struct config *cfg);

/*
 * Applies every key=value of cmdline to cfg. Unknown keys are warned about
 * and ignored; a malformed value is rejected with an error naming the key
 * (cfg keeps the default). Returns the number of rejected values.
 */
int config_parse(struct config *cfg, const char *cmdline);

/* Prints the effective configuration, one line. */
void config_print(const struct config *cfg);

#endif
