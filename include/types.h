/* Fixed-width types used everywhere in Understudy (freestanding and host). */
#ifndef UNDERSTUDY_TYPES_H
#define UNDERSTUDY_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
/* u64 is unsigned long long, as in Linux: it prints with %llu/%llx on
 * every target without casts. */
typedef unsigned long long u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;
typedef uintptr_t uptr;

/* A physical address. Understudy identity-maps RAM, so a phys_addr_t can be
 * turned into a pointer with phys_to_virt(). */
typedef u64 phys_addr_t;

#endif
