/*
 * control.h: the control socket. The daemon (or a console running the
 * engine itself) listens on a UNIX socket under the data directory (mode
 * 0600); the CLI ('retrovue alert send') and attached consoles talk to it
 * in JSON lines:
 *
 *   request  {"id": 7, "cmd": "alert.send", ...arguments...}
 *   reply    {"id": 7, "ok": true, "result": {...}}
 *            {"id": 7, "ok": false, "error": "event code 'XYZ': ..."}
 *   event    {"event": "NAME", ...}      (to clients that sent "subscribe")
 *
 * Commands are registered by whoever owns the state they touch. Handlers
 * run one at a time, in the order they came, on the control worker thread;
 * a slow one delays those behind it (so anything slow hands its work to a
 * job pool), but never the commands registered inline: those run on the
 * control thread itself as soon as they are read, whatever the worker is
 * doing. Alerts are inline.
 */
#ifndef RV_ENGINE_CONTROL_H
#define RV_ENGINE_CONTROL_H

#include <jansson.h>

struct control;
struct ctl_client;

/*
 * A handler gets the request object (borrowed) and the identity of the
 * peer ("uid 1000 pid 4242"). It returns a new result object, or NULL with
 * *cause set (the reply then carries the error).
 */
typedef json_t *(*control_fn)(void *arg, json_t *request, const char *peer, char **cause);

/*
 * Listen on path. Refuses when another live process answers there; a stale
 * socket file is replaced.
 */
struct control *control_new(const char *path, char **cause);
/*
 * Parse one request line: 0 with the object (*req, the caller's) and its
 * command; -1 with *cause (and *req still set when it was an object).
 */
int control_parse_request(const char *line, size_t len, json_t **req, const char **cmd,
    char **cause);
/* Register a command before control_start (run by the worker). */
void control_add(struct control *c, const char *cmd, control_fn fn, void *arg);
/*
 * Register a command run on the control thread as soon as it is read: for
 * quick ones nothing may hold up (alerts, status). It must never block.
 */
void control_add_inline(struct control *c, const char *cmd, control_fn fn, void *arg);
/* Start the control thread ("rv-ctl") and its worker ("rv-ctlw"). */
int control_start(struct control *c, char **cause);
/* Send an event to every subscribed client (takes ownership of ev). */
void control_broadcast(struct control *c, json_t *ev);
/*
 * The same for the clients of one peer (the handler's peer string: one
 * process), e.g. a large reply-like event only the asker wants.
 */
void control_send(struct control *c, const char *peer, json_t *ev);
/* Stop the thread, close every client, remove the socket; sets *cp NULL. */
void control_free(struct control **cp);

/* A request's arguments: a string (or NULL), an integer (a number or a
 * numeric string; else dflt), a boolean (true/false or an integer; else dflt). */
const char *ctl_arg_str(json_t *req, const char *key);
json_int_t ctl_arg_int(json_t *req, const char *key, json_int_t dflt);
int ctl_arg_bool(json_t *req, const char *key, int dflt);

/* What became of a request. */
enum ctl_outcome {
	CTL_DONE,                       /* the daemon answered: done */
	CTL_REFUSED,                    /* the daemon answered: refused (the cause says why) */
	CTL_UNKNOWN,                    /* sent, no answer (timeout, connection lost): it may
	                                   or may not have been carried out */
	CTL_NOT_SENT,                   /* it never reached the daemon whole: not carried out */
};

/* Connect to a running daemon; NULL with *cause if none answers. */
struct ctl_client *ctl_connect(const char *path, char **cause);
/*
 * Call cmd with args (stolen; NULL for none). Returns the result (new
 * reference) or NULL with *cause: the daemon's error or a transport one.
 * Events arriving meanwhile are queued for ctl_next_event.
 */
json_t *ctl_call(struct ctl_client *cl, const char *cmd, json_t *args, int timeout_ms,
    char **cause);
/*
 * ctl_call, with what became of the request in *outcome: for a request
 * that must not be done twice (an alert), an unknown outcome is not a
 * refusal.
 */
json_t *ctl_request(struct ctl_client *cl, const char *cmd, json_t *args, int timeout_ms,
    enum ctl_outcome *outcome, char **cause);
/* The descriptor to poll for events (after a "subscribe" call). */
int ctl_fd(struct ctl_client *cl);
/* The next queued or readable event without blocking; NULL if none. -1 rc in *eof when closed. */
json_t *ctl_next_event(struct ctl_client *cl, int *closed);
void ctl_close(struct ctl_client **clp);

#endif
