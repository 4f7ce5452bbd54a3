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

static const struct {
	const char *name, *key;
} alarm_names[] = {
	[ALARM_DEAD_AIR] = { "DEAD AIR", "dead_air" },
	[ALARM_BLACK] = { "BLACK", "black" },
	[ALARM_FROZEN] = { "FROZEN", "frozen" },
};

/* State name. */
const char *
chan_state_name(enum chan_state state)
{
	if ((unsigned)state >= nitems(state_names))
		return "?";
	return state_names[state];
}

/* Alarm name. */
const char *
alarm_kind_name(enum alarm_kind kind)
{
	return (unsigned)kind < nitems(alarm_names) ? alarm_names[kind].name : "?";
}

/* Alarm key. */
const char *
alarm_kind_key(enum alarm_kind kind)
{
	return (unsigned)kind < nitems(alarm_names) ? alarm_names[kind].key : "?";
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
