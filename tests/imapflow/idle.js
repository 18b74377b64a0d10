'use strict';
/*
 * idle.js: client A opens INBOX and idles; client B, on a connection of
 * its own, appends a message, adds flags to two messages, then marks one
 * \Deleted and expunges it. After each step of B the script waits (at
 * most 5 seconds) for the event it must cause in A, so the order of the
 * transcript is fixed: A's events as imapflow reports them, then A's view
 * of the mailbox after IDLE.
 */

const { client, out, waitFor, flags, compressed, main } =
    require('./common.js');

const RAW = 'From: Bob <bob@example.net>\r\nTo: alice@example.org\r\n' +
    'Subject: appended\r\nMessage-ID: <m4@example.net>\r\n\r\nbody 4\r\n';

main(async () => {
	const a = client('A');
	const b = client('B');
	const events = [];
	let modseq = null;
	const seen = (e) => {
		if (e.modseq !== undefined)
			return e.modseq > modseq ? 'higher' : 'NOT HIGHER';
		return 'none';
	};
	a.on('exists', (e) => events.push(`exists path=${e.path} ` +
	    `count=${e.count} prevCount=${e.prevCount}`));
	a.on('flags', (e) => events.push(`flags path=${e.path} seq=${e.seq} ` +
	    `uid=${e.uid ?? '-'} flags=${flags(e.flags)} modseq=${seen(e)}`));
	a.on('expunge', (e) => events.push(`expunge path=${e.path} ` +
	    `seq=${e.seq} uid=${e.uid ?? '-'} vanished=${e.vanished}`));
	const step = async (what, n) => {
		await waitFor(what, () => events.length >= n);
		out(events[n - 1]);
	};

	await a.connect();
	const box = await a.mailboxOpen('INBOX');
	modseq = box.highestModseq;
	out('A compress', compressed(a), 'exists', box.exists);
	const idle = a.idle();
	await a.idleStarted();
	out('A idling');

	await b.connect();
	out('B compress', compressed(b));
	const r = await b.append('INBOX', RAW, ['\\Seen'],
	    new Date('2024-01-02T03:04:05Z'));
	out('B append', `destination=${r.destination}`, `uid=${r.uid}`);
	await step('exists after APPEND', 1);

	await b.mailboxOpen('INBOX');
	await b.messageFlagsAdd('1', ['\\Flagged']);
	out('B store 1 +\\Flagged');
	await step('flags of 1', 2);
	await b.messageFlagsAdd('2', ['\\Answered', '$Forwarded'],
	    { uid: true });
	out('B store uid 2 +\\Answered $Forwarded');
	await step('flags of 2', 3);
	await b.messageFlagsAdd('2', ['\\Deleted']);
	out('B store 2 +\\Deleted');
	await step('\\Deleted of 2', 4);
	await b.messageDelete('2');
	out('B expunge 2');
	await step('expunge of 2', 5);
	await b.logout();

	/* Nothing more: wait a little for stray events. */
	await new Promise((r) => setTimeout(r, 300));
	for (const e of events.slice(5))
		out('extra', e);

	/* The next command ends IDLE (DONE), and A's view is the server's. */
	for await (const m of a.fetch('1:*', { uid: true, flags: true }))
		out('A message', m.seq, `uid=${m.uid}`, `flags=${flags(m.flags)}`);
	await idle;
	out('A idle ended');
	out('A exists', a.mailbox.exists);
	await a.logout();
});
