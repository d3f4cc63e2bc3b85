/* Command-line options: one table row per option, parsed by type. */
#include "hv/config.h"

#include <string.h>

#include "cmdline.h"
#include "compiler.h"
#include "errno.h"

enum option_type {
	OPT_LOG_LEVEL,
	OPT_BOOL,
	OPT_ENUM,
	OPT_STRING,
	OPT_MEM_SIZE, /* a size within the guest memory limits, 2 MiB aligned */
	OPT_U32,
};

struct option {
	const char *name;
	enum option_type type;
	size_t offset;
	const char *const *choices; /* OPT_ENUM: index = value, NULL-terminated */
	const char *help;
};

static const char *const fault_test_names[] = { "none", "ud", "pf", "gp", "de", "entry", NULL };
static const char *const virt_names[] = { "auto", "vmx", "svm", NULL };
static const char *const guest_console_names[] = { "auto", "com1", "com2", "e9", NULL };
static const char *const rr_names[] = { "off", "record", "replay", NULL };
static const char *const rr_sink_names[] = { "com3", "com4", NULL };
static const char *const tbit_names[] = { "auto", "on", "off", NULL };

#define OPT(n, t, field, ch, h) { n, t, offsetof(struct config, field), ch, h }
static const struct option options[] = {
	OPT("log", OPT_LOG_LEVEL, log_level, NULL, "error|warn|info|debug|trace"),
	OPT("selftest", OPT_BOOL, selftest, NULL, "run the boot self-tests (on|off)"),
	OPT("fault_test", OPT_ENUM, fault_test, fault_test_names,
	    "raise an exception on purpose after bring-up (ud|pf|gp|de), or give the guest an invalid state (entry)"),
	OPT("hv", OPT_ENUM, hv, virt_names, "auto|vmx|svm"),
	OPT("guest", OPT_STRING, guest, NULL, "the first word of the guest module's string"),
	OPT("guest_args", OPT_STRING, guest_args, NULL, "the guest's command line"),
	OPT("guest_mem", OPT_MEM_SIZE, guest_mem, NULL,
	    "guest RAM: 2M to 3G in 2 MiB steps, with a K, M or G suffix"),
	OPT("guest_console", OPT_ENUM, guest_console, guest_console_names, "auto|com1|com2|e9"),
	OPT("rr", OPT_ENUM, rr, rr_names, "off|record|replay"),
	OPT("rr_digest", OPT_U32, rr_digest, NULL, "guest-caused exits between state digests (0: start and end)"),
	OPT("rr_sink", OPT_ENUM, rr_sink, rr_sink_names, "com3|com4"),
	OPT("tbit", OPT_ENUM, tbit, tbit_names, "auto|on|off (auto: on while recording or replaying)"),
	OPT("trace", OPT_STRING, trace, NULL, "exits,io,pt,insns=START-END (replay only)"),
};
#undef OPT

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = LOG_INFO;
	cfg->selftest = true;
	cfg->fault_test = FAULT_TEST_NONE;
	cfg->hv = VIRT_AUTO;
	memcpy(cfg->guest, "guest", sizeof("guest"));
	cfg->guest_mem = MiB(64);
	cfg->guest_console = GUEST_CONSOLE_AUTO;
	cfg->rr = RR_CHOICE_OFF;
	cfg->rr_digest = 0;
	cfg->rr_sink = RR_SINK_COM3;
	cfg->tbit = TBIT_AUTO;
}

static int parse_string(const struct cmdline_token *tok, char *field)
{
	if (tok->value_len >= CONFIG_STR_MAX)
		return -E2BIG;
	memcpy(field, tok->value, tok->value_len);
	field[tok->value_len] = '\0';
	return 0;
}

static int parse_mem_size(const struct cmdline_token *tok, u64 *field)
{
	u64 v;
	int err = cmdline_parse_size(tok->value, tok->value_len, &v);

	if (err)
		return err;
	if (v < CONFIG_GUEST_MEM_MIN || v > CONFIG_GUEST_MEM_MAX || v % MiB(2))
		return -ERANGE;
	*field = v;
	return 0;
}

static int parse_enum(const struct option *opt, const struct cmdline_token *tok, int *out)
{
	for (int i = 0; opt->choices[i]; i++) {
		if (strlen(opt->choices[i]) == tok->value_len &&
		    !strncmp(opt->choices[i], tok->value, tok->value_len)) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Parses tok's value as opt's type and stores it into cfg. */
static int apply_option(struct config *cfg, const struct option *opt,
			const struct cmdline_token *tok)
{
	void *field = (u8 *)cfg + opt->offset;

	if (!tok->value)
		return opt->type == OPT_BOOL ? (*(bool *)field = true, 0) : -ENODATA;
	switch (opt->type) {
	case OPT_LOG_LEVEL:
		return log_level_from_name(tok->value, tok->value_len, field);
	case OPT_BOOL:
		return cmdline_parse_bool(tok->value, tok->value_len, field);
	case OPT_ENUM: {
		int v, err = parse_enum(opt, tok, &v);

		if (!err)
			*(int *)field = v;
		return err;
	}
	case OPT_STRING:
		return parse_string(tok, field);
	case OPT_MEM_SIZE:
		return parse_mem_size(tok, field);
	case OPT_U32: {
		u64 v;
		int err = cmdline_parse_u64(tok->value, tok->value_len, &v);

		if (!err && v > UINT32_MAX)
			err = -ERANGE;
		if (!err)
			*(u32 *)field = (u32)v;
		return err;
	}
	}
	return -EINVAL;
}

static const struct option *find_option(const struct cmdline_token *tok)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (cmdline_token_is(tok, options[i].name))
			return &options[i];
	return NULL;
}

/* GRUB may pass the image's own path as the first word; it is not an option. */
static bool is_image_path(const struct cmdline_token *tok, bool first)
{
	return first && !tok->value && tok->key[0] == '/';
}

int config_parse(struct config *cfg, const char *cmdline)
{
	const char *cursor = cmdline ? cmdline : "";
	struct cmdline_token tok;
	bool first = true;
	int errors = 0, r;

	while ((r = cmdline_next(&cursor, &tok)) != 0) {
		const struct option *opt;

		if (r == -E2BIG) {
			pr_err("config: a word longer than %d bytes: '%.32s...'", CMDLINE_TOKEN_MAX - 1,
			       tok.buf);
			errors++;
			continue;
		}
		if (r < 0) {
			pr_err("config: malformed word '%.32s' (an unclosed quote or an empty key)",
			       tok.buf);
			errors++;
			break;
		}
		if (is_image_path(&tok, first)) {
			first = false;
			continue;
		}
		first = false;
		opt = find_option(&tok);
		if (!opt) {
			pr_warn("config: unknown option '%.*s' ignored", (int)tok.key_len, tok.key);
			continue;
		}
		if (apply_option(cfg, opt, &tok)) {
			pr_err("config: %s: invalid value '%.*s' (expected %s)", opt->name,
			       (int)tok.value_len, tok.value ? tok.value : "", opt->help);
			errors++;
		}
	}
	return errors;
}

void config_print(const struct config *cfg)
{
	pr_info("config: log=%s selftest=%s fault_test=%s hv=%s guest=%s guest_mem=%lluM "
		"guest_console=%s guest_args='%s'", log_level_name(cfg->log_level),
		cfg->selftest ? "on" : "off", fault_test_names[cfg->fault_test], virt_names[cfg->hv],
		cfg->guest, (unsigned long long)(cfg->guest_mem >> 20),
		guest_console_names[cfg->guest_console], cfg->guest_args);
	if (cfg->rr != RR_CHOICE_OFF || cfg->trace[0])
		pr_info("config: rr=%s rr_digest=%u rr_sink=%s tbit=%s trace='%s'", rr_names[cfg->rr],
			cfg->rr_digest, rr_sink_names[cfg->rr_sink], tbit_names[cfg->tbit], cfg->trace);
}

const char *config_virt_name(enum virt_choice v)
{
	return virt_names[v];
}
