# pipetop — a plain Makefile; every library is found with pkg-config.
#
#   make            build ./pipetop (and the fake cloud used by tests and the demo)
#   make deps       install the Debian packages the build and tests need
#   make check      build and run every test; non-zero on any failure
#   make asan       the same tests under AddressSanitizer + UBSan
#   make lint       layer rules and banned functions;  make format-check: clang-format
#
# Sources are picked up by wildcard: a new core/x.c joins libcore, a new tests/unit/test_x.c
# becomes one more test binary, a new tests/integration/*.sh one more integration test.

CC      ?= cc
BUILD   ?= build
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PREFIX  ?= /usr/local

PKG_CORE  := libcurl jansson openssl expat zlib inih
PKG_STATE := sqlite3
PKG_TUI   := ncursesw
PKG_TEST  := cmocka libmicrohttpd

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wwrite-strings -Wpointer-arith -Wundef -Wimplicit-fallthrough
ifeq ($(CI),true)
WARN += -Werror
endif

pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# version.h is rewritten only when the version or git revision changes, and force-included.
VERSION_H   := $(BUILD)/gen/version.h
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. $(WARN) -MMD -MP -include $(VERSION_H)
ALL_CFLAGS  := $(BASE_CFLAGS) $(call pc_cflags,$(PKG_CORE) $(PKG_STATE) $(PKG_TUI)) $(CFLAGS)
TEST_CFLAGS := $(ALL_CFLAGS) $(call pc_cflags,$(PKG_TEST))
LIBS        := $(call pc_libs,$(PKG_TUI) $(PKG_STATE) $(PKG_CORE)) -lpthread -lm
TEST_LIBS   := $(call pc_libs,$(PKG_TEST)) $(LIBS)

CORE_SRC  := $(sort $(wildcard core/*.c))
STATE_SRC := $(sort $(wildcard state/*.c))
TUI_SRC   := $(sort $(filter-out tui/main.c,$(wildcard tui/*.c)))
FAKE_SRC  := $(sort $(wildcard tests/fakecloud/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELP := $(sort $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))

CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
STATE_OBJ := $(STATE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ   := $(TUI_SRC:%.c=$(BUILD)/%.o)
FAKE_OBJ  := $(FAKE_SRC:%.c=$(BUILD)/%.o)
HELP_OBJ  := $(UNIT_HELP:%.c=$(BUILD)/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAME := $(FUZZ_SRC:tests/fuzz/%.c=%)
REPLAY_BIN := $(FUZZ_NAME:fuzz_%=$(BUILD)/fuzz/replay_%)

LIBCORE  := $(BUILD)/libcore.a
LIBSTATE := $(BUILD)/libstate.a
LIBTUI   := $(BUILD)/libtui.a

.PHONY: FORCE all deps check unit integration asan lint format format-check clean install demo \
        screenshots fuzz fuzz-quick fuzz-build fuzz-deps replay bench valgrind chaos crash \
        chaos-quick valgrind-integration valgrind-quick
.DEFAULT_GOAL := all

FAKE_ALL := $(if $(FAKE_SRC),tests/fakecloud/fakecloud)
FAKE_BIN := $(if $(FAKE_SRC),$(BUILD)/fakecloud)

all: pipetop $(FAKE_ALL)

deps:
	@sh tests/tools/deps.sh

$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@printf '#define PIPETOP_VERSION "%s"\n#define PIPETOP_REVISION "%s"\n' \
	    '$(VERSION)' '$(GIT_REV)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:

$(BUILD)/%.o: %.c | $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c | $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBSTATE): $(STATE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBTUI): $(TUI_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/pipetop: $(BUILD)/tui/main.o $(LIBTUI) $(LIBSTATE) $(LIBCORE)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/fakecloud: $(FAKE_OBJ) $(LIBCORE)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# Test helper: writes fixture history databases through state/ ($$MKDB in integration tests).
$(BUILD)/mkdb: $(BUILD)/tests/tools/mkdb.o $(LIBSTATE) $(LIBCORE)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Test helper: a large fixture database (500 pipelines x 90 days) for the dashboard's scale check.
$(BUILD)/mkbigdb: $(BUILD)/tests/tools/mkbigdb.o $(LIBSTATE) $(LIBCORE)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests may start the fake cloud ($$FAKECLOUD), so it is built first.
$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(HELP_OBJ) $(LIBTUI) $(LIBSTATE) $(LIBCORE) \
                       | $(FAKE_BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# Fuzz targets (tests/fuzz/fuzz_<parser>.c): as libFuzzer programs in build-fuzz/ (make fuzz),
# and as plain programs that replay the seed corpus and regression inputs (make check).
$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/common.o $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/common.o \
                        $(BUILD)/tests/fuzz/replay.o $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

replay: $(REPLAY_BIN)
	@sh tests/tools/fuzz-replay.sh $(BUILD) $(FUZZ_NAME)

# The allocation-failure test wraps the allocator of everything linked statically into it, and
# jansson's loaders (to know when jansson's lexer runs: tests/failalloc/failalloc.h).
FAILALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup \
                  -Wl,--wrap=json_loadb,--wrap=json_loads
$(BUILD)/tests/test_failalloc: $(BUILD)/tests/unit/test_failalloc.o \
                               $(BUILD)/tests/failalloc/failalloc.o $(HELP_OBJ) $(LIBTUI) \
                               $(LIBSTATE) $(LIBCORE) | $(FAKE_BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) $(FAILALLOC_WRAP) -o $@ $^ $(TEST_LIBS)

# Benchmarks (make bench): tests/bench/*.c programs and tests/tools/bench.sh, which writes
# BENCHMARKS.md. Built with the default flags (-O2).
$(BUILD)/bench_store: $(BUILD)/tests/bench/bench_store.o $(LIBSTATE) $(LIBCORE)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: $(BUILD)/pipetop $(FAKE_BIN) $(BUILD)/bench_store $(BUILD)/mkbigdb
	@BUILD=$(BUILD) PIPETOP=$(CURDIR)/$(BUILD)/pipetop FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud \
	    BENCH_STORE=$(CURDIR)/$(BUILD)/bench_store MKBIGDB=$(CURDIR)/$(BUILD)/mkbigdb \
	    sh tests/tools/bench.sh

# valgrind: a representative set of unit tests (parsers, store, config, auth) under memcheck.
VALGRIND_TESTS ?= test_rds test_dts test_bq test_schema test_config test_s3 test_ddb test_sts \
                  test_store test_db test_timeutil test_days test_dts_template test_gauth test_jwt \
                  test_sigv4 test_lambda_events test_link
valgrind: $(VALGRIND_TESTS:%=$(BUILD)/tests/%) $(FAKE_BIN)
	@BUILD=$(BUILD) FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud sh tests/tools/run-valgrind.sh \
	    $(VALGRIND_TESTS:%=$(BUILD)/tests/%)

# valgrind-integration: every integration script with each pipetop process under memcheck
# (tests/tools/run-valgrind-integration.sh; any error or definite leak fails; long: see README).
# valgrind-quick: a subset of scripts under memcheck, for CI (a few minutes).
VALGRIND_SCRIPTS ?= # empty: every script that runs pipetop
VALGRIND_QUICK_SCRIPTS ?= infer refresh status_scenario
VG_INT_ENV = BUILD=$(BUILD) PIPETOP=$(CURDIR)/$(BUILD)/pipetop FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud \
             MKDB=$(CURDIR)/$(BUILD)/mkdb MKBIGDB=$(CURDIR)/$(BUILD)/mkbigdb
valgrind-integration: $(BUILD)/pipetop $(FAKE_BIN) $(BUILD)/mkdb $(BUILD)/mkbigdb
	@$(VG_INT_ENV) sh tests/tools/run-valgrind-integration.sh $(VALGRIND_SCRIPTS)
valgrind-quick: $(BUILD)/pipetop $(FAKE_BIN) $(BUILD)/mkdb $(BUILD)/mkbigdb
	@$(VG_INT_ENV) sh tests/tools/run-valgrind-integration.sh $(VALGRIND_QUICK_SCRIPTS)

# The default build leaves the binaries where the README says they are.
pipetop: $(BUILD)/pipetop
	cp $< $@
tests/fakecloud/fakecloud: $(BUILD)/fakecloud
	cp $< $@

unit: $(UNIT_BIN)
	@BUILD=$(BUILD) FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud sh tests/tools/run-unit.sh $(UNIT_BIN)

integration: $(BUILD)/pipetop $(FAKE_BIN) $(BUILD)/mkdb $(BUILD)/mkbigdb
	@PIPETOP=$(CURDIR)/$(BUILD)/pipetop FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud \
	    MKDB=$(CURDIR)/$(BUILD)/mkdb MKBIGDB=$(CURDIR)/$(BUILD)/mkbigdb \
	    sh tests/tools/run-integration.sh

check: all $(UNIT_BIN) $(BUILD)/pipetop $(FAKE_BIN) $(BUILD)/mkdb $(BUILD)/mkbigdb $(REPLAY_BIN)
	@BUILD=$(BUILD) PIPETOP=$(CURDIR)/$(BUILD)/pipetop FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud \
	    MKDB=$(CURDIR)/$(BUILD)/mkdb MKBIGDB=$(CURDIR)/$(BUILD)/mkbigdb \
	    sh tests/tools/run-all.sh $(UNIT_BIN)
	@sh tests/tools/fuzz-replay.sh $(BUILD) $(FUZZ_NAME)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -Wformat-truncation stays on in the -O2 build; at -O1 gcc's range analysis is weaker and
# reports snprintf calls whose arguments it cannot bound, so the sanitizer build leaves it off.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g $(SAN) -Wno-format-truncation" LDFLAGS="$(SAN)" \
	    build-asan/pipetop $(if $(FAKE_SRC),build-asan/fakecloud) build-asan/mkdb build-asan/mkbigdb \
	    $(UNIT_BIN:$(BUILD)/%=build-asan/%) $(REPLAY_BIN:$(BUILD)/%=build-asan/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    BUILD=build-asan PIPETOP=$(CURDIR)/build-asan/pipetop \
	    FAKECLOUD=$(CURDIR)/build-asan/fakecloud MKDB=$(CURDIR)/build-asan/mkdb \
	    MKBIGDB=$(CURDIR)/build-asan/mkbigdb \
	    sh tests/tools/run-all.sh $(UNIT_BIN:$(BUILD)/%=build-asan/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 sh tests/tools/fuzz-replay.sh build-asan $(FUZZ_NAME)

# make fuzz: every target for FUZZ_SECONDS (the issue asks for 10 minutes each without a
# finding); make fuzz-quick: a short run of each, for CI. Needs clang with libFuzzer.
FUZZ_SECONDS ?= 600
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
fuzz-deps:
	@sh tests/tools/fuzz-deps.sh
fuzz-build: fuzz-deps
	$(MAKE) BUILD=build-fuzz CC=clang CI= \
	    CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" LDFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer" \
	    $(FUZZ_NAME:%=build-fuzz/fuzz/%)
fuzz: fuzz-build
	@sh tests/tools/fuzz-run.sh $(FUZZ_SECONDS) $(FUZZ_NAME)
fuzz-quick: fuzz-build
	@sh tests/tools/fuzz-run.sh 10 $(FUZZ_NAME)

# make chaos: refresh and a rerun chain under the fake cloud's faults, CHAOS_SEEDS seeds, each
# final database compared with the fault-free run's; make crash: SIGKILL at random points of
# refresh and of a rerun chain (CRASH_REFRESH_KILLS, CRASH_RERUN_KILLS, CRASH_SEED), then
# integrity, no half-visible refresh, resume without a repeated start. chaos-quick: both, short
# (CI). PIPETOP=build-asan/pipetop (after make asan) runs them under the sanitizers.
CHAOS_ENV = PIPETOP=$(if $(PIPETOP),$(PIPETOP),$(CURDIR)/$(BUILD)/pipetop) \
            FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud
chaos: $(BUILD)/pipetop $(FAKE_BIN)
	@$(CHAOS_ENV) sh tests/tools/chaos.sh
crash: $(BUILD)/pipetop $(FAKE_BIN)
	@$(CHAOS_ENV) sh tests/tools/crash.sh
chaos-quick: $(BUILD)/pipetop $(FAKE_BIN)
	@$(CHAOS_ENV) CHAOS_SEEDS=2 sh tests/tools/chaos.sh
	@$(CHAOS_ENV) CRASH_REFRESH_KILLS=10 CRASH_RERUN_KILLS=2 sh tests/tools/crash.sh

# Retakes screenshots/*.png in xterm under Xvfb (needs xvfb xterm x11-utils imagemagick
# fonts-ipafont-gothic; not part of `make deps`: CI does not take screenshots).
screenshots: $(BUILD)/pipetop $(FAKE_BIN) $(BUILD)/mkdb
	@PIPETOP=$(CURDIR)/$(BUILD)/pipetop FAKECLOUD=$(CURDIR)/$(BUILD)/fakecloud \
	    MKDB=$(CURDIR)/$(BUILD)/mkdb sh tests/tools/screenshots.sh

lint:
	@sh tests/tools/lint.sh

FORMAT_FILES = $(sort $(wildcard core/*.[ch] state/*.[ch] tui/*.[ch] tests/unit/*.[ch] \
                                 tests/fakecloud/*.[ch] tests/fuzz/*.[ch] tests/bench/*.[ch] \
                                 tests/failalloc/*.[ch]))
format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"
format:
	clang-format -i $(FORMAT_FILES)

demo: all
	@sh tests/tools/demo.sh $(CURDIR)/pipetop $(CURDIR)/tests/fakecloud/fakecloud

install: pipetop
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0755 pipetop $(DESTDIR)$(PREFIX)/bin/pipetop
	install -m 0644 tui/pipetop.1 $(DESTDIR)$(PREFIX)/share/man/man1/pipetop.1
	install -m 0644 tui/completion/pipetop.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/pipetop
	install -m 0644 tui/completion/_pipetop $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_pipetop

clean:
	rm -rf build build-asan build-fuzz pipetop tests/fakecloud/fakecloud

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
