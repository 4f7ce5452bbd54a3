/*
 * cmd/daemon.c: retrovue --daemon — the director and the HTTP server,
 * headless. One daemon per data directory (an flock'd lock file); SIGTERM
 * and SIGINT stop it cleanly, SIGHUP reloads channels and settings.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "engine/alerts.h"
#include "engine/api.h"
#include "engine/control.h"
#include "engine/director.h"
#include "engine/hdhr.h"
#include "engine/http.h"
#include "src/cmd/cmd.h"
#include "src/db.h"
#include "src/guide.h"
#include "src/log.h"
#include "src/sched.h"
#include "src/util.h"

#define DEFAULT_PORT 8080
#define GUIDE_HOURS 48

/* A connection of its own for a guide request (HTTP threads share none). */
static sqlite3 *
guide_db(struct cmd_ctx *ctx, char **cause)
{
	sqlite3 *db = NULL;

	if (db_open(ctx->paths.db_path, 0, &db, cause) != 0)
		return NULL;
	return db;
}

/* /iptv/channels.m3u: the scheduler's channel list. */
static int
guide_m3u_cb(void *arg, const char *base_url, char **out, size_t *len, char **cause)
{
	sqlite3 *db = guide_db(arg, cause);
	int rc;

	if (db == NULL)
		return -1;
	rc = guide_m3u(db, base_url, 0, out, len, cause);
	db_close(&db);
	return rc;
}

/* /iptv/xmltv.xml: the scheduler's guide from now on. */
static int
guide_xmltv_cb(void *arg, const char *base_url, char **out, size_t *len, char **cause)
{
	sqlite3 *db = guide_db(arg, cause);
	int rc;

	if (db == NULL)
		return -1;
	rc = guide_xmltv(db, now_ms(), GUIDE_HOURS, base_url, out, len, cause);
	db_close(&db);
	return rc;
}

/* Take the data directory's daemon lock; the fd, or -1 after saying why. */
static int
take_lock(struct cmd_ctx *ctx, char **path)
{
	char buf[32] = "";
	ssize_t n;
	int fd;

	*path = paths_join(&ctx->paths, "daemon.lock");
	fd = open(*path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		cmd_error("cannot open the lock file %s: %s", *path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		n = read(fd, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		strtrim(buf);
		cmd_error("another Retrovue daemon (pid %s) is already running on %s (lock %s); "
		    "stop it first", *buf != '\0' ? buf : "unknown", ctx->paths.db_path, *path);
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == 0) {
		n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
		if (write(fd, buf, (size_t)n) != n)
			log_warn("cannot write the pid into %s", *path);
	}
	return fd;
}

/* A text setting from system_config (new string) or NULL. */
static char *
setting(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM system_config WHERE key = ?1", NULL);
	char *v = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && *db_text(st, 0) != '\0')
		v = xstrdup(db_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* An integer setting, or dflt. */
static int
setting_int(sqlite3 *db, const char *key, int dflt, int min, int max)
{
	char *v = setting(db, key);
	long long n;
	int r = dflt;

	if (v != NULL && parse_int(v, min, max, &n) == 0)
		r = (int)n;
	else if (v != NULL)
		log_warn("setting %s: '%s' is not a number from %d to %d", key, v, min, max);
	free(v);
	return r;
}

/* The HDHomeRun identity: a stable device ID (made once and kept). */
static void
hdhr_identity(sqlite3 *db, struct hdhr_info *info, int tuners)
{
	char *id = setting(db, "hdhomerun.device_id"), *name;
	unsigned long v;
	sqlite3_stmt *st;

	memset(info, 0, sizeof *info);
	if (id != NULL && strlen(id) == 8 && sscanf(id, "%8lx", &v) == 1 &&
	    hdhr_device_id_valid((uint32_t)v))
		snprintf(info->device_id, sizeof info->device_id, "%08lX", v);
	else {
		if (id != NULL)
			log_warn("setting hdhomerun.device_id: '%s' is not a valid HDHomeRun "
			    "device ID; making a new one", id);
		hdhr_device_id_new(info->device_id);
		st = db_prepare(db, "INSERT OR REPLACE INTO system_config (key, value, description) "
		    "VALUES ('hdhomerun.device_id', ?1, 'the HDHomeRun device ID Retrovue "
		    "shows to Plex')", NULL);
		if (st != NULL) {
			sqlite3_bind_text(st, 1, info->device_id, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				log_warn("cannot save the HDHomeRun device ID: %s", sqlite3_errmsg(db));
			sqlite3_finalize(st);
		}
	}
	free(id);
	name = setting(db, "hdhomerun.friendly_name");
	snprintf(info->friendly_name, sizeof info->friendly_name, "%s",
	    name != NULL ? name : "Retrovue");
	free(name);
	info->tuner_count = tuners;
}

/* The address to print in URLs: --bind, else this machine's first LAN address. */
static void
public_host(const char *bind, char *buf, size_t len)
{
	struct ifaddrs *ifa, *i;
	struct sockaddr_in *sin;

	if (bind != NULL && strcmp(bind, "0.0.0.0") != 0 && strcmp(bind, "::") != 0) {
		if (strchr(bind, ':') != NULL)
			snprintf(buf, len, "[%s]", bind);
		else
			snprintf(buf, len, "%s", bind);
		return;
	}
	snprintf(buf, len, "127.0.0.1");
	if (getifaddrs(&ifa) != 0)
		return;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		sin = (struct sockaddr_in *)(void *)i->ifa_addr;
		if ((ntohl(sin->sin_addr.s_addr) >> 24) == 127)
			continue;
		inet_ntop(AF_INET, &sin->sin_addr, buf, (socklen_t)len);
		break;
	}
	freeifaddrs(ifa);
}

/* Print what to open. */
static void
print_urls(struct director *d, const char *host, int port)
{
	struct channel_conf *list;
	size_t n, i;

	director_channels(d, &list, &n);
	printf("Retrovue is on the air at http://%s:%d/\n", host, port);
	if (n == 0)
		printf("  (no channels yet: add some, then send SIGHUP or restart)\n");
	for (i = 0; i < n; i++)
		printf("  %-6s %-24s http://%s:%d/channel/%s.ts   (HLS: /channel/%s/index.m3u8)\n",
		    list[i].number, list[i].name, host, port, list[i].number, list[i].number);
	printf("Guide: http://%s:%d/iptv/channels.m3u and /iptv/xmltv.xml; "
	    "status: /api/status; Plex (HDHomeRun): http://%s:%d\n", host, port, host, port);
	fflush(stdout);
	channels_free(&list, n);
}

/* retrovue --daemon. */
static int
daemon_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct director_opts dopts;
	struct http_opts hopts;
	struct director *d = NULL;
	struct alerts *alerts = NULL;
	struct control *ctl = NULL;
	struct api api = { 0 };
	struct http *h = NULL;
	struct ssdp *ssdp = NULL;
	sigset_t set;
	char *lock_path = NULL, *sock_path = NULL, *cause = NULL, host[64];
	sqlite3 *db;
	int lock_fd = -1, sig, status = 1, max;

	if (argc > 1) {
		cmd_error("--daemon takes no arguments (options go before it)");
		return 2;
	}
	log_set_flags(LOG_TO_STDERR | LOG_TIMESTAMPS);
	log_set_level(ctx->debug ? LOGL_DEBUG : LOGL_INFO);
	if (paths_make_data_dir(&ctx->paths, &cause) != 0) {
		cmd_error("%s", cause);
		free(cause);
		return 1;
	}
	if ((lock_fd = take_lock(ctx, &lock_path)) < 0)
		goto out;
	if ((db = cmd_db(ctx, 1)) == NULL)
		goto out;
	if (ctx->channels != NULL)
		log_warn("--channels %s: not supported yet; this daemon serves every channel",
		    ctx->channels);

	/* Signals go to this thread only; every thread started below inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&dopts, 0, sizeof dopts);
	dopts.db_path = ctx->paths.db_path;
	dopts.max_channels = ctx->max_channels;
	dopts.extend = sched_extend_until;      /* the fine log grows as time passes */
	if ((d = director_new(&dopts, &cause)) == NULL)
		goto fail;
	director_active(d, &max);
	/* The alert system draws over everything else: its plug-in goes last. */
	if ((alerts = alerts_new(ctx->paths.db_path, &cause)) == NULL)
		goto fail;
	director_add_plugin(d, &alerts_plugin, alerts);

	memset(&hopts, 0, sizeof hopts);
	hopts.bind = ctx->bind;
	hopts.port = ctx->port > 0 ? ctx->port : DEFAULT_PORT;
	hopts.threads = setting_int(db, "http.threads", 4, 1, 64);
	hopts.max_connections = setting_int(db, "http.max_connections", 512, 8, 100000);
	hopts.per_ip = setting_int(db, "http.per_ip_connections", 64, 1, 100000);
	hopts.timeout_s = setting_int(db, "http.timeout_s", 15, 1, 3600);
	hdhr_identity(db, &hopts.hdhr, max);
	hopts.guide.m3u = guide_m3u_cb;
	hopts.guide.xmltv = guide_xmltv_cb;
	hopts.guide.arg = ctx;
	if ((h = http_start(&hopts, d, &cause)) == NULL)
		goto fail;
	if (director_start(d, &cause) != 0)
		goto fail;
	if (alerts_start(alerts, &cause) != 0)
		goto fail;

	/* The control socket: the CLI's alerts and attached consoles. */
	api.director = d;
	api.alerts = alerts;
	api.db_path = ctx->paths.db_path;
	api.mode = "daemon";
	api.started_ms = now_ms();
	public_host(ctx->bind, host, sizeof host);
	snprintf(api.http_url, sizeof api.http_url, "http://%s:%d", host, http_port(h));
	sock_path = paths_join(&ctx->paths, "control.sock");
	if ((ctl = control_new(sock_path, &cause)) == NULL)
		goto fail;
	api_register(ctl, &api);
	if (control_start(ctl, &cause) != 0)
		goto fail;
	if (!ctx->no_ssdp) {
		if ((ssdp = ssdp_start(ctx->bind, http_port(h), &hopts.hdhr, &cause)) == NULL) {
			log_warn("%s; Plex will not find the tuner by itself (add it by address)",
			    cause);
			freep(&cause);
		}
	}
	public_host(ctx->bind, host, sizeof host);
	log_info("retrovue %s: serving %s on port %d (HDHomeRun %s, %d tuners)", PACKAGE_VERSION,
	    ctx->paths.db_path, http_port(h), hopts.hdhr.device_id, max);
	print_urls(d, host, http_port(h));

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP: reloading channels and settings");
			director_reload(d);
			continue;
		}
		log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	}
	status = 0;
	goto stop;

fail:
	cmd_error("%s", cause != NULL ? cause : "the daemon cannot start");
	free(cause);
stop:
	control_free(&ctl);
	ssdp_stop(&ssdp);
	if (d != NULL)
		director_shutdown(d);
	http_stop(&h);
	director_free(&d);
	alerts_free(&alerts);
	api_close(&api);
	free(sock_path);
	if (status == 0)
		log_info("stopped cleanly");
out:
	if (lock_fd >= 0) {
		unlink(lock_path);
		close(lock_fd);
	}
	free(lock_path);
	return status;
}

const struct cmd_entry cmd_daemon_entry = {
	.name = "daemon",
	.usage = "(run as: retrovue [--bind ADDR] [--port N] [--max-channels N] [--no-ssdp] "
	    "--daemon)",
	.summary = "run the channels and the HTTP server headless (retrovue --daemon)",
	.flags = CMD_NO_DB,
	.exec = daemon_exec,
};
