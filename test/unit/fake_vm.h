/*
 * A guest on the fake backend and platform (test/unit/fake_vm.c), set up as
 * hv/main.c's run_guest does it: the configuration, the boot modules, the
 * VM (with its NIC when guest_nic= asks), the real Multiboot loader
 * (hv/guest_boot.c) with a small a.out-kludge kernel, then record/replay
 * and the T bit as the configuration asks.
 */
#ifndef UNDERSTUDY_TEST_FAKE_VM_H
#define UNDERSTUDY_TEST_FAKE_VM_H

#include "boot/bootinfo.h"
#include "fake_backend.h"
#include "fake_platform.h"
#include "hv/config.h"
#include "hv/snapshot.h"
#include "hv/vm.h"

#define FAKE_VM_RAM MiB(2)
#define FAKE_KERNEL_LOAD 0x100000ULL /* where the kernel image is loaded (1 MiB) */
#define FAKE_KERNEL_SIZE 0x1000ULL   /* one page: the Multiboot header, then code */
#define FAKE_KERNEL_ENTRY (FAKE_KERNEL_LOAD + FAKE_KERNEL_CODE)
#define FAKE_KERNEL_CODE 0x40ULL     /* offset of the code after the header */
#define FAKE_DATA_GPA 0x120000ULL    /* free guest RAM above the kernel, for tests */

extern struct vm fake_vm;
extern struct config fake_cfg;
extern struct boot_info fake_bi;

/* Resets the fake platform and backend and gives fake_cfg its defaults and
 * fake_bi the guest's kernel module; a test changes them before
 * fake_vm_create. */
void fake_vm_prepare(void);

/* Copies code into the kernel image at FAKE_KERNEL_CODE (it runs from
 * FAKE_KERNEL_ENTRY once loaded). */
void fake_vm_kernel_code(const u8 *code, size_t len);

/* Adds a boot module; cmdline's first word says what it is. */
void fake_vm_add_module(const char *cmdline, const void *data, size_t len);

/* Creates the VM on hw, loads the kernel; 0 or the first error. */
int fake_vm_create(const struct virt_backend *hw);

/* rr_init, tbit_init (as run_guest); 0 or the first error. */
int fake_vm_start(void);

/* fake_vm_create and fake_vm_start, failing the test on an error. */
void fake_vm_boot(const struct virt_backend *hw);

/* Runs a script of steps to the guest's exit (failing the test if the run
 * stops otherwise), leaving the VM running for another script. */
void fake_vm_run_script(const struct fake_step *script, unsigned n);

/* The rights (S2_*) a guest access to gpa gets through stage 2 (the
 * leaf's, less what a directory entry withholds); fails the test if gpa
 * is not mapped. */
u32 fake_vm_access(u64 gpa);

/* The identity a snapshot of this VM carries (the guest's, with its RAM
 * size). */
struct snap_identity fake_vm_identity(void);

/* Frees everything the VM took. */
void fake_vm_destroy(void);

#endif
