# tools/lat: latency probe modules, included from the top-level Makefile.am
