/*
 * check_tap.h: run a Check suite and report it as TAP on stdout, so the
 * Automake harness counts every test case.
 */
#ifndef RV_CHECK_TAP_H
#define RV_CHECK_TAP_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Run s with TAP output. The TAP lines carry the verdicts, so the exit
 * status is 0 unless the runner itself died.
 */
static inline int
check_tap_run(Suite *s)
{
	SRunner *sr = srunner_create(s);

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return EXIT_SUCCESS;
}

/* A temporary directory for one test: mkdtemp under $TMPDIR or /tmp. */
static inline char *
check_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	static char buf[4096];

	snprintf(buf, sizeof buf, "%s/rvtest.XXXXXX", base != NULL ? base : "/tmp");
	if (mkdtemp(buf) == NULL)
		abort();
	return buf;
}

#endif
