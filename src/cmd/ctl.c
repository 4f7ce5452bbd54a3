/*
 * cmd/ctl.c: retrovue ctl CMD [JSON] — send one command to the running
 * daemon's control socket and print the reply (for operators and tests).
 * With --wait, a command that starts a job waits for the job's end,
 * printing its progress on standard error.
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/control.h"
#include "src/cmd/cmd.h"
#include "src/util.h"

/* Wait for job.done of job; print it. 0 done, 1 the job failed, -1 lost. */
static int
wait_job(struct ctl_client *cl, json_int_t job, int timeout_ms)
{
	struct pollfd pfd;
	int64_t until = mono_us() + (int64_t)timeout_ms * 1000;
	json_t *ev;
	char *s;
	int closed = 0, rc;

	for (;;) {
		while ((ev = ctl_next_event(cl, &closed)) != NULL) {
			if (json_integer_value(json_object_get(ev, "job")) != job) {
				json_decref(ev);
				continue;
			}
			if (strcmp(json_string_value(json_object_get(ev, "event")), "job.done") == 0) {
				s = json_dumps(ev, JSON_COMPACT);
				printf("%s\n", s);
				free(s);
				rc = json_object_get(ev, "error") != NULL;
				json_decref(ev);
				return rc;
			}
			fprintf(stderr, "%s %lld/%lld %s\n", json_string_value(json_object_get(ev,
			    "event")), (long long)json_integer_value(json_object_get(ev, "done")),
			    (long long)json_integer_value(json_object_get(ev, "total")),
			    json_string_value(json_object_get(ev, json_object_get(ev, "text") != NULL ?
			    "text" : "message")) != NULL ? json_string_value(json_object_get(ev,
			    json_object_get(ev, "text") != NULL ? "text" : "message")) : "");
			json_decref(ev);
		}
		if (closed) {
			cmd_error("the daemon closed the connection before job %lld ended",
			    (long long)job);
			return -1;
		}
		if (mono_us() >= until) {
			cmd_error("job %lld did not end within %d s", (long long)job, timeout_ms / 1000);
			return -1;
		}
		pfd.fd = ctl_fd(cl);
		pfd.events = POLLIN;
		poll(&pfd, 1, 200);
	}
}

/* ctl [--wait] [--timeout SEC] CMD [JSON] */
static int
ctl_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_client *cl;
	json_error_t jerr;
	json_t *args = NULL, *r;
	char *path, *cause = NULL, *s;
	long long secs = 60;
	int c, wait = 0, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'w')
			wait = 1;
		else if (c == 't' && parse_int(optarg, 1, 86400, &secs) == 0)
			continue;
		else
			goto usage;
	}
	if (argc - optind < 1 || argc - optind > 2)
		goto usage;
	if (argc - optind == 2) {
		args = json_loads(argv[optind + 1], 0, &jerr);
		if (!json_is_object(args)) {
			cmd_error("the arguments must be a JSON object: %s", args == NULL ? jerr.text :
			    "not an object");
			json_decref(args);
			return 2;
		}
	}
	path = paths_join(&ctx->paths, "control.sock");
	if ((cl = ctl_connect(path, &cause)) == NULL) {
		cmd_error("no Retrovue daemon answers on %s (%s); start 'retrovue --daemon' first",
		    path, cause);
		free(cause);
		free(path);
		json_decref(args);
		return 1;
	}
	free(path);
	if (wait && (r = ctl_call(cl, "subscribe", NULL, 5000, &cause)) == NULL)
		goto fail;
	if (wait)
		json_decref(r);
	if ((r = ctl_call(cl, argv[optind], args, (int)secs * 1000, &cause)) == NULL)
		goto fail;
	s = json_dumps(r, JSON_COMPACT | JSON_ENCODE_ANY);
	printf("%s\n", s);
	fflush(stdout);                 /* the reply now, the job's end later */
	free(s);
	rc = 0;
	if (wait && json_is_integer(json_object_get(r, "job")))
		rc = wait_job(cl, json_integer_value(json_object_get(r, "job")), (int)secs * 1000) ==
		    0 ? 0 : 1;
	json_decref(r);
	ctl_close(&cl);
	return rc;
fail:
	cmd_error("%s: %s", argv[optind], cause);
	free(cause);
	ctl_close(&cl);
	return 1;
usage:
	fprintf(stderr, "usage: retrovue ctl [--wait] [--timeout SEC] COMMAND ['{\"arg\": ...}']\n");
	return 2;
}

const struct cmd_entry cmd_ctl_entry = {
	.name = "ctl",
	.usage = "[--wait] [--timeout SEC] COMMAND [JSON]",
	.summary = "send one command to the running daemon and print the reply",
	.flags = CMD_NO_DB,
	.exec = ctl_exec,
};
