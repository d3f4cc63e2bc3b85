/* kmain: bring the machine up in dependency order, then run the guest. */
#include <string.h>

#include "arch/x86/acpi_host.h"
#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/gdt.h"
#include "arch/x86/i8259.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/platform.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"
#include "arch/x86/virt.h"
#include "boot/bootinfo.h"
#include "boot/bootinfo_report.h"
#include "boot/mb2_spec.h"
#include "drivers/net/nettest_arp.h"
#include "drivers/pci/pci.h"
#include "hv/config.h"
#include "hv/console.h"
#include "hv/console_out.h"
#include "hv/control.h"
#include "hv/ft_switchover.h"
#include "hv/dirty_log.h"
#include "hv/exit_profile_print.h"
#include "hv/exit_stats.h"
#include "hv/fault_test.h"
#include "hv/ft_auto.h"
#include "hv/ft_checkpoint.h"
#include "hv/ft_fence.h"
#include "hv/ft_join.h"
#include "hv/ft_witness.h"
#include "hv/guest_boot.h"
#include "hv/guest_cpu.h"
#include "hv/guest_console.h"
#include "hv/guest_input.h"
#include "hv/vm_nic.h"
#include "hv/vm_nic_host.h"
#include "hv/host_work.h"
#include "hv/migrate.h"
#include "hv/snapshot.h"
#include "hv/vm.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_identity.h"
#include "hv/rr/tbit.h"
#include "hv/trace.h"
#include "hv/vm_devices.h"
#include "selftest.h"
#include "log.h"
#include "net/net.h"
#include "net/nettest_tcp.h"
#include "hash.h"
#include "panic.h"
#include "version.h"

#define MB2_INFO_MAX_SIZE MiB(1) /* sanity bound before total_size is read */

static struct boot_info boot_info;
static struct config config;
static struct vm the_vm;

static void print_banner(void)
{
	console_printf("understudy %s (%s): x86-64 record/replay microhypervisor\n",
		       UNDERSTUDY_VERSION, UNDERSTUDY_GIT);
}

/* Decodes the Multiboot2 information or stops: without it there is no
 * memory map and nothing safe to do. */
static void read_boot_info(u32 magic, u64 info_phys)
{
	const char *why;

	if (magic != MB2_BOOTLOADER_MAGIC) {
		pr_err("boot: not started by a Multiboot2 loader (EAX=%#x)", magic);
		platform_halt(PLATFORM_EXIT_CONFIG);
	}
	if (mb2_parse(phys_to_virt(info_phys), MB2_INFO_MAX_SIZE, info_phys, &boot_info, &why)) {
		pr_err("boot: Multiboot2 information unusable: %s", why);
		platform_halt(PLATFORM_EXIT_CONFIG);
	}
}

static void read_config(void)
{
	int errors;

	config_defaults(&config);
	errors = config_parse(&config, boot_info.cmdline);
	log_set_level(config.log_level);
	if (errors) {
		pr_err("config: %d invalid option value%s; fix the command line", errors,
		       errors == 1 ? "" : "s");
		platform_halt(PLATFORM_EXIT_CONFIG);
	}
	config_print(&config);
}

static void bring_up_cpu(void)
{
	i8259_disable();
	if (mm_init(&boot_info) || mm_paging_init(&boot_info))
		panic("memory setup failed");
	acpi_host_init(&boot_info);
	if (lapic_init())
		panic("this CPU has no local APIC");
	if (time_init())
		panic("clock calibration failed");
	pci_init(); /* after ACPI (ECAM) and the clocks (drivers' bounded waits) */
}

/* Prints how the run ended and returns the hypervisor's exit code. */
static int report_run(struct vm *vm)
{
	int code;

	if (ft_switchover_done(vm)) {
		console_printf("understudy: switched over: the backup runs the guest from landmark %llu\n",
			       vm->rr->switched_over_at);
		code = PLATFORM_EXIT_SWITCHED_OVER;
	} else if (snapshot_stopped_guest()) {
		console_printf("understudy: snapshot written; the guest stopped (snapshot_then=exit)\n");
		code = PLATFORM_EXIT_OK;
	} else if (migrate_left()) {
		console_printf("understudy: migrated\n");
		code = PLATFORM_EXIT_MIGRATED;
	} else if (vm->state == VM_EXITED) {
		console_printf("understudy: guest exited with code %u\n", vm->exit_code);
		code = (int)vm->exit_code;
	} else {
		console_printf("understudy: guest stopped: %s\n", vm->stop_reason);
		vm_dump_guest(vm);
		code = PLATFORM_EXIT_GUEST_STOPPED;
	}
	migrate_report();
	exit_stats_print(vm);
	exit_profile_print(vm);
	vm_devices_report(vm);
	vm_nic_host_report();
	guest_input_report();
	tbit_report(vm);
	rr_report(vm);
	ft_ckpt_report();
	if (rr_replaying(vm) && vm->rr->divergence.diverged) {
		console_printf("understudy: replay diverged at landmark %llu: %s\n",
			       vm->rr->divergence.landmark, vm->rr->divergence.what);
		code = PLATFORM_EXIT_REPLAY_DIVERGED;
	}
	if (vm->fenced) {
		console_printf("understudy: fenced: this side may not run the guest (witness=)\n");
		code = PLATFORM_EXIT_FENCED;
	}
	if (rr_recording(vm) && vm->rr->sink_failed) {
		console_printf("understudy: the record log is incomplete\n");
		code = PLATFORM_EXIT_LOG_INCOMPLETE;
	}
	return code;
}

/* The network's settings from the command line. */
static struct net_config net_config_of(const struct config *c)
{
	struct net_config nc = { c->net == NET_DHCP, c->ip, c->netmask, c->gw, { 0 } };

	STATIC_ASSERT(sizeof(nc.mac) == sizeof(c->mac), "config's MAC is the network's");
	memcpy(nc.mac, c->mac, sizeof(nc.mac));
	return nc;
}

static struct nettest_config nettest_config_of(const struct config *c)
{
	bool server = c->nettest == NETTEST_SERVER || c->nettest == NETTEST_TLS_SERVER;

	return (struct nettest_config){ server, c->nettest_peer, c->nettest_bytes, &c->ft_key };
}

/* The hypervisor's own network interface (ip=), then what runs on it: a
 * network self-test (which ends the boot) or the control endpoint. A
 * network that does not come up is reported and the guest runs without. */
static void start_network(void)
{
	struct net_config nc = net_config_of(&config);
	struct nettest_config tc = nettest_config_of(&config);

	if (config.net == NET_OFF && config.nettest != NETTEST_OFF) {
		pr_err("nettest: nettest=%s needs an address: ip=a.b.c.d or ip=dhcp",
		       config_nettest_name(config.nettest));
		platform_halt(PLATFORM_EXIT_CONFIG);
	}
	if (config.net != NET_OFF && net_init(&nc) &&
	    (config.rr_sink == RR_SINK_TCP || config.snapshot_sink == SNAPSHOT_SINK_TCP ||
	     config.migrate_ip || config.incoming_port || config.witness_ip)) {
		pr_err("understudy: rr_sink=tcp, snapshot_sink=tcp, migrate=, incoming= and witness= need the network, which did not come up");
		platform_halt(PLATFORM_EXIT_CONFIG);
	}
	if (config.nettest == NETTEST_SERVER || config.nettest == NETTEST_CLIENT)
		platform_halt(nettest_run(&tc));
	if (config.nettest == NETTEST_TLS_SERVER || config.nettest == NETTEST_TLS_CLIENT)
		platform_halt(nettest_tls_run(&tc));
	control_start(&config);
	if (ft_witness_start(&config))
		platform_halt(PLATFORM_EXIT_CONFIG);
	if (config.role == FT_ROLE_PRIMARY)
		ft_witness_acquire(); /* the primary asks for the lease from the start */
}

/* console_out=: the guest's console to an outside listener, the guest named
 * by the identity its log header carries (docs/console-stream.md). */
static void start_console_out(void)
{
	struct rr_guest_identity id;

	if (!config.console_out_ip)
		return;
	rr_log_identity(&boot_info, &config, &id);
	console_out_start(&config, hash64(&id, sizeof(id), 0));
}

/* Sets up virtualization, loads the guest and runs it to the end. */
static int run_guest(void)
{
	u64 start;

	guest_console_init(config.guest_console);
	guest_input_init(&config);
	if (virt_select(config_virt_name(config.hv))) {
		pr_err("understudy: cannot run a guest without hardware virtualization");
		return PLATFORM_EXIT_NO_VIRT;
	}
	if (vm_create(&the_vm, virt_backend(), config.guest_mem))
		return PLATFORM_EXIT_NO_VIRT;
	if (vm_nic_create(&the_vm, &config) || vm_nic_connect(&the_vm, &config))
		return PLATFORM_EXIT_CONFIG;
	if (guest_cpu_limit((enum guest_cpu_level)config.guest_cpu))
		return PLATFORM_EXIT_CONFIG;
	if (guest_boot(&the_vm, &boot_info, &config))
		return PLATFORM_EXIT_NO_VIRT;
	the_vm.strict_mmio = config.strict_mmio;
	if (snapshot_resume(&the_vm, &boot_info, &config)) {
		pr_err("understudy: the snapshot was refused; the guest was not started");
		return PLATFORM_EXIT_CONFIG;
	}
	if (migrate_incoming(&the_vm, &boot_info, &config))
		return PLATFORM_EXIT_INCOMING_FAILED;
	if (config.fault_test == FAULT_TEST_ENTRY)
		fault_test_corrupt_guest(&the_vm);
	if (config.role == FT_ROLE_PRIMARY)
		ft_fence_guard(&the_vm); /* its guest runs only under the witness's lease */
	start_console_out();
	if (ft_ckpt_follow(&the_vm, &boot_info, &config) ||
	    ft_ckpt_primary_start(&the_vm, &boot_info, &config))
		return PLATFORM_EXIT_CONFIG;
	start = rdtsc();
	dirty_log_configure((enum dirty_track)config.dirty_track);
	if ((!ft_join_defers_recording(&config) &&
	     (rr_init(&the_vm, &boot_info, &config) || tbit_init(&the_vm, &config))) ||
	    trace_init(&the_vm, &boot_info, &config) ||
	    snapshot_init(&the_vm, &boot_info, &config) ||
	    (config.migrate_ip && dirty_log_check_config(&the_vm)) ||
	    migrate_init(&the_vm, &boot_info, &config) ||
	    ft_join_init(&the_vm, &boot_info, &config) ||
	    ft_auto_init(&the_vm, &boot_info, &config))
		return PLATFORM_EXIT_CONFIG;
	ft_auto_backup_init(&config); /* ft=auto: a backup's replay hands over to checkpoints */
	pr_info("understudy: starting the guest");
	control_set_vm(&the_vm);
	vm_run(&the_vm);
	ft_ckpt_primary_finish(&the_vm);
	console_printf("understudy: the run took %llu TSC cycles, record/replay set-up and end included\n",
		       (rdtsc() - start));
	return report_run(&the_vm);
}

void kmain(u32 magic, u64 info_phys);
void kmain(u32 magic, u64 info_phys)
{
	int failed = 0, code;

	hv_console_init();
	print_banner();
	gdt_init();
	idt_init(); /* from here on, exceptions are reported, not triple faults */
	platform_detect();
	read_boot_info(magic, info_phys);
	read_config();
	pr_info("platform: %s, CPU %u", platform_name(), cpu_current_id());
	cpu_features_init();
	bootinfo_report(&boot_info);
	bring_up_cpu();
	if (config.selftest)
		failed = selftest_run_all();
	if (config.fault_test != FAULT_TEST_NONE)
		fault_test_raise(config.fault_test);
	if (failed)
		platform_halt(PLATFORM_EXIT_PANIC);
	if (config.nettest == NETTEST_ARP)
		platform_halt(nettest_arp());
	start_network();
	if (guest_find_kernel(&boot_info, &config) < 0) {
		pr_info("understudy: no guest module named '%s'; nothing to run", config.guest);
		host_work_serve(NULL, config.linger);
		platform_halt(PLATFORM_EXIT_OK);
	}
	code = run_guest();
	console_out_finish(CONSOLE_OUT_FINISH_MS);
	ft_witness_report();
	host_work_serve(&the_vm, config.linger);
	platform_halt(code);
}
