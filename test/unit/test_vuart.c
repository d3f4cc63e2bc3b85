// sources: hv/vdev/uart16550.c hv/io_bus.c
/*
 * hv/vdev/uart16550.c: reset values, untranslated output, the divisor
 * latch, the THRE interrupt sequence, receive FIFO and overrun, FIFO trigger
 * levels, loopback, modem status, interrupt priority, and bus attachment.
 */
#include "vdev_helpers.h"

#include "hv/vdev/uart16550.h"

#define COM1 VUART_COM1_BASE
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

#define OUT_MAX 256

struct fixture {
	struct vuart u;
	struct io_bus bus;
	struct irq_rec irq;
	u8 out[OUT_MAX];
	unsigned out_len;
};

static void record_output(void *ctx, u8 byte)
{
	struct fixture *f = ctx;

	assert_true(f->out_len < OUT_MAX);
	f->out[f->out_len++] = byte;
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->bus);
	vuart_init(&f->u, irq_rec_line(&f->irq, VUART_COM1_IRQ), record_output, f);
	assert_int_equal(vuart_attach(&f->u, &f->bus, COM1), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static bool irq_high(struct fixture *f)
{
	return f->irq.level[VUART_COM1_IRQ];
}

static void test_reset_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(bus_inb(&f->bus, IER), 0x00);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);
	assert_int_equal(bus_inb(&f->bus, LCR), 0x00);
	assert_int_equal(bus_inb(&f->bus, MCR), 0x00);
	assert_int_equal(bus_inb(&f->bus, LSR), 0x60);
	assert_int_equal(bus_inb(&f->bus, MSR), 0xB0);
	assert_false(irq_high(f));
	assert_int_equal(f->irq.sets[VUART_COM1_IRQ], 0);
	/* a second attach at the same ports is refused */
	assert_int_equal(vuart_attach(&f->u, &f->bus, COM1), -EEXIST);
}

static void test_output_untranslated(void **state)
{
	struct fixture *f = *state;
	static const u8 bytes[] = { 'h', 'i', '\n', '\r', 0x00, 0xFF, 0x1B };

	for (unsigned i = 0; i < sizeof(bytes); i++) {
		bus_outb(&f->bus, THR, bytes[i]);
		/* instantaneous transmission: always empty */
		assert_int_equal(bus_inb(&f->bus, LSR) & 0x60, 0x60);
	}
	assert_int_equal(f->out_len, sizeof(bytes));
	assert_memory_equal(f->out, bytes, sizeof(bytes));
	assert_int_equal(f->u.stats.tx_bytes, sizeof(bytes));
	/* with interrupts disabled the line never moves */
	assert_int_equal(f->irq.rises[VUART_COM1_IRQ], 0);
}

static void test_divisor_latch(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, IER, 0x05);
	bus_outb(&f->bus, LCR, 0x83);
	assert_int_equal(bus_inb(&f->bus, DLL), 0x0C); /* 9600 bps at power-on */
	bus_outb(&f->bus, DLL, 0x01);
	bus_outb(&f->bus, DLM, 0x02);
	assert_int_equal(bus_inb(&f->bus, DLL), 0x01);
	assert_int_equal(bus_inb(&f->bus, DLM), 0x02);
	assert_int_equal(f->out_len, 0); /* DLL write is not a THR write */
	bus_outb(&f->bus, LCR, 0x03);
	assert_int_equal(bus_inb(&f->bus, LCR), 0x03);
	assert_int_equal(bus_inb(&f->bus, IER), 0x05); /* IER untouched by DLM write */
	/* the divisor survives a master reset, the rest does not */
	vuart_reset(&f->u);
	assert_int_equal(bus_inb(&f->bus, LCR), 0x00);
	assert_int_equal(bus_inb(&f->bus, IER), 0x00);
	bus_outb(&f->bus, LCR, 0x80);
	assert_int_equal(bus_inb(&f->bus, DLL), 0x01);
	assert_int_equal(bus_inb(&f->bus, DLM), 0x02);
}

static void test_thre_interrupt_sequence(void **state)
{
	struct fixture *f = *state;
	const unsigned irq = VUART_COM1_IRQ;

	/* enabling ETBEI with THR empty raises the THRE interrupt */
	bus_outb(&f->bus, IER, 0x02);
	assert_true(irq_high(f));
	assert_int_equal(f->irq.rises[irq], 1);
	/* reading IIR identifies and clears it */
	assert_int_equal(bus_inb(&f->bus, IIR), 0x02);
	assert_false(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);

	/* each THR write: cleared by the write, set again when the byte left,
	 * so an edge-triggered PIC sees a new rising edge */
	bus_outb(&f->bus, THR, 'a');
	assert_true(irq_high(f));
	assert_int_equal(f->irq.rises[irq], 2);
	bus_outb(&f->bus, THR, 'b');
	assert_int_equal(f->irq.rises[irq], 3);
	assert_int_equal(f->irq.falls[irq], 2);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x02);
	assert_false(irq_high(f));

	/* re-enabling ETBEI re-arms; disabling it drops the request */
	bus_outb(&f->bus, IER, 0x00);
	bus_outb(&f->bus, IER, 0x02);
	assert_true(irq_high(f));
	bus_outb(&f->bus, IER, 0x00);
	assert_false(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);
	/* rewriting IER with ETBEI already set does not re-arm */
	bus_outb(&f->bus, IER, 0x02);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x02);
	bus_outb(&f->bus, IER, 0x02);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);
	assert_memory_equal(f->out, "ab", 2);
}

static void test_receive_and_data_ready(void **state)
{
	struct fixture *f = *state;
	const unsigned irq = VUART_COM1_IRQ;

	assert_true(vuart_receive(&f->u, 'x'));
	assert_false(irq_high(f)); /* ERBFI off */
	assert_int_equal(bus_inb(&f->bus, LSR), 0x61);
	bus_outb(&f->bus, IER, 0x01);
	assert_true(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, IIR), 0x04);
	assert_true(vuart_receive(&f->u, 'y'));
	assert_int_equal(vuart_rx_room(&f->u), 0); /* 16450 mode: its one byte is taken */
	assert_int_equal(bus_inb(&f->bus, RBR), 'x');
	assert_true(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, RBR), 'y');
	assert_false(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, LSR), 0x60);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);
	/* an empty FIFO repeats the last byte, harmlessly */
	assert_int_equal(bus_inb(&f->bus, RBR), 'y');
	assert_int_equal(f->irq.rises[irq], 1);
	assert_int_equal(f->u.stats.rx_bytes, 2);
}

static void test_fifo_overrun(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, FCR, 0x07);
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++)
		assert_true(vuart_receive(&f->u, (u8)('A' + i)));
	assert_int_equal(vuart_rx_room(&f->u), 0);
	assert_false(vuart_receive(&f->u, '!'));
	assert_false(vuart_receive(&f->u, '?'));
	assert_int_equal(f->u.stats.rx_dropped, 2);

	/* line status interrupt outranks received data */
	bus_outb(&f->bus, IER, 0x05);
	assert_true(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, IIR), 0xC6);
	assert_int_equal(bus_inb(&f->bus, LSR), 0x63); /* DR | OE | THRE | TEMT */
	assert_int_equal(bus_inb(&f->bus, LSR), 0x61); /* OE cleared by the read */
	assert_int_equal(bus_inb(&f->bus, IIR), 0xC4);
	/* the FIFO kept the first 16 bytes in order; the overflow was lost */
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++)
		assert_int_equal(bus_inb(&f->bus, RBR), 'A' + i);
	assert_int_equal(bus_inb(&f->bus, LSR), 0x60);
	assert_false(irq_high(f));
}

static void test_fifo_trigger_and_timeout(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(bus_inb(&f->bus, IIR) & 0xC0, 0x00);
	bus_outb(&f->bus, FCR, 0x41); /* enable, trigger level 4 */
	assert_int_equal(bus_inb(&f->bus, IIR), 0xC1);
	bus_outb(&f->bus, IER, 0x01);
	for (unsigned i = 0; i < 3; i++)
		vuart_receive(&f->u, (u8)i);
	/* below the trigger level: character timeout indication */
	assert_int_equal(bus_inb(&f->bus, IIR), 0xCC);
	vuart_receive(&f->u, 3);
	assert_int_equal(bus_inb(&f->bus, IIR), 0xC4);
	bus_inb(&f->bus, RBR);
	assert_int_equal(bus_inb(&f->bus, IIR), 0xCC);

	/* FCR1 clears the receiver FIFO; the enable bit must stay set */
	bus_outb(&f->bus, FCR, 0x43);
	assert_int_equal(vuart_rx_room(&f->u), VUART_FIFO_SIZE);
	assert_int_equal(bus_inb(&f->bus, IIR), 0xC1);
	assert_false(irq_high(f));

	/* clearing FCR0 leaves FIFO mode and empties the FIFO */
	vuart_receive(&f->u, 'z');
	bus_outb(&f->bus, FCR, 0x00);
	assert_int_equal(vuart_rx_room(&f->u), 1); /* 16450 mode, empty */
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);
	/* 16450 mode: any byte is "data available" */
	vuart_receive(&f->u, 'z');
	assert_int_equal(bus_inb(&f->bus, IIR), 0x04);
	/* bits other than FCR0 are ignored while FCR0 is clear */
	bus_outb(&f->bus, FCR, 0xC0);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x04);
}

static void test_loopback(void **state)
{
	struct fixture *f = *state;

	/* Linux's 8250 probe: loopback with RTS|OUT2 reads CTS|DCD */
	bus_outb(&f->bus, MCR, 0x1A);
	assert_int_equal(bus_inb(&f->bus, MSR) & 0xF0, 0x90);
	bus_outb(&f->bus, MCR, 0x1F);
	assert_int_equal(bus_inb(&f->bus, MSR) & 0xF0, 0xF0);

	/* transmitted bytes come back on the receiver, none go out */
	bus_outb(&f->bus, THR, 0x55);
	bus_outb(&f->bus, THR, 0xAA);
	assert_int_equal(f->out_len, 0);
	assert_int_equal(bus_inb(&f->bus, LSR) & 0x01, 0x01);
	assert_int_equal(bus_inb(&f->bus, RBR), 0x55);
	assert_int_equal(bus_inb(&f->bus, RBR), 0xAA);
	/* the serial input is disconnected */
	assert_false(vuart_receive(&f->u, 'q'));
	assert_int_equal(bus_inb(&f->bus, LSR), 0x60);

	/* leaving loopback: transmit goes out again */
	bus_outb(&f->bus, MCR, 0x0B);
	bus_outb(&f->bus, THR, 'k');
	assert_int_equal(f->out_len, 1);
	assert_int_equal(f->out[0], 'k');
	assert_int_equal(bus_inb(&f->bus, MCR), 0x0B);
	bus_outb(&f->bus, MCR, 0xFF);
	assert_int_equal(bus_inb(&f->bus, MCR), 0x1F); /* bits 7:5 read 0 */
}

static void test_modem_status_interrupt(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, IER, 0x08);
	assert_false(irq_high(f));
	bus_outb(&f->bus, MCR, 0x10); /* loopback, all outputs off: inputs drop */
	assert_true(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, IIR), 0x00);
	/* CTS, DSR, DCD changed; RI did not */
	assert_int_equal(bus_inb(&f->bus, MSR), 0x0B);
	assert_false(irq_high(f));
	assert_int_equal(bus_inb(&f->bus, MSR), 0x00);
	/* ring indicator: only its trailing edge sets TERI */
	bus_outb(&f->bus, MCR, 0x14);
	assert_int_equal(bus_inb(&f->bus, MSR), 0x40);
	bus_outb(&f->bus, MCR, 0x10);
	assert_int_equal(bus_inb(&f->bus, MSR), 0x04);
}

static void test_interrupt_priority(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, IER, 0x0F);
	bus_outb(&f->bus, MCR, 0x10); /* modem status change */
	for (unsigned i = 0; i <= VUART_FIFO_SIZE; i++)
		vuart_receive(&f->u, 'r'); /* data and, in loopback, all dropped */
	bus_outb(&f->bus, MCR, 0x00);
	for (unsigned i = 0; i <= VUART_FIFO_SIZE; i++)
		vuart_receive(&f->u, 'r'); /* fills, then overruns */
	assert_int_equal(bus_inb(&f->bus, IIR), 0x06);
	bus_inb(&f->bus, LSR);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x04);
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++)
		bus_inb(&f->bus, RBR);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x02);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x00);
	bus_inb(&f->bus, MSR);
	assert_int_equal(bus_inb(&f->bus, IIR), 0x01);
	assert_false(irq_high(f));
}

static void test_scratch_and_wide_access(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, SCR, 0x5A);
	assert_int_equal(bus_inb(&f->bus, SCR), 0x5A);
	/* a 16-bit write at LCR reaches LCR and MCR as two byte cycles */
	bus_out(&f->bus, LCR, 2, 0x0B03);
	assert_int_equal(bus_inb(&f->bus, LCR), 0x03);
	assert_int_equal(bus_inb(&f->bus, MCR), 0x0B);
	/* a 32-bit read at LSR straddles the end: LSR, MSR, SCR, then nothing */
	assert_int_equal(bus_in(&f->bus, LSR, 4), 0xFF5AB060);
	/* direct register numbers beyond the UART read as a floating bus */
	assert_int_equal(vuart_read(&f->u, 8), 0xFF);
	vuart_write(&f->u, 99, 0x12);
}

/* Random accesses of every size to every port, interleaved with input:
 * nothing may crash and the FIFO bookkeeping must stay consistent. */
static void test_random_accesses(void **state)
{
	struct fixture *f = *state;
	u64 seed = 0x1234567;
	static const u8 sizes[] = { 1, 2, 4 };

	for (unsigned i = 0; i < 200000; i++) {
		u64 r = vdev_rand(&seed);
		u16 port = (u16)(COM1 - 2 + (r % 12));
		u8 size = sizes[(r >> 8) % 3];
		u64 value = r >> 16;

		switch ((r >> 4) % 4) {
		case 0:
			bus_in(&f->bus, port, size);
			break;
		case 1:
			bus_out(&f->bus, port, size, value);
			break;
		case 2:
			vuart_receive(&f->u, (u8)value);
			break;
		default:
			f->out_len = 0;
			break;
		}
		assert_true(f->u.rx_count <= VUART_FIFO_SIZE);
		assert_true(f->u.rx_head < VUART_FIFO_SIZE);
		assert_int_equal(f->irq.level[VUART_COM1_IRQ], f->u.irq_level);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_untranslated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_divisor_latch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thre_interrupt_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_and_data_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_overrun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_trigger_and_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modem_status_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_and_wide_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_accesses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
