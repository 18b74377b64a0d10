#!/bin/sh
# mda.sh DIR FIRST LAST [PREFIX]: deliver messages FIRST..LAST into the
# Maildir folder DIR the way an MDA does: write the file in tmp/, then
# rename it into new/. Message i has Message-ID <PREFIXi@test>.
d=$1
i=$2
p=${4:-mda}
host=$(hostname | sed 's,/,\\057,g; s,:,\\072,g')
while [ "$i" -le "$3" ]; do
	n="$(date +%s).M${i}P$$Q${i}.$host"
	printf 'Message-ID: <%s%d@test>\nSubject: %s %d\n\nbody %d\n' \
	    "$p" "$i" "$p" "$i" "$i" >"$d/tmp/$n" || exit 1
	mv "$d/tmp/$n" "$d/new/$n" || exit 1
	i=$((i + 1))
done
