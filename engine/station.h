/*
 * station.h: a whole station on the air: the Program Director with its
 * plug-ins (alerts), the HTTP server, SSDP, and the control socket, over
 * one database and data directory. The daemon runs one headless; a
 * console with no daemon to attach to runs one in-process. Only one
 * station runs per data directory (a lock file says which process).
 */
#ifndef RV_ENGINE_STATION_H
#define RV_ENGINE_STATION_H

#include <stdio.h>

struct director;
struct alerts;

struct station_opts {
	const char *db_path;
	const char *data_dir;
	const char *mode;               /* "daemon" or "console", shown in status */
	const char *bind;               /* NULL or "0.0.0.0": every address */
	int port;                       /* 0: 8080 */
	int max_channels;               /* 0: the engine's setting or default */
	int idle_timeout_s;             /* 0: likewise */
	int ssdp;                       /* answer SSDP searches */
	const char *channels;           /* the channels to own ("2-9,12"); NULL: all */
};

struct station;

/* Take the lock, open and start everything. NULL with *cause. */
struct station *station_start(const struct station_opts *opts, char **cause);
/* Print the URLs to open (channels, guide, status, Plex). */
void station_print_urls(struct station *s, FILE *f);
/* Reload channels and settings (SIGHUP). */
void station_reload(struct station *s);
/* Viewers over every channel now. */
int station_viewers(struct station *s);
/* The station's director and alerts (borrowed: valid until station_stop). */
struct director *station_director(struct station *s);
struct alerts *station_alerts(struct station *s);
/* The control socket's path. */
const char *station_socket(struct station *s);
/* Stop everything cleanly (channels, as-run, alerts) and free; sets *sp NULL. */
void station_stop(struct station **sp);

#endif
