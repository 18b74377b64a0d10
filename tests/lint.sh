#!/bin/sh
# tests/lint.sh: functions we never call (STYLE.md), and files over the
# size a module should have. Prints "lint: ok" or the offending lines.
status=0
banned='(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|gets|atoi|atol|system|alloca|tmpnam|mktemp)'
hits=$(grep -nE "(^|[^A-Za-z0-9_])$banned[[:space:]]*\(" src/*.c src/*/*.c 2>/dev/null | \
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*)')
if [ -n "$hits" ]; then
	echo "lint: banned functions:"
	echo "$hits"
	status=1
fi
for f in src/*.c src/*/*.c; do
	n=$(wc -l <"$f")
	if [ "$n" -gt 1000 ]; then
		echo "lint: $f has $n lines (split it: STYLE.md)"
		status=1
	fi
done
[ $status -eq 0 ] && echo "lint: ok"
exit $status
