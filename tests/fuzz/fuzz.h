/* The libFuzzer entry point every tests/fuzz/fuzz_<parser>.c defines, and the small helpers the
 * targets share (tests/fuzz/common.c). Built twice: with -fsanitize=fuzzer for `make fuzz`,
 * and as a plain program with tests/fuzz/replay.c for `make check`. Never linked into pipetop. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated heap copy of the input (the parsers taking C strings); NULL on OOM. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Writes the input to a fresh temporary file; returns its path (static buffer, overwritten by
 * the next call) or NULL. The caller unlinks it. */
const char *fuzz_tmpfile(const uint8_t *data, size_t size, const char *tag);

#endif
