/*
 * status.c: channel status helpers.
 */
#include "engine/status.h"

#include <stdio.h>

#include "src/util.h"

static const char *state_names[] = {
	[CHAN_IDLE] = "idle",
	[CHAN_STARTING] = "starting",
	[CHAN_ON_AIR] = "on air",
	[CHAN_FAILING] = "failing",
};

/* State name. */
const char *
chan_state_name(enum chan_state state)
{
	if ((unsigned)state >= nitems(state_names))
		return "?";
	return state_names[state];
}

/* Record an error. */
void
status_set_error(struct status_block *b, const char *msg)
{
	pthread_mutex_lock(&b->lock);
	utf8_copy(b->s.last_error, sizeof b->s.last_error, msg != NULL ? msg : "");
	b->s.last_error_ms = now_ms();
	pthread_mutex_unlock(&b->lock);
}
