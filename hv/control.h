/* The hypervisor's side of the control endpoint (net/http/): its snapshot
 * of the run for GET /status and /metrics (docs/control-endpoint.md). */
#ifndef UNDERSTUDY_HV_CONTROL_H
#define UNDERSTUDY_HV_CONTROL_H

#include "types.h"

struct config;
struct vm;

/* Starts the endpoint on cfg's http port when the network is up; a
 * message either way. 0, or a negative errno (the hypervisor runs on
 * without it). */
int control_start(const struct config *cfg);

/* The guest the snapshots describe from now on (NULL: none). */
void control_set_vm(const struct vm *vm);

#endif
