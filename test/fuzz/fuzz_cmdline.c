// sources: hv/config.c hv/config_role.c hv/trace_spec.c lib/cmdline.c lib/log.c lib/fmt.c proto/ft_psk.c
/*
 * Fuzzes the command line: config_parse and trace_parse on a NUL-terminated
 * copy of the input (console output discarded after a sanity check), the
 * tokenizer's promises, and every value parser on the raw bytes, which are
 * deliberately not NUL-terminated so ASan sees any read past their length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmdline.h"
#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "hv/config.h"
#include "hv/trace.h"
#include "log.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

/* Every console write is one log line: bounded, ending in a newline. */
static void discard_writer(const char *buf, size_t len)
{
	CHECK(len > 0 && len < 512);
	CHECK(buf[len - 1] == '\n');
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	console_set_writer(discard_writer);
	log_set_level(LOG_TRACE);
	return 0;
}

static void check_config(const char *line)
{
	struct config cfg;
	int errors;

	config_defaults(&cfg);
	errors = config_parse(&cfg, line);
	CHECK(errors >= 0);
	CHECK(cfg.log_level >= LOG_ERROR && cfg.log_level <= LOG_TRACE);
	CHECK(cfg.fault_test >= FAULT_TEST_NONE && cfg.fault_test <= FAULT_TEST_DE);
	CHECK(cfg.hv >= VIRT_AUTO && cfg.hv <= VIRT_SVM);
	CHECK(cfg.guest_console >= GUEST_CONSOLE_AUTO && cfg.guest_console <= GUEST_CONSOLE_E9);
	CHECK(strnlen(cfg.guest, CONFIG_STR_MAX) < CONFIG_STR_MAX);
	CHECK(strnlen(cfg.guest_args, CONFIG_ARGS_MAX) < CONFIG_ARGS_MAX);
	CHECK(cfg.guest_mem >= CONFIG_GUEST_MEM_MIN && cfg.guest_mem <= CONFIG_GUEST_MEM_MAX);
	CHECK(cfg.guest_mem % MiB(2) == 0);
	config_print(&cfg);
}

/* Accepted values re-format to something that parses back the same. */
static void check_value(const char *s, size_t len)
{
	u64 v, w;
	bool b;
	u32 ip, ip2;
	u8 mac[6], mac2[6];
	char text[32];
	enum log_level level;

	if (cmdline_parse_u64(s, len, &v) == 0) {
		fmt_snprintf(text, sizeof(text), "%llu", v);
		CHECK(cmdline_parse_u64(text, strlen(text), &w) == 0 && w == v);
		CHECK(cmdline_parse_size(s, len, &w) == 0 && w == v);
	}
	if (cmdline_parse_size(s, len, &v) == 0)
		CHECK(len > 0);
	if (cmdline_parse_bool(s, len, &b) == 0)
		CHECK(len >= 1 && len <= 5);
	if (cmdline_parse_ipv4(s, len, &ip) == 0) {
		fmt_snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255,
			     ip >> 8 & 255, ip & 255);
		CHECK(cmdline_parse_ipv4(text, strlen(text), &ip2) == 0 && ip2 == ip);
	}
	if (cmdline_parse_mac(s, len, mac) == 0) {
		fmt_snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			     mac[2], mac[3], mac[4], mac[5]);
		CHECK(len == 17 && !strncasecmp(text, s, len));
		CHECK(cmdline_parse_mac(text, 17, mac2) == 0 && !memcmp(mac, mac2, 6));
	}
	if (log_level_from_name(s, len, &level) == 0)
		CHECK(!strncmp(log_level_name(level), s, len));
}

/* An accepted trace= asks for something, only for what exists, and any
 * instruction range is non-empty; without one the range is cleared. */
static void check_trace(const char *line)
{
	struct trace_spec spec;
	int rc = trace_parse(line, &spec);

	CHECK(rc == 0 || rc == -EINVAL);
	if (rc)
		return;
	CHECK(spec.what != 0);
	CHECK(!(spec.what & ~(TRACE_EXITS | TRACE_IO | TRACE_PT | TRACE_INSNS)));
	if (spec.what & TRACE_INSNS)
		CHECK(spec.insn_end > spec.insn_start);
	else
		CHECK(spec.insn_start == 0 && spec.insn_end == 0);
}

/* Each token is the unquoted word in tok.buf: key, then '=' and the value,
 * NUL-terminated; the cursor always advances, and ends at the line's end. */
static void check_tokens(const char *line, size_t size)
{
	const char *cursor = line, *end = line + size, *before;
	struct cmdline_token tok;
	int r;

	for (before = cursor; (r = cmdline_next(&cursor, &tok)) != 0; before = cursor) {
		CHECK(cursor > before && cursor <= end);
		if (r == -E2BIG)
			continue;
		if (r < 0) {
			CHECK(r == -EINVAL);
			return;
		}
		CHECK(r == 1 && tok.key == tok.buf);
		CHECK(tok.key_len > 0 && tok.key_len < CMDLINE_TOKEN_MAX);
		CHECK(!memchr(tok.key, '=', tok.key_len));
		if (tok.value) {
			CHECK(tok.value == tok.key + tok.key_len + 1);
			CHECK(tok.key_len + 1 + tok.value_len < CMDLINE_TOKEN_MAX);
			CHECK(tok.value[tok.value_len] == '\0');
			check_value(tok.value, tok.value_len);
		} else {
			CHECK(tok.key[tok.key_len] == '\0');
		}
		CHECK(cmdline_token_is(&tok, tok.key) == (strlen(tok.key) == tok.key_len));
	}
	CHECK(*cursor == '\0');
}

/* The redacted line shows no ft_key= value but "(hidden)", and redacting
 * it again changes nothing. */
static void check_redact(const char *line, size_t size)
{
	size_t cap = 2 * size + 32;
	char *once = malloc(cap), *twice = malloc(cap);
	const char *cursor;
	static struct cmdline_token tok;

	CHECK(once && twice);
	cmdline_redact(line, "ft_key", once, cap);
	CHECK(strlen(once) < cap);
	cmdline_redact(once, "ft_key", twice, cap);
	CHECK(!strcmp(once, twice));
	for (cursor = once; cmdline_next(&cursor, &tok) > 0;)
		if (cmdline_token_is(&tok, "ft_key") && tok.value)
			CHECK(!strcmp(tok.value, "(hidden)"));
	free(once);
	free(twice);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *line = malloc(size + 1), *raw = malloc(size ? size : 1);
	char out[64];

	CHECK(line && raw);
	memcpy(line, data, size);
	line[size] = '\0';
	memcpy(raw, data, size);

	check_config(line);
	check_trace(line);
	check_tokens(line, strlen(line));
	check_redact(line, strlen(line));
	check_value(raw, size);
	/* Precision bounds the read of a string that is not terminated. */
	CHECK(fmt_snprintf(out, sizeof(out), "%.*s|%-3.2s", (int)size, raw, line) >= 0);
	free(raw);
	free(line);
	return 0;
}
