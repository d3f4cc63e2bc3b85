/* Parsing trace= (see trace.h). Pure: the command line is outside input. */
#include "hv/trace.h"

#include <string.h>

#include "cmdline.h"
#include "errno.h"

static bool word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && !strncmp(s, w, len);
}

/* Parses one comma-separated item. */
static int parse_item(const char *s, size_t len, struct trace_spec *out)
{
	const char *dash;

	if (word_is(s, len, "exits"))
		out->what |= TRACE_EXITS;
	else if (word_is(s, len, "io"))
		out->what |= TRACE_IO;
	else if (word_is(s, len, "pt"))
		out->what |= TRACE_PT;
	else if (len > 6 && !strncmp(s, "insns=", 6)) {
		s += 6;
		len -= 6;
		dash = memchr(s, '-', len);
		if (!dash || cmdline_parse_u64(s, (size_t)(dash - s), &out->insn_start) ||
		    cmdline_parse_u64(dash + 1, len - (size_t)(dash - s) - 1, &out->insn_end) ||
		    out->insn_end <= out->insn_start)
			return -EINVAL;
		out->what |= TRACE_INSNS;
	} else {
		return -EINVAL;
	}
	return 0;
}

int trace_parse(const char *s, struct trace_spec *out)
{
	memset(out, 0, sizeof(*out));
	/* Every item, the one after the last comma too, must be there. */
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (len == 0 || parse_item(s, len, out))
			return -EINVAL;
		if (!comma)
			break;
		s = comma + 1;
	}
	return out->what ? 0 : -EINVAL;
}

