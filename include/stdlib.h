/* The little of <stdlib.h> that xxHash's header mentions; the hypervisor
 * has no malloc, and nothing it builds calls these. */
#ifndef UNDERSTUDY_STDLIB_H
#define UNDERSTUDY_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void free(void *p);

#endif
