/*
 * hdhr.h: HDHomeRun emulation, so Plex Live TV (and other DVR clients)
 * take Retrovue for a network tuner: the discover/lineup documents with the
 * field names real devices use, the UPnP device description, and an SSDP
 * responder that answers discovery on the LAN.
 */
#ifndef RV_ENGINE_HDHR_H
#define RV_ENGINE_HDHR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "src/channels.h"

struct hdhr_info {
	char device_id[9];              /* 8 hex digits, valid HDHomeRun checksum */
	char friendly_name[64];
	int tuner_count;
};

/* 1 if id passes the HDHomeRun device ID checksum. */
int hdhr_device_id_valid(uint32_t id);
/* A random device ID with a valid checksum, as 8 hex digits into buf[9]. */
void hdhr_device_id_new(char buf[9]);

/* The documents (new strings). base_url is "http://host:port". */
char *hdhr_discover_json(const struct hdhr_info *info, const char *base_url);
char *hdhr_lineup_json(const struct channel_conf *channels, size_t n, const char *base_url);
char *hdhr_lineup_status_json(void);
char *hdhr_device_xml(const struct hdhr_info *info, const char *base_url);

struct ssdp;

/* One IPv4 address of this machine, on one interface. */
struct ssdp_net {
	int ifindex;
	struct in_addr addr, mask;
	struct in_addr peer;            /* a point-to-point link's other end, or 0 */
};

/*
 * Does SSDP answer a search from `from` that came in on interface ifindex
 * (0: unknown, then the interface holding `local`)? Only when from is on
 * one of that interface's subnets (or is its point-to-point peer), or is
 * an address of this machine (a search to our own LAN address comes in
 * on loopback).
 */
int ssdp_local_peer(const struct ssdp_net *nets, size_t n, int ifindex, struct in_addr local,
    struct in_addr from);

/*
 * Answer SSDP M-SEARCH on UDP 1900, pointing at http://ADDR:port/device.xml,
 * to askers on the local subnets of the interface a search came in on;
 * bind_addr limits it to one interface address (NULL: all). NULL with
 * *cause when the port cannot be had.
 */
struct ssdp *ssdp_start(const char *bind_addr, int http_port, const struct hdhr_info *info,
    char **cause);
/* Stop the responder; accepts NULL, sets *sp NULL. */
void ssdp_stop(struct ssdp **sp);

#endif
