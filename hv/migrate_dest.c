/*
 * The destination of a live migration (see migrate.h). The guest image is
 * loaded as for a boot, so the VM has the identity a source's HELLO must
 * match; then, instead of starting the guest, the destination listens.
 * Pages land in guest RAM as they come (the guest is not running, and a
 * later round's copy replaces an earlier one); after each round the
 * source ends, the destination reports the hash of each page the round
 * sent it (HOLDS, migrate_holds.c); the vCPU and device state
 * is kept aside and checked when DONE arrives; READY tells the source so;
 * GO applies the state and the guest resumes here. A stream refused, a
 * source that goes away or falls silent before GO: the destination says
 * so and ends without running the guest.
 */
#include "hv/migrate.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "fmt.h"
#include "bitops.h"
#include "hv/config.h"
#include "hv/ft_witness.h"
#include "hv/guest_cpu.h"
#include "hv/migrate_holds.h"
#include "hv/migrate_link.h"
#include "hv/snapshot.h"
#include "log.h"
#include "net/net.h"
#include "net/stream_link.h"
#include "proto/migrate_proto.h"
#include "proto/tls_sniff.h"

#define WAIT_SOURCE_NS (600 * NS_PER_SEC)   /* for a source to connect */
/* A source that stopped sending. Generous: a source under Bochs on a
 * loaded machine runs at a tenth of real time or less, and its clock, not
 * ours, paces what it sends. */
#define SILENCE_NS (30 * NS_PER_SEC)
#define REPLY_MAX (MIG_FRAME_HDR + MIG_REASON_MAX + 16)
#define HOLDS_FRAME_MAX (16u << 10)         /* bytes of one HOLDS frame */
#define OUT_CAP (HOLDS_FRAME_MAX + 4 * REPLY_MAX)

static struct {
	struct vm *vm;
	struct snap_identity id;
	struct stream_link link;
	bool secure;              /* ft_key=: the stream inside TLS with the pre-shared key */
	bool heard;               /* the source sent something */
	struct mig_encoder enc;
	struct mig_decoder dec;
	struct mig_hello hello;
	char cpu_refusal[MIG_REASON_MAX]; /* why this host cannot give the guest its CPU */
	struct mig_holds holds;
	size_t out_len, out_pos;  /* frames queued for the source in out */
	size_t state_len;
	u64 pages;
	enum incoming_fault fault;
	bool go;
	const char *failure;
} md;

static u8 frame_buf[MIG_FRAME_HDR + MIG_PAYLOAD_MAX];
static u8 state_buf[MIG_PAYLOAD_MAX];
static struct page_codec_work work;
static u8 out[OUT_CAP];

/* Hands the queued frames to TCP as it has room; true once all are. */
static bool out_flush(void)
{
	if (!stream_link_push(&md.link, out, md.out_len, &md.out_pos))
		return false;
	md.out_len = md.out_pos = 0;
	return true;
}

/* A reply to the source, queued after what is queued already (a HOLDS
 * frame is built only into an empty queue, so a reply always has room). */
static void reply(u8 type, const char *reason)
{
	int n = type == MIG_REFUSE
			? mig_encode_refuse(&md.enc, reason, out + md.out_len, sizeof(out) - md.out_len)
			: mig_encode_empty(&md.enc, type, out + md.out_len, sizeof(out) - md.out_len);

	if (n > 0)
		md.out_len += (size_t)n;
	out_flush();
}

/* The next HOLDS frame of the report once the last one is acknowledged
 * (the feedback keeps at most one frame in flight, so that it never
 * crowds the pages' way or a slow NIC's receive ring), until READY: the
 * source takes none after it. */
static void send_holds(void)
{
	int n;

	if (!out_flush() || !stream_link_drained(&md.link) || md.enc.ready_sent ||
	    md.enc.refuse_sent || md.failure)
		return;
	n = mig_holds_build(&md.holds, &md.enc, md.vm->ram, out, HOLDS_FRAME_MAX);
	if (n > 0) {
		md.out_len = (size_t)n;
		out_flush();
	}
}

/* Stops taking the stream; the source is told why when it can be. */
static int refuse(const char *why)
{
	reply(MIG_REFUSE, why);
	md.failure = why;
	return -EPERM;
}

static int on_hello(void *ctx, const struct mig_hello *h)
{
	md.hello = *h;
	if (h->id.ram_size != md.id.ram_size)
		return refuse("the guest's RAM size differs from this destination's guest_mem=");
	if (h->id.kernel_hash != md.id.kernel_hash || h->id.modules_hash != md.id.modules_hash ||
	    h->id.cmdline_hash != md.id.cmdline_hash)
		return refuse("another guest image or command line than this destination's");
	if (guest_cpu_check(&h->cpu, md.cpu_refusal, sizeof(md.cpu_refusal)))
		return refuse(md.cpu_refusal);
	console_printf("migration: the source (%s) sends a guest of %llu MiB\n", h->backend,
		       h->id.ram_size >> 20);
	reply(MIG_ACCEPT, NULL);
	return 0;
}

static u8 *on_page_buffer(void *ctx, u64 pfn)
{
	return pfn < md.vm->ram_size / PAGE_SIZE ? md.vm->ram + pfn * PAGE_SIZE : NULL;
}

static int on_page(void *ctx, u64 pfn, unsigned enc, size_t enc_len)
{
	md.pages++;
	mig_holds_page(&md.holds, pfn);
	return 0;
}

/* incoming_fault=: at the end of round 0, the first page the round sent
 * altered here (a wrong copy: the source must send it again); at the end
 * of round 1, the first page it did not send reported as held (a false
 * report: the source must give up). Both pages go in the first HOLDS
 * frame of their round's report, which leaves before the next ROUND can
 * drop the report. */
static void inject_fault(void)
{
	bool wrong = md.fault == INCOMING_FAULT_WRONG_COPY;

	for (u64 p = 0; p < md.holds.npages; p++) {
		if (bitmap_test(md.holds.received, p) != wrong)
			continue;
		if (wrong)
			md.vm->ram[p * PAGE_SIZE] ^= 0x5A;
		else
			mig_holds_page(&md.holds, p);
		console_printf("migration: incoming_fault=%s: page %llu\n",
			       wrong ? "wrong_copy" : "false_report", p);
		return;
	}
}

static int on_round(void *ctx, const struct mig_round *r)
{
	if ((md.fault == INCOMING_FAULT_WRONG_COPY && r->round == 0) ||
	    (md.fault == INCOMING_FAULT_FALSE_REPORT && r->round == 1))
		inject_fault();
	mig_holds_round_end(&md.holds, r->round);
	return 0;
}

static int on_state(void *ctx, const u8 *snap, size_t len)
{
	if (len > sizeof(state_buf))
		return refuse("the vCPU and device state is too large");
	memcpy(state_buf, snap, len);
	md.state_len = len;
	return 0;
}

/* The stream is complete: the state must be one this VM takes. */
static int on_done(void *ctx, const struct mig_done *d)
{
	if (snapshot_check_state(md.vm, state_buf, md.state_len, &md.id))
		return refuse("the vCPU and device state is refused (see the destination's log)");
	console_printf("migration: received %llu pages and the vCPU and device state; ready\n",
		       md.pages);
	reply(MIG_READY, NULL);
	return 0;
}

static int on_go(void *ctx, u8 type, const char *reason)
{
	if (type == MIG_GO)
		md.go = true;
	return 0;
}

static const struct mig_ops ops = {
	.hello = on_hello,
	.page_buffer = on_page_buffer,
	.page = on_page,
	.round = on_round,
	.state = on_state,
	.done = on_done,
	.reply = on_go,
};

static int on_rx(void *ctx, const u8 *data, size_t len)
{
	int err;

	if (!md.heard && !md.secure && tls_sniff_record(data, len))
		return refuse("the source speaks TLS (it has ft_key=) and this destination has no "
			      "ft_key=: give both the same key, or neither");
	md.heard = true;
	err = mig_decoder_push(&md.dec, data, len);
	if (err && !md.failure) {
		pr_err("migration: the stream is refused: %s", md.dec.msg);
		refuse("the stream is refused (see the destination's log)");
	}
	return err;
}

/* Why the link went down by itself: a source without our key (or with
 * none) failed the TLS handshake, or the connection ended. */
static const char *link_down_why(void)
{
	static char why[TLS_WHY_MAX + 48];

	return mig_link_down_why(&md.link, MIG_HELLO, "the source speaks in the clear (it has no "
				 "ft_key=) and this destination has ft_key=: give both the same "
				 "key, or neither", "the TLS handshake with the source failed",
				 why, sizeof(why));
}

/* Why the wait for GO must end now, or NULL to go on waiting. */
static const char *wait_ends(u64 now, u64 listen_ns)
{
	bool connected = stream_link_connected(&md.link);

	if (md.failure)
		return md.failure;
	if (stream_link_state(&md.link) == STREAM_LINK_DOWN)
		return link_down_why();
	if (!connected && now - listen_ns > WAIT_SOURCE_NS)
		return "no source came";
	if (connected && now - stream_link_heard_ns(&md.link) > SILENCE_NS)
		return "the source stopped sending";
	return NULL;
}

/* Serves the link until GO or a failure. It polls without sleeping: the
 * destination has nothing else to do, the NIC raises no interrupt to wake
 * a sleep, and under an emulator whose clock skips a halted CPU's idle time
 * (Bochs) a sleeping wait would let its timeouts pass in moments. */
static const char *receive(void)
{
	u64 listen_ns = time_now_ns();
	const char *why;

	while (!md.go) {
		u64 now;

		net_poll();
		ft_witness_poll(time_now_ns()); /* a joining backup's connection to the witness */
		if (md.go)
			break;
		send_holds();
		now = time_now_ns();
		stream_link_poll(&md.link, now);
		if ((why = wait_ends(now, listen_ns)))
			return why;
		cpu_relax();
	}
	return NULL;
}

int migrate_incoming(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	const char *why;
	void *holds_mem;
	int err;

	if (!cfg->incoming_port)
		return 0;
	memset(&md, 0, sizeof(md));
	md.vm = vm;
	md.fault = cfg->incoming_fault;
	snapshot_identity(bi, cfg, &md.id);
	md.id.ram_size = vm->ram_size;
	holds_mem = page_alloc_bytes(mig_holds_bytes(vm->ram_size / PAGE_SIZE));
	if (!holds_mem) {
		pr_err("migration: no memory for the report of the pages held");
		return -ENOMEM;
	}
	mig_holds_init(&md.holds, vm->ram_size / PAGE_SIZE, holds_mem);
	mig_encoder_init(&md.enc);
	mig_decoder_init(&md.dec, MIG_TO_DESTINATION, &ops, NULL, frame_buf, sizeof(frame_buf), &work);
	md.secure = cfg->ft_key.len != 0;
	err = stream_link_listen(&md.link, md.secure ? &cfg->ft_key : NULL, cfg->incoming_port,
				 on_rx, NULL);
	if (err) {
		pr_err("migration: cannot listen on port %u (%d%s)", cfg->incoming_port, err,
		       md.secure ? "; TLS needs memory and entropy for its keys" : "");
		return err;
	}
	console_printf("migration: waiting for the source on %s:%u%s\n", net_address(),
		       cfg->incoming_port, md.secure ? " over TLS with the pre-shared key" : "");
	why = receive();
	if (!why && snapshot_apply_state(vm, state_buf, md.state_len, &md.id))
		why = "the vCPU and device state could not be applied";
	out_flush(); /* a REFUSE queued behind a HOLDS frame */
	stream_link_close(&md.link);
	if (why) {
		console_printf("migration: incoming migration failed: %s; what was received is "
			       "discarded and the guest does not run here\n", why);
		return -EIO;
	}
	console_printf("migration: resuming the guest migrated from %s (%llu pages in %u rounds); "
		       "reported holding %llu pages in %llu HOLDS frames, %llu not reported (the next "
		       "round came first)\n", md.hello.backend, md.pages, md.dec.round + 1,
		       md.holds.reported, md.holds.frames, md.holds.dropped + md.holds.left);
	return 0;
}
