/* Where a record run's log bytes leave the machine (and a replay's trace):
 * a spare serial port the emulator writes to a file (COM3 by default). */
#ifndef UNDERSTUDY_HV_RR_SINK_H
#define UNDERSTUDY_HV_RR_SINK_H

#include "types.h"

/* Opens the sink; false when no UART answers at port. */
bool rr_sink_open(u16 port);
void rr_sink_write(const u8 *data, u64 len);
u64 rr_sink_bytes(void);

#endif
