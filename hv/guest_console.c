/* The host side of the guest's console (see guest_console.h). */
#include "hv/guest_console.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "drivers/serial/uart16550.h"
#include "hv/output_hold.h"
#include "hv/output_tally.h"
#include "log.h"

#define DEBUG_PORT_E9 0xE9 /* Bochs/QEMU debug console port */

static struct uart16550 port;
static enum guest_console chosen;
static struct output_tally tally; /* every byte the guest wrote, held or not */
static const struct guest_console_tap *tap;
static void (*capture)(u8 byte);
static struct {
	bool on;
	bool withheld;     /* fenced: nothing more goes out */
	u64 withheld_bytes;
	struct output_hold queue;
	void (*wait)(void *ctx);
	void *ctx;
} hold;

void guest_console_init(enum guest_console want)
{
	chosen = want;
	output_tally_init(&tally);
	if (want == GUEST_CONSOLE_AUTO)
		chosen = uart16550_init(&port, COM2_PORT) ? GUEST_CONSOLE_COM2 : GUEST_CONSOLE_COM1;
	else if (want == GUEST_CONSOLE_COM2 && !uart16550_init(&port, COM2_PORT))
		pr_warn("guest console: no UART at COM2; guest output is lost");
	if (chosen == GUEST_CONSOLE_COM1)
		uart16550_init(&port, COM1_PORT);
	if (chosen == GUEST_CONSOLE_COM1)
		pr_warn("guest console: sharing COM1 with the hypervisor log");
	pr_info("guest console: %s", guest_console_name());
}

const char *guest_console_name(void)
{
	switch (chosen) {
	case GUEST_CONSOLE_COM1: return "COM1";
	case GUEST_CONSOLE_COM2: return "COM2";
	case GUEST_CONSOLE_E9: return "port 0xE9";
	default: return "none";
	}
}

/* Where the guest's bytes leave the machine. */
static void write_out(void *ctx, const u8 *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (chosen == GUEST_CONSOLE_E9)
			outb(DEBUG_PORT_E9, bytes[i]);
		else
			uart16550_putc(&port, (char)bytes[i]);
	}
	if (tap)
		tap->taken(bytes, len);
}

bool guest_console_get(u8 *byte)
{
	return chosen != GUEST_CONSOLE_E9 && uart16550_getc_nowait(&port, byte);
}

void guest_console_tap(const struct guest_console_tap *t)
{
	tap = t;
}

void guest_console_goes_live(void)
{
	if (tap)
		tap->goes_live();
}

/* Waits until the tap can take the bytes held and one more. */
static void wait_for_tap(void)
{
	u64 held = hold.on ? hold.queue.head - hold.queue.tail : 0;

	while (tap && tap->room() <= held)
		tap->wait();
}

void guest_console_put(void *ctx, u8 byte)
{
	output_tally_add(&tally, byte);
	if (capture)
		capture(byte);
	if (hold.withheld) {
		hold.withheld_bytes++;
		return;
	}
	wait_for_tap();
	if (!hold.on) {
		write_out(NULL, &byte, 1);
		return;
	}
	while (!output_hold_put(&hold.queue, byte, rdtsc()))
		hold.wait(hold.ctx);
}

u64 guest_console_written(void)
{
	return tally.written;
}

void guest_console_take_span(struct output_span *span)
{
	output_tally_take(&tally, span);
}

u64 guest_console_restart_span(u64 written)
{
	if (tap && tap->restart)
		tap->restart(written);
	return output_tally_restart(&tally, written);
}

void guest_console_hold(void (*wait)(void *ctx), void *ctx)
{
	output_hold_init(&hold.queue);
	hold.wait = wait;
	hold.ctx = ctx;
	hold.on = true;
}

void guest_console_capture(void (*fn)(u8 byte))
{
	capture = fn;
}

bool guest_console_unmarked(void)
{
	return hold.on && output_hold_unmarked(&hold.queue);
}

void guest_console_mark(u64 log_offset)
{
	output_hold_mark(&hold.queue, log_offset);
}

void guest_console_release(u64 acked)
{
	if (hold.on && !hold.withheld)
		output_hold_release(&hold.queue, acked, rdtsc(), write_out, NULL);
}

void guest_console_release_all(void)
{
	if (hold.on && !hold.withheld)
		output_hold_release_all(&hold.queue, rdtsc(), write_out, NULL);
	hold.on = false;
}

void guest_console_withhold(void)
{
	if (!hold.withheld && hold.on)
		hold.withheld_bytes = hold.queue.head - hold.queue.tail;
	hold.withheld = true;
}

u64 guest_console_hold_stats(struct output_hold_stats *st)
{
	*st = hold.queue.stats;
	return hold.queue.head - hold.queue.tail;
}

void guest_console_report(void)
{
	const struct output_hold_stats *s = &hold.queue.stats;

	if (hold.withheld)
		pr_info("ft: fenced: %llu console bytes held or written after were never released",
			hold.withheld_bytes);
	if (!s->held)
		return;
	pr_info("ft: output rule: %llu console bytes held in %llu releases, at most %llu at once; "
		"hold %llu us on average, %llu us at most; %llu waits for a full queue",
		s->held, s->releases, s->max_held,
		s->releases ? time_tsc_to_ns(s->latency_sum / s->releases) / 1000 : 0,
		time_tsc_to_ns(s->latency_max) / 1000, s->full_waits);
}
