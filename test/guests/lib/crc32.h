/* CRC-32 (IEEE 802.3, the one zlib.crc32 and `gzip -l` use). */
#ifndef GUEST_CRC32_H
#define GUEST_CRC32_H

#include "types.h"

u32 crc32(const void *data, size_t len);

#endif
