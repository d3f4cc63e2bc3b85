/* The guest's boot modules, found by the first word of their Multiboot2
 * string (see guest_boot.h). */
#include "hv/guest_boot.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "hv/mb1_loader.h"

/* Length of s's first word, and where the rest starts. */
static size_t first_word(const char *s, const char **rest)
{
	size_t n = 0;

	while (s[n] && s[n] != ' ' && s[n] != '\t')
		n++;
	*rest = s + n;
	while (**rest == ' ' || **rest == '\t')
		(*rest)++;
	return n;
}

static bool module_role_is(const struct boot_module *m, const char *role)
{
	const char *rest;
	size_t n = first_word(m->cmdline, &rest);

	return n == strlen(role) && !strncmp(m->cmdline, role, n);
}

int guest_find_module(const struct boot_info *bi, const char *role)
{
	for (unsigned i = 0; i < bi->module_count; i++)
		if (module_role_is(&bi->modules[i], role))
			return (int)i;
	return -1;
}

int guest_find_kernel(const struct boot_info *bi, const struct config *cfg)
{
	return guest_find_module(bi, cfg->guest);
}

unsigned guest_collect_modules(const struct boot_info *bi, struct mb1_guest_module *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < bi->module_count && n < MAX_GUEST_MODULES; i++) {
		const struct boot_module *m = &bi->modules[i];
		const char *rest;

		if (!module_role_is(m, GUEST_MODULE_ROLE))
			continue;
		first_word(m->cmdline, &rest);
		out[n++] = (struct mb1_guest_module){ phys_to_virt(m->start), m->end - m->start, rest };
	}
	return n;
}
