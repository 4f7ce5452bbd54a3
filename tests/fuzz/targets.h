/*
 * tests/fuzz/targets.h: the entry points the fuzzers drive, one per parser
 * that takes outside input. tests/fuzz/fuzz_main.c wraps one of them for
 * libFuzzer; tests/unit/test_fuzz_regress.c replays the corpora and every input
 * that ever crashed through all of them in the normal build.
 */
#ifndef RV_TESTS_FUZZ_TARGETS_H
#define RV_TESTS_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_target {
	const char *name;               /* tests/fuzz/corpus/NAME, tests/fuzz/regress/NAME */
	int (*one)(const uint8_t *data, size_t size);
};

extern const struct fuzz_target fuzz_targets[];
extern const size_t fuzz_ntargets;

#endif
