/*
 * test_netacl.c: the allow list's parser and matcher (src/netacl.h):
 * IPv4 and IPv6 ranges, the named sets, IPv4-mapped IPv6 clients judged
 * as IPv4, bad entries named and left out, the /64 an IPv6 client is
 * counted by, and which lists let the public Internet in.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "src/netacl.h"
#include "tests/unit/check_tap.h"

/* A sockaddr for a numeric address (either family). */
static struct sockaddr_storage
sa(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
		v4->sin_family = AF_INET;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, text, &v6->sin6_addr), 1);
		v6->sin6_family = AF_INET6;
	}
	return ss;
}

/* Does list admit text? */
static int
allows(const struct netacl *a, const char *text)
{
	struct sockaddr_storage ss = sa(text);

	return netacl_allows(a, (struct sockaddr *)&ss);
}

START_TEST(default_list)
{
	struct netacl a = { 0 };
	char *cause = NULL;
	size_t i;
	static const char *const in[] = { "127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1",
	    "172.31.255.254", "192.168.1.20", "169.254.7.7", "::1", "fd12:3456::1", "fc00::5",
	    "fe80::1", "febf::1", "::ffff:192.168.1.20", "::ffff:127.0.0.1" };
	static const char *const out[] = { "8.8.8.8", "172.32.0.1", "172.15.255.255",
	    "100.64.0.1", "100.127.255.254", "192.169.0.1", "11.0.0.1", "2001:db8::1",
	    "2a00:1450::1", "fec0::1", "::ffff:8.8.8.8", "::ffff:100.64.0.1", "::2" };

	ck_assert_int_eq(netacl_parse(NETACL_DEFAULT, &a, &cause), 0);
	ck_assert_ptr_null(cause);
	for (i = 0; i < sizeof in / sizeof in[0]; i++)
		ck_assert_msg(allows(&a, in[i]), "%s should be allowed", in[i]);
	for (i = 0; i < sizeof out / sizeof out[0]; i++)
		ck_assert_msg(!allows(&a, out[i]), "%s should be refused", out[i]);
	ck_assert(!netacl_admits_public(&a, NULL, 0));
	netacl_clear(&a);
}
END_TEST

START_TEST(ranges)
{
	struct netacl a = { 0 };
	char *cause = NULL, buf[64];

	ck_assert_int_eq(netacl_parse("192.168.7.0/24 2001:db8:1::/48,10.0.0.5", &a, &cause), 0);
	ck_assert_int_eq(a.n, 3);
	ck_assert(allows(&a, "192.168.7.200"));
	ck_assert(!allows(&a, "192.168.8.1"));
	ck_assert(allows(&a, "2001:db8:1:ffff::9"));
	ck_assert(!allows(&a, "2001:db8:2::1"));
	ck_assert(allows(&a, "10.0.0.5"));
	ck_assert(!allows(&a, "10.0.0.6"));
	netacl_range_text(&a.v[0], buf, sizeof buf);
	ck_assert_str_eq(buf, "192.168.7.0/24");
	netacl_range_text(&a.v[1], buf, sizeof buf);
	ck_assert_str_eq(buf, "2001:db8:1::/48");
	netacl_range_text(&a.v[2], buf, sizeof buf);
	ck_assert_str_eq(buf, "10.0.0.5/32");

	/* ::ffff:0:0/96 is every IPv4 address, plain or mapped, and no IPv6 one. */
	ck_assert_int_eq(netacl_parse("::ffff:0:0/96", &a, NULL), 0);
	ck_assert(allows(&a, "8.8.8.8"));
	ck_assert(allows(&a, "::ffff:8.8.8.8"));
	ck_assert(!allows(&a, "2001:db8::1"));
	netacl_range_text(&a.v[0], buf, sizeof buf);
	ck_assert_str_eq(buf, "0.0.0.0/0");

	/* An IPv4 range admits the mapped form of its addresses, not others. */
	ck_assert_int_eq(netacl_parse("loopback", &a, NULL), 0);
	ck_assert(allows(&a, "::ffff:127.0.0.1"));
	ck_assert(!allows(&a, "::ffff:10.0.0.1"));
	ck_assert(!allows(&a, "::127.0.0.1"));
	ck_assert(allows(&a, "::1"));
	ck_assert(!allows(&a, "192.168.1.1"));

	ck_assert_int_eq(netacl_parse("any", &a, NULL), 0);
	ck_assert(allows(&a, "8.8.8.8") && allows(&a, "2a00::1") && allows(&a, "::ffff:1.1.1.1"));
	ck_assert(netacl_admits_public(&a, buf, sizeof buf));

	/* Nothing: nobody. */
	ck_assert_int_eq(netacl_parse("  ,, ", &a, NULL), 0);
	ck_assert_int_eq(a.n, 0);
	ck_assert(!allows(&a, "127.0.0.1"));
	netacl_clear(&a);
}
END_TEST

START_TEST(bad_entries)
{
	struct netacl a = { 0 };
	char *cause = NULL;

	/* Each bad entry is named; the good ones are kept. */
	ck_assert_int_eq(netacl_parse("10.0.0.0/33, 10.0.0.1/8, private, bogus, fe80::/129, "
	    "192.168.1.0/, 1.2.3.4/-1, fe80::1%eth0, 300.1.1.1, 10.0.0.0/8x, ::1/128", &a, &cause),
	    9);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "'10.0.0.0/33': the prefix length must be a number from 0 "
	    "to 32") != NULL, "%s", cause);
	ck_assert_msg(strstr(cause, "'10.0.0.1/8': host bits are set (the network is "
	    "10.0.0.0/8)") != NULL, "%s", cause);
	ck_assert(strstr(cause, "'bogus': not an address or range") != NULL);
	ck_assert(strstr(cause, "'fe80::/129'") != NULL);
	ck_assert(strstr(cause, "'192.168.1.0/'") != NULL);
	ck_assert(strstr(cause, "'1.2.3.4/-1'") != NULL);
	ck_assert(strstr(cause, "a zone") != NULL);
	ck_assert(strstr(cause, "'300.1.1.1'") != NULL);
	ck_assert(strstr(cause, "'10.0.0.0/8x'") != NULL);
	free(cause);
	ck_assert(allows(&a, "192.168.1.1"));   /* private, kept */
	ck_assert(allows(&a, "::1"));
	ck_assert(!allows(&a, "127.0.0.1"));

	/* A token far too long is refused without overflowing anything. */
	{
		char longtok[400];

		memset(longtok, '1', sizeof longtok - 1);
		longtok[sizeof longtok - 1] = '\0';
		cause = NULL;
		ck_assert_int_eq(netacl_parse(longtok, &a, &cause), 1);
		ck_assert(strstr(cause, "too long") != NULL);
		free(cause);
	}
	netacl_clear(&a);
}
END_TEST

START_TEST(peer_keys)
{
	struct sockaddr_storage a = sa("2001:db8:1:2:aaaa::1"), b = sa("2001:db8:1:2:bbbb::9");
	struct sockaddr_storage c = sa("2001:db8:1:3::1"), d = sa("::ffff:192.0.2.7");
	struct sockaddr_storage e = sa("192.0.2.7");
	char ka[64], kb[64], kc[64], kd[64], ke[64];

	netacl_peer_key((struct sockaddr *)&a, ka, sizeof ka);
	netacl_peer_key((struct sockaddr *)&b, kb, sizeof kb);
	netacl_peer_key((struct sockaddr *)&c, kc, sizeof kc);
	netacl_peer_key((struct sockaddr *)&d, kd, sizeof kd);
	netacl_peer_key((struct sockaddr *)&e, ke, sizeof ke);
	/* One /64 is one client; the next /64 another. */
	ck_assert_str_eq(ka, "2001:db8:1:2::/64");
	ck_assert_str_eq(ka, kb);
	ck_assert_str_eq(kc, "2001:db8:1:3::/64");
	/* A mapped IPv4 client is counted as that IPv4 address. */
	ck_assert_str_eq(kd, "192.0.2.7");
	ck_assert_str_eq(kd, ke);
	netacl_peer_key(NULL, ka, sizeof ka);
	ck_assert_str_eq(ka, "?");
}
END_TEST

START_TEST(public_ranges)
{
	struct netacl a = { 0 };
	struct sockaddr_storage ss;
	uint8_t addr[16];
	char buf[64];

	ss = sa("8.8.8.8");
	ck_assert_int_eq(netacl_addr((struct sockaddr *)&ss, addr), 0);
	ck_assert(netacl_is_public(addr));
	ss = sa("100.64.1.1");
	netacl_addr((struct sockaddr *)&ss, addr);
	ck_assert(!netacl_is_public(addr));
	ss = sa("::ffff:10.1.1.1");
	netacl_addr((struct sockaddr *)&ss, addr);
	ck_assert(!netacl_is_public(addr));
	ss = sa("2a00:1450::1");
	netacl_addr((struct sockaddr *)&ss, addr);
	ck_assert(netacl_is_public(addr));

	/* A private list, even with CGNAT added, lets no public address in. */
	netacl_parse("private, loopback, 100.64.0.0/10, 10.20.0.0/16", &a, NULL);
	ck_assert(!netacl_admits_public(&a, buf, sizeof buf));
	/* One public range is enough, and it is named. */
	netacl_parse("private, 203.0.113.0/24", &a, NULL);
	ck_assert(netacl_admits_public(&a, buf, sizeof buf));
	ck_assert_str_eq(buf, "203.0.113.0/24");
	/* A range wider than a private one reaches past it. */
	netacl_parse("10.0.0.0/7", &a, NULL);
	ck_assert(netacl_admits_public(&a, buf, sizeof buf));
	netacl_parse("2000::/3", &a, NULL);
	ck_assert(netacl_admits_public(&a, buf, sizeof buf));
	netacl_clear(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netacl");
	TCase *tc = tcase_create("netacl");

	tcase_add_test(tc, default_list);
	tcase_add_test(tc, ranges);
	tcase_add_test(tc, bad_entries);
	tcase_add_test(tc, peer_keys);
	tcase_add_test(tc, public_ranges);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
