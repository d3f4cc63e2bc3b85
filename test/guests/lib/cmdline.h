/* The guest command line: key=value tokens separated by spaces. Tokens
 * without '=' (QEMU puts the kernel's path first) are ignored. */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include "types.h"

/* Remembers the command line (NULL: empty). */
void cmdline_set(const char *cmdline);

/* Copies the value of key into buf (NUL-terminated, truncated to size) and
 * returns true, or returns false when the key is absent. The last token
 * with that key wins. */
bool cmdline_get(const char *key, char *buf, size_t size);

/* True when key=value is on the command line. */
bool cmdline_is(const char *key, const char *value);

/* Calls fn for each key=value token in order, with pointers into the
 * command line and lengths (not NUL-terminated). */
void cmdline_each(void (*fn)(const char *key, size_t klen, const char *val, size_t vlen, void *arg),
		  void *arg);

#endif
