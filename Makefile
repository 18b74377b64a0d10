# mdimapd: one Makefile, GNU make (Debian's make). Overridable: CC CFLAGS
# LDFLAGS PREFIX DESTDIR. Objects go into $(B)/libmdimapd.a so unit tests and
# fuzzers link only what they use.
#
#   make            build $(B)/mdimapd
#   make check      unit tests + scripted sessions (bats); last line "N passed, N failed"
#   make check-asan the same under ASan+UBSan (in build-asan/)
#   make fuzz       build the libFuzzer harnesses (clang) and run each FUZZ_SECONDS
#   make demo       run a scripted session against a generated demo Maildir
#   make install    binaries and man pages under $(DESTDIR)$(PREFIX)

CC		?= cc
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
PKG_CONFIG	?= pkg-config
B		?= build
V		?= 0
Q		= $(if $(filter 1,$(V)),,@)
FUZZ_SECONDS	?= 20

WARN	= -Wall -Wextra -Wformat=2 -Wshadow -Wvla -Wimplicit-fallthrough \
	  -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
	  -Wmissing-declarations -Wcast-qual -Wwrite-strings -Wundef
HARDEN	= -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS	?= -O2 -g
WERROR	?=
BSD_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags libbsd-overlay 2>/dev/null)
BSD_LIBS	:= $(shell $(PKG_CONFIG) --libs libbsd-overlay 2>/dev/null)
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) $(HARDEN) $(BSD_CFLAGS) \
		  -iquote src -iquote src/lib -iquote src/imap -iquote src/mail -iquote src/store -iquote src/cmd $(CFLAGS)
ALL_LDFLAGS	= -pie -Wl,-z,relro,-z,now $(LDFLAGS)
LIBS		= $(BSD_LIBS) -lcrypt -lz

LIB_SRCS	:= $(sort $(wildcard src/lib/*.c src/imap/*.c src/mail/*.c \
		   src/store/*.c src/cmd/*.c) $(filter-out src/main.c, $(wildcard src/*.c)))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(B)/%.o)
HDRS		:= $(wildcard src/*.h src/*/*.h)
UNIT_SRCS	:= $(sort $(wildcard tests/unit/t_*.c))
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRCS	:= $(sort $(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all check check-asan unit fuzz demo bench install clean lint deps

all: $(B)/mdimapd

# One line naming the Debian package, not a wall of compiler errors.
$(B)/.deps:
	@$(PKG_CONFIG) --exists libbsd-overlay 2>/dev/null || \
	    { echo "mdimapd: libbsd not found: apt-get install pkg-config libbsd-dev" >&2; exit 1; }
	@printf '#include <crypt.h>\nint main(void){return crypt_rn==0;}\n' | \
	    $(CC) -x c -o /dev/null - -lcrypt 2>/dev/null || \
	    { echo "mdimapd: libcrypt not found: apt-get install libcrypt-dev" >&2; exit 1; }
	@printf '#include <zlib.h>\nint main(void){return zlibVersion()==0;}\n' | \
	    $(CC) -x c -o /dev/null - -lz 2>/dev/null || \
	    { echo "mdimapd: zlib not found: apt-get install zlib1g-dev" >&2; exit 1; }
	@mkdir -p $(B) && touch $@

$(B)/%.o: %.c $(HDRS) | $(B)/.deps
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libmdimapd.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $(LIB_OBJS)

$(B)/mdimapd: $(B)/src/main.o $(B)/libmdimapd.a
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(B)/src/main.o $(B)/libmdimapd.a $(LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/test.h $(B)/libmdimapd.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -iquote tests/unit $(ALL_LDFLAGS) -o $@ $< $(B)/libmdimapd.a $(LIBS)

unit: $(UNIT_BINS)

check: all unit
	@B=$(B) sh tests/run

check-asan:
	$(MAKE) B=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" check

# libFuzzer harnesses: clang, ASan+UBSan, each run FUZZ_SECONDS on its corpus.
fuzz:
	@B=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) CC=clang sh tests/fuzz/run

demo: all
	@B=$(B) sh contrib/demo.sh

bench: all
	@B=$(B) sh tests/bench/run

lint:
	@sh tests/lint.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(B)/mdimapd $(DESTDIR)$(SBINDIR)/mdimapd
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	for f in man/*.5; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(MANDIR)/man5/ || :; done

clean:
	rm -rf build build-asan build-fuzz
