/*
 * The device models' DEVICE sections: one table names each model, the
 * version of its state, whether a resume can go on without it, and its
 * save/load pair (hv/vdev/<model>_state.c). The vCPU's FPU registers
 * travel the same way, as the DEVICEs "fpu_sse" and "xsave"
 * (hv/snapshot_fpu.c): the VCPU record of format version 1 has no room
 * for them; so does the CPU the guest sees, as the DEVICE "cpuid"
 * (hv/guest_cpu.c).
 */
#include "hv/snapshot_devices.h"

#include <string.h>

#include "errno.h"
#include "hv/guest_cpu.h"
#include "hv/snapshot_fpu.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic.h"
#include "log.h"
#include "proto/snapshot_xsave.h"

#define DEV_STATE_MAX 1024 /* the largest state (the local APIC's, the CPUID table) fits */
STATIC_ASSERT(SNAP_CPUID_SIZE(SNAP_CPUID_MAX) <= DEV_STATE_MAX, "a full CPUID table fits");

struct dev_desc {
	const char *name;
	u32 version;       /* of the model's state layout */
	bool mandatory;    /* written MANDATORY: a reader that does not know it must refuse */
	bool required;     /* a resume cannot go on without it */
	size_t (*save)(struct vm_devices *d, u8 *buf, size_t cap);
	int (*load)(struct vm_devices *d, const u8 *in, size_t len);
	bool (*present)(const struct vm_devices *d); /* NULL: always */
};

#define DEV_PAIR(P, member) /* a model in struct vm_devices */                                                  \
	static size_t P##_save_of(struct vm_devices *d, u8 *buf, size_t cap) \
	{                                                                    \
		return P##_save(&d->member, buf, cap);                      \
	}                                                                    \
	static int P##_load_of(struct vm_devices *d, const u8 *in, size_t len) \
	{                                                                    \
		return P##_load(&d->member, in, len);                       \
	}

DEV_PAIR(vpit_state, pit)
DEV_PAIR(vpic_state, pic)
DEV_PAIR(vrtc_state, rtc)
DEV_PAIR(vuart_state, com1)
DEV_PAIR(vioapic_state, ioapic)
DEV_PAIR(vlapic_state, lapic)
DEV_PAIR(vacpi_pm_state, acpi_pm)
DEV_PAIR(vmisc_state, misc)

#define DEV(name, P, mandatory) { name, 1, mandatory, mandatory, P##_save_of, P##_load_of, NULL }

static const struct dev_desc devices[] = {
	DEV("pit8254", vpit_state, true),
	DEV("pic8259", vpic_state, true),
	DEV("cmos_rtc", vrtc_state, true),
	DEV("uart16550", vuart_state, true),
	DEV("ioapic", vioapic_state, true),
	DEV("lapic", vlapic_state, true),
	DEV("acpi_pm", vacpi_pm_state, true),
	DEV("misc_ports", vmisc_state, false),
	/* The guest's CPU: written mandatory (a reader that does not know it
	 * would give the guest its own host's CPU), yet a snapshot from before
	 * it resumes with this host's. */
	{ SNAP_CPUID_NAME, SNAP_CPUID_VERSION, true, false, guest_cpu_save, guest_cpu_stage, NULL },
	{ "fpu_sse", 1, true, true, snap_fpu_sse_save, snap_fpu_sse_stage, NULL },
	/* Written mandatory (a reader that does not know it would lose AVX
	 * state), yet a snapshot from before it resumes with AVX zeroed. */
	{ SNAP_XSAVE_NAME, SNAP_XSAVE_VERSION, true, false, snap_xsave_save, snap_xsave_stage, NULL },
	/* The guest NIC (guest_nic=virtio, hv/vm_nic.c): written only when the
	 * VM has it; hv/vm_nic.c checks that both come when it does. */
	{ "pci_host", 1, true, false, vm_nic_save_pci, vm_nic_stage_pci, vm_nic_in },
	{ "virtio_net", 1, true, false, vm_nic_save_net, vm_nic_stage_net, vm_nic_in },
};
#define CPUID_INDEX (ARRAY_SIZE(devices) - 5) /* the row of guest_cpu.c */
#define FPU_INDEX (ARRAY_SIZE(devices) - 4)   /* the rows of snapshot_fpu.c */
#define XSAVE_INDEX (ARRAY_SIZE(devices) - 3)

static struct vm_devices staged;
static u32 staged_mask;
static u16 next_flags;
static u8 state_buf[DEV_STATE_MAX];

int snap_devices_write(struct vm *vm, struct snap_writer *w)
{
	for (unsigned i = 0; i < ARRAY_SIZE(devices); i++) {
		const struct dev_desc *dd = &devices[i];
		struct snap_device sd = { .version = dd->version, .state = state_buf };
		size_t n;
		int err;

		if (dd->present && !dd->present(vm->dev))
			continue;
		n = dd->save(vm->dev, state_buf, sizeof(state_buf));
		if (!n) {
			pr_err("snapshot: device %s's state does not fit %u bytes", dd->name,
			       DEV_STATE_MAX);
			return -ENOSPC;
		}
		memcpy(sd.name, dd->name, strlen(dd->name) + 1); /* names are under SNAP_DEVICE_NAME */
		sd.len = (u32)n;
		if ((err = snap_write_device(w, &sd, dd->mandatory)))
			return err;
	}
	return 0;
}

void snap_devices_begin(struct vm *vm)
{
	staged = *vm->dev;
	staged_mask = 0;
	vm_nic_stage_begin(vm);
	next_flags = SNAP_SECTION_MANDATORY;
}

void snap_devices_section_flags(u16 flags)
{
	next_flags = flags;
}

static const struct dev_desc *find(const char *name, unsigned *index)
{
	for (unsigned i = 0; i < ARRAY_SIZE(devices); i++)
		if (!strcmp(devices[i].name, name)) {
			*index = i;
			return &devices[i];
		}
	return NULL;
}

int snap_devices_stage(struct vm *vm, const struct snap_device *d)
{
	unsigned i;
	const struct dev_desc *dd = find(d->name, &i);

	if (!dd) {
		if (!(next_flags & SNAP_SECTION_MANDATORY)) {
			pr_warn("snapshot: DEVICE %s unknown here (optional): skipped", d->name);
			return 0;
		}
		pr_err("snapshot refused: DEVICE %s is mandatory and unknown to this hypervisor",
		       d->name);
		return -ENOTSUP;
	}
	if (d->version > dd->version) {
		pr_err("snapshot refused: DEVICE %s state version %u is newer than this hypervisor's %u",
		       d->name, d->version, dd->version);
		return -ENOTSUP;
	}
	if (staged_mask & (1u << i)) {
		pr_err("snapshot refused: DEVICE %s appears twice", d->name);
		return -EBADMSG;
	}
	if (dd->load(&staged, d->state, d->len)) {
		pr_err("snapshot refused: DEVICE %s state (%u bytes) is not one the model can hold",
		       d->name, d->len);
		return -EBADMSG;
	}
	staged_mask |= 1u << i;
	return 0;
}

int snap_devices_complete(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i].required && !(staged_mask & (1u << i))) {
			pr_err("snapshot refused: no DEVICE %s section", devices[i].name);
			return -EINVAL;
		}
	return vm_nic_stage_complete() ? 0 : -EINVAL;
}

void snap_devices_commit(struct vm *vm)
{
	*vm->dev = staged;
	guest_cpu_commit(staged_mask & (1u << CPUID_INDEX));
	snap_fpu_commit(staged_mask & (1u << FPU_INDEX), staged_mask & (1u << XSAVE_INDEX));
	vm_nic_commit(vm);
}
