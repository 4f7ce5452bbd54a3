/*
 * test_control.c: the control socket: requests and replies, errors,
 * malformed input, events, permissions, stale and live sockets.
 */
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/control.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

/* Echo the "text" argument back, or fail when asked. */
static json_t *
echo(void *arg, json_t *req, const char *peer, char **cause)
{
	const char *text = json_string_value(json_object_get(req, "text"));

	(*(int *)arg)++;
	if (text == NULL) {
		set_cause(cause, "echo: no text");
		return NULL;
	}
	return json_pack("{s:s, s:s}", "text", text, "peer", peer);
}

/* A socket path in a fresh directory. */
static char *
sock_path(void)
{
	char *p;

	xasprintf(&p, "%s/control.sock", check_tmpdir());
	return p;
}

START_TEST(call_and_errors)
{
	char *path = sock_path(), *cause = NULL;
	struct control *c;
	struct ctl_client *cl;
	struct stat st;
	json_t *r;
	int calls = 0;

	c = control_new(path, &cause);
	ck_assert_ptr_nonnull(c);
	control_add(c, "echo", echo, &calls);
	ck_assert_int_eq(control_start(c, &cause), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	cl = ctl_connect(path, &cause);
	ck_assert_ptr_nonnull(cl);
	r = ctl_call(cl, "echo", json_pack("{s:s}", "text", "héllo \"world\"\n"), 2000, &cause);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "text")), "héllo \"world\"\n");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "peer")), "uid"));
	json_decref(r);

	ck_assert_ptr_null(ctl_call(cl, "echo", NULL, 2000, &cause));
	ck_assert_str_eq(cause, "echo: no text");
	ck_assert_ptr_null(ctl_call(cl, "nope", NULL, 2000, &cause));
	ck_assert_str_eq(cause, "unknown command 'nope'");
	ck_assert_int_eq(calls, 2);

	ctl_close(&cl);
	ck_assert_ptr_null(cl);
	control_free(&c);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(access(path, F_OK), -1);
	free(cause);
	free(path);
}
END_TEST

START_TEST(malformed_lines)
{
	char *path = sock_path(), buf[4096];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *c;
	struct ctl_client *cl;
	json_t *r;
	ssize_t n;
	int fd, calls = 0;

	c = control_new(path, NULL);
	control_add(c, "echo", echo, &calls);
	control_start(c, NULL);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_gt(write(fd, "{not json\n[1,2]\n{\"id\":3}\n", 25), 0);
	usleep(200000);
	n = read(fd, buf, sizeof buf - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "not a JSON object"));
	ck_assert_ptr_nonnull(strstr(buf, "wrong type"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"id\":3,\"ok\":false,\"error\":\"no \\\"cmd\\\""));
	close(fd);

	/* The server is still there for the next client. */
	cl = ctl_connect(path, NULL);
	ck_assert_ptr_nonnull(cl);
	r = ctl_call(cl, "echo", json_pack("{s:s}", "text", "still up"), 2000, NULL);
	ck_assert_ptr_nonnull(r);
	json_decref(r);
	ctl_close(&cl);
	control_free(&c);
	free(path);
}
END_TEST

START_TEST(events)
{
	char *path = sock_path();
	struct control *c;
	struct ctl_client *a, *b;
	json_t *r, *ev;
	int closed, i;

	c = control_new(path, NULL);
	control_start(c, NULL);
	a = ctl_connect(path, NULL);
	b = ctl_connect(path, NULL);
	r = ctl_call(a, "subscribe", NULL, 2000, NULL);
	ck_assert_ptr_nonnull(r);
	json_decref(r);
	control_broadcast(c, json_pack("{s:s, s:i}", "event", "status", "n", 1));
	ev = NULL;
	for (i = 0; i < 100 && ev == NULL; i++) {
		usleep(10000);
		ev = ctl_next_event(a, &closed);
	}
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "event")), "status");
	json_decref(ev);
	/* b did not subscribe. */
	usleep(50000);
	ck_assert_ptr_null(ctl_next_event(b, &closed));
	ck_assert_int_eq(closed, 0);
	ctl_close(&a);
	ctl_close(&b);
	control_free(&c);
	free(path);
}
END_TEST

START_TEST(send_to_one_peer)
{
	char *path = sock_path(), peer[64];
	struct control *c;
	struct ctl_client *a;
	json_t *r, *ev;
	int closed, i, calls = 0;

	c = control_new(path, NULL);
	control_add(c, "echo", echo, &calls);
	control_start(c, NULL);
	a = ctl_connect(path, NULL);
	json_decref(ctl_call(a, "subscribe", NULL, 2000, NULL));
	r = ctl_call(a, "echo", json_pack("{s:s}", "text", "who"), 2000, NULL);
	ck_assert_ptr_nonnull(r);
	snprintf(peer, sizeof peer, "%s", json_string_value(json_object_get(r, "peer")));
	json_decref(r);
	/* Another peer's event does not arrive; this peer's does. */
	control_send(c, "uid 0 pid 0", json_pack("{s:s}", "event", "other"));
	control_send(c, peer, json_pack("{s:s}", "event", "mine"));
	ev = NULL;
	for (i = 0; i < 100 && ev == NULL; i++) {
		usleep(10000);
		ev = ctl_next_event(a, &closed);
	}
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "event")), "mine");
	json_decref(ev);
	ctl_close(&a);
	control_free(&c);
	free(path);
}
END_TEST

START_TEST(stale_and_live)
{
	char *path = sock_path(), *cause = NULL;
	struct control *c, *c2;
	struct ctl_client *cl;
	FILE *f;

	/* A live server refuses a second one. */
	c = control_new(path, NULL);
	control_start(c, NULL);
	ck_assert_ptr_null(control_new(path, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "already listening"));

	/* A socket left behind by a dead process is replaced. */
	control_free(&c);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		strcpy(sa.sun_path, path);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
		close(fd);
	}
	c2 = control_new(path, &cause);
	ck_assert_ptr_nonnull(c2);
	control_start(c2, NULL);
	cl = ctl_connect(path, &cause);
	ck_assert_ptr_nonnull(cl);
	ctl_close(&cl);
	control_free(&c2);

	/* A regular file is never replaced. */
	f = fopen(path, "w");
	fputs("mine", f);
	fclose(f);
	ck_assert_ptr_null(control_new(path, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "not a socket"));
	ck_assert_int_eq(access(path, F_OK), 0);

	/* Nobody there. */
	unlink(path);
	ck_assert_ptr_null(ctl_connect(path, &cause));
	free(cause);
	free(path);
}
END_TEST

START_TEST(path_too_long)
{
	char path[200], *cause = NULL;

	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	ck_assert_ptr_null(control_new(path, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "too long"));
	free(cause);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");

	tcase_add_test(tc, call_and_errors);
	tcase_add_test(tc, malformed_lines);
	tcase_add_test(tc, events);
	tcase_add_test(tc, send_to_one_peer);
	tcase_add_test(tc, stale_and_live);
	tcase_add_test(tc, path_too_long);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
