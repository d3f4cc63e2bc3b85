/* The console stream's tally (see output_tally.h). */
#include "hv/output_tally.h"

void output_tally_init(struct output_tally *t)
{
	t->written = 0;
	output_tally_restart(t, 0);
}

u64 output_tally_restart(struct output_tally *t, u64 written)
{
	u64 before = t->written;

	t->written = written;
	t->span_start = written;
	hash64_begin(&t->span, 0);
	return before;
}

void output_tally_add(struct output_tally *t, u8 byte)
{
	hash64_add(&t->span, &byte, 1);
	t->written++;
}

void output_tally_take(struct output_tally *t, struct output_span *out)
{
	out->offset = t->span_start;
	out->count = t->written - t->span_start;
	out->hash = hash64_end(&t->span);
	t->span_start = t->written;
	hash64_begin(&t->span, 0);
}
