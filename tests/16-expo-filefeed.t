#!/bin/sh
# The file feeder reads with read(2): windows, stop, and a file truncated
# while it is being read is a clear error instead of a SIGBUS.
cd "$(dirname "$0")/.." || exit 1
exec bin/test-filefeed
