/*
 * hdhr.c: HDHomeRun documents and the SSDP responder.
 *
 * The SSDP thread ("rv-ssdp") owns its socket; it waits in poll() on the
 * socket and a pipe that ssdp_stop writes to. It learns which interface
 * and local address a search arrived on (IP_PKTINFO) so the LOCATION it
 * answers is reachable from the asker, and answers only askers on that
 * interface's own subnets: SSDP is for the LAN, and a search from farther
 * away (routed, or forged) gets nothing.
 */
#include "engine/hdhr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "src/log.h"
#include "src/util.h"
#include "src/thread.h"

#define SSDP_PORT 1900
#define SSDP_GROUP "239.255.255.250"
#define DEVICE_TYPE "urn:schemas-upnp-org:device:MediaServer:1"
#define MODEL_NUMBER "HDTC-2US"
#define FIRMWARE_NAME "hdhomeruntc_atsc"
#define FIRMWARE_VERSION "20200101"
#define NETS_EVERY_US (10 * 1000000LL)  /* read the interfaces again this often */

/* Device ID checksum (HDHomeRun's): alternate nibbles through a table. */
int
hdhr_device_id_valid(uint32_t id)
{
	static const uint8_t lut[16] = { 0xA, 0x5, 0xF, 0x6, 0x7, 0xC, 0x1, 0xB, 0x9, 0x2, 0x8,
	    0xD, 0x4, 0x3, 0xE, 0x0 };
	uint8_t sum = 0;
	int i;

	for (i = 7; i >= 0; i--) {
		uint8_t nib = (id >> (i * 4)) & 0xF;

		sum ^= (i & 1) ? lut[nib] : nib;
	}
	return sum == 0;
}

/* A new valid random ID. */
void
hdhr_device_id_new(char buf[9])
{
	uint32_t id;

	do {
		if (getrandom(&id, sizeof id, 0) != sizeof id)
			id = (uint32_t)mono_us() * 2654435761u;
		id = (id & 0x0FFFFFFF) | 0x10000000;    /* leading digit 1, like real units */
	} while (!hdhr_device_id_valid(id));
	snprintf(buf, 9, "%08X", id);
}

/* Dump a JSON value to a new string and free it. */
static char *
dump(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(v);
	return s != NULL ? s : xstrdup("{}");
}

/* discover.json. */
char *
hdhr_discover_json(const struct hdhr_info *info, const char *base_url)
{
	json_t *o = json_object();
	char *lineup;

	xasprintf(&lineup, "%s/lineup.json", base_url);
	json_object_set_new(o, "FriendlyName", json_string(info->friendly_name));
	json_object_set_new(o, "Manufacturer", json_string("Silicondust"));
	json_object_set_new(o, "ModelNumber", json_string(MODEL_NUMBER));
	json_object_set_new(o, "FirmwareName", json_string(FIRMWARE_NAME));
	json_object_set_new(o, "FirmwareVersion", json_string(FIRMWARE_VERSION));
	json_object_set_new(o, "DeviceID", json_string(info->device_id));
	json_object_set_new(o, "DeviceAuth", json_string("retrovue"));
	json_object_set_new(o, "TunerCount", json_integer(info->tuner_count));
	json_object_set_new(o, "BaseURL", json_string(base_url));
	json_object_set_new(o, "LineupURL", json_string(lineup));
	free(lineup);
	return dump(o);
}

/* lineup.json. */
char *
hdhr_lineup_json(const struct channel_conf *channels, size_t n, const char *base_url)
{
	json_t *a = json_array(), *o;
	char *url;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		xasprintf(&url, "%s/channel/%s.ts", base_url, channels[i].number);
		json_object_set_new(o, "GuideNumber", json_string(channels[i].number));
		json_object_set_new(o, "GuideName", json_string(channels[i].name != NULL ?
		    channels[i].name : channels[i].number));
		json_object_set_new(o, "VideoCodec", json_string("H264"));
		json_object_set_new(o, "AudioCodec", json_string("AAC"));
		if (channels[i].height >= 720)
			json_object_set_new(o, "HD", json_integer(1));
		json_object_set_new(o, "URL", json_string(url));
		free(url);
		json_array_append_new(a, o);
	}
	return dump(a);
}

/* lineup_status.json: never scanning; the lineup is the channel table. */
char *
hdhr_lineup_status_json(void)
{
	json_t *o = json_object(), *list = json_array();

	json_array_append_new(list, json_string("Cable"));
	json_object_set_new(o, "ScanInProgress", json_integer(0));
	json_object_set_new(o, "ScanPossible", json_integer(1));
	json_object_set_new(o, "Source", json_string("Cable"));
	json_object_set_new(o, "SourceList", list);
	return dump(o);
}

/* Escape text for XML (new string). */
static char *
xml_escape(const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *q;

	for (p = s; *p != '\0'; p++)
		n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : 1;
	q = out = xmalloc(n + 1);
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': memcpy(q, "&amp;", 5); q += 5; break;
		case '<': memcpy(q, "&lt;", 4); q += 4; break;
		case '>': memcpy(q, "&gt;", 4); q += 4; break;
		case '"': memcpy(q, "&quot;", 6); q += 6; break;
		default: *q++ = *p;
		}
	}
	*q = '\0';
	return out;
}

/* The UDN from the device ID. */
static void
udn(const struct hdhr_info *info, char *buf, size_t len)
{
	snprintf(buf, len, "uuid:52747675-0000-4000-8000-%s0000", info->device_id);
}

/* device.xml: the UPnP root device description. */
char *
hdhr_device_xml(const struct hdhr_info *info, const char *base_url)
{
	char *out, *name = xml_escape(info->friendly_name), *base = xml_escape(base_url), id[64];

	udn(info, id, sizeof id);
	xasprintf(&out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n"
	    "  <specVersion><major>1</major><minor>0</minor></specVersion>\n"
	    "  <URLBase>%s</URLBase>\n"
	    "  <device>\n"
	    "    <deviceType>" DEVICE_TYPE "</deviceType>\n"
	    "    <friendlyName>%s</friendlyName>\n"
	    "    <manufacturer>Silicondust</manufacturer>\n"
	    "    <modelName>HDHomeRun EXTEND</modelName>\n"
	    "    <modelNumber>" MODEL_NUMBER "</modelNumber>\n"
	    "    <serialNumber>%s</serialNumber>\n"
	    "    <UDN>%s</UDN>\n"
	    "  </device>\n"
	    "</root>\n", base, name, info->device_id, id);
	free(name);
	free(base);
	return out;
}

struct ssdp {
	int fd;
	struct in_addr only;            /* --bind: answer on this address only (0: any) */
	int pipe[2];
	int port;
	struct hdhr_info info;
	pthread_t thread;
	struct ssdp_net *nets;          /* this machine's IPv4 subnets (rv-ssdp only) */
	size_t nnets;
	int64_t nets_us;                /* when they were read */
	uint64_t refused;               /* searches from elsewhere, ever */
};

/*
 * Is from this machine, or on one of the subnets of the interface a search
 * came in on?
 */
int
ssdp_local_peer(const struct ssdp_net *nets, size_t n, int ifindex, struct in_addr local,
    struct in_addr from)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (from.s_addr == nets[i].addr.s_addr)
			return 1;               /* this machine, by any of its addresses */
	}
	for (i = 0; i < n; i++) {
		if (ifindex > 0 ? nets[i].ifindex != ifindex : nets[i].addr.s_addr != local.s_addr)
			continue;
		if ((from.s_addr & nets[i].mask.s_addr) == (nets[i].addr.s_addr &
		    nets[i].mask.s_addr))
			return 1;
		if (nets[i].peer.s_addr != 0 && from.s_addr == nets[i].peer.s_addr)
			return 1;
	}
	return 0;
}

/* Read this machine's IPv4 interface addresses and masks again. */
static void
read_nets(struct ssdp *s)
{
	struct ifaddrs *ifa, *i;
	struct ssdp_net *n;

	s->nets_us = mono_us();
	if (getifaddrs(&ifa) != 0) {
		log_warn("ssdp: cannot list the interfaces: %s", strerror(errno));
		return;
	}
	s->nnets = 0;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    i->ifa_netmask == NULL)
			continue;
		s->nets = xreallocarray(s->nets, s->nnets + 1, sizeof *s->nets);
		n = &s->nets[s->nnets++];
		memset(n, 0, sizeof *n);
		n->ifindex = (int)if_nametoindex(i->ifa_name);
		n->addr = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		n->mask = ((struct sockaddr_in *)(void *)i->ifa_netmask)->sin_addr;
		if ((i->ifa_flags & IFF_POINTOPOINT) && i->ifa_dstaddr != NULL &&
		    i->ifa_dstaddr->sa_family == AF_INET)
			n->peer = ((struct sockaddr_in *)(void *)i->ifa_dstaddr)->sin_addr;
	}
	freeifaddrs(ifa);
}

/* Header value of name in an SSDP message (copied into buf), or NULL. */
static char *
header(const char *msg, const char *name, char *buf, size_t len)
{
	const char *p = msg, *e;
	size_t n = strlen(name), k;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			e = p;
			while (*e != '\0' && *e != '\r' && *e != '\n')
				e++;
			k = (size_t)(e - p) < len - 1 ? (size_t)(e - p) : len - 1;
			memcpy(buf, p, k);
			buf[k] = '\0';
			return buf;
		}
	}
	return NULL;
}

/* Answer one M-SEARCH. */
static void
answer(struct ssdp *s, const char *msg, struct sockaddr_in *from, int ifindex,
    struct in_addr local)
{
	char st[256], id[64], reply[1024], addr[INET_ADDRSTRLEN];
	const char *kind;
	int n;

	if (strncmp(msg, "M-SEARCH ", 9) != 0 || header(msg, "ST", st, sizeof st) == NULL)
		return;
	if (s->only.s_addr != 0 && s->only.s_addr != local.s_addr)
		return;                         /* not the interface we serve on */
	if (mono_us() - s->nets_us > NETS_EVERY_US)
		read_nets(s);
	if (!ssdp_local_peer(s->nets, s->nnets, ifindex, local, from->sin_addr)) {
		/* Not this LAN: nothing back (said once in a while, at debug level). */
		if (s->refused++ % 100 == 0)
			log_debug("ssdp: not answering %s: not on a subnet of the interface the search "
			    "came in on (%llu such)", inet_ntoa(from->sin_addr),
			    (unsigned long long)s->refused);
		return;
	}
	udn(&s->info, id, sizeof id);
	if (strcmp(st, "ssdp:all") == 0 || strcmp(st, "upnp:rootdevice") == 0)
		kind = "upnp:rootdevice";
	else if (strcmp(st, DEVICE_TYPE) == 0 || strcmp(st, id) == 0)
		kind = st;
	else
		return;
	inet_ntop(AF_INET, &local, addr, sizeof addr);
	n = snprintf(reply, sizeof reply,
	    "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
	    "LOCATION: http://%s:%d/device.xml\r\nSERVER: Linux/6 UPnP/1.0 Retrovue/"
	    PACKAGE_VERSION "\r\nST: %s\r\nUSN: %s::%s\r\n\r\n", addr, s->port, kind, id, kind);
	if (sendto(s->fd, reply, (size_t)n, 0, (struct sockaddr *)from, sizeof *from) < 0)
		log_debug("ssdp: answering %s: %s", inet_ntoa(from->sin_addr), strerror(errno));
}

/* Thread body. */
static void *
ssdp_main(void *arg)
{
	struct ssdp *s = arg;
	struct pollfd pfd[2];
	char buf[2048], cbuf[256];
	struct sockaddr_in from;
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *cm;
	struct in_pktinfo *pi;
	struct in_addr local;
	int ifindex;
	ssize_t n;

	pfd[0].fd = s->fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = s->pipe[0];
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents != 0)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		memset(&mh, 0, sizeof mh);
		iov.iov_base = buf;
		iov.iov_len = sizeof buf - 1;
		mh.msg_name = &from;
		mh.msg_namelen = sizeof from;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof cbuf;
		if ((n = recvmsg(s->fd, &mh, 0)) <= 0)
			continue;
		buf[n] = '\0';
		local.s_addr = htonl(INADDR_LOOPBACK);
		ifindex = 0;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				pi = (struct in_pktinfo *)(void *)CMSG_DATA(cm);
				local = pi->ipi_spec_dst;
				ifindex = pi->ipi_ifindex;
			}
		}
		answer(s, buf, &from, ifindex, local);
	}
	return NULL;
}

/* Start. */
struct ssdp *
ssdp_start(const char *bind_addr, int http_port, const struct hdhr_info *info, char **cause)
{
	struct ssdp *s = xcalloc(1, sizeof *s);
	struct sockaddr_in sa;
	struct ip_mreq mr;
	int one = 1, ret;

	s->port = http_port;
	s->info = *info;
	s->pipe[0] = s->pipe[1] = -1;
	if ((s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(SSDP_PORT);
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		goto fail;
	memset(&mr, 0, sizeof mr);
	inet_pton(AF_INET, SSDP_GROUP, &mr.imr_multiaddr);
	mr.imr_interface.s_addr = htonl(INADDR_ANY);
	if (bind_addr != NULL && inet_pton(AF_INET, bind_addr, &mr.imr_interface) != 1)
		mr.imr_interface.s_addr = htonl(INADDR_ANY);
	s->only = mr.imr_interface;
	if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) < 0)
		log_warn("ssdp: joining %s: %s (only direct searches will be answered)",
		    SSDP_GROUP, strerror(errno));
	if (pipe2(s->pipe, O_CLOEXEC) < 0)
		goto fail;
	ret = thread_start(&s->thread, "rv-ssdp", ssdp_main, s);
	if (ret != 0) {
		errno = ret;
		goto fail;
	}
	return s;

fail:
	set_cause(cause, "SSDP (UDP port %d): %s", SSDP_PORT, strerror(errno));
	if (s->fd >= 0)
		close(s->fd);
	if (s->pipe[0] >= 0) {
		close(s->pipe[0]);
		close(s->pipe[1]);
	}
	free(s);
	return NULL;
}

/* Stop. */
void
ssdp_stop(struct ssdp **sp)
{
	struct ssdp *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	if (write(s->pipe[1], "x", 1) < 0)
		log_debug("ssdp: waking the thread: %s", strerror(errno));
	pthread_join(s->thread, NULL);
	close(s->fd);
	close(s->pipe[0]);
	close(s->pipe[1]);
	free(s->nets);
	freep(sp);
}
