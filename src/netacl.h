/*
 * netacl.h: who may connect. A list of address ranges in CIDR notation
 * ("10.0.0.0/8, fe80::/10") or named sets ("loopback", "private",
 * "link-local", "any"), and the address arithmetic around it: IPv4 and
 * IPv6 alike, an IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a
 * dual-stack socket reports for an IPv4 client) judged as the IPv4 address
 * it carries, and an IPv6 client counted by its /64, the block one host or
 * one household gets (it can pick any address in it).
 */
#ifndef RV_NETACL_H
#define RV_NETACL_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* The default allow list: this machine, the private LANs and link-local. */
#define NETACL_DEFAULT "loopback, private, link-local"

/* One range; IPv4 is kept as ::ffff:a.b.c.d/(96 + bits). */
struct netacl_range {
	uint8_t addr[16];               /* the network, host bits zero */
	int bits;                       /* prefix length over the 128 bits */
};

struct netacl {
	struct netacl_range *v;
	size_t n;
};

/*
 * Parse a list separated by commas or spaces into *out (replacing it).
 * Entries that are not ranges are left out, each named in *cause (one
 * message for all); returns how many were bad (0: all good).
 */
int netacl_parse(const char *text, struct netacl *out, char **cause);
/* Free the ranges; the list is empty again. */
void netacl_clear(struct netacl *a);

/* An address of a sockaddr as 16 bytes (IPv4 mapped). 0, or -1 if not IP. */
int netacl_addr(const struct sockaddr *sa, uint8_t out[16]);
/* Does the list hold addr? */
int netacl_match(const struct netacl *a, const uint8_t addr[16]);
/* Does the list hold the sockaddr's address? (Not IP: no.) */
int netacl_allows(const struct netacl *a, const struct sockaddr *sa);

/* The address as text; a mapped IPv4 address as plain IPv4. */
void netacl_addr_text(const uint8_t addr[16], char *buf, size_t len);
/* A range as text ("10.0.0.0/8", "fe80::/10"). */
void netacl_range_text(const struct netacl_range *r, char *buf, size_t len);
/*
 * The key a client is counted by: its IPv4 address, or its IPv6 /64
 * ("2001:db8:1:2::/64"). buf holds at least 64 bytes.
 */
void netacl_peer_key(const struct sockaddr *sa, char *buf, size_t len);

/*
 * Is addr one the public Internet could have? Not loopback, private,
 * link-local, carrier-grade NAT (100.64.0.0/10), unspecified or multicast.
 */
int netacl_is_public(const uint8_t addr[16]);
/*
 * The first range of the list that lets some public address in (into buf,
 * as text): 1, else 0.
 */
int netacl_admits_public(const struct netacl *a, char *buf, size_t len);

#endif
