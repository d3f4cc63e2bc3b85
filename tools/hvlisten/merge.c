/* The listener's copy of a console (see merge.h). */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 4096

void merge_init(struct merge *m)
{
	memset(m, 0, sizeof(*m));
}

void merge_free(struct merge *m)
{
	free(m->bytes);
	m->bytes = NULL;
	m->cap = 0;
}

void merge_set_guest(struct merge *m, u64 guest)
{
	m->guest = guest;
	m->guest_known = true;
}

bool merge_hello(struct merge *m, u64 guest)
{
	if (m->guest_known && m->guest != guest) {
		m->refused++;
		return false;
	}
	merge_set_guest(m, guest);
	m->senders++;
	return true;
}

/* Is offset inside a gap (a byte no sender had: nothing to compare)? */
static bool in_gap(const struct merge *m, u64 offset)
{
	for (unsigned i = 0; i < m->gaps_kept; i++)
		if (offset >= m->kept[i].start && offset < m->kept[i].end)
			return true;
	return false;
}

/* Room for the copy to reach end bytes; false when memory ran out. */
static bool grow(struct merge *m, u64 end)
{
	u64 cap = m->cap ? m->cap : FIRST_CAP;
	u8 *p;

	if (end <= m->cap)
		return true;
	while (cap < end)
		cap *= 2;
	p = realloc(m->bytes, cap);
	if (!p)
		return false;
	m->bytes = p;
	m->cap = cap;
	return true;
}

/* Compares the bytes the copy has; counts and reports those that differ. */
static void check_overlap(struct merge *m, u64 offset, const u8 *data, size_t n,
			  struct merge_contradiction *report, unsigned max_report,
			  unsigned *reported)
{
	for (size_t i = 0; i < n; i++) {
		u64 at = offset + i;

		if (in_gap(m, at))
			continue;
		m->checked++;
		if (m->bytes[at] == data[i])
			continue;
		m->contradictions++;
		if (*reported < max_report)
			report[(*reported)++] = (struct merge_contradiction){ at, m->bytes[at], data[i] };
	}
}

/* The copy skips to offset: bytes [have, offset) are a gap. */
static void note_gap(struct merge *m, u64 offset)
{
	m->gaps++;
	m->gap_bytes += offset - m->have;
	if (m->gaps_kept < MERGE_GAPS_KEPT)
		m->kept[m->gaps_kept++] = (struct merge_gap){ m->have, offset };
	memset(m->bytes + m->have, 0, offset - m->have);
}

long merge_data(struct merge *m, u64 offset, const u8 *data, size_t len,
		u64 *gap_before, struct merge_contradiction *report, unsigned max_report,
		unsigned *reported)
{
	u64 end = offset + len, start;

	*gap_before = 0;
	*reported = 0;
	m->received += len;
	if (offset < m->have)
		check_overlap(m, offset, data, (end < m->have ? end : m->have) - offset, report,
			      max_report, reported);
	if (end <= m->have)
		return 0;
	if (!grow(m, end))
		return -1;
	if (offset > m->have) {
		*gap_before = offset - m->have;
		note_gap(m, offset);
		m->have = offset;
	}
	start = m->have;
	memcpy(m->bytes + start, data + (start - offset), end - start);
	m->have = end;
	return (long)(end - start);
}
