/*
 * control.c: the control socket's server and client.
 *
 * Concurrency: the server is one thread ("rv-ctl") polling the listening
 * socket, its clients and a wake pipe; it reads every request as it comes.
 * Commands added with control_add_inline (alerts, status) run right there,
 * so nothing can queue in front of them. Every other command is handed to
 * the worker ("rv-ctlw"), which runs them one at a time in the order they
 * came and queues each reply on its client (found again by serial number:
 * a client that left meanwhile gets nothing). A slow command therefore
 * delays the commands behind it, never an alert. The entry points called
 * from other threads are control_broadcast/control_send, which append to
 * the clients' output under the control lock and write the wake pipe, and
 * control_free, which sets the stop flag and wakes both threads before
 * joining them. Client output is buffered; a client whose buffer passes
 * OUT_MAX (it stopped reading) is dropped, so a stuck console never
 * stalls the daemon.
 */
#include "engine/control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "src/log.h"
#include "src/util.h"
#include "src/thread.h"

#define MAX_CLIENTS 64
#define LINE_MAX_BYTES (1 << 20)        /* a request line */
#define OUT_MAX (8 << 20)               /* unread output before a client is dropped */

struct command {
	char *name;
	control_fn fn;
	void *arg;
	int on_control_thread;          /* control_add_inline */
};

/* A request for the worker. */
struct work {
	struct work *next;
	uint64_t serial;                /* its client's */
	char peer[64];
	json_t *req;                    /* the request (a reference) */
	const struct command *cmd;
};

struct client {
	int fd;
	uint64_t serial;                /* this client, not another in its slot later */
	int subscribed;
	char peer[64];
	char *in;                       /* partial request line */
	size_t in_len, in_cap;
	char *out;                      /* unsent bytes */
	size_t out_len, out_cap;
};

struct control {
	char *path;
	int listen_fd;
	int wake[2];
	pthread_t thread;
	int started;
	pthread_mutex_t lock;           /* guards clients[] output, the work queue and stop */
	int stop;
	struct client *clients[MAX_CLIENTS];
	uint64_t next_serial;
	struct command *commands;       /* fixed once started */
	size_t ncommands;

	pthread_t worker;               /* rv-ctlw */
	int worker_started;
	pthread_cond_t work_wake;
	struct work *work_head, *work_tail;
};

/* A sockaddr_un for path, or -1 if the path is too long. */
static int
make_addr(const char *path, struct sockaddr_un *sa, char **cause)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path) {
		set_cause(cause, "control socket path too long (%zu bytes, at most %zu): %s",
		    strlen(path), sizeof sa->sun_path - 1, path);
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Connect a stream socket to path. */
static int
connect_to(const char *path, char **cause)
{
	struct sockaddr_un sa;
	int fd;

	if (make_addr(path, &sa, cause) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		set_cause(cause, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Listen on path (0600), replacing a stale socket, refusing a live one. */
struct control *
control_new(const char *path, char **cause)
{
	struct control *c;
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd, rc;

	if (make_addr(path, &sa, cause) != 0)
		return NULL;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			set_cause(cause, "%s exists and is not a socket; not touching it", path);
			return NULL;
		}
		if ((fd = connect_to(path, NULL)) >= 0) {
			close(fd);
			set_cause(cause, "another Retrovue is already listening on %s", path);
			return NULL;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		set_cause(cause, "socket: %s", strerror(errno));
		return NULL;
	}
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || listen(fd, 16) != 0) {
		set_cause(cause, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->listen_fd = fd;
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		set_cause(cause, "pipe: %s", strerror(errno));
		close(fd);
		unlink(path);
		free(c->path);
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->work_wake, NULL);
	return c;
}

/* Register a command for the worker or, inline, for the control thread. */
static void
add(struct control *c, const char *cmd, control_fn fn, void *arg, int on_control_thread)
{
	c->commands = xreallocarray(c->commands, c->ncommands + 1, sizeof *c->commands);
	c->commands[c->ncommands].name = xstrdup(cmd);
	c->commands[c->ncommands].fn = fn;
	c->commands[c->ncommands].arg = arg;
	c->commands[c->ncommands].on_control_thread = on_control_thread;
	c->ncommands++;
}

/* Register a command (run by the worker). */
void
control_add(struct control *c, const char *cmd, control_fn fn, void *arg)
{
	add(c, cmd, fn, arg, 0);
}

/* Register a command run on the control thread itself. */
void
control_add_inline(struct control *c, const char *cmd, control_fn fn, void *arg)
{
	add(c, cmd, fn, arg, 1);
}

/* Queue a JSON value plus newline on a client; caller holds the lock. */
static void
queue_json(struct client *cl, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (cl->out_len + n + 1 > cl->out_cap) {
		cl->out_cap = (cl->out_len + n + 1) * 2;
		cl->out = xreallocarray(cl->out, cl->out_cap, 1);
	}
	memcpy(cl->out + cl->out_len, s, n);
	cl->out[cl->out_len + n] = '\n';
	cl->out_len += n + 1;
	free(s);
}

/* Close and forget a client; caller holds the lock. */
static void
drop_client(struct control *c, int i)
{
	struct client *cl = c->clients[i];

	close(cl->fd);
	free(cl->in);
	free(cl->out);
	free(cl);
	c->clients[i] = NULL;
}

/* Wake the control thread. */
static void
wake(struct control *c)
{
	char b = 1;

	if (write(c->wake[1], &b, 1) < 0 && errno != EAGAIN)
		log_warn("control: cannot wake the control thread: %s", strerror(errno));
}

/* Parse one request line. */
int
control_parse_request(const char *line, size_t len, json_t **req, const char **cmd,
    char **cause)
{
	json_error_t err;

	*cmd = NULL;
	*req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (*req == NULL || !json_is_object(*req)) {
		set_cause(cause, "not a JSON object: %s", *req == NULL ? err.text : "wrong type");
		json_decref(*req);
		*req = NULL;
		return -1;
	}
	*cmd = json_string_value(json_object_get(*req, "cmd"));
	if (*cmd == NULL) {
		set_cause(cause, "no \"cmd\" in the request");
		return -1;
	}
	return 0;
}

/* A reply to req: the result (taken) or the error. */
static json_t *
make_reply(json_t *req, json_t *result, const char *cause)
{
	json_t *reply = json_object(), *id;

	if (req != NULL && (id = json_object_get(req, "id")) != NULL)
		json_object_set(reply, "id", id);
	if (result != NULL) {
		json_object_set_new(reply, "ok", json_true());
		json_object_set_new(reply, "result", result);
	} else {
		json_object_set_new(reply, "ok", json_false());
		json_object_set_new(reply, "error", json_string(cause != NULL ? cause : "failed"));
	}
	return reply;
}

/* Hand a request to the worker; caller holds the lock. */
static void
queue_work(struct control *c, struct client *cl, json_t *req, const struct command *cmd)
{
	struct work *w = xcalloc(1, sizeof *w);

	w->serial = cl->serial;
	snprintf(w->peer, sizeof w->peer, "%s", cl->peer);
	w->req = json_incref(req);
	w->cmd = cmd;
	if (c->work_tail != NULL)
		c->work_tail->next = w;
	else
		c->work_head = w;
	c->work_tail = w;
	pthread_cond_signal(&c->work_wake);
}

/* Handle one request line from a client; caller holds the lock. */
static void
handle_line(struct control *c, struct client *cl, const char *line, size_t len)
{
	json_t *req, *reply, *id, *result = NULL;
	const char *cmd;
	char *cause = NULL;
	size_t i;

	reply = json_object();
	if (control_parse_request(line, len, &req, &cmd, &cause) != 0) {
		if (req != NULL && (id = json_object_get(req, "id")) != NULL)
			json_object_set(reply, "id", id);
		json_object_set_new(reply, "ok", json_false());
		json_object_set_new(reply, "error", json_string(cause));
		freep(&cause);
		goto out;
	}
	if ((id = json_object_get(req, "id")) != NULL)
		json_object_set(reply, "id", id);
	if (strcmp(cmd, "subscribe") == 0) {
		cl->subscribed = 1;
		result = json_object();
	} else if (strcmp(cmd, "ping") == 0)
		result = json_pack("{s:s}", "pong", "retrovue");
	else {
		for (i = 0; i < c->ncommands; i++) {
			if (strcmp(c->commands[i].name, cmd) == 0)
				break;
		}
		if (i == c->ncommands)
			xasprintf(&cause, "unknown command '%s'", cmd);
		else if (!c->commands[i].on_control_thread) {
			queue_work(c, cl, req, &c->commands[i]);
			json_decref(reply);
			json_decref(req);
			return;
		} else {
			/* Handlers broadcast: run them unlocked. */
			pthread_mutex_unlock(&c->lock);
			result = c->commands[i].fn(c->commands[i].arg, req, cl->peer, &cause);
			pthread_mutex_lock(&c->lock);
		}
	}
	if (result != NULL) {
		json_object_set_new(reply, "ok", json_true());
		json_object_set_new(reply, "result", result);
	} else {
		json_object_set_new(reply, "ok", json_false());
		json_object_set_new(reply, "error", json_string(cause != NULL ? cause :
		    "failed"));
	}
	free(cause);
out:
	queue_json(cl, reply);
	json_decref(reply);
	json_decref(req);
}

/* Read what a client sent and answer each complete line. 0, or -1 to drop. */
static int
read_client(struct control *c, struct client *cl)
{
	char buf[65536], *nl;
	size_t used, n;
	ssize_t r;

	r = read(cl->fd, buf, sizeof buf);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (r < 0)
		return 0;
	if (cl->in_len + (size_t)r > LINE_MAX_BYTES) {
		log_warn("control: %s sent a request line over %d bytes; dropped", cl->peer,
		    LINE_MAX_BYTES);
		return -1;
	}
	if (cl->in_len + (size_t)r > cl->in_cap) {
		cl->in_cap = (cl->in_len + (size_t)r) * 2;
		cl->in = xreallocarray(cl->in, cl->in_cap, 1);
	}
	memcpy(cl->in + cl->in_len, buf, (size_t)r);
	cl->in_len += (size_t)r;

	used = 0;
	while ((nl = memchr(cl->in + used, '\n', cl->in_len - used)) != NULL) {
		n = (size_t)(nl - (cl->in + used));
		if (n > 0)
			handle_line(c, cl, cl->in + used, n);
		used += n + 1;
	}
	memmove(cl->in, cl->in + used, cl->in_len - used);
	cl->in_len -= used;
	return 0;
}

/* Write what is pending. 0, or -1 to drop. */
static int
write_client(struct client *cl)
{
	ssize_t w;

	if (cl->out_len > OUT_MAX)
		return -1;
	while (cl->out_len > 0) {
		w = send(cl->fd, cl->out, cl->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		memmove(cl->out, cl->out + w, cl->out_len - (size_t)w);
		cl->out_len -= (size_t)w;
	}
	return 0;
}

/* Accept a new client and note who it is. */
static void
accept_client(struct control *c)
{
	struct client *cl;
	struct ucred cred;
	socklen_t len = sizeof cred;
	int fd, i;

	if ((fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0)
		return;
	for (i = 0; i < MAX_CLIENTS && c->clients[i] != NULL; i++)
		;
	if (i == MAX_CLIENTS) {
		log_warn("control: more than %d clients; refusing one", MAX_CLIENTS);
		close(fd);
		return;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->fd = fd;
	cl->serial = ++c->next_serial;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		snprintf(cl->peer, sizeof cl->peer, "uid %u pid %d", (unsigned)cred.uid,
		    (int)cred.pid);
	else
		snprintf(cl->peer, sizeof cl->peer, "unknown peer");
	c->clients[i] = cl;
}

/* The control thread. */
static void *
control_main(void *arg)
{
	struct control *c = arg;
	struct pollfd pfd[MAX_CLIENTS + 2];
	int map[MAX_CLIENTS + 2];
	char drain[256];
	int i, n;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		if (c->stop) {
			pthread_mutex_unlock(&c->lock);
			break;
		}
		pfd[0].fd = c->wake[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = c->listen_fd;
		pfd[1].events = POLLIN;
		n = 2;
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (c->clients[i] == NULL)
				continue;
			pfd[n].fd = c->clients[i]->fd;
			pfd[n].events = POLLIN | (c->clients[i]->out_len > 0 ? POLLOUT : 0);
			map[n++] = i;
		}
		pthread_mutex_unlock(&c->lock);

		if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR) {
			log_error("control: poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			while (read(c->wake[0], drain, sizeof drain) > 0)
				;
		}
		pthread_mutex_lock(&c->lock);
		if (pfd[1].revents & POLLIN)
			accept_client(c);
		for (i = 2; i < n; i++) {
			struct client *cl = c->clients[map[i]];

			if (cl == NULL)
				continue;
			if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    read_client(c, cl) != 0) {
				drop_client(c, map[i]);
				continue;
			}
			if (write_client(cl) != 0)
				drop_client(c, map[i]);
		}
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

/* The worker: the queued commands, one at a time, in order. */
static void *
worker_main(void *arg)
{
	struct control *c = arg;
	struct client *cl;
	struct work *w;
	json_t *result, *reply;
	char *cause;
	int i;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->stop && c->work_head == NULL)
			pthread_cond_wait(&c->work_wake, &c->lock);
		if (c->stop)
			break;
		w = c->work_head;
		if ((c->work_head = w->next) == NULL)
			c->work_tail = NULL;
		pthread_mutex_unlock(&c->lock);

		cause = NULL;
		result = w->cmd->fn(w->cmd->arg, w->req, w->peer, &cause);
		reply = make_reply(w->req, result, cause);
		free(cause);

		pthread_mutex_lock(&c->lock);
		for (i = 0; i < MAX_CLIENTS; i++) {
			if ((cl = c->clients[i]) != NULL && cl->serial == w->serial) {
				queue_json(cl, reply);
				wake(c);
				break;
			}
		}
		json_decref(reply);
		json_decref(w->req);
		free(w);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Start a control thread (named, signals blocked). */
static int
start_thread(pthread_t *t, void *(*fn)(void *), void *arg, const char *name, char **cause)
{
	int rc;

	if ((rc = thread_start(t, name, fn, arg)) != 0) {
		set_cause(cause, "cannot start the control thread: %s", strerror(rc));
		return -1;
	}
	return 0;
}

/* Start the worker, then the control thread. */
int
control_start(struct control *c, char **cause)
{
	if (start_thread(&c->worker, worker_main, c, "rv-ctlw", cause) != 0)
		return -1;
	c->worker_started = 1;
	if (start_thread(&c->thread, control_main, c, "rv-ctl", cause) != 0)
		return -1;
	c->started = 1;
	return 0;
}

/* Send ev to every subscriber. */
void
control_broadcast(struct control *c, json_t *ev)
{
	control_send(c, NULL, ev);
}

/* Send ev to the subscribers of one peer (NULL: all). */
void
control_send(struct control *c, const char *peer, json_t *ev)
{
	int i;

	if (c == NULL) {
		json_decref(ev);
		return;
	}
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (c->clients[i] != NULL && c->clients[i]->subscribed && (peer == NULL ||
		    strcmp(c->clients[i]->peer, peer) == 0))
			queue_json(c->clients[i], ev);
	}
	pthread_mutex_unlock(&c->lock);
	json_decref(ev);
	wake(c);
}

/* Stop and free. */
void
control_free(struct control **cp)
{
	struct control *c;
	struct work *w;
	size_t i;
	int j;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->work_wake);
	pthread_mutex_unlock(&c->lock);
	if (c->started) {
		wake(c);
		pthread_join(c->thread, NULL);
	}
	if (c->worker_started)
		pthread_join(c->worker, NULL);
	while ((w = c->work_head) != NULL) {
		c->work_head = w->next;
		json_decref(w->req);
		free(w);
	}
	for (j = 0; j < MAX_CLIENTS; j++) {
		if (c->clients[j] != NULL)
			drop_client(c, j);
	}
	close(c->listen_fd);
	unlink(c->path);
	close(c->wake[0]);
	close(c->wake[1]);
	for (i = 0; i < c->ncommands; i++)
		free(c->commands[i].name);
	free(c->commands);
	pthread_cond_destroy(&c->work_wake);
	pthread_mutex_destroy(&c->lock);
	free(c->path);
	freep(cp);
}

/* The client side. */
struct ctl_client {
	int fd;
	int next_id;
	char *in;
	size_t in_len, in_cap;
	json_t *events;                 /* array of queued events */
};

/* Connect and ping. */
struct ctl_client *
ctl_connect(const char *path, char **cause)
{
	struct ctl_client *cl;
	json_t *r;
	int fd;

	if ((fd = connect_to(path, cause)) < 0)
		return NULL;
	cl = xcalloc(1, sizeof *cl);
	cl->fd = fd;
	cl->events = json_array();
	if ((r = ctl_call(cl, "ping", NULL, 2000, cause)) == NULL) {
		ctl_close(&cl);
		return NULL;
	}
	json_decref(r);
	return cl;
}

/* Read until a complete line is buffered; returns it (parsed) or NULL. */
static json_t *
read_line(struct ctl_client *cl, int timeout_ms, int *closed, char **cause)
{
	struct pollfd pfd = { .fd = cl->fd, .events = POLLIN };
	int64_t deadline = mono_us() + (int64_t)timeout_ms * 1000, left;
	char buf[65536], *nl;
	json_t *v;
	size_t n;
	ssize_t r;

	*closed = 0;
	for (;;) {
		if (cl->in_len > 0 && (nl = memchr(cl->in, '\n', cl->in_len)) != NULL) {
			n = (size_t)(nl - cl->in);
			v = json_loadb(cl->in, n, 0, NULL);
			memmove(cl->in, nl + 1, cl->in_len - n - 1);
			cl->in_len -= n + 1;
			if (v == NULL) {
				set_cause(cause, "the daemon sent something that is not JSON");
				continue;
			}
			return v;
		}
		left = timeout_ms < 0 ? -1 : (deadline - mono_us()) / 1000;
		if (left < 0 && timeout_ms >= 0)
			left = 0;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			set_cause(cause, "the daemon did not answer in time");
			return NULL;
		}
		r = read(cl->fd, buf, sizeof buf);
		if (r <= 0) {
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			*closed = 1;
			set_cause(cause, "the daemon closed the control connection");
			return NULL;
		}
		if (cl->in_len + (size_t)r > cl->in_cap) {
			cl->in_cap = (cl->in_len + (size_t)r) * 2;
			cl->in = xreallocarray(cl->in, cl->in_cap, 1);
		}
		memcpy(cl->in + cl->in_len, buf, (size_t)r);
		cl->in_len += (size_t)r;
	}
}

/* Send a request and wait for its reply. */
json_t *
ctl_call(struct ctl_client *cl, const char *cmd, json_t *args, int timeout_ms, char **cause)
{
	enum ctl_outcome outcome;

	return ctl_request(cl, cmd, args, timeout_ms, &outcome, cause);
}

/* The same, saying whether the daemon refused or may have done it. */
json_t *
ctl_request(struct ctl_client *cl, const char *cmd, json_t *args, int timeout_ms,
    enum ctl_outcome *outcome, char **cause)
{
	json_t *req = args != NULL ? args : json_object(), *v, *result;
	const char *err;
	char *s;
	size_t len, off = 0;
	ssize_t w;
	int id = ++cl->next_id, closed;

	/* A request line the daemon did not get whole is never carried out. */
	*outcome = CTL_NOT_SENT;
	json_object_set_new(req, "id", json_integer(id));
	json_object_set_new(req, "cmd", json_string(cmd));
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (s == NULL) {
		set_cause(cause, "cannot encode the request");
		return NULL;
	}
	len = strlen(s);
	s[len++] = '\n';        /* json_dumps leaves room: replace the NUL */
	while (off < len) {
		w = send(cl->fd, s + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			set_cause(cause, "cannot talk to the daemon: %s", strerror(errno));
			free(s);
			return NULL;
		}
		off += (size_t)w;
	}
	free(s);

	/* From here the daemon may have carried it out, until it answers. */
	*outcome = CTL_UNKNOWN;
	for (;;) {
		if ((v = read_line(cl, timeout_ms, &closed, cause)) == NULL)
			return NULL;
		if (json_object_get(v, "event") != NULL) {
			json_array_append_new(cl->events, v);
			continue;
		}
		if (json_integer_value(json_object_get(v, "id")) != id) {
			json_decref(v);
			continue;
		}
		if (json_is_true(json_object_get(v, "ok"))) {
			result = json_incref(json_object_get(v, "result"));
			json_decref(v);
			*outcome = CTL_DONE;
			return result != NULL ? result : json_object();
		}
		*outcome = CTL_REFUSED;
		err = json_string_value(json_object_get(v, "error"));
		set_cause(cause, "%s", err != NULL ? err : "the daemon refused");
		json_decref(v);
		return NULL;
	}
}

/* Descriptor for the console's poll loop. */
int
ctl_fd(struct ctl_client *cl)
{
	return cl->fd;
}

/* Next event, without blocking. */
json_t *
ctl_next_event(struct ctl_client *cl, int *closed)
{
	json_t *v;

	*closed = 0;
	if (json_array_size(cl->events) > 0) {
		v = json_incref(json_array_get(cl->events, 0));
		json_array_remove(cl->events, 0);
		return v;
	}
	for (;;) {
		v = read_line(cl, 0, closed, NULL);
		if (v == NULL || json_object_get(v, "event") != NULL)
			return v;
		json_decref(v);         /* a stray reply */
	}
}

/* Close. */
void
ctl_close(struct ctl_client **clp)
{
	if (clp == NULL || *clp == NULL)
		return;
	close((*clp)->fd);
	free((*clp)->in);
	json_decref((*clp)->events);
	freep(clp);
}

const char *
ctl_arg_str(json_t *req, const char *key)
{
	return json_string_value(json_object_get(req, key));
}

json_int_t
ctl_arg_int(json_t *req, const char *key, json_int_t dflt)
{
	json_t *v = json_object_get(req, key);
	long long n;

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v) && parse_int(json_string_value(v), INT64_MIN, INT64_MAX, &n) == 0)
		return n;
	return dflt;
}

int
ctl_arg_bool(json_t *req, const char *key, int dflt)
{
	json_t *v = json_object_get(req, key);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return dflt;
}
