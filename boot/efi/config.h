/*
 * What understudy.efi is told to load: the words of a GRUB menu entry,
 *
 *     multiboot2 understudy.elf log=info guest_args="console=ttyS0"
 *     module2    guest.elf guest
 *
 * read from its load options or from understudy.cfg beside it on the ESP.
 * Pure code (no firmware calls): the text is outside input, so it is
 * unit-tested and fuzzed on the host.
 */
#ifndef UNDERSTUDY_BOOT_EFI_CONFIG_H
#define UNDERSTUDY_BOOT_EFI_CONFIG_H

#include "boot/bootinfo.h"
#include "types.h"

#define EFI_CFG_PATH_MAX 256  /* a file name on the ESP, with its folders */
#define EFI_CFG_ARGS_MAX 1024 /* a command line or a module string */
#define EFI_CFG_MAX_MODULES BOOT_MAX_MODULES /* what boot/mb2.c keeps */
#define EFI_CFG_TEXT_MAX 16384 /* longest configuration accepted */
#define EFI_CFG_FILE_NAME "understudy.cfg"

/* One multiboot2 or module2 entry. */
struct efi_cfg_entry {
	char path[EFI_CFG_PATH_MAX]; /* as written, quotes removed, '/' made '\' */
	char args[EFI_CFG_ARGS_MAX]; /* the rest of the entry, verbatim */
	unsigned line;               /* 1-based, for messages */
};

struct efi_cfg {
	struct efi_cfg_entry kernel; /* the multiboot2 entry */
	struct efi_cfg_entry modules[EFI_CFG_MAX_MODULES];
	unsigned module_count;
};

/* Why a configuration was refused: a fixed message, the line it is on
 * (0: the text as a whole) and the word concerned (may be empty). */
struct efi_cfg_error {
	const char *what;
	unsigned line;
	char word[64];
};

/*
 * Parses len bytes of configuration text. Entries start with the word
 * multiboot2 (exactly one, the hypervisor) or module2 (up to
 * EFI_CFG_MAX_MODULES) and run to the end of their line or to the next
 * multiboot2/module2 word; lines whose first word starts with '#' are
 * comments. Returns 0, or -EINVAL with *err filled.
 */
int efi_cfg_parse(const char *text, size_t len, struct efi_cfg *out, struct efi_cfg_error *err);

/* What efi_cfg_load_options found in the load options. */
enum efi_cfg_options {
	EFI_CFG_OPTIONS_NONE,   /* empty, or only the program's own name */
	EFI_CFG_OPTIONS_TEXT,   /* configuration text, now in out */
	EFI_CFG_OPTIONS_BINARY, /* not printable UCS-2 text (firmware data) */
	EFI_CFG_OPTIONS_TOO_LONG,
};

/*
 * Turns the image's load options (UCS-2, as the firmware or the UEFI shell
 * passes them) into ASCII configuration text in out. A first word ending in
 * ".efi" is the program's name (the shell passes it) and is dropped.
 */
enum efi_cfg_options efi_cfg_load_options(const void *opts, size_t bytes, char *out,
					  size_t out_size);

/*
 * The ESP path of name: name itself when it starts with '\', else name in
 * the folder of self (the path of understudy.efi). Returns 0, or -E2BIG
 * when it does not fit in out_size bytes.
 */
int efi_cfg_resolve(const char *self, const char *name, char *out, size_t out_size);

#endif
