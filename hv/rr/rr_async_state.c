/*
 * Replay: the state a recording logged for an async entry, before it and
 * at its landmark (docs/record-replay.md, "Reaching the moment"): the
 * write window's pages the guest wrote (WINDOW_PAGE, or WINDOW_PAGE_CODED
 * in the page codec's form) and its x87/SSE/AVX registers (FPU_STATE, or
 * FPU_STATE_LZ4). Kept here until the async entry comes; the search for
 * its moment (rr_replay.c) hashes them and gives them to the guest.
 * Anything that cannot be what a recorder wrote is a divergence.
 */
#include <string.h>

#include "arch/x86/fpu.h"
#include "arch/x86/mm.h"
#include "hv/guest_mem.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/write_window.h"
#include "proto/page_codec.h"

/* The decoder's scratch: one vCPU replays at a time. */
static struct page_codec_work codec_work;

/* Room for the next window page; NULL (diverged) when page is not in the
 * write window or the window's pages are all taken. */
static u8 *pending_page_slot(struct vm *vm, u64 page)
{
	struct rr_pending_pages *p = &vm->rr->pending;

	if (p->count == WW_PAGES || !ww_contains(vm, page)) {
		rr_diverge(vm, "the log has the window page %#llx, which is not in the write window",
			   page * PAGE_SIZE);
		return NULL;
	}
	p->page[p->count] = page;
	return p->data + p->count * PAGE_SIZE;
}

/* A window page, whole (WINDOW_PAGE) or coded (WINDOW_PAGE_CODED: zero,
 * raw or LZ4; a delta kind names a copy no replay holds). */
static bool keep_window_page(struct vm *vm, const struct rrlog_entry *e)
{
	bool coded = e->type == RR_WINDOW_PAGE_CODED;
	u8 *slot = pending_page_slot(vm, coded ? e->window_coded.page : e->window_page.page);
	const char *why = NULL;
	int n;

	if (!slot)
		return false;
	if (!coded) {
		memcpy(slot, e->window_page.data, PAGE_SIZE);
	} else {
		n = page_decode(e->window_coded.data, e->window_coded.len, NULL, slot, &codec_work,
				&why);
		if (n != (int)e->window_coded.len) {
			rr_diverge(vm, "the log's window page %#llx is not a whole coded page (%s)",
				   e->window_coded.page * PAGE_SIZE,
				   n < 0 ? why : "bytes after its encoding");
			return false;
		}
	}
	vm->rr->pending.count++;
	return true;
}

/* The FPU registers, as they are (FPU_STATE) or as an LZ4 block
 * (FPU_STATE_LZ4); a length that no register area has is a malformed log. */
static bool keep_fpu_state(struct vm *vm, const struct rrlog_entry *e)
{
	struct rr_pending_pages *p = &vm->rr->pending;
	bool lz4 = e->type == RR_FPU_STATE_LZ4;
	u32 len = lz4 ? e->fpu_lz4.len : e->fpu.len;
	const char *why = NULL;

	if (len < FPU_LEGACY_SIZE || len > sizeof(p->fpu)) {
		rr_diverge(vm, "the log's FPU_STATE has %u bytes, not an FPU state", len);
		return false;
	}
	if (!lz4) {
		memcpy(p->fpu, e->fpu.data, len);
	} else if (bytes_lz4_decode(e->fpu_lz4.data, e->fpu_lz4.lz4_len, p->fpu, len, &why)) {
		rr_diverge(vm, "the log's FPU_STATE_LZ4 does not decode: %s", why);
		return false;
	}
	p->fpu_len = len;
	p->fpu_landmark = e->landmark;
	p->fpu_rip = e->rip;
	return true;
}

bool rr_keep_async_state(struct vm *vm, const struct rrlog_entry *e)
{
	bool kept = e->type == RR_WINDOW_PAGE || e->type == RR_WINDOW_PAGE_CODED
			    ? keep_window_page(vm, e)
			    : keep_fpu_state(vm, e);

	if (kept)
		rr_consume(vm->rr);
	return kept;
}

void rr_write_pending_pages(struct vm *vm)
{
	struct rr_pending_pages *p = &vm->rr->pending;

	for (unsigned i = 0; i < p->count; i++)
		vm_write_gpa(vm, p->page[i] * PAGE_SIZE, p->data + i * PAGE_SIZE, PAGE_SIZE);
	p->count = 0;
}

const u8 *rr_pending_fpu(struct vm *vm, const struct rrlog_entry *e)
{
	const struct rr_pending_pages *p = &vm->rr->pending;

	if (!p->fpu_len || p->fpu_landmark != e->landmark || p->fpu_rip != e->rip)
		return NULL;
	return p->fpu;
}

bool rr_load_pending_fpu(struct vm *vm, const struct rrlog_entry *e)
{
	struct rr_pending_pages *p = &vm->rr->pending;
	const u8 *fpu = rr_pending_fpu(vm, e);
	u32 len = p->fpu_len;

	if (!fpu)
		return true;
	p->fpu_len = 0;
	if (fpu_restore_canonical(fpu, len)) {
		rr_diverge(vm, "the log's FPU_STATE (%u bytes) cannot be loaded on this CPU", len);
		return false;
	}
	return true;
}
