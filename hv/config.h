/* The hypervisor's configuration, parsed once from its command line. */
#ifndef UNDERSTUDY_HV_CONFIG_H
#define UNDERSTUDY_HV_CONFIG_H

#include "log.h"
#include "proto/ft_psk.h"
#include "types.h"

#define CONFIG_STR_MAX 256
#define CONFIG_ARGS_MAX 4096 /* guest_args, NUL included (Linux's own limit is 2048 and up) */

enum fault_test {
	FAULT_TEST_NONE,
	FAULT_TEST_UD, /* execute UD2 */
	FAULT_TEST_PF, /* read an unmapped address */
	FAULT_TEST_GP, /* load a non-canonical address */
	FAULT_TEST_DE, /* divide by zero */
	FAULT_TEST_ENTRY, /* give the guest a state VM entry must refuse */
};

/* incoming_fault=: a destination that misbehaves on purpose (tests). */
enum incoming_fault {
	INCOMING_FAULT_NONE,
	INCOMING_FAULT_WRONG_COPY,   /* alters its copy of the first page round 0 sent */
	INCOMING_FAULT_FALSE_REPORT, /* reports holding a page round 1 did not send */
};

enum guest_console {
	GUEST_CONSOLE_AUTO, /* COM2 when the machine has one, else COM1 */
	GUEST_CONSOLE_COM1,
	GUEST_CONSOLE_COM2,
	GUEST_CONSOLE_E9,   /* the emulators' debug port */
};

enum virt_choice { VIRT_AUTO, VIRT_VMX, VIRT_SVM };

/* Which entry of a Linux bzImage to take: its 64-bit one where it has one,
 * or the 32-bit boot protocol entry. */
enum guest_entry { GUEST_ENTRY_AUTO, GUEST_ENTRY_32 };

/* Values match enum rr_mode (hv/rr/rr.h). */
enum rr_choice { RR_CHOICE_OFF, RR_CHOICE_RECORD, RR_CHOICE_REPLAY };
enum rr_sink { RR_SINK_COM3, RR_SINK_COM4, RR_SINK_TCP };
enum tbit_choice { TBIT_AUTO, TBIT_ON, TBIT_OFF };
/* Values match enum dirty_track (hv/dirty_log.h). */
enum dirty_track_choice { DIRTY_CHOICE_AUTO, DIRTY_CHOICE_WP, DIRTY_CHOICE_AD, DIRTY_CHOICE_PML };
/* Values match enum guest_cpu_level (hv/guest_cpu_model.h). */
enum guest_cpu_choice { GUEST_CPU_CHOICE_HOST, GUEST_CPU_CHOICE_V2, GUEST_CPU_CHOICE_V3 };
/* role=: a fault-tolerant pair's part (docs/fault-tolerance.md). */
enum ft_role { FT_ROLE_NONE, FT_ROLE_PRIMARY, FT_ROLE_BACKUP };

/* ft_resync=: what makes a backup ask its primary for a checkpoint
 * (docs/fault-tolerance.md, "Resync"): an output that differs, or a
 * state digest too, or nothing (the replay stops as any replay does). */
enum ft_resync { FT_RESYNC_OUTPUTS, FT_RESYNC_DIGESTS, FT_RESYNC_OFF };

/* ft=: how a pair's backup follows its primary: it replays the primary's
 * log, or it takes a checkpoint of the primary's state every epoch
 * (ft_epoch_ms=; docs/fault-tolerance.md, "Checkpoint mode"). */
enum ft_mode { FT_MODE_REPLAY, FT_MODE_CHECKPOINT, FT_MODE_AUTO };
/* snapshot=: when to write a snapshot of the running guest (hv/snapshot.c). */
enum snapshot_when { SNAPSHOT_OFF, SNAPSHOT_AFTER_NS, SNAPSHOT_EXITS };
enum snapshot_then { SNAPSHOT_THEN_EXIT, SNAPSHOT_THEN_CONTINUE };
/* snapshot_sink=: where the snapshot goes (hv/snapshot_sink.c). */
enum snapshot_sink { SNAPSHOT_SINK_COM3, SNAPSHOT_SINK_TCP };

/* The hypervisor's own network interface (net/): none, a static address,
 * or one leased by DHCP. */
enum net_mode { NET_OFF, NET_STATIC, NET_DHCP };

/* Network self-tests: arp (the NIC answers and sends ARP), or a TCP
 * transfer between two instances (server listens, client sends), in the
 * clear or over TLS with the pre-shared key ft_key= (tls_server,
 * tls_client). */
enum nettest_mode {
	NETTEST_OFF, NETTEST_ARP, NETTEST_SERVER, NETTEST_CLIENT, NETTEST_TLS_SERVER,
	NETTEST_TLS_CLIENT,
};

#define CONFIG_MAC_LEN 6

/* guest_nic=: the guest's network device (docs/guest-platform.md). */
enum guest_nic { GUEST_NIC_OFF, GUEST_NIC_VIRTIO };

struct config {
	enum log_level log_level;
	bool selftest;
	enum fault_test fault_test;
	enum virt_choice hv;
	char guest[CONFIG_STR_MAX];      /* role word of the guest kernel's module */
	char guest_args[CONFIG_ARGS_MAX]; /* the guest's command line */
	u64 guest_mem;                   /* bytes of guest RAM */
	enum guest_console guest_console;
	bool guest_input;                /* typed bytes go to the guest's COM1 (hv/guest_input.c) */
	enum guest_entry guest_entry;    /* a Linux bzImage's entry */
	enum guest_cpu_choice guest_cpu; /* the CPU the guest sees: the host's or a psABI level */
	bool strict_mmio;                /* stop at unclaimed guest-physical memory */
	enum guest_nic guest_nic;        /* off, or a virtio-net on a PCI bus */
	u8 guest_mac[CONFIG_MAC_LEN];    /* the guest NIC's address; all zero: the default */
	enum rr_choice rr;               /* record, replay or neither */
	u32 rr_digest;                   /* guest-caused exits between digests */
	enum rr_sink rr_sink;            /* where a record run's log goes */
	enum tbit_choice tbit;           /* write-protect guest page tables */
	char trace[CONFIG_STR_MAX];      /* replay: what to trace (docs/record-replay.md) */
	enum net_mode net;               /* ip=: off, a static address, or dhcp */
	u32 ip, netmask, gw;             /* IPv4, host order (a.b.c.d = a << 24 | ...); gw 0: none */
	u8 mac[CONFIG_MAC_LEN];          /* all zero: the NIC's own address */
	enum nettest_mode nettest;       /* network self-test to run instead of a guest */
	u32 nettest_peer;                /* client: the server's address */
	u64 nettest_bytes;               /* client: bytes to send */
	u32 rr_collector_ip;             /* rr_sink=tcp: the log collector (hvcollect) */
	u16 rr_collector_port;
	u16 rr_live_port;                /* rr=replay: take the log as it streams to this port; 0: off */
	u32 rr_live_wait;                /* rr_live=: seconds to wait for the recording to come */
	bool rr_live_copy;               /* rr_live=: the log as it comes also to COM3 */
	u16 http_port;                   /* the control endpoint; 0: off */
	u32 linger;                      /* seconds to keep serving after the guest ends */
	enum snapshot_when snapshot;     /* snapshot=: off, after guest time, after landmarks */
	u64 snapshot_at;                 /* guest ns, or guest-caused exits */
	enum snapshot_then snapshot_then; /* after it: stop the guest or let it go on */
	enum snapshot_sink snapshot_sink; /* COM3, or over TCP to the collector (rr_collector=) */
	bool resume;                     /* start from the snapshot module (SNAPSHOT_MODULE_ROLE) */
	u32 migrate_ip;                  /* migrate=: the destination, host order; 0: off */
	u16 migrate_port;
	u64 migrate_at;                  /* migrate_after=: guest ns, or guest-caused exits */
	bool migrate_at_exits;           /* exits:N: connect at once, stun at exit N */
	enum dirty_track_choice dirty_track; /* the migration's dirty-page tracking */
	u16 incoming_port;               /* incoming=: receive the guest on this port; 0: off */
	enum incoming_fault incoming_fault; /* incoming_fault=: misbehave on purpose */
	struct ft_psk ft_key;            /* ft_key=: the FT link's pre-shared key; len 0: none */
	enum ft_role role;               /* role=: none, or a pair's primary or backup */
	u32 ft_peer_ip;                  /* peer=: the other hypervisor, host order; 0: none */
	u16 ft_peer_port;                /* the FT link's port (the backup listens on it) */
	u32 ft_timeout_ms;               /* ft_timeout_ms=: silence that means the peer is gone */
	u32 ft_heartbeat_ms;             /* ft_heartbeat_ms=: heartbeat interval; 0: none */
	u32 witness_ip;                  /* witness=: the pair's witness, host order; 0: none */
	u16 witness_port;
	enum ft_resync ft_resync;        /* ft_resync=: role=backup: what triggers a resync */
	u32 ft_inject_mismatch;          /* ft_inject_mismatch=N: the Nth output compared differs (tests) */
	bool ft_join;                    /* join=: a backup joins a running guest by migration */
	enum ft_mode ft_mode;            /* ft=: replay (the default) or checkpoint */
	u32 ft_epoch_ms;                 /* ft_epoch_ms=: a checkpoint epoch's length */
	u32 ft_auto_ms;                  /* ft_auto_ms=: ft=auto's measurement window */
	u32 console_out_ip;              /* console_out=: the console's listener, host order; 0: off */
	u16 console_out_port;
};

#define SNAPSHOT_MODULE_ROLE "snapshot" /* first word of resume='s boot module */

#define CONFIG_GUEST_MEM_MIN MiB(2)
#define CONFIG_GUEST_MEM_MAX GiB(3) /* below the 32-bit device hole */
#define CONFIG_NETTEST_BYTES_DEFAULT MiB(16)
#define CONFIG_COLLECTOR_PORT_DEFAULT 9710 /* docs/log-stream.md */
#define CONFIG_LIVE_WAIT_DEFAULT 300       /* s: the recorder may boot in Bochs */
#define CONFIG_HTTP_PORT_DEFAULT 8080      /* docs/control-endpoint.md */
#define CONFIG_MIGRATE_PORT_DEFAULT 9720   /* docs/migration.md */
#define CONFIG_FT_PORT_DEFAULT 9730        /* docs/fault-tolerance.md */
#define CONFIG_FT_JOIN_PORT 9733           /* join=on: a joining backup receives the guest here */
#define CONFIG_FT_TIMEOUT_MS_DEFAULT 3000
#define CONFIG_FT_TIMEOUT_MS_MIN 1000      /* lwIP's keepalive ticks every 500 ms */
#define CONFIG_FT_TIMEOUT_MS_MAX 600000
#define CONFIG_FT_HEARTBEAT_MS_DEFAULT 200
#define CONFIG_FT_EPOCH_MS_DEFAULT 50
#define CONFIG_FT_EPOCH_MS_MIN 5         /* the NIC is polled every 1 to 8 ms */
#define CONFIG_FT_EPOCH_MS_MAX 10000     /* outputs wait an epoch: longer is no pair */
#define CONFIG_FT_AUTO_MS_DEFAULT 3000   /* ft=auto: a measurement window */
#define CONFIG_FT_AUTO_MS_MIN 100
#define CONFIG_FT_AUTO_MS_MAX 600000
#define CONFIG_FT_HEARTBEAT_MS_MIN 10      /* the NIC is polled every 1 to 8 ms */

/* role=: fills in what a pair's part implies (the primary records and
 * streams its log to peer=, the backup replays it live) and checks what
 * contradicts it (hv/config_role.c); returns the number of errors. */
int config_apply_role(struct config *cfg);

/* Defaults for every option. */
void config_defaults(struct config *cfg);

/*
 * Applies every key=value of cmdline to cfg. Unknown keys are warned about
 * and ignored; a malformed value is rejected with an error naming the key
 * (cfg keeps the default). Returns the number of rejected values.
 */
int config_parse(struct config *cfg, const char *cmdline);

/* Prints the effective configuration, one line. */
void config_print(const struct config *cfg);

/* "auto", "vmx" or "svm". */
const char *config_virt_name(enum virt_choice v);

/* "exit" or "continue". */
const char *config_snapshot_then_name(enum snapshot_then t);

/* "off", "arp", "server", "client", "tls_server" or "tls_client". */
const char *config_nettest_name(enum nettest_mode m);

#endif
