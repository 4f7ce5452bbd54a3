/*
 * station.c: start and stop a whole station: lock, director, plug-ins,
 * HTTP, SSDP, control socket. The order matters on the way down: the
 * control socket first (no new commands), then the channels (as-run
 * closed, waiting viewers woken), then the HTTP server, then the rest.
 */
#include "engine/station.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/alerts.h"
#include "engine/api.h"
#include "engine/control.h"
#include "engine/director.h"
#include "engine/docs.h"
#include "engine/graphics.h"
#include "engine/hdhr.h"
#include "engine/http.h"
#include "engine/look.h"
#include "engine/thumbs.h"
#include "src/chanset.h"
#include "src/db.h"
#include "src/guide.h"
#include "src/log.h"
#include "src/netacl.h"
#include "src/sched.h"
#include "src/sysconf.h"
#include "src/util.h"

#define DEFAULT_PORT 8080
#define GUIDE_HOURS 48
#define GUIDE_MAX_AGE_MS 60000          /* the XMLTV window moves on: made again this often */

struct station {
	char *db_path;
	char *data_dir;
	char *lock_path;
	char *sock_path;
	int lock_fd;
	char host[64];
	int port;
	struct director *d;
	struct alerts *alerts;
	struct thumbs *thumbs;
	struct docs *docs;
	struct http *h;
	struct ssdp *ssdp;
	struct control *ctl;
	struct api api;
	struct chanset *owned;          /* --channels */
	char *bind;                     /* --bind, NULL: every address */
	char exposure[512];             /* the warning below, or "" */
};

/* /iptv/channels.m3u: the scheduler's channel list (on the docs' builder). */
static int
guide_m3u_cb(void *arg, sqlite3 *db, int64_t now, const char *base_url, char **out,
    size_t *len, char **cause)
{
	return guide_m3u_only(db, ((struct station *)arg)->owned, base_url, 0, out, len, cause);
}

/* /iptv/xmltv.xml: the scheduler's guide from now on (on the docs' builder). */
static int
guide_xmltv_cb(void *arg, sqlite3 *db, int64_t now, const char *base_url, char **out,
    size_t *len, char **cause)
{
	return guide_xmltv_only(db, ((struct station *)arg)->owned, now, GUIDE_HOURS, base_url,
	    out, len, cause);
}

/* Take the data directory's lock; the fd, or -1 with *cause. */
static int
take_lock(struct station *s, char **cause)
{
	char buf[32] = "";
	ssize_t n;
	int fd;

	xasprintf(&s->lock_path, "%s/daemon.lock", s->data_dir);
	fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		set_cause(cause, "cannot open the lock file %s: %s", s->lock_path, errno == ELOOP ?
		    "it is a symbolic link (remove it)" : strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		n = read(fd, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		strtrim(buf);
		set_cause(cause, "another Retrovue daemon (pid %s) is already running on %s "
		    "(lock %s); stop it first", *buf != '\0' ? buf : "unknown", s->db_path,
		    s->lock_path);
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == 0) {
		n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
		if (write(fd, buf, (size_t)n) != n)
			log_warn("cannot write the pid into %s", s->lock_path);
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

/* Is bind an address only this machine can reach? */
static int
loopback_only(const char *bind)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (bind == NULL)
		return 0;
	if (inet_pton(AF_INET, bind, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, bind, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/*
 * The law (README, "The law"): EAS tones must not reach the public. If
 * http.allow lets a public address in (and the server listens beyond
 * loopback) while the alert audio is 'same', say so in the log, on the
 * terminal (station_print_urls) and to the consoles (status).
 */
static void
exposure_check(struct station *s, sqlite3 *db, const char *allow)
{
	struct netacl a = { 0 };
	char range[64], *audio;

	s->exposure[0] = '\0';
	netacl_parse(allow != NULL && *allow != '\0' ? allow : NETACL_DEFAULT, &a, NULL);
	if (a.n == 0)
		netacl_parse(NETACL_DEFAULT, &a, NULL);
	audio = sysconf_get(db, "alert.audio", "same");
	if (!loopback_only(s->bind) && netacl_admits_public(&a, range, sizeof range) &&
	    strcmp(audio, "same") == 0) {
		snprintf(s->exposure, sizeof s->exposure, "the station can be reached from public "
		    "addresses (http.allow has %s) while the alert audio is 'same': 47 CFR 11.45 "
		    "forbids letting EAS tones reach the public; use 'retrovue alert audio tone' "
		    "(or none), or keep http.allow to private ranges", range);
		log_warn("WARNING: %s", s->exposure);
	}
	free(audio);
	netacl_clear(&a);
	api_set_warning(&s->api, s->exposure);
}

/* Print what to open. */
void
station_print_urls(struct station *s, FILE *f)
{
	struct channel_conf *list;
	size_t n, i;

	director_channels(s->d, &list, &n);
	fprintf(f, "Retrovue is on the air at http://%s:%d/\n", s->host, s->port);
	if (n == 0)
		fprintf(f, "  (no channels yet: add some, then send SIGHUP or restart)\n");
	for (i = 0; i < n; i++)
		fprintf(f, "  %-6s %-24s http://%s:%d/channel/%s.ts   (HLS: /channel/%s/index.m3u8)\n",
		    list[i].number, list[i].name, s->host, s->port, list[i].number, list[i].number);
	fprintf(f, "Guide: http://%s:%d/iptv/channels.m3u and /iptv/xmltv.xml; "
	    "status: /api/status; Plex (HDHomeRun): http://%s:%d\n", s->host, s->port, s->host,
	    s->port);
	if (s->exposure[0] != '\0')
		fprintf(f, "WARNING: %s\n", s->exposure);
	fflush(f);
	channels_free(&list, n);
}

/*
 * Raise the open-file limit as far as allowed, and keep the connection
 * limit under it (with room for media, sockets and the database).
 */
static void
fit_connections(int *max)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)*max + 256 > rl.rlim_cur) {
		log_warn("http: at most %d connections: the open-file limit is %llu (raise "
		    "LimitNOFILE or ulimit -n)", (int)rl.rlim_cur - 256 > 8 ?
		    (int)rl.rlim_cur - 256 : 8, (unsigned long long)rl.rlim_cur);
		*max = (int)rl.rlim_cur - 256 > 8 ? (int)rl.rlim_cur - 256 : 8;
	}
}

/* Start everything. */
struct station *
station_start(const struct station_opts *o, char **cause)
{
	struct director_opts dopts;
	struct docs_opts gopts;
	struct http_opts hopts;
	struct station *s = xcalloc(1, sizeof *s);
	sqlite3 *db = NULL;
	char *allow = NULL;
	int max;

	s->db_path = xstrdup(o->db_path);
	s->bind = o->bind != NULL ? xstrdup(o->bind) : NULL;
	s->data_dir = xstrdup(o->data_dir);
	s->lock_fd = -1;
	if ((s->owned = chanset_parse(o->channels, cause)) == NULL)
		goto fail;
	if ((s->lock_fd = take_lock(s, cause)) < 0)
		goto fail;
	if (db_open(s->db_path, DB_CREATE, &db, cause) != 0)
		goto fail;

	memset(&dopts, 0, sizeof dopts);
	dopts.db_path = s->db_path;
	dopts.max_channels = o->max_channels;
	dopts.idle_timeout_s = o->idle_timeout_s;
	dopts.extend = sched_extend_until;      /* the fine log grows as time passes */
	dopts.owned = s->owned;
	if ((s->d = director_new(&dopts, cause)) == NULL)
		goto fail;
	director_active(s->d, &max);
	/*
	 * Graphics first; then a channel's look (under the alerts, or over
	 * them: each channel takes one of the two); the alert system draws
	 * over everything else.
	 */
	director_add_plugin(s->d, &graphics_plugin, s->db_path);
	director_add_plugin(s->d, &look_plugin, NULL);
	if ((s->alerts = alerts_new(s->db_path, cause)) == NULL)
		goto fail;
	director_add_plugin(s->d, &alerts_plugin, s->alerts);
	director_add_plugin(s->d, &look_over_plugin, NULL);
	/* The consoles' thumbnails look at the finished picture. */
	s->thumbs = thumbs_new();
	director_add_plugin(s->d, &thumbs_plugin, s->thumbs);

	memset(&hopts, 0, sizeof hopts);
	hopts.bind = o->bind;
	hopts.port = o->port > 0 ? o->port : DEFAULT_PORT;
	hopts.threads = setting_int(db, "http.threads", 4, 1, 64);
	hopts.max_connections = setting_int(db, "http.max_connections", 4096, 8, 100000);
	fit_connections(&hopts.max_connections);
	hopts.per_ip = setting_int(db, "http.per_ip_connections", 64, 1, 100000);
	hopts.timeout_s = setting_int(db, "http.timeout_s", 15, 1, 3600);
	hopts.allow = allow = setting(db, "http.allow");
	hdhr_identity(db, &hopts.hdhr, max);
	/* The guide and the health check, made off the HTTP threads. */
	memset(&gopts, 0, sizeof gopts);
	gopts.db_path = s->db_path;
	gopts.src[DOCS_M3U] = (struct docs_source){ guide_m3u_cb, s, 0 };
	gopts.src[DOCS_XMLTV] = (struct docs_source){ guide_xmltv_cb, s, GUIDE_MAX_AGE_MS };
	if ((s->docs = docs_new(&gopts, cause)) == NULL)
		goto fail;
	hopts.docs = s->docs;
	if ((s->h = http_start(&hopts, s->d, cause)) == NULL)
		goto fail;
	s->port = http_port(s->h);
	public_host(o->bind, s->host, sizeof s->host);
	if (director_start(s->d, cause) != 0)
		goto fail;
	if (alerts_start(s->alerts, cause) != 0)
		goto fail;

	/* The control socket: the CLI's alerts and the consoles. */
	s->api.director = s->d;
	s->api.alerts = s->alerts;
	s->api.thumbs = s->thumbs;
	s->api.db_path = s->db_path;
	s->api.mode = o->mode != NULL ? o->mode : "daemon";
	s->api.started_ms = now_ms();
	snprintf(s->api.http_url, sizeof s->api.http_url, "http://%s:%d", s->host, s->port);
	xasprintf(&s->sock_path, "%s/control.sock", s->data_dir);
	if ((s->ctl = control_new(s->sock_path, cause)) == NULL)
		goto fail;
	api_register(s->ctl, &s->api);
	exposure_check(s, db, allow);
	freep(&allow);
	db_close(&db);
	if (control_start(s->ctl, cause) != 0)
		goto fail;
	if (o->ssdp &&
	    (s->ssdp = ssdp_start(o->bind, s->port, &hopts.hdhr, cause)) == NULL) {
		log_warn("%s; Plex will not find the tuner by itself (add it by address)", *cause);
		freep(cause);
	}
	log_info("retrovue %s: serving %s on port %d (HDHomeRun %s, %d tuners, channels %s)",
	    PACKAGE_VERSION, s->db_path, s->port, hopts.hdhr.device_id, max,
	    chanset_text(s->owned));
	return s;

fail:
	free(allow);
	db_close(&db);
	station_stop(&s);
	return NULL;
}

/* SIGHUP: the channels and the settings read here (who may connect, the warning). */
void
station_reload(struct station *s)
{
	sqlite3 *db = NULL;
	char *cause = NULL, *allow;

	director_reload(s->d);
	if (db_open(s->db_path, 0, &db, &cause) != 0) {
		log_warn("reload: %s", cause);
		free(cause);
		return;
	}
	allow = setting(db, "http.allow");
	http_set_allow(s->h, allow);
	exposure_check(s, db, allow);
	free(allow);
	db_close(&db);
}

/* Viewers over every channel. */
int
station_viewers(struct station *s)
{
	struct channel_status *st = NULL;
	size_t n, i;
	int v = 0;

	n = director_status(s->d, &st);
	for (i = 0; i < n; i++)
		v += st[i].viewers;
	free(st);
	return v;
}

struct director *
station_director(struct station *s)
{
	return s->d;
}

struct alerts *
station_alerts(struct station *s)
{
	return s->alerts;
}

const char *
station_socket(struct station *s)
{
	return s->sock_path;
}

/* Stop in order and free. */
void
station_stop(struct station **sp)
{
	struct station *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	api_stop(&s->api);
	control_free(&s->ctl);
	ssdp_stop(&s->ssdp);
	if (s->d != NULL)
		director_shutdown(s->d);
	docs_close(s->docs);
	http_stop(&s->h);
	docs_free(&s->docs);
	director_free(&s->d);
	alerts_free(&s->alerts);
	thumbs_free(&s->thumbs);
	api_close(&s->api);
	if (s->lock_fd >= 0) {
		unlink(s->lock_path);
		close(s->lock_fd);
	}
	free(s->lock_path);
	free(s->sock_path);
	free(s->db_path);
	free(s->data_dir);
	free(s->bind);
	chanset_free(&s->owned);
	freep(sp);
}
