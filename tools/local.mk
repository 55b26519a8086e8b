# tools: build rules, included from the top-level Makefile.am
