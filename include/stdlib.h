/* The little of <stdlib.h> that the hypervisor's third-party code mentions:
 * xxHash's header names malloc and free (the hypervisor has no malloc, and
 * nothing it builds calls them); lwIP's netif_find calls atoi (lib/stdlib.c). */
#ifndef UNDERSTUDY_STDLIB_H
#define UNDERSTUDY_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void free(void *p);
int atoi(const char *s);

#endif
