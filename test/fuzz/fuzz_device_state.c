// sources: hv/vdev/pit8254_state.c hv/vdev/pic8259_state.c hv/vdev/cmos_rtc_state.c hv/vdev/uart16550_state.c hv/vdev/ioapic_state.c hv/vdev/lapic_state.c hv/vdev/acpi_pm_state.c hv/vdev/misc_ports_state.c hv/vdev/vnet_state.c
/*
 * Fuzzes the device models' snapshot state loaders (hv/vdev/<model>_state.c),
 * which read a snapshot's DEVICE sections (outside input). Input: a byte
 * choosing the model, then its state bytes. A load that is refused must
 * leave the model as it was; one that is accepted must save back to
 * exactly the bytes it read (the field list is the same both ways).
 */
#include <stdlib.h>
#include <string.h>

#include "hv/vdev/acpi_pm.h"
#include "hv/vdev/cmos_rtc.h"
#include "hv/vdev/ioapic.h"
#include "hv/vdev/lapic.h"
#include "hv/vdev/misc_ports.h"
#include "hv/vdev/pic8259.h"
#include "hv/vdev/pit8254.h"
#include "hv/vdev/uart16550.h"
#include "hv/vdev/vnet.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define STATE_MAX 4096

/* Loads into a model filled with a marker, checks untouched on refusal
 * and an exact round trip on success. */
#define FUZZ_MODEL(T, P, in, len)                                           \
	do {                                                                \
		static T m, before;                                         \
		static u8 out[STATE_MAX];                                   \
		size_t n;                                                   \
		memset(&m, 0xA5, sizeof(m));                                \
		before = m;                                                 \
		if (P##_load(&m, in, len)) {                                \
			CHECK(!memcmp(&m, &before, sizeof(m)));             \
			break;                                              \
		}                                                           \
		n = P##_save(&m, out, sizeof(out));                         \
		CHECK(n == len && !memcmp(out, in, len));                   \
		CHECK(P##_save(&m, NULL, 0) == len);                        \
	} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u8 *in = data + 1;
	size_t len = size - 1;

	if (size < 1 || len > STATE_MAX)
		return 0;
	switch (data[0] % 10) {
	case 0: FUZZ_MODEL(struct vpit, vpit_state, in, len); break;
	case 1: FUZZ_MODEL(struct vpic, vpic_state, in, len); break;
	case 2: FUZZ_MODEL(struct vrtc, vrtc_state, in, len); break;
	case 3: FUZZ_MODEL(struct vuart, vuart_state, in, len); break;
	case 4: FUZZ_MODEL(struct vioapic, vioapic_state, in, len); break;
	case 5: FUZZ_MODEL(struct vlapic, vlapic_state, in, len); break;
	case 6: FUZZ_MODEL(struct vacpi_pm, vacpi_pm_state, in, len); break;
	case 7: FUZZ_MODEL(struct vmisc, vmisc_state, in, len); break;
	case 8: FUZZ_MODEL(struct vnet, vnet_state, in, len); break;
	default: FUZZ_MODEL(struct vpci, vpci_state, in, len); break;
	}
	return 0;
}
