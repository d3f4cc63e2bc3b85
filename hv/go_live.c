/* Who must know that the guest went live (see go_live.h). */
#include "hv/go_live.h"

#include "compiler.h"
#include "errno.h"

#define GO_LIVE_SUBSCRIBERS 4

static go_live_fn subscribers[GO_LIVE_SUBSCRIBERS];
static u32 count;

int go_live_subscribe(go_live_fn fn)
{
	for (u32 i = 0; i < count; i++)
		if (subscribers[i] == fn)
			return 0;
	if (count == ARRAY_SIZE(subscribers))
		return -ENOSPC;
	subscribers[count++] = fn;
	return 0;
}

void go_live_notify(struct vm *vm)
{
	for (u32 i = 0; i < count; i++)
		subscribers[i](vm);
}
