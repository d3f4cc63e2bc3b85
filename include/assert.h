/* <assert.h> for the freestanding hypervisor: only static_assert (xxHash's
 * header uses it); run-time checks use BUG_ON (panic.h). */
#ifndef UNDERSTUDY_ASSERT_H
#define UNDERSTUDY_ASSERT_H

#define static_assert _Static_assert
#define assert(c) ((void)0)

#endif
