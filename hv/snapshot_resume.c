/*
 * Resuming from a snapshot: two passes over it. The first (snap_verify)
 * checks the container and everything the VM would refuse in it: the VCPU
 * record a backend could not enter, each DEVICE section's model, name and
 * version, every mandatory device there. Only then does the second
 * (snap_apply, which verifies the container once more) clear and fill
 * guest RAM, and the staged vCPU, devices, landmark and device time
 * replace the VM's. A refused snapshot leaves the VM untouched and the
 * guest not started.
 */
#include "hv/snapshot.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "boot/bootinfo.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/guest_boot.h"
#include "hv/snapshot_devices.h"
#include "hv/snapshot_vcpu.h"
#include "log.h"

static struct snap_reader reader;
static struct page_codec_work work;

struct resume_ctx {
	struct vm *vm;
	struct snap_vcpu vcpu;
	struct snap_rr rr;
	struct snap_header hdr;
	bool apply;        /* the second pass: RAM is written */
	bool keep_ram;     /* RAM came another way (a migration): not cleared */
};

static struct resume_ctx rc;

static int on_section(void *ctx, size_t off, const struct snap_section *s, const char *name,
		      bool known)
{
	if (s->type == SNAP_DEVICE)
		snap_devices_section_flags(s->flags);
	return 0;
}

static int on_header(void *ctx, const struct snap_header *h)
{
	((struct resume_ctx *)ctx)->hdr = *h;
	return 0;
}

/* The vCPU record is loaded only after the whole pass (one VCPU: this
 * hypervisor's VMs have one vCPU). */
static int on_vcpu(void *ctx, const struct snap_vcpu *v)
{
	struct resume_ctx *c = ctx;

	if (v->id != 0) {
		pr_err("snapshot refused: VCPU %u (this VM has vCPU 0 only)", v->id);
		return -ENOTSUP;
	}
	c->vcpu = *v;
	return 0;
}

static int on_device(void *ctx, const struct snap_device *d)
{
	return snap_devices_stage(((struct resume_ctx *)ctx)->vm, d);
}

static int on_rr(void *ctx, const struct snap_rr *rr)
{
	((struct resume_ctx *)ctx)->rr = *rr;
	return 0;
}

static int on_ram_clear(void *ctx)
{
	struct resume_ctx *c = ctx;

	if (!c->keep_ram)
		memset(c->vm->ram, 0, c->vm->ram_size);
	return 0;
}

static int on_page(void *ctx, u64 pfn, const u8 *page, unsigned enc, size_t enc_len)
{
	struct resume_ctx *c = ctx;

	if (c->apply) /* the pfn is below the identity's ram_size: the reader checked */
		memcpy(c->vm->ram + pfn * SNAP_PAGE_SIZE, page, SNAP_PAGE_SIZE);
	return 0;
}

/* A delta page is against the page RAM holds, when RAM is kept (the
 * page's own new contents are written only after it is decoded). */
static const u8 *on_prev(void *ctx, u64 pfn)
{
	struct resume_ctx *c = ctx;

	return c->keep_ram ? c->vm->ram + pfn * SNAP_PAGE_SIZE : NULL;
}

static const struct snap_ops ops = {
	.header = on_header,
	.vcpu = on_vcpu,
	.device = on_device,
	.rr = on_rr,
	.ram_clear = on_ram_clear,
	.page = on_page,
	.prev = on_prev,
	.section = on_section,
};

/* The first pass: everything checked, nothing changed. */
static int check_pass(struct vm *vm, const u8 *data, size_t size, const struct snap_identity *id,
		      bool keep_ram)
{
	int err;

	memset(&rc, 0, sizeof(rc));
	rc.vm = vm;
	rc.keep_ram = keep_ram;
	snap_devices_begin(vm);
	err = snap_verify(&reader, data, size, id, &ops, &rc, &work);
	if (err) {
		if (reader.msg[0])
			pr_err("snapshot refused: %s", reader.msg);
		return err;
	}
	if ((err = snap_devices_complete()))
		return err;
	return snap_vcpu_check(vm, &rc.vcpu); /* would a backend take it? */
}

/* Both passes; RAM cleared before the snapshot's pages unless keep_ram. */
static int apply_passes(struct vm *vm, const u8 *data, size_t size,
			const struct snap_identity *id, bool keep_ram)
{
	int err = check_pass(vm, data, size, id, keep_ram);

	if (err)
		return err;
	snap_devices_begin(vm);
	rc.apply = true;
	err = snap_apply(&reader, data, size, id, &ops, &rc, &work);
	if (!err)
		err = snap_devices_complete();
	if (!err)
		err = snap_vcpu_load(vm, &rc.vcpu);
	if (err) { /* the first pass accepted it: the bytes changed under us */
		pr_err("snapshot: refused on the second pass (%d): guest RAM is not usable", err);
		return err;
	}
	snap_devices_commit(vm);
	vm->stats.guest_caused_exits = rc.rr.landmark;
	vm->dev_time_ns = rc.rr.device_time_ns;
	/* over RAM kept, the caller says what it applied (a migration, a resync, an epoch) */
	log_printf(keep_ram ? LOG_DEBUG : LOG_INFO, "snapshot: resumed a snapshot taken on %s at "
		   "landmark %llu, device time %llu ns, RIP %#llx", rc.hdr.backend, rc.rr.landmark,
		   rc.rr.device_time_ns, rc.vcpu.rip);
	return 0;
}

int snapshot_apply(struct vm *vm, const u8 *data, size_t size, const struct snap_identity *id)
{
	return apply_passes(vm, data, size, id, false);
}

int snapshot_check_state(struct vm *vm, const u8 *data, size_t size,
			 const struct snap_identity *id)
{
	return check_pass(vm, data, size, id, true);
}

int snapshot_apply_state(struct vm *vm, const u8 *data, size_t size,
			 const struct snap_identity *id)
{
	return apply_passes(vm, data, size, id, true);
}

int snapshot_resume(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	int m = guest_find_module(bi, SNAPSHOT_MODULE_ROLE);
	struct snap_identity id;

	if (!cfg->resume)
		return 0;
	if (m < 0) {
		pr_err("snapshot: resume=on needs the snapshot as a boot module named '%s'",
		       SNAPSHOT_MODULE_ROLE);
		return -ENOENT;
	}
	snapshot_identity(bi, cfg, &id);
	id.ram_size = vm->ram_size;
	return snapshot_apply(vm, phys_to_virt(bi->modules[m].start),
			      bi->modules[m].end - bi->modules[m].start, &id);
}
