// sources: hv/vdev/pci_host.c hv/io_bus.c
/*
 * hv/vdev/pci_host.c: configuration mechanism 1 through the port bus
 * (CONFIG_ADDRESS dword-only, byte/word/dword data accesses), the host
 * bridge's header, absent slots, functions and buses reading all ones,
 * BAR sizing, the command register's I/O enable, the Interrupt Line/Pin
 * registers and read-only bits.
 */
#include "vdev_helpers.h"

#include "hv/vdev/pci_host.h"

#define ENABLE 0x80000000u

struct fixture {
	struct vpci pci;
	struct vpci_fn nic;
	struct io_bus bus;
	unsigned changes;
};

static void on_change(void *ctx)
{
	((struct fixture *)ctx)->changes++;
}

static int setup(void **state)
{
	static struct fixture f;
	const struct vpci_id id = { .vendor = 0x1AF4, .device = 0x1000, .class_code = 0x020000,
				    .subsystem_vendor = 0x1AF4, .subsystem = 1 };

	memset(&f, 0, sizeof(f));
	io_bus_init(&f.bus);
	vpci_init(&f.pci);
	vpci_fn_init(&f.nic, &id);
	vpci_fn_io_bar(&f.nic, 0, 32);
	vpci_fn_intx(&f.nic, 1, 11);
	f.nic.changed = on_change;
	f.nic.ctx = &f;
	assert_int_equal(vpci_plug(&f.pci, 3, &f.nic), 0);
	assert_int_equal(vpci_attach(&f.pci, &f.bus), 0);
	*state = &f;
	return 0;
}

static u32 addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return ENABLE | bus << 16 | dev << 11 | fn << 8 | reg;
}

static u32 cfg_read(struct fixture *f, u32 a, unsigned off, u8 size)
{
	io_bus_write(&f->bus, 0xCF8, 4, a);
	return bus_in(&f->bus, 0xCFC + off, size);
}

static void cfg_write(struct fixture *f, u32 a, unsigned off, u8 size, u32 v)
{
	io_bus_write(&f->bus, 0xCF8, 4, a);
	io_bus_write(&f->bus, 0xCFC + off, size, v);
}

static void test_address_register(void **state)
{
	struct fixture *f = *state;

	io_bus_write(&f->bus, 0xCF8, 4, 0x80000000u);
	assert_int_equal(bus_in(&f->bus, 0xCF8, 4), 0x80000000u); /* Linux's type 1 probe */
	io_bus_write(&f->bus, 0xCF8, 4, 0xFFFFFFFFu);
	assert_int_equal(bus_in(&f->bus, 0xCF8, 4), 0x80FFFFFCu); /* reserved and type bits 0 */
	io_bus_write(&f->bus, 0xCFB, 1, 0x01);                    /* a byte write is not an address */
	assert_int_equal(bus_in(&f->bus, 0xCF8, 4), 0x80FFFFFCu);
	assert_int_equal(bus_in(&f->bus, 0xCF8, 1), 0xFF);
}

static void test_host_bridge(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg_read(f, addr(0, 0, 0, 0), 0, 4), 0x00081B36u);
	assert_int_equal(cfg_read(f, addr(0, 0, 0, 8), 0, 4) >> 8, 0x060000); /* host bridge */
	assert_int_equal(cfg_read(f, addr(0, 0, 0, 0xC), 2, 1), 0);           /* header type 0 */
	cfg_write(f, addr(0, 0, 0, 0), 0, 4, 0x12345678u);                     /* read-only */
	assert_int_equal(cfg_read(f, addr(0, 0, 0, 0), 0, 4), 0x00081B36u);
}

static void test_absent_functions_read_all_ones(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg_read(f, addr(0, 1, 0, 0), 0, 4), 0xFFFFFFFFu);   /* empty slot */
	assert_int_equal(cfg_read(f, addr(0, 3, 1, 0), 0, 4), 0xFFFFFFFFu);   /* function 1 */
	assert_int_equal(cfg_read(f, addr(1, 3, 0, 0), 0, 4), 0xFFFFFFFFu);   /* bus 1 */
	assert_int_equal(cfg_read(f, addr(0, 31, 0, 0), 2, 2), 0xFFFF);
	assert_int_equal(cfg_read(f, addr(0, 3, 0, 0) & ~ENABLE, 0, 4), 0xFFFFFFFFu);
	cfg_write(f, addr(0, 1, 0, 4), 0, 2, 1); /* dropped */
	assert_int_equal(f->pci.bad_accesses, 6);
}

static void test_device_identity_all_sizes(void **state)
{
	struct fixture *f = *state;
	u32 a = addr(0, 3, 0, 0);

	assert_int_equal(cfg_read(f, a, 0, 4), 0x10001AF4u);
	assert_int_equal(cfg_read(f, a, 0, 2), 0x1AF4);
	assert_int_equal(cfg_read(f, a, 2, 2), 0x1000);
	assert_int_equal(cfg_read(f, a, 1, 1), 0x1A);
	assert_int_equal(cfg_read(f, a, 3, 1), 0x10);
	assert_int_equal(cfg_read(f, addr(0, 3, 0, 0x2C), 0, 4), 0x00011AF4u); /* subsystem */
	assert_int_equal(cfg_read(f, addr(0, 3, 0, 8), 1, 2), 0x0000);        /* prog-if, sub-class */
	assert_int_equal(cfg_read(f, addr(0, 3, 0, 8), 3, 1), 0x02);          /* network */
	assert_int_equal(cfg_read(f, addr(0, 3, 0, 0x3C), 0, 2), 0x010B);     /* INTA#, line 11 */
}

static void test_bar_sizing(void **state)
{
	struct fixture *f = *state;
	u32 bar0 = addr(0, 3, 0, 0x10);

	assert_int_equal(cfg_read(f, bar0, 0, 4), 0x00000001u); /* I/O, not placed */
	cfg_write(f, bar0, 0, 4, 0xFFFFFFFFu);
	assert_int_equal(cfg_read(f, bar0, 0, 4), 0xFFFFFFE1u); /* 32 bytes */
	cfg_write(f, bar0, 0, 4, 0xC040);
	assert_int_equal(cfg_read(f, bar0, 0, 4), 0xC041u);
	cfg_write(f, bar0, 0, 4, 0xC05F);                       /* low bits ignored */
	assert_int_equal(cfg_read(f, bar0, 0, 4), 0xC041u);
	for (unsigned n = 1; n < 6; n++) {                      /* unimplemented BARs: 0 */
		cfg_write(f, addr(0, 3, 0, 0x10 + 4 * n), 0, 4, 0xFFFFFFFFu);
		assert_int_equal(cfg_read(f, addr(0, 3, 0, 0x10 + 4 * n), 0, 4), 0);
	}
	cfg_write(f, bar0, 2, 2, 0xFFFF);                       /* a word at a time */
	assert_int_equal(cfg_read(f, bar0, 0, 4), 0xFFFFC041u);
	assert_true(f->changes >= 8);
}

static void test_command_io_enable(void **state)
{
	struct fixture *f = *state;
	u32 cmd = addr(0, 3, 0, 4);

	cfg_write(f, addr(0, 3, 0, 0x10), 0, 4, 0xC040);
	assert_int_equal(vpci_fn_io_base(&f->nic, 0), 0);       /* decoding off */
	f->changes = 0;
	cfg_write(f, cmd, 0, 2, 0xFFFF);
	assert_int_equal(f->changes, 1);
	assert_int_equal(cfg_read(f, cmd, 0, 2), 0x0407);       /* I/O, memory, master, INTx disable */
	assert_int_equal(cfg_read(f, cmd, 2, 2), 0);            /* status: nothing */
	assert_true(vpci_fn_intx_disabled(&f->nic));
	assert_int_equal(vpci_fn_io_base(&f->nic, 0), 0xC040);
	cfg_write(f, cmd, 0, 1, 0x04);                          /* I/O off again */
	assert_int_equal(vpci_fn_io_base(&f->nic, 0), 0);
	assert_int_equal(vpci_fn_io_base(&f->nic, 6), 0);
	cfg_write(f, addr(0, 3, 0, 0x3C), 0, 1, 5);             /* Interrupt Line: writable */
	cfg_write(f, addr(0, 3, 0, 0x3C), 1, 1, 4);             /* Interrupt Pin: read-only */
	assert_int_equal(cfg_read(f, addr(0, 3, 0, 0x3C), 0, 2), 0x0105);
	f->changes = 0;
	cfg_write(f, addr(0, 3, 0, 0x3C), 0, 1, 6);
	assert_int_equal(f->changes, 0);                        /* not a decoding change */
}

static void test_plug_rules(void **state)
{
	struct fixture *f = *state;
	struct vpci_fn other;

	assert_int_equal(vpci_plug(&f->pci, 0, &other), -EINVAL);
	assert_int_equal(vpci_plug(&f->pci, 32, &other), -EINVAL);
	assert_int_equal(vpci_plug(&f->pci, 3, &other), -EBUSY);
	assert_int_equal(vpci_fn_read(&f->nic, 0xFE, 4), 0xFFFFFFFFu); /* past the space */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_address_register, setup),
		cmocka_unit_test_setup(test_host_bridge, setup),
		cmocka_unit_test_setup(test_absent_functions_read_all_ones, setup),
		cmocka_unit_test_setup(test_device_identity_all_sizes, setup),
		cmocka_unit_test_setup(test_bar_sizing, setup),
		cmocka_unit_test_setup(test_command_io_enable, setup),
		cmocka_unit_test_setup(test_plug_rules, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
