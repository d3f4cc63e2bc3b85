// sources: proto/ft_epoch.c hv/output_hold.c hv/ft_ckpt_copies.c lib/hash.c lib/fmt.c
/* proto/ft_epoch.c: checkpoint mode's stream. A record is handed over only
 * when whole and checked, in order, however the bytes come; a stream that
 * breaks the format is refused from there on, nothing after it taken. And
 * the primary's release rule (hv/output_hold.c as checkpoint mode uses
 * it): an epoch's console bytes go out only once the backup acknowledged
 * the stream up to the end of that epoch's record. And the primary's copies
 * of the pages the backup holds (hv/ft_ckpt_copies.c), which its deltas
 * are against. */
#include "helpers.h"

#include "errno.h"
#include "hash.h"
#include "hv/ft_ckpt_copies.h"
#include "hv/output_hold.h"
#include "proto/ft_epoch.h"

#define STAGE_CAP (FT_EPOCH_CONSOLE_MAX + 4096)
#define STREAM_MAX 16384

static u8 stage[STAGE_CAP];
static u8 stream[STREAM_MAX];
static size_t stream_len;
static struct ft_epoch_rx rx;

/* What the receiver handed over. */
static struct {
	unsigned count;
	u64 epochs[8];
	u64 state_len[8];
	u8 first_state[8];
	char console[256];
	size_t console_len;
	bool refuse; /* the receiver refuses the next record */
} got;

static int take(void *ctx, const struct ft_epoch_header *h, const u8 *state, const u8 *console)
{
	if (got.refuse)
		return -EINVAL;
	got.epochs[got.count] = h->epoch;
	got.state_len[got.count] = h->state_len;
	got.first_state[got.count] = h->state_len ? state[0] : 0;
	got.count++;
	memcpy(got.console + got.console_len, console, h->console_len);
	got.console_len += h->console_len;
	return 0;
}

static void start_stream(void)
{
	struct ft_stream_header sh = { .identity = 0x1234, .ram_size = 1 << 20, .epoch_ms = 50 };

	ft_stream_header_encode(&sh, stream);
	stream_len = FT_STREAM_HEADER_SIZE;
	memset(&got, 0, sizeof(got));
	ft_epoch_rx_init(&rx, stage, STAGE_CAP);
}

/* Appends a record: state_len bytes of fill, then the console text. */
static size_t add_record(u16 kind, u64 epoch, u64 state_len, u8 fill, const char *console,
			 u64 console_offset)
{
	struct ft_epoch_header h = { .kind = kind, .epoch = epoch, .state_len = state_len,
				     .console_len = (u32)strlen(console),
				     .console_offset = console_offset };
	u8 *payload = stream + stream_len + FT_EPOCH_HEADER_SIZE;
	size_t start = stream_len;

	memset(payload, fill, state_len);
	memcpy(payload + state_len, console, h.console_len);
	h.payload_hash = hash64(payload, state_len + h.console_len, epoch);
	ft_epoch_header_encode(&h, stream + stream_len);
	stream_len += FT_EPOCH_HEADER_SIZE + state_len + h.console_len;
	return start;
}

/* Three records: two epochs and END. */
static void three_records(void)
{
	start_stream();
	add_record(FT_EPOCH_STATE, 1, 300, 0xA1, "one ", 0);
	add_record(FT_EPOCH_STATE, 2, 20, 0xB2, "two ", 4);
	add_record(FT_EPOCH_END, 3, 0, 0, "end", 8);
}

static void test_whole_stream(void **state)
{
	three_records();
	assert_int_equal(ft_epoch_rx_feed(&rx, stream, stream_len, take, NULL), 0);
	assert_int_equal(got.count, 3);
	assert_int_equal(got.epochs[0], 1);
	assert_int_equal(got.state_len[0], 300);
	assert_int_equal(got.first_state[0], 0xA1);
	assert_int_equal(got.first_state[1], 0xB2);
	assert_int_equal(got.state_len[2], 0);
	assert_memory_equal(got.console, "one two end", 11);
	assert_true(rx.ended);
	assert_int_equal(ft_epoch_rx_partial(&rx), 0);
	assert_int_equal(rx.stream.identity, 0x1234);
	assert_int_equal(rx.stream.epoch_ms, 50);
}

/* Byte by byte: nothing is handed over before its record's last byte. */
static void test_staged_until_whole(void **state)
{
	size_t second;

	start_stream();
	add_record(FT_EPOCH_STATE, 1, 300, 0xA1, "one ", 0);
	second = add_record(FT_EPOCH_STATE, 2, 20, 0xB2, "two ", 4);
	for (size_t i = 0; i < stream_len; i++) {
		assert_int_equal(ft_epoch_rx_feed(&rx, stream + i, 1, take, NULL), 0);
		if (i + 1 < second)
			assert_int_equal(got.count, 0);
		else if (i + 1 < stream_len)
			assert_int_equal(got.count, 1);
	}
	assert_int_equal(got.count, 2);
	assert_false(rx.ended);
	/* a record cut short (the primary died): never handed over */
	add_record(FT_EPOCH_STATE, 3, 100, 0xC3, "", 8);
	assert_int_equal(ft_epoch_rx_feed(&rx, stream + (stream_len - 164), 150, take, NULL), 0);
	assert_int_equal(got.count, 2);
	assert_int_equal(ft_epoch_rx_partial(&rx), 150);
}

/* An altered payload byte: that epoch is refused, the ones before stand. */
static void test_altered_payload(void **state)
{
	size_t second;

	start_stream();
	add_record(FT_EPOCH_STATE, 1, 30, 0xA1, "x", 0);
	second = add_record(FT_EPOCH_STATE, 2, 30, 0xB2, "y", 1);
	add_record(FT_EPOCH_STATE, 3, 30, 0xC3, "z", 2);
	stream[second + FT_EPOCH_HEADER_SIZE + 5] ^= 1;
	assert_int_equal(ft_epoch_rx_feed(&rx, stream, stream_len, take, NULL), -EBADMSG);
	assert_int_equal(got.count, 1);
	assert_non_null(strstr(rx.why, "epoch 2's 31 bytes do not hash"));
	/* nothing more is taken */
	assert_int_equal(ft_epoch_rx_feed(&rx, stream, 1, take, NULL), -EBADMSG);
	assert_int_equal(got.count, 1);
}

/* Refuses stream and returns why. */
static const char *refusal(void)
{
	assert_int_equal(ft_epoch_rx_feed(&rx, stream, stream_len, take, NULL), -EBADMSG);
	return rx.why;
}

static void test_refusals(void **state)
{
	size_t at;

	start_stream();
	stream[0] ^= 1;
	assert_non_null(strstr(refusal(), "not a checkpoint stream's header"));

	start_stream();
	at = add_record(FT_EPOCH_STATE, 1, 10, 1, "", 0);
	stream[at + 20] ^= 1;
	assert_non_null(strstr(refusal(), "check field"));

	start_stream();
	add_record(FT_EPOCH_STATE, 2, 10, 1, "", 0);
	assert_non_null(strstr(refusal(), "epoch 2 where 1 was due"));

	start_stream();
	add_record(FT_EPOCH_STATE, 1, 10, 1, "ab", 0);
	add_record(FT_EPOCH_STATE, 2, 10, 1, "", 1);
	assert_non_null(strstr(refusal(), "console bytes from offset 1 where 2 was due"));
	assert_int_equal(got.count, 1);

	start_stream();
	add_record(FT_EPOCH_STATE, 1, STAGE_CAP - FT_EPOCH_CONSOLE_MAX + 1, 0, "", 0);
	assert_non_null(strstr(refusal(), "an epoch of 4097 state bytes"));

	start_stream();
	add_record(FT_EPOCH_END, 1, 0, 0, "", 0);
	add_record(FT_EPOCH_STATE, 2, 10, 1, "", 0);
	assert_non_null(strstr(refusal(), "a record after END"));

	start_stream();
	add_record(7, 1, 0, 0, "", 0);
	assert_non_null(strstr(refusal(), "unknown record kind"));

	start_stream();
	add_record(FT_EPOCH_END, 1, 5, 0, "", 0);
	assert_non_null(strstr(refusal(), "END record with state"));

	start_stream();
	add_record(FT_EPOCH_STATE, 1, 10, 1, "", 0);
	got.refuse = true;
	assert_non_null(strstr(refusal(), "epoch 1 was refused by its receiver"));
}

static void out_bytes(void *ctx, const u8 *bytes, size_t len)
{
	memcpy(got.console + got.console_len, bytes, len);
	got.console_len += len;
}

static void hold_text(struct output_hold *h, const char *s)
{
	while (*s)
		assert_true(output_hold_put(h, (u8)*s++, 0));
}

/* The release rule: epoch 1's bytes wait for the stream up to epoch 1's
 * end, epoch 2's up to epoch 2's, whatever was acknowledged in between. */
static void test_release_rule(void **state)
{
	static struct output_hold h;
	const u64 end1 = 1000, end2 = 5000;

	memset(&got, 0, sizeof(got));
	output_hold_init(&h);
	hold_text(&h, "first ");
	output_hold_mark(&h, end1);     /* epoch 1 sealed: its record ends at end1 */
	hold_text(&h, "second");        /* written during epoch 2 */
	assert_int_equal(output_hold_release(&h, end1 - 1, 0, out_bytes, NULL), 0);
	assert_int_equal(got.console_len, 0);
	assert_int_equal(output_hold_release(&h, end1, 0, out_bytes, NULL), 6);
	assert_memory_equal(got.console, "first ", 6);
	/* epoch 2 not sealed yet: acknowledgements past end1 release nothing */
	assert_int_equal(output_hold_release(&h, end2 + 100, 0, out_bytes, NULL), 0);
	output_hold_mark(&h, end2 + 200);
	assert_int_equal(output_hold_release(&h, end2 + 199, 0, out_bytes, NULL), 0);
	assert_int_equal(output_hold_release(&h, end2 + 200, 0, out_bytes, NULL), 6);
	assert_memory_equal(got.console, "first second", 12);
}

/* A copy is the last contents sent for that page, until another page
 * takes its slot. */
static void test_copies(void **state)
{
	static u8 pages[4 * FT_COPY_PAGE], page[FT_COPY_PAGE];
	static u64 tags[4];
	struct ft_copies c;

	ft_copies_init(&c, pages, tags, 4);
	assert_null(ft_copies_get(&c, 0)); /* nothing sent yet: page 0 is no copy */
	memset(page, 0xA1, sizeof(page));
	ft_copies_put(&c, 9, page);
	assert_null(ft_copies_get(&c, 1)); /* the same slot, another page */
	assert_memory_equal(ft_copies_get(&c, 9), page, sizeof(page));
	memset(page, 0xB2, sizeof(page));
	ft_copies_put(&c, 9, page);       /* sent again: the new contents */
	assert_int_equal(ft_copies_get(&c, 9)[0], 0xB2);
	ft_copies_put(&c, 13, page);      /* takes 9's slot: 9 goes whole next time */
	assert_null(ft_copies_get(&c, 9));
	assert_non_null(ft_copies_get(&c, 13));
	assert_int_equal(c.hits, 3);
	assert_int_equal(c.misses, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_stream),
		cmocka_unit_test(test_staged_until_whole),
		cmocka_unit_test(test_altered_payload),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_release_rule),
		cmocka_unit_test(test_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
