/*
 * POST code port and isa-debug-exit. Port 0x80: IBM PC AT Technical
 * Reference, "I/O Address Map" (manufacturing checkpoint port); reads
 * return all ones as on QEMU, which decodes only writes there.
 * isa-debug-exit: QEMU hw/misc/debugexit.c (write-only; a write of V makes
 * QEMU exit with status (V << 1) | 1 - here the caller decides).
 */
#include "hv/vdev/misc_ports.h"

#include <string.h>

#include "compiler.h"

void vmisc_init(struct vmisc *m, vmisc_exit_fn on_exit, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->on_exit = on_exit;
	m->exit_ctx = ctx;
}

static void post_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vmisc *m = dev;

	m->post_code = (u8)value;
	m->post_history[m->post_writes % VMISC_POST_HISTORY] = m->post_code;
	m->post_writes++;
}

/* Any write, of any size, at any of the four ports is an exit request. */
static void debug_exit_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vmisc *m = dev;

	m->exit_value = (u32)value;
	m->exit_writes++;
	if (m->on_exit)
		m->on_exit(m->exit_ctx, m->exit_value);
}

u8 vmisc_post_code_ago(const struct vmisc *m, unsigned n)
{
	if (n >= VMISC_POST_HISTORY || n >= m->post_writes)
		return 0;
	return m->post_history[(m->post_writes - 1 - n) % VMISC_POST_HISTORY];
}

int vmisc_attach(struct vmisc *m, struct io_bus *bus)
{
	const struct io_range ranges[] = {
		{ .base = VMISC_POST_PORT, .len = 1, .dev = m, .write = post_write, .name = "post" },
		{ .base = VMISC_DEBUG_EXIT_PORT, .len = VMISC_DEBUG_EXIT_LEN, .dev = m,
		  .write = debug_exit_write, .name = "isa-debug-exit" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(ranges); i++) {
		int err = io_bus_register(bus, &ranges[i]);

		if (err)
			return err;
	}
	return 0;
}
