/*
 * Guest port-I/O and MMIO dispatch: devices claim ranges; an access nobody
 * claims reads as all ones and its writes are dropped, as on a PC bus with
 * nothing behind the address. Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_IO_BUS_H
#define UNDERSTUDY_HV_IO_BUS_H

#include "types.h"

#define IO_BUS_MAX_RANGES 32

/* size is 1, 2 or 4 for port I/O; 1, 2, 4 or 8 for MMIO. The offset is
 * relative to the start of the claimed range. */
typedef u64 (*io_read_fn)(void *dev, u64 offset, u8 size);
typedef void (*io_write_fn)(void *dev, u64 offset, u8 size, u64 value);

/* How an access depends on time (record/replay, docs/record-replay.md). */
#define IO_TIMED 0x1   /* bring device time up to now before the access */
#define IO_NONDET 0x2  /* reads depend on time or the outside world: logged */

struct io_range {
	u64 base;
	u64 len;
	void *dev;
	io_read_fn read;   /* NULL: reads as all ones */
	io_write_fn write; /* NULL: writes dropped */
	const char *name;
	u8 flags;          /* IO_TIMED, IO_NONDET */
};

struct io_bus {
	struct io_range ranges[IO_BUS_MAX_RANGES];
	unsigned count;
	u64 unclaimed_reads, unclaimed_writes;
};

void io_bus_init(struct io_bus *bus);

/* Claims [base, base+len); -EEXIST when it overlaps a claimed range,
 * -ENOSPC when the bus is full, -EINVAL for an empty or wrapping range. */
int io_bus_register(struct io_bus *bus, const struct io_range *range);

/* Releases the range claimed at base (a device that moves, such as a PCI
 * BAR the guest reprograms); -ENOENT when none starts there. */
int io_bus_unregister(struct io_bus *bus, u64 base);

/* The range holding addr, or NULL. */
const struct io_range *io_bus_find(const struct io_bus *bus, u64 addr);

/* Sets the flags of every range that overlaps [base, base+len). */
void io_bus_set_flags(struct io_bus *bus, u64 base, u64 len, u8 flags);

/* Flags of the range holding addr (0 when unclaimed). */
u8 io_bus_flags(const struct io_bus *bus, u64 addr);

/* Dispatches an access; unclaimed reads give all ones of size bytes. An
 * access that straddles the end of its range is split byte by byte. Returns
 * whether a device claimed addr. */
bool io_bus_read(struct io_bus *bus, u64 addr, u8 size, u64 *value);
bool io_bus_write(struct io_bus *bus, u64 addr, u8 size, u64 value);

#endif
