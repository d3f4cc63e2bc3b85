/* Guest I/O dispatch over a small table of claimed ranges (see io_bus.h). */
#include "hv/io_bus.h"

#include <string.h>

#include "arch/x86/exit_profile.h"
#include "errno.h"

static u64 ones(u8 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

void io_bus_init(struct io_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int io_bus_register(struct io_bus *bus, const struct io_range *r)
{
	if (r->len == 0 || r->base + r->len < r->base)
		return -EINVAL;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct io_range *o = &bus->ranges[i];

		if (r->base < o->base + o->len && o->base < r->base + r->len)
			return -EEXIST;
	}
	if (bus->count == IO_BUS_MAX_RANGES)
		return -ENOSPC;
	bus->ranges[bus->count++] = *r;
	return 0;
}

int io_bus_unregister(struct io_bus *bus, u64 base)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->ranges[i].base == base) {
			memmove(&bus->ranges[i], &bus->ranges[i + 1],
				(bus->count - i - 1) * sizeof(bus->ranges[0]));
			bus->count--;
			return 0;
		}
	return -ENOENT;
}

const struct io_range *io_bus_find(const struct io_bus *bus, u64 addr)
{
	for (unsigned i = 0; i < bus->count; i++) {
		const struct io_range *r = &bus->ranges[i];

		if (addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

void io_bus_set_flags(struct io_bus *bus, u64 base, u64 len, u8 flags)
{
	for (unsigned i = 0; i < bus->count; i++) {
		struct io_range *r = &bus->ranges[i];

		if (r->base < base + len && base < r->base + r->len)
			r->flags = flags;
	}
}

u8 io_bus_flags(const struct io_bus *bus, u64 addr)
{
	const struct io_range *r = io_bus_find(bus, addr);

	return r ? r->flags : 0;
}

static bool fits(const struct io_range *r, u64 addr, u8 size)
{
	return addr - r->base + size <= r->len;
}

bool io_bus_read(struct io_bus *bus, u64 addr, u8 size, u64 *value)
{
	const struct io_range *r = io_bus_find(bus, addr);

	if (r && !fits(r, addr, size)) { /* straddles: assemble byte by byte */
		u64 v = 0, b;

		for (u8 i = 0; i < size; i++) {
			io_bus_read(bus, addr + i, 1, &b);
			v |= (b & 0xFF) << (8 * i);
		}
		*value = v;
		return true;
	}
	if (!r) {
		bus->unclaimed_reads++;
		*value = ones(size);
		return false;
	}
	EXIT_PROFILED(EXIT_STAGE_DEVICE,
		      *value = r->read ? r->read(r->dev, addr - r->base, size) & ones(size) : ones(size));
	return true;
}

bool io_bus_write(struct io_bus *bus, u64 addr, u8 size, u64 value)
{
	const struct io_range *r = io_bus_find(bus, addr);

	if (r && !fits(r, addr, size)) {
		for (u8 i = 0; i < size; i++)
			io_bus_write(bus, addr + i, 1, value >> (8 * i));
		return true;
	}
	if (!r) {
		bus->unclaimed_writes++;
		return false;
	}
	if (r->write)
		EXIT_PROFILED(EXIT_STAGE_DEVICE, r->write(r->dev, addr - r->base, size, value & ones(size)));
	return true;
}
