'use strict';
/*
 * common.js: what the imapflow scenario scripts share (tests/imapflow.bats
 * runs them against mdimapd --listen on a loopback port).
 *
 *   client(name, opts)   an ImapFlow client for $IMAP_PORT, $IMAP_USER,
 *                        $IMAP_PASS; compression only when
 *                        $IMAPFLOW_COMPRESS=1. Its protocol log (the lines
 *                        imapflow logs as sent and received) is kept in
 *                        c.lines, and c.idleStarted() resolves once the
 *                        server has answered an IDLE with its
 *                        continuation.
 *   out(...)             print one line of the transcript the test compares.
 *   waitFor(what, pred)  poll pred() until it holds, at most 5 seconds.
 *   flags(set)           a Set of flags as a sorted, space-separated list.
 *   compressed(c)        "on" when COMPRESS DEFLATE was asked for, accepted
 *                        and the client's streams run through zlib.
 *   main(fn)             run fn, print an error and exit 1 if it throws;
 *                        exit 1 after 30 s in any case.
 *
 * The transcript holds only what is the same on every run: UIDVALIDITY
 * and MODSEQ values are compared with each other, never printed.
 * IMAPFLOW_DEBUG=1 writes everything imapflow logs to standard error.
 */

const { ImapFlow } = require('imapflow');

function out(...args) {
	process.stdout.write(args.join(' ') + '\n');
}

function client(name, opts) {
	const lines = [];
	const waiters = [];
	const record = (level) => (o) => {
		if (process.env.IMAPFLOW_DEBUG)
			process.stderr.write(`${name} ${level} ` +
			    `${JSON.stringify(o, (k, v) => typeof v === 'bigint' ?
			    String(v) : v)}\n`);
		if (!o || (o.src !== 'c' && o.src !== 's') ||
		    typeof o.msg !== 'string')
			return;
		lines.push(`${name} ${o.src === 'c' ? 'C' : 'S'}: ${o.msg}`);
		for (const w of waiters.splice(0))
			w();
	};
	const logger = {};
	for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
		logger[level] = record(level);
	const c = new ImapFlow(Object.assign({
		host: '127.0.0.1',
		port: Number(process.env.IMAP_PORT),
		secure: false,
		auth: { user: process.env.IMAP_USER, pass: process.env.IMAP_PASS },
		logger,
		disableCompression: process.env.IMAPFLOW_COMPRESS !== '1',
		disableAutoIdle: true,
		connectionTimeout: 10000,
		greetingTimeout: 10000
	}, opts || {}));
	c.lines = lines;
	/* The "+ idling" continuation after this client's last IDLE. */
	c.idleStarted = () => new Promise((resolve, reject) => {
		const start = lines.length;
		const timer = setTimeout(() => reject(new Error(`${name}: IDLE ` +
		    'never accepted')), 5000);
		const check = () => {
			const after = lines.slice(start);
			if (after.some((l) => / C: \S+ IDLE$/.test(l)) &&
			    after.some((l) => / S: \+/.test(l))) {
				clearTimeout(timer);
				resolve();
			} else {
				waiters.push(check);
			}
		};
		check();
	});
	return c;
}

async function waitFor(what, pred) {
	for (let i = 0; i < 50; i++) {
		if (pred())
			return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`not within 5 seconds: ${what}`);
}

function flags(set) {
	return [...(set || [])].sort().join(' ') || '-';
}

function compressed(c) {
	const asked = c.lines.some((l) => / C: \S+ COMPRESS DEFLATE$/.test(l));
	const ok = c.lines.some((l) => / S: \S+ OK .*DEFLATE/i.test(l));
	if (!asked)
		return 'off';
	return ok && c._inflate && c._deflate ? 'on' : 'failed';
}

function main(fn) {
	const timer = setTimeout(() => {
		out('TIMEOUT');
		process.exit(1);
	}, 30000);
	fn().then(() => {
		clearTimeout(timer);
	}, (err) => {
		out('ERROR', err && err.message ? err.message : String(err));
		if (err && err.response)
			out('RESPONSE', String(err.response));
		process.exit(1);
	});
}

module.exports = { client, out, waitFor, flags, compressed, main };
