/* Everything a test guest needs, plus the reporting conventions:
 *   say()   "<name>: ..."    a deterministic line, the same on every correct machine
 *   vary()  "~ <name>: ..."  a line that may differ between machines or runs
 *   check() "<name>: ...: ok" or "...: FAILED" (deterministic), counting failures
 *   vcheck() the same on a "~ " line
 * The first line is "<name>: start", the last "<name>: done, N failures";
 * main() returns guest_done() and the entry code writes it to port 0xF4. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include "types.h"
#include "catch.h"
#include "cmdline.h"
#include "cpu.h"
#include "exit.h"
#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "printf.h"
#include "serial.h"
#include "string.h"

extern const char *guest_name;
extern u32 guest_failures;

/* Sets up COM1 and the IDT, prints "<name>: start", checks the Multiboot
 * magic (a failure line only when wrong) and takes the command line from
 * the boot information. */
void guest_start(const char *name, u32 magic, const struct mb_info *info);

void say(const char *fmt, ...) __printf(1, 2);
void vary(const char *fmt, ...) __printf(1, 2);
bool check(bool ok, const char *fmt, ...) __printf(2, 3);
/* check() for results whose very presence depends on the machine (a CPU
 * feature): the line starts with "~ ", a failure still counts. */
bool vcheck(bool ok, const char *fmt, ...) __printf(2, 3);
void fail(const char *fmt, ...) __printf(1, 2);

/* Prints "<name>: done, N failures" and returns N. */
u32 guest_done(void);

int main(u32 magic, const struct mb_info *info);

#endif
