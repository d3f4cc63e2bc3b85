/* Runs the registered boot self-tests. */
#include "selftest.h"

#include "log.h"

extern const struct selftest __selftests_start[], __selftests_end[];

int selftest_run_all(void)
{
	int passed = 0, failed = 0;

	for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
		int err = t->run();

		if (err) {
			pr_err("selftest: %s FAILED (%d)", t->name, err);
			failed++;
		} else {
			pr_debug("selftest: %s ok", t->name);
			passed++;
		}
	}
	pr_info("selftest: %d passed, %d failed", passed, failed);
	return failed;
}
