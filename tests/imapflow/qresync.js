'use strict';
/*
 * qresync.js: QRESYNC (RFC 7162 3.2) as a reconnecting client uses it.
 * Client A opens INBOX with qresync: true, notes UIDVALIDITY and
 * HIGHESTMODSEQ and logs out. Client B then adds \Answered to UID 3,
 * deletes UID 2 and appends a message. A reconnects and opens INBOX with
 * the noted values (SELECT INBOX (QRESYNC (uidvalidity modseq))): it gets
 * UID 2 as vanished earlier (VANISHED (EARLIER), 3.2.5.2) and the flags
 * of UIDs 3 and 4. Then, while A idles, B expunges UID 1 (an unsolicited
 * VANISHED, 3.2.10.2) and flags UID 3; A's view ends as the server's.
 * (imapflow does not lower its mailbox.exists on a VANISHED, which RFC
 * 7162 3.2.10.2 says it should: the count is not printed.)
 */

const { client, out, waitFor, flags, compressed, main } =
    require('./common.js');

const RAW = 'From: Bob <bob@example.net>\r\nTo: alice@example.org\r\n' +
    'Subject: appended\r\nMessage-ID: <m4@example.net>\r\n\r\nbody 4\r\n';

main(async () => {
	const a1 = client('A1', { qresync: true });
	await a1.connect();
	out('A1 compress', compressed(a1), 'enabled',
	    [...a1.enabled].sort().join(' '));
	const box1 = await a1.mailboxOpen('INBOX');
	const { uidValidity, highestModseq } = box1;
	out('A1 open exists', box1.exists, 'qresync', !!box1.qresync);
	for await (const m of a1.fetch('1:*', { uid: true, flags: true }))
		out('A1 message', m.seq, `uid=${m.uid}`, `flags=${flags(m.flags)}`);
	await a1.logout();

	const b = client('B');
	await b.connect();
	await b.mailboxOpen('INBOX');
	await b.messageFlagsAdd('3', ['\\Answered'], { uid: true });
	await b.messageDelete('2', { uid: true });
	const r = await b.append('INBOX', RAW, ['$Important']);
	out('B stored uid 3 +\\Answered, deleted uid 2, appended uid', r.uid);

	const a2 = client('A2', { qresync: true });
	const events = [];
	const above = (modseq) => modseq === undefined ? 'none' :
	    modseq > highestModseq ? 'above noted' : 'NOT ABOVE';
	a2.on('expunge', (e) => events.push(`expunge path=${e.path} ` +
	    `seq=${e.seq ?? '-'} uid=${e.uid ?? '-'} vanished=${e.vanished} ` +
	    `earlier=${e.earlier ?? '-'}`));
	a2.on('flags', (e) => events.push(`flags path=${e.path} ` +
	    `seq=${e.seq} uid=${e.uid ?? '-'} flags=${flags(e.flags)} ` +
	    `modseq=${above(e.modseq)}`));
	a2.on('exists', (e) => events.push(`exists count=${e.count} ` +
	    `prevCount=${e.prevCount}`));
	await a2.connect();
	const box2 = await a2.mailboxOpen('INBOX',
	    { uidValidity, changedSince: highestModseq });
	const sel = a2.lines.filter((l) => / C: \S+ SELECT /.test(l));
	out('A2 sent', sel.map((l) => l.replace(/^.* C: \S+ /, '')
	    .replace(/\d{6,}/g, 'N')).join(' | '));
	out('A2 open exists', box2.exists, 'qresync', !!box2.qresync,
	    'same uidValidity', box2.uidValidity === uidValidity,
	    'highestModseq', above(box2.highestModseq));
	for (const e of events.splice(0))
		out('A2 select:', e);

	const idle = a2.idle();
	await a2.idleStarted();
	out('A2 idling');
	/* One change at a time: each is seen before the next is made. */
	await b.messageFlagsAdd('1', ['\\Deleted'], { uid: true });
	out('B stored uid 1 +\\Deleted');
	await waitFor('flags of uid 1', () => events.length >= 1);
	await b.messageDelete('1', { uid: true });
	out('B expunged uid 1');
	await waitFor('VANISHED of uid 1', () => events.length >= 2);
	await b.messageFlagsAdd('3', ['$Done'], { uid: true });
	out('B stored uid 3 +$Done');
	await waitFor('flags of uid 3', () => events.length >= 3);
	await b.logout();
	await new Promise((res) => setTimeout(res, 300));
	for (const e of events.splice(0))
		out('A2 idle:', e);

	for await (const m of a2.fetch('1:*', { uid: true, flags: true }))
		out('A2 message', m.seq, `uid=${m.uid}`, `flags=${flags(m.flags)}`);
	await idle;
	for (const e of events.splice(0))
		out('A2 extra:', e);
	await a2.logout();
});
