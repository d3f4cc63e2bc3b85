/*
 * understudy.efi's configuration: the multiboot2/module2 words of a GRUB
 * menu entry (see config.h), from understudy.cfg or the load options.
 */
#include "boot/efi/config.h"

#include <string.h>

#include "compiler.h"
#include "errno.h"

#define KW_KERNEL "multiboot2"
#define KW_MODULE "module2"
#define UCS2_TAB 0x09
#define UCS2_LF 0x0A
#define UCS2_CR 0x0D
#define ASCII_FIRST_PRINTABLE 0x20
#define ASCII_LAST_PRINTABLE 0x7E

/* A word of the text: [start, end), found by skip_word. */
struct word {
	const char *start, *end;
};

struct cursor {
	const char *p, *end;
	unsigned line;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_text_char(unsigned c)
{
	return c == UCS2_TAB || c == UCS2_LF || c == UCS2_CR ||
	       (c >= ASCII_FIRST_PRINTABLE && c <= ASCII_LAST_PRINTABLE);
}

/* Fills *err (w: the word concerned, or NULL) and returns -EINVAL. */
static int fail(struct efi_cfg_error *err, const char *what, unsigned line, struct word *w)
{
	size_t n = 0;

	if (w) {
		n = MIN((size_t)(w->end - w->start), sizeof(err->word) - 1);
		memcpy(err->word, w->start, n);
	}
	err->word[n] = '\0';
	err->what = what;
	err->line = line;
	return -EINVAL;
}

static bool word_is(const struct word *w, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(w->end - w->start) == n && memcmp(w->start, s, n) == 0;
}

static bool is_keyword(const struct word *w)
{
	return word_is(w, KW_KERNEL) || word_is(w, KW_MODULE);
}

/* Finds the next word on the current line: blanks separate words, double
 * quotes group them and a backslash keeps the next character in the word
 * (the rules of the hypervisor's own command line, lib/cmdline.c).
 * Returns 1 with *w set, 0 at the end of the line, -EINVAL for an
 * unclosed quote. */
static int next_word(struct cursor *c, struct word *w)
{
	bool quoted = false;

	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	if (c->p == c->end || *c->p == '\n')
		return 0;
	w->start = c->p;
	for (; c->p < c->end && *c->p != '\n'; c->p++) {
		if (!quoted && is_blank(*c->p))
			break;
		if (*c->p == '"')
			quoted = !quoted;
		else if (*c->p == '\\' && c->p + 1 < c->end && c->p[1] != '\n')
			c->p++;
	}
	w->end = c->p;
	return quoted ? -EINVAL : 1;
}

/* The file name word: quotes removed, '/' made '\' (ESP folders). */
static int set_path(struct efi_cfg_entry *e, const struct word *w)
{
	size_t n = 0;

	for (const char *s = w->start; s < w->end; s++) {
		if (*s == '"')
			continue;
		if (n == sizeof(e->path) - 1)
			return -E2BIG;
		e->path[n++] = *s == '/' ? '\\' : *s;
	}
	e->path[n] = '\0';
	return n ? 0 : -EINVAL;
}

/* The entry's arguments: [start, end) without the blanks around it. */
static int set_args(struct efi_cfg_entry *e, const char *start, const char *end)
{
	while (start < end && is_blank(*start))
		start++;
	while (end > start && is_blank(end[-1]))
		end--;
	if ((size_t)(end - start) >= sizeof(e->args))
		return -E2BIG;
	memcpy(e->args, start, (size_t)(end - start));
	e->args[end - start] = '\0';
	return 0;
}

/* The entry a keyword word starts, or NULL (with *err) when there is no
 * room for it. */
static struct efi_cfg_entry *new_entry(struct efi_cfg *cfg, struct word *kw, unsigned line,
				       bool *have_kernel, struct efi_cfg_error *err)
{
	if (word_is(kw, KW_KERNEL)) {
		if (*have_kernel) {
			fail(err, "a second multiboot2 entry (one hypervisor only)", line, kw);
			return NULL;
		}
		*have_kernel = true;
		return &cfg->kernel;
	}
	if (cfg->module_count == EFI_CFG_MAX_MODULES) {
		fail(err, "too many module2 entries (the hypervisor keeps 16)", line, kw);
		return NULL;
	}
	return &cfg->modules[cfg->module_count++];
}

/* Reads one entry: kw was its keyword; the cursor stops at the next
 * keyword on the line (*next set) or at the end of the line. */
static int parse_entry(struct cursor *c, struct efi_cfg_entry *e, struct word *kw,
		       struct word *next, bool *have_next, struct efi_cfg_error *err)
{
	struct word w;
	const char *args;
	int r;

	e->line = c->line;
	r = next_word(c, &w);
	if (r < 0)
		return fail(err, "a quote is not closed", c->line, NULL);
	if (r == 0 || is_keyword(&w))
		return fail(err, "an entry needs a file name after its first word", c->line, kw);
	r = set_path(e, &w);
	if (r)
		return fail(err, r == -E2BIG ? "a file name is too long" : "an empty file name",
			    c->line, &w);
	args = c->p;
	*have_next = false;
	while ((r = next_word(c, &w)) > 0) {
		if (is_keyword(&w)) {
			*next = w;
			*have_next = true;
			break;
		}
	}
	if (r < 0)
		return fail(err, "a quote is not closed", c->line, NULL);
	if (set_args(e, args, *have_next ? next->start : c->p))
		return fail(err, "a command line or module string is too long", c->line, kw);
	return 0;
}

/* Parses the entries of one line (the cursor is at its start). */
static int parse_line(struct cursor *c, struct efi_cfg *cfg, bool *have_kernel,
		      struct efi_cfg_error *err)
{
	struct word w;
	bool have_next = true;
	int r = next_word(c, &w);

	if (r < 0)
		return fail(err, "a quote is not closed", c->line, NULL);
	if (r == 0 || *w.start == '#')
		return 0;
	if (!is_keyword(&w))
		return fail(err, "unknown word (an entry is 'multiboot2 FILE ARGS' or "
			    "'module2 FILE ARGS')", c->line, &w);
	while (have_next) {
		struct efi_cfg_entry *e = new_entry(cfg, &w, c->line, have_kernel, err);
		struct word kw = w;

		if (!e)
			return -EINVAL;
		r = parse_entry(c, e, &kw, &w, &have_next, err);
		if (r)
			return r;
	}
	return 0;
}

/* Every byte must be printable ASCII, a tab or a line end. */
static int check_chars(const char *text, size_t len, struct efi_cfg_error *err)
{
	unsigned line = 1;

	for (size_t i = 0; i < len; i++) {
		if (!is_text_char((u8)text[i]))
			return fail(err, "a character that is not printable ASCII", line, NULL);
		line += text[i] == '\n';
	}
	return 0;
}

int efi_cfg_parse(const char *text, size_t len, struct efi_cfg *out, struct efi_cfg_error *err)
{
	struct cursor c = { text, text + len, 1 };
	bool have_kernel = false;
	int r;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (len > EFI_CFG_TEXT_MAX)
		return fail(err, "the configuration is longer than 16 KiB", 0, NULL);
	r = check_chars(text, len, err);
	if (r)
		return r;
	while (c.p < c.end) {
		r = parse_line(&c, out, &have_kernel, err);
		if (r)
			return r;
		while (c.p < c.end && *c.p != '\n') /* the rest is a comment */
			c.p++;
		if (c.p < c.end) {
			c.p++;
			c.line++;
		}
	}
	if (!have_kernel)
		return fail(err, "no multiboot2 entry names the hypervisor", 0, NULL);
	return 0;
}

/* UCS-2 to ASCII; false when a character is not text. Stops at a NUL. */
static enum efi_cfg_options ucs2_to_ascii(const u8 *opts, size_t bytes, char *out,
					  size_t out_size)
{
	size_t n = 0;

	if (bytes % 2)
		return EFI_CFG_OPTIONS_BINARY;
	for (size_t i = 0; i < bytes; i += 2) {
		unsigned c = opts[i] | (unsigned)opts[i + 1] << 8;

		if (c == 0)
			break;
		if (!is_text_char(c))
			return EFI_CFG_OPTIONS_BINARY;
		if (n == out_size - 1)
			return EFI_CFG_OPTIONS_TOO_LONG;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return EFI_CFG_OPTIONS_TEXT;
}

enum efi_cfg_options efi_cfg_load_options(const void *opts, size_t bytes, char *out,
					  size_t out_size)
{
	struct cursor c;
	struct word w;
	enum efi_cfg_options r;

	if (out_size == 0)
		return EFI_CFG_OPTIONS_TOO_LONG;
	out[0] = '\0';
	if (!opts || bytes == 0)
		return EFI_CFG_OPTIONS_NONE;
	r = ucs2_to_ascii(opts, bytes, out, out_size);
	if (r != EFI_CFG_OPTIONS_TEXT)
		return r;
	c = (struct cursor){ out, out + strlen(out), 1 };
	if (next_word(&c, &w) > 0 && !is_keyword(&w)) /* the program's name */
		memmove(out, c.p, (size_t)(c.end - c.p) + 1);
	for (const char *p = out; *p; p++)
		if (!is_blank(*p) && *p != '\n')
			return EFI_CFG_OPTIONS_TEXT;
	return EFI_CFG_OPTIONS_NONE;
}

int efi_cfg_resolve(const char *self, const char *name, char *out, size_t out_size)
{
	const char *dir = "\\"; /* self in the root folder, or no folder given */
	size_t dir_len = 1, name_len = strlen(name);

	for (size_t i = 0; self[i]; i++) /* self's folder ends at its last '\' */
		if (self[i] == '\\') {
			dir = self;
			dir_len = i + 1;
		}
	if (name[0] == '\\')
		dir_len = 0;
	if (dir_len + name_len >= out_size)
		return -E2BIG;
	memcpy(out, dir, dir_len);
	memcpy(out + dir_len, name, name_len + 1);
	return 0;
}
