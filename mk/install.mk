# install.mk: `make install PREFIX=/usr/local DESTDIR=` puts the binary in
# $(PREFIX)/bin, the goldens, overlays and the prove suite under
# $(PREFIX)/share/promgate, the man pages under $(PREFIX)/share/man/man1
# bash completion under $(PREFIX)/share/bash-completion/completions and
# zsh completion as $(PREFIX)/share/zsh/vendor-completions/_promgate.
# The binary finds its share directory from its own location
# ($(PREFIX)/bin/../share/promgate), so DESTDIR staging and relocated
# prefixes work; PROMGATE_SHARE_DIR overrides it. `make uninstall` removes
# exactly what install wrote.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(DESTDIR)$(PREFIX)/bin
SHAREDIR := $(DESTDIR)$(PREFIX)/share/promgate
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
COMPDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR := $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
INSTALL ?= install

# Every committed golden and overlay, the suite, and what they document.
SHARE_FILES = $(shell git ls-files golden suite 2>/dev/null || \
  find golden suite -type f)
MAN_PAGES := $(wildcard doc/man/*.1)

install: bin/promgate
	$(INSTALL) -d $(BINDIR) $(SHAREDIR) $(MANDIR) $(COMPDIR) $(ZSHCOMPDIR)
	$(INSTALL) -m 755 bin/promgate $(BINDIR)/promgate
	@set -e; for f in $(SHARE_FILES); do \
	  $(INSTALL) -d $(SHAREDIR)/$$(dirname $$f); \
	  case $$f in *.t|*.sh) m=755 ;; *) m=644 ;; esac; \
	  $(INSTALL) -m $$m $$f $(SHAREDIR)/$$f; \
	done
	@set -e; for m in $(MAN_PAGES); do \
	  $(INSTALL) -m 644 $$m $(MANDIR)/; done
	$(INSTALL) -m 644 scripts/completion.bash $(COMPDIR)/promgate
	$(INSTALL) -m 644 scripts/completion.zsh $(ZSHCOMPDIR)/_promgate

uninstall:
	rm -f $(BINDIR)/promgate $(COMPDIR)/promgate $(ZSHCOMPDIR)/_promgate
	rm -f $(addprefix $(MANDIR)/,$(notdir $(MAN_PAGES)))
	rm -rf $(SHAREDIR)

.PHONY: install uninstall

# make deb-smoke: build the Debian package, install it, smoke-test the
# installed files, remove it (scripts/deb-smoke.sh; CI runs it).
deb-smoke:
	./scripts/deb-smoke.sh

.PHONY: deb-smoke
