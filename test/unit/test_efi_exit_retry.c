// sources: boot/efi/exit_retry.c
/*
 * boot/efi/exit_retry.c against a fake firmware whose memory map changes
 * under the loader: ExitBootServices is called only with the key of the
 * map just taken, a stale key is retried with a fresh map, a map that
 * outgrew its buffer gets a larger one first, and success is reported only
 * after the firmware accepted a key.
 */
#include "helpers.h"

#include "boot/efi/exit_retry.h"

struct fake_firmware {
	UINTN map_key;       /* the firmware's current key */
	UINTN map_bytes;     /* what the map needs now */
	UINTN buffer;        /* the loader's buffer */
	int stale_exits;     /* ExitBootServices calls that find the map changed */
	int fail_take;       /* 1: GetMemoryMap fails outright */
	EFI_STATUS grow_result;
	EFI_STATUS exit_failure; /* 0, or what ExitBootServices fails with */
	int takes, grows, exits;
	UINTN last_key_taken;
	bool exited;
};

static EFI_STATUS fake_take_map(void *ctx, UINTN *key, UINTN *needed)
{
	struct fake_firmware *f = ctx;

	f->takes++;
	if (f->fail_take)
		return EFI_DEVICE_ERROR;
	*needed = f->map_bytes;
	if (f->map_bytes > f->buffer)
		return EFI_BUFFER_TOO_SMALL;
	*key = f->last_key_taken = f->map_key;
	return EFI_SUCCESS;
}

static EFI_STATUS fake_grow(void *ctx, UINTN needed)
{
	struct fake_firmware *f = ctx;

	f->grows++;
	if (EFI_ERROR(f->grow_result))
		return f->grow_result;
	f->buffer = needed + 16 * 48;
	f->map_key++; /* the allocation changed the map */
	return EFI_SUCCESS;
}

/* A stale exit: something allocated since the map was taken. */
static EFI_STATUS fake_exit(void *ctx, UINTN key)
{
	struct fake_firmware *f = ctx;

	f->exits++;
	assert_true(key == f->last_key_taken); /* the key of the map just taken */
	if (f->exit_failure)
		return f->exit_failure;
	if (f->stale_exits > 0) {
		f->stale_exits--;
		f->map_key++;
		f->map_bytes += 48; /* an event's allocation added a descriptor */
		return EFI_INVALID_PARAMETER;
	}
	if (key != f->map_key)
		return EFI_INVALID_PARAMETER;
	f->exited = true;
	return EFI_SUCCESS;
}

static const struct efi_exit_ops fake_ops = { fake_take_map, fake_grow, fake_exit };

static void test_first_key_accepted(void **state)
{
	struct fake_firmware f = { .map_key = 7, .map_bytes = 4800, .buffer = 6000 };

	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_SUCCESS);
	assert_true(f.exited);
	assert_int_equal(f.takes, 1);
	assert_int_equal(f.exits, 1);
}

static void test_stale_keys_retried(void **state)
{
	struct fake_firmware f = { .map_key = 7, .map_bytes = 4800, .buffer = 6000,
				   .stale_exits = 3 };

	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_SUCCESS);
	assert_true(f.exited);
	assert_int_equal(f.takes, 4);
	assert_int_equal(f.exits, 4);
	assert_int_equal(f.grows, 0);
}

static void test_map_outgrows_buffer(void **state)
{
	struct fake_firmware f = { .map_key = 7, .map_bytes = 5952, .buffer = 6000,
				   .stale_exits = 2 }; /* the second stale exit overflows */

	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_SUCCESS);
	assert_true(f.exited);
	assert_int_equal(f.grows, 1);
	assert_true(f.buffer >= f.map_bytes);
}

static void test_gives_up(void **state)
{
	struct fake_firmware f = { .map_key = 7, .map_bytes = 4800, .buffer = 1 << 20,
				   .stale_exits = 100 };

	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_INVALID_PARAMETER);
	assert_false(f.exited);
	assert_int_equal(f.exits, EFI_EXIT_ATTEMPTS);
}

/* Growing on the last attempt is not success: nothing exited. */
static void test_last_attempt_grows(void **state)
{
	struct fake_firmware f = { .map_key = 7, .map_bytes = 4800,
				   .buffer = 4800 + (EFI_EXIT_ATTEMPTS - 1) * 48 - 1,
				   .stale_exits = EFI_EXIT_ATTEMPTS - 1 };

	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_BUFFER_TOO_SMALL);
	assert_false(f.exited);
	assert_int_equal(f.grows, 1);
}

static void test_failures_not_retried(void **state)
{
	struct fake_firmware f = { .map_key = 7, .map_bytes = 4800, .buffer = 6000,
				   .fail_take = 1 };

	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_DEVICE_ERROR);
	assert_int_equal(f.takes, 1);
	assert_int_equal(f.exits, 0);
	f = (struct fake_firmware){ .map_key = 7, .map_bytes = 4800, .buffer = 100,
				    .grow_result = EFI_OUT_OF_RESOURCES };
	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_OUT_OF_RESOURCES);
	assert_int_equal(f.exits, 0);
	f = (struct fake_firmware){ .map_key = 7, .map_bytes = 4800, .buffer = 6000,
				    .exit_failure = EFI_UNSUPPORTED };
	assert_true(efi_exit_retry(&fake_ops, &f) == EFI_UNSUPPORTED);
	assert_int_equal(f.exits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_key_accepted),
		cmocka_unit_test(test_stale_keys_retried),
		cmocka_unit_test(test_map_outgrows_buffer),
		cmocka_unit_test(test_gives_up),
		cmocka_unit_test(test_last_attempt_grows),
		cmocka_unit_test(test_failures_not_retried),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
