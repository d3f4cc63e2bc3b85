/*
 * Interprocessor interrupts and destinations: which messages are for this
 * CPU (physical and logical destination modes, xAPIC flat and cluster
 * models, x2APIC logical IDs, broadcasts) and what an ICR write sends.
 * Only one CPU exists: an IPI that is not for it reaches nobody and is
 * reported (SDM Vol 3, 11.6 "Issuing Interprocessor Interrupts").
 */
#include "hv/vdev/lapic_internal.h"

#define X2APIC_CLUSTER_SHIFT 16   /* logical x2APIC ID: cluster in 31:16 */
#define X2APIC_CLUSTER_BITS 0xFFFFu /* one bit per CPU of the cluster in 15:0 */
#define X2APIC_CPUS_PER_CLUSTER 16
#define XAPIC_LOGICAL_SHIFT 24    /* xAPIC logical ID: LDR bits 31:24 */
#define XAPIC_CLUSTER_SHIFT 4     /* cluster model: cluster in bits 7:4 */
#define XAPIC_CLUSTER_CPUS 0xFu

/* SDM Vol 3, 11.12.10.2 "Deriving Logical x2APIC ID from the Local x2APIC
 * ID": cluster ID = x2APIC ID[19:4], bit x2APIC ID[3:0] in the low 16. */
u32 vl_x2apic_ldr(u32 x2apic_id)
{
	return ((x2apic_id / X2APIC_CPUS_PER_CLUSTER) << X2APIC_CLUSTER_SHIFT) |
	       (1u << (x2apic_id % X2APIC_CPUS_PER_CLUSTER));
}

static bool is_broadcast(const struct vlapic_msg *m)
{
	return m->dest == (m->wide ? X2APIC_BROADCAST : XAPIC_BROADCAST);
}

/* Physical mode: the APIC ID (SDM Vol 3, 11.6.2.1 "Physical Destination
 * Mode"); an 8-bit destination from an IOAPIC compares with the x2APIC ID
 * as it is (11.12.6 "Routing of Device Interrupts in x2APIC Mode"). */
static bool match_physical(const struct vlapic *l, const struct vlapic_msg *m)
{
	if (l->x2apic)
		return m->dest == l->initial_id;
	return (m->dest & XAPIC_BROADCAST) == l->id >> XAPIC_ID_SHIFT;
}

/* Logical mode (SDM Vol 3, 11.6.2.2 "Logical Destination Mode"; x2APIC:
 * 11.12.10.1 "Logical Destination Mode in x2APIC Mode"). */
static bool match_logical(const struct vlapic *l, const struct vlapic_msg *m)
{
	u8 mda = (u8)m->dest, lid = (u8)(l->ldr >> XAPIC_LOGICAL_SHIFT);

	if (l->x2apic)
		return (m->dest >> X2APIC_CLUSTER_SHIFT) == (l->ldr >> X2APIC_CLUSTER_SHIFT) &&
		       (m->dest & l->ldr & X2APIC_CLUSTER_BITS);
	if ((l->dfr & DFR_MODEL_MASK) == DFR_MODEL_MASK) /* flat model */
		return mda & lid;
	return (mda >> XAPIC_CLUSTER_SHIFT) == (lid >> XAPIC_CLUSTER_SHIFT) &&
	       (mda & lid & XAPIC_CLUSTER_CPUS);
}

bool vl_match_dest(const struct vlapic *l, const struct vlapic_msg *m)
{
	if (is_broadcast(m))
		return true;
	return m->logical ? match_logical(l, m) : match_physical(l, m);
}

/* Is this ICR command the INIT level de-assert, which only resynchronizes
 * arbitration IDs and delivers nothing (11.6.1 "Interrupt Command Register
 * (ICR)")? */
static bool init_deassert(u32 icr)
{
	return ((icr & ICR_DM_MASK) >> ICR_DM_SHIFT) == VLAPIC_DM_INIT && (icr & ICR_LEVEL) &&
	       !(icr & ICR_ASSERT);
}

/* An ICR write (or x2APIC SELF IPI) sends a message: to this CPU when the
 * shorthand or destination selects it, else to nobody (counted and
 * reported). A fixed IPI with a vector below 16 is not sent (ESR). */
void vl_send_ipi(struct vlapic *l, u32 icr, u32 dest)
{
	struct vlapic_msg m = {
		.vector = (u8)(icr & ICR_VECTOR),
		.mode = (u8)((icr & ICR_DM_MASK) >> ICR_DM_SHIFT),
		.logical = icr & ICR_LOGICAL,
		.level = false, /* IPIs are edge-triggered for the receiver */
		.wide = l->x2apic,
		.dest = dest,
	};
	enum icr_shorthand sh = (icr & ICR_SHORTHAND_MASK) >> ICR_SHORTHAND_SHIFT;
	bool for_me = sh == SH_SELF || sh == SH_ALL || (sh == SH_NONE && vl_match_dest(l, &m));

	l->stats.ipis++;
	if (init_deassert(icr))
		return;
	if ((m.mode == VLAPIC_DM_FIXED || m.mode == VLAPIC_DM_LOWEST) &&
	    m.vector < FIRST_LEGAL_VECTOR) {
		vl_error(l, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	if (for_me) {
		l->stats.self_ipis++;
		vl_deliver(l, &m);
		return;
	}
	l->stats.ipis_dropped++;
	vl_unsupported(l, sh == SH_OTHERS ? VLAPIC_UNSUP_IPI_OTHERS : VLAPIC_UNSUP_IPI_NO_CPU,
			  dest, &m);
}
