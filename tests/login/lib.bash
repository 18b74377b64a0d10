# tests/login/lib.bash: helpers of login.bats and launchers.bats (after
# helpers.bash).
#
#   add_user NAME UID PASS      a passwd-file user ($TESTDIR/passwd) whose
#                               home $TESTDIR/home/NAME it owns; sets the
#                               auth and passwd_file settings
#   imapc STEP... [-- CMD...]   tests/login/imapc.py under a timeout
#   imapc_exec STEP...          imapc --exec on $MDIMAPD (as the caller),
#                               its stderr in $TESTDIR/stderr
#   free_port                   a TCP port on 127.0.0.1 nobody listens on
#   wait_port PORT              wait until something listens there
#   start_daemon NAME CMD...    CMD in the background, in a session of its
#                               own, under a timeout; output in
#                               $TESTDIR/NAME.log
#   stop_daemons                end them and every process under them
#   make_cert                   $TESTDIR/cert.pem, $TESTDIR/key.pem: a
#                               self-signed certificate for 127.0.0.1

LOGIN_DIR=$BATS_TEST_DIRNAME/login
IMAPC=$LOGIN_DIR/imapc.py

# What the server says after a good login, before the user selects.
CAPS_LOGGEDIN=$CAPS_AUTH
CAPS_PRELOGIN='IMAP4rev1 IMAP4rev2 LITERAL- AUTH=PLAIN SASL-IR ID'
CAPS_DISABLED='IMAP4rev1 IMAP4rev2 LITERAL- LOGINDISABLED ID'
GREETING_PLAIN="* OK [CAPABILITY $CAPS_PRELOGIN] mdimapd ready."
GREETING_DISABLED="* OK [CAPABILITY $CAPS_DISABLED] mdimapd ready."
LOGGED_IN="OK [CAPABILITY $CAPS_LOGGEDIN] Logged in"

add_user() {
	local name=$1 uid=$2 pass=$3 home=$TESTDIR/home/$1 hash
	mkdir -p "$home"
	if [ "$(id -u)" = 0 ]; then
		chown "$uid:$uid" "$home"
	fi
	hash=$(printf '%s\n' "$pass" | "$MDIMAPD" --hash) || return 1
	case $hash in '{CRYPT}$'*) ;; *) echo "bad hash: $hash"; return 1 ;; esac
	printf '%s:%s:%s:%s::%s::\n' "$name" "$hash" "$uid" "$uid" "$home" \
	    >>"$TESTDIR/passwd"
	if [ -z "${PASSWD_CONFIGURED:-}" ]; then
		test_config "auth = passwd-file"
		test_config "passwd_file = $TESTDIR/passwd"
		PASSWD_CONFIGURED=1
	fi
}

imapc() {
	timeout 60 python3 "$IMAPC" "$@"
}

imapc_exec() {
	imapc --exec --stderr "$TESTDIR/stderr" "$@" -- "$MDIMAPD"
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

wait_port() {
	local i
	for i in $(seq 1 100); do
		if python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
		    "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "nothing listens on port $1"
	return 1
}

start_daemon() {
	local name=$1
	shift
	setsid timeout 120 "$@" >"$TESTDIR/$name.log" 2>&1 &
	echo "$!" >>"$TESTDIR/daemons"
}

# The pids under $1 (children, grandchildren...), $1 included.
proc_tree() {
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			for (p in parent) {
				q = p
				for (n = 0; n < 64 && q != "" && q != 0; n++) {
					if (q == root) { print p; break }
					q = parent[q]
				}
			}
		}'
}

alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

stop_daemons() {
	local d pids="" p i
	[ -f "$TESTDIR/daemons" ] || return 0
	for d in $(cat "$TESTDIR/daemons"); do
		pids="$pids $(proc_tree "$d")"
	done
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null
	done
	# A zombie counts as gone: ours (the setsid ones) are reaped below,
	# the others by their parents or init.
	for i in $(seq 1 30); do
		for p in $pids; do
			alive "$p" && break
			p=
		done
		[ -z "$p" ] && break
		sleep 0.1
	done
	for p in $pids; do
		alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	for d in $(cat "$TESTDIR/daemons"); do
		wait "$d" 2>/dev/null
	done
	rm -f "$TESTDIR/daemons"
	return 0
}

make_cert() {
	# mbsync 1.4 matches the host name only against DNS names: the
	# address is one too.
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj "/CN=localhost" \
	    -addext "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost" \
	    -keyout "$TESTDIR/key.pem" -out "$TESTDIR/cert.pem" \
	    >/dev/null 2>&1
}

