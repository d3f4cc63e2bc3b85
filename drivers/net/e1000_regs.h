/*
 * Intel 8254x registers, bits and legacy descriptors. Section titles are
 * those of the "PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual" (8254x, 317453006), chapter 13 "General Register
 * Descriptions" unless given otherwise. Offsets are into BAR0's 128 KiB.
 */
#ifndef UNDERSTUDY_DRIVERS_NET_E1000_REGS_H
#define UNDERSTUDY_DRIVERS_NET_E1000_REGS_H

#include "compiler.h"
#include "types.h"

/* "Register Summary" */
enum e1000_reg {
	E1000_CTRL = 0x0000,     /* Device Control */
	E1000_STATUS = 0x0008,   /* Device Status */
	E1000_EECD = 0x0010,     /* EEPROM/Flash Control/Data */
	E1000_EERD = 0x0014,     /* EEPROM Read */
	E1000_CTRL_EXT = 0x0018, /* Extended Device Control */
	E1000_FCAL = 0x0028,     /* Flow Control Address Low */
	E1000_FCAH = 0x002C,     /* Flow Control Address High */
	E1000_FCT = 0x0030,      /* Flow Control Type */
	E1000_ICR = 0x00C0,      /* Interrupt Cause Read (clear on read) */
	E1000_ITR = 0x00C4,      /* Interrupt Throttling */
	E1000_IMS = 0x00D0,      /* Interrupt Mask Set/Read */
	E1000_IMC = 0x00D8,      /* Interrupt Mask Clear */
	E1000_RCTL = 0x0100,     /* Receive Control */
	E1000_FCTTV = 0x0170,    /* Flow Control Transmit Timer Value */
	E1000_TCTL = 0x0400,     /* Transmit Control */
	E1000_TIPG = 0x0410,     /* Transmit IPG */
	E1000_RDBAL = 0x2800,    /* Receive Descriptor Base Address Low */
	E1000_RDBAH = 0x2804,    /* Receive Descriptor Base Address High */
	E1000_RDLEN = 0x2808,    /* Receive Descriptor Length */
	E1000_RDH = 0x2810,      /* Receive Descriptor Head */
	E1000_RDT = 0x2818,      /* Receive Descriptor Tail */
	E1000_RDTR = 0x2820,     /* Receive Delay Timer */
	E1000_RADV = 0x282C,     /* Receive Interrupt Absolute Delay Timer */
	E1000_TDBAL = 0x3800,    /* Transmit Descriptor Base Address Low */
	E1000_TDBAH = 0x3804,    /* Transmit Descriptor Base Address High */
	E1000_TDLEN = 0x3808,    /* Transmit Descriptor Length */
	E1000_TDH = 0x3810,      /* Transmit Descriptor Head */
	E1000_TDT = 0x3818,      /* Transmit Descriptor Tail */
	E1000_TIDV = 0x3820,     /* Transmit Interrupt Delay Value */
	E1000_MTA = 0x5200,      /* Multicast Table Array, 128 dwords */
	E1000_RAL0 = 0x5400,     /* Receive Address Low, entry 0 */
	E1000_RAH0 = 0x5404,     /* Receive Address High, entry 0 */
	E1000_RAL1 = 0x5408,     /* Receive Address Low, entry 1 (entry n at 0x5400 + 8n) */
	E1000_RAH1 = 0x540C,     /* Receive Address High, entry 1 */
};

#define E1000_MTA_ENTRIES 128

/* "Statistics Registers" (all clear on read; 64-bit ones: read low, then
 * high) */
enum e1000_stat_reg {
	E1000_CRCERRS = 0x4000,  /* CRC Error Count */
	E1000_ALGNERRC = 0x4004, /* Alignment Error Count */
	E1000_RXERRC = 0x400C,   /* RX Error Count */
	E1000_MPC = 0x4010,      /* Missed Packets Count */
	E1000_ECOL = 0x4018,     /* Excessive Collisions Count */
	E1000_LATECOL = 0x4020,  /* Late Collisions Count */
	E1000_COLC = 0x4028,     /* Collision Count */
	E1000_RLEC = 0x4040,     /* Receive Length Error Count */
	E1000_GPRC = 0x4074,     /* Good Packets Received Count */
	E1000_BPRC = 0x4078,     /* Broadcast Packets Received Count */
	E1000_GPTC = 0x4080,     /* Good Packets Transmitted Count */
	E1000_GORCL = 0x4088,    /* Good Octets Received Count, low */
	E1000_GORCH = 0x408C,    /* Good Octets Received Count, high */
	E1000_GOTCL = 0x4090,    /* Good Octets Transmitted Count, low */
	E1000_GOTCH = 0x4094,    /* Good Octets Transmitted Count, high */
	E1000_RNBC = 0x40A0,     /* Receive No Buffers Count */
	E1000_TPR = 0x40D0,      /* Total Packets Received */
	E1000_TPT = 0x40D4,      /* Total Packets Transmitted */
};

/* "Device Control Register" (CTRL) */
#define E1000_CTRL_LRST BIT(3)      /* link reset */
#define E1000_CTRL_ASDE BIT(5)      /* auto-speed detection enable */
#define E1000_CTRL_SLU BIT(6)       /* set link up */
#define E1000_CTRL_ILOS BIT(7)      /* invert loss-of-signal */
#define E1000_CTRL_FRCSPD BIT(11)   /* force speed */
#define E1000_CTRL_FRCDPLX BIT(12)  /* force duplex */
#define E1000_CTRL_RST BIT(26)      /* device reset, self-clearing */
#define E1000_CTRL_VME BIT(30)      /* VLAN mode enable */
#define E1000_CTRL_PHY_RST BIT(31)  /* PHY reset */

/* "Device Status Register" (STATUS) */
#define E1000_STATUS_FD BIT(0)      /* full duplex */
#define E1000_STATUS_LU BIT(1)      /* link up */
#define E1000_STATUS_SPEED_SHIFT 6  /* bits 7:6: 00 10, 01 100, 1x 1000 Mb/s */
#define E1000_STATUS_SPEED_MASK 0x3

/* "EEPROM Read Register" (EERD), 82540EM/82545EM layout */
#define E1000_EERD_START BIT(0)     /* start read */
#define E1000_EERD_DONE BIT(4)      /* read done */
#define E1000_EERD_ADDR_SHIFT 8     /* bits 15:8 word address */
#define E1000_EERD_DATA_SHIFT 16    /* bits 31:16 data */
/* 5.6 "EEPROM Address Map": words 00h-02h hold the Ethernet address */
#define E1000_EEPROM_MAC_WORD0 0x00

/* "Interrupt Cause Read Register" (ICR) and the mask registers' bits */
#define E1000_ICR_TXDW BIT(0)       /* transmit descriptor written back */
#define E1000_ICR_LSC BIT(2)        /* link status change */
#define E1000_ICR_RXDMT0 BIT(4)     /* receive descriptor minimum threshold */
#define E1000_ICR_RXO BIT(6)        /* receiver overrun */
#define E1000_ICR_RXT0 BIT(7)       /* receiver timer interrupt */
#define E1000_IMC_ALL 0xFFFFFFFFu

/* "Receive Control Register" (RCTL) */
#define E1000_RCTL_EN BIT(1)        /* receiver enable */
#define E1000_RCTL_UPE BIT(3)       /* unicast promiscuous */
#define E1000_RCTL_MPE BIT(4)       /* multicast promiscuous */
#define E1000_RCTL_LPE BIT(5)       /* long packet enable */
#define E1000_RCTL_LBM_NONE (0u << 6)   /* bits 7:6 loopback mode: none */
#define E1000_RCTL_RDMTS_HALF (0u << 8) /* bits 9:8 threshold: 1/2 of RDLEN */
#define E1000_RCTL_BAM BIT(15)      /* broadcast accept mode */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* bits 17:16 with BSEX = 0 */
#define E1000_RCTL_SECRC BIT(26)    /* strip Ethernet CRC */

/* "Transmit Control Register" (TCTL) */
#define E1000_TCTL_EN BIT(1)        /* transmit enable */
#define E1000_TCTL_PSP BIT(3)       /* pad short packets */
#define E1000_TCTL_CT_SHIFT 4       /* bits 11:4 collision threshold */
#define E1000_TCTL_CT_DEFAULT 0x0F  /* the manual's recommended 15 */
#define E1000_TCTL_COLD_SHIFT 12    /* bits 21:12 collision distance */
#define E1000_TCTL_COLD_FULL 0x40   /* 64 byte times, full duplex */

/* "Transmit IPG Register" (TIPG): IEEE 802.3 values for the 82540EM's
 * copper interface: IPGT 10, IPGR1 8, IPGR2 6 */
#define E1000_TIPG_IPGT 10
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR1 8
#define E1000_TIPG_IPGR2_SHIFT 20
#define E1000_TIPG_IPGR2 6

/* "Receive Address High" (RAH) */
#define E1000_RAH_AV BIT(31)        /* address valid */

/* 3.2.3 "Receive Descriptor Format": legacy receive descriptor */
struct e1000_rx_desc {
	u64 addr;      /* buffer address */
	u16 length;    /* bytes written to the buffer */
	u16 checksum;  /* packet checksum */
	u8 status;
	u8 errors;
	u16 special;
} __packed;
ASSERT_SIZE(struct e1000_rx_desc, 16);
ASSERT_OFFSET(struct e1000_rx_desc, length, 8);
ASSERT_OFFSET(struct e1000_rx_desc, status, 12);
ASSERT_OFFSET(struct e1000_rx_desc, errors, 13);

/* "Receive Descriptor Status Field" */
#define E1000_RXD_STAT_DD BIT(0)    /* descriptor done */
#define E1000_RXD_STAT_EOP BIT(1)   /* end of packet */
/* "Receive Descriptor Errors Field" */
#define E1000_RXD_ERR_CE BIT(0)     /* CRC or alignment error */
#define E1000_RXD_ERR_SE BIT(1)     /* symbol error */
#define E1000_RXD_ERR_SEQ BIT(2)    /* sequence error */
#define E1000_RXD_ERR_CXE BIT(4)    /* carrier extension error */
#define E1000_RXD_ERR_RXE BIT(7)    /* RX data error */
#define E1000_RXD_ERR_FRAME (E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | \
			     E1000_RXD_ERR_CXE | E1000_RXD_ERR_RXE)

/* 3.3.3 "Legacy Transmit Descriptor Format" */
struct e1000_tx_desc {
	u64 addr;      /* buffer address */
	u16 length;    /* bytes to send */
	u8 cso;        /* checksum offset */
	u8 cmd;
	u8 status;
	u8 css;        /* checksum start */
	u16 special;
} __packed;
ASSERT_SIZE(struct e1000_tx_desc, 16);
ASSERT_OFFSET(struct e1000_tx_desc, cmd, 11);
ASSERT_OFFSET(struct e1000_tx_desc, status, 12);

/* "Transmit Descriptor Command Field" */
#define E1000_TXD_CMD_EOP BIT(0)    /* end of packet */
#define E1000_TXD_CMD_IFCS BIT(1)   /* insert FCS */
#define E1000_TXD_CMD_RS BIT(3)     /* report status (sets DD) */
/* "Transmit Descriptor Status Field" */
#define E1000_TXD_STAT_DD BIT(0)    /* descriptor done */
#define E1000_TXD_STAT_EC BIT(1)    /* excess collisions */
#define E1000_TXD_STAT_LC BIT(2)    /* late collision */

/* "Receive Descriptor Length" / "Transmit Descriptor Length": multiples of
 * 128 bytes; the base 16-byte aligned */
#define E1000_RING_LEN_ALIGN 128

#endif
