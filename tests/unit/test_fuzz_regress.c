/*
 * test_fuzz_regress.c: every input under tests/fuzz/corpus/NAME/ (the
 * seeds) and tests/fuzz/regress/NAME/ (what the fuzzers once crashed on)
 * fed to the same entry function (tests/fuzz/targets.c) in the normal build,
 * so a fixed crash stays fixed without clang.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/util.h"
#include "tests/unit/check_tap.h"
#include "tests/fuzz/targets.h"

/* Feed every file of dir to fn; the count. */
static int
replay(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	struct dirent *e;
	char *path, *data;
	size_t len;
	FILE *f;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "rb")) != NULL) {
			data = xmalloc(1 << 20);
			len = fread(data, 1, 1 << 20, f);
			fclose(f);
			fn((const uint8_t *)data, len);
			free(data);
			n++;
		}
		free(path);
	}
	closedir(d);
	return n;
}

START_TEST(test_replay)
{
	const struct fuzz_target *t = &fuzz_targets[_i];
	const char *src = getenv("TESTS_SRCDIR");
	char *dir;
	int n;

	ck_assert_msg(src != NULL, "TESTS_SRCDIR is not set (run through make check)");
	xasprintf(&dir, "%s/fuzz/corpus/%s", src, t->name);
	n = replay(dir, t->one);
	free(dir);
	ck_assert_msg(n > 0, "no seeds for %s", t->name);
	xasprintf(&dir, "%s/fuzz/regress/%s", src, t->name);
	replay(dir, t->one);
	free(dir);
}
END_TEST

START_TEST(test_edges)
{
	static const uint8_t zeros[64];
	size_t i;

	/* Empty, NUL bytes, one byte: nothing assumes text. */
	for (i = 0; i < fuzz_ntargets; i++) {
		fuzz_targets[i].one((const uint8_t *)"", 0);
		fuzz_targets[i].one(zeros, sizeof zeros);
		fuzz_targets[i].one((const uint8_t *)"{", 1);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("fuzz_regress");
	TCase *tc = tcase_create("replay");

	tcase_add_loop_test(tc, test_replay, 0, (int)fuzz_ntargets);
	tcase_add_test(tc, test_edges);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	log_set_flags(0);
	return check_tap_run(suite());
}
