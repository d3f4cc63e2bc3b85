// sources: boot/efi/config.c
/*
 * boot/efi/config.c: understudy.efi's configuration (GRUB's multiboot2 and
 * module2 words) from understudy.cfg or the load options, every refusal
 * with its line and word, and ESP path resolution.
 */
#include "helpers.h"

#include <stdlib.h>

#include "boot/efi/config.h"
#include "errno.h"

static struct efi_cfg cfg;
static struct efi_cfg_error err;

static int parse(const char *text)
{
	return efi_cfg_parse(text, strlen(text), &cfg, &err);
}

static void expect_refused(const char *text, unsigned line, const char *what_part,
			   const char *word)
{
	assert_int_equal(parse(text), -EINVAL);
	assert_int_equal(err.line, line);
	assert_non_null(strstr(err.what, what_part));
	assert_string_equal(err.word, word);
}

static void test_grub_entry(void **state)
{
	assert_int_equal(parse("# Understudy on the lab server\r\n"
			       "multiboot2 /boot/understudy.elf log=info guest_args=\"console=ttyS0 x\"\r\n"
			       "\r\n"
			       "  module2    guest.elf guest\r\n"
			       "module2 \\EFI\\understudy\\notes.txt guest_module notes.txt some  words\n"),
			 0);
	assert_string_equal(cfg.kernel.path, "\\boot\\understudy.elf");
	assert_string_equal(cfg.kernel.args, "log=info guest_args=\"console=ttyS0 x\"");
	assert_int_equal(cfg.kernel.line, 2);
	assert_int_equal(cfg.module_count, 2);
	assert_string_equal(cfg.modules[0].path, "guest.elf");
	assert_string_equal(cfg.modules[0].args, "guest");
	assert_int_equal(cfg.modules[0].line, 4);
	assert_string_equal(cfg.modules[1].path, "\\EFI\\understudy\\notes.txt");
	assert_string_equal(cfg.modules[1].args, "guest_module notes.txt some  words");
	assert_int_equal(cfg.modules[1].line, 5);
}

/* Load options are one line: each multiboot2/module2 word starts an entry. */
static void test_one_line(void **state)
{
	assert_int_equal(parse("module2 g.elf guest multiboot2 u.elf selftest=off "
			       "guest_args=\"module2 x\" module2 \"my file.txt\""),
			 0);
	assert_string_equal(cfg.kernel.path, "u.elf");
	assert_string_equal(cfg.kernel.args, "selftest=off guest_args=\"module2 x\"");
	assert_int_equal(cfg.module_count, 2);
	assert_string_equal(cfg.modules[0].path, "g.elf");
	assert_string_equal(cfg.modules[0].args, "guest");
	assert_string_equal(cfg.modules[1].path, "my file.txt");
	assert_string_equal(cfg.modules[1].args, "");
}

static void test_no_args_and_comments(void **state)
{
	assert_int_equal(parse("multiboot2 understudy.elf"), 0);
	assert_string_equal(cfg.kernel.args, "");
	assert_int_equal(cfg.module_count, 0);
	assert_int_equal(parse("#multiboot2 old.elf\nmultiboot2 u.elf a=\"#1\" # not a comment\n"), 0);
	assert_string_equal(cfg.kernel.path, "u.elf");
	assert_string_equal(cfg.kernel.args, "a=\"#1\" # not a comment");
}

static void test_refusals(void **state)
{
	expect_refused("multiboot2 u.elf\ntimeout=5\n", 2, "unknown word", "timeout=5");
	expect_refused("menuentry \"Understudy\" {\n", 1, "unknown word", "menuentry");
	expect_refused("module2 g.elf guest\n", 0, "no multiboot2 entry", "");
	expect_refused("", 0, "no multiboot2 entry", "");
	expect_refused("multiboot2 a.elf\nmultiboot2 b.elf\n", 2, "second multiboot2", "multiboot2");
	expect_refused("multiboot2 u.elf\nmodule2\n", 2, "needs a file name", "module2");
	expect_refused("multiboot2 module2 g.elf\n", 1, "needs a file name", "multiboot2");
	expect_refused("multiboot2 \"\" x\n", 1, "empty file name", "\"\"");
	expect_refused("multiboot2 u.elf guest_args=\"a b\n", 1, "quote is not closed", "");
	expect_refused("multiboot2 u.elf\n\"open\n", 2, "quote is not closed", "");
	expect_refused("multiboot2 u.elf\nmodule2 g\xe9.elf\n", 2, "not printable ASCII", "");
	assert_int_equal(efi_cfg_parse("multiboot2 u.elf\0x", 18, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.what, "not printable ASCII"));
}

static void test_limits(void **state)
{
	char text[EFI_CFG_TEXT_MAX + 64];
	size_t n = (size_t)sprintf(text, "multiboot2 u.elf\n");

	for (int i = 0; i < EFI_CFG_MAX_MODULES; i++)
		n += (size_t)sprintf(text + n, "module2 m%d.bin m%d\n", i, i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(cfg.module_count, EFI_CFG_MAX_MODULES);
	assert_string_equal(cfg.modules[15].args, "m15");
	sprintf(text + n, "module2 one-too-many.bin\n");
	expect_refused(text, 18, "too many module2", "module2");

	n = (size_t)sprintf(text, "multiboot2 u.elf ");
	memset(text + n, 'a', EFI_CFG_ARGS_MAX - 1);
	text[n + EFI_CFG_ARGS_MAX - 1] = '\0';
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.kernel.args), EFI_CFG_ARGS_MAX - 1);
	strcat(text, "a");
	expect_refused(text, 1, "too long", "multiboot2");

	n = (size_t)sprintf(text, "multiboot2 ");
	memset(text + n, 'p', EFI_CFG_PATH_MAX);
	text[n + EFI_CFG_PATH_MAX] = '\0';
	assert_int_equal(parse(text), -EINVAL);
	assert_non_null(strstr(err.what, "file name is too long"));

	memset(text, ' ', EFI_CFG_TEXT_MAX + 1);
	memcpy(text, "multiboot2 u.elf", 16);
	assert_int_equal(efi_cfg_parse(text, EFI_CFG_TEXT_MAX + 1, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.what, "longer than 16 KiB"));
	assert_int_equal(efi_cfg_parse(text, EFI_CFG_TEXT_MAX, &cfg, &err), 0);
}

/* UCS-2 as the firmware passes load options. */
static size_t ucs2(const char *s, u16 *out, bool nul)
{
	size_t n = 0;

	for (; s[n]; n++)
		out[n] = (u8)s[n];
	if (nul)
		out[n++] = 0;
	return n * 2;
}

static void test_load_options(void **state)
{
	u16 w[256];
	char out[256];
	size_t bytes;

	bytes = ucs2("multiboot2 u.elf log=debug module2 g.elf guest", w, true);
	assert_int_equal(efi_cfg_load_options(w, bytes, out, sizeof(out)), EFI_CFG_OPTIONS_TEXT);
	assert_string_equal(out, "multiboot2 u.elf log=debug module2 g.elf guest");
	/* the UEFI shell passes the command's name first, with or without .efi */
	bytes = ucs2("fs0:\\EFI\\understudy\\understudy.efi multiboot2 u.elf", w, false);
	assert_int_equal(efi_cfg_load_options(w, bytes, out, sizeof(out)), EFI_CFG_OPTIONS_TEXT);
	assert_string_equal(out, " multiboot2 u.elf");
	assert_int_equal(parse(out), 0);
	bytes = ucs2("understudy  \t", w, true);
	assert_int_equal(efi_cfg_load_options(w, bytes, out, sizeof(out)), EFI_CFG_OPTIONS_NONE);
	assert_int_equal(efi_cfg_load_options(NULL, 0, out, sizeof(out)), EFI_CFG_OPTIONS_NONE);
	bytes = ucs2("", w, true);
	assert_int_equal(efi_cfg_load_options(w, bytes, out, sizeof(out)), EFI_CFG_OPTIONS_NONE);
}

static void test_load_options_not_text(void **state)
{
	/* EDK2 tags the boot options it creates with a GUID as their data */
	static const u8 guid[16] = { 0x21, 0xaa, 0x2c, 0x46, 0x14, 0x76, 0x03, 0x45,
				     0x83, 0x6e, 0x8a, 0xb6, 0xf4, 0x66, 0x23, 0x31 };
	u16 w[300];
	char out[64];
	size_t bytes;

	assert_int_equal(efi_cfg_load_options(guid, sizeof(guid), out, sizeof(out)),
			 EFI_CFG_OPTIONS_BINARY);
	assert_int_equal(efi_cfg_load_options("m\0u", 3, out, sizeof(out)), EFI_CFG_OPTIONS_BINARY);
	bytes = ucs2("multiboot2 u.elf", w, true);
	w[3] = 0x00e9; /* not ASCII */
	assert_int_equal(efi_cfg_load_options(w, bytes, out, sizeof(out)), EFI_CFG_OPTIONS_BINARY);
	memset(out, 'x', sizeof(out));
	bytes = ucs2("multiboot2 understudy.elf log=debug selftest=off guest_args=\"a b c d e\"",
		     w, true);
	assert_int_equal(efi_cfg_load_options(w, bytes, out, sizeof(out)), EFI_CFG_OPTIONS_TOO_LONG);
	assert_int_equal(efi_cfg_load_options(w, bytes, out, 0), EFI_CFG_OPTIONS_TOO_LONG);
}

static void test_resolve(void **state)
{
	char out[32];

	assert_int_equal(efi_cfg_resolve("\\EFI\\BOOT\\BOOTX64.EFI", "u.elf", out, sizeof(out)), 0);
	assert_string_equal(out, "\\EFI\\BOOT\\u.elf");
	assert_int_equal(efi_cfg_resolve("\\EFI\\BOOT\\BOOTX64.EFI", "\\boot\\u.elf", out,
					 sizeof(out)), 0);
	assert_string_equal(out, "\\boot\\u.elf");
	assert_int_equal(efi_cfg_resolve("\\understudy.efi", "sub\\g.elf", out, sizeof(out)), 0);
	assert_string_equal(out, "\\sub\\g.elf");
	assert_int_equal(efi_cfg_resolve("", "g.elf", out, sizeof(out)), 0);
	assert_string_equal(out, "\\g.elf");
	assert_int_equal(efi_cfg_resolve("\\EFI\\BOOT\\BOOTX64.EFI", "0123456789012345678901",
					 out, sizeof(out)), -E2BIG);
	assert_int_equal(efi_cfg_resolve("\\EFI\\BOOT\\BOOTX64.EFI", "012345678901234567890",
					 out, sizeof(out)), 0);
	assert_int_equal(strlen(out), sizeof(out) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grub_entry),
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_no_args_and_comments),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_load_options),
		cmocka_unit_test(test_load_options_not_text),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
