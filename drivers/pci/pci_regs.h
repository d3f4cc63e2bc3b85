/*
 * PCI configuration space registers and bits. Sections are of the PCI Local
 * Bus Specification 3.0 unless they name the PCI Express Base Specification
 * 3.0 or the PCI-to-PCI Bridge Architecture Specification 1.2.
 */
#ifndef UNDERSTUDY_DRIVERS_PCI_PCI_REGS_H
#define UNDERSTUDY_DRIVERS_PCI_PCI_REGS_H

/* 3.2.2.3.2 "Software Generation of Configuration Transactions"
 * (configuration mechanism 1) */
#define PCI_CONFIG_ADDRESS 0xCF8        /* CONFIG_ADDRESS port (32-bit) */
#define PCI_CONFIG_DATA 0xCFC           /* CONFIG_DATA port, 4 bytes */
#define PCI_CONFIG_ENABLE 0x80000000u   /* CONFIG_ADDRESS bit 31: enable */
#define PCI_CONFIG_BUS_SHIFT 16         /* bits 23:16 bus number */
#define PCI_CONFIG_DEV_SHIFT 11         /* bits 15:11 device number */
#define PCI_CONFIG_FN_SHIFT 8           /* bits 10:8 function number */
#define PCI_CONFIG_REG_MASK 0xFC        /* bits 7:2 register, 1:0 zero */

/* PCI Express Base 3.0, 7.2.2 "PCI Express Enhanced Configuration Access
 * Mechanism (ECAM)", Table 7-1 "Enhanced Configuration Address Mapping" */
#define PCI_ECAM_BUS_SHIFT 20           /* A[27:20] bus number */
#define PCI_ECAM_DEV_SHIFT 15           /* A[19:15] device number */
#define PCI_ECAM_FN_SHIFT 12            /* A[14:12] function number */
#define PCI_ECAM_BUS_SIZE (1u << 20)    /* 1 MiB of configuration space per bus */
#define PCI_CONFIG_SPACE_SIZE 256       /* conventional PCI */
#define PCI_EXT_CONFIG_SPACE_SIZE 4096  /* PCI Express, through ECAM only */

#define PCI_MAX_BUS 256
#define PCI_MAX_DEV 32
#define PCI_MAX_FN 8

/* 6.1 "Configuration Space Organization", Figure 6-1 "Type 00h
 * Configuration Space Header" */
#define PCI_VENDOR_ID 0x00              /* 16 bits; FFFFh: no function */
#define PCI_DEVICE_ID 0x02              /* 16 bits */
#define PCI_COMMAND 0x04                /* 16 bits, 6.2.2 "Device Control" */
#define PCI_STATUS 0x06                 /* 16 bits, 6.2.3 "Device Status" */
#define PCI_REVISION_ID 0x08
#define PCI_PROG_IF 0x09                /* class code: programming interface */
#define PCI_SUBCLASS 0x0A               /* class code: sub-class */
#define PCI_CLASS 0x0B                  /* class code: base class */
#define PCI_HEADER_TYPE 0x0E
#define PCI_BAR0 0x10                   /* 6.2.5.1 "Address Maps": BARs 0-5 */
#define PCI_BAR_COUNT 6                 /* type 00h header */
#define PCI_BRIDGE_BAR_COUNT 2          /* type 01h header */
#define PCI_CAPABILITY_LIST 0x34        /* 6.7 "Capabilities List" pointer */
#define PCI_INTERRUPT_LINE 0x3C
#define PCI_INTERRUPT_PIN 0x3D

/* PCI-to-PCI Bridge Architecture Specification 1.2, "PCI-to-PCI Bridge
 * Configuration Space Header Format" (type 01h) */
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1A

/* 6.2.1 "Device Identification": Header Type */
#define PCI_HEADER_TYPE_MASK 0x7F       /* bits 6:0 layout */
#define PCI_HEADER_TYPE_NORMAL 0x00     /* type 00h: a device */
#define PCI_HEADER_TYPE_BRIDGE 0x01     /* type 01h: PCI-to-PCI bridge */
#define PCI_HEADER_TYPE_CARDBUS 0x02    /* type 02h: CardBus bridge */
#define PCI_HEADER_MULTIFUNCTION 0x80   /* bit 7: functions 1-7 may exist */

/* 6.2.2 "Device Control": Command register bits */
#define PCI_COMMAND_IO 0x0001           /* bit 0: I/O space decoding */
#define PCI_COMMAND_MEMORY 0x0002       /* bit 1: memory space decoding */
#define PCI_COMMAND_MASTER 0x0004       /* bit 2: bus master */
#define PCI_COMMAND_INTX_DISABLE 0x0400 /* bit 10: interrupt disable */

/* 6.2.3 "Device Status": Status register bits */
#define PCI_STATUS_CAP_LIST 0x0010      /* bit 4: capabilities list present */

/* 6.2.5.1 "Address Maps": base address register bits */
#define PCI_BAR_IO 0x1                  /* bit 0: I/O space indicator */
#define PCI_BAR_IO_MASK 0xFFFFFFFCu     /* bits 31:2 I/O base */
#define PCI_BAR_MEM_TYPE_MASK 0x6       /* bits 2:1 memory type */
#define PCI_BAR_MEM_TYPE_32 0x0         /* 00: anywhere in 32-bit space */
#define PCI_BAR_MEM_TYPE_1M 0x2         /* 01: below 1 MiB (reserved in 3.0) */
#define PCI_BAR_MEM_TYPE_64 0x4         /* 10: anywhere in 64-bit space */
#define PCI_BAR_MEM_PREFETCH 0x8        /* bit 3: prefetchable */
#define PCI_BAR_MEM_MASK 0xFFFFFFF0u    /* bits 31:4 memory base */

/* 6.7 "Capabilities List" and Appendix H "Capability IDs" */
#define PCI_CAP_ID 0x00                 /* capability id byte */
#define PCI_CAP_NEXT 0x01               /* next pointer byte */
#define PCI_CAP_PTR_MASK 0xFC           /* pointers are dword aligned */
#define PCI_CAP_LIST_MAX 48             /* (256 - 64) / 4: bounds a looping list */
#define PCI_CAP_ID_PM 0x01              /* PCI power management */
#define PCI_CAP_ID_MSI 0x05             /* message signaled interrupts */
#define PCI_CAP_ID_VENDOR 0x09          /* vendor specific */
#define PCI_CAP_ID_PCIE 0x10            /* PCI Express */
#define PCI_CAP_ID_MSIX 0x11            /* MSI-X */

/* 6.8.1 "MSI Capability Structure": offsets from the capability */
#define PCI_MSI_CONTROL 0x02            /* 16 bits, 6.8.1.3 "Message Control for MSI" */
#define PCI_MSI_ADDRESS_LO 0x04         /* 6.8.1.4 "Message Address for MSI" */
#define PCI_MSI_ADDRESS_HI 0x08         /* 6.8.1.5 "Message Upper Address for MSI" */
#define PCI_MSI_DATA_32 0x08            /* 6.8.1.6 "Message Data for MSI", 32-bit */
#define PCI_MSI_DATA_64 0x0C            /* 6.8.1.6 "Message Data for MSI", 64-bit */
#define PCI_MSI_MASK_32 0x0C            /* 6.8.1.7 "Mask Bits for MSI", 32-bit */
#define PCI_MSI_MASK_64 0x10            /* 6.8.1.7 "Mask Bits for MSI", 64-bit */
#define PCI_MSI_CONTROL_ENABLE 0x0001   /* bit 0: MSI enable */
#define PCI_MSI_CONTROL_MME_MASK 0x0070 /* bits 6:4: multiple message enable */
#define PCI_MSI_CONTROL_64BIT 0x0080    /* bit 7: 64-bit address capable */
#define PCI_MSI_CONTROL_MASKABLE 0x0100 /* bit 8: per-vector masking capable */

/* 6.8.2 "MSI-X Capability and Table Structure" */
#define PCI_MSIX_CONTROL 0x02           /* 16 bits, 6.8.2.3 "Message Control for MSI-X" */
#define PCI_MSIX_CONTROL_ENABLE 0x8000  /* bit 15: MSI-X enable */

/* Intel SDM Vol 3, 11.11.1 "Message Address Register Format" and 11.11.2
 * "Message Data Register Format" (where an MSI lands on x86) */
#define MSI_ADDRESS_BASE 0xFEE00000u    /* bits 31:20 FEEh */
#define MSI_ADDRESS_DEST_SHIFT 12       /* bits 19:12 destination APIC id */
#define MSI_DATA_VECTOR_MASK 0xFF       /* bits 7:0; delivery mode 000b fixed,
					 * bit 15 trigger 0 = edge */

/* D.1 "Base Class Codes" (a few, for the device report) */
#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_HOST_BRIDGE 0x00

#endif
