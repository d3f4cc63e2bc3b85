/*
 * lwIP's compiler and platform mapping for Understudy (lwIP's
 * doc/sys_arch.txt and src/include/lwip/arch.h): our fixed-width types, no C
 * library headers, little-endian x86-64, diagnostics to the console,
 * assertions to panic().
 */
#ifndef UNDERSTUDY_NET_ARCH_CC_H
#define UNDERSTUDY_NET_ARCH_CC_H

#include "log.h"
#include "panic.h"
#include "stdlib.h" /* atoi, which netif_find calls */
#include "types.h"

/* Types: lwIP's from include/types.h; no <inttypes.h>, no <ctype.h>. */
#define LWIP_NO_STDINT_H 1
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_HAVE_INT64 1
typedef u8 u8_t;
typedef s8 s8_t;
typedef u16 u16_t;
typedef s16 s16_t;
typedef u32 u32_t;
typedef s32 s32_t;
typedef u64 u64_t;
typedef s64 s64_t;
typedef uptr mem_ptr_t;

/* printf formats of those types, for lwIP's debug messages (lib/fmt.c). */
#define X8_F "02x"
#define U16_F "hu"
#define S16_F "hd"
#define X16_F "hx"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* Byte order: x86 is little-endian; swaps are single instructions. */
#define BYTE_ORDER LITTLE_ENDIAN
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

/* Structures lwIP lays over packet bytes. */
#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_END
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_FIELD(x) x

/* Diagnostics (only with LWIP_DEBUG) and assertions. */
#define LWIP_PLATFORM_DIAG(x) do { console_printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP assertion failed: %s", x)

/* Random numbers (DHCP transaction ids, initial ports, TCP sequence
 * numbers): RDRAND where the CPU has it, else a mix of the TSC
 * (net/sys_arch.c). */
u32 net_port_rand(void);
#define LWIP_RAND() net_port_rand()

#endif
