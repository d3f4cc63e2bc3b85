/*
 * A snapshot of the hypervisor's state for the control endpoint's /status
 * and /metrics (docs/control-endpoint.md). A plain struct, so the document
 * builders in http_response.c stay pure: the hypervisor fills one in (the
 * callback given to http_server_start), the builders only read it.
 *
 * Strings may be NULL, which is printed as an empty string; they are
 * expected to be ASCII (anything else is escaped, never passed through).
 */
#ifndef UNDERSTUDY_NET_HTTP_HV_STATUS_H
#define UNDERSTUDY_NET_HTTP_HV_STATUS_H

#include "types.h"

/* Rows in the exit table: more than the backends' exit reasons. */
#define HV_STATUS_EXITS_MAX 32
#define HV_STATUS_MAC_LEN 6

/* Guest states as reported ("none": no guest was started). */
#define HV_GUEST_RUNNING "running"
#define HV_GUEST_EXITED "exited"
#define HV_GUEST_STOPPED "stopped"
#define HV_GUEST_NONE "none"

struct hv_status_exit {
	const char *name;   /* exit reason, e.g. "io" */
	u64 count;
	u64 avg_cycles;     /* hypervisor TSC cycles per exit of this kind */
};

struct hv_status_nic {
	u64 rx_packets, rx_bytes, rx_dropped, rx_errors;
	u64 tx_packets, tx_bytes, tx_dropped, tx_errors;
};

/* The control endpoint's own counters (http_server.c fills these in). */
struct hv_status_http {
	u64 served;          /* responses queued, whatever their status */
	u64 bad_requests;    /* 400, 414, 431, 505 */
	u64 not_found;       /* 404 */
	u64 dropped;         /* refused (pool full), timed out, reset, out of memory */
};

/* Fault tolerance (docs/fault-tolerance.md): roles and states as reported. */
#define HV_FT_ROLE_NONE "none"
#define HV_FT_ROLE_PRIMARY "primary"
#define HV_FT_ROLE_BACKUP "backup"

#define HV_FT_WAITING_FOR_BACKUP "waiting for the backup"
#define HV_FT_BACKUP_FOLLOWS "backup follows"
#define HV_FT_WITHOUT_BACKUP "running without a backup"
#define HV_FT_FENCED "fenced"
#define HV_FT_SWITCHING_OVER "switching over to the backup"
#define HV_FT_WAITING_FOR_PRIMARY "waiting for the primary's log"
#define HV_FT_REPLAYING "replaying the primary's log"
#define HV_FT_TAKING_OVER "the primary is gone: taking over"
#define HV_FT_LIVE "live"
#define HV_FT_REPLAYED "replayed the primary's whole run"
#define HV_FT_STOOD_DOWN "stood down"
#define HV_FT_TAKING_EPOCHS "taking the primary's epochs"
#define HV_FT_HOLDS_FINAL "holds the primary's final state"

/* The witness's part (witness=), as the hypervisor's client sees it. */
struct hv_status_witness {
	bool configured;     /* false: none of the rest is reported */
	bool connected;      /* the TLS connection is up */
	bool lease_held;     /* this side holds a valid lease now */
	const char *lease;   /* the client's state: "idle", "asking", "held", ... */
	u64 epoch;           /* our lease's, else the last one the witness named */
	u64 grants, renewals, refusals, timeouts, reconnects;
	const char *why;     /* the last thing worth saying */
};

/* A pair's side. Only the fields of its role are reported. */
struct hv_status_ft {
	const char *role;    /* HV_FT_ROLE_*; NULL or "none": no "ft" object */
	u32 peer_ip;         /* peer=, host order; 0: none given */
	u16 peer_port;
	const char *state;   /* HV_FT_* of the role */
	bool live;           /* this side runs the guest and its outputs go out */
	u64 landmark;        /* guest-caused exits so far: the place in the log */
	bool took_over;      /* backup: went live at landmark took_over_at */
	u64 took_over_at;
	bool backup_lost;    /* primary: runs without one from backup_lost_at */
	u64 backup_lost_at;
	const char *join;    /* join=on: "without a backup", "a backup joining", "followed",
			      * "off" (a backup following); NULL: join=off, not reported */
	u64 joins;           /* join=on: backups that joined this side's guest */

	/* the log stream, in bytes of the log (its header included) */
	u64 log_produced;    /* primary: recorded */
	u64 log_acked;       /* primary: acknowledged by the backup */
	u64 log_received;    /* backup: arrived */
	u64 log_replayed;    /* backup: in frames the replay has opened */
	u64 backup_replayed_bytes;    /* primary: the backup's last HEARTBEAT says */
	u64 backup_replayed_landmark; /* ... and the landmark its replay reached */
	u64 lag_landmarks;            /* primary: landmark less the backup's */

	/* heartbeats on the FT link (docs/log-stream.md, "Heartbeats") */
	bool heartbeats_on;  /* agreed with the peer on the connection now */
	u64 heartbeats_sent, heartbeats_received, heartbeats_missed;
	u64 peer_heard_ms;   /* since the peer last said anything */

	/* outputs compared and resyncs (docs/fault-tolerance.md, "Resync") */
	u64 outputs_compared;  /* backup: OUTPUT entries its replay checked */
	u64 output_mismatches; /* backup: of which differed */
	u64 digest_mismatches; /* backup: digests that differed (ft_resync=outputs) */
	u64 resyncs;           /* backup: checkpoints applied */
	u64 resync_wait_ms;    /* backup: from asking to applied, all resyncs */
	u64 checkpoints;       /* primary: checkpoints written for the backup */
	u64 checkpoint_bytes;  /* primary: their bytes */
	u64 checkpoint_stun_us; /* primary: the guest's wait for them, all */

	/* ft=: the mode the pair follows now ("replay" or "checkpoint"; NULL:
	 * not said) and, under ft=auto, the switches between them */
	const char *mode;
	u64 mode_switches;

	/* checkpoint mode (ft=checkpoint, docs/fault-tolerance.md "Checkpoint
	 * mode"): no "checkpoint" object without it */
	bool checkpoint_mode;
	u64 epoch_ms;          /* ft_epoch_ms= */
	u64 epochs;            /* primary: sent; backup: applied */
	u64 epochs_acked;      /* primary: acknowledged whole by the backup */
	u64 epoch_pages;       /* pages in them */
	u64 epoch_bytes;       /* stream bytes of them */
	u64 epoch_first_stun_us; /* primary: the first epoch's stun (every page) */
	u64 epoch_stun_us;     /* primary: the others', in all */
	u64 epoch_stun_max_us; /* primary: one of the others', at most */
	u64 epoch_last_stun_us;

	/* the output rule (primary) */
	u64 output_held_now;   /* bytes held at this moment */
	u64 output_held_total; /* bytes ever held */
	u64 output_max_held;   /* bytes held at once, at most */
	u64 output_releases;   /* release batches */
	u64 output_hold_avg_us, output_hold_max_us;
	/* the same for the guest NIC's sent frames (primary, guest_nic=) */
	u64 frames_held_now;      /* frames held at this moment */
	u64 frame_bytes_held_now; /* their bytes, each with its 2-byte length */
	u64 frames_held_total;    /* frames ever held */
	u64 frame_releases;
	u64 frame_hold_avg_us, frame_hold_max_us;

	struct hv_status_witness witness;
};

/* console_out= (docs/console-stream.md): the console's stream to an
 * outside listener. */
struct hv_status_console_out {
	bool on;             /* false: no "console_out" object */
	bool live;           /* this side sends (a backup once it went live) */
	bool connected;      /* the listener welcomed this connection */
	u64 produced;        /* console bytes, by offset */
	u64 acked;           /* bytes the listener acknowledged */
	u64 connections;     /* connections the listener welcomed */
};

struct hv_status {
	const char *version;      /* "0.1.0 (git abc1234)" */
	u64 uptime_ns;
	const char *backend;      /* "vmx", "svm", "none" */

	const char *guest_state;  /* HV_GUEST_* */
	u32 guest_exit_code;      /* meaningful when guest_state is "exited" */
	const char *stop_reason;  /* meaningful when guest_state is "stopped" */

	const char *rr_mode;      /* "off", "record", "replay" */
	u64 log_bytes;
	u64 log_entries;

	u64 exits_total;
	u64 guest_caused_exits;
	u64 interrupts_injected;
	u32 exit_count;           /* rows used in exits[]; more are ignored */
	struct hv_status_exit exits[HV_STATUS_EXITS_MAX];

	bool has_nic;             /* false: the nic fields are not reported */
	const char *nic_name;     /* "e1000", "virtio-net" */
	u8 mac[HV_STATUS_MAC_LEN];
	const char *address;      /* "10.0.2.15", or "" before DHCP finishes */
	struct hv_status_nic nic;

	struct hv_status_ft ft;
	struct hv_status_console_out console_out;

	struct hv_status_http http;
};

#endif
