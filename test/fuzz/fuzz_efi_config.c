// sources: boot/efi/config.c
/*
 * Fuzzes understudy.efi's configuration: efi_cfg_parse on the raw bytes
 * (not NUL-terminated, so ASan sees any read past them), with a round trip
 * (an accepted configuration, written back as text, parses to the same
 * entries), and efi_cfg_load_options on the same bytes taken as UCS-2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/efi/config.h"
#include "compiler.h"
#include "errno.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static void check_entry(const struct efi_cfg_entry *e)
{
	CHECK(strnlen(e->path, sizeof(e->path)) < sizeof(e->path));
	CHECK(strnlen(e->args, sizeof(e->args)) < sizeof(e->args));
	CHECK(e->path[0] != '\0' && !strchr(e->path, '"') && !strchr(e->path, '/'));
	CHECK(e->line >= 1);
}

static bool same_entry(const struct efi_cfg_entry *a, const struct efi_cfg_entry *b)
{
	return !strcmp(a->path, b->path) && !strcmp(a->args, b->args);
}

/* Writes cfg back as one entry per line; false when a path cannot be
 * written back in quotes (a final backslash would escape the quote). */
static bool write_back(const struct efi_cfg *cfg, char *text, size_t size, size_t *len)
{
	size_t n = 0;

	for (unsigned i = 0; i <= cfg->module_count; i++) {
		const struct efi_cfg_entry *e = i ? &cfg->modules[i - 1] : &cfg->kernel;
		size_t pl = strlen(e->path);

		if (e->path[pl - 1] == '\\' || n + pl + strlen(e->args) + 16 > size)
			return false;
		n += (size_t)snprintf(text + n, size - n, "%s \"%s\" %s\n",
				      i ? "module2" : "multiboot2", e->path, e->args);
	}
	*len = n;
	return true;
}

static void round_trip(const struct efi_cfg *cfg)
{
	static char text[EFI_CFG_TEXT_MAX * 2];
	static struct efi_cfg again;
	struct efi_cfg_error err;
	size_t len;

	if (!write_back(cfg, text, sizeof(text), &len) || len > EFI_CFG_TEXT_MAX)
		return;
	CHECK(efi_cfg_parse(text, len, &again, &err) == 0);
	CHECK(again.module_count == cfg->module_count);
	CHECK(same_entry(&again.kernel, &cfg->kernel));
	for (unsigned i = 0; i < cfg->module_count; i++)
		CHECK(same_entry(&again.modules[i], &cfg->modules[i]));
}

static void check_parse(const char *text, size_t len)
{
	static struct efi_cfg cfg;
	struct efi_cfg_error err;
	int r = efi_cfg_parse(text, len, &cfg, &err);

	if (r) {
		CHECK(r == -EINVAL && err.what && *err.what);
		CHECK(strnlen(err.word, sizeof(err.word)) < sizeof(err.word));
		return;
	}
	CHECK(cfg.module_count <= EFI_CFG_MAX_MODULES);
	check_entry(&cfg.kernel);
	for (unsigned i = 0; i < cfg.module_count; i++)
		check_entry(&cfg.modules[i]);
	round_trip(&cfg);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static char out[EFI_CFG_TEXT_MAX + 1];
	char *copy = malloc(size ? size : 1);
	enum efi_cfg_options o;

	memcpy(copy, data, size);
	check_parse(copy, size);
	free(copy);
	o = efi_cfg_load_options(data, size, out, sizeof(out));
	CHECK(o <= EFI_CFG_OPTIONS_TOO_LONG);
	if (o == EFI_CFG_OPTIONS_TEXT) {
		CHECK(strlen(out) <= size / 2);
		check_parse(out, strlen(out));
	}
	return 0;
}
