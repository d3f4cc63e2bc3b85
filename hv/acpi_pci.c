/* The PCI root bridge in AML (acpi_pci.h); encodings from ACPI 6.4, 20.2
 * "AML Grammar Definition". */
#include "hv/acpi_pci.h"

#include <string.h>

#define AML_ZERO_OP 0x00
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_DWORD_PREFIX 0x0C
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_EXT_PREFIX 0x5B
#define AML_DEVICE_OP 0x82         /* after AML_EXT_PREFIX */
#define PKG_ONE_BYTE_MAX 63        /* 20.2.4 "Package Length Encoding" */
#define PKG_TWO_BYTE_MAX 4095
#define EISA_PNP0A03 0x030AD041u   /* EisaId ("PNP0A03"), compressed as ASL does */
#define PRT_ALL_FUNCTIONS 0xFFFF   /* 6.2.13: address = device << 16 | 0xFFFF */
#define PRT_INTA 0

/* _CRS: bus numbers 0-255 (producer, fixed), the configuration ports,
 * I/O 0-0xCF7 and 0xD00-0xFFFF (producer, fixed, entire range), end tag. */
static const u8 crs[] = {
	0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x47, 0x01, 0xF8, 0x0C, 0xF8, 0x0C, 0x01, 0x08,
	0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x00, 0xF7, 0x0C, 0x00, 0x00, 0xF8, 0x0C,
	0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x0D, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xF3,
	0x79, 0x00,
};

struct aml {
	u8 *buf;
	size_t cap, len;
	bool full;
};

static void put(struct aml *a, const void *p, size_t n)
{
	if (a->full || n > a->cap - a->len) {
		a->full = true;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void put_byte(struct aml *a, u8 b)
{
	put(a, &b, 1);
}

static void put_dword(struct aml *a, u32 v)
{
	u8 b[5] = { AML_DWORD_PREFIX, (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };

	put(a, b, sizeof(b));
}

/* A package length for body bytes after it (the length counts itself). */
static void put_pkglen(struct aml *a, size_t body)
{
	size_t one = body + 1, two = body + 2;

	if (one <= PKG_ONE_BYTE_MAX) {
		put_byte(a, (u8)one);
	} else if (two <= PKG_TWO_BYTE_MAX) {
		put_byte(a, (u8)(0x40 | (two & 0x0F)));
		put_byte(a, (u8)(two >> 4));
	} else {
		a->full = true;
	}
}

/* Wraps body (an AML fragment) as op PkgLength prefix body. */
static void put_wrapped(struct aml *a, const u8 *op, size_t op_len, const void *prefix,
			size_t prefix_len, const struct aml *body)
{
	put(a, op, op_len);
	put_pkglen(a, prefix_len + body->len);
	put(a, prefix, prefix_len);
	put(a, body->buf, body->len);
	a->full |= body->full;
}

static void name_crs(struct aml *a)
{
	const u8 head[] = { AML_NAME_OP, '_', 'C', 'R', 'S', AML_BUFFER_OP };
	const u8 size[] = { AML_BYTE_PREFIX, sizeof(crs) };
	u8 tmp[sizeof(crs)];
	struct aml body = { tmp, sizeof(tmp), 0, false };

	put(&body, crs, sizeof(crs));
	put_wrapped(a, head, sizeof(head), size, sizeof(size), &body);
}

/* Name (_PRT, Package (1) { Package (4) { slot << 16 | 0xFFFF, 0, 0, gsi } }) */
static void name_prt(struct aml *a, u8 slot, u8 gsi)
{
	const u8 head[] = { AML_NAME_OP, '_', 'P', 'R', 'T', AML_PACKAGE_OP };
	const u8 one = 1, four = 4, pkg = AML_PACKAGE_OP;
	u8 ibuf[16], obuf[24];
	struct aml inner = { ibuf, sizeof(ibuf), 0, false }, outer = { obuf, sizeof(obuf), 0, false };

	put_dword(&inner, (u32)slot << 16 | PRT_ALL_FUNCTIONS);
	put_byte(&inner, PRT_INTA);
	put_byte(&inner, AML_ZERO_OP); /* Source 0: the next field is a global interrupt */
	put_byte(&inner, AML_BYTE_PREFIX);
	put_byte(&inner, gsi);
	put_wrapped(&outer, &pkg, 1, &four, 1, &inner);
	put_wrapped(a, head, sizeof(head), &one, 1, &outer);
}

size_t acpi_pci_aml(u8 *out, size_t cap, u8 slot, u8 gsi)
{
	const u8 hid[] = { AML_NAME_OP, '_', 'H', 'I', 'D' };
	const u8 uid[] = { AML_NAME_OP, '_', 'U', 'I', 'D', AML_ZERO_OP };
	const u8 device[] = { AML_EXT_PREFIX, AML_DEVICE_OP }, scope = AML_SCOPE_OP;
	u8 dbuf[ACPI_PCI_AML_MAX], sbuf[ACPI_PCI_AML_MAX];
	struct aml dev = { dbuf, sizeof(dbuf), 0, false }, sb = { sbuf, sizeof(sbuf), 0, false };
	struct aml a = { out, cap, 0, false };

	put(&dev, hid, sizeof(hid));
	put_dword(&dev, EISA_PNP0A03);
	put(&dev, uid, sizeof(uid));
	name_crs(&dev);
	name_prt(&dev, slot, gsi);
	put_wrapped(&sb, device, sizeof(device), "PCI0", 4, &dev);
	put_wrapped(&a, &scope, 1, "\\_SB_", 5, &sb);
	return a.full ? 0 : a.len;
}
