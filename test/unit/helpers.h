/*
 * Shared helpers for the host-side unit tests (header-only: every test binary
 * includes it; unused helpers cost nothing as they are static inline).
 */
#ifndef UNDERSTUDY_TEST_UNIT_HELPERS_H
#define UNDERSTUDY_TEST_UNIT_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "types.h"

/* --- console capture ----------------------------------------------------- */

#define CAPTURE_MAX 8192

struct console_capture {
	char text[CAPTURE_MAX];
	size_t len;
	unsigned writes;
};

static struct console_capture capture;

/* Appends one console write to the capture buffer (kept NUL-terminated). */
static inline void capture_writer(const char *buf, size_t len)
{
	size_t room = sizeof(capture.text) - 1 - capture.len;

	if (len > room)
		len = room;
	memcpy(capture.text + capture.len, buf, len);
	capture.len += len;
	capture.text[capture.len] = '\0';
	capture.writes++;
}

/* Routes console output into the capture buffer, emptied. */
static inline void capture_start(void)
{
	memset(&capture, 0, sizeof(capture));
	console_set_writer(capture_writer);
}

static inline void capture_stop(void)
{
	console_set_writer(NULL);
}

static inline bool capture_contains(const char *needle)
{
	return strstr(capture.text, needle) != NULL;
}

/* Fails the current test, showing the capture, when needle is missing. */
#define assert_captured(needle)                                                     \
	do {                                                                        \
		if (!capture_contains(needle))                                      \
			fail_msg("console output lacks \"%s\"; got:\n%s", (needle), \
				 capture.text);                                     \
	} while (0)

#define assert_not_captured(needle)                                                 \
	do {                                                                        \
		if (capture_contains(needle))                                       \
			fail_msg("console output has \"%s\"; got:\n%s", (needle),   \
				 capture.text);                                     \
	} while (0)

/* --- little-endian stores into byte buffers ----------------------------- */

static inline void put16(u8 *p, u16 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put32(u8 *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put64(u8 *p, u64 v)
{
	memcpy(p, &v, sizeof(v));
}

/* --- deterministic pseudo-random numbers (xorshift64*) ------------------ */

static inline u64 test_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
