/*
 * tests/fuzz/fuzz_main.c: the libFuzzer entry for one target, chosen at
 * build time (-DFUZZ_TARGET="\"nfo\""). Built by 'make fuzz' with clang,
 * -fsanitize=fuzzer,address,undefined; never part of the normal build.
 */
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "tests/fuzz/targets.h"

static int (*target)(const uint8_t *, size_t);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	log_set_flags(0);               /* the parsers' warnings are expected */
	for (i = 0; i < fuzz_ntargets; i++) {
		if (strcmp(fuzz_targets[i].name, FUZZ_TARGET) == 0)
			target = fuzz_targets[i].one;
	}
	if (target == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return target(data, size);
}
