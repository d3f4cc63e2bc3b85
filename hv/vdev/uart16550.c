/*
 * Guest 16550A UART model. Register layout and bits: National Semiconductor
 * PC16550D datasheet, "Register Description" (Table II) and "FIFO Control
 * Register"; interrupt priorities: Table IV, "Interrupt Control Functions".
 */
#include "hv/vdev/uart16550.h"

#include <string.h>

/* Register offsets from the base (PC16550D, Register Description, Table II). */
enum vuart_reg {
	REG_RBR_THR = 0, /* receiver buffer (read) / transmitter holding (write); DLL when DLAB=1 */
	REG_IER = 1,     /* interrupt enable; DLM when DLAB=1 */
	REG_IIR_FCR = 2, /* interrupt identification (read) / FIFO control (write) */
	REG_LCR = 3,     /* line control */
	REG_MCR = 4,     /* modem control */
	REG_LSR = 5,     /* line status */
	REG_MSR = 6,     /* modem status */
	REG_SCR = 7,     /* scratch */
};

/* Interrupt Enable Register (PC16550D, Register Description, IER). */
#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK 0x0F  /* bits 7:4 are always 0 */

/* Interrupt Identification Register (PC16550D, Table IV). */
#define IIR_NONE 0x01      /* no interrupt pending */
#define IIR_MSR 0x00       /* modem status (4th priority) */
#define IIR_THRE 0x02      /* transmitter holding register empty (3rd) */
#define IIR_RDA 0x04       /* received data available (2nd) */
#define IIR_RLS 0x06       /* receiver line status (1st, highest) */
#define IIR_CTI 0x0C       /* character timeout indication (2nd) */
#define IIR_FIFO_BITS 0xC0 /* bits 7:6 set when FCR0 is set */

/* FIFO Control Register (PC16550D, Register Description, FCR). */
#define FCR_ENABLE 0x01       /* FCR0: enable both FIFOs */
#define FCR_RX_RESET 0x02     /* FCR1: clear the receiver FIFO (self-clearing) */
#define FCR_TX_RESET 0x04     /* FCR2: clear the transmitter FIFO (self-clearing) */
#define FCR_DMA_MODE 0x08     /* FCR3: RXRDY/TXRDY mode 1 */
#define FCR_TRIGGER 0xC0      /* FCR7:6: receiver FIFO trigger level */
#define FCR_TRIGGER_SHIFT 6
#define FCR_KEPT (FCR_ENABLE | FCR_DMA_MODE | FCR_TRIGGER)

/* Line Control Register (PC16550D, Register Description, LCR). */
#define LCR_DLAB 0x80 /* divisor latch access bit */

/* Modem Control Register (PC16550D, Register Description, MCR). */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10 /* local loopback diagnostic mode */
#define MCR_MASK 0x1F /* bits 7:5 are always 0 */

/* Line Status Register (PC16550D, Register Description, LSR). */
#define LSR_DR 0x01   /* data ready */
#define LSR_OE 0x02   /* overrun error */
#define LSR_PE 0x04   /* parity error */
#define LSR_FE 0x08   /* framing error */
#define LSR_BI 0x10   /* break interrupt */
#define LSR_THRE 0x20 /* transmitter holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

/* Modem Status Register (PC16550D, Register Description, MSR). */
#define MSR_DCTS 0x01 /* delta clear to send */
#define MSR_DDSR 0x02 /* delta data set ready */
#define MSR_TERI 0x04 /* trailing edge ring indicator */
#define MSR_DDCD 0x08 /* delta data carrier detect */
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_DELTAS 0x0F
/* Modem inputs outside loopback: a terminal that is present and ready
 * (what QEMU's serial port reports). */
#define MSR_LINE_INPUTS (MSR_DCD | MSR_DSR | MSR_CTS)

/* The divisor latch survives a master reset (PC16550D, "UART Reset
 * Configuration"); power-on gets 9600 bps from the 1.8432 MHz clock. */
#define DIVISOR_9600_LOW 0x0C

#define OPEN_BUS 0xFF /* a read nothing answers */

static const u8 rx_trigger_levels[4] = { 1, 4, 8, 14 }; /* FCR7:6 = 00..11 */

static bool fifo_enabled(const struct vuart *u)
{
	return u->fcr & FCR_ENABLE;
}

static bool dlab(const struct vuart *u)
{
	return u->lcr & LCR_DLAB;
}

/* The four modem input signals in MSR bit positions: wired to MCR outputs in
 * loopback (PC16550D, MCR bit 4), a ready terminal otherwise. */
static u8 modem_inputs(const struct vuart *u)
{
	u8 in = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_LINE_INPUTS;
	if (u->mcr & MCR_RTS)
		in |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		in |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		in |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		in |= MSR_DCD;
	return in;
}

/*
 * The highest-priority enabled interrupt (PC16550D, Table IV). The character
 * timeout is reported at once when the FIFO holds data below the trigger
 * level: the "four character times" without activity are taken as elapsed.
 */
static u8 pending_iir(const struct vuart *u)
{
	if ((u->ier & IER_ELSI) && (u->lsr_err & LSR_ERRORS))
		return IIR_RLS;
	if ((u->ier & IER_ERBFI) && u->rx_count) {
		u8 trigger = rx_trigger_levels[u->fcr >> FCR_TRIGGER_SHIFT];

		if (!fifo_enabled(u) || u->rx_count >= trigger)
			return IIR_RDA;
		return IIR_CTI;
	}
	if ((u->ier & IER_ETBEI) && u->thre_pending)
		return IIR_THRE;
	if ((u->ier & IER_EDSSI) && (u->msr_delta & MSR_DELTAS))
		return IIR_MSR;
	return IIR_NONE;
}

/* Drives the interrupt line from the pending interrupts, on change only. */
static void update_irq(struct vuart *u)
{
	bool level = pending_iir(u) != IIR_NONE;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	irq_line_set(&u->irq, level);
}

static void rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Appends a byte to the receive FIFO; a full FIFO loses it and flags an
 * overrun (PC16550D, LSR bit 1: the FIFO contents are not overwritten). */
static bool rx_push(struct vuart *u, u8 byte)
{
	if (u->rx_count == VUART_FIFO_SIZE) {
		u->lsr_err |= LSR_OE;
		u->stats.rx_dropped++;
		return false;
	}
	u->rx_fifo[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = byte;
	u->rx_count++;
	u->stats.rx_bytes++;
	return true;
}

/* RBR read: pops the oldest byte; an empty FIFO repeats the last one. */
static u8 rx_pop(struct vuart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx_fifo[u->rx_head];
		u->rx_head = (u->rx_head + 1) % VUART_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr;
}

/*
 * THR write. The THRE interrupt is cleared by the write and, the byte being
 * sent at once, set again: an edge-triggered controller sees a new request.
 * In loopback the byte comes back on the receiver instead of going out.
 */
static void write_thr(struct vuart *u, u8 byte)
{
	u->thre_pending = false;
	update_irq(u);
	if (u->mcr & MCR_LOOP) {
		rx_push(u, byte);
	} else {
		u->stats.tx_bytes++;
		if (u->output)
			u->output(u->output_ctx, byte);
	}
	u->thre_pending = true;
	update_irq(u);
}

/* IER write: enabling ETBEI with THR empty (it always is) requests a THRE
 * interrupt; disabling it drops the request. */
static void write_ier(struct vuart *u, u8 value)
{
	u8 changed = (u->ier ^ value) & IER_MASK;

	u->ier = value & IER_MASK;
	if (changed & IER_ETBEI)
		u->thre_pending = u->ier & IER_ETBEI;
}

/* FCR write: FCR0 must be set for the other bits to take; toggling FCR0
 * clears both FIFOs (PC16550D, FIFO Control Register). */
static void write_fcr(struct vuart *u, u8 value)
{
	u8 next = (value & FCR_ENABLE) ? (value & FCR_KEPT) : 0;

	if ((next ^ u->fcr) & FCR_ENABLE)
		rx_clear(u);
	else if (value & FCR_RX_RESET)
		rx_clear(u);
	/* FCR_TX_RESET: the transmitter is always empty. */
	u->fcr = next;
}

/* MCR write: changes of the modem inputs it loops back latch MSR deltas. */
static void write_mcr(struct vuart *u, u8 value)
{
	u8 before = modem_inputs(u), after, changed;

	u->mcr = value & MCR_MASK;
	after = modem_inputs(u);
	changed = before ^ after;
	if (changed & MSR_CTS)
		u->msr_delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_delta |= MSR_DDSR;
	if ((before & MSR_RI) && !(after & MSR_RI))
		u->msr_delta |= MSR_TERI;
	if (changed & MSR_DCD)
		u->msr_delta |= MSR_DDCD;
}

/* IIR read: identifies the top interrupt; reading a THRE identification
 * clears it (PC16550D, Table IV, "Interrupt Reset Control"). */
static u8 read_iir(struct vuart *u)
{
	u8 id = pending_iir(u);

	if (id == IIR_THRE)
		u->thre_pending = false;
	return id | (fifo_enabled(u) ? IIR_FIFO_BITS : 0);
}

/* LSR read clears the error bits (and so the line status interrupt). */
static u8 read_lsr(struct vuart *u)
{
	u8 lsr = u->lsr_err | LSR_THRE | LSR_TEMT;

	if (u->rx_count)
		lsr |= LSR_DR;
	u->lsr_err = 0;
	return lsr;
}

static u8 read_msr(struct vuart *u)
{
	u8 msr = modem_inputs(u) | u->msr_delta;

	u->msr_delta = 0;
	return msr;
}

void vuart_reset(struct vuart *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr_err = 0;
	u->fcr = 0;
	u->msr_delta = 0;
	u->rbr = 0;
	rx_clear(u);
	u->thre_pending = false;
	update_irq(u);
}

void vuart_init(struct vuart *u, struct irq_line irq, vuart_output_fn output, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->irq = irq;
	u->output = output;
	u->output_ctx = ctx;
	u->dll = DIVISOR_9600_LOW;
	vuart_reset(u);
}

u8 vuart_read(struct vuart *u, unsigned reg)
{
	u8 value;

	switch (reg) {
	case REG_RBR_THR:
		value = dlab(u) ? u->dll : rx_pop(u);
		break;
	case REG_IER:
		value = dlab(u) ? u->dlm : u->ier;
		break;
	case REG_IIR_FCR:
		value = read_iir(u);
		break;
	case REG_LCR:
		value = u->lcr;
		break;
	case REG_MCR:
		value = u->mcr;
		break;
	case REG_LSR:
		value = read_lsr(u);
		break;
	case REG_MSR:
		value = read_msr(u);
		break;
	case REG_SCR:
		value = u->scr;
		break;
	default:
		return OPEN_BUS; /* not a UART register */
	}
	update_irq(u);
	return value;
}

void vuart_write(struct vuart *u, unsigned reg, u8 value)
{
	switch (reg) {
	case REG_RBR_THR:
		if (dlab(u))
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case REG_IER:
		if (dlab(u))
			u->dlm = value;
		else
			write_ier(u, value);
		break;
	case REG_IIR_FCR:
		write_fcr(u, value);
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		write_mcr(u, value);
		break;
	case REG_SCR:
		u->scr = value;
		break;
	default: /* LSR and MSR writes (factory test) are ignored */
		return;
	}
	update_irq(u);
}

bool vuart_receive(struct vuart *u, u8 byte)
{
	bool queued = false;

	if (u->mcr & MCR_LOOP) /* the serial input is disconnected */
		u->stats.rx_dropped++;
	else
		queued = rx_push(u, byte);
	update_irq(u);
	return queued;
}

unsigned vuart_rx_room(const struct vuart *u)
{
	if (!fifo_enabled(u)) /* 16450 mode: one receiver buffer register */
		return u->rx_count ? 0 : 1;
	return VUART_FIFO_SIZE - u->rx_count;
}

/* A wider port access reaches the 8-bit UART as byte cycles at successive
 * ports, as the ISA bus splits it. */
static u64 vuart_io_read(void *dev, u64 offset, u8 size)
{
	u64 value = 0;

	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 reg = offset + i;
		u8 byte = reg < VUART_NUM_REGS ? vuart_read(dev, reg) : OPEN_BUS;

		value |= (u64)byte << (8 * i);
	}
	return value;
}

static void vuart_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 reg = offset + i;

		if (reg < VUART_NUM_REGS)
			vuart_write(dev, reg, value >> (8 * i));
	}
}

int vuart_attach(struct vuart *u, struct io_bus *bus, u16 base)
{
	struct io_range range = {
		.base = base,
		.len = VUART_NUM_REGS,
		.dev = u,
		.read = vuart_io_read,
		.write = vuart_io_write,
		.name = "uart16550",
	};

	return io_bus_register(bus, &range);
}
