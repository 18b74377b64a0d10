'use strict';
/*
 * changedsince.js: client A opens INBOX and notes its HIGHESTMODSEQ;
 * client B removes \Seen from message 1 and adds the keyword $Label1 to
 * message 3. A's NOOP brings B's changes as flag updates; then A fetches
 * with changedSince (FETCH ... (CHANGEDSINCE n), RFC 7162 3.1.4) by
 * sequence number and by UID, and gets exactly those two, with their new
 * flags and MODSEQs above the noted one; so does a new connection, C.
 * STATUS HIGHESTMODSEQ is the higher of the two, and a fetch changed
 * since it returns nothing.
 *
 * (A command sees the mailbox as the end of the command before left it,
 * as Dovecot's do: without the NOOP, A's first FETCH would get B's
 * changes only as unsolicited FETCH (FLAGS MODSEQ) responses after it.)
 */

const { client, out, flags, main } = require('./common.js');

main(async () => {
	const a = client('A');
	const b = client('B');
	const c = client('C');
	const events = [];
	let noted = null;
	const above = (modseq) => modseq > noted ? 'above noted' : 'NOT ABOVE';

	a.on('flags', (e) => events.push(`A flags ${e.seq} ` +
	    `flags=${flags(e.flags)} modseq=${above(e.modseq)}`));
	await a.connect();
	const box = await a.mailboxOpen('INBOX');
	noted = box.highestModseq;
	out('A noted highestModseq', typeof noted);
	for await (const m of a.fetch('1:*', { uid: true, modseq: true }))
		out('A before', m.seq, `uid=${m.uid}`,
		    `modseq=${m.modseq <= noted ? 'not above noted' : 'ABOVE'}`);

	await b.connect();
	await b.mailboxOpen('INBOX');
	await b.messageFlagsRemove('1', ['\\Seen']);
	await b.messageFlagsAdd('3', ['$Label1']);
	await b.logout();
	out('B stored 1 -\\Seen, 3 +$Label1');

	await a.noop();
	for (const e of events)
		out(e);

	const seen = new Map();
	const changed = async (who, cl, uid) => {
		const list = await cl.fetchAll('1:*', { uid: true, flags: true,
		    modseq: true }, { uid, changedSince: noted });
		out(`${who} changedSince noted, ${uid ? 'UID FETCH' : 'FETCH'}:`,
		    list.length, 'messages');
		for (const m of list) {
			out(who, 'changed', m.seq, `uid=${m.uid}`,
			    `flags=${flags(m.flags)}`,
			    `modseq=${above(m.modseq)}`);
			if (seen.has(m.uid) && seen.get(m.uid) !== m.modseq)
				out(who, 'MODSEQ of', m.uid, 'differs');
			seen.set(m.uid, m.modseq);
		}
	};
	await changed('A', a, false);
	await changed('A', a, true);
	await c.connect();
	await c.mailboxOpen('INBOX', { readOnly: true });
	await changed('C', c, true);
	await c.logout();

	const [m1, m3] = [seen.get(1), seen.get(3)];
	out('A modseq of 3 above modseq of 1:', m3 > m1);
	const st = await a.status('INBOX', { highestModseq: true });
	out('A status highestModseq is modseq of 3:', st.highestModseq === m3);
	const none = await a.fetchAll('1:*', { uid: true, flags: true },
	    { changedSince: st.highestModseq });
	out('A changedSince highest:', none.length, 'messages');
	await a.logout();
});
