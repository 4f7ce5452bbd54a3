/*
 * netacl.c: address ranges, their parser and matcher (src/netacl.h).
 * Every address is handled as 16 bytes: IPv4 as its IPv4-mapped IPv6
 * form, so one comparison serves both families and a mapped client is
 * judged by the IPv4 ranges.
 */
#include "src/netacl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "src/util.h"

#define TOKEN_MAX 80

/* The named sets. */
static const struct {
	const char *name;
	const char *ranges[5];
} named[] = {
	{ "loopback", { "127.0.0.0/8", "::1/128" } },
	{ "private", { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7" } },
	{ "link-local", { "169.254.0.0/16", "fe80::/10" } },
	{ "any", { "0.0.0.0/0", "::/0" } },
};

/* What the public Internet never has as a source. */
static const char *const not_public[] = {
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
	"::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
};

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Is addr an IPv4-mapped IPv6 address? */
static int
is_mapped(const uint8_t addr[16])
{
	return memcmp(addr, mapped_prefix, sizeof mapped_prefix) == 0;
}

/* Do a and b agree on their first bits bits? */
static int
prefix_equal(const uint8_t a[16], const uint8_t b[16], int bits)
{
	int whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Parse one range ("a.b.c.d[/n]", "x:x::[/n]"). 0, or -1 with *why. */
static int
parse_range(const char *tok, struct netacl_range *r, char **why)
{
	char addr[TOKEN_MAX], net[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(tok, '/');
	struct in_addr v4;
	struct netacl_range host;
	long long bits;
	int max, i, v6;

	if (strlen(tok) >= sizeof addr) {
		set_cause(why, "'%.20s...': too long for an address range", tok);
		return -1;
	}
	snprintf(addr, sizeof addr, "%.*s", slash != NULL ? (int)(slash - tok) : (int)strlen(tok),
	    tok);
	memset(r, 0, sizeof *r);
	if (strchr(addr, '%') != NULL) {
		set_cause(why, "'%s': a zone (%%...) is not part of a range", tok);
		return -1;
	}
	if (inet_pton(AF_INET, addr, &v4) == 1) {
		memcpy(r->addr, mapped_prefix, sizeof mapped_prefix);
		memcpy(r->addr + 12, &v4, 4);
		max = 32;
		v6 = 0;
	} else if (inet_pton(AF_INET6, addr, r->addr) == 1) {
		max = 128;
		v6 = 1;
	} else {
		set_cause(why, "'%s': not an address or range (a.b.c.d/n, x:x::/n, loopback, "
		    "private, link-local or any)", tok);
		return -1;
	}
	bits = max;
	if (slash != NULL && (slash[1] < '0' || slash[1] > '9' ||
	    parse_int(slash + 1, 0, max, &bits) != 0)) {
		set_cause(why, "'%s': the prefix length must be a number from 0 to %d", tok, max);
		return -1;
	}
	r->bits = (int)bits + (v6 ? 0 : 96);
	host = *r;
	for (i = r->bits; i < 128; i++)
		r->addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	if (memcmp(host.addr, r->addr, 16) != 0) {
		netacl_range_text(r, net, sizeof net);
		set_cause(why, "'%s': host bits are set (the network is %s)", tok, net);
		return -1;
	}
	return 0;
}

/* Append a range. */
static void
add(struct netacl *a, const struct netacl_range *r)
{
	a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
	a->v[a->n++] = *r;
}

/* Append a message to a growing "; "-joined list. */
static void
append_why(char **all, const char *why)
{
	char *n;

	xasprintf(&n, "%s%s%s", *all != NULL ? *all : "", *all != NULL ? "; " : "", why);
	free(*all);
	*all = n;
}

/* Parse a list. */
int
netacl_parse(const char *text, struct netacl *out, char **cause)
{
	char tok[TOKEN_MAX + 1], *why = NULL, *all = NULL;
	struct netacl_range r;
	const char *p = text != NULL ? text : "";
	size_t len, i, k;
	int bad = 0, found;

	netacl_clear(out);
	for (;;) {
		p += strspn(p, ", \t\r\n");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t\r\n");
		snprintf(tok, sizeof tok, "%.*s", (int)(len < TOKEN_MAX ? len : TOKEN_MAX), p);
		p += len;
		found = 0;
		for (i = 0; i < nitems(named); i++) {
			if (strcasecmp(tok, named[i].name) != 0)
				continue;
			for (k = 0; named[i].ranges[k] != NULL; k++) {
				if (parse_range(named[i].ranges[k], &r, NULL) == 0)
					add(out, &r);
			}
			found = 1;
		}
		if (found)
			continue;
		if (len > TOKEN_MAX) {
			set_cause(&why, "'%.20s...': too long for an address range", tok);
		} else if (parse_range(tok, &r, &why) == 0) {
			add(out, &r);
			continue;
		}
		append_why(&all, why);
		freep(&why);
		bad++;
	}
	if (all != NULL) {
		if (cause != NULL)
			*cause = all;
		else
			free(all);
	}
	return bad;
}

/* Empty the list. */
void
netacl_clear(struct netacl *a)
{
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* A sockaddr's address. */
int
netacl_addr(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET) {
		memcpy(out, mapped_prefix, sizeof mapped_prefix);
		memcpy(out + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/* Match an address. */
int
netacl_match(const struct netacl *a, const uint8_t addr[16])
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (prefix_equal(a->v[i].addr, addr, a->v[i].bits))
			return 1;
	}
	return 0;
}

/* Match a sockaddr. */
int
netacl_allows(const struct netacl *a, const struct sockaddr *sa)
{
	uint8_t addr[16];

	return netacl_addr(sa, addr) == 0 && netacl_match(a, addr);
}

/* Address text. */
void
netacl_addr_text(const uint8_t addr[16], char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (is_mapped(addr))
		inet_ntop(AF_INET, addr + 12, tmp, sizeof tmp);
	else
		inet_ntop(AF_INET6, addr, tmp, sizeof tmp);
	snprintf(buf, len, "%s", tmp);
}

/* Range text. */
void
netacl_range_text(const struct netacl_range *r, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	int v4 = is_mapped(r->addr) && r->bits >= 96;

	netacl_addr_text(r->addr, tmp, sizeof tmp);
	if (!v4 && is_mapped(r->addr))
		inet_ntop(AF_INET6, r->addr, tmp, sizeof tmp);
	snprintf(buf, len, "%s/%d", tmp, v4 ? r->bits - 96 : r->bits);
}

/* The counting key. */
void
netacl_peer_key(const struct sockaddr *sa, char *buf, size_t len)
{
	uint8_t addr[16];
	char tmp[INET6_ADDRSTRLEN];

	if (netacl_addr(sa, addr) != 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (is_mapped(addr)) {
		netacl_addr_text(addr, buf, len);
		return;
	}
	memset(addr + 8, 0, 8);
	inet_ntop(AF_INET6, addr, tmp, sizeof tmp);
	snprintf(buf, len, "%s/64", tmp);
}

/* Is range r inside range outer? */
static int
inside(const struct netacl_range *r, const struct netacl_range *outer)
{
	return outer->bits <= r->bits && prefix_equal(r->addr, outer->addr, outer->bits);
}

/* Public? */
int
netacl_is_public(const uint8_t addr[16])
{
	struct netacl_range r, host;
	size_t i;

	memcpy(host.addr, addr, 16);
	host.bits = 128;
	for (i = 0; i < nitems(not_public); i++) {
		if (parse_range(not_public[i], &r, NULL) == 0 && inside(&host, &r))
			return 0;
	}
	return 1;
}

/* Does some range let a public address in? */
int
netacl_admits_public(const struct netacl *a, char *buf, size_t len)
{
	struct netacl_range r;
	size_t i, k;
	int contained;

	for (i = 0; i < a->n; i++) {
		contained = 0;
		for (k = 0; k < nitems(not_public) && !contained; k++) {
			if (parse_range(not_public[k], &r, NULL) == 0 && inside(&a->v[i], &r))
				contained = 1;
		}
		if (!contained) {
			if (buf != NULL)
				netacl_range_text(&a->v[i], buf, len);
			return 1;
		}
	}
	return 0;
}
