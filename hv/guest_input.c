/* Typed input for the guest (hv/guest_input.h). */
#include "hv/guest_input.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "hv/config.h"
#include "hv/guest_console.h"
#include "hv/rr/rr.h"
#include "hv/vm.h"
#include "hv/vm_devices.h"
#include "log.h"

#define POLL_EVERY_NS 1000000ULL /* how often the host port is looked at */
#define QUEUE_BYTES 256          /* typed bytes waiting for the guest's FIFO */

static struct {
	bool on;
	u64 next_poll_tsc;
	u8 queue[QUEUE_BYTES];
	u32 head, count;
	u64 typed, delivered;
} in;

void guest_input_init(const struct config *cfg)
{
	in.on = cfg->guest_input;
	in.next_poll_tsc = 0;
	in.head = in.count = 0;
	in.typed = in.delivered = 0;
}

void guest_input_poll(struct vm *vm)
{
	u64 now;
	u8 byte;

	if (!in.on || rr_replaying(vm))
		return; /* off, or the log has the input: no TSC read on the exit path */
	now = rdtsc();
	if (now < in.next_poll_tsc)
		return;
	in.next_poll_tsc = now + time_ns_to_tsc(POLL_EVERY_NS);
	while (in.count < QUEUE_BYTES && guest_console_get(&byte)) {
		in.queue[(in.head + in.count) % QUEUE_BYTES] = byte;
		in.count++;
		in.typed++;
	}
}

bool guest_input_due(const struct vm *vm)
{
	return in.count && vm_devices_serial_room(vm);
}

void guest_input_deliver(struct vm *vm)
{
	while (in.count && vm_devices_serial_room(vm)) {
		u8 byte = in.queue[in.head];

		in.head = (in.head + 1) % QUEUE_BYTES;
		in.count--;
		rr_serial_in(vm, byte);
		vm_devices_serial_in(vm, byte);
		in.delivered++;
	}
}

void guest_input_report(void)
{
	if (in.typed)
		pr_info("guest input: %llu bytes typed, %llu delivered to the guest's COM1",
			in.typed, in.delivered);
}
