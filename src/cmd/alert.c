/*
 * cmd/alert.c: retrovue alert send|clear|list|audio — emergency alerts from
 * the command line. send and clear go to the running daemon through its
 * control socket; list, audio and voice read and write the database.
 *
 * A send carries a key made here (or given with --key): when the daemon
 * does not answer, the send is tried again with the same key, which the
 * daemon never airs twice; if it still does not answer, the outcome is
 * unknown, and said so (exit status 3), never "refused".
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/control.h"
#include "engine/voice.h"
#include "src/alert.h"
#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/sysconf.h"
#include "src/util.h"
#include "src/xjson.h"

/* Who is sending: the login name (through sudo too) and "cli". */
static char *
sender(void)
{
	const char *name = getenv("SUDO_USER");
	struct passwd *pw;
	char *s;

	if (name == NULL && (pw = getpwuid(getuid())) != NULL)
		name = pw->pw_name;
	xasprintf(&s, "%s (command line)", name != NULL ? name : "unknown");
	return s;
}

#define SEND_TRIES 3
#define SEND_TIMEOUT_MS 5000            /* per try */
#define EXIT_UNKNOWN 3

/* Connect to the daemon or say why not. */
static struct ctl_client *
connect_daemon(struct cmd_ctx *ctx)
{
	struct ctl_client *cl;
	char *path = paths_join(&ctx->paths, "control.sock"), *cause = NULL;

	cl = ctl_connect(path, &cause);
	if (cl == NULL)
		cmd_error("no Retrovue daemon answers on %s (%s); start 'retrovue --daemon' "
		    "first — nothing was sent", path, cause);
	free(cause);
	free(path);
	return cl;
}

/*
 * Hand a checked alert (args) to the daemon: tried again with the same key
 * while the daemon does not answer. 0 sent, 1 refused or not sent, 3
 * unknown (it may be on the air).
 */
static int
send_to_daemon(struct cmd_ctx *ctx, json_t *args, const struct alert *a)
{
	enum ctl_outcome outcome = CTL_NOT_SENT, last = CTL_NOT_SENT;
	struct ctl_client *cl = NULL;
	char *path = paths_join(&ctx->paths, "control.sock"), *cause = NULL;
	json_t *r = NULL;
	int try;

	for (try = 0; try < SEND_TRIES && r == NULL; try++) {
		if (try > 0)
			fprintf(stderr, "retrovue: alert send: %s; trying again with the same key "
			    "(it never airs twice)\n", cause);
		freep(&cause);
		ctl_close(&cl);
		if ((cl = ctl_connect(path, &cause)) == NULL) {
			outcome = CTL_NOT_SENT;
			if (try == 0) {
				cmd_error("no Retrovue daemon answers on %s (%s); start 'retrovue "
				    "--daemon' first — nothing was sent", path, cause);
				break;
			}
			continue;
		}
		r = ctl_request(cl, "alert.send", json_deep_copy(args), SEND_TIMEOUT_MS, &outcome,
		    &cause);
		if (outcome == CTL_UNKNOWN)
			last = CTL_UNKNOWN;
		if (outcome == CTL_REFUSED)
			break;
	}
	ctl_close(&cl);
	free(path);
	if (r != NULL) {
		free(cause);
		printf("alert %lld sent (%s) to %s: %s\n",
		    (long long)json_integer_value(json_object_get(r, "id")), a->event,
		    json_string_value(json_object_get(r, "channels")) != NULL ?
		    json_string_value(json_object_get(r, "channels")) : a->channels,
		    json_string_value(json_object_get(r, "state")) != NULL ?
		    json_string_value(json_object_get(r, "state")) : "on the air");
		json_decref(r);
		return 0;
	}
	if (outcome == CTL_REFUSED)
		cmd_error("the daemon refused the alert: %s", cause);
	else if (last == CTL_UNKNOWN)
		cmd_error("alert send: unknown: see `retrovue alert list` (key %s): the daemon got "
		    "the alert but did not answer (%s), so it may be on the air. Sending it again "
		    "with --key %s never airs it twice", a->key, cause, a->key);
	else if (try > 1)
		cmd_error("alert send: the daemon stopped answering (%s); nothing was sent",
		    cause);
	free(cause);
	return last == CTL_UNKNOWN && outcome != CTL_REFUSED ? EXIT_UNKNOWN : 1;
}

/* alert send: check locally, then hand to the daemon. */
static int
alert_send(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "fips", required_argument, NULL, 'f' },
		{ "purge", required_argument, NULL, 'p' },
		{ "message", required_argument, NULL, 'm' },
		{ "channels", required_argument, NULL, 'c' },
		{ "station", required_argument, NULL, 's' },
		{ "originator", required_argument, NULL, 'o' },
		{ "display", required_argument, NULL, 'd' },
		{ "attention", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "voice", required_argument, NULL, 'v' },
		{ "duration", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct alert_input in = { 0 };
	struct alert a;
	char *fips = NULL, *n, *who, *cause = NULL, *header, key[33];
	json_t *args;
	long long v;
	int64_t ms;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': in.event = optarg; break;
		case 'f':
			xasprintf(&n, "%s%s%s", fips != NULL ? fips : "", fips != NULL ? "," : "",
			    optarg);
			free(fips);
			fips = n;
			break;
		case 'p': in.purge = optarg; break;
		case 'm': in.message = optarg; break;
		case 'c': in.channels = optarg; break;
		case 's': in.station = optarg; break;
		case 'o': in.originator = optarg; break;
		case 'd': in.display = optarg; break;
		case 'k': in.key = optarg; break;
		case 'v': in.voice = optarg; break;
		case 'D':
			if (parse_duration_ms(optarg, &ms) != 0 || ms < 1000 || ms > 86400000) {
				cmd_error("--duration: '%s' is not a duration like 90, 5:00 or 1:00:00",
				    optarg);
				free(fips);
				return 2;
			}
			in.duration_s = (int)((ms + 999) / 1000);
			break;
		case 'a':
			if (parse_int(optarg, 0, 1000, &v) != 0) {
				cmd_error("--attention: '%s' is not a number of seconds", optarg);
				free(fips);
				return 2;
			}
			in.attention_s = (int)v;
			break;
		default:
			free(fips);
			fprintf(stderr, "usage: retrovue alert send --event CODE --fips PSSCCC "
			    "--purge HHMM --message TEXT [--channels 2,5] [--station ID] "
			    "[--originator EAS|CIV|WXR|PEP] [--display crawl|slate] "
			    "[--attention SECONDS] [--voice VOICE] [--duration DUR] [--key KEY]\n");
			return 2;
		}
	}
	if (optind != argc) {
		cmd_error("alert send: unexpected argument '%s'", argv[optind]);
		free(fips);
		return 2;
	}
	in.locations = fips;
	in.sent_by = who = sender();
	if (in.key == NULL) {
		alert_new_key(key);
		in.key = key;
	}
	if (alert_parse(&in, &a, &cause) != 0) {
		cmd_error("alert refused: %s; nothing was sent", cause);
		goto out;
	}
	if (ctx->dry_run) {
		header = alert_header(&a);
		printf("would send %s (%s) to %s channels: %s\n", a.event,
		    alert_event_name(a.event), a.channels, header);
		free(header);
		status = 0;
		goto out_alert;
	}
	args = xjson_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i}",
	    "originator", a.originator, "event", a.event, "locations", fips, "purge", a.purge,
	    "station", a.station, "message", a.message, "display",
	    a.display == ALERT_SLATE ? "slate" : "crawl", "channels", a.channels,
	    "attention", a.attention_s, "sent_by", who, "key", a.key, "duration", a.duration_s);
	if (a.voice[0] != '\0')
		json_object_set_new(args, "voice", json_string(a.voice));
	status = send_to_daemon(ctx, args, &a);
	json_decref(args);
out_alert:
	alert_clear(&a);
out:
	free(cause);
	free(fips);
	free(who);
	return status;
}

/* alert clear: end the alert on the air now (with its end of message). */
static int
alert_clear_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ctl_client *cl;
	char *cause = NULL, *who;
	json_t *r;
	int status = 1;

	if (argc != 1)
		return cmd_usage(&cmd_alert_entry);
	if ((cl = connect_daemon(ctx)) == NULL)
		return 1;
	who = sender();
	r = ctl_call(cl, "alert.clear", json_pack("{s:s}", "sent_by", who), 10000, &cause);
	if (r == NULL)
		cmd_error("alert clear: %s", cause);
	else {
		printf("%s\n", json_string_value(json_object_get(r, "message")) != NULL ?
		    json_string_value(json_object_get(r, "message")) : "cleared");
		json_decref(r);
		status = 0;
	}
	free(who);
	free(cause);
	ctl_close(&cl);
	return status;
}

/* alert list: the alerts in the database, newest first. */
static int
alert_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int n = 0;

	if (argc != 1)
		return cmd_usage(&cmd_alert_entry);
	if ((db = cmd_db(ctx, 0)) == NULL)
		return 1;
	st = db_prepare(db, "SELECT id, created_at, originator, event_code, locations, purge, "
	    "channels, status, coalesce(sent_by, ''), message, coalesce(send_key, '') FROM "
	    "emergency_alerts ORDER BY id DESC LIMIT 100", NULL);
	if (st == NULL)
		return 1;
	printf("%-4s %-20s %-3s %-3s %-8s %-5s %-8s %-9s %s\n", "ID", "ISSUED (UTC)", "ORG",
	    "EVT", "CHANNELS", "PURGE", "STATUS", "LOCATIONS", "SENT BY / MESSAGE");
	while (sqlite3_step(st) == SQLITE_ROW) {
		printf("%-4lld %-20s %-3s %-3s %-8s %-5s %-8s %-9s %s: %s%s%s%s\n",
		    (long long)sqlite3_column_int64(st, 0), db_text(st, 1), db_text(st, 2),
		    db_text(st, 3), db_text(st, 6), db_text(st, 5), db_text(st, 7),
		    db_text(st, 4), db_text(st, 8), db_text(st, 9),
		    *db_text(st, 10) != '\0' ? " [key " : "", db_text(st, 10),
		    *db_text(st, 10) != '\0' ? "]" : "");
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0)
		printf("(no alerts)\n");
	return 0;
}

/* alert audio [same|tone|none]: show or set the station's alert audio. */
static int
alert_audio(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum alert_audio mode;
	sqlite3 *db;
	char *v, *cause = NULL;

	if (argc > 2)
		return cmd_usage(&cmd_alert_entry);
	if ((db = cmd_db(ctx, argc == 2)) == NULL)
		return 1;
	if (argc == 1) {
		v = sysconf_get(db, "alert.audio", "same");
		printf("%s\n", v);
		free(v);
		return 0;
	}
	if (alert_audio_parse(argv[1], &mode) != 0) {
		cmd_error("alert audio: '%s' must be same, tone or none", argv[1]);
		return 2;
	}
	if (sysconf_set(db, "alert.audio", alert_audio_name(mode), "alert audio: same (SAME "
	    "header, attention signal, spoken message, end of message), tone (attention signal "
	    "and spoken message) or none",
	    &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("alert audio: %s\n", alert_audio_name(mode));
	return 0;
}

/* Print one voice of the list. */
static void
print_voice(void *arg, const char *name, const char *desc)
{
	(void)arg;
	printf("%-20s %s\n", name, desc);
}

/* alert voice [NAME|list]: show, set or list the voice that speaks alerts. */
static int
alert_voice(struct cmd_ctx *ctx, int argc, char **argv)
{
	sqlite3 *db;
	char *v, *cause = NULL;
	int rc;

	if (argc > 2)
		return cmd_usage(&cmd_alert_entry);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		printf("%-20s %s\n", "VOICE", "LANGUAGE (a variant is added to a voice: en-us+m3)");
		rc = voice_each(print_voice, NULL, &cause);
		voice_end();
		if (rc != 0) {
			cmd_error("alert voice: %s", cause);
			free(cause);
			return 1;
		}
		return 0;
	}
	if ((db = cmd_db(ctx, argc == 2)) == NULL)
		return 1;
	if (argc == 1) {
		v = sysconf_get(db, "alert.voice", VOICE_DEFAULT);
		printf("%s\n", v);
		free(v);
		return 0;
	}
	rc = strlen(argv[1]) <= ALERT_VOICE_MAX ? voice_check(argv[1], &cause) : -1;
	voice_end();
	if (rc != 0) {
		cmd_error("alert voice: %s", cause != NULL ? cause : "the name is too long");
		free(cause);
		return 2;
	}
	if (sysconf_set(db, "alert.voice", argv[1], "the voice that speaks an alert's message "
	    "(retrovue alert voice list)", &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	printf("alert voice: %s\n", argv[1]);
	return 0;
}

static const struct cmd_sub alert_subs[] = {
	{ "send", "--event CODE --fips PSSCCC --purge HHMM --message TEXT [--channels 2,5] "
	    "[--station ID] [--display crawl|slate] [--attention S] [--voice VOICE] "
	    "[--duration DUR] [--key KEY]", alert_send },
	{ "clear", "", alert_clear_cmd },
	{ "list", "", alert_list },
	{ "audio", "[same|tone|none]", alert_audio },
	{ "voice", "[VOICE|list]", alert_voice },
	{ NULL, NULL, NULL },
};

/* Dispatch. */
static int
alert_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, &cmd_alert_entry, alert_subs, argc, argv);
}

const struct cmd_entry cmd_alert_entry = {
	.name = "alert",
	.usage = "send|clear|list|audio|voice ...",
	.summary = "send or clear an emergency alert on the air",
	.flags = CMD_NO_DB,
	.exec = alert_exec,
	.subs = alert_subs,
};
