/* echoin: serial input. Takes COM1's receive interrupt (IRQ4, the FIFO's
 * trigger at 8 bytes, so short lines come by the character timeout) and
 * echoes every line it receives as "echoin: line N: TEXT" until a line
 * "end", then says how many bytes and lines came and their CRC-32. It
 * says "echoin: ready" first: input typed before that may be lost, as on
 * a real serial line whose receiver is not yet set up. Without "end"
 * within seconds= seconds (default 20) of guest time it fails. The PIT
 * ticks at 100 Hz for that clock; the guest sleeps with HLT, or with
 * spin=1 runs a loop writing memory without exits, so that input reaches
 * it between two exits of its own (an asynchronous event for a recording).
 * Deterministic lines: all but the timing. */
#include "cmdline.h"
#include "crc32.h"
#include "guest.h"
#include "pic.h"
#include "pit.h"

#define HZ 100
#define SECONDS_DEFAULT 20
#define LINE_MAX 120
#define INPUT_MAX 4096

/* PC16550D registers and bits (its "Register Description"). */
#define UART_RBR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_MCR 4
#define UART_LSR 5
#define IER_ERBFI 0x01      /* received data available interrupt */
#define FCR_ENABLE_TRIG8 0x87 /* FIFOs on, both cleared, RX trigger at 8 bytes */
#define MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the IRQ line on a PC */
#define LSR_DR 0x01
#define IRQ_COM1 4

static volatile u32 ticks;
static volatile u8 input[INPUT_MAX];
static volatile u32 input_len;
static volatile u32 interrupts, overruns;

static void on_irq0(struct trap_frame *f)
{
	(void)f;
	ticks++;
	pic_eoi(0);
}

/* Drains the receive FIFO (data available or character timeout). */
static void on_irq4(struct trap_frame *f)
{
	(void)f;
	interrupts++;
	(void)inb(COM1 + UART_IIR);
	while (inb(COM1 + UART_LSR) & LSR_DR) {
		u8 byte = inb(COM1 + UART_RBR);

		if (input_len < INPUT_MAX)
			input[input_len++] = byte;
		else
			overruns++;
	}
	pic_eoi(IRQ_COM1);
}

/* A decimal command-line value, or fallback when absent or 0. */
static u32 arg_u32(const char *key, u32 fallback)
{
	char buf[8];
	u32 v = 0;

	if (!cmdline_get(key, buf, sizeof(buf)) || !buf[0])
		return fallback;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (u32)(*p - '0');
	return v ? v : fallback;
}

static volatile u32 spin_area[1024];

/* Waits for an interrupt: HLT, or with spin a memory-writing loop with
 * interrupts on (no exit of its own), until the next tick or input. */
static void wait_for_interrupt(bool spin)
{
	u32 t = ticks, n = input_len;

	if (!spin) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		return;
	}
	sti();
	for (u32 i = 0; ticks == t && input_len == n; i++)
		spin_area[i % 1024] += i;
	cli();
}

/* Echoes the line input[from, to) (without its newline); true for "end". */
static bool echo_line(u32 n, u32 from, u32 to)
{
	char line[LINE_MAX + 1];
	u32 len = 0;

	for (u32 i = from; i < to && len < LINE_MAX; i++)
		if (input[i] != '\r')
			line[len++] = (char)input[i];
	line[len] = '\0';
	say("line %u: %s", n, line);
	return len == 3 && !memcmp(line, "end", 3);
}

int main(u32 magic, const struct mb_info *mbi)
{
	u32 deadline, seen = 0, lines = 0;
	bool ended = false, spin;

	guest_start("echoin", magic, mbi);
	deadline = arg_u32("seconds", SECONDS_DEFAULT) * HZ;
	spin = arg_u32("spin", 0) != 0;
	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
	idt_set_handler(PIC_VECTOR_BASE + 0, on_irq0);
	idt_set_handler(PIC_VECTOR_BASE + IRQ_COM1, on_irq4);
	outb(COM1 + UART_FCR, FCR_ENABLE_TRIG8);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	outb(COM1 + UART_IER, IER_ERBFI);
	pit_ch0_periodic(HZ);
	ticks = 0;
	pic_unmask(0);
	pic_unmask(IRQ_COM1);
	say("ready");
	cli();
	while (!ended && ticks < deadline) {
		u32 start = seen;

		for (; seen < input_len && !ended; seen++) {
			if (input[seen] != '\n')
				continue;
			ended = echo_line(++lines, start, seen);
			start = seen + 1;
		}
		seen = start;
		if (!ended)
			wait_for_interrupt(spin);
	}
	sti();
	pic_mask(IRQ_COM1);
	pic_mask(0);
	pit_ch0_stop();
	outb(COM1 + UART_IER, 0);
	check(ended, "a line \"end\" came");
	check(!overruns, "no byte beyond %u", INPUT_MAX);
	say("received %u lines, crc32 %08x of the bytes up to \"end\"", lines,
	    crc32((const void *)input, seen));
	vary("%u receive interrupts, %u bytes", interrupts, input_len);
	return (int)guest_done();
}
