/*
 * Small guest ports with no hardware behind them: the POST diagnostic port
 * 0x80 (firmware progress codes, and the classic I/O delay target) and
 * QEMU's isa-debug-exit device at 0xF4-0xF7, through which a test guest
 * ends the VM with a status value. Pure code (host-tested); all state lives
 * in struct vmisc.
 */
#ifndef UNDERSTUDY_HV_VDEV_MISC_PORTS_H
#define UNDERSTUDY_HV_VDEV_MISC_PORTS_H

#include "hv/io_bus.h"
#include "types.h"

#define VMISC_POST_PORT 0x80
#define VMISC_DEBUG_EXIT_PORT 0xF4
#define VMISC_DEBUG_EXIT_LEN 4
#define VMISC_POST_HISTORY 16 /* last POST codes kept */

typedef void (*vmisc_exit_fn)(void *ctx, u32 value);

struct vmisc {
	u8 post_code;                        /* last byte written to port 0x80 */
	u64 post_writes;
	u8 post_history[VMISC_POST_HISTORY]; /* ring: post_writes % size is next */
	u64 exit_writes;
	u32 exit_value; /* last value written to isa-debug-exit */
	vmisc_exit_fn on_exit;
	void *exit_ctx;
};

/* on_exit(ctx, value) is called for every write to 0xF4-0xF7; may be NULL. */
void vmisc_init(struct vmisc *m, vmisc_exit_fn on_exit, void *ctx);

/* Claims port 0x80 and ports 0xF4-0xF7 on bus; both read as all ones. */
int vmisc_attach(struct vmisc *m, struct io_bus *bus);

/* The POST code written n writes ago (0 = the last), within the history. */
u8 vmisc_post_code_ago(const struct vmisc *m, unsigned n);

/* The model's state in a snapshot (hv/vdev/misc_ports_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vmisc_state_save(const struct vmisc *d, u8 *buf, size_t cap);
int vmisc_state_load(struct vmisc *d, const u8 *in, size_t len);

#endif
