// sources: hv/config.c hv/config_role.c lib/cmdline.c lib/log.c lib/fmt.c proto/ft_psk.c
/*
 * hv/config.c (with the console and log code it reports through): defaults,
 * every option, and what is printed for unknown keys and malformed values.
 */
#include "helpers.h"

#include "errno.h"
#include "cmdline.h"
#include "hv/config.h"

static int setup(void **state)
{
	capture_start();
	log_set_level(LOG_INFO);
	return 0;
}

static int teardown(void **state)
{
	capture_stop();
	log_set_level(LOG_INFO);
	return 0;
}

/* Parses line into a freshly defaulted cfg; returns the error count. */
static int parse(struct config *cfg, const char *line)
{
	config_defaults(cfg);
	return config_parse(cfg, line);
}

static void assert_defaults(const struct config *cfg)
{
	assert_int_equal(cfg->log_level, LOG_INFO);
	assert_true(cfg->selftest);
	assert_int_equal(cfg->fault_test, FAULT_TEST_NONE);
	assert_int_equal(cfg->hv, VIRT_AUTO);
	assert_string_equal(cfg->guest, "guest");
	assert_string_equal(cfg->guest_args, "");
	assert_true(cfg->guest_mem == MiB(64));
	assert_int_equal(cfg->guest_console, GUEST_CONSOLE_AUTO);
}

static void test_defaults(void **state)
{
	struct config cfg;

	memset(&cfg, 0xAA, sizeof(cfg));
	config_defaults(&cfg);
	assert_defaults(&cfg);
}

static void test_empty_and_null(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, ""), 0);
	assert_defaults(&cfg);
	assert_int_equal(parse(&cfg, "   \t "), 0);
	assert_defaults(&cfg);
	assert_int_equal(parse(&cfg, NULL), 0);
	assert_defaults(&cfg);
	assert_int_equal(capture.len, 0);
}

static void test_log_level(void **state)
{
	static const struct {
		const char *line;
		enum log_level level;
	} cases[] = {
		{ "log=error", LOG_ERROR }, { "log=warn", LOG_WARN },   { "log=info", LOG_INFO },
		{ "log=debug", LOG_DEBUG }, { "log=trace", LOG_TRACE },
	};
	struct config cfg;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(&cfg, cases[i].line), 0);
		assert_int_equal(cfg.log_level, cases[i].level);
		assert_true(cfg.selftest);
		assert_int_equal(cfg.fault_test, FAULT_TEST_NONE);
	}
	assert_int_equal(capture.len, 0);
}

/* A bare boolean key means "on"; every spelling of on/off works. */
static void test_selftest(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "selftest=off"), 0);
	assert_false(cfg.selftest);
	assert_int_equal(parse(&cfg, "selftest=no"), 0);
	assert_false(cfg.selftest);
	assert_int_equal(parse(&cfg, "selftest=0 selftest"), 0);
	assert_true(cfg.selftest);
	assert_int_equal(parse(&cfg, "selftest=false selftest=yes"), 0);
	assert_true(cfg.selftest);
}

static void test_fault_test(void **state)
{
	static const struct {
		const char *line;
		enum fault_test value;
	} cases[] = {
		{ "fault_test=ud", FAULT_TEST_UD }, { "fault_test=pf", FAULT_TEST_PF },
		{ "fault_test=gp", FAULT_TEST_GP }, { "fault_test=de", FAULT_TEST_DE },
		{ "fault_test=pf fault_test=none", FAULT_TEST_NONE },
	};
	struct config cfg;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(&cfg, cases[i].line), 0);
		assert_int_equal(cfg.fault_test, cases[i].value);
	}
}

static void test_all_options_quoted(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "log=\"trace\" selftest=\"off\"\tfault_test=\"de\""), 0);
	assert_int_equal(cfg.log_level, LOG_TRACE);
	assert_false(cfg.selftest);
	assert_int_equal(cfg.fault_test, FAULT_TEST_DE);
}

/* Unknown keys are warned about by name and are not errors. */
static void test_unknown_key(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "frobnicate=7 log=debug quux"), 0);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_captured("warn: config: unknown option 'frobnicate' ignored");
	assert_captured("unknown option 'quux'");
	assert_not_captured("error");
}

/* Near-miss spellings are unknown keys, not prefixes of known ones. */
static void test_key_match_is_exact(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "logx=debug lo=debug LOG=debug"), 0);
	assert_defaults(&cfg);
	assert_captured("'logx'");
	assert_captured("'lo'");
	assert_captured("'LOG'");
}

static void test_malformed_log(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "log=loud"), 1);
	assert_defaults(&cfg);
	assert_captured("error: config: log: invalid value 'loud'");
}

static void test_malformed_selftest(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "selftest=off selftest=maybe"), 1);
	assert_false(cfg.selftest); /* the bad value leaves the last good one */
	assert_captured("config: selftest: invalid value 'maybe'");
}

static void test_malformed_fault_test(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "fault_test=xx"), 1);
	assert_int_equal(cfg.fault_test, FAULT_TEST_NONE);
	assert_captured("config: fault_test: invalid value 'xx'");
	assert_captured("ud|pf|gp|de"); /* the message says what is expected */
}

/* Each malformed value counts once; good values around them still apply. */
/* guest_nic= and guest_mac=: off by default (no MAC: the NIC's default),
 * a unicast MAC only. */
static void test_guest_nic(void **state)
{
	static const u8 mac[CONFIG_MAC_LEN] = { 0x02, 0x55, 0x53, 0x00, 0x00, 0x07 };
	static const u8 none[CONFIG_MAC_LEN] = { 0 };
	struct config cfg;

	assert_int_equal(parse(&cfg, ""), 0);
	assert_int_equal(cfg.guest_nic, GUEST_NIC_OFF);
	assert_memory_equal(cfg.guest_mac, none, CONFIG_MAC_LEN);
	assert_int_equal(parse(&cfg, "guest_nic=virtio guest_mac=02:55:53:00:00:07"), 0);
	assert_int_equal(cfg.guest_nic, GUEST_NIC_VIRTIO);
	assert_memory_equal(cfg.guest_mac, mac, CONFIG_MAC_LEN);
	assert_int_equal(parse(&cfg, "guest_nic=virtio guest_nic=off"), 0);
	assert_int_equal(cfg.guest_nic, GUEST_NIC_OFF);
	assert_int_equal(parse(&cfg, "guest_nic=e1000"), 1);
	assert_int_equal(parse(&cfg, "guest_mac=03:00:00:00:00:01"), 1); /* multicast */
	assert_int_equal(parse(&cfg, "guest_mac=00:00:00:00:00:00"), 1);
	assert_int_equal(parse(&cfg, "guest_mac=02:55:53:00:00"), 1);
}

static void test_several_errors(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "log=loud selftest=maybe fault_test=gp fault_test=xx "
				     "log= fault_test"),
			 5);
	assert_int_equal(cfg.fault_test, FAULT_TEST_GP);
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_captured("log: invalid value 'loud'");
	assert_captured("selftest: invalid value 'maybe'");
	assert_captured("fault_test: invalid value 'xx'");
	assert_captured("log: invalid value ''");
	assert_captured("fault_test: invalid value ''");
}

/* GRUB passes the image path first; it is not an option. Elsewhere a path
 * is an unknown key. */
static void test_image_path_skipped(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "/boot/understudy.elf log=debug"), 0);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(capture.len, 0);

	assert_int_equal(parse(&cfg, "  /boot/understudy.elf"), 0);
	assert_int_equal(capture.len, 0);

	assert_int_equal(parse(&cfg, "log=debug /boot/understudy.elf"), 0);
	assert_captured("unknown option '/boot/understudy.elf'");
}

/* An unterminated quote stops parsing: one error, earlier options kept. */
static void test_unterminated_quote(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "log=debug fault_test=\"pf selftest=off"), 1);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.fault_test, FAULT_TEST_NONE);
	assert_true(cfg.selftest);
	assert_captured("error: config: malformed");
	assert_captured("fault_test=pf selftest=off"); /* the word, unquoted */
}

static void test_empty_key(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "=debug log=trace"), 1);
	assert_defaults(&cfg); /* parsing stops there */
	assert_captured("error: config: malformed");
	assert_captured("=debug");
}

/* With the level at "error" the warning is not printed, errors still are. */
static void test_messages_follow_log_level(void **state)
{
	struct config cfg;

	log_set_level(LOG_ERROR);
	assert_int_equal(parse(&cfg, "frobnicate log=loud"), 1);
	assert_not_captured("frobnicate");
	assert_captured("log: invalid value 'loud'");
}

static void test_print(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "log=trace selftest=off fault_test=gp hv=svm guest=linux "
				     "guest_mem=128M guest_console=e9 guest_args=\"quiet x=1\""),
			 0);
	config_print(&cfg);
	assert_int_equal(capture.writes, 1);
	assert_int_equal(capture.text[capture.len - 1], '\n');
	assert_captured("config: log=trace selftest=off fault_test=gp ");
	assert_captured(" hv=svm ");
	assert_captured(" guest=linux ");
	assert_captured(" guest_mem=128M ");
	assert_captured(" guest_console=e9 ");
	assert_captured(" guest_args='quiet x=1'");
}

static void test_hv_choice(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "hv=vmx"), 0);
	assert_int_equal(cfg.hv, VIRT_VMX);
	assert_int_equal(parse(&cfg, "hv=svm"), 0);
	assert_int_equal(cfg.hv, VIRT_SVM);
	assert_int_equal(parse(&cfg, "hv=svm hv=auto"), 0);
	assert_int_equal(cfg.hv, VIRT_AUTO);
	assert_int_equal(parse(&cfg, "hv=kvm"), 1);
	assert_int_equal(cfg.hv, VIRT_AUTO);
	assert_captured("hv: invalid value 'kvm'");
	assert_string_equal(config_virt_name(VIRT_VMX), "vmx");
	assert_string_equal(config_virt_name(VIRT_SVM), "svm");
}

/* snapshot=after:SECONDS|exits:N|off, snapshot_then=, resume=; a snapshot
 * is taken while recording (not to COM3 with the log), not while
 * replaying; resuming one combines with both. */
static void test_snapshot_options(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, ""), 0);
	assert_int_equal(cfg.snapshot, SNAPSHOT_OFF);
	assert_int_equal(cfg.snapshot_then, SNAPSHOT_THEN_EXIT);
	assert_false(cfg.resume);
	assert_int_equal(parse(&cfg, "snapshot=after:3 snapshot_then=continue"), 0);
	assert_int_equal(cfg.snapshot, SNAPSHOT_AFTER_NS);
	assert_int_equal(cfg.snapshot_at, 3000000000ULL);
	assert_int_equal(cfg.snapshot_then, SNAPSHOT_THEN_CONTINUE);
	assert_string_equal(config_snapshot_then_name(cfg.snapshot_then), "continue");
	assert_int_equal(parse(&cfg, "snapshot=exits:250"), 0);
	assert_int_equal(cfg.snapshot, SNAPSHOT_EXITS);
	assert_int_equal(cfg.snapshot_at, 250);
	assert_int_equal(parse(&cfg, "snapshot=exits:250 snapshot=off resume=on"), 0);
	assert_int_equal(cfg.snapshot, SNAPSHOT_OFF);
	assert_true(cfg.resume);
	assert_int_equal(parse(&cfg, "snapshot=exits:0"), 1);
	assert_int_equal(parse(&cfg, "snapshot=after:"), 1);
	assert_int_equal(parse(&cfg, "snapshot=after:x"), 1);
	assert_int_equal(parse(&cfg, "snapshot=later"), 1);
	assert_captured("snapshot: invalid value 'later'");
	assert_int_equal(cfg.snapshot, SNAPSHOT_OFF);
	assert_int_equal(parse(&cfg, "snapshot_then=pause"), 1);
	assert_int_equal(parse(&cfg, "snapshot=exits:5 rr=record"), 1);
	assert_captured("the snapshot and the record log would both go to COM3");
	assert_int_equal(parse(&cfg, "snapshot=exits:5 snapshot_then=continue rr=record rr_sink=com4"), 0);
	assert_int_equal(parse(&cfg, "snapshot=exits:5 rr=replay"), 1);
	assert_captured("snapshot= does not combine with rr=replay");
	/* a run resumed from a snapshot records, and replays from it */
	assert_int_equal(parse(&cfg, "resume=on rr=record"), 0);
	assert_int_equal(parse(&cfg, "resume=on rr=replay"), 0);
}

/* migrate_after=SECONDS|after:SECONDS|exits:N: a moment in guest time, or
 * the guest-caused exit at which the migration stuns the guest. */
static void test_migrate_after(void **state)
{
	struct config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, "migrate_after=3"), 0);
	assert_false(cfg.migrate_at_exits);
	assert_int_equal(cfg.migrate_at, 3000000000ULL);
	assert_int_equal(parse(&cfg, "migrate_after=after:2"), 0);
	assert_int_equal(cfg.migrate_at, 2000000000ULL);
	assert_int_equal(parse(&cfg, "migrate_after=0"), 0);
	assert_int_equal(cfg.migrate_at, 0);
	assert_int_equal(parse(&cfg, "migrate_after=exits:600"), 0);
	assert_true(cfg.migrate_at_exits);
	assert_int_equal(cfg.migrate_at, 600);
	assert_int_equal(parse(&cfg, "migrate_after=exits:0"), 1);
	assert_int_equal(parse(&cfg, "migrate_after=exits:"), 1);
	assert_int_equal(parse(&cfg, "migrate_after=soon"), 1);
	assert_captured("migrate_after: invalid value 'soon'");
	assert_int_equal(parse(&cfg, "migrate_after=4294967296"), 1);
}

static void test_guest_console(void **state)
{
	static const struct {
		const char *line;
		enum guest_console value;
	} cases[] = {
		{ "guest_console=com1", GUEST_CONSOLE_COM1 },
		{ "guest_console=com2", GUEST_CONSOLE_COM2 },
		{ "guest_console=e9", GUEST_CONSOLE_E9 },
		{ "guest_console=e9 guest_console=auto", GUEST_CONSOLE_AUTO },
	};
	struct config cfg;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(&cfg, cases[i].line), 0);
		assert_int_equal(cfg.guest_console, cases[i].value);
	}
	assert_int_equal(parse(&cfg, "guest_console=com3"), 1);
	assert_int_equal(cfg.guest_console, GUEST_CONSOLE_AUTO);
	assert_captured("guest_console: invalid value 'com3'");
}

static void test_guest_entry(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, ""), 0);
	assert_int_equal(cfg.guest_entry, GUEST_ENTRY_AUTO);
	assert_int_equal(parse(&cfg, "guest_entry=32"), 0);
	assert_int_equal(cfg.guest_entry, GUEST_ENTRY_32);
	assert_int_equal(parse(&cfg, "guest_entry=64"), 1);
	assert_int_equal(cfg.guest_entry, GUEST_ENTRY_AUTO);
	assert_captured("guest_entry: invalid value '64'");
}

/* String options take the value as written, quotes and escapes removed;
 * GRUB's re-quoted form is the same. A bare key has no value: an error. */
static void test_guest_strings(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "guest=linux guest_args=\"console=ttyS0 quiet\""), 0);
	assert_string_equal(cfg.guest, "linux");
	assert_string_equal(cfg.guest_args, "console=ttyS0 quiet");
	assert_int_equal(parse(&cfg, "\"guest_args=a \\\"b\\\" c\""), 0);
	assert_string_equal(cfg.guest_args, "a \"b\" c");
	assert_int_equal(parse(&cfg, "guest_args=x guest_args="), 0);
	assert_string_equal(cfg.guest_args, "");
	assert_int_equal(parse(&cfg, "guest"), 1);
	assert_string_equal(cfg.guest, "guest");
	assert_captured("guest: invalid value ''");
}

/* guest_args must fit CONFIG_ARGS_MAX (4 KiB) with its NUL; a longer one
 * is refused and leaves the field as it was. */
static void test_guest_string_limit(void **state)
{
	static char line[CONFIG_ARGS_MAX + 32];
	static struct config cfg;
	size_t key = strlen("guest_args=");

	assert_true(CONFIG_ARGS_MAX >= 4096);
	memcpy(line, "guest_args=", key);
	memset(line + key, 'a', CONFIG_ARGS_MAX - 1);
	line[key + CONFIG_ARGS_MAX - 1] = '\0';
	assert_int_equal(parse(&cfg, line), 0);
	assert_int_equal(strlen(cfg.guest_args), CONFIG_ARGS_MAX - 1);

	line[key + CONFIG_ARGS_MAX - 1] = 'a';
	line[key + CONFIG_ARGS_MAX] = '\0';
	assert_int_equal(parse(&cfg, line), 1);
	assert_string_equal(cfg.guest_args, "");
	assert_captured("guest_args: invalid value 'aaaa");
}

/* Other strings keep CONFIG_STR_MAX. */
static void test_other_string_limit(void **state)
{
	static char line[CONFIG_STR_MAX + 32];
	static struct config cfg;
	size_t key = strlen("guest=");

	memcpy(line, "guest=", key);
	memset(line + key, 'g', CONFIG_STR_MAX);
	line[key + CONFIG_STR_MAX] = '\0';
	assert_int_equal(parse(&cfg, line), 1);
	assert_captured("guest: invalid value 'gggg");
}

static void test_guest_mem(void **state)
{
	static const struct {
		const char *line;
		u64 bytes;
	} cases[] = {
		{ "guest_mem=128M", MiB(128) },  { "guest_mem=2M", MiB(2) },
		{ "guest_mem=3G", GiB(3) },      { "guest_mem=2048K", MiB(2) },
		{ "guest_mem=0x8000000", MiB(128) }, { "guest_mem=1G", GiB(1) },
		{ "guest_mem=3145728K", GiB(3) },
	};
	struct config cfg;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (parse(&cfg, cases[i].line))
			fail_msg("\"%s\" was refused", cases[i].line);
		assert_true(cfg.guest_mem == cases[i].bytes);
	}
	assert_int_equal(capture.len, 0);
}

/* Out of range, not a multiple of 2 MiB, or not a size: refused, the
 * default kept, the key named. */
static void test_guest_mem_invalid(void **state)
{
	static const char *const bad[] = {
		"guest_mem=1M",  "guest_mem=0",     "guest_mem=3074M", "guest_mem=4G",
		"guest_mem=3M",  "guest_mem=2049K", "guest_mem=lots",  "guest_mem=",
		"guest_mem=16777216T", "guest_mem=-64M",
	};
	struct config cfg;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		capture_start();
		if (parse(&cfg, bad[i]) != 1)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_true(cfg.guest_mem == MiB(64));
		assert_captured("guest_mem: invalid value");
	}
}

/* A word longer than a token can hold is one error; parsing goes on. */
static void test_word_too_long(void **state)
{
	static char line[CMDLINE_TOKEN_MAX + 64];
	struct config cfg;
	size_t key = strlen("guest_args=");

	memcpy(line, "guest_args=", key);
	memset(line + key, 'z', CMDLINE_TOKEN_MAX);
	strcpy(line + key + CMDLINE_TOKEN_MAX, " log=debug");
	assert_int_equal(parse(&cfg, line), 1);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_string_equal(cfg.guest_args, "");
	assert_captured("error: config: a word longer than");
}

/* --- the log and console code the messages go through --------------------- */

static void test_log_prefixes_and_newline(void **state)
{
	log_set_level(LOG_TRACE);
	pr_err("e%d", 1);
	pr_warn("w\n");
	pr_info("i");
	pr_debug("d");
	pr_trace("t");
	assert_string_equal(capture.text, "error: e1\nwarn: w\ni\ndebug: d\ntrace: t\n");
	assert_int_equal(capture.writes, 5);
}

static void test_log_level_filter(void **state)
{
	log_set_level(LOG_WARN);
	assert_true(log_enabled(LOG_ERROR));
	assert_true(log_enabled(LOG_WARN));
	assert_false(log_enabled(LOG_INFO));
	pr_info("hidden");
	pr_debug("hidden");
	pr_warn("shown");
	assert_string_equal(capture.text, "warn: shown\n");
	assert_int_equal(capture.writes, 1);
	assert_int_equal(log_get_level(), LOG_WARN);
}

/* An over-long message is cut, still ends in one newline, and is written
 * with one console write. */
static void test_log_long_line(void **state)
{
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pr_err("%s", big);
	assert_int_equal(capture.writes, 1);
	assert_true(capture.len < 512);
	assert_true(capture.len > 400);
	assert_int_equal(capture.text[capture.len - 1], '\n');
	assert_int_equal(capture.text[capture.len - 2], 'x');
	assert_memory_equal(capture.text, "error: xxx", 10);
}

static void test_log_level_names(void **state)
{
	enum log_level l = LOG_INFO;

	assert_int_equal(log_level_from_name("trace", 5, &l), 0);
	assert_int_equal(l, LOG_TRACE);
	assert_int_equal(log_level_from_name("tracer", 5, &l), 0); /* bounded by len */
	assert_int_equal(log_level_from_name("trac", 4, &l), -EINVAL);
	assert_int_equal(log_level_from_name("", 0, &l), -EINVAL);
	assert_int_equal(l, LOG_TRACE);
	assert_string_equal(log_level_name(LOG_WARN), "warn");
	assert_string_equal(log_level_name((enum log_level)42), "?");
}

static void test_console_printf(void **state)
{
	assert_int_equal(console_printf("%s=%u", "cpus", 4u), 6);
	assert_string_equal(capture.text, "cpus=4");
	capture_stop();
	assert_int_equal(console_printf("dropped"), 7); /* no writer: no crash */
	assert_string_equal(capture.text, "cpus=4");
}

/* --- the network options ------------------------------------------------------ */

static void test_net_defaults(void **state)
{
	struct config cfg;

	config_defaults(&cfg);
	assert_int_equal(cfg.net, NET_OFF);
	assert_int_equal(cfg.netmask, 0xFFFFFF00);
	assert_int_equal(cfg.http_port, CONFIG_HTTP_PORT_DEFAULT);
	assert_int_equal(cfg.rr_collector_port, CONFIG_COLLECTOR_PORT_DEFAULT);
	assert_int_equal(cfg.rr_sink, RR_SINK_COM3);
	assert_int_equal(cfg.linger, 0);
}

static void test_net_static(void **state)
{
	struct config cfg;
	static const u8 mac[CONFIG_MAC_LEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

	assert_int_equal(parse(&cfg, "ip=192.168.7.20 netmask=255.255.0.0 gw=192.168.0.1 "
				     "mac=52:54:00:AB:cd:ef http=80 linger=30"), 0);
	assert_int_equal(cfg.net, NET_STATIC);
	assert_int_equal(cfg.ip, 0xC0A80714);
	assert_int_equal(cfg.netmask, 0xFFFF0000);
	assert_int_equal(cfg.gw, 0xC0A80001);
	assert_memory_equal(cfg.mac, mac, sizeof(mac));
	assert_int_equal(cfg.http_port, 80);
	assert_int_equal(cfg.linger, 30);
	assert_int_equal(parse(&cfg, "ip=10.0.0.1 ip=dhcp http=off"), 0);
	assert_int_equal(cfg.net, NET_DHCP);
	assert_int_equal(cfg.ip, 0);
	assert_int_equal(cfg.http_port, 0);
	assert_int_equal(parse(&cfg, "ip=10.0.0.1 ip=off"), 0);
	assert_int_equal(cfg.net, NET_OFF);
}

/* Addresses a host cannot own, masks with holes, group MACs, ports out of
 * range: each refused with the key named, the default kept. */
static void test_net_refused(void **state)
{
	static const char *const bad[] = {
		"ip=0.0.0.0", "ip=255.255.255.255", "ip=224.0.0.1", "ip=127.0.0.1", "ip=10.0.0",
		"ip=10.0.0.256", "ip=10.0.0.1.2", "ip=dhcpx", "netmask=255.0.255.0", "netmask=0.0.0.0",
		"gw=1.2.3", "mac=01:00:5e:00:00:01", "mac=00:00:00:00:00:00", "mac=52:54:00:12:34",
		"mac=52-54-00-12-34-56", "http=0", "http=65536", "http=8o", "linger=-1",
		"rr_collector=10.0.2.2:0", "rr_collector=10.0.2.2:70000", "rr_collector=0.0.0.0",
		"rr_collector=10.0.2.2:", "rr_collector=:9710", "rr_sink=udp",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct config cfg;
		char key[32];
		size_t klen = (size_t)(strchr(bad[i], '=') - bad[i]);

		capture_start();
		assert_int_equal(parse(&cfg, bad[i]), 1);
		snprintf(key, sizeof(key), "config: %.*s: invalid value", (int)klen, bad[i]);
		assert_captured(key);
		assert_int_equal(cfg.net, NET_OFF);
		assert_int_equal(cfg.http_port, CONFIG_HTTP_PORT_DEFAULT);
		assert_int_equal(cfg.rr_collector_ip, 0);
	}
}

static void test_collector(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "rr=record ip=dhcp rr_sink=tcp rr_collector=10.0.2.2"), 0);
	assert_int_equal(cfg.rr_sink, RR_SINK_TCP);
	assert_int_equal(cfg.rr_collector_ip, 0x0A000202);
	assert_int_equal(cfg.rr_collector_port, CONFIG_COLLECTOR_PORT_DEFAULT);
	assert_int_equal(parse(&cfg, "rr=record ip=dhcp rr_sink=tcp rr_collector=10.0.2.2:19710"), 0);
	assert_int_equal(cfg.rr_collector_port, 19710);
}

/* rr_live=PORT and how long it waits for the recording: 300 s unless
 * rr_live_wait= says otherwise; never 0. */
static void test_live(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "rr=replay ip=10.0.0.2 rr_live=9710"), 0);
	assert_int_equal(cfg.rr_live_port, 9710);
	assert_int_equal(cfg.rr_live_wait, CONFIG_LIVE_WAIT_DEFAULT);
	assert_int_equal(CONFIG_LIVE_WAIT_DEFAULT, 300);
	assert_int_equal(parse(&cfg, "rr=replay ip=10.0.0.2 rr_live=9710 rr_live_wait=25"), 0);
	assert_int_equal(cfg.rr_live_wait, 25);
	assert_int_equal(parse(&cfg, "rr=replay ip=10.0.0.2 rr_live=9710 rr_live_wait=0"), 1);
	assert_captured("rr_live_wait= takes 1 or more seconds");
	assert_int_equal(parse(&cfg, "rr_live_wait=soon"), 1);
	assert_captured("rr_live_wait");
	assert_int_equal(parse(&cfg, "rr=replay ip=10.0.0.2 rr_live=9710 rr_live_copy=on"), 0);
	assert_true(cfg.rr_live_copy);
	assert_int_equal(parse(&cfg, "rr=replay rr_live_copy=on"), 1);
	assert_captured("rr_live_copy= copies a live log: it needs rr_live=");
}

/* rr_sink=tcp without what it needs is refused, each lack named. */
static void test_collector_needs(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "rr_sink=tcp"), 3);
	assert_captured("rr_sink=tcp streams a record log: it needs rr=record");
	assert_captured("rr_sink=tcp needs the network");
	assert_captured("rr_sink=tcp needs rr_collector=");
	assert_int_equal(parse(&cfg, "rr=replay ip=10.0.0.2 rr_sink=tcp rr_collector=10.0.0.1"), 1);
	assert_int_equal(parse(&cfg, "rr=record rr_sink=tcp rr_collector=10.0.0.1"), 1);
}

/* snapshot_sink=tcp: the snapshot to the collector, which it needs as the
 * log's TCP sink does, and a snapshot to send. */
static void test_snapshot_sink(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "snapshot=exits:5"), 0);
	assert_int_equal(cfg.snapshot_sink, SNAPSHOT_SINK_COM3);
	assert_int_equal(parse(&cfg, "snapshot=exits:5 ip=10.0.2.15 snapshot_sink=tcp "
				     "rr_collector=10.0.2.2:9711"), 0);
	assert_int_equal(cfg.snapshot_sink, SNAPSHOT_SINK_TCP);
	assert_int_equal(cfg.rr_collector_port, 9711);
	assert_int_equal(parse(&cfg, "snapshot_sink=tcp"), 3);
	assert_captured("snapshot_sink=tcp sends a snapshot: it needs snapshot=");
	assert_captured("snapshot_sink=tcp needs the network");
	assert_captured("snapshot_sink=tcp needs rr_collector=");
	assert_int_equal(parse(&cfg, "snapshot=exits:5 snapshot_sink=udp"), 1);
}

/* --- ft_key: the FT link's pre-shared key ------------------------------------ */

#define KEY16 "000102030405060708090a0b0c0d0e0f"

static void test_ft_key(void **state)
{
	static const u8 key16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct config cfg;

	config_defaults(&cfg);
	assert_int_equal(cfg.ft_key.len, 0);
	assert_int_equal(parse(&cfg, "ft_key=" KEY16), 0);
	assert_int_equal(cfg.ft_key.len, 16);
	assert_memory_equal(cfg.ft_key.key, key16, 16);
	assert_int_equal(parse(&cfg, "ft_key=" KEY16 KEY16 KEY16 KEY16), 0);
	assert_int_equal(cfg.ft_key.len, 64);
	assert_int_equal(cfg.ft_key.key[63], 15);
	assert_int_equal(parse(&cfg, "ft_key=FFEEDDCCBBAA99887766554433221100"), 0);
	assert_int_equal(cfg.ft_key.key[0], 0xFF);
	assert_int_equal(cfg.ft_key.key[15], 0x00);
}

/* Malformed keys are refused with the key named and its value not shown;
 * the default (no key) stays. */
static void test_ft_key_refused(void **state)
{
	static const char *const bad[] = {
		"ft_key=" "000102030405060708090a0b0c0d0e",        /* 15 bytes */
		"ft_key=" KEY16 KEY16 KEY16 KEY16 "00",           /* 65 bytes */
		"ft_key=" KEY16 "0",                              /* odd */
		"ft_key=" "000102030405060708090a0b0c0d0eXY",     /* not hex */
		"ft_key=" "0x0102030405060708090a0b0c0d0e0f",     /* no prefix */
		"ft_key=",
		"ft_key",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct config cfg;

		capture_start();
		assert_int_equal(parse(&cfg, bad[i]), 1);
		assert_captured("config: ft_key: invalid value");
		assert_captured("not shown");
		assert_not_captured("0102030405");
		assert_int_equal(cfg.ft_key.len, 0);
	}
}

/* The key is never printed: set or off. */
static void test_ft_key_print(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.0.2.15 ft_key=" KEY16), 0);
	config_print(&cfg);
	assert_captured(" ft_key=set");
	assert_not_captured("0102030405");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.0.2.15"), 0);
	config_print(&cfg);
	assert_captured(" ft_key=off");
}

/* nettest=tls_server|tls_client run with the key, and need it. */
static void test_nettest_tls(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.0.2.15 nettest=tls_server ft_key=" KEY16), 0);
	assert_int_equal(cfg.nettest, NETTEST_TLS_SERVER);
	assert_string_equal(config_nettest_name(cfg.nettest), "tls_server");
	assert_int_equal(parse(&cfg, "ip=10.0.2.15 nettest=tls_client nettest_peer=10.0.2.16 "
				     "ft_key=" KEY16), 0);
	assert_int_equal(cfg.nettest, NETTEST_TLS_CLIENT);
	assert_int_equal(parse(&cfg, "ip=10.0.2.15 nettest=tls_client"), 1);
	assert_captured("nettest=tls_client needs the pre-shared key ft_key=");
}

/* witness=: the pair's witness, with the pair's key, for a role only. */
static void test_witness(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2"), 0);
	assert_int_equal(cfg.witness_ip, 0);
	assert_int_equal(cfg.witness_port, 9730);
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2 witness=10.9.0.3 "
				     "ft_key=" KEY16), 0);
	assert_int_equal(cfg.witness_ip, 0x0A090003);
	assert_int_equal(cfg.witness_port, 9730);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup witness=10.9.0.3:19730 "
				     "ft_key=" KEY16), 0);
	assert_int_equal(cfg.witness_port, 19730);
	config_print(&cfg);
	assert_captured("role=backup peer=none:9730 ft_timeout_ms=3000 witness=10.9.0.3:19730");
}

/* join=: a backup that receives its guest by migration (on the join
 * port) and replays from there; a primary that runs its guest at once. */
static void test_join(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup peer=10.9.0.1"), 0);
	assert_false(cfg.ft_join);
	assert_int_equal(cfg.incoming_port, 0);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup join=on peer=10.9.0.1"), 0);
	assert_true(cfg.ft_join);
	assert_int_equal(cfg.rr, RR_CHOICE_REPLAY);
	assert_int_equal(cfg.rr_live_port, 9730);
	assert_int_equal(cfg.incoming_port, CONFIG_FT_JOIN_PORT);
	capture_start();
	config_print(&cfg);
	assert_captured("role=backup peer=10.9.0.1:9730 ft_timeout_ms=3000 witness=none "
			"ft_resync=outputs join=on");
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary join=on peer=10.9.0.2"), 0);
	assert_true(cfg.ft_join);
	assert_int_equal(cfg.rr, RR_CHOICE_RECORD);
	assert_int_equal(cfg.incoming_port, 0);
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 join=on"), 1);
	assert_captured("config: join= is for role=primary|backup");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup join=on"), 1);
	assert_captured("config: join=on needs peer=a.b.c.d");
	/* under a witness: the side running the guest alone holds the lease */
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary join=on peer=10.9.0.2 "
				     "witness=10.9.0.3 ft_key=" KEY16), 0);
	assert_true(cfg.ft_join);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup join=on peer=10.9.0.1 "
				     "witness=10.9.0.3 ft_key=" KEY16), 0);
	assert_int_equal(cfg.incoming_port, CONFIG_FT_JOIN_PORT);
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup join=on peer=10.9.0.1 incoming=9720"),
			 1);
	assert_captured("not with incoming= or migrate=");
	/* resume=on: the backup replays, from the same snapshot, the log of a
	 * primary resumed from it; not a join's nor a checkpoint mode's */
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup peer=10.9.0.1 resume=on"), 0);
	assert_true(cfg.resume);
	assert_int_equal(cfg.rr, RR_CHOICE_REPLAY);
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup join=on peer=10.9.0.1 resume=on"), 2);
	assert_captured("role=backup resume=on replays the log of a primary resumed from the same "
			"snapshot: ft=replay only, not with join=on");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=checkpoint peer=10.9.0.1 "
				     "resume=on"), 1);
	assert_captured("ft=replay only");
}

/* console_out=: the console's listener, over the network. */
static void test_console_out(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.1"), 0);
	assert_int_equal(cfg.console_out_ip, 0);
	assert_int_equal(cfg.console_out_port, 9740);
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 console_out=10.9.0.251"), 0);
	assert_int_equal(cfg.console_out_ip, 0x0A0900FB);
	assert_int_equal(cfg.console_out_port, 9740);
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 console_out=10.9.0.251:19740"), 0);
	assert_int_equal(cfg.console_out_port, 19740);
	capture_start();
	config_print(&cfg);
	assert_captured("config: console_out=10.9.0.251:19740");
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 console_out=10.9.0.251 console_out=off"), 0);
	assert_int_equal(cfg.console_out_ip, 0);
	capture_start();
	assert_int_equal(parse(&cfg, "console_out=10.9.0.251"), 1);
	assert_captured("config: console_out= sends the guest's console over the network: it needs "
			"ip=a.b.c.d or ip=dhcp");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 console_out=10.9.0.251:0"), 1);
	assert_captured("console_out");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 console_out=255.255.255.255"), 1);
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 console_out=listener"), 1);
	assert_captured("console_out");
}

static void test_witness_refused(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.1 witness=10.9.0.3 ft_key=" KEY16), 1);
	assert_captured("config: witness= is for role=primary|backup");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2 witness=10.9.0.3"), 1);
	assert_captured("config: witness= needs the pair's pre-shared key ft_key=HEX");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=backup witness=10.9.0.3:0 ft_key=" KEY16),
			 1);
	assert_captured("config: witness: invalid value '10.9.0.3:0'");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=dhcp role=backup witness=10.9.0.3 ft_key=" KEY16), 1);
	assert_captured("config: witness= needs a static address ip=a.b.c.d");
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=backup witness=255.255.255.255 ft_key=" KEY16),
			 1);
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=backup witness=host ft_key=" KEY16), 1);
	assert_int_equal(cfg.witness_ip, 0);
}

/* ft_heartbeat_ms=: 200 by default, 0 for none, else 10 to a third of
 * ft_timeout_ms. */
static void test_ft_heartbeat(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2"), 0);
	assert_int_equal(cfg.ft_heartbeat_ms, 200);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft_heartbeat_ms=0"), 0);
	assert_int_equal(cfg.ft_heartbeat_ms, 0);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft_timeout_ms=1000 "
				     "ft_heartbeat_ms=333"), 0);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft_heartbeat_ms=10"), 0);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft_timeout_ms=1000 "
				     "ft_heartbeat_ms=334"), 1);
	assert_captured("config: ft_heartbeat_ms=334 is outside 10..333 (a third of "
			"ft_timeout_ms=1000), or 0 for none");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2 ft_heartbeat_ms=9"),
			 1);
	assert_captured("config: ft_heartbeat_ms=9 is outside 10..1000");
}

/* ft= and ft_epoch_ms=: checkpoint mode is a pair's, neither records nor
 * replays, and its epochs have a sane length. */
static void test_ft_mode(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2"), 0);
	assert_int_equal(cfg.ft_mode, FT_MODE_REPLAY);
	assert_int_equal(cfg.ft_epoch_ms, 50);
	assert_int_equal(cfg.rr, RR_CHOICE_RECORD);
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2 ft=checkpoint "
				     "ft_epoch_ms=5"), 0);
	assert_int_equal(cfg.ft_mode, FT_MODE_CHECKPOINT);
	assert_int_equal(cfg.ft_epoch_ms, 5);
	assert_int_equal(cfg.rr, RR_CHOICE_OFF);
	assert_int_equal(cfg.rr_sink, RR_SINK_COM3);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=checkpoint"), 0);
	assert_int_equal(cfg.rr, RR_CHOICE_OFF);
	assert_int_equal(cfg.rr_live_port, 9730);
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=checkpoint ft_epoch_ms=10001"), 1);
	assert_captured("config: ft_epoch_ms=10001 is outside 5..10000");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=checkpoint ft_epoch_ms=4"), 1);
	assert_captured("config: ft_epoch_ms=4 is outside 5..10000");
	capture_start();
	assert_int_equal(parse(&cfg, "ft=checkpoint"), 1);
	assert_captured("config: ft=checkpoint is for role=primary|backup");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2 ft=checkpoint "
				     "rr=record"), 1);
	assert_captured("config: ft=checkpoint neither records nor replays: not with rr=");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=checkpoint ft_resync=off"), 1);
	assert_captured("config: ft_resync= and ft_inject_mismatch= are for ft=replay");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup peer=10.9.0.1 ft=checkpoint join=on"),
			 1);
	assert_captured("config: join=on is for ft=replay");
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=bogus"), 1);
}

/* ft=auto: a pair's, starting as ft=replay does (the roles' options), with
 * a measurement window of a sane length; not with join=on. */
static void test_ft_auto(void **state)
{
	struct config cfg;

	assert_int_equal(parse(&cfg, "ip=10.9.0.1 role=primary peer=10.9.0.2 ft=auto"), 0);
	assert_int_equal(cfg.ft_mode, FT_MODE_AUTO);
	assert_int_equal(cfg.ft_auto_ms, 3000);
	assert_int_equal(cfg.rr, RR_CHOICE_RECORD);
	assert_int_equal(cfg.rr_sink, RR_SINK_TCP);
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=auto ft_auto_ms=100"), 0);
	assert_int_equal(cfg.rr, RR_CHOICE_REPLAY);
	assert_int_equal(cfg.ft_auto_ms, 100);
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup ft=auto ft_auto_ms=99"), 1);
	assert_captured("config: ft_auto_ms=99 is outside 100..600000");
	capture_start();
	assert_int_equal(parse(&cfg, "ft=auto"), 1);
	assert_captured("config: ft=auto is for role=primary|backup");
	capture_start();
	assert_int_equal(parse(&cfg, "ip=10.9.0.2 role=backup peer=10.9.0.1 ft=auto join=on"), 1);
	assert_captured("config: join=on is for ft=replay (ft=auto switches");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_snapshot_options),
		T(test_migrate_after),
		T(test_snapshot_sink),
		T(test_ft_key),
		T(test_ft_key_refused),
		T(test_ft_key_print),
		T(test_nettest_tls),
		T(test_witness),
		T(test_witness_refused),
		T(test_join),
		T(test_ft_heartbeat),
		T(test_ft_mode),
		T(test_ft_auto),
		T(test_console_out),
		T(test_empty_and_null),
		T(test_log_level),
		T(test_selftest),
		T(test_fault_test),
		T(test_all_options_quoted),
		T(test_unknown_key),
		T(test_key_match_is_exact),
		T(test_malformed_log),
		T(test_malformed_selftest),
		T(test_malformed_fault_test),
		T(test_several_errors),
		T(test_guest_nic),
		T(test_image_path_skipped),
		T(test_unterminated_quote),
		T(test_empty_key),
		T(test_messages_follow_log_level),
		T(test_print),
		T(test_hv_choice),
		T(test_guest_console),
		T(test_guest_entry),
		T(test_guest_strings),
		T(test_guest_string_limit),
		T(test_other_string_limit),
		T(test_guest_mem),
		T(test_guest_mem_invalid),
		T(test_word_too_long),
		T(test_log_prefixes_and_newline),
		T(test_log_level_filter),
		T(test_log_long_line),
		T(test_log_level_names),
		T(test_console_printf),
		T(test_net_defaults),
		T(test_net_static),
		T(test_net_refused),
		T(test_collector),
		T(test_collector_needs),
		T(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
