/*
 * test_hdhr.c: the HDHomeRun emulation's documents and device IDs, against
 * responses of real devices (fixtures/hdhomerun), and whom SSDP answers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/hdhr.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"

START_TEST(device_ids)
{
	char id[9];
	unsigned v;
	int i;

	/* A real HDHR4-2US's ID passes; a one-digit change does not. */
	ck_assert(hdhr_device_id_valid(0x10439EFD));
	ck_assert(!hdhr_device_id_valid(0x10439EFE));
	for (i = 0; i < 200; i++) {
		hdhr_device_id_new(id);
		ck_assert_int_eq(strlen(id), 8);
		ck_assert_int_eq(sscanf(id, "%8x", &v), 1);
		ck_assert(hdhr_device_id_valid(v));
	}
}
END_TEST

START_TEST(discover_fields)
{
	struct hdhr_info info = { "10439EFD", "Retrovue", 4 };
	json_t *ours, *real;
	const char *key;
	json_t *val;
	char *doc, path[4096];

	doc = hdhr_discover_json(&info, "http://10.0.0.5:8080");
	ours = json_loads(doc, 0, NULL);
	ck_assert_ptr_nonnull(ours);
	snprintf(path, sizeof path, "%s/hdhomerun/hdhr4-2us_atsc_discover.json", FIXTURES_DIR);
	real = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(real);
	json_object_foreach(real, key, val)
		ck_assert_msg(json_object_get(ours, key) != NULL, "no %s", key);
	ck_assert_str_eq(json_string_value(json_object_get(ours, "LineupURL")),
	    "http://10.0.0.5:8080/lineup.json");
	ck_assert_int_eq(json_integer_value(json_object_get(ours, "TunerCount")), 4);
	json_decref(ours);
	json_decref(real);
	free(doc);
}
END_TEST

START_TEST(lineup_fields)
{
	struct channel_conf ch[2];
	json_t *a;
	char *doc;

	memset(ch, 0, sizeof ch);
	ch[0].number = "4.1";
	ch[0].name = "Retro \"Four\"";
	ch[0].height = 720;
	ch[1].number = "12";
	ch[1].name = "Twelve";
	ch[1].height = 480;
	doc = hdhr_lineup_json(ch, 2, "http://h:1");
	a = json_loads(doc, 0, NULL);
	ck_assert_int_eq(json_array_size(a), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "GuideName")),
	    "Retro \"Four\"");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "URL")),
	    "http://h:1/channel/4.1.ts");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(a, 0), "HD")), 1);
	ck_assert_ptr_null(json_object_get(json_array_get(a, 1), "HD"));
	json_decref(a);
	free(doc);
	doc = hdhr_device_xml(&(struct hdhr_info){ "10439EFD", "A & B <tv>", 2 }, "http://h:1");
	ck_assert(strstr(doc, "<friendlyName>A &amp; B &lt;tv&gt;</friendlyName>") != NULL);
	ck_assert(strstr(doc, "<URLBase>http://h:1</URLBase>") != NULL);
	free(doc);
}
END_TEST

/* An IPv4 address. */
static struct in_addr
ip(const char *text)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, text, &a), 1);
	return a;
}

START_TEST(ssdp_subnets)
{
	/* lo, eth0 with two subnets, wlan0, and a point-to-point tunnel. */
	struct ssdp_net nets[] = {
		{ 1, ip("127.0.0.1"), ip("255.0.0.0"), { 0 } },
		{ 2, ip("192.168.1.10"), ip("255.255.255.0"), { 0 } },
		{ 2, ip("10.20.0.1"), ip("255.255.0.0"), { 0 } },
		{ 3, ip("172.16.5.1"), ip("255.255.255.240"), { 0 } },
		{ 4, ip("10.99.0.1"), ip("255.255.255.255"), ip("10.99.0.2") },
	};
	size_t n = sizeof nets / sizeof nets[0];
	struct in_addr any = ip("0.0.0.0");

	/* Askers on the subnets of the interface the search came in on. */
	ck_assert(ssdp_local_peer(nets, n, 2, ip("192.168.1.10"), ip("192.168.1.77")));
	ck_assert(ssdp_local_peer(nets, n, 2, ip("192.168.1.10"), ip("10.20.200.3")));
	ck_assert(ssdp_local_peer(nets, n, 3, any, ip("172.16.5.14")));
	ck_assert(ssdp_local_peer(nets, n, 1, ip("127.0.0.1"), ip("127.0.0.1")));
	ck_assert(ssdp_local_peer(nets, n, 4, any, ip("10.99.0.2")));
	/* Not from farther away, nor from another interface's subnet. */
	ck_assert(!ssdp_local_peer(nets, n, 2, ip("192.168.1.10"), ip("192.168.2.1")));
	ck_assert(!ssdp_local_peer(nets, n, 2, ip("192.168.1.10"), ip("8.8.8.8")));
	ck_assert(!ssdp_local_peer(nets, n, 3, any, ip("172.16.5.17")));
	ck_assert(!ssdp_local_peer(nets, n, 3, any, ip("192.168.1.77")));
	ck_assert(!ssdp_local_peer(nets, n, 2, ip("192.168.1.10"), ip("127.0.0.2")));
	/* This machine, by another of its addresses, arriving on loopback. */
	ck_assert(ssdp_local_peer(nets, n, 1, ip("127.0.0.1"), ip("192.168.1.10")));
	ck_assert(!ssdp_local_peer(nets, n, 1, ip("127.0.0.1"), ip("192.168.1.11")));
	ck_assert(!ssdp_local_peer(nets, n, 4, any, ip("10.99.0.3")));
	/* An interface that is gone (or unknown) answers nobody. */
	ck_assert(!ssdp_local_peer(nets, n, 9, any, ip("192.168.1.77")));
	/* Without the interface index, the local address names it. */
	ck_assert(ssdp_local_peer(nets, n, 0, ip("172.16.5.1"), ip("172.16.5.2")));
	ck_assert(!ssdp_local_peer(nets, n, 0, ip("172.16.5.1"), ip("192.168.1.77")));
	ck_assert(!ssdp_local_peer(NULL, 0, 2, ip("192.168.1.10"), ip("192.168.1.77")));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hdhr");
	TCase *tc = tcase_create("hdhr");

	tcase_add_test(tc, device_ids);
	tcase_add_test(tc, discover_fields);
	tcase_add_test(tc, lineup_fields);
	tcase_add_test(tc, ssdp_subnets);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
