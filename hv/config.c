/* Command-line options: one table row per option, parsed by type. */
#include "hv/config.h"

#include <string.h>

#include "cmdline.h"
#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "proto/console_stream.h"
#include "proto/witness.h"

#define NS_PER_SEC 1000000000ULL

enum option_type {
	OPT_LOG_LEVEL,
	OPT_BOOL,
	OPT_ENUM,
	OPT_STRING,
	OPT_ARGS,     /* a string of up to CONFIG_ARGS_MAX bytes */
	OPT_MEM_SIZE, /* a size within the guest memory limits, 2 MiB aligned */
	OPT_U32,
	OPT_SIZE,     /* a non-zero u64 with an optional K, M, G or T suffix */
	OPT_NET,      /* ip=: off, dhcp or a unicast address (sets net and ip) */
	OPT_IPV4,
	OPT_NETMASK,  /* contiguous ones, at least one */
	OPT_MAC,      /* a unicast, non-zero Ethernet address */
	OPT_COLLECTOR, /* rr_collector=a.b.c.d[:port] (sets the address and the port) */
	OPT_MIGRATE,   /* migrate=off|a.b.c.d[:port] (the same) */
	OPT_PORT,     /* off (0) or 1..65535 */
	OPT_SNAPSHOT, /* snapshot=off, after:SECONDS or exits:N (sets the kind and the moment) */
	OPT_MIGRATE_AFTER, /* SECONDS, after:SECONDS or exits:N (the same) */
	OPT_KEY,      /* a pre-shared key in hex (proto/ft_psk.h); never printed */
	OPT_PEER,     /* peer=a.b.c.d[:port] (sets the address and the port) */
	OPT_WITNESS,  /* witness=a.b.c.d[:port] (the same) */
	OPT_CONSOLE_OUT, /* console_out=off|a.b.c.d[:port] (the same) */
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
static const char *const guest_entry_names[] = { "auto", "32", NULL };
static const char *const guest_nic_names[] = { "off", "virtio", NULL };
static const char *const guest_cpu_names[] = { "host", "x86-64-v2", "x86-64-v3", NULL };
static const char *const rr_names[] = { "off", "record", "replay", NULL };
static const char *const rr_sink_names[] = { "com3", "com4", "tcp", NULL };
static const char *const tbit_names[] = { "auto", "on", "off", NULL };
static const char *const nettest_names[] = { "off", "arp", "server", "client", "tls_server",
					      "tls_client", NULL };
static const char *const dirty_track_names[] = { "auto", "wp", "ad", "pml", NULL };
static const char *const incoming_fault_names[] = { "none", "wrong_copy", "false_report", NULL };
static const char *const snapshot_then_names[] = { "exit", "continue", NULL };
static const char *const snapshot_sink_names[] = { "com3", "tcp", NULL };
static const char *const role_names[] = { "none", "primary", "backup", NULL };
static const char *const ft_resync_names[] = { "outputs", "digests", "off", NULL };
static const char *const ft_mode_names[] = { "replay", "checkpoint", "auto", NULL };

#define OPT(n, t, field, ch, h) { n, t, offsetof(struct config, field), ch, h }
static const struct option options[] = {
	OPT("log", OPT_LOG_LEVEL, log_level, NULL, "error|warn|info|debug|trace"),
	OPT("selftest", OPT_BOOL, selftest, NULL, "run the boot self-tests (on|off)"),
	OPT("fault_test", OPT_ENUM, fault_test, fault_test_names,
	    "raise an exception on purpose after bring-up (ud|pf|gp|de), or give the guest an invalid state (entry)"),
	OPT("hv", OPT_ENUM, hv, virt_names, "auto|vmx|svm"),
	OPT("guest", OPT_STRING, guest, NULL, "the first word of the guest module's string"),
	OPT("guest_args", OPT_ARGS, guest_args, NULL, "the guest's command line"),
	OPT("guest_mem", OPT_MEM_SIZE, guest_mem, NULL,
	    "guest RAM: 2M to 3G in 2 MiB steps, with a K, M or G suffix"),
	OPT("guest_console", OPT_ENUM, guest_console, guest_console_names, "auto|com1|com2|e9"),
	OPT("guest_input", OPT_BOOL, guest_input, NULL,
	    "what is typed at the guest console's host port reaches the guest's COM1 (on|off)"),
	OPT("strict_mmio", OPT_BOOL, strict_mmio, NULL,
	    "stop the guest at an access to guest-physical memory that is neither RAM nor a device (on|off)"),
	OPT("guest_entry", OPT_ENUM, guest_entry, guest_entry_names,
	    "a Linux bzImage's entry: auto (64-bit where it has one) or 32"),
	OPT("guest_cpu", OPT_ENUM, guest_cpu, guest_cpu_names,
	    "host|x86-64-v2|x86-64-v3: the CPU the guest sees, this host's or a level every host "
	    "of it can give (to migrate between Intel and AMD hosts)"),
	OPT("guest_nic", OPT_ENUM, guest_nic, guest_nic_names,
	    "off|virtio: the guest's network device, a virtio-net on a PCI bus (default off)"),
	OPT("guest_mac", OPT_MAC, guest_mac, NULL,
	    "the guest NIC's unicast Ethernet address xx:xx:xx:xx:xx:xx (default 02:55:53:00:00:01)"),
	OPT("rr", OPT_ENUM, rr, rr_names, "off|record|replay"),
	OPT("rr_digest", OPT_U32, rr_digest, NULL, "guest-caused exits between state digests (0: start and end)"),
	OPT("rr_sink", OPT_ENUM, rr_sink, rr_sink_names,
	    "com3|com4|tcp (tcp: to the collector at rr_collector=)"),
	OPT("rr_live", OPT_PORT, rr_live_port, NULL,
	    "off, or with rr=replay the TCP port 1..65535 a recording streams its log to "
	    "(rr_sink=tcp rr_collector=): replayed as it comes, as a backup does"),
	OPT("rr_live_wait", OPT_U32, rr_live_wait, NULL,
	    "seconds rr_live= waits for a recording to start streaming (1 or more; default 300)"),
	OPT("rr_live_copy", OPT_BOOL, rr_live_copy, NULL,
	    "rr_live=: also write the log as it comes to COM3 (on|off), to replay it again later"),
	OPT("rr_collector", OPT_COLLECTOR, rr_collector_ip, NULL,
	    "the collector's a.b.c.d[:port] for rr_sink=tcp and snapshot_sink=tcp (port 9710 by default)"),
	OPT("tbit", OPT_ENUM, tbit, tbit_names, "auto|on|off (auto: on while recording or replaying)"),
	OPT("trace", OPT_STRING, trace, NULL, "exits,io,pt,insns=START-END (replay only)"),
	OPT("ip", OPT_NET, ip, NULL, "off, dhcp, or the hypervisor's own IPv4 address a.b.c.d"),
	OPT("netmask", OPT_NETMASK, netmask, NULL, "a.b.c.d with contiguous ones"),
	OPT("gw", OPT_IPV4, gw, NULL, "the default gateway a.b.c.d"),
	OPT("mac", OPT_MAC, mac, NULL, "a unicast Ethernet address xx:xx:xx:xx:xx:xx"),
	OPT("nettest", OPT_ENUM, nettest, nettest_names,
	    "off|arp|server|client|tls_server|tls_client (tls_*: with ft_key=)"),
	OPT("nettest_peer", OPT_IPV4, nettest_peer, NULL, "the nettest server's address a.b.c.d"),
	OPT("nettest_bytes", OPT_SIZE, nettest_bytes, NULL,
	    "bytes the nettest client sends, with a K, M or G suffix"),
	OPT("http", OPT_PORT, http_port, NULL, "the control endpoint's TCP port 1..65535, or off"),
	OPT("linger", OPT_U32, linger, NULL,
	    "seconds to keep the network up (status, log) after the guest ends"),
	OPT("snapshot", OPT_SNAPSHOT, snapshot, NULL,
	    "off, after:SECONDS of guest time, or exits:N guest-caused exits"),
	OPT("snapshot_then", OPT_ENUM, snapshot_then, snapshot_then_names,
	    "exit|continue: what the guest does once its snapshot is written"),
	OPT("snapshot_sink", OPT_ENUM, snapshot_sink, snapshot_sink_names,
	    "com3|tcp (tcp: to the collector at rr_collector=)"),
	OPT("resume", OPT_BOOL, resume, NULL,
	    "start the guest from the boot module named 'snapshot' (on|off)"),
	OPT("migrate", OPT_MIGRATE, migrate_ip, NULL,
	    "off, or the destination a.b.c.d[:port] to migrate the running guest to (port 9720 by default)"),
	OPT("migrate_after", OPT_MIGRATE_AFTER, migrate_at, NULL,
	    "SECONDS (or after:SECONDS) of guest time before the migration starts, or exits:N: "
	    "connect at once and stun the guest at its Nth guest-caused exit"),
	OPT("dirty_track", OPT_ENUM, dirty_track, dirty_track_names,
	    "auto|wp|ad|pml: a migration's dirty-page tracking (auto: the cheapest measured)"),
	OPT("incoming", OPT_PORT, incoming_port, NULL,
	    "off, or the TCP port 1..65535 to receive a migrating guest on instead of booting it"),
	OPT("incoming_fault", OPT_ENUM, incoming_fault, incoming_fault_names,
	    "none|wrong_copy|false_report: a destination that misbehaves on purpose (tests)"),
	OPT(FT_PSK_OPTION, OPT_KEY, ft_key, NULL,
	    "the FT link's pre-shared key: 32 to 128 hex digits (16 to 64 bytes)"),
	OPT("role", OPT_ENUM, role, role_names,
	    "none|primary|backup: this hypervisor's part in a fault-tolerant pair"),
	OPT("peer", OPT_PEER, ft_peer_ip, NULL,
	    "the other hypervisor of the pair, a.b.c.d[:port] (port 9730 by default)"),
	OPT("join", OPT_BOOL, ft_join, NULL,
	    "on|off: role=backup receives the running guest from its peer by live migration "
	    "instead of booting it; role=primary runs its guest at once and migrates it into a "
	    "backup that joins (now, or after losing one)"),
	OPT("ft_timeout_ms", OPT_U32, ft_timeout_ms, NULL,
	    "milliseconds of silence after which a pair's peer is gone (1000 to 600000)"),
	OPT("ft_resync", OPT_ENUM, ft_resync, ft_resync_names,
	    "outputs|digests|off: role=backup asks the primary for a checkpoint when an output "
	    "differs (and with digests, a state digest), or stops (off)"),
	OPT("ft_inject_mismatch", OPT_U32, ft_inject_mismatch, NULL,
	    "role=backup, tests: the Nth output the replay compares is taken as differing (0: off)"),
	OPT("ft_heartbeat_ms", OPT_U32, ft_heartbeat_ms, NULL,
	    "milliseconds between a pair's heartbeats (10 to ft_timeout_ms/3; 0: none)"),
	OPT("ft", OPT_ENUM, ft_mode, ft_mode_names,
	    "replay|checkpoint|auto: a pair's backup replays the primary's log, or takes a "
	    "checkpoint of its state every epoch, or (auto) the primary measures and picks"),
	OPT("ft_epoch_ms", OPT_U32, ft_epoch_ms, NULL,
	    "ft=checkpoint: milliseconds of an epoch (5 to 10000)"),
	OPT("ft_auto_ms", OPT_U32, ft_auto_ms, NULL,
	    "ft=auto: milliseconds of the primary's measurement window (100 to 600000)"),
	OPT("witness", OPT_WITNESS, witness_ip, NULL,
	    "the pair's witness (hvwitness), a.b.c.d[:port] (port 9730 by default)"),
	OPT("console_out", OPT_CONSOLE_OUT, console_out_ip, NULL,
	    "off|a.b.c.d[:port]: the guest's console as a stream to an outside listener "
	    "(hvlisten; port 9740 by default)"),
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
	cfg->guest_input = true;
	cfg->guest_entry = GUEST_ENTRY_AUTO;
	cfg->rr = RR_CHOICE_OFF;
	cfg->rr_digest = 0;
	cfg->rr_sink = RR_SINK_COM3;
	cfg->snapshot_sink = SNAPSHOT_SINK_COM3;
	cfg->tbit = TBIT_AUTO;
	cfg->net = NET_OFF;
	cfg->netmask = 0xFFFFFF00; /* 255.255.255.0 */
	cfg->nettest = NETTEST_OFF;
	cfg->nettest_bytes = CONFIG_NETTEST_BYTES_DEFAULT;
	cfg->rr_collector_port = CONFIG_COLLECTOR_PORT_DEFAULT;
	cfg->rr_live_wait = CONFIG_LIVE_WAIT_DEFAULT;
	cfg->http_port = CONFIG_HTTP_PORT_DEFAULT;
	cfg->migrate_port = CONFIG_MIGRATE_PORT_DEFAULT;
	cfg->ft_peer_port = CONFIG_FT_PORT_DEFAULT;
	cfg->ft_timeout_ms = CONFIG_FT_TIMEOUT_MS_DEFAULT;
	cfg->ft_heartbeat_ms = CONFIG_FT_HEARTBEAT_MS_DEFAULT;
	cfg->ft_epoch_ms = CONFIG_FT_EPOCH_MS_DEFAULT;
	cfg->ft_auto_ms = CONFIG_FT_AUTO_MS_DEFAULT;
	cfg->witness_port = WIT_DEFAULT_PORT;
	cfg->console_out_port = CS_DEFAULT_PORT;
}

static int parse_string(const struct cmdline_token *tok, char *field, size_t size)
{
	if (tok->value_len >= size)
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

static int parse_size(const struct cmdline_token *tok, u64 *field)
{
	u64 v;
	int err = cmdline_parse_size(tok->value, tok->value_len, &v);

	if (err)
		return err;
	if (v == 0)
		return -ERANGE;
	*field = v;
	return 0;
}

static bool value_is(const struct cmdline_token *tok, const char *word)
{
	return strlen(word) == tok->value_len && !strncmp(word, tok->value, tok->value_len);
}

/* ip=off, ip=dhcp or ip=a.b.c.d; an address must be one a host can own
 * (not 0.0.0.0, 255.255.255.255, multicast or loopback). */
static int parse_net(const struct cmdline_token *tok, struct config *cfg)
{
	u32 ip;
	int err;

	if (value_is(tok, "off") || value_is(tok, "dhcp")) {
		cfg->net = value_is(tok, "off") ? NET_OFF : NET_DHCP;
		cfg->ip = 0;
		return 0;
	}
	err = cmdline_parse_ipv4(tok->value, tok->value_len, &ip);
	if (err)
		return err;
	if (ip == 0 || ip == 0xFFFFFFFF || (ip >> 28) == 0xE || (ip >> 24) == 127)
		return -EINVAL;
	cfg->net = NET_STATIC;
	cfg->ip = ip;
	return 0;
}

static int parse_netmask(const struct cmdline_token *tok, u32 *field)
{
	u32 mask;
	int err = cmdline_parse_ipv4(tok->value, tok->value_len, &mask);

	if (err)
		return err;
	if (mask == 0 || (~mask & (~mask + 1)) != 0) /* the zeros must be a low run */
		return -EINVAL;
	*field = mask;
	return 0;
}

static int parse_mac(const struct cmdline_token *tok, u8 *field)
{
	u8 mac[CONFIG_MAC_LEN];
	int err = cmdline_parse_mac(tok->value, tok->value_len, mac);

	if (err)
		return err;
	if (mac[0] & 1) /* group (multicast) bit */
		return -EINVAL;
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EINVAL;
	memcpy(field, mac, sizeof(mac));
	return 0;
}

/* A TCP port: 1..65535; 0 is refused (off is spelled out where allowed). */
static int parse_port(const char *s, size_t len, u16 *port)
{
	u64 v;
	int err = cmdline_parse_u64(s, len, &v);

	if (err)
		return err;
	if (v == 0 || v > 0xFFFF)
		return -ERANGE;
	*port = (u16)v;
	return 0;
}

/* a.b.c.d or a.b.c.d:port, a unicast address (the port keeps its
 * default without ":port"): rr_collector=, migrate=, peer=. */
static int parse_endpoint(const struct cmdline_token *tok, u32 *ip_out, u16 *port_out)
{
	const char *colon = memchr(tok->value, ':', tok->value_len);
	size_t ip_len = colon ? (size_t)(colon - tok->value) : tok->value_len;
	u16 p = *port_out;
	u32 ip;
	int err = cmdline_parse_ipv4(tok->value, ip_len, &ip);

	if (!err && colon)
		err = parse_port(colon + 1, tok->value_len - ip_len - 1, &p);
	if (!err && (ip == 0 || ip == 0xFFFFFFFF || (ip >> 28) == 0xE))
		err = -EINVAL;
	if (err)
		return err;
	*ip_out = ip;
	*port_out = p;
	return 0;
}

/* A moment of the guest's run: "after:SECONDS" of guest time or "exits:N"
 * guest-caused exits (the landmarks: a deterministic moment), N > 0; with
 * plain_seconds, a bare number is seconds too. */
static int parse_moment(const struct cmdline_token *tok, bool plain_seconds, bool *exits, u64 *at)
{
	static const char after[] = "after:", exits_prefix[] = "exits:";
	size_t la = sizeof(after) - 1, le = sizeof(exits_prefix) - 1;
	const char *v = tok->value;
	size_t len = tok->value_len;
	u64 n;
	int err;

	*exits = len > le && !strncmp(v, exits_prefix, le);
	if (*exits) {
		v += le;
		len -= le;
	} else if (len > la && !strncmp(v, after, la)) {
		v += la;
		len -= la;
	} else if (!plain_seconds) {
		return -EINVAL;
	}
	err = cmdline_parse_u64(v, len, &n);
	if (err || (*exits && n == 0) || (!*exits && n > UINT32_MAX))
		return err ? err : -ERANGE;
	*at = *exits ? n : n * NS_PER_SEC;
	return 0;
}

/* snapshot=off, snapshot=after:SECONDS or snapshot=exits:N. */
static int parse_snapshot(const struct cmdline_token *tok, struct config *cfg)
{
	bool exits;
	int err;

	if (value_is(tok, "off")) {
		cfg->snapshot = SNAPSHOT_OFF;
		return 0;
	}
	err = parse_moment(tok, false, &exits, &cfg->snapshot_at);
	if (!err && !cfg->snapshot_at)
		err = -ERANGE;
	if (!err)
		cfg->snapshot = exits ? SNAPSHOT_EXITS : SNAPSHOT_AFTER_NS;
	return err;
}

/* ft_key=HEX: the key in hex (proto/ft_psk.h); why says what is wrong. */
static int parse_key_why(const struct cmdline_token *tok, struct ft_psk *field, const char **why)
{
	u8 key[FT_PSK_MAX_BYTES];
	int n = ft_psk_parse(tok->value, tok->value_len, key, why);

	if (n < 0)
		return n;
	memcpy(field->key, key, (size_t)n);
	field->len = (u8)n;
	return 0;
}

static int parse_key(const struct cmdline_token *tok, struct ft_psk *field)
{
	const char *why;

	return parse_key_why(tok, field, &why);
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
		return parse_string(tok, field, CONFIG_STR_MAX);
	case OPT_ARGS:
		return parse_string(tok, field, CONFIG_ARGS_MAX);
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
	case OPT_SIZE:
		return parse_size(tok, field);
	case OPT_NET:
		return parse_net(tok, cfg);
	case OPT_IPV4:
		return cmdline_parse_ipv4(tok->value, tok->value_len, field);
	case OPT_NETMASK:
		return parse_netmask(tok, field);
	case OPT_MAC:
		return parse_mac(tok, field);
	case OPT_COLLECTOR:
		return parse_endpoint(tok, &cfg->rr_collector_ip, &cfg->rr_collector_port);
	case OPT_MIGRATE:
		if (value_is(tok, "off"))
			return (cfg->migrate_ip = 0, 0);
		return parse_endpoint(tok, &cfg->migrate_ip, &cfg->migrate_port);
	case OPT_SNAPSHOT:
		return parse_snapshot(tok, cfg);
	case OPT_MIGRATE_AFTER:
		return parse_moment(tok, true, &cfg->migrate_at_exits, &cfg->migrate_at);
	case OPT_PORT:
		if (value_is(tok, "off"))
			return (*(u16 *)field = 0, 0);
		return parse_port(tok->value, tok->value_len, field);
	case OPT_KEY:
		return parse_key(tok, field);
	case OPT_PEER:
		return parse_endpoint(tok, &cfg->ft_peer_ip, &cfg->ft_peer_port);
	case OPT_WITNESS:
		return parse_endpoint(tok, &cfg->witness_ip, &cfg->witness_port);
	case OPT_CONSOLE_OUT:
		if (value_is(tok, "off"))
			return (cfg->console_out_ip = 0, 0);
		return parse_endpoint(tok, &cfg->console_out_ip, &cfg->console_out_port);
	}
	return -EINVAL;
}

/* A value refused: named with what was expected; a key's value is never
 * shown, not even a malformed one (it may be a real key mistyped). */
static void report_invalid(const struct option *opt, const struct cmdline_token *tok)
{
	if (opt->type == OPT_KEY) {
		struct ft_psk scratch;
		const char *why = opt->help;

		if (tok->value)
			parse_key_why(tok, &scratch, &why);
		pr_err("config: %s: invalid value of %zu characters, not shown (%s)", opt->name,
		       tok->value ? tok->value_len : 0, why);
		return;
	}
	pr_err("config: %s: invalid value '%.*s' (expected %s)", opt->name, (int)tok->value_len,
	       tok->value ? tok->value : "", opt->help);
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

/* migrate= and incoming=: the network, and nothing else that owns the
 * guest's start or its stage-2 protections. */
static int check_migration(const struct config *cfg)
{
	bool migrating = cfg->migrate_ip || cfg->incoming_port;
	int errors = 0;

	if (!migrating)
		return 0;
	if (cfg->migrate_ip && cfg->incoming_port) {
		pr_err("config: migrate= and incoming= are the two ends of a migration: give one");
		errors++;
	}
	if (cfg->net == NET_OFF) {
		pr_err("config: %s needs the network: ip=a.b.c.d or ip=dhcp",
		       cfg->migrate_ip ? "migrate=" : "incoming=");
		errors++;
	}
	if ((cfg->rr != RR_CHOICE_OFF && !cfg->ft_join) || cfg->snapshot != SNAPSHOT_OFF ||
	    cfg->trace[0]) {
		pr_err("config: migration does not combine with rr=, snapshot= or trace= yet");
		errors++;
	}
	if (cfg->incoming_port && cfg->resume) {
		pr_err("config: incoming= takes the guest from the source: not with resume=on");
		errors++;
	}
	return errors;
}

/* A TCP sink (what names it): an address of our own and the collector's.
 * Returns the number of errors. */
static int check_collector(const struct config *cfg, const char *what)
{
	int errors = 0;

	if (cfg->net == NET_OFF) {
		pr_err("config: %s needs the network: ip=a.b.c.d or ip=dhcp", what);
		errors++;
	}
	if (!cfg->rr_collector_ip) {
		pr_err("config: %s needs rr_collector=a.b.c.d[:port] (where hvcollect listens)",
		       what);
		errors++;
	}
	return errors;
}

/* Options that only make sense together; returns the number of errors. */
static int check_combinations(const struct config *cfg)
{
	int errors = 0;

	if (cfg->snapshot != SNAPSHOT_OFF && cfg->rr == RR_CHOICE_REPLAY) {
		pr_err("config: snapshot= does not combine with rr=replay (a snapshot taken while recording replays from its log)");
		errors++;
	}
	if (cfg->snapshot != SNAPSHOT_OFF && cfg->rr == RR_CHOICE_RECORD &&
	    cfg->snapshot_sink == SNAPSHOT_SINK_COM3 && cfg->rr_sink == RR_SINK_COM3) {
		pr_err("config: the snapshot and the record log would both go to COM3: "
		       "give rr_sink=com4|tcp or snapshot_sink=tcp");
		errors++;
	}
	errors += check_migration(cfg);
	if (cfg->rr_sink == RR_SINK_TCP && cfg->rr != RR_CHOICE_RECORD) {
		pr_err("config: rr_sink=tcp streams a record log: it needs rr=record");
		errors++;
	}
	if (cfg->rr_sink == RR_SINK_TCP)
		errors += check_collector(cfg, "rr_sink=tcp");
	if (cfg->rr_live_copy && !cfg->rr_live_port) {
		pr_err("config: rr_live_copy= copies a live log: it needs rr_live=");
		errors++;
	}
	if (!cfg->rr_live_wait) {
		pr_err("config: rr_live_wait= takes 1 or more seconds");
		errors++;
	}
	if (cfg->snapshot_sink == SNAPSHOT_SINK_TCP && cfg->snapshot == SNAPSHOT_OFF) {
		pr_err("config: snapshot_sink=tcp sends a snapshot: it needs snapshot=");
		errors++;
	}
	if (cfg->snapshot_sink == SNAPSHOT_SINK_TCP)
		errors += check_collector(cfg, "snapshot_sink=tcp");
	if (cfg->console_out_ip && cfg->net == NET_OFF) {
		pr_err("config: console_out= sends the guest's console over the network: it needs "
		       "ip=a.b.c.d or ip=dhcp");
		errors++;
	}
	if ((cfg->nettest == NETTEST_TLS_SERVER || cfg->nettest == NETTEST_TLS_CLIENT) &&
	    !cfg->ft_key.len) {
		pr_err("config: nettest=%s needs the pre-shared key ft_key=HEX (32 to 128 hex digits)",
		       nettest_names[cfg->nettest]);
		errors++;
	}
	return errors;
}

int config_parse(struct config *cfg, const char *cmdline)
{
	const char *cursor = cmdline ? cmdline : "";
	static struct cmdline_token tok; /* 4 KiB: not on the boot stack */
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
			report_invalid(opt, &tok);
			errors++;
		}
	}
	errors += config_apply_role(cfg);
	return errors + check_combinations(cfg);
}

static void format_ipv4(char *buf, size_t size, u32 ip)
{
	fmt_snprintf(buf, size, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF,
		     ip & 0xFF);
}

/* The network options, when networking or a network self-test is on. */
static void config_print_net(const struct config *cfg)
{
	char ip[16] = "dhcp", mask[16], gw[16] = "none", peer[16], mac[18] = "nic";
	const u8 *m = cfg->mac;

	if (cfg->net == NET_OFF && cfg->nettest == NETTEST_OFF)
		return;
	if (cfg->net != NET_DHCP)
		format_ipv4(ip, sizeof(ip), cfg->ip);
	if (cfg->net == NET_OFF)
		memcpy(ip, "off", sizeof("off"));
	format_ipv4(mask, sizeof(mask), cfg->netmask);
	if (cfg->gw)
		format_ipv4(gw, sizeof(gw), cfg->gw);
	if (m[0] | m[1] | m[2] | m[3] | m[4] | m[5])
		fmt_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			     m[3], m[4], m[5]);
	format_ipv4(peer, sizeof(peer), cfg->nettest_peer);
	pr_info("config: ip=%s netmask=%s gw=%s mac=%s http=%u linger=%u nettest=%s nettest_peer=%s "
		"nettest_bytes=%llu ft_key=%s", ip, mask, gw, mac, cfg->http_port, cfg->linger,
		nettest_names[cfg->nettest], peer, cfg->nettest_bytes,
		cfg->ft_key.len ? "set" : "off");
}

void config_print(const struct config *cfg)
{
	pr_info("config: log=%s selftest=%s fault_test=%s hv=%s guest=%s guest_mem=%lluM "
		"guest_console=%s guest_input=%s guest_entry=%s strict_mmio=%s guest_cpu=%s guest_args='%s'",
		log_level_name(cfg->log_level),
		cfg->selftest ? "on" : "off", fault_test_names[cfg->fault_test], virt_names[cfg->hv],
		cfg->guest, (cfg->guest_mem >> 20),
		guest_console_names[cfg->guest_console], cfg->guest_input ? "on" : "off",
		guest_entry_names[cfg->guest_entry],
		cfg->strict_mmio ? "on" : "off", guest_cpu_names[cfg->guest_cpu], cfg->guest_args);
	if (cfg->guest_nic != GUEST_NIC_OFF)
		pr_info("config: guest_nic=%s", guest_nic_names[cfg->guest_nic]);
	if (cfg->rr != RR_CHOICE_OFF || cfg->trace[0])
		pr_info("config: rr=%s rr_digest=%u rr_sink=%s rr_live=%u rr_live_wait=%u "
			"rr_live_copy=%s tbit=%s trace='%s'", rr_names[cfg->rr], cfg->rr_digest,
			rr_sink_names[cfg->rr_sink], cfg->rr_live_port, cfg->rr_live_wait,
			cfg->rr_live_copy ? "on" : "off", tbit_names[cfg->tbit], cfg->trace);
	if (cfg->role != FT_ROLE_NONE) {
		char peer[16] = "none", witness[24] = "none";

		if (cfg->ft_peer_ip)
			format_ipv4(peer, sizeof(peer), cfg->ft_peer_ip);
		if (cfg->witness_ip) {
			format_ipv4(witness, sizeof(witness), cfg->witness_ip);
			fmt_snprintf(witness + strlen(witness), sizeof(witness) - strlen(witness),
				     ":%u", cfg->witness_port);
		}
		pr_info("config: role=%s peer=%s:%u ft_timeout_ms=%u witness=%s ft_resync=%s join=%s ft=%s "
			"ft_epoch_ms=%u ft_auto_ms=%u", role_names[cfg->role], peer, cfg->ft_peer_port,
			cfg->ft_timeout_ms, witness, ft_resync_names[cfg->ft_resync],
			cfg->ft_join ? "on" : "off", ft_mode_names[cfg->ft_mode], cfg->ft_epoch_ms,
			cfg->ft_auto_ms);
	}
	if (cfg->console_out_ip) {
		char listener[16];

		format_ipv4(listener, sizeof(listener), cfg->console_out_ip);
		pr_info("config: console_out=%s:%u", listener, cfg->console_out_port);
	}
	if (cfg->rr_sink == RR_SINK_TCP || cfg->snapshot_sink == SNAPSHOT_SINK_TCP) {
		char collector[16];

		format_ipv4(collector, sizeof(collector), cfg->rr_collector_ip);
		pr_info("config: rr_collector=%s:%u", collector, cfg->rr_collector_port);
	}
	if (cfg->snapshot != SNAPSHOT_OFF || cfg->resume) {
		char when[32] = "off";

		if (cfg->snapshot == SNAPSHOT_EXITS)
			fmt_snprintf(when, sizeof(when), "exits:%llu", cfg->snapshot_at);
		else if (cfg->snapshot == SNAPSHOT_AFTER_NS)
			fmt_snprintf(when, sizeof(when), "after:%llu", cfg->snapshot_at / NS_PER_SEC);
		pr_info("config: snapshot=%s snapshot_then=%s snapshot_sink=%s resume=%s", when,
			snapshot_then_names[cfg->snapshot_then],
			snapshot_sink_names[cfg->snapshot_sink], cfg->resume ? "on" : "off");
	}
	if (cfg->migrate_ip || cfg->incoming_port) {
		char dest[16] = "off";

		if (cfg->migrate_ip)
			format_ipv4(dest, sizeof(dest), cfg->migrate_ip);
		pr_info("config: migrate=%s:%u migrate_after=%s%llu incoming=%u dirty_track=%s", dest,
			cfg->migrate_port, cfg->migrate_at_exits ? "exits:" : "",
			cfg->migrate_at_exits ? cfg->migrate_at : cfg->migrate_at / NS_PER_SEC,
			cfg->incoming_port, dirty_track_names[cfg->dirty_track]);
	}
	config_print_net(cfg);
}

const char *config_snapshot_then_name(enum snapshot_then t)
{
	return snapshot_then_names[t];
}

const char *config_virt_name(enum virt_choice v)
{
	return virt_names[v];
}

const char *config_nettest_name(enum nettest_mode m)
{
	return nettest_names[m];
}
