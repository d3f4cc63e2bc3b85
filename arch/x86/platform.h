/* What kind of machine we run on, and how to leave it (emulator exit
 * devices, or halting real hardware). */
#ifndef UNDERSTUDY_ARCH_X86_PLATFORM_H
#define UNDERSTUDY_ARCH_X86_PLATFORM_H

#include "compiler.h"
#include "types.h"

enum platform_kind {
	PLATFORM_HARDWARE,
	PLATFORM_QEMU,
	PLATFORM_BOCHS,
};

/* Exit codes of the hypervisor itself (the guest's own codes pass through). */
#define PLATFORM_EXIT_OK 0
#define PLATFORM_EXIT_GUEST_STOPPED 120 /* guest stopped by the hypervisor */
#define PLATFORM_EXIT_NO_VIRT 121       /* no usable VMX/SVM, or the guest failed to load */
#define PLATFORM_EXIT_REPLAY_DIVERGED 122 /* replay did not match the recording */
#define PLATFORM_EXIT_LOG_INCOMPLETE 123 /* record: the log did not all reach its sink */
#define PLATFORM_EXIT_MIGRATED 118      /* migrate=: the guest left for the destination */
#define PLATFORM_EXIT_FENCED 117        /* witness=: this side lost the lease, or must not go live */
#define PLATFORM_EXIT_SWITCHED_OVER 116 /* role=primary: the guest went to the backup (hvctl switchover) */
#define PLATFORM_EXIT_PANIC 125         /* hypervisor panic or fatal exception */
#define PLATFORM_EXIT_CONFIG 126        /* refused to start: bad configuration */
#define PLATFORM_EXIT_INCOMING_FAILED 119 /* incoming=: no guest arrived whole */

void platform_detect(void);
enum platform_kind platform_kind(void);
const char *platform_name(void);

/*
 * Prints "understudy: halting (exit code N)", then leaves the emulator with
 * code through its exit device (QEMU isa-debug-exit, Bochs shutdown port), or
 * halts the CPU forever on hardware.
 */
void platform_halt(int code) __noreturn;

#endif
