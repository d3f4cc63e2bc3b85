/*
 * Included before LZ4's lz4.c (Debian's lz4 source package, unpacked by
 * scripts/deps.sh into third_party/lz4) when it is built into the
 * hypervisor: LZ4_FREESTANDING=1 leaves out everything that needs the C
 * library (the heap, LZ4F_*), and its three memory functions are ours
 * (lib/string.c). See the Makefile, "LZ4".
 */
#ifndef UNDERSTUDY_LZ4_FREESTANDING_H
#define UNDERSTUDY_LZ4_FREESTANDING_H

#include "string.h"

#define LZ4_FREESTANDING 1
#define LZ4_memcpy(dst, src, size) memcpy((dst), (src), (size))
#define LZ4_memmove(dst, src, size) memmove((dst), (src), (size))
#define LZ4_memset(p, v, s) memset((p), (v), (s))

#endif
