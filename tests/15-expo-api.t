#!/bin/sh
# lib/expo/expo.h API: callbacks, attribution, stopping, format resolution.
cd "$(dirname "$0")/.." || exit 1
exec bin/test-expo-api
